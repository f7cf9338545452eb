//! Writes the binary fixtures of `tests/fixtures/` (the per-code diagnostic suite).
//!
//! ```text
//! cargo run --example make_fixtures                   # every fixture but the encrypted one
//! PYTHON=/usr/bin/python3 cargo run --example make_fixtures -- --encrypt
//!                                                     # also re-encrypts E003 with LibreOffice
//! ```
//!
//! Text fixtures (csv, toml) are committed as they are; this program writes what cannot
//! be written by hand: workbooks, a truncated workbook, a PDF, an empty file and a
//! dangling symbolic link. The output is deterministic (fixed zip timestamps and document
//! dates), so re-running it leaves `git status` clean.
//!
//! Small xlsx packages whose oddity is the point (a formula without a cached value, an
//! error cell, a stray far cell) are assembled by hand with the `zip` crate, part by part;
//! ordinary workbooks are written with `rust_xlsxwriter`, as an office suite would.
//!
//! The encrypted workbook of E003 is a real password-protected xlsx (ECMA-376 standard
//! encryption, an OLE container holding `EncryptionInfo` and `EncryptedPackage`) saved by
//! LibreOffice through `examples/encrypt_xlsx.py`. Encryption uses a random salt, so it is
//! only redone with `--encrypt` (or when the file is missing and LibreOffice is there).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The password of the E003 workbook (so that anyone can check it opens).
const E003_PASSWORD: &str = "ccas-blain";

/// The headers of the shared request form, as `observatoire modeles` writes them.
const HEADERS: [&str; 21] = [
    "Commune",
    "Numéro de demande",
    "Date de la demande",
    "Foyer (pseudonyme)",
    "Sexe du demandeur",
    "Tranche d'âge",
    "Composition du foyer",
    "Nombre de personnes",
    "Nombre d'enfants",
    "Situation de logement",
    "Situation professionnelle",
    "Ressource principale",
    "Ressources mensuelles",
    "Charges mensuelles",
    "Orientation",
    "Nature de l'aide",
    "Forme de l'aide",
    "Montant demandé",
    "Montant accordé",
    "Décision",
    "Date de la décision",
];

/// What each column holds, to write it as a spreadsheet would store it.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Integer,
    Money,
    Date,
}

const KINDS: [Kind; 21] = {
    use Kind::{Date, Integer, Money, Text};
    [
        Integer, Text, Date, Text, Text, Text, Text, Integer, Integer, Text, Text, Text, Money,
        Money, Text, Text, Text, Money, Money, Text, Date,
    ]
};

/// Four plausible requests received by the CCAS of Blain in February 2024 (the same rows
/// as the csv fixtures), as typed: `8/02/2024`, `1 180,00`.
const REQUESTS: [[&str; 21]; 4] = [
    [
        "44015",
        "2024-0012",
        "08/02/2024",
        "P3LW8ZR2D6NE",
        "Homme",
        "45-59 ans",
        "Personne seule",
        "1",
        "0",
        "Locataire parc privé",
        "Demandeur d'emploi",
        "Allocation chômage",
        "890,00",
        "610,00",
        "Démarche spontanée",
        "Énergie et fluides",
        "Paiement direct à un tiers",
        "250,00",
        "150,00",
        "Accordée partiellement",
        "20/02/2024",
    ],
    [
        "44015",
        "2024-0013",
        "12/02/2024",
        "K7Q2M9XW4TJA",
        "Femme",
        "30-44 ans",
        "Famille monoparentale",
        "3",
        "2",
        "Locataire parc social",
        "En emploi",
        "Salaire",
        "1 180,00",
        "742,50",
        "Service social départemental",
        "Alimentaire",
        "Bon ou chèque d'accompagnement",
        "80,00",
        "80,00",
        "Accordée",
        "13/02/2024",
    ],
    [
        "44015",
        "2024-0014",
        "15/02/2024",
        "B9XT4HN7K2QS",
        "Femme",
        "75 ans et plus",
        "Personne seule",
        "1",
        "0",
        "Propriétaire",
        "Retraité(e)",
        "Minimum vieillesse (ASPA)",
        "1 012,00",
        "520,00",
        "Mairie ou élu",
        "Énergie et fluides",
        "Paiement direct à un tiers",
        "180,00",
        "",
        "Refusée",
        "20/02/2024",
    ],
    [
        "44015",
        "2024-0015",
        "21/02/2024",
        "K7Q2M9XW4TJA",
        "Femme",
        "30-44 ans",
        "Famille monoparentale",
        "3",
        "2",
        "Locataire parc social",
        "En emploi",
        "Salaire",
        "1 180,00",
        "742,50",
        "Service social départemental",
        "Mobilité",
        "Secours financier",
        "120,00",
        "",
        "Ajournée",
        "27/02/2024",
    ],
];

