//! `rapport`: counts worked out by hand on a small network, the statistical secret, the
//! committed example report, and checks of the HTML page.

use observatoire::report::{self, ReportOptions};
use observatoire::verify::{verify, VerifyOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(folder: &Path, options: &ReportOptions) -> report::Report {
    let verification = verify(&[folder.to_path_buf()], &VerifyOptions::default())
        .unwrap_or_else(|error| panic!("verify {}: {error}", folder.display()));
    report::build(&verification, options).unwrap_or_else(|error| panic!("build: {error}"))
}

fn file<'r>(report: &'r report::Report, path: &str) -> &'r [u8] {
    report
        .files
        .iter()
        .find(|file| file.path == Path::new(path))
        .map(|file| file.bytes.as_slice())
        .unwrap_or_else(|| panic!("{path} missing"))
}

fn text(report: &report::Report, path: &str) -> String {
    String::from_utf8(file(report, path).to_vec()).expect("UTF-8")
}

/// `indicateurs.csv` as (commune, indicator, modality) → value ("" when hidden) for a year.
fn csv_values(report: &report::Report, year: &str) -> BTreeMap<(String, String, String), String> {
    let csv = text(report, "indicateurs.csv");
    let csv = csv.trim_start_matches('\u{feff}');
    let mut values = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        if fields[0] != year {
            continue;
        }
        values.insert(
            (
                fields[1].to_string(),
                fields[3].to_string(),
                fields[4].to_string(),
            ),
            fields[5].to_string(),
        );
    }
    values
}

fn value(
    values: &BTreeMap<(String, String, String), String>,
    commune: &str,
    indicator: &str,
    modality: &str,
) -> String {
    values
        .get(&(
            commune.to_string(),
            indicator.to_string(),
            modality.to_string(),
        ))
        .cloned()
        .unwrap_or_else(|| panic!("no value for {commune} {indicator} {modality}"))
}

fn small_network() -> PathBuf {
    root().join("tests/rapport/petit")
}

/// The small network (tests/rapport/petit), worked out by hand:
/// - Blain (forms): 16 requests, Alimentaire 8, Énergie 6, Logement 2; households F01 and
///   F02 ask twice, 12 others once → 14 distinct households, 2 repeat households.
/// - Bouvron (forms): 16 accepted requests (a 17th has an unknown nature and is left out),
///   Alimentaire 7, Énergie 5, Logement 4; F01 (also seen in Blain) once, B01 twice, 13
///   others once → 15 distinct households.
/// - La Chevallerais (grid only): 11 requests, Alimentaire 6, Énergie 5, 9 households.
#[test]
fn counts_worked_out_by_hand_internal_edition() {
    let report = build(
        &small_network(),
        &ReportOptions {
            internal: true,
            ..ReportOptions::default()
        },
    );
    let values = csv_values(&report, "2024");
    let get = |commune: &str, indicator: &str, modality: &str| {
        value(&values, commune, indicator, modality)
    };
    assert_eq!(get("44015", "demandes", "Total"), "16");
    assert_eq!(get("44023", "demandes", "Total"), "16");
    assert_eq!(get("44221", "demandes", "Total"), "11");
    assert_eq!(get("RESEAU", "demandes", "Total"), "43");
    assert_eq!(
        get("RESEAU", "demandes_par_nature_aide", "Alimentaire"),
        "21"
    );
    assert_eq!(
        get("RESEAU", "demandes_par_nature_aide", "Énergie et fluides"),
        "16"
    );
    assert_eq!(get("RESEAU", "demandes_par_nature_aide", "Logement"), "6");
    // Distinct households: the network counts F01 once (14 + 15 − 1), plus the grid's 9.
    assert_eq!(get("44015", "foyers_distincts", "Total"), "14");
    assert_eq!(get("44023", "foyers_distincts", "Total"), "15");
    assert_eq!(get("RESEAU", "foyers_distincts", "Total"), "37");
    // Repeat households: F01, F02 in Blain; B01 in Bouvron; F01, F02, B01 for the network.
    assert_eq!(get("44015", "foyers_demandes_multiples", "Total"), "2");
    assert_eq!(get("44023", "foyers_demandes_multiples", "Total"), "1");
    assert_eq!(get("RESEAU", "foyers_demandes_multiples", "Total"), "3");
    // F01 is seen in two communes.
    assert_eq!(get("44015", "foyers_plusieurs_communes", "Total"), "1");
    assert_eq!(get("44023", "foyers_plusieurs_communes", "Total"), "1");
    assert_eq!(get("RESEAU", "foyers_plusieurs_communes", "Total"), "1");
    // Amounts: 50 € food, 100 € energy, 200 € housing; grid 300 + 250.
    assert_eq!(get("44015", "montant_accorde", "Total"), "1400");
    assert_eq!(get("44023", "montant_accorde", "Total"), "1650");
    assert_eq!(get("RESEAU", "montant_accorde", "Total"), "3600");
    assert_eq!(
        get("RESEAU", "montant_median_par_nature_aide", "Logement"),
        "200"
    );
    assert_eq!(get("RESEAU", "delai_median_decision", "Total"), "7");
    // Rates with the 2021 vintage (in force on 1 January 2024): 16 / 10 000 × 1 000.
    assert_eq!(get("44015", "demandes_pour_1000_habitants", "Total"), "1,6");
    // 43 / 14 500 × 1 000 = 2.97 → 3.0
    assert_eq!(get("RESEAU", "demandes_pour_1000_habitants", "Total"), "3");
    assert_eq!(get("RESEAU", "part_demandes_accordees", "Total"), "100");
    // The internal edition hides nothing and says so in every file.
    assert!(values.values().all(|value| !value.is_empty()));
    assert!(text(&report, "rapport.html").contains("Document interne — ne pas diffuser"));
    assert!(text(&report, "indicateurs.csv")
        .lines()
        .skip(1)
        .all(|line| line.ends_with("Document interne — ne pas diffuser")));
    for output in &report.files {
        if output
            .path
            .extension()
            .is_some_and(|extension| extension == "svg")
        {
            let svg = String::from_utf8(output.bytes.clone()).expect("UTF-8");
            assert!(
                svg.contains("Document interne"),
                "{}",
                output.path.display()
            );
        }
    }
}

