//! `observatoire contexte` on census bases shaped like INSEE's (`tests/fixtures/insee/`,
//! written by `tests/fixtures/insee/make.py`): the same figures from csv (UTF-8 and
//! Windows-1252), from the zipped `dossier_complet`, and from xlsx written by LibreOffice;
//! sums of the reference zones checked by hand; nothing written when a file is wrong.

use observatoire::read::{read_file, RawCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn insee(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/insee")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// A data folder with the example network's `reseau.toml` (the six members, Blain carries).
fn data_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/reseau.toml"),
        folder.path().join("reseau.toml"),
    )
    .expect("reseau.toml");
    folder
}

struct Run {
    code: i32,
    stdout: String,
}

fn contexte(files: &[String], folder: &Path, millesime: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .arg("contexte")
        .args(files)
        .arg("--dossier")
        .arg(folder)
        .args(["--millesime", millesime])
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    Run {
        code: output.status.code().unwrap_or(-1),
        // French digit groups are separated by a narrow no-break space.
        stdout: String::from_utf8(output.stdout)
            .expect("utf-8")
            .replace(['\u{202f}', '\u{a0}'], " "),
    }
}

fn written(folder: &Path) -> PathBuf {
    folder.join("contexte/contexte-insee-2021.xlsx")
}

/// (zone, indicator, modality) → value, from the workbook written.
fn rows(path: &Path) -> BTreeMap<(String, String, String), String> {
    let workbook = read_file(path, "contexte").expect("readable");
    let sheet = &workbook.sheets[0];
    let header = sheet
        .rows
        .iter()
        .position(|row| matches!(row.cell(0), RawCell::Text(text) if text == "Commune"))
        .expect("header row");
    let text = |cell: &RawCell| match cell {
        RawCell::Text(text) => text.clone(),
        RawCell::Number(number) => number.to_string(),
        other => panic!("unexpected cell {other:?}"),
    };
    let mut found = BTreeMap::new();
    for row in sheet.rows.iter().skip(header + 1) {
        assert_eq!(text(row.cell(1)), "2021", "millésime");
        let key = (text(row.cell(0)), text(row.cell(2)), text(row.cell(3)));
        assert!(
            found.insert(key.clone(), text(row.cell(4))).is_none(),
            "{key:?} twice"
        );
    }
    found
}

fn value(
    rows: &BTreeMap<(String, String, String), String>,
    zone: &str,
    indicator: &str,
    modality: &str,
) -> String {
    rows.get(&(zone.into(), indicator.into(), modality.into()))
        .cloned()
        .unwrap_or_else(|| panic!("no row {zone} {indicator} {modality}"))
}

