//! Reading INSEE's communal census bases as INSEE distributes them: `;`-separated csv
//! (UTF-8 or Windows-1252), xlsx workbooks (title rows above the header, a `COM_2021`
//! sheet, an `ARM_2021` sheet of municipal districts), or the zip holding either.
//!
//! Only the columns the context needs are kept, so that the `dossier_complet` file (about
//! 1 900 variables for every commune of France) is streamed in one pass rather than held
//! whole: csv is read record by record, straight out of the zip when it is zipped.

use super::{Variable, VARIABLES};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::read::{read_file, RawCell, RawSheet};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use crate::read::HEADER_SEARCH_ROWS;
/// The largest xlsx taken out of a zip into memory.
const MAX_ZIPPED_WORKBOOK: u64 = 256 * 1024 * 1024;

/// One value as found, with its place (kept to report it if it cannot be read).
#[derive(Debug, Clone)]
pub struct FoundValue {
    pub text: String,
    pub origin: usize,
    pub row: u32,
    pub column: u32,
}

/// What the files hold: the needed variables of each commune, and what was seen.
#[derive(Debug, Default)]
pub struct Census {
    /// Places (file, sheet) values come from, indexed by [`FoundValue::origin`].
    pub origins: Vec<Location>,
    /// By commune code, the needed variables of the vintage.
    pub communes: BTreeMap<String, BTreeMap<Variable, FoundValue>>,
    /// The needed variables found in at least one file.
    pub found: BTreeSet<Variable>,
    /// Rows read with a commune code.
    pub rows_read: usize,
    /// Rows of municipal districts (Paris, Lyon, Marseille), left out: their commune is in.
    pub districts_skipped: usize,
    /// Rows whose CODGEO is not a commune code (a note under the table): left out.
    pub rows_without_code: usize,
}

/// The header of one table: where the codes are, and which needed columns it has.
struct Header {
    codgeo: usize,
    columns: Vec<(usize, Variable)>,
    /// Vintages (and families) of the needed variables under another prefix
    /// (`P20_POP` → 2020, `P`).
    other_vintages: BTreeSet<(i32, &'static str)>,
}

/// A vintage from its two-digit prefix (`21` → 2021).
fn vintage_of(prefix: &str) -> Option<i32> {
    let number: i32 = prefix.parse().ok()?;
    Some(if number < 70 {
        2000 + number
    } else {
        1900 + number
    })
}

fn find_header(cells: &[String], millesime: i32) -> Option<Header> {
    let codgeo = cells
        .iter()
        .position(|cell| cell.trim().eq_ignore_ascii_case("CODGEO"))?;
    let prefix = format!("{:02}", millesime.rem_euclid(100));
    let mut columns = Vec::new();
    let mut other_vintages = BTreeSet::new();
    for (position, cell) in cells.iter().enumerate() {
        let name = cell.trim().to_ascii_uppercase();
        for variable in VARIABLES {
            let Some(rest) = name.strip_prefix(variable.family) else {
                continue;
            };
            let Some((digits, short)) = rest.split_once('_') else {
                continue;
            };
            if short != variable.name || digits.len() != 2 {
                continue;
            }
            if digits == prefix {
                columns.push((position, *variable));
            } else if let Some(vintage) = vintage_of(digits) {
                other_vintages.insert((vintage, variable.family));
            }
        }
    }
    Some(Header {
        codgeo,
        columns,
        other_vintages,
    })
}

/// Municipal districts of Paris, Lyon and Marseille (their commune has its own row).
fn is_district(code: &str) -> bool {
    let Ok(number) = code.parse::<u32>() else {
        return false;
    };
    (75101..=75120).contains(&number)
        || (69381..=69389).contains(&number)
        || (13201..=13216).contains(&number)
}

/// A commune code as INSEE writes it; a code read as a number loses its leading zero.
fn commune_code(text: &str) -> Option<String> {
    let trimmed = text.trim().to_ascii_uppercase();
    let code = if trimmed.len() == 4 && trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("0{trimmed}")
    } else {
        trimmed
    };
    let bytes = code.as_bytes();
    let valid = bytes.len() == 5
        && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(&bytes[..2], b"2A" | b"2B"))
        && bytes[2..].iter().all(u8::is_ascii_digit);
    valid.then_some(code)
}

impl Census {
    fn add_row(
        &mut self,
        header: &Header,
        origin: usize,
        row: u32,
        cell: impl Fn(usize) -> String,
    ) {
        let Some(code) = commune_code(&cell(header.codgeo)) else {
            if !cell(header.codgeo).trim().is_empty() {
                self.rows_without_code += 1;
            }
            return;
        };
        if is_district(&code) {
            self.districts_skipped += 1;
            return;
        }
        self.rows_read += 1;
        let values = self.communes.entry(code).or_default();
        for (column, variable) in &header.columns {
            values.entry(*variable).or_insert_with(|| FoundValue {
                text: cell(*column),
                origin,
                row,
                column: u32::try_from(*column).unwrap_or(u32::MAX),
            });
        }
    }

