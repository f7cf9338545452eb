//! Reading the users' files into raw sheets: rows of cells as the spreadsheet holds them,
//! before any schema is applied.
//!
//! The format is recognised from the bytes, not the name, so that an `.xls` that is really
//! an `.xlsx`, an empty file or a PDF each get one clear diagnostic. Sheets are checked
//! against a size limit before they are loaded, so that a stray cell at `XFD1048576`
//! cannot make the tool allocate gigabytes.

#![expect(
    clippy::result_large_err,
    reason = "a file-level diagnostic is returned at most once per file: boxing it buys nothing"
)]

mod csv_text;
mod workbook;

use crate::diagnostic::{Code, Diagnostic, Location};
use chrono::NaiveDate;
use std::path::Path;

pub use csv_text::decode_text;

/// At most this many columns in a sheet (the 256 of the old xls format, with room to spare).
pub const MAX_COLUMNS: u32 = 1_024;
/// At most this many rows in a sheet (Excel's own limit).
pub const MAX_ROWS: u32 = 1_048_576;
/// At most this many cells in the area in use of a sheet (rows × columns).
pub const MAX_CELLS: u64 = 30_000_000;

/// The spreadsheet formats the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Xlsx,
    Xlsm,
    Xls,
    Ods,
    Csv,
}

impl SourceFormat {
    /// The usual extension.
    pub fn extension(self) -> &'static str {
        match self {
            SourceFormat::Xlsx => "xlsx",
            SourceFormat::Xlsm => "xlsm",
            SourceFormat::Xls => "xls",
            SourceFormat::Ods => "ods",
            SourceFormat::Csv => "csv",
        }
    }

    /// The format an extension promises, if it is one the tool reads.
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "xlsx" => Some(SourceFormat::Xlsx),
            "xlsm" => Some(SourceFormat::Xlsm),
            "xls" => Some(SourceFormat::Xls),
            "ods" => Some(SourceFormat::Ods),
            "csv" | "txt" => Some(SourceFormat::Csv),
            _ => None,
        }
    }
}

/// A cell as read, before typing.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date (its time of day, if any, is dropped).
    Date(NaiveDate),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A formula whose result was never computed and saved.
    FormulaWithoutValue(String),
}

impl RawCell {
    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        match self {
            RawCell::Empty => true,
            RawCell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the user sees it, for messages.
    pub fn shown(&self) -> String {
        match self {
            RawCell::Empty => String::new(),
            RawCell::Text(text) => text.clone(),
            RawCell::Number(number) => crate::check::cells::number_as_text(*number),
            RawCell::Bool(true) => "VRAI".to_string(),
            RawCell::Bool(false) => "FAUX".to_string(),
            RawCell::Date(date) => date.format("%d/%m/%Y").to_string(),
            RawCell::Error(error) => error.clone(),
            RawCell::FormulaWithoutValue(formula) => format!("={formula}"),
        }
    }
}

/// One row that holds at least one cell; `index` is 0-based.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub index: u32,
    pub cells: Vec<RawCell>,
}

impl RawRow {
    /// The cell at a 0-based column, or `Empty` past the end.
    pub fn cell(&self, column: usize) -> &RawCell {
        self.cells.get(column).unwrap_or(&RawCell::Empty)
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(RawCell::is_empty)
    }
}

/// One sheet (a csv file is one sheet without a name).
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    pub name: Option<String>,
    pub rows: Vec<RawRow>,
    /// Whether the workbook counts dates from 1904 (old Mac Excel).
    pub is_1904: bool,
}

/// What a file gave: its sheets, and the problems that stopped a sheet from being read.
#[derive(Debug, Clone)]
pub struct RawWorkbook {
    pub format: SourceFormat,
    pub sheets: Vec<RawSheet>,
    pub problems: Vec<Diagnostic>,
}

/// Collects cells arriving in any order into sorted rows, enforcing the size limits.
pub(crate) struct RowCollector {
    rows: Vec<RawRow>,
    first_row: u32,
    last_row: u32,
    max_column: u32,
}

/// Why a sheet was refused for its size.
#[derive(Debug)]
pub(crate) struct TooLarge {
    pub row: u32,
    pub column: u32,
}