#[test]
fn national_csv_files_give_members_departement_and_france() {
    let folder = data_folder();
    let run = contexte(
        &[
            insee("national/base-cc-evol-struct-pop-2021.csv"),
            insee("national/base-cc-coupl-fam-men-2021.csv"),
        ],
        folder.path(),
        "2021",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run
        .stdout
        .contains("D44 Loire-Atlantique (10 communes) : 429 409 habitants"));
    assert!(run
        .stdout
        .contains("FRANCE France (111 communes) : 1 900 632 habitants"));
    let rows = rows(&written(folder.path()));
    // 6 members + D44 + FRANCE, 12 rows each (2 totals, 5 age bands, 5 household types).
    assert_eq!(rows.len(), 8 * 12);

    // Blain (44015), from its rows of the two csv files:
    // 75 ans et plus = P21_POP7589 + P21_POP90P = 941.10595254506 + 102.2752064764
    //                = 1043.38115902146 → 1043;
    // Autre ménage = C21_MEN − C21_MENPSEUL − C21_MENCOUPSENF − C21_MENCOUPAENF − C21_MENFAMMONO
    //   = 4458.03619884871 − 1650.56630949681 − 1159.4013250889 − 1128.7247426832
    //     − 332.18265535374 = 187.16116622606 → 187.
    assert_eq!(value(&rows, "44015", "population", "Total"), "10187");
    assert_eq!(
        value(
            &rows,
            "44015",
            "population_par_tranche_age",
            "Moins de 30 ans"
        ),
        "1610"
    );
    assert_eq!(
        value(
            &rows,
            "44015",
            "population_par_tranche_age",
            "75 ans et plus"
        ),
        "1043"
    );
    assert_eq!(value(&rows, "44015", "menages", "Total"), "4458");
    assert_eq!(
        value(
            &rows,
            "44015",
            "menages_par_composition_foyer",
            "Personne seule"
        ),
        "1651"
    );
    assert_eq!(
        value(
            &rows,
            "44015",
            "menages_par_composition_foyer",
            "Autre ménage"
        ),
        "187"
    );

    // Loire-Atlantique: the ten communes of 44 in the file (the six members, Abbaretz,
    // Nantes, Saint-Nazaire, Savenay), exact sums (make.py prints them) rounded once:
    // P21_POP1529 68725.48702985344, 75+ 43125.22207320868, C21_MEN 189956.97164958360,
    // C21_MENPSEUL 70082.51394118080, other households 7984.85826319526.
    assert_eq!(value(&rows, "D44", "population", "Total"), "429409");
    assert_eq!(
        value(
            &rows,
            "D44",
            "population_par_tranche_age",
            "Moins de 30 ans"
        ),
        "68725"
    );
    assert_eq!(
        value(&rows, "D44", "population_par_tranche_age", "75 ans et plus"),
        "43125"
    );
    assert_eq!(value(&rows, "D44", "menages", "Total"), "189957");
    assert_eq!(
        value(
            &rows,
            "D44",
            "menages_par_composition_foyer",
            "Personne seule"
        ),
        "70083"
    );
    assert_eq!(
        value(
            &rows,
            "D44",
            "menages_par_composition_foyer",
            "Autre ménage"
        ),
        "7985"
    );
    // France: every row (111 communes, each département present).
    assert_eq!(value(&rows, "FRANCE", "population", "Total"), "1900632");
    assert_eq!(
        value(
            &rows,
            "FRANCE",
            "population_par_tranche_age",
            "Moins de 30 ans"
        ),
        "301970"
    );
    assert_eq!(
        value(
            &rows,
            "FRANCE",
            "population_par_tranche_age",
            "75 ans et plus"
        ),
        "189222"
    );
    assert_eq!(value(&rows, "FRANCE", "menages", "Total"), "827444");
    assert_eq!(
        value(
            &rows,
            "FRANCE",
            "menages_par_composition_foyer",
            "Autre ménage"
        ),
        "33525"
    );
}

#[test]
fn the_zipped_dossier_complet_gives_the_same_bytes_as_the_two_csv() {
    let from_csv = data_folder();
    let from_zip = data_folder();
    let csv = contexte(
        &[
            insee("national/base-cc-evol-struct-pop-2021.csv"),
            insee("national/base-cc-coupl-fam-men-2021.csv"),
        ],
        from_csv.path(),
        "2021",
    );
    let zip = contexte(
        &[insee("national/dossier_complet.zip")],
        from_zip.path(),
        "2021",
    );
    assert_eq!(
        (csv.code, zip.code),
        (0, 0),
        "{}\n{}",
        csv.stdout,
        zip.stdout
    );
    assert_eq!(
        std::fs::read(written(from_csv.path())).expect("csv"),
        std::fs::read(written(from_zip.path())).expect("zip"),
        "the same figures, byte for byte"
    );
}

