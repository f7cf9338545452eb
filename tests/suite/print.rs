//! The printed outputs, read back as a reader gets them: `rapport.pdf`, the portraits
//! `fiches/*.pdf`, the decks, `repartition.pdf` and the call letters. Text comes out of the
//! PDFs with poppler's `pdftotext` and `pdfinfo` (`.ci/run` installs poppler-utils); the
//! editable deck is opened by LibreOffice Impress.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a tool of poppler or LibreOffice is here; in CI it must be.
fn present(tool: &str, version_flag: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_flag)
        .output()
        .is_ok_and(|output| output.status.success() || !output.stderr.is_empty());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is needed in CI: .ci/run installs it"
        );
        eprintln!("{tool} not found: test skipped");
    }
    found
}

/// `rapport sample_data` and `rapport sample_data --interne`, each run once.
fn report(internal: bool) -> &'static Path {
    static PUBLISHED: OnceLock<tempfile::TempDir> = OnceLock::new();
    static INTERNAL: OnceLock<tempfile::TempDir> = OnceLock::new();
    let cell = if internal { &INTERNAL } else { &PUBLISHED };
    cell.get_or_init(|| {
        let folder = tempfile::tempdir().expect("temporary folder");
        let mut command = Command::new(env!("CARGO_BIN_EXE_observatoire"));
        command
            .current_dir(root())
            .args(["rapport", "sample_data", "--sortie"])
            .arg(folder.path());
        if internal {
            command.arg("--interne");
        }
        let output = command.output().expect("observatoire rapport");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        folder
    })
    .path()
}

fn pdftotext(path: &Path, layout: bool) -> String {
    let mut command = Command::new("pdftotext");
    if layout {
        command.arg("-layout");
    }
    let output = command.arg(path).arg("-").output().expect("pdftotext");
    assert!(output.status.success(), "pdftotext {}", path.display());
    String::from_utf8(output.stdout).expect("UTF-8 text")
}

/// The fields `pdfinfo` prints, as (name, value).
fn pdfinfo(path: &Path) -> Vec<(String, String)> {
    let output = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

fn info(path: &Path, field: &str) -> String {
    pdfinfo(path)
        .into_iter()
        .find(|(name, _)| name == field)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("{}: no {field}", path.display()))
}

fn pages(path: &Path) -> usize {
    info(path, "Pages").parse().expect("a page count")
}