fn main() -> Fallible {
    let encrypt = std::env::args()
        .skip(1)
        .any(|argument| argument == "--encrypt");
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    empty_file(&root)?;
    truncated_workbook(&root)?;
    password_protected(&root, encrypt)?;
    pdf_named_xlsx(&root)?;
    wrong_extension(&root)?;
    oversized_sheet(&root)?;
    dangling_link(&root)?;
    formula_without_value(&root)?;
    error_cell(&root)?;
    skipped_sheet(&root)?;
    ignored_file(&root)?;
    Ok(())
}

fn write(root: &Path, relative: &str, bytes: &[u8]) -> Fallible {
    let path = root.join(relative);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&path, bytes)?;
    println!("{} ({} octets)", path.display(), bytes.len());
    Ok(())
}

/// E001: a file of 0 bytes, as left by an interrupted copy or a failed attachment.
fn empty_file(root: &Path) -> Fallible {
    write(root, "E001-fichier-vide/demandes.xlsx", b"")
}

/// E002: a normal workbook cut in half, as after an interrupted download: the zip's
/// central directory, at the end, is missing.
fn truncated_workbook(root: &Path) -> Fallible {
    let bytes = requests_workbook("Demandes 2024")?;
    write(
        root,
        "E002-classeur-tronque/demandes.xlsx",
        &bytes[..bytes.len() / 2],
    )
}

/// E003: the same workbook saved with a password by LibreOffice (see the module doc).
fn password_protected(root: &Path, encrypt: bool) -> Fallible {
    let target = root.join("E003-mot-de-passe/demandes.xlsx");
    if !encrypt && target.exists() {
        println!("{} (gardé ; --encrypt pour le refaire)", target.display());
        return Ok(());
    }
    let plain_folder = tempfile::tempdir()?;
    let plain = plain_folder.path().join("demandes.xlsx");
    std::fs::write(&plain, requests_workbook("Demandes 2024")?)?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/encrypt_xlsx.py");
    let status = Command::new(&python)
        .arg(&script)
        .arg(&plain)
        .arg(&target)
        .arg(E003_PASSWORD)
        .status();
    match status {
        Ok(status) if status.success() => {
            println!("{} (chiffré par LibreOffice)", target.display());
            Ok(())
        }
        outcome => Err(format!(
            "LibreOffice n'a pas pu chiffrer {} ({outcome:?}) : il faut soffice et un python3 \
             avec le module uno (paquet python3-uno), par exemple PYTHON=/usr/bin/python3",
            target.display()
        )
        .into()),
    }
}

/// E004: a PDF export of the requests, saved under a spreadsheet's name.
fn pdf_named_xlsx(root: &Path) -> Fallible {
    write(
        root,
        "E004-pas-un-tableur/demandes.xlsx",
        &small_pdf("CCAS de Blain - demandes d'aide facultative 2024"),
    )
}

/// E005: a real xlsx renamed `.xls` (a user « converting » by renaming).
fn wrong_extension(root: &Path) -> Fallible {
    write(
        root,
        "E005-mauvaise-extension/demandes.xls",
        &requests_workbook("Demandes 2024")?,
    )
}

/// E006: the usual rows, plus one stray formatted cell at `XFD1048576` (the last cell of
/// an Excel sheet), so that the sheet's declared area is 16 384 × 1 048 576 cells.
/// The tool must refuse it from the declared size, without allocating the area.
fn oversized_sheet(root: &Path) -> Fallible {
    let mut rows = request_rows();
    rows.push(SheetRow {
        number: 1_048_576,
        cells: vec![(16_383, HandCell::Text("x".to_string()))],
    });
    let sheet = HandSheet {
        name: "Demandes 2024",
        dimension: Some("A1:XFD1048576"),
        rows,
    };
    write(
        root,
        "E006-feuille-trop-grande/demandes.xlsx",
        &hand_xlsx(&[sheet])?,
    )
}

