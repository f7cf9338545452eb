//! The chart files for the annual event's slides need no installed font: their text is
//! drawn as outlines of the embedded DejaVu Sans, and they keep a title and a text
//! alternative. Checked on the committed example (kept up to date by tests/suite/rapport.rs).

use std::path::Path;

#[test]
fn chart_files_carry_their_font_and_their_text_alternative() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/exemple/graphiques");
    let mut svgs = 0;
    for entry in std::fs::read_dir(folder).expect("graphiques") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|extension| extension.to_str()) != Some("svg") {
            continue;
        }
        svgs += 1;
        let svg = std::fs::read_to_string(&path).expect("svg");
        assert!(
            !svg.contains("<text"),
            "{}: text left to a system font",
            path.display()
        );
        assert!(svg.contains("<path"), "{}", path.display());
        assert!(
            svg.contains("<title>") && svg.contains("<desc>"),
            "{}: no title or text alternative",
            path.display()
        );
        assert!(
            path.with_extension("png").exists(),
            "{}: no PNG beside it",
            path.display()
        );
    }
    assert!(svgs >= 6, "{svgs} charts");
}