/// The text of each page (pdftotext separates pages with a form feed).
fn page_texts(path: &Path) -> Vec<String> {
    let text = pdftotext(path, false);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|page| page.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A network figure of the published `indicateurs.csv` (column `valeur`), as written.
fn network_figure(folder: &Path, indicator: &str) -> String {
    let csv = std::fs::read_to_string(folder.join("indicateurs.csv")).expect("indicateurs.csv");
    csv.lines()
        .map(|line| line.split(';').collect::<Vec<_>>())
        .find(|fields| {
            fields.len() > 5
                && fields[0].trim_start_matches('\u{feff}') == "2024"
                && fields[1] == "RESEAU"
                && fields[3] == indicator
                && fields[4] == "Total"
        })
        .map(|fields| fields[5].to_string())
        .unwrap_or_else(|| panic!("{indicator} not in indicateurs.csv"))
}

/// `1234` → `1 234`, as the report writes counts.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

#[test]
fn the_report_pdf_has_its_title_page_contents_running_footers_and_figures() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = report(false);
    let pdf = folder.join("rapport.pdf");
    assert_eq!(info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    assert!(info(&pdf, "Title").starts_with("Analyse des besoins sociaux 2024"));
    assert_eq!(info(&pdf, "Tagged"), "yes");
    assert!(pdfinfo(&pdf).iter().all(|(name, _)| name != "CreationDate"));
    let pages = page_texts(&pdf);
    assert_eq!(pages.len(), self::pages(&pdf));
    assert!(pages[0].contains("Analyse des besoins sociaux 2024"));
    assert!(pages[0].contains("Édition publiée"));
    assert!(pages[1].contains("Sommaire"));
    // Every section of the HTML page is a chapter, listed in the table of contents.
    let html = std::fs::read_to_string(folder.join("rapport.html")).expect("html");
    let titles: Vec<&str> = html
        .split("<h2>")
        .skip(1)
        .filter_map(|part| part.split("</h2>").next())
        .collect();
    assert_eq!(titles.len(), 8, "{titles:?}");
    for title in &titles {
        assert!(pages[1].contains(title), "the contents lack « {title} »");
    }
    // Every page but the title page: « Analyse des besoins sociaux 2024 — page 3 / 24 ».
    for (number, text) in pages.iter().enumerate().skip(1) {
        let footer = format!(
            "Analyse des besoins sociaux 2024 — page {} / {}",
            number + 1,
            pages.len()
        );
        assert!(
            text.contains(&footer),
            "page {} lacks « {footer} »",
            number + 1
        );
    }
    // The network's requests, as indicateurs.csv has them, on the summary page.
    let requests = grouped(&network_figure(folder, "demandes"));
    let summary = pages
        .iter()
        .skip(2)
        .find(|page| page.contains("1. Synthèse : chiffres clés"))
        .expect("the summary page");
    assert!(summary.contains(&requests), "{requests} not on the summary");
    // One portrait per member in the annex.
    let network = std::fs::read_to_string(root().join("sample_data/reseau.toml")).expect("toml");
    let members = network.matches("[[membres]]").count();
    assert_eq!(
        pages
            .iter()
            .filter(|page| page.contains("Fiche commune : "))
            .count(),
        members
    );
}

/// Every number of the report's chapters is one the HTML page publishes: the PDF shows
/// nothing the published page does not (the page's own mask is tested elsewhere).
#[test]
fn the_report_pdf_shows_no_number_the_published_page_does_not() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = report(false);
    let html = std::fs::read_to_string(folder.join("rapport.html")).expect("html");
    let numbers = |text: &str| -> BTreeSet<String> {
        text.replace(['\u{a0}', '\u{202f}'], " ")
            .split(|character: char| !(character.is_ascii_digit() || character == ','))
            .map(|token| token.trim_matches(',').to_string())
            .filter(|token| token.len() >= 2)
            .collect()
    };
    let published = numbers(&html);
    let pages = page_texts(&folder.join("rapport.pdf"));
    let annex = pages
        .iter()
        .position(|page| page.contains("Annexe : fiches communes"))
        .expect("the annex");
    for (number, text) in pages.iter().enumerate().take(annex).skip(2) {
        // Page furniture: the page numbers of the footer.
        let body = text.replace(&format!("page {} / {}", number + 1, pages.len()), "");
        let unknown: Vec<String> = numbers(&body).difference(&published).cloned().collect();
        assert!(unknown.is_empty(), "page {}: {unknown:?}", number + 1);
    }
}

#[test]
fn the_internal_edition_carries_its_banner_on_every_page() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = report(true);
    // The slides show published figures only: the internal edition has none.
    assert!(!folder.join("diaporama.pdf").exists());
    assert!(!folder.join("diaporama.odp").exists());
    for pdf in [
        folder.join("rapport.pdf"),
        folder.join("fiches/44015-blain.pdf"),
    ] {
        for (number, text) in page_texts(&pdf).iter().enumerate() {
            assert!(
                text.contains("Document interne — ne pas diffuser"),
                "{} page {}",
                pdf.display(),
                number + 1
            );
        }
    }
    let published = report(false);
    assert!(!pdftotext(&published.join("rapport.pdf"), false).contains("Document interne"));
}

