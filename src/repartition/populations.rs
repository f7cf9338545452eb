//! `observatoire populations`: adds a vintage of INSEE's legal populations to
//! `reseau.toml`, for the network's members, keeping the rest of the file (comments
//! included) as the coordinator wrote it.
//!
//! INSEE publishes one row per commune, as a `;`-separated csv with coded column names
//! (the commune code in `COM` when it holds codes, `CODGEO`, or `CODDEP`/`DEP` + `CODCOM`;
//! the populations in `PMUN`, municipale, and `PTOT`, totale), or as the `ensemble.xlsx`
//! workbook of « Populations légales des communes »: a sheet per level, the « Communes »
//! one with title rows above French column titles (« Code département », « Code commune »
//! on three digits, « Population municipale », « Population totale »). Title rows above the
//! header are skipped, and the sheet with a commune code is preferred to the sheets of
//! régions or départements, which have populations too. A member missing from the file is
//! refused: a key without one of the members would put its share on the others.

use crate::diagnostic::{cell_name, Code, Diagnostic, Location};
use crate::french::number_as_text;
use crate::network::{parse_network_shown_as, Network, Population};
use crate::read::{read_bytes, RawCell, RawRow, RawSheet, RawWorkbook};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::read::HEADER_SEARCH_ROWS;

/// What `observatoire populations` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// INSEE's file (csv or xlsx).
    pub insee_file: PathBuf,
    /// The `reseau.toml` to complete.
    pub network_file: PathBuf,
    pub vintage: i32,
    pub in_force_from: NaiveDate,
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    pub diagnostics: Vec<Diagnostic>,
    /// The populations added, by member (code, name), when the file was written.
    pub added: Option<Vec<(String, String, Population)>>,
}

impl ImportReport {
    /// 0 when the vintage was added, 1 when the inputs have problems.
    pub fn exit_code(&self) -> u8 {
        if self.added.is_some() {
            0
        } else {
            1
        }
    }

    fn refused(diagnostics: Vec<Diagnostic>) -> Self {
        ImportReport {
            diagnostics,
            added: None,
        }
    }
}

/// Errors that stop the tool from working at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("le fichier « {path} » ne peut pas être lu ({cause})")]
    Read { path: String, cause: String },
    #[error("le fichier « {path} » ne peut pas être écrit ({cause})")]
    Write { path: String, cause: String },
}

/// The columns of INSEE's file.
#[derive(Debug, Default)]
struct Columns {
    codgeo: Option<usize>,
    com: Option<usize>,
    department: Option<usize>,
    codcom: Option<usize>,
    pmun: usize,
    ptot: usize,
}

/// A column title as a code: INSEE's coded names as they are, its French titles
/// (« Population municipale ») as the code they stand for.
fn header_name(cell: &RawCell) -> String {
    let RawCell::Text(text) = cell else {
        return String::new();
    };
    match crate::fold::fold(text).as_str() {
        "code commune" => "CODCOM".to_string(),
        "code departement" => "CODDEP".to_string(),
        "code geographique" => "CODGEO".to_string(),
        "population municipale" => "PMUN".to_string(),
        "population totale" => "PTOT".to_string(),
        _ => text.trim().to_ascii_uppercase(),
    }
}

impl Columns {
    fn has_commune_code(&self) -> bool {
        self.codgeo.is_some()
            || self.com.is_some()
            || (self.department.is_some() && self.codcom.is_some())
    }
}

fn find_columns(row: &RawRow) -> Option<Columns> {
    let names: Vec<String> = row.cells.iter().map(header_name).collect();
    let position = |wanted: &[&str]| {
        names
            .iter()
            .position(|name| wanted.contains(&name.as_str()))
    };
    Some(Columns {
        codgeo: position(&["CODGEO"]),
        com: position(&["COM"]),
        department: position(&["CODDEP", "DEP"]),
        codcom: position(&["CODCOM"]),
        pmun: position(&["PMUN"])?,
        ptot: position(&["PTOT"])?,
    })
}

fn cell_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Number(number) => number_as_text(*number),
        RawCell::Text(text) => text.trim().to_string(),
        _ => String::new(),
    }
}

/// A code written as a number loses its leading zero (`1001` for `01001`).
fn padded(text: &str, width: usize) -> String {
    if text.len() < width && text.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{text:0>width$}")
    } else {
        text.to_string()
    }
}

