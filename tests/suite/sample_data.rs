//! `sample_data/` is exactly what `observatoire exemple` writes (the raw `brut/` folder
//! aside, written by `examples/brut.rs`), and its census context is exactly what
//! `observatoire contexte` writes from the INSEE-shaped national bases of
//! `tests/fixtures/insee/national/`: regenerate them with `cargo run -- exemple` and the
//! `contexte` command of the README when the generator or the import changes on purpose.

use observatoire::generate::{generate, write_example, ExampleOptions};
use std::path::{Path, PathBuf};

/// The context written by `contexte`, not by `exemple`.
const CENSUS_CONTEXT: &str = "contexte/contexte-insee-2021.xlsx";

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
        } else if child != Path::new(CENSUS_CONTEXT) {
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

#[test]
fn the_sample_census_context_is_what_contexte_writes_from_insee_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = tempfile::tempdir().expect("temporary folder");
    std::fs::copy(
        root.join("sample_data/reseau.toml"),
        fresh.path().join("reseau.toml"),
    )
    .expect("reseau.toml");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .arg("contexte")
        .arg(root.join("tests/fixtures/insee/national/dossier_complet.zip"))
        .arg("--dossier")
        .arg(fresh.path())
        .args(["--millesime", "2021"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        std::fs::read(fresh.path().join(CENSUS_CONTEXT)).expect("fresh")
            == std::fs::read(root.join("sample_data").join(CENSUS_CONTEXT)).expect("committed"),
        "sample_data/{CENSUS_CONTEXT} differs from what `contexte` writes"
    );
}