#[test]
fn libreoffice_xlsx_and_zipped_xlsx_give_the_departement_without_france() {
    let folder = data_folder();
    let run = contexte(
        &[
            insee("departement/base-cc-evol-struct-pop-2021.xlsx"),
            insee("departement/base-cc-coupl-fam-men-2021.zip"),
        ],
        folder.path(),
        "2021",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let rows = rows(&written(folder.path()));
    assert_eq!(
        rows.len(),
        7 * 12,
        "members and D44, no FRANCE: not national"
    );
    assert!(!rows.keys().any(|(zone, _, _)| zone == "FRANCE"));
    // The same département as from the national csv: Paris's districts (ARM sheet) and
    // the title rows are left out.
    assert_eq!(value(&rows, "D44", "population", "Total"), "429409");
    assert_eq!(
        value(&rows, "D44", "population_par_tranche_age", "75 ans et plus"),
        "43125"
    );
    assert_eq!(
        value(
            &rows,
            "D44",
            "menages_par_composition_foyer",
            "Autre ménage"
        ),
        "7985"
    );
    assert_eq!(
        value(
            &rows,
            "44015",
            "menages_par_composition_foyer",
            "Autre ménage"
        ),
        "187"
    );
}

#[test]
fn the_context_written_is_read_back_as_the_contexte_schema() {
    let folder = data_folder();
    let run = contexte(
        &[insee("national/dossier_complet.zip")],
        folder.path(),
        "2021",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .arg("verifier")
        .arg(folder.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("(contexte) : 96 lignes lues, 96 acceptées, 0 rejetée"),
        "{stdout}"
    );
}

#[test]
fn a_missing_family_of_variables_is_named_and_nothing_is_written() {
    let folder = data_folder();
    let run = contexte(
        &[insee("national/base-cc-evol-struct-pop-2021.csv")],
        folder.path(),
        "2021",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("erreur E056"), "{}", run.stdout);
    assert!(
        run.stdout.contains("C21_MEN, C21_MENPSEUL"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("base-cc-coupl-fam-men-2021"));
    assert!(!folder.path().join("contexte").exists());
}

#[test]
fn another_vintage_is_refused() {
    let folder = data_folder();
    let run = contexte(
        &[insee("national/dossier_complet.zip")],
        folder.path(),
        "2022",
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "ce fichier est du millésime 2021 (variables P21_…, C21_…), pas du millésime 2022"
        ),
        "{}",
        run.stdout
    );
    assert!(!folder.path().join("contexte").exists());
}

#[test]
fn a_missing_file_is_a_tool_error() {
    let folder = data_folder();
    let run = contexte(&[insee("national/absent.csv")], folder.path(), "2021");
    assert_eq!(run.code, 2, "{}", run.stdout);
}

/// The over-representation index of Blain's single-parent families in the example report,
/// recomputed by hand from the requests (`indicateurs.csv`) and the census context that
/// `contexte` wrote in `sample_data/`.
#[test]
fn over_representation_recomputed_by_hand_for_blain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let context = rows(&root.join("sample_data/contexte/contexte-insee-2021.xlsx"));
    let households = |zone: &str, modality: &str| -> i64 {
        value(&context, zone, "menages_par_composition_foyer", modality)
            .parse()
            .expect("whole number")
    };
    let types = [
        "Personne seule",
        "Couple sans enfant",
        "Couple avec enfant(s)",
        "Famille monoparentale",
        "Autre ménage",
    ];
    // Blain's households, 2021 census: 1651 + 1159 + 1129 + 332 + 187 = 4458.
    let blain: Vec<i64> = types.iter().map(|kind| households("44015", kind)).collect();
    assert_eq!(blain, [1651, 1159, 1129, 332, 187]);
    // Blain's requests in 2024 by household type (known types): 102 + 25 + 47 + 77 + 18 = 269.
    let csv = std::fs::read_to_string(root.join("reports/exemple/indicateurs.csv")).expect("csv");
    let published = |indicator: &str, modality: &str| -> String {
        let prefix = format!("2024;44015;Blain;{indicator};{modality};");
        csv.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("{prefix}"))
            .to_string()
    };
    let requests: Vec<i64> = types
        .iter()
        .map(|kind| {
            published("demandes_par_composition_foyer", kind)
                .parse()
                .expect("count")
        })
        .collect();
    assert_eq!(requests, [102, 25, 47, 77, 18]);
    // (77 / 269) / (332 / 4458) = 0.28625 / 0.07447 = 3.8436… → 3,84.
    assert_eq!(
        published(
            "indice_surrepresentation_par_composition_foyer",
            "Famille monoparentale"
        ),
        "3,84"
    );
    // Second reading, against Loire-Atlantique: (77 / 269) / (D44's share).
    let department: Vec<i64> = types.iter().map(|kind| households("D44", kind)).collect();
    let total: i64 = department.iter().sum();
    let index = (77.0 / 269.0) / (department[3] as f64 / total as f64);
    let shown = format!("{index:.2}").replace('.', ",");
    assert_eq!(shown, "3,59", "D44: {department:?}");
    let html = std::fs::read_to_string(root.join("reports/exemple/rapport.html")).expect("html");
    let table = html
        .split("id=\"tableau-surrepresentation-menages-departement\"")
        .nth(1)
        .expect("the département index table");
    let blain_row = table
        .split("<tr")
        .find(|row| row.contains(">Blain<"))
        .expect("Blain's row");
    assert!(blain_row.contains(">3,59<"), "{blain_row}");
}