impl RowCollector {
    pub fn new() -> Self {
        RowCollector {
            rows: Vec::new(),
            first_row: u32::MAX,
            last_row: 0,
            max_column: 0,
        }
    }

    /// Adds a non-empty cell at 0-based (row, column).
    pub fn push(&mut self, row: u32, column: u32, cell: RawCell) -> Result<(), TooLarge> {
        if column >= MAX_COLUMNS || row >= MAX_ROWS {
            return Err(TooLarge { row, column });
        }
        self.first_row = self.first_row.min(row);
        self.last_row = self.last_row.max(row);
        self.max_column = self.max_column.max(column);
        let span = u64::from(self.last_row - self.first_row + 1) * u64::from(self.max_column + 1);
        if span > MAX_CELLS {
            return Err(TooLarge { row, column });
        }
        let position = match self.rows.last() {
            Some(last) if last.index == row => self.rows.len() - 1,
            Some(last) if last.index < row => {
                self.rows.push(RawRow {
                    index: row,
                    cells: Vec::new(),
                });
                self.rows.len() - 1
            }
            None => {
                self.rows.push(RawRow {
                    index: row,
                    cells: Vec::new(),
                });
                0
            }
            Some(_) => match self
                .rows
                .binary_search_by_key(&row, |existing| existing.index)
            {
                Ok(found) => found,
                Err(insert_at) => {
                    self.rows.insert(
                        insert_at,
                        RawRow {
                            index: row,
                            cells: Vec::new(),
                        },
                    );
                    insert_at
                }
            },
        };
        let cells = &mut self.rows[position].cells;
        let column = column as usize;
        if cells.len() == column {
            // Cells mostly arrive left to right, one after the other.
            cells.push(cell);
            return Ok(());
        }
        if cells.len() < column {
            cells.resize(column + 1, RawCell::Empty);
        }
        cells[column] = cell;
        Ok(())
    }

    pub fn finish(self) -> Vec<RawRow> {
        self.rows
    }
}

/// The diagnostic for a sheet over the size limits.
pub(crate) fn too_large(location: Location, too_large: &TooLarge) -> Diagnostic {
    let cell = crate::diagnostic::cell_name(too_large.row, too_large.column);
    let mut location = location;
    location.cellule = Some(cell.clone());
    Diagnostic::new(
        Code::E006,
        location,
        if too_large.column >= MAX_COLUMNS {
            format!(
                "la feuille s'étend jusqu'à la cellule {cell}, au-delà de la colonne {} : un tableau en compte au plus {}",
                crate::diagnostic::column_letters(MAX_COLUMNS - 1),
                crate::render::french_integer(i64::from(MAX_COLUMNS))
            )
        } else if too_large.row >= MAX_ROWS {
            format!("la feuille s'étend jusqu'à la cellule {cell}, au-delà de la dernière ligne d'un tableur")
        } else {
            format!(
                "la feuille s'étend jusqu'à la cellule {cell} : la zone utilisée dépasse {} cellules",
                crate::render::french_integer(MAX_CELLS as i64)
            )
        },
    )
    .hint("une cellule isolée loin du tableau (souvent une mise en forme ou un espace) agrandit la feuille : dans votre tableur, Ctrl+Fin montre la dernière cellule utilisée ; supprimez les lignes et colonnes vides après le tableau, enregistrez, puis recommencez")
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Empty,
    Zip,
    Ole,
    Text,
    Other(&'static str),
}

fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Empty;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::Ole;
    }
    if bytes.starts_with(b"%PDF") {
        return Sniffed::Other("un document PDF");
    }
    let head = &bytes[..bytes.len().min(4096)];
    let lowered = String::from_utf8_lossy(head).to_lowercase();
    if lowered
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        return Sniffed::Other("une page web ou un fichier XML");
    }
    if head.contains(&0) {
        return Sniffed::Other("un fichier binaire");
    }
    Sniffed::Text
}