    /// Records what a table's header says; `false` when it has no needed variable.
    fn add_header(
        &mut self,
        header: &Header,
        location: &Location,
        millesime: i32,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        if header.columns.is_empty() {
            let latest = header
                .other_vintages
                .iter()
                .next_back()
                .map(|(vintage, _)| *vintage);
            let message = match latest {
                Some(other) => format!(
                    "ce fichier est du millésime {other} (variables {}), pas du millésime {millesime} demandé",
                    header
                        .other_vintages
                        .iter()
                        .filter(|(vintage, _)| *vintage == other)
                        // P before C (they sort the other way).
                        .rev()
                        .map(|(_, family)| format!("{family}{:02}_…", other.rem_euclid(100)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "aucune variable de structure de la population (P..._POP…) ni des ménages (C..._MEN…) dans ce fichier".to_string(),
            };
            diagnostics.push(
                Diagnostic::new(Code::E056, location.clone(), message).hint(format!(
                    "donnez les bases du recensement {millesime} (base-cc-evol-struct-pop-{millesime}, base-cc-coupl-fam-men-{millesime} ou dossier_complet), ou changez --millesime"
                )),
            );
            return false;
        }
        self.found
            .extend(header.columns.iter().map(|(_, variable)| *variable));
        true
    }
}

fn no_codgeo(location: Location) -> Diagnostic {
    Diagnostic::new(
        Code::E056,
        location,
        "aucune colonne CODGEO (code géographique de la commune) dans les 30 premières lignes",
    )
    .hint("donnez les bases communales du recensement telles que l'Insee les publie (base-cc-evol-struct-pop, base-cc-coupl-fam-men ou dossier_complet), sans retirer la ligne des noms de variables")
}

/// Reads one csv (a file or a zip entry) record by record.
fn read_csv(
    reader: impl Read,
    location: Location,
    millesime: i32,
    census: &mut Census,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut reader = std::io::BufReader::new(reader);
    // The separator from the first line: INSEE writes `;`, a re-saved file may use `,`.
    let mut head = Vec::new();
    let mut limited = reader.by_ref().take(64 * 1024);
    if limited.read_to_end(&mut head).is_err() {
        diagnostics.push(Diagnostic::new(
            Code::E002,
            location,
            "le fichier csv ne peut pas être lu jusqu'au bout",
        ));
        return;
    }
    let first_line = head.split(|byte| *byte == b'\n').next().unwrap_or(&[]);
    let count = |separator: u8| first_line.iter().filter(|byte| **byte == separator).count();
    let separator = if count(b',') > count(b';') {
        b','
    } else {
        b';'
    };
    let chained = std::io::Cursor::new(head).chain(reader);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(chained);
    census.origins.push(location.clone());
    let origin = census.origins.len() - 1;
    let mut header: Option<Header> = None;
    let mut record = csv::ByteRecord::new();
    let mut position = 0u32;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::E002,
                        location.clone(),
                        format!("le fichier csv est abîmé ({error})"),
                    )
                    .hint("téléchargez à nouveau le fichier sur insee.fr"),
                );
                return;
            }
        }
        let row = position;
        position = position.saturating_add(1);
        let text = |column: usize| {
            record
                .get(column)
                .map(crate::read::decode_text)
                .unwrap_or_default()
        };
        match &header {
            Some(header) => census.add_row(header, origin, row, text),
            None => {
                let cells: Vec<String> = (0..record.len()).map(text).collect();
                if let Some(found) = find_header(&cells, millesime) {
                    if !census.add_header(&found, &location, millesime, diagnostics) {
                        return;
                    }
                    header = Some(found);
                } else if row as usize >= HEADER_SEARCH_ROWS {
                    diagnostics.push(no_codgeo(location));
                    return;
                }
            }
        }
    }
    if header.is_none() {
        diagnostics.push(no_codgeo(location));
    }
}

fn cell_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Number(number) => crate::french::number_as_text(*number),
        RawCell::Text(text) => text.trim().to_string(),
        RawCell::Empty => String::new(),
        other => other.shown(),
    }
}

/// Reads the sheets of a workbook: each with a `CODGEO` header is a table; the municipal
/// districts' sheet (`ARM_…`) and sheets of documentation are left out.
fn read_sheets(
    sheets: &[RawSheet],
    location: &Location,
    millesime: i32,
    census: &mut Census,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut tables = 0;
    for sheet in sheets {
        if sheet
            .name
            .as_deref()
            .is_some_and(|name| name.to_ascii_uppercase().starts_with("ARM"))
        {
            continue;
        }
        let sheet_location = location.clone().with_sheet(sheet.name.as_deref());
        let found = sheet
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(position, row)| {
                let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
                find_header(&cells, millesime).map(|header| (position, header))
            });
        let Some((position, header)) = found else {
            continue;
        };
        tables += 1;
        if !census.add_header(&header, &sheet_location, millesime, diagnostics) {
            continue;
        }
        census.origins.push(sheet_location);
        let origin = census.origins.len() - 1;
        for row in sheet.rows.iter().skip(position + 1) {
            census.add_row(&header, origin, row.index, |column| {
                cell_text(row.cell(column))
            });
        }
    }
    if tables == 0 {
        diagnostics.push(no_codgeo(location.clone()));
    }
}

