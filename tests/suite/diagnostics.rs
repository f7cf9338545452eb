//! One fixture folder per diagnostic code (`tests/fixtures/<CODE>-<slug>/`), run through
//! the real binary the way the coordinator runs it, with the whole output snapshotted.
//!
//! Each folder holds the smallest realistic file(s) an agent could send that trigger its
//! code; `tests/fixtures/README.md` says what each one shows and
//! `examples/make_fixtures.rs` writes the binary ones. Besides the snapshots (exit code,
//! then what the terminal or a program reads), the table [`EXPECTED`] pins what must not
//! drift silently: the code is reported, at the right cell, with the right exit code, and
//! with no other diagnostic than the note about the default network.
//!
//! Update the snapshots with `cargo insta review` (or `INSTA_UPDATE=always cargo test
//! --test diagnostics`, then read the diffs): a reviewer reads them as the coordinator
//! would.

use observatoire::diagnostic::{Code, Severity};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Each fixture folder, the code it shows, and the cell the diagnostic must point at
/// (`None` for problems of a whole file, sheet, column or `reseau.toml` line).
const EXPECTED: &[(&str, &str, Option<&str>)] = &[
    ("E001-fichier-vide", "E001", None),
    ("E002-classeur-tronque", "E002", None),
    ("E003-mot-de-passe", "E003", None),
    ("E004-pas-un-tableur", "E004", None),
    ("E005-mauvaise-extension", "E005", None),
    ("E006-feuille-trop-grande", "E006", Some("XFD1048576")),
    ("E007-fichier-illisible", "E007", None),
    ("E008-fichier-trop-volumineux", "E008", None),
    ("E010-colonne-identifiante", "E010", Some("D1")),
    ("E011-colonne-obligatoire-absente", "E011", None),
    ("E012-colonne-en-double", "E012", Some("D1")),
    ("E020-valeur-obligatoire-manquante", "E020", Some("D3")),
    ("E021-nombre-attendu", "E021", Some("R4")),
    ("E022-date-attendue", "E022", Some("C2")),
    ("E023-categorie-inconnue", "E023", Some("G3")),
    ("E024-commune-inconnue", "E024", Some("A4")),
    ("E025-valeur-hors-limites", "E025", Some("H2")),
    ("E026-formule-sans-valeur", "E026", Some("N3")),
    ("E027-cellule-en-erreur", "E027", Some("M4")),
    ("E030-decision-avant-demande", "E030", Some("U4")),
    ("E031-montant-accorde-manquant", "E031", Some("S3")),
    ("E032-montant-accorde-refus", "E032", Some("S4")),
    ("E033-numero-en-double", "E033", Some("B3")),
    ("E034-enfants-et-personnes", "E034", Some("I3")),
    ("E035-indicateur-inconnu", "E035", Some("C3")),
    ("E036-modalite-inconnue", "E036", Some("D5")),
    ("E037-valeur-en-double", "E037", Some("D7")),
    ("E040-reseau-toml-invalide", "E040", None),
    ("E051-depense-hors-adhesion", "E051", Some("A2")),
    ("E052-aucun-millesime", "E052", None),
    ("E053-repartition-sans-reseau", "E053", None),
    ("E054-montant-hors-limites", "E054", Some("D2")),
    ("E055-populations-insee-incompletes", "E055", None),
    ("E056-recensement-autre-millesime", "E056", None),
    ("E057-recensement-valeur-masquee", "E057", Some("I9")),
    ("E058-recensement-membre-absent", "E058", None),
    ("E060-reunion-hors-annee", "E060", Some("B4")),
    ("E061-contact-personnel", "E061", Some("F3")),
    ("N001-feuille-ignoree", "N001", None),
    ("N002-ligne-de-total", "N002", None),
    ("N003-sans-reseau-toml", "N003", None),
    ("N004-fichier-ignore", "N004", None),
    ("N005-lignes-de-modele-vides", "N005", None),
    ("N006-deja-lu", "N006", None),
    ("W001-colonne-inconnue", "W001", Some("U1")),
    ("W002-accorde-superieur-au-demande", "W002", Some("S3")),
    ("W003-commune-sortie-du-reseau", "W003", Some("A4")),
    ("W004-montant-arrondi", "W004", Some("S2")),
    ("W005-fichier-sans-donnees", "W005", None),
    ("W006-dossier-trop-profond", "W006", None),
];

/// Codes no file can trigger, with the reason: they guard library calls, and the reading
/// of the files reports the same problem first under another code.
const NOT_FROM_FILES: &[(&str, &str)] = &[(
    "E050",
    "a vintage missing a member is refused when reseau.toml is read (E040); E050 guards compute() called with a network built in code",
)];

/// The census file each `contexte` fixture folder holds (E056–E058).
fn census_file(folder: &str) -> Option<&'static str> {
    if folder.starts_with("E056-") {
        Some("base-cc-evol-struct-pop-2020.csv")
    } else if folder.starts_with("E057-") || folder.starts_with("E058-") {
        Some("dossier_complet.csv")
    } else {
        None
    }
}

