//! `sample_data/` is exactly what `observatoire exemple` writes (the raw `brut/` folder
//! aside, written by `examples/brut.rs`): regenerate it with `cargo run -- exemple` when the
//! generator changes on purpose.

use observatoire::generate::{generate, write_example, ExampleOptions};
use std::path::{Path, PathBuf};

fn files_under(root: &Path, relative: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(relative))
        .expect("folder")
        .map(|entry| entry.expect("entry"))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let child = relative.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() != "brut" {
                files_under(root, &child, found);
            }
        } else {
            found.push(child);
        }
    }
}

#[test]
fn sample_data_is_what_exemple_writes() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let fresh = tempfile::tempdir().expect("temporary folder");
    let data = generate(&ExampleOptions::default()).expect("generation");
    write_example(&data, fresh.path()).expect("written");
    let (mut expected, mut actual) = (Vec::new(), Vec::new());
    files_under(fresh.path(), Path::new(""), &mut expected);
    files_under(&committed, Path::new(""), &mut actual);
    assert_eq!(actual, expected, "the same files");
    for file in &expected {
        let same = std::fs::read(fresh.path().join(file)).expect("fresh")
            == std::fs::read(committed.join(file)).expect("committed");
        assert!(
            same,
            "sample_data/{} differs from what `exemple` writes",
            file.display()
        );
    }
}