fn commune_code(columns: &Columns, row: &RawRow) -> Option<String> {
    for column in [columns.codgeo, columns.com].into_iter().flatten() {
        let code = padded(&cell_text(row.cell(column)), 5).to_ascii_uppercase();
        if crate::zones::is_insee_code(&code) {
            return Some(code);
        }
    }
    let department = padded(&cell_text(row.cell(columns.department?)), 2).to_ascii_uppercase();
    let commune = cell_text(row.cell(columns.codcom?));
    let code = if department.len() == 3 {
        format!("{department}{}", padded(&commune, 2))
    } else {
        format!("{department}{}", padded(&commune, 3))
    };
    crate::zones::is_insee_code(&code).then_some(code)
}

fn population(cell: &RawCell) -> Option<u64> {
    match cell {
        RawCell::Number(number)
            if number.is_finite() && *number >= 0.0 && number.fract() == 0.0 =>
        {
            number_as_text(*number).parse().ok()
        }
        RawCell::Text(text) => text
            .chars()
            .filter(|character| !character.is_whitespace() && *character != '\u{202f}')
            .collect::<String>()
            .parse()
            .ok(),
        _ => None,
    }
}

/// The first sheet with a `PMUN` and `PTOT` header and a commune code (else the first
/// with the populations alone, for the message), its header row and columns.
fn find_table(sheets: &[RawSheet]) -> Option<(&RawSheet, usize, Columns)> {
    let mut tables: Vec<(&RawSheet, usize, Columns)> = sheets
        .iter()
        .filter_map(|sheet| {
            sheet
                .rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .enumerate()
                .find_map(|(position, row)| find_columns(row).map(|columns| (position, columns)))
                .map(|(position, columns)| (sheet, position, columns))
        })
        .collect();
    let best = tables
        .iter()
        .position(|(_, _, columns)| columns.has_commune_code())
        .unwrap_or(0);
    (!tables.is_empty()).then(|| tables.swap_remove(best))
}

/// The members that need a population in a vintage coming into force on `en_vigueur`: all
/// but those gone before the year whose call could still use it (a call for year N-1 may
/// be made after 1 January N).
fn members_needed(network: &Network, en_vigueur: NaiveDate) -> Vec<(&str, &str)> {
    let mut members: Vec<(&str, &str)> = network
        .members
        .iter()
        .filter(|member| {
            member
                .left
                .is_none_or(|sortie| sortie.year() >= en_vigueur.year() - 1)
        })
        .map(|member| (member.code.as_str(), member.name.as_str()))
        .collect();
    members.sort();
    members
}

/// Why an import stops before writing: a refusal with its diagnostics (exit code 1), or a
/// file the tool cannot read or write (exit code 2).
enum Stop {
    Refused(Vec<Diagnostic>),
    Failed(ImportError),
}

impl From<ImportError> for Stop {
    fn from(error: ImportError) -> Self {
        Stop::Failed(error)
    }
}

/// The populations added, by member (code, name).
type Added = Vec<(String, String, Population)>;

/// Reads INSEE's file and adds the vintage to `reseau.toml`; refuses (with located
/// diagnostics, writing nothing) when a member is missing or a value is unreadable.
pub fn import_populations(options: &ImportOptions) -> Result<ImportReport, ImportError> {
    match import(options) {
        Ok(added) => Ok(ImportReport {
            diagnostics: Vec::new(),
            added: Some(added),
        }),
        Err(Stop::Refused(diagnostics)) => Ok(ImportReport::refused(diagnostics)),
        Err(Stop::Failed(error)) => Err(error),
    }
}

/// The steps of an import, each of which may stop it: read the network, refuse a vintage
/// already there, read INSEE's table, read each member's populations, write the file.
fn import(options: &ImportOptions) -> Result<Added, Stop> {
    let network_shown = options.network_file.to_string_lossy().into_owned();
    let insee_shown = options.insee_file.to_string_lossy().into_owned();
    let (network, text) = read_network(options, &network_shown)?;
    refuse_existing_vintage(&network, &text, options.vintage, &network_shown)?;
    let workbook = read_insee_file(options, &insee_shown)?;
    let (sheet, header_position, columns) = insee_table(&workbook.sheets, &insee_shown)?;
    let needed = members_needed(&network, options.in_force_from);
    let added = member_populations(&needed, sheet, header_position, &columns, &insee_shown)?;
    write_vintage(&text, options, &added, network_shown)?;
    Ok(added)
}