/// The cost-sharing codes come from `repartition` (E055 from `populations`, E056–E058 from
/// `contexte`), which have no JSON output: their fixtures are run and snapshotted as text
/// only.
fn command_for(folder: &str) -> Vec<String> {
    if let Some(file) = census_file(folder) {
        // Nothing is written: these folders have errors.
        return [
            "contexte",
            &format!("{folder}/{file}"),
            "--dossier",
            folder,
            "--millesime",
            "2021",
        ]
        .map(String::from)
        .to_vec();
    }
    if folder.starts_with("E055-") {
        return [
            "populations",
            &format!("{folder}/ensemble.csv"),
            "--reseau",
            &format!("{folder}/reseau.toml"),
            "--millesime",
            "2022",
            "--en-vigueur",
            "2025-01-01",
        ]
        .map(String::from)
        .to_vec();
    }
    if folder.starts_with("E05") {
        // Nothing is written: these folders have errors.
        return [
            "repartition",
            folder,
            "--annee",
            "2024",
            "--sortie",
            "repartition-jamais-ecrite",
        ]
        .map(String::from)
        .to_vec();
    }
    if folder.starts_with("E008-") {
        // A limit below the file's 1,3 Ko, rather than a committed file of 256 Mo.
        return ["verifier", "--taille-max", "1Ko", folder]
            .map(String::from)
            .to_vec();
    }
    vec!["verifier".to_string(), folder.to_string()]
}

fn has_json(folder: &str) -> bool {
    !folder.starts_with("E05")
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture folders, sorted.
fn fixture_folders() -> Vec<String> {
    let mut folders: Vec<String> = std::fs::read_dir(fixtures_root())
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().into_string().unwrap())
        // INSEE's census bases, shaped like the real files, for tests/suite/context.rs.
        .filter(|folder| folder != "insee")
        .collect();
    folders.sort();
    folders
}

/// What one run of the binary gave.
struct Run {
    exit_code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The exit code, then stdout, then stderr when there is any: what gets snapshotted.
    fn shown(&self) -> String {
        let mut shown = format!("code de sortie : {}\n{}", self.exit_code, self.stdout);
        if !self.stderr.is_empty() {
            shown.push_str("--- stderr ---\n");
            shown.push_str(&self.stderr);
        }
        shown
    }
}

/// `observatoire verifier [--format json] FOLDER`, run from `tests/fixtures` so that
/// paths print as `E023-categorie-inconnue/demandes.csv`.
fn verify(folder: &str, json: bool) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_observatoire"));
    let mut arguments = command_for(folder);
    if json {
        arguments.splice(1..1, ["--format".to_string(), "json".to_string()]);
    }
    let output = command
        .args(&arguments)
        .current_dir(fixtures_root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        exit_code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn command_line(folder: &str, json: bool) -> String {
    let mut arguments = command_for(folder);
    if json {
        arguments.splice(1..1, ["--format".to_string(), "json".to_string()]);
    }
    format!("cd tests/fixtures && observatoire {}", arguments.join(" "))
}

#[test]
fn every_code_has_a_fixture_folder() {
    let folders = fixture_folders();
    for code in Code::ALL {
        if NOT_FROM_FILES
            .iter()
            .any(|(exempt, _)| *exempt == code.as_str())
        {
            continue;
        }
        let prefix = format!("{code}-");
        assert_eq!(
            folders
                .iter()
                .filter(|folder| folder.starts_with(&prefix))
                .count(),
            1,
            "{code} ({}) needs exactly one folder tests/fixtures/{code}-<slug>/",
            code.summary()
        );
    }
    let listed: Vec<&str> = EXPECTED.iter().map(|(folder, _, _)| *folder).collect();
    assert_eq!(
        folders, listed,
        "every fixture folder has one line in EXPECTED, in the same (sorted) order"
    );
    for (folder, code, _) in EXPECTED {
        assert!(
            folder.starts_with(&format!("{code}-")),
            "{folder} shows {code}"
        );
    }
}

#[test]
fn every_snapshot_belongs_to_a_fixture() {
    let folders = fixture_folders();
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/snapshots");
    let entries = std::fs::read_dir(&snapshots)
        .unwrap_or_else(|error| panic!("{}: {error}", snapshots.display()));
    for entry in entries {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let (reviewed, snapshot) = match name.strip_suffix(".new") {
            Some(snapshot) => (false, snapshot),
            None => (true, name.as_str()),
        };
        let Some(stem) = snapshot
            .strip_suffix("__texte.snap")
            .or_else(|| snapshot.strip_suffix("__json.snap"))
        else {
            continue;
        };
        assert!(reviewed, "{name}: snapshot change not reviewed");
        assert!(
            folders.iter().any(|folder| folder == stem),
            "{name}: no fixture folder {stem} (renamed or removed?)"
        );
    }
}

/// Every folder, as text and as JSON. All folders are run before failing, so that one
/// `cargo insta review` shows every change.
#[test]
fn outputs_of_every_fixture() {
    let mut failed = Vec::new();
    for folder in fixture_folders() {
        for json in [false, true] {
            if json && !has_json(&folder) {
                continue;
            }
            let run = verify(&folder, json);
            let name = format!("{folder}__{}", if json { "json" } else { "texte" });
            let mut settings = insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(false);
            settings.set_description(command_line(&folder, json));
            settings.set_omit_expression(true);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                settings.bind(|| insta::assert_snapshot!(name.clone(), run.shown()));
            }));
            if outcome.is_err() {
                failed.push(name);
            }
        }
    }
    assert!(failed.is_empty(), "snapshots that changed: {failed:#?}");
}