#[test]
fn small_network_published_edition_hides_small_cells_and_their_partners() {
    let report = build(&small_network(), &ReportOptions::default());
    let values = csv_values(&report, "2024");
    let get = |commune: &str, indicator: &str, modality: &str| {
        value(&values, commune, indicator, modality)
    };
    // Primary: Blain's 2 and Bouvron's 4 housing requests.
    assert_eq!(get("44015", "demandes_par_nature_aide", "Logement"), "");
    assert_eq!(get("44023", "demandes_par_nature_aide", "Logement"), "");
    // Secondary: energy (6 and 5) goes too in each of those rows, so that neither can be
    // found, or narrowed to less than 5, from the commune's total and the network's.
    assert_eq!(
        get("44015", "demandes_par_nature_aide", "Énergie et fluides"),
        ""
    );
    assert_eq!(
        get("44023", "demandes_par_nature_aide", "Énergie et fluides"),
        ""
    );
    // The rest stays published, including the network's 6 housing requests.
    assert_eq!(get("44015", "demandes_par_nature_aide", "Alimentaire"), "8");
    assert_eq!(get("RESEAU", "demandes_par_nature_aide", "Logement"), "6");
    assert_eq!(get("RESEAU", "demandes", "Total"), "43");
    // Counts of 1 to 4 households are hidden, with the network's 3 repeat households.
    assert_eq!(get("44015", "foyers_demandes_multiples", "Total"), "");
    assert_eq!(get("RESEAU", "foyers_demandes_multiples", "Total"), "");
    assert_eq!(get("RESEAU", "foyers_plusieurs_communes", "Total"), "");
    // Amounts follow the households behind them: 2 and 4 households for housing.
    assert_eq!(
        get("44015", "montant_accorde_par_nature_aide", "Logement"),
        ""
    );
    assert_eq!(
        get("44023", "montant_accorde_par_nature_aide", "Logement"),
        ""
    );
    // … and other amounts of the same rows (food: 400 € and 350 €).
    assert_eq!(
        get("44015", "montant_accorde_par_nature_aide", "Alimentaire"),
        ""
    );
    assert_eq!(
        get("44023", "montant_accorde_par_nature_aide", "Alimentaire"),
        ""
    );
    assert_eq!(get("44015", "montant_accorde", "Total"), "1400");
    // A median over 2 households is hidden.
    assert_eq!(
        get("44015", "montant_median_par_nature_aide", "Logement"),
        ""
    );
    let html = text(&report, "rapport.html").replace("&#x2f;", "/");
    assert!(!html.contains("Document interne"));
    // The row left out and the unreadable file are reported.
    assert_eq!(report.rows_rejected, 1);
    assert!(html.contains("1 ligne comportant des erreurs a été écartée"));
    assert!(html.contains("petit/bouvron/demandes-2024.csv"));
    assert!(html.contains("illisible.xlsx"));
    // Blain sent forms and a grid for 2024: the forms count, the grid is compared.
    assert!(html.contains("Blain 2024 : 3 cellules de la grille comparées aux formulaires"));
    let coherence = &html[html
        .find("id=\"tableau-coherence\"")
        .expect("consistency table")..];
    let coherence = &coherence[..coherence.find("</table>").expect("end of table")];
    assert!(coherence.contains(
        "<th scope=\"row\">Blain</th><td>2024</td><td>demandes_par_nature_aide</td><td>Alimentaire</td><td class=\"n\">9</td><td class=\"n\">8</td>"
    ));
    // Cells the grid leaves out are differences too; small ones stay secret.
    assert!(coherence.contains("<td>Logement</td><td>—</td><td class=\"s\""));
    // Blain's 6 energy requests are hidden (secondary) in the natures table: the
    // comparison must not give them away.
    assert!(coherence.contains("<td>Énergie et fluides</td><td>—</td><td class=\"s\""));
}