/// The network of `reseau.toml`, with the text it was read from.
fn read_network(options: &ImportOptions, network_shown: &str) -> Result<(Network, String), Stop> {
    let bytes =
        crate::read::read_bounded(&options.network_file, crate::read::DEFAULT_MAX_INPUT_BYTES)
            .map_err(|problem| ImportError::Read {
                path: network_shown.to_string(),
                cause: problem.cause_in_french(),
            })?;
    let text = crate::read::decode_text(&bytes);
    match parse_network_shown_as(&text, network_shown) {
        Ok(network) => Ok((network, text)),
        Err(problems) => Err(Stop::Refused(problems)),
    }
}

/// A vintage is added once: one already in the file is refused, at its line.
fn refuse_existing_vintage(
    network: &Network,
    text: &str,
    millesime: i32,
    network_shown: &str,
) -> Result<(), Stop> {
    let Some(existing) = network
        .populations
        .iter()
        .find(|vintage| vintage.vintage == millesime)
    else {
        return Ok(());
    };
    let network_text = super::NetworkText {
        shown: network_shown.to_string(),
        text: text.to_string(),
    };
    let mut location = Location::file(network_shown);
    location.row = network_text
        .vintage_values_line(existing.vintage)
        .and_then(|line| u32::try_from(line).ok());
    Err(Stop::Refused(vec![Diagnostic::new(
        Code::E040,
        location,
        format!("le millésime {millesime} est déjà dans reseau.toml"),
    )
    .hint("supprimez le bloc [[populations]] de ce millésime pour le remplacer, ou vérifiez --millesime")]))
}

/// INSEE's file, read as a workbook whatever its format.
fn read_insee_file(options: &ImportOptions, insee_shown: &str) -> Result<RawWorkbook, Stop> {
    let bytes =
        crate::read::read_bounded(&options.insee_file, crate::read::DEFAULT_MAX_INPUT_BYTES)
            .map_err(|problem| ImportError::Read {
                path: insee_shown.to_string(),
                cause: problem.cause_in_french(),
            })?;
    let path = &options.insee_file;
    read_bytes(
        bytes,
        Some(
            path.extension()
                .and_then(|extension| extension.to_str())
                .unwrap_or_default(),
        ),
        path.file_stem().and_then(|stem| stem.to_str()),
        insee_shown,
    )
    .map_err(|diagnostic| Stop::Refused(vec![diagnostic]))
}

/// The sheet of populations by commune, its header row and columns; refused without
/// one, or when its commune code column is missing.
fn insee_table<'w>(
    sheets: &'w [RawSheet],
    insee_shown: &str,
) -> Result<(&'w RawSheet, usize, Columns), Stop> {
    let Some((sheet, header_position, columns)) = find_table(sheets) else {
        return Err(Stop::Refused(vec![Diagnostic::new(
            Code::E055,
            Location::file(insee_shown),
            "aucune feuille n'a les colonnes des populations légales de l'Insee (PMUN et PTOT, ou « Population municipale » et « Population totale »)",
        )
        .hint("utilisez le fichier des populations légales des communes publié par l'Insee : le csv (colonnes COM ou CODGEO, ou CODDEP et CODCOM, puis PMUN et PTOT) ou le classeur ensemble.xlsx (feuille « Communes »)")]));
    };
    if !columns.has_commune_code() {
        return Err(Stop::Refused(vec![Diagnostic::new(
            Code::E055,
            Location::file(insee_shown).with_sheet(sheet.name.as_deref()),
            "la colonne du code commune manque (COM, CODGEO, ou CODDEP et CODCOM)",
        )]));
    }
    Ok((sheet, header_position, columns))
}