/// A zone code is a commune only for the census context: in a grid it is an unknown
/// commune (E024), and in the context only France and the département of a member count.
#[test]
fn zone_codes_are_accepted_in_the_context_only() {
    let folder = data_folder();
    std::fs::write(
        folder.path().join("grille.csv"),
        "commune;annee;indicateur;modalite;valeur\r\nD44;2024;demandes;Total;12\r\n",
    )
    .expect("grid");
    std::fs::write(
        folder.path().join("contexte.csv"),
        "commune;millesime;indicateur;modalite;valeur\r\nD44;2021;population;Total;1458252\r\nFRANCE;2021;population;Total;67762028\r\nD35;2021;population;Total;1101576\r\n",
    )
    .expect("context");
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .arg("verifier")
        .arg(folder.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains(" : erreur "))
        .collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(
        errors[0].contains("contexte.csv › A4 : erreur E024"),
        "{stdout}"
    );
    assert!(
        errors[1].contains("grille.csv › A2 : erreur E024"),
        "{stdout}"
    );
}

/// Damaged inputs give located errors, never a panic (exit code 1, nothing written).
#[test]
fn damaged_files_are_refused_without_panicking() {
    let folder = data_folder();
    let files = folder.path().join("insee");
    std::fs::create_dir(&files).expect("folder");
    let cases: [(&str, &[u8]); 4] = [
        ("vide.csv", b""),
        ("abime.zip", b"PK\x03\x04 not really a zip"),
        ("abime.xlsx", b"PK\x03\x04\x00\x00garbage"),
        (
            "binaire.csv",
            &[0xFF, 0xFE, 0x00, 0x01, 0x02, b';', b'\n', 0x9C],
        ),
    ];
    for (name, bytes) in cases {
        let path = files.join(name);
        std::fs::write(&path, bytes).expect("write");
        let run = contexte(
            &[path.to_string_lossy().into_owned()],
            folder.path(),
            "2021",
        );
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        assert!(
            run.stdout.contains(" : erreur E0"),
            "{name}: {}",
            run.stdout
        );
        assert!(!folder.path().join("contexte").exists(), "{name}");
    }
}

/// A note under the table is not a commune: it is counted as left out, and the rest is
/// read (here a small file of Loire-Atlantique: no France, not national).
#[test]
fn a_note_under_the_table_is_counted_as_left_out() {
    let folder = data_folder();
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/E057-recensement-valeur-masquee/dossier_complet.csv"),
    )
    .expect("csv");
    let unmasked = original.replace(";s;", ";12.5;") + "Source : Insee, RP2021\r\n";
    let path = folder.path().join("dossier_complet.csv");
    std::fs::write(&path, unmasked).expect("write");
    let run = contexte(
        &[path.to_string_lossy().into_owned()],
        folder.path(),
        "2021",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("8 lignes de communes lues dans les fichiers de l'Insee."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("1 lignes sans code commune (CODGEO) écartées"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("D44 Loire-Atlantique (8 communes)"));
    assert!(!run.stdout.contains("FRANCE"));
}

/// A `reseau.toml` that is a named pipe is refused with its reason, not read without end
/// (the command used to block on it), and nothing is written.
#[cfg(unix)]
#[test]
fn a_network_file_that_is_a_pipe_is_refused_not_read() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let status = Command::new("mkfifo")
        .arg(folder.path().join("reseau.toml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let run = contexte(
        &[insee("national/dossier_complet.zip")],
        folder.path(),
        "2021",
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("tube nommé (FIFO)"), "{}", run.stdout);
    assert!(!folder.path().join("contexte").exists());
}