#[test]
fn exit_codes() {
    let binary = env!("CARGO_BIN_EXE_observatoire");
    let output = tempfile::tempdir().expect("temporary folder");
    // Rows left out: written, exit code 1.
    let status = Command::new(binary)
        .args(["rapport"])
        .arg(small_network())
        .arg("--sortie")
        .arg(output.path().join("petit"))
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(1));
    assert!(output.path().join("petit/rapport.html").is_file());
    // Nothing to report: nothing written, exit code 2.
    let empty = tempfile::tempdir().expect("temporary folder");
    let status = Command::new(binary)
        .args(["rapport"])
        .arg(empty.path())
        .arg("--sortie")
        .arg(output.path().join("vide"))
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(2));
    assert!(!output.path().join("vide").exists());
    // A year absent from the data: exit code 2.
    let status = Command::new(binary)
        .args(["rapport"])
        .arg(small_network())
        .args(["--annee", "1999", "--sortie"])
        .arg(output.path().join("annee"))
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(2));
}

fn sample_report() -> report::Report {
    // Relative, as the README command gives it: file names appear in the report.
    build(
        Path::new("sample_data"),
        &ReportOptions {
            pdf: true,
            deck: true,
            ..ReportOptions::default()
        },
    )
}

/// `reports/exemple/` is what `rapport sample_data --sortie reports/exemple` writes, byte
/// for byte. After a deliberate change, regenerate it with that command.
#[test]
fn committed_example_report_is_up_to_date() {
    let report = sample_report();
    let committed = root().join("reports/exemple");
    for output in &report.files {
        let path = committed.join(&output.path);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(
            bytes == output.bytes,
            "{} is out of date: run `cargo run --release -- rapport sample_data --sortie reports/exemple`",
            path.display()
        );
    }
    // Two runs give the same bytes.
    let again = sample_report();
    for (first, second) in report.files.iter().zip(&again.files) {
        assert_eq!(first.path, second.path);
        assert!(
            first.bytes == second.bytes,
            "{} differs between runs",
            first.path.display()
        );
    }
}

#[test]
fn indicator_table_of_sample_data() {
    let report = sample_report();
    let csv = text(&report, "indicateurs.csv");
    let latest: Vec<&str> = csv
        .lines()
        .filter(|line| line.starts_with("2024;"))
        .filter(|line| !line.ends_with(";0;0"))
        .collect();
    // Snapshots live next to the fixtures of `rapport`, apart from the diagnostics'.
    insta::with_settings!({ snapshot_path => "../rapport/snapshots" }, {
        insta::assert_snapshot!("indicateurs_2024", latest.join("\n"));
    });
}