/// The populations of each member `needed`, from its first row in the table; refused
/// with every member missing and every value unreadable, in the order of the members.
fn member_populations(
    needed: &[(&str, &str)],
    sheet: &RawSheet,
    header_position: usize,
    columns: &Columns,
    insee_shown: &str,
) -> Result<Added, Stop> {
    let mut found: BTreeMap<String, &RawRow> = BTreeMap::new();
    for row in sheet.rows.iter().skip(header_position + 1) {
        if let Some(code) = commune_code(columns, row) {
            if needed.iter().any(|(member, _)| *member == code) {
                found.entry(code).or_insert(row);
            }
        }
    }
    let mut diagnostics = Vec::new();
    let mut added = Vec::new();
    for (code, nom) in needed {
        let Some(row) = found.get(*code) else {
            diagnostics.push(
                Diagnostic::new(
                    Code::E055,
                    Location::file(insee_shown).with_sheet(sheet.name.as_deref()),
                    format!("{nom} ({code}), membre du réseau, est absente du fichier"),
                )
                .hint("le fichier doit couvrir toutes les communes du réseau : prenez le fichier national (ou départemental) complet de l'Insee"),
            );
            continue;
        };
        let mut read = |column: usize, what: &str| {
            let cell = row.cell(column);
            let value = population(cell);
            if value.is_none() {
                let mut location = Location::file(insee_shown).with_sheet(sheet.name.as_deref());
                location.row = Some(row.index + 1);
                location.cell = u32::try_from(column)
                    .ok()
                    .map(|column| cell_name(row.index, column));
                location.header = Some(what.to_string());
                diagnostics.push(
                    Diagnostic::new(
                        Code::E055,
                        location,
                        format!("la population {what} de {nom} ({code}) n'est pas un nombre entier d'habitants"),
                    )
                    .value(cell.shown()),
                );
            }
            value
        };
        let municipale = read(columns.pmun, "PMUN");
        let totale = read(columns.ptot, "PTOT");
        if let (Some(municipale), Some(totale)) = (municipale, totale) {
            added.push((
                (*code).to_string(),
                (*nom).to_string(),
                Population {
                    municipal: municipale,
                    total: totale,
                },
            ));
        }
    }
    if diagnostics.is_empty() {
        Ok(added)
    } else {
        Err(Stop::Refused(diagnostics))
    }
}

/// Writes `reseau.toml` with the vintage added, once the new text reads back as a valid
/// network.
fn write_vintage(
    text: &str,
    options: &ImportOptions,
    added: &[(String, String, Population)],
    network_shown: String,
) -> Result<(), Stop> {
    let new_text = add_vintage(text, options, added)
        .map_err(|diagnostic| Stop::Refused(vec![diagnostic.at(&network_shown)]))?;
    if let Err(problems) = parse_network_shown_as(&new_text, &network_shown) {
        return Err(Stop::Refused(problems));
    }
    crate::output::write_atomically(&options.network_file, new_text.as_bytes()).map_err(
        |error| ImportError::Write {
            path: network_shown,
            cause: crate::output::io_error_in_french(&error),
        },
    )?;
    Ok(())
}

/// A problem editing the file, before its location is known.
struct EditProblem(String);

impl EditProblem {
    fn at(self, shown: &str) -> Diagnostic {
        Diagnostic::new(Code::E040, Location::file(shown), self.0)
    }
}

/// The text of `reseau.toml` with one more `[[populations]]` block at the end.
fn add_vintage(
    text: &str,
    options: &ImportOptions,
    added: &[(String, String, Population)],
) -> Result<String, EditProblem> {
    use toml_edit::{value, ArrayOfTables, DocumentMut, InlineTable, Item, Table};
    let mut document: DocumentMut = text.parse().map_err(|error: toml_edit::TomlError| {
        EditProblem(format!("reseau.toml ne peut pas être relu ({error})"))
    })?;
    let date = toml_edit::Date {
        year: u16::try_from(options.in_force_from.year())
            .map_err(|_| EditProblem("année d'entrée en vigueur invalide".to_string()))?,
        month: u8::try_from(options.in_force_from.month()).unwrap_or(1),
        day: u8::try_from(options.in_force_from.day()).unwrap_or(1),
    };
    let mut vintage = Table::new();
    vintage.insert("millesime", value(i64::from(options.vintage)));
    vintage.insert(
        "en_vigueur",
        value(toml_edit::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }),
    );
    vintage.insert(
        "source",
        value(format!("Insee, populations légales {}", options.vintage)),
    );
    let mut values = Table::new();
    for (code, _, population) in added {
        let mut figures = InlineTable::new();
        figures.insert(
            "municipale",
            i64::try_from(population.municipal)
                .unwrap_or(i64::MAX)
                .into(),
        );
        figures.insert(
            "totale",
            i64::try_from(population.total).unwrap_or(i64::MAX).into(),
        );
        values.insert(code, Item::Value(toml_edit::Value::InlineTable(figures)));
    }
    vintage.insert("valeurs", Item::Table(values));
    match document.get_mut("populations") {
        Some(Item::ArrayOfTables(vintages)) => vintages.push(vintage),
        Some(_) => {
            return Err(EditProblem(
                "populations n'est pas une suite de blocs [[populations]]".to_string(),
            ))
        }
        None => {
            let mut vintages = ArrayOfTables::new();
            vintages.push(vintage);
            document.insert("populations", Item::ArrayOfTables(vintages));
        }
    }
    let mut out = document.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}