#[test]
fn each_member_has_a_portrait_of_one_or_two_pages() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = report(false);
    let mut portraits: Vec<PathBuf> = std::fs::read_dir(folder.join("fiches"))
        .expect("fiches/")
        .map(|entry| entry.expect("entry").path())
        .collect();
    portraits.sort();
    let names: Vec<String> = portraits
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "44015-blain.pdf",
            "44023-bouvron.pdf",
            "44056-fay-de-bretagne.pdf",
            "44062-le-gavre.pdf",
            "44111-notre-dame-des-landes.pdf",
            "44221-la-chevallerais.pdf"
        ]
    );
    for portrait in &portraits {
        let count = pages(portrait);
        assert!(
            (1..=2).contains(&count),
            "{}: {count} pages",
            portrait.display()
        );
        assert_eq!(info(portrait, "Page size"), "595.276 x 841.89 pts (A4)");
    }
    let blain = pdftotext(&portraits[0], false);
    assert!(blain.contains("Fiche commune : Blain"));
    assert!(blain.contains("Chiffres clés, 2024 : Blain et le réseau"));
    assert!(blain.contains("Âge des demandeurs et de la population"));
    assert!(blain.contains("demandes pour 1 000 habitants, contre"));
}

#[test]
fn the_decks_have_a_title_the_key_figures_a_slide_per_chart_and_per_commune() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = report(false);
    let deck = folder.join("diaporama.pdf");
    // 16:9.
    let size = info(&deck, "Page size");
    let (width, height) = size
        .split(" pts")
        .next()
        .and_then(|dimensions| dimensions.split_once(" x "))
        .map(|(width, height)| {
            (
                width.parse::<f64>().expect("width"),
                height.parse::<f64>().expect("height"),
            )
        })
        .expect("a page size");
    assert!((width / height - 16.0 / 9.0).abs() < 0.01, "{size}");
    let charts = std::fs::read_dir(folder.join("graphiques"))
        .expect("graphiques/")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|e| e == "svg"))
        })
        .count();
    let slides = page_texts(&deck);
    assert_eq!(slides.len(), 2 + charts + 6);
    assert!(slides[0].contains("Journée annuelle du réseau"));
    assert!(slides[1].contains("Chiffres clés 2024"));
    assert!(slides[2..2 + charts]
        .iter()
        .all(|slide| slide.contains("Source :")));
    assert!(slides[2 + charts].contains("Blain"));
    // The editable deck: LibreOffice Impress opens it and finds the same slides.
    if !present("soffice", "--version") {
        return;
    }
    let work = tempfile::tempdir().expect("temporary folder");
    let profile = tempfile::tempdir().expect("profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(work.path())
        .arg(folder.join("diaporama.odp"))
        .output()
        .expect("soffice");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let converted = work.path().join("diaporama.pdf");
    let converted_slides: Vec<String> = page_texts(&converted)
        .iter()
        .map(|slide| plain(&slide.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    assert_eq!(converted_slides.len(), slides.len());
    assert!(converted_slides[0].contains("Analyse des besoins sociaux 2024"));
    assert!(converted_slides[1].contains(&format!(
        "Nombre de demandes : {}",
        grouped(&network_figure(folder, "demandes"))
    )));
    assert!(converted_slides[2..]
        .iter()
        .zip(&slides[2..])
        .all(|(converted, typeset)| {
            let title = typeset
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or_default();
            converted.contains(&title.split_whitespace().collect::<Vec<_>>().join(" "))
        }));
}

#[test]
fn sans_diaporama_writes_no_deck() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(root())
        .args(["rapport", "sample_data", "--sans-diaporama", "--sortie"])
        .arg(folder.path())
        .output()
        .expect("observatoire rapport");
    assert!(output.status.success());
    assert!(folder.path().join("rapport.pdf").exists());
    assert!(!folder.path().join("diaporama.pdf").exists());
    assert!(!folder.path().join("diaporama.odp").exists());
}

#[test]
fn each_call_letter_is_one_page_with_the_amount_in_figures_and_in_words() {
    if !present("pdftotext", "-v") {
        return;
    }
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(root())
        .args(["repartition", "sample_data", "--annee", "2024", "--sortie"])
        .arg(folder.path())
        .output()
        .expect("observatoire repartition");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let statement = folder.path().join("repartition.pdf");
    let text = pdftotext(&statement, false);
    assert!(text.contains("Répartition des coûts du réseau — exercice 2024"));
    assert!(text.contains("Contrôles au centime"));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(folder.path().join("repartition.json")).expect("json"),
    )
    .expect("repartition.json");
    let mut letters = 0;
    for entry in std::fs::read_dir(folder.path()).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("appel-") && name.ends_with(".pdf")) {
            continue;
        }
        letters += 1;
        assert_eq!(pages(&path), 1, "{name}");
        let text = plain(&pdftotext(&path, false).replace('\n', " "));
        assert!(text.contains("Objet : appel à régularisation"), "{name}");
        assert!(text.contains("article 4.2.1"), "{name}");
        assert!(text.contains("Soit, en toutes lettres :"), "{name}");
        assert!(text.contains("Le Président du CCAS de Blain"), "{name}");
        // The amount due, as repartition.json has it, in figures in the letter.
        let html = std::fs::read_to_string(path.with_extension("html")).expect("html letter");
        let due = html
            .split("Montant dû par le CCAS de ")
            .nth(1)
            .and_then(|rest| rest.split(" : ").nth(1))
            .and_then(|rest| rest.split('<').next())
            .map(plain)
            .expect("the amount due in the HTML letter");
        assert!(text.contains(&due), "{name}: {due}");
    }
    // One PDF letter beside each HTML letter, and one per CCAS called.
    let html_letters = std::fs::read_dir(folder.path())
        .expect("folder")
        .filter(|entry| {
            entry.as_ref().is_ok_and(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.starts_with("appel-") && name.ends_with(".html")
            })
        })
        .count();
    let called = json["lignes"]
        .as_array()
        .expect("lignes")
        .iter()
        .filter(|line| line["a_appeler"] != "0.00")
        .count();
    assert!(letters >= 1);
    assert_eq!(letters, html_letters);
    assert_eq!(letters, called);
}