/// The exit code a fixture of this code must give.
fn expected_exit_code(code: &str) -> i32 {
    let severity = Code::ALL
        .iter()
        .find(|known| known.as_str() == code)
        .map(|known| known.severity());
    match severity {
        _ if code == "E007" => 2,
        Some(Severity::Error) => 1,
        Some(Severity::Warning | Severity::Note) => 0,
        None => panic!("{code} is not in Code::ALL"),
    }
}

/// The checks of [`check_fixture`] on the terminal text, for commands without JSON.
fn check_text_fixture(folder: &str, code: &str, cell: Option<&str>) -> Result<(), String> {
    let run = verify(folder, false);
    let expected_exit = expected_exit_code(code);
    if run.exit_code != expected_exit {
        return Err(format!(
            "exit code {}, expected {expected_exit}",
            run.exit_code
        ));
    }
    let reported: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| {
            line.contains(" : erreur E")
                || line.contains(" : avertissement W")
                || line.contains(" : note N")
        })
        .collect();
    let of_code: Vec<&&str> = reported
        .iter()
        .filter(|line| line.contains(&format!(" {code} : ")))
        .collect();
    if of_code.is_empty() {
        return Err(format!("{code} is not reported"));
    }
    if reported.len() != of_code.len() {
        return Err(format!(
            "the fixture should show {code} alone, it shows {reported:#?}"
        ));
    }
    let located = |line: &str, cell: &str| line.contains(&format!(" › {cell} : "));
    match cell {
        Some(cell) if !of_code.iter().any(|line| located(line, cell)) => {
            Err(format!("{code} does not point at {cell}: {of_code:?}"))
        }
        _ => Ok(()),
    }
}

fn check_fixture(folder: &str, code: &str, cell: Option<&str>) -> Result<(), String> {
    if !has_json(folder) {
        return check_text_fixture(folder, code, cell);
    }
    let json_run = verify(folder, true);
    let text_run = verify(folder, false);
    let expected_exit = expected_exit_code(code);
    if json_run.exit_code != expected_exit || text_run.exit_code != expected_exit {
        return Err(format!(
            "exit code {} (texte) and {} (json), expected {expected_exit}",
            text_run.exit_code, json_run.exit_code
        ));
    }
    let report: Value = serde_json::from_str(&json_run.stdout)
        .map_err(|error| format!("JSON report does not parse ({error})"))?;
    let diagnostics = report["diagnostics"]
        .as_array()
        .ok_or("no diagnostics list in the JSON report")?;
    let of_code: Vec<&Value> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic["code"] == code)
        .collect();
    if of_code.is_empty() {
        return Err(format!("{code} is not reported"));
    }
    let others: Vec<&str> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        // A file without data always has its sheet skipped (N001) too.
        .filter(|other| *other != code && *other != "N003" && !(code == "W005" && *other == "N001"))
        .collect();
    if !others.is_empty() {
        return Err(format!(
            "the fixture should show {code} alone (N003 aside), it also shows {others:?}"
        ));
    }
    let cells: Vec<Option<&str>> = of_code
        .iter()
        .map(|diagnostic| diagnostic["cellule"].as_str())
        .collect();
    match cell {
        Some(cell) if !cells.contains(&Some(cell)) => {
            Err(format!("{code} points at {cells:?}, expected {cell}"))
        }
        None if cells.iter().any(Option::is_some) => Err(format!(
            "{code} is about a whole file, sheet or column, yet points at {cells:?}"
        )),
        _ => Ok(()),
    }
}

#[test]
fn each_fixture_reports_its_code_at_its_cell() {
    let problems: Vec<String> = EXPECTED
        .iter()
        .filter_map(|(folder, code, cell)| {
            check_fixture(folder, code, *cell)
                .err()
                .map(|problem| format!("{folder}: {problem}"))
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The stray cell at `XFD1048576` must be refused from the sheet's declared size, not
/// after allocating 16 384 × 1 048 576 cells (which would abort the run, not exit with 1).
#[test]
fn the_oversized_sheet_is_refused_without_loading_it() {
    let run = verify("E006-feuille-trop-grande", false);
    assert_eq!(run.exit_code, 1, "{}", run.shown());
    assert!(
        run.stdout.contains("XFD1048576 : erreur E006"),
        "{}",
        run.stdout
    );
}
