//! Hostile files: damaged copies of real workbooks (bytes flipped, cut short) must give a
//! diagnostic, never a panic or a hang.

use observatoire::read::read_file;
use proptest::prelude::*;
use std::path::Path;

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect("sample file")
}

fn read_damaged(bytes: &[u8], extension: &str) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join(format!("abime.{extension}"));
    std::fs::write(&path, bytes).expect("written");
    // Either a workbook or one diagnostic; a panic fails the test.
    let _ = read_file(&path, "abime");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn damaged_workbooks_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        file in prop::sample::select(vec![
            ("tests/formats/libreoffice.xlsx", "xlsx"),
            ("tests/formats/libreoffice.ods", "ods"),
            ("tests/formats/libreoffice.xls", "xls"),
            ("tests/formats/libreoffice-windows-1252.csv", "csv"),
        ]),
    ) {
        let original = sample(file.0);
        let mut flipped = original.clone();
        for (index, byte) in &flips {
            let position = index.index(flipped.len());
            flipped[position] = *byte;
        }
        read_damaged(&flipped, file.1);
        read_damaged(&original[..cut.index(original.len())], file.1);
    }
}

/// A copy of `tests/formats/libreoffice.xls` with a few bytes damaged (found by the
/// property test above): calamine's lenient reader used to reserve 77 GB for it and abort.
#[test]
fn a_damaged_xls_container_is_refused_before_calamine_allocates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/conteneur-abime.xls");
    let problem = read_file(&path, "conteneur-abime.xls").expect_err("refused");
    assert_eq!(problem.code, observatoire::diagnostic::Code::E002);
}