/// Text with its non-breaking spaces made plain, as pdftotext and the HTML differ there.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ").replace('’', "'")
}

/// No amount the published edition hides appears in its PDFs: each hidden amount of 2024,
/// read from the internal edition, is looked for in the text of the report, the portraits
/// and the deck (an amount the published HTML page also shows, by coincidence as another
/// cell, is left out of the check).
#[test]
fn no_hidden_amount_appears_in_the_published_pdfs() {
    if !present("pdftotext", "-v") {
        return;
    }
    let rows = |folder: &Path| -> Vec<Vec<String>> {
        std::fs::read_to_string(folder.join("indicateurs.csv"))
            .expect("indicateurs.csv")
            .lines()
            .skip(1)
            .map(|line| line.split(';').map(str::to_string).collect())
            .collect()
    };
    let published = report(false);
    let internal = rows(report(true));
    let hidden: Vec<Vec<String>> = rows(published)
        .into_iter()
        .filter(|fields| fields.len() == 7 && fields[0] == "2024" && fields[6] == "1")
        .filter(|fields| fields[3].starts_with("montant_accorde"))
        .collect();
    assert!(!hidden.is_empty(), "sample_data has hidden amounts in 2024");
    let html = plain(&std::fs::read_to_string(published.join("rapport.html")).expect("html"));
    let mut pdfs = vec![
        published.join("rapport.pdf"),
        published.join("diaporama.pdf"),
    ];
    for entry in std::fs::read_dir(published.join("fiches")).expect("fiches/") {
        pdfs.push(entry.expect("entry").path());
    }
    let texts: Vec<(PathBuf, String)> = pdfs
        .into_iter()
        .map(|pdf| {
            let text = plain(&pdftotext(&pdf, false));
            (pdf, text)
        })
        .collect();
    let mut looked_for = 0;
    for fields in &hidden {
        let value = internal
            .iter()
            .find(|row| row[..5] == fields[..5])
            .map(|row| row[5].replace(',', "."))
            .expect("the internal edition has every cell");
        let amount: rust_decimal::Decimal = value.parse().expect("an amount");
        let shown = plain(&observatoire::french::french_money(amount));
        if html.contains(&shown) {
            continue;
        }
        looked_for += 1;
        for (pdf, text) in &texts {
            assert!(
                !text.contains(&shown),
                "{}: the hidden {} {} of {} ({shown}) appears",
                pdf.display(),
                fields[3],
                fields[4],
                fields[2]
            );
        }
    }
    assert!(looked_for > 0);
}

