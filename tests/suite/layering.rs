//! The pipeline's order, kept true: every `crate::` path in `src/` must point to a module
//! of an earlier layer than its own. A new import that runs back up the pipeline (the
//! checker borrowing from the renderers, production code from the example generator)
//! fails here with the file and line, before it settles in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, first to last. A module may use the modules of earlier layers only.
const LAYERS: &[&[&str]] = &[
    // Base modules: they import nothing else from the crate.
    &["diagnostic", "french", "fold", "output", "print", "zones"],
    &["network"],
    &["schema"],
    // The pipeline: read → check → (anonymise, count) → protect → report.
    &["read"],
    &["check"],
    &["sheet", "verify", "context", "blank_forms"],
    // Alongside the pipeline: the example generator, cost-sharing, feedback, renderers.
    &[
        "anonymise",
        "count",
        "generate",
        "present",
        "feedback",
        "repartition",
    ],
    &["protect"],
    &["report"],
    // The network's own year: the evaluation reads the money and the published report.
    &["activity"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// The names that follow `prefix` on a line of code (comments left out).
fn paths_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices(prefix)
        .map(|(start, _)| {
            let rest = &code[start + prefix.len()..];
            let end = rest
                .find(|character: char| !(character.is_ascii_alphanumeric() || character == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Every import of `src/` that breaks the layers, as `file:line: module → module`.
fn violations(root: &Path) -> Vec<String> {
    let source = root.join("src");
    let mut files = Vec::new();
    rust_files(&source, &mut files);
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&source).expect("under src/");
        let first = relative
            .components()
            .next()
            .and_then(|component| component.as_os_str().to_str())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs");
        let text = std::fs::read_to_string(&file).expect("a source file");
        let own = layer_of(module);
        let is_binary = matches!(module, "cli" | "main" | "lib");
        if own.is_none() && !is_binary {
            found.push(format!(
                "src/{}: module {module} is in no layer of tests/suite/layering.rs",
                relative.display()
            ));
            continue;
        }
        for (number, line) in text.lines().enumerate() {
            let shown = format!("src/{}:{}", relative.display(), number + 1);
            if module == "cli" {
                // The command line's files share only what `cli/mod.rs` holds.
                let sibling = relative.file_stem().and_then(|stem| stem.to_str());
                if sibling != Some("mod") {
                    for name in paths_after(line, "super::") {
                        let is_file = source.join("cli").join(format!("{name}.rs")).is_file();
                        if is_file {
                            found.push(format!(
                                "{shown}: cli/{} → cli/{name}",
                                sibling.unwrap_or("")
                            ));
                        }
                    }
                }
                continue;
            }
            let Some(own) = own else {
                continue;
            };
            for used in paths_after(line, "crate::") {
                if used == module {
                    continue;
                }
                match layer_of(used) {
                    Some(layer) if layer < own => {}
                    _ => found.push(format!("{shown}: {module} → {used}")),
                }
            }
        }
    }
    found
}

#[test]
fn imports_follow_the_pipeline() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = violations(&root);
    assert!(
        found.is_empty(),
        "imports against the layers (move the shared piece down, or fix LAYERS with care):\n{}",
        found.join("\n")
    );
}

/// The check itself can fail: an import back up the pipeline, a sibling of `cli/`, and a
/// module left out of the table are all found.
#[test]
fn the_check_finds_an_import_back_up_the_pipeline() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let source = folder.path().join("src");
    std::fs::create_dir_all(source.join("check")).expect("src/check");
    std::fs::create_dir_all(source.join("cli")).expect("src/cli");
    std::fs::write(
        source.join("check/mod.rs"),
        "use crate::read::RawCell;\n// crate::report in a comment is fine\nuse crate::report::build;\n",
    )
    .expect("check/mod.rs");
    std::fs::write(source.join("cli/repartition.rs"), "pub fn parse() {}\n").expect("cli file");
    std::fs::write(
        source.join("cli/populations.rs"),
        "use super::use_colour;\nfn f() { super::repartition::parse() }\n",
    )
    .expect("cli file");
    std::fs::write(source.join("extra.rs"), "fn f() {}\n").expect("extra.rs");
    let found = violations(folder.path());
    let expected: BTreeMap<&str, bool> = [
        ("src/check/mod.rs:3: check → report", true),
        (
            "src/cli/populations.rs:2: cli/populations → cli/repartition",
            true,
        ),
        (
            "src/extra.rs: module extra is in no layer of tests/suite/layering.rs",
            true,
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for line in &found {
        assert!(expected.contains_key(line.as_str()), "{line} in {found:?}");
    }
}