/// E007: `demandes.xlsx` is a symbolic link to a file that is not there (a shortcut to a
/// network drive that is not connected, say): the file is listed but cannot be read.
fn dangling_link(root: &Path) -> Fallible {
    let link = root.join("E007-fichier-illisible/demandes.xlsx");
    std::fs::create_dir_all(root.join("E007-fichier-illisible"))?;
    if link.symlink_metadata().is_ok() {
        std::fs::remove_file(&link)?;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("absent.xlsx", &link)?;
    #[cfg(not(unix))]
    return Err("le lien symbolique de E007 ne peut être créé que sous Unix".into());
    println!("{} -> absent.xlsx", link.display());
    Ok(())
}

/// E026: a workbook written by a program (an export of a business application) that left
/// a formula in `Charges mensuelles` (N3, `=450+62.5+38`…) without its computed result:
/// nobody opened and saved it in a spreadsheet before sending it.
fn formula_without_value(root: &Path) -> Fallible {
    let mut rows = request_rows();
    set_cell(
        &mut rows,
        3,
        13,
        HandCell::Formula {
            formula: "450+62.5+38+192".to_string(),
        },
    );
    let sheet = HandSheet {
        name: "Demandes 2024",
        dimension: Some("A1:U5"),
        rows,
    };
    write(
        root,
        "E026-formule-sans-valeur/demandes.xlsx",
        &hand_xlsx(&[sheet])?,
    )
}

/// E027: `Ressources mensuelles` (M4) is a formula that divides by an empty helper cell;
/// Excel saved its result, the error value `#DIV/0!` (`t="e"`).
fn error_cell(root: &Path) -> Fallible {
    let mut rows = request_rows();
    set_cell(
        &mut rows,
        4,
        12,
        HandCell::Error {
            formula: "SUM(V4:X4)/V4".to_string(),
            value: "#DIV/0!".to_string(),
        },
    );
    let sheet = HandSheet {
        name: "Demandes 2024",
        dimension: Some("A1:U5"),
        rows,
    };
    write(
        root,
        "E027-cellule-en-erreur/demandes.xlsx",
        &hand_xlsx(&[sheet])?,
    )
}

/// N001: a clean workbook whose second sheet is the agents' instructions, not data.
fn skipped_sheet(root: &Path) -> Fallible {
    let mut workbook = requests_workbook_object("Demandes 2024")?;
    let instructions = workbook.add_worksheet();
    instructions.set_name("Mode d'emploi")?;
    instructions.set_column_width(0, 90)?;
    for (row, line) in [
        "Formulaire partagé de recueil de la demande d'aide facultative",
        "Une ligne par demande ; le foyer est désigné par son pseudonyme, jamais par son nom.",
        "Les listes déroulantes donnent les valeurs possibles.",
        "Envoyez le fichier au CCAS de Blain avant le 15 du mois suivant.",
    ]
    .iter()
    .enumerate()
    {
        instructions.write_string(u32::try_from(row)?, 0, *line)?;
    }
    write(
        root,
        "N001-feuille-ignoree/demandes.xlsx",
        &workbook.save_to_buffer()?,
    )
}

/// N004: a PDF letter next to the data (its csv and the LibreOffice lock file are
/// committed as text).
fn ignored_file(root: &Path) -> Fallible {
    write(
        root,
        "N004-fichier-ignore/courrier-commission.pdf",
        &small_pdf("Commission permanente du 20/02/2024 - compte rendu"),
    )
}

// --- Workbooks written the way an office suite writes them -------------------------------

/// The typed value of a request cell as typed in the form.
enum Typed {
    Empty,
    Text(String),
    Number(f64),
    Date { year: u16, month: u8, day: u8 },
}

fn typed(kind: Kind, text: &str) -> Fallible<Typed> {
    if text.is_empty() {
        return Ok(Typed::Empty);
    }
    Ok(match kind {
        Kind::Text => Typed::Text(text.to_string()),
        Kind::Integer | Kind::Money => {
            Typed::Number(text.replace(' ', "").replace(',', ".").parse()?)
        }
        Kind::Date => {
            let parts: Vec<&str> = text.split('/').collect();
            let [day, month, year] = parts.as_slice() else {
                return Err(format!("date {text}").into());
            };
            Typed::Date {
                year: year.parse()?,
                month: month.parse()?,
                day: day.parse()?,
            }
        }
    })
}

fn requests_workbook_object(sheet_name: &str) -> Result<Workbook, Box<dyn std::error::Error>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_author("CCAS de Blain")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 3, 1)?),
    );
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("#,##0.00\\ \"€\"");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (column, header) in HEADERS.iter().enumerate() {
        let column = u16::try_from(column)?;
        sheet.write_string_with_format(0, column, *header, &bold)?;
        sheet.set_column_width(column, 18)?;
    }
    for (row, request) in REQUESTS.iter().enumerate() {
        let row = u32::try_from(row)? + 1;
        for (column, text) in request.iter().enumerate() {
            let kind = KINDS[column];
            let column = u16::try_from(column)?;
            match typed(kind, text)? {
                Typed::Empty => {}
                Typed::Text(text) => {
                    sheet.write_string(row, column, text)?;
                }
                Typed::Number(number) if kind == Kind::Money => {
                    sheet.write_number_with_format(row, column, number, &money)?;
                }
                Typed::Number(number) => {
                    sheet.write_number(row, column, number)?;
                }
                Typed::Date { year, month, day } => {
                    let value = ExcelDateTime::from_ymd(year, month, day)?;
                    sheet.write_datetime_with_format(row, column, &value, &date)?;
                }
            }
        }
    }
    Ok(workbook)
}