/// Runs a command of the tool on `sample_data` into a new folder.
fn run_into(arguments: &[&str]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(root())
        .args(arguments)
        .arg("--sortie")
        .arg(folder.path())
        .output()
        .expect("observatoire");
    assert!(
        output.status.code() == Some(0),
        "{arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    folder
}

#[test]
fn the_evaluation_and_the_directory_are_printed_too() {
    if !present("pdftotext", "-v") {
        return;
    }
    let bilan = run_into(&["bilan", "sample_data", "--annee", "2024"]);
    let pdf = bilan.path().join("bilan.pdf");
    assert_eq!(info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    let text = plain(&pdftotext(&pdf, false));
    for heading in [
        "Bilan 2024 du Réseau des acteurs sociaux",
        "Le comité de pilotage (COPIL)",
        "Les actions du programme",
        "Dépenses et temps de personnel",
        "Pièces justificatives (article 6)",
        "La convention",
        "L'analyse des besoins sociaux : chiffres clés 2024",
    ] {
        assert!(text.contains(heading), "bilan.pdf lacks « {heading} »");
    }
    // The same COPIL count as the page.
    let html = plain(&std::fs::read_to_string(bilan.path().join("bilan.html")).expect("html"));
    let count = html
        .split("Le COPIL s'est réuni <strong>")
        .nth(1)
        .and_then(|rest| rest.split(" fois").next())
        .expect("the COPIL count");
    assert!(text.contains(&format!("Le COPIL s'est réuni {count} fois")));
    let directory = run_into(&["annuaire", "sample_data"]);
    let pdf = directory.path().join("annuaire.pdf");
    assert_eq!(info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    // Compared without spaces and hyphens: a long name breaks across lines at a hyphen,
    // which pdftotext then drops.
    let squeeze = |text: &str| -> String {
        text.chars()
            .filter(|character| !character.is_whitespace() && *character != '-')
            .collect()
    };
    let text = squeeze(&plain(&pdftotext(&pdf, false)));
    let csv = std::fs::read_to_string(directory.path().join("annuaire.csv")).expect("csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut structures = 0;
    for record in reader.records() {
        let record = record.expect("a row");
        let structure = record.get(0).expect("structure");
        structures += 1;
        assert!(
            text.contains(&squeeze(structure)),
            "annuaire.pdf lacks « {structure} »"
        );
    }
    assert!(structures >= 20, "{structures}");
}

/// The annex has one sheet per indicator of the catalogue (`schemas/indicateurs.json`),
/// each with its definition, source, formula, unit and limits.
#[test]
fn the_report_pdf_ends_with_a_sheet_per_indicator() {
    if !present("pdftotext", "-v") {
        return;
    }
    let schemas = observatoire::schema::schemas().expect("schemas");
    let mut sheets = observatoire::count::indicator_sheets(schemas);
    sheets.extend(observatoire::count::context_sheets(schemas));
    assert!(sheets.len() >= 20, "{}", sheets.len());
    let text = pdftotext(&report(false).join("rapport.pdf"), false);
    // The annex starts with its one introductory sentence.
    let annex = text
        .split_once("Pour chaque indicateur du rapport")
        .map(|(_, annex)| annex)
        .expect("the annex");
    let squeeze = |text: &str| -> String {
        plain(text)
            .chars()
            .filter(|character| !character.is_whitespace() && *character != '-')
            .collect()
    };
    let annex = squeeze(annex);
    for sheet in &sheets {
        for (field, value) in [
            ("code", &sheet.code),
            ("definition", &sheet.definition),
            ("limits", &sheet.limits),
        ] {
            assert!(
                annex.contains(&squeeze(value)),
                "{}: its {field} is not in the annex",
                sheet.code
            );
        }
    }
    assert_eq!(
        annex.matches("Définition").count(),
        sheets.len(),
        "one sheet per indicator"
    );
}
