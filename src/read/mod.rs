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
pub mod header;
mod workbook;

use crate::diagnostic::{Code, Diagnostic, Location};
use chrono::NaiveDate;
use std::path::Path;

pub use csv_text::decode_text;

/// How many rows from the top of a sheet may hold titles before the header (every reader
/// of users' sheets looks this far: `check`, `anonymise`, `context`, the population import).
pub const HEADER_SEARCH_ROWS: usize = 30;

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
            RawCell::Number(number) => crate::french::number_as_text(*number),
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
    location.cell = Some(cell.clone());
    Diagnostic::new(
        Code::E006,
        location,
        if too_large.column >= MAX_COLUMNS {
            format!(
                "la feuille s'étend jusqu'à la cellule {cell}, au-delà de la colonne {} : un tableau en compte au plus {}",
                crate::diagnostic::column_letters(MAX_COLUMNS - 1),
                crate::french::french_integer(i64::from(MAX_COLUMNS))
            )
        } else if too_large.row >= MAX_ROWS {
            format!("la feuille s'étend jusqu'à la cellule {cell}, au-delà de la dernière ligne d'un tableur")
        } else {
            format!(
                "la feuille s'étend jusqu'à la cellule {cell} : la zone utilisée dépasse {} cellules",
                crate::french::french_integer(MAX_CELLS as i64)
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
    if csv_text::utf16_encoding(bytes).is_some() {
        // Excel's « Texte Unicode » export: UTF-16 with a byte-order mark, so full of NUL bytes.
        return Sniffed::Text;
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

/// The largest input file read by default: 256 Mo (`--taille-max` changes it).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a size as a user writes it for `--taille-max`: `256Mo`, `1 Go`, `500 Ko`, `2000000`
/// (bytes); `o`/`B` and `K`/`M`/`G` forms are accepted too, in any case, and a decimal comma
/// (`1,5Go`). Units are binary (1 Ko = 1 024 octets), as file managers show them.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let refused =
        || format!("« {text} » : une taille est attendue, par exemple 256Mo, 1Go ou 500Ko");
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let lowered = compact.to_lowercase();
    let digits_end = lowered
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(lowered.len());
    let (number, unit) = lowered.split_at(digits_end);
    let multiplier: u64 = match unit {
        "" | "o" | "b" | "octets" | "octet" => 1,
        "k" | "ko" | "kb" | "kio" | "kib" => 1 << 10,
        "m" | "mo" | "mb" | "mio" | "mib" => 1 << 20,
        "g" | "go" | "gb" | "gio" | "gib" => 1 << 30,
        "t" | "to" | "tb" | "tio" | "tib" => 1 << 40,
        _ => return Err(refused()),
    };
    let number =
        rust_decimal::Decimal::from_str_exact(&number.replace(',', ".")).map_err(|_| refused())?;
    let bytes = number
        .checked_mul(rust_decimal::Decimal::from(multiplier))
        .map(|bytes| bytes.trunc())
        .and_then(|bytes| u64::try_from(bytes).ok())
        .ok_or_else(refused)?;
    if bytes == 0 {
        return Err(format!(
            "« {text} » : la taille maximale doit être d'au moins 1 octet"
        ));
    }
    Ok(bytes)
}

/// Why the bytes of a user's file could not be had.
#[derive(Debug)]
pub enum BytesError {
    /// Not a regular file: a named pipe, a socket, a device or a folder (what it is, in French).
    NotRegular(&'static str),
    /// Larger than the limit: its size as announced (or as read, for a file that grew).
    TooLarge { size: u64, limit: u64 },
    /// A symbolic link whose target cannot be reached (missing, or links in a loop).
    BrokenLink {
        target: String,
        cause: std::io::Error,
    },
    /// The system refused.
    Io(std::io::Error),
}

impl BytesError {
    /// Why, in French, as the cause in « le fichier … ne peut pas être lu (cause) ».
    pub fn cause_in_french(&self) -> String {
        match self {
            BytesError::NotRegular(kind) => {
                format!("ce n'est pas un fichier ordinaire : c'est {kind}")
            }
            BytesError::TooLarge { size, limit } => format!(
                "il fait {}, plus que la taille maximale de {}",
                french_size(*size),
                french_size(*limit)
            ),
            BytesError::BrokenLink { target, cause } => format!(
                "lien symbolique cassé vers « {target} » : {}",
                crate::output::io_error_in_french(cause)
            ),
            BytesError::Io(cause) => crate::output::io_error_in_french(cause),
        }
    }
}

/// What a file system entry is, in French, when it is not a regular file (`None` for a
/// regular file). Links are followed.
pub fn special_kind(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("un dossier");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("un tube nommé (FIFO)");
        }
        if kind.is_socket() {
            return Some("une prise de communication (socket)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("un périphérique du système");
        }
    }
    Some("un fichier spécial du système")
}

/// Reads a user's file whole, refusing anything that is not a regular file (a named pipe
/// would block the read forever, a device such as `/dev/zero` never ends) and anything
/// over `limit` bytes: the announced size is checked before reading, and the read itself
/// stops one byte past the limit, so a file that grows or lies about its size cannot
/// exceed it either.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BytesError> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(|cause| match std::fs::read_link(path) {
        Ok(target) => BytesError::BrokenLink {
            target: target.to_string_lossy().into_owned(),
            cause,
        },
        Err(_) => BytesError::Io(cause),
    })?;
    if let Some(kind) = special_kind(&metadata) {
        return Err(BytesError::NotRegular(kind));
    }
    if metadata.len() > limit {
        return Err(BytesError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Never block on opening, should the file have been swapped for a pipe meanwhile.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(BytesError::Io)?;
    let opened = file.metadata().map_err(BytesError::Io)?;
    if let Some(kind) = special_kind(&opened) {
        return Err(BytesError::NotRegular(kind));
    }
    let capacity = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(BytesError::Io)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(BytesError::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

/// A size in bytes as French users read it (`256 Mo`, `1,5 Go`, `900 octets`).
pub fn french_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "Go"), (1 << 20, "Mo"), (1 << 10, "Ko")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = (u128::from(bytes) * 10 + u128::from(unit) / 2) / u128::from(unit);
            let (whole, tenth) = (tenths / 10, tenths % 10);
            return if tenth == 0 {
                format!("{whole} {name}")
            } else {
                format!("{whole},{tenth} {name}")
            };
        }
    }
    if bytes == 1 {
        "1 octet".to_string()
    } else {
        format!("{bytes} octets")
    }
}