#[test]
fn html_page_checks() {
    let report = sample_report();
    let html = text(&report, "rapport.html");
    // Every chart the page shows is in graphiques/, as SVG and PNG, and inline.
    let mut charts = 0;
    for part in html.split("id=\"graphique-").skip(1) {
        let id = part.split('"').next().expect("id");
        charts += 1;
        for extension in ["svg", "png"] {
            let path = format!("graphiques/{id}.{extension}");
            assert!(!file(&report, &path).is_empty(), "{path}");
        }
        // Inline in the page, the very file beside it, its text in DejaVu Sans for screen
        // readers and search (more in tests/suite/charts.rs).
        assert!(
            html.contains(&format!("aria-labelledby=\"{id}-titre {id}-desc\"")),
            "chart {id} is not inline"
        );
        let svg = text(&report, &format!("graphiques/{id}.svg"));
        assert!(
            svg.contains(&format!("<title id=\"{id}-titre\">"))
                && svg.contains("<text ")
                && svg.contains("font-family=\"DejaVu Sans"),
            "graphiques/{id}.svg"
        );
        assert!(
            html.contains(svg.trim_end()),
            "graphiques/{id}.svg is not the inline chart"
        );
        let png = file(&report, &format!("graphiques/{id}.png"));
        // 1920 × 1080 in the PNG header.
        assert_eq!(&png[16..24], &[0, 0, 7, 128, 0, 0, 4, 56]);
    }
    assert!(charts >= 6, "only {charts} charts");
    // Every chart has a title, a text alternative and its data table on the page.
    for part in html.split("<figure").skip(1) {
        let figure = part.split("</figure>").next().expect("figure");
        assert!(figure.contains("<h3>") && figure.contains("<title") && figure.contains("<desc"));
        let table = figure
            .split("href=\"#")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("link to the table");
        assert!(html.contains(&format!("id=\"{table}\"")), "{table}");
    }
    // No non-finite number anywhere.
    for output in &report.files {
        if let Ok(content) = std::str::from_utf8(&output.bytes) {
            for word in ["NaN", "inf ", ">inf<", "Infinity"] {
                assert!(
                    !content.contains(word),
                    "{word} in {}",
                    output.path.display()
                );
            }
        }
    }
    // No count below the threshold in the published edition: in the tables of counts,
    // every cell is 0, « s », or at least 5.
    let count_tables = [
        "decisions",
        "orientations",
        "formes",
        "natures",
        "sexe",
        "ages",
        "menages",
        "logement",
        "activite",
        "ressources",
        "reste-a-vivre",
        "evolution-communes",
    ];
    for id in count_tables {
        let start = html
            .find(&format!("id=\"tableau-{id}\""))
            .unwrap_or_else(|| panic!("table {id}"));
        let table = &html[start..];
        let table = &table[..table.find("</table>").expect("end of table")];
        for cell in table.split("<td class=\"n\">").skip(1) {
            let shown = cell.split('<').next().expect("cell");
            if shown.contains('%') {
                continue;
            }
            let number: i64 = shown
                .replace(['\u{a0}', '\u{202f}'], "")
                .parse()
                .unwrap_or_else(|_| panic!("« {shown} » is not a whole number in table {id}"));
            assert!(number == 0 || number >= 5, "{shown} in table {id}");
        }
    }
    // Same rule over the whole CSV for counts.
    let csv = text(&report, "indicateurs.csv");
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        let is_count = fields[3].starts_with("demandes") && !fields[3].contains("1000")
            || fields[3].starts_with("foyers") && !fields[3].contains("1000");
        if is_count && !fields[5].is_empty() {
            let number: i64 = fields[5].parse().expect("count");
            assert!(number == 0 || number >= 5, "{line}");
        }
    }
}

#[test]
fn parquet_files_read_back() {
    use polars::prelude::{ParquetReader, SerReader};
    let report = build(&small_network(), &ReportOptions::default());
    // The published edition holds no row-level data, in any format.
    assert!(!report
        .files
        .iter()
        .any(|file| file.path == Path::new("demandes.parquet")));
    let indicators = ParquetReader::new(std::io::Cursor::new(
        file(&report, "indicateurs.parquet").to_vec(),
    ))
    .finish()
    .expect("indicateurs.parquet");
    let csv_rows = text(&report, "indicateurs.csv").lines().count() - 1;
    assert_eq!(indicators.height(), csv_rows);
    let internal = build(
        &small_network(),
        &ReportOptions {
            internal: true,
            ..ReportOptions::default()
        },
    );
    let requests = ParquetReader::new(std::io::Cursor::new(
        file(&internal, "demandes.parquet").to_vec(),
    ))
    .finish()
    .expect("demandes.parquet");
    // 16 + 16 accepted requests.
    assert_eq!(requests.height(), 32);
    assert!(requests.column("foyer").is_ok());
    assert!(requests.column("date_demande").is_ok());
    assert!(requests.column("diffusion").is_ok());
}

#[test]
fn workbook_has_one_sheet_per_table_with_numbers_as_numbers() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let report = build(&small_network(), &ReportOptions::default());
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(
        file(&report, "tableaux.xlsx").to_vec(),
    ))
    .expect("tableaux.xlsx");
    let names = workbook.sheet_names();
    assert!(names.contains(&"natures".to_string()), "{names:?}");
    assert!(names.contains(&"chiffres-cles".to_string()));
    let range = workbook.worksheet_range("natures").expect("sheet natures");
    // Title, blank line, headers, then Blain: 8 food requests as a number, « s » as text.
    assert_eq!(
        range.get((2, 0)),
        Some(&Data::String("Commune".to_string()))
    );
    assert_eq!(range.get((3, 0)), Some(&Data::String("Blain".to_string())));
    assert_eq!(range.get((3, 1)), Some(&Data::Float(8.0)));
    assert_eq!(range.get((3, 2)), Some(&Data::String("s".to_string())));
}