fn requests_workbook(sheet_name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut workbook = requests_workbook_object(sheet_name)?;
    workbook
        .save_to_buffer()
        .map_err(|error: XlsxError| error.into())
}

// --- Workbooks assembled by hand, part by part ---------------------------------------------

/// A cell of a hand-made sheet.
enum HandCell {
    /// An inline string (`t="inlineStr"`).
    Text(String),
    Number(f64),
    /// A date, stored as its 1900-system serial with the built-in date format.
    Date(f64),
    /// A formula with no cached value (no `<v>`).
    Formula {
        formula: String,
    },
    /// A formula whose cached value is an error (`t="e"`).
    Error {
        formula: String,
        value: String,
    },
}

struct SheetRow {
    /// 1-based, as in the `r` attribute.
    number: u32,
    /// 0-based column and cell.
    cells: Vec<(u32, HandCell)>,
}

struct HandSheet<'a> {
    name: &'a str,
    /// The `<dimension ref="…"/>` the writer declares, if any.
    dimension: Option<&'a str>,
    rows: Vec<SheetRow>,
}

/// Excel's serial number of a date (1900 system, after 1 March 1900).
fn serial(year: u16, month: u8, day: u8) -> Fallible<f64> {
    let date = chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
        .ok_or("date invalide")?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).ok_or("époque")?;
    Ok((date - epoch).num_days() as f64)
}

/// The header and the four requests, as hand-made cells.
fn request_rows() -> Vec<SheetRow> {
    let mut rows = vec![SheetRow {
        number: 1,
        cells: HEADERS
            .iter()
            .zip(0..)
            .map(|(header, column)| (column, HandCell::Text((*header).to_string())))
            .collect(),
    }];
    for (request, number) in REQUESTS.iter().zip(2..) {
        let mut cells = Vec::new();
        for (column, text) in request.iter().enumerate() {
            let cell = match typed(KINDS[column], text) {
                Ok(Typed::Empty) | Err(_) => continue,
                Ok(Typed::Text(text)) => HandCell::Text(text),
                Ok(Typed::Number(number)) => HandCell::Number(number),
                Ok(Typed::Date { year, month, day }) => match serial(year, month, day) {
                    Ok(serial) => HandCell::Date(serial),
                    Err(_) => continue,
                },
            };
            cells.push((u32::try_from(column).unwrap_or(u32::MAX), cell));
        }
        rows.push(SheetRow { number, cells });
    }
    rows
}