/// The diagnostic of a file whose bytes could not be had.
pub fn bytes_problem(location: Location, problem: BytesError) -> Diagnostic {
    match problem {
        BytesError::NotRegular(kind) => Diagnostic::new(
            Code::E007,
            location,
            format!("ce n'est pas un fichier ordinaire : c'est {kind}, qui n'est pas lu"),
        )
        .hint("indiquez le fichier du tableur lui-même (xlsx, xls, ods ou csv)"),
        BytesError::TooLarge { size, limit } => Diagnostic::new(
            Code::E008,
            location,
            format!(
                "le fichier fait {} : c'est plus que la taille maximale de {}",
                french_size(size),
                french_size(limit)
            ),
        )
        .value(french_size(size))
        .hint("vérifiez qu'il s'agit du bon fichier (un tableau d'un CCAS fait rarement plus de quelques Mo) ; sinon, relancez avec --taille-max, par exemple --taille-max 1Go"),
        BytesError::BrokenLink { target, cause } => Diagnostic::new(
            Code::E007,
            location,
            format!(
                "lien symbolique cassé : il mène à « {target} » ({})",
                crate::output::io_error_in_french(&cause)
            ),
        )
        .value(target)
        .hint("le fichier visé a sans doute été déplacé ou supprimé : copiez le fichier lui-même à la place du lien"),
        BytesError::Io(error) => Diagnostic::new(
            Code::E007,
            location,
            format!("le fichier ne peut pas être lu ({})", crate::output::io_error_in_french(&error)),
        )
        .hint("vérifiez que le fichier existe, qu'il n'est pas ouvert dans un autre logiciel et que vous avez le droit de le lire"),
    }
}

/// Reads one file with the default size limit. `shown` is the name used in messages.
///
/// `Err` carries the one diagnostic that explains why the file could not be read at all.
pub fn read_file(path: &Path, shown: &str) -> Result<RawWorkbook, Diagnostic> {
    read_file_within(path, shown, DEFAULT_MAX_INPUT_BYTES)
}

/// Reads one file of at most `limit` bytes. `shown` is the name used in messages.
pub fn read_file_within(path: &Path, shown: &str, limit: u64) -> Result<RawWorkbook, Diagnostic> {
    let location = Location::file(shown);
    let bytes =
        read_bounded(path, limit).map_err(|problem| bytes_problem(location.clone(), problem))?;
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_string();
    read_bytes(
        bytes,
        Some(&extension),
        path.file_stem().and_then(|stem| stem.to_str()),
        shown,
    )
}

/// Reads the bytes of one file. `extension` is the one its name promises (`None`: trust the
/// content, as a fuzzer or a program handing bytes does); `stem` is its name without the
/// extension, for the hint of a wrong extension.
pub fn read_bytes(
    bytes: Vec<u8>,
    extension: Option<&str>,
    stem: Option<&str>,
    shown: &str,
) -> Result<RawWorkbook, Diagnostic> {
    let location = Location::file(shown);
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
    if let Some(extension) = extension {
        let promised = SourceFormat::from_extension(extension);
        let compatible = match promised {
            Some(SourceFormat::Xlsx | SourceFormat::Xlsm) => {
                matches!(actual, SourceFormat::Xlsx | SourceFormat::Xlsm)
            }
            Some(expected) => expected == actual,
            None => false,
        };
        if !compatible {
            let stem = stem.unwrap_or("fichier");
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

fn not_a_spreadsheet(location: Location, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E004,
        location,
        format!("ce fichier n'est pas un tableur : il ressemble à {what}"),
    )
    .hint("envoyez un classeur xlsx, xls ou ods, ou un fichier csv ; si le fichier vient d'un logiciel métier, ouvrez-le dans votre tableur et enregistrez-le au format xlsx")
}