/// Reads one file. `shown` is the name used in messages.
///
/// `Err` carries the one diagnostic that explains why the file could not be read at all.
pub fn read_file(path: &Path, shown: &str) -> Result<RawWorkbook, Diagnostic> {
    let location = Location::file(shown);
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::new(Code::E007, location.clone(), format!("le fichier ne peut pas être lu ({})", io_error_in_french(&error)))
            .hint("vérifiez que le fichier existe, qu'il n'est pas ouvert dans un autre logiciel et que vous avez le droit de le lire")
    })?;
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_string();
    let promised = SourceFormat::from_extension(&extension);
    let actual = match sniff(&bytes) {
        Sniffed::Empty => {
            return Err(Diagnostic::new(Code::E001, location, "le fichier est vide (0 octet)")
                .hint("le fichier a sans doute été mal copié ou mal enregistré : enregistrez-le à nouveau depuis votre tableur"))
        }
        Sniffed::Other(what) => return Err(not_a_spreadsheet(location, what)),
        Sniffed::Zip => workbook::zip_format(&bytes, &location)?,
        Sniffed::Ole => {
            if workbook::is_encrypted_ole(&bytes) {
                return Err(workbook::password_protected(location));
            }
            SourceFormat::Xls
        }
        Sniffed::Text => SourceFormat::Csv,
    };
    let compatible = match promised {
        Some(SourceFormat::Xlsx | SourceFormat::Xlsm) => {
            matches!(actual, SourceFormat::Xlsx | SourceFormat::Xlsm)
        }
        Some(expected) => expected == actual,
        None => false,
    };
    if !compatible {
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("fichier");
        return Err(match promised {
            Some(_) => Diagnostic::new(
                Code::E005,
                location,
                format!(
                    "le fichier porte l'extension .{extension} mais contient en réalité un fichier {}",
                    actual.extension()
                ),
            )
            .value(format!(".{extension}"))
            .hint(format!("renommez-le « {stem}.{} » (ou ouvrez-le dans votre tableur et enregistrez-le au bon format)", actual.extension())),
            None => not_a_spreadsheet(location, "un fichier d'un type non pris en charge"),
        });
    }
    read_guarded(bytes, actual, &location)
}

thread_local! {
    static GUARDED_READ: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current thread is inside a guarded read, whose panics become diagnostics
/// (the binary's panic hook stays quiet for those).
pub fn in_guarded_read() -> bool {
    GUARDED_READ.with(std::cell::Cell::get)
}

/// Runs third-party code on a user's file with its panics caught (`None`) and kept quiet,
/// like the readers below: for the library that edits the feedback copies.
pub fn run_guarded<T>(work: impl FnOnce() -> T) -> Option<T> {
    GUARDED_READ.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    GUARDED_READ.with(|flag| flag.set(false));
    result.ok()
}

/// The readers of the file formats are third-party code that has been seen to panic on
/// damaged files (an index out of range in an xls record): such a panic is caught and
/// reported as a damaged file, so one bad file never stops the others being checked.
fn read_guarded(
    bytes: Vec<u8>,
    format: SourceFormat,
    location: &Location,
) -> Result<RawWorkbook, Diagnostic> {
    GUARDED_READ.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        workbook::read_workbook(bytes, format, location)
    }));
    GUARDED_READ.with(|flag| flag.set(false));
    result.unwrap_or_else(|_| {
        Err(Diagnostic::new(Code::E002, location.clone(), "le classeur est abîmé : sa lecture a échoué")
            .hint("ouvrez-le dans votre tableur : s'il s'ouvre, enregistrez-le sous un autre nom au format xlsx et envoyez cette copie ; sinon, demandez-le à nouveau"))
    })
}

/// What went wrong with a file, in words a user can act on.
pub fn io_error_in_french(error: &std::io::Error) -> &'static str {
    match error.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        std::io::ErrorKind::IsADirectory => "c'est un dossier",
        _ => "erreur de lecture du disque",
    }
}

fn not_a_spreadsheet(location: Location, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E004,
        location,
        format!("ce fichier n'est pas un tableur : il ressemble à {what}"),
    )
    .hint("envoyez un classeur xlsx, xls ou ods, ou un fichier csv ; si le fichier vient d'un logiciel métier, ouvrez-le dans votre tableur et enregistrez-le au format xlsx")
}