/// Reads one file given on the command line (csv, xlsx or zip) into `census`.
pub fn read_census_file(
    path: &Path,
    shown: &str,
    millesime: i32,
    census: &mut Census,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), std::io::Error> {
    let location = Location::file(shown);
    let mut head = [0u8; 4];
    let read = {
        let mut file = std::fs::File::open(path)?;
        file.read(&mut head)?
    };
    let is_zip = read == 4 && head == *b"PK\x03\x04";
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if is_zip && extension == "zip" {
        return read_zip(path, shown, millesime, census, diagnostics);
    }
    if is_zip || matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        match read_file(path, shown) {
            Ok(workbook) => {
                read_sheets(&workbook.sheets, &location, millesime, census, diagnostics)
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
        return Ok(());
    }
    if read == 0 {
        diagnostics.push(Diagnostic::new(
            Code::E001,
            location,
            "le fichier est vide (0 octet)",
        ));
        return Ok(());
    }
    let file = std::fs::File::open(path)?;
    read_csv(file, location, millesime, census, diagnostics);
    Ok(())
}

/// The csv and xlsx entries of INSEE's zip (its `meta_…` files describe the variables).
fn read_zip(
    path: &Path,
    shown: &str,
    millesime: i32,
    census: &mut Census,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), std::io::Error> {
    let file = std::fs::File::open(path)?;
    let mut archive = match zip::ZipArchive::new(std::io::BufReader::new(file)) {
        Ok(archive) => archive,
        Err(_) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::E002,
                    Location::file(shown),
                    "l'archive zip est abîmée et ne peut pas être ouverte",
                )
                .hint("téléchargez-la à nouveau sur insee.fr"),
            );
            return Ok(());
        }
    };
    let mut names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .collect();
    names.sort();
    let mut tables = 0;
    for name in names {
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        let lowered = base.to_ascii_lowercase();
        if lowered.starts_with("meta_") || lowered.starts_with('.') || base.is_empty() {
            continue;
        }
        let is_csv = lowered.ends_with(".csv");
        let is_xlsx = lowered.ends_with(".xlsx");
        if !is_csv && !is_xlsx {
            continue;
        }
        tables += 1;
        let location = Location::file(format!("{shown} › {base}"));
        let Ok(entry) = archive.by_name(&name) else {
            diagnostics.push(Diagnostic::new(
                Code::E002,
                location,
                "ce fichier de l'archive ne peut pas être extrait",
            ));
            continue;
        };
        if is_csv {
            read_csv(entry, location, millesime, census, diagnostics);
            continue;
        }
        let size = entry.size();
        read_zipped_workbook(entry, size, location, millesime, census, diagnostics)?;
    }
    if tables == 0 {
        diagnostics.push(
            Diagnostic::new(
                Code::E056,
                Location::file(shown),
                "l'archive ne contient aucun fichier csv ou xlsx",
            )
            .hint(
                "donnez l'archive des bases communales du recensement telle que l'Insee la publie",
            ),
        );
    }
    Ok(())
}

/// One xlsx entry of the zip, read through a temporary file; a workbook too large or that
/// cannot be extracted is reported and left out.
fn read_zipped_workbook(
    entry: impl Read,
    size: u64,
    location: Location,
    millesime: i32,
    census: &mut Census,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), std::io::Error> {
    if size > MAX_ZIPPED_WORKBOOK {
        diagnostics.push(
            Diagnostic::new(
                Code::E006,
                location,
                "ce classeur de l'archive est trop grand pour être lu",
            )
            .hint("donnez plutôt le fichier csv de l'Insee, qui est lu au fil de l'eau"),
        );
        return Ok(());
    }
    let mut bytes = Vec::new();
    if entry
        .take(MAX_ZIPPED_WORKBOOK)
        .read_to_end(&mut bytes)
        .is_err()
    {
        diagnostics.push(Diagnostic::new(
            Code::E002,
            location,
            "ce fichier de l'archive ne peut pas être extrait",
        ));
        return Ok(());
    }
    // The workbook reader works from a file: the entry goes through a temporary one.
    let temporary = tempfile::Builder::new().suffix(".xlsx").tempfile()?;
    std::fs::write(temporary.path(), &bytes)?;
    match read_file(temporary.path(), &location.file) {
        Ok(workbook) => read_sheets(&workbook.sheets, &location, millesime, census, diagnostics),
        Err(diagnostic) => diagnostics.push(diagnostic),
    }
    Ok(())
}