/// Replaces (or adds) the cell at a 1-based row and 0-based column.
fn set_cell(rows: &mut [SheetRow], row_number: u32, column: u32, cell: HandCell) {
    if let Some(row) = rows.iter_mut().find(|row| row.number == row_number) {
        row.cells.retain(|(existing, _)| *existing != column);
        row.cells.push((column, cell));
        row.cells.sort_by_key(|(existing, _)| *existing);
    }
}

fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut remaining = column + 1;
    while remaining > 0 {
        letters.push(char::from(
            b'A' + u8::try_from((remaining - 1) % 26).unwrap_or(0),
        ));
        remaining = (remaining - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn sheet_xml(sheet: &HandSheet<'_>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    );
    if let Some(dimension) = sheet.dimension {
        xml.push_str(&format!("<dimension ref=\"{dimension}\"/>"));
    }
    xml.push_str("<sheetData>");
    for row in &sheet.rows {
        xml.push_str(&format!("<row r=\"{}\">", row.number));
        for (column, cell) in &row.cells {
            let reference = format!("{}{}", column_letters(*column), row.number);
            let cell_xml = match cell {
                HandCell::Text(text) => format!(
                    "<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape(text)
                ),
                HandCell::Number(number) => format!("<c r=\"{reference}\"><v>{number}</v></c>"),
                HandCell::Date(serial) => {
                    format!("<c r=\"{reference}\" s=\"1\"><v>{serial}</v></c>")
                }
                HandCell::Formula { formula } => {
                    format!("<c r=\"{reference}\"><f>{}</f></c>", escape(formula))
                }
                HandCell::Error { formula, value } => format!(
                    "<c r=\"{reference}\" t=\"e\"><f>{}</f><v>{}</v></c>",
                    escape(formula),
                    escape(value)
                ),
            };
            xml.push_str(&cell_xml);
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>\n");
    xml
}

/// A minimal xlsx package: content types, relationships, workbook, styles (a default
/// style and the built-in date format 14) and one part per sheet.
fn hand_xlsx(sheets: &[HandSheet<'_>]) -> Fallible<Vec<u8>> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELATIONSHIPS: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut content_types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>",
    );
    let mut workbook = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <workbook xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\"><sheets>"
    );
    let mut workbook_relationships = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for (sheet, number) in sheets.iter().zip(1..) {
        content_types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{number}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
        workbook.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{number}\" r:id=\"rId{number}\"/>",
            escape(sheet.name)
        ));
        workbook_relationships.push_str(&format!(
            "<Relationship Id=\"rId{number}\" Type=\"{RELATIONSHIPS}/worksheet\" Target=\"worksheets/sheet{number}.xml\"/>"
        ));
    }
    let styles_id = sheets.len() + 1;
    workbook_relationships.push_str(&format!(
        "<Relationship Id=\"rId{styles_id}\" Type=\"{RELATIONSHIPS}/styles\" Target=\"styles.xml\"/></Relationships>\n"
    ));
    content_types.push_str("</Types>\n");
    workbook.push_str("</sheets></workbook>\n");
    let root_relationships = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{RELATIONSHIPS}/officeDocument\" Target=\"xl/workbook.xml\"/>\
         </Relationships>\n"
    );
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <styleSheet xmlns=\"{MAIN}\">\
         <fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
         <fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills>\
         <borders count=\"1\"><border/></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
         </styleSheet>\n"
    );
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".to_string(), content_types),
        ("_rels/.rels".to_string(), root_relationships),
        ("xl/workbook.xml".to_string(), workbook),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            workbook_relationships,
        ),
        ("xl/styles.xml".to_string(), styles),
    ];
    for (sheet, number) in sheets.iter().zip(1..) {
        parts.push((format!("xl/worksheets/sheet{number}.xml"), sheet_xml(sheet)));
    }
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, content) in parts {
        archive.start_file(name, options)?;
        archive.write_all(content.as_bytes())?;
    }
    Ok(archive.finish()?.into_inner())
}

// --- A small PDF ------------------------------------------------------------------------------

/// A one-page PDF with a title, with a correct cross-reference table.
fn small_pdf(title: &str) -> Vec<u8> {
    let text = title
        .replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)");
    let stream = format!("BT /F1 14 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (object, number) in objects.iter().zip(1..) {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{number} 0 obj\n{object}\nendobj\n"));
    }
    let cross_reference = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{cross_reference}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}
