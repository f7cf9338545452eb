//! `observatoire contexte`: the census context of the network, read from INSEE's communal
//! census bases instead of typed by hand, written as the `contexte` table that `rapport`
//! reads.
//!
//! INSEE's bases carry weighted estimates with decimals, under variables prefixed by the
//! vintage (`P21_POP1529`, `C21_MENPSEUL`). Our age bands and household types are sums
//! and differences of them ([`formula`]); the exact values are added first (bands, « Autre
//! ménage », the reference zones), and each result is then rounded to the unit, half away
//! from zero. Every member gets its rows, or nothing is written. The carrier's département
//! (`D44`) is summed over every commune of that département in the files, and France
//! (`FRANCE`) over every row when the files are national (they cover every metropolitan
//! département).

mod source;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::network::{parse_network_shown_as, Network};
use crate::zones;
use rust_decimal::{Decimal, RoundingStrategy};
use source::{Census, FoundValue};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

/// One INSEE variable without its vintage: `P` + `POP1529` is `P21_POP1529` in 2021.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variable {
    /// `P` (principal exploitation) or `C` (complementary exploitation).
    pub family: &'static str,
    pub name: &'static str,
}

impl Variable {
    const fn new(family: &'static str, name: &'static str) -> Variable {
        Variable { family, name }
    }

    /// The column name in a vintage's files: `P21_POP1529`.
    pub fn column(self, millesime: i32) -> String {
        format!(
            "{}{:02}_{}",
            self.family,
            millesime.rem_euclid(100),
            self.name
        )
    }
}

const POP: Variable = Variable::new("P", "POP");
const POP1529: Variable = Variable::new("P", "POP1529");
const POP3044: Variable = Variable::new("P", "POP3044");
const POP4559: Variable = Variable::new("P", "POP4559");
const POP6074: Variable = Variable::new("P", "POP6074");
const POP7589: Variable = Variable::new("P", "POP7589");
const POP90P: Variable = Variable::new("P", "POP90P");
const MEN: Variable = Variable::new("C", "MEN");
const MENPSEUL: Variable = Variable::new("C", "MENPSEUL");
const MENCOUPSENF: Variable = Variable::new("C", "MENCOUPSENF");
const MENCOUPAENF: Variable = Variable::new("C", "MENCOUPAENF");
const MENFAMMONO: Variable = Variable::new("C", "MENFAMMONO");

/// Every variable the context needs.
pub const VARIABLES: &[Variable] = &[
    POP,
    POP1529,
    POP3044,
    POP4559,
    POP6074,
    POP7589,
    POP90P,
    MEN,
    MENPSEUL,
    MENCOUPSENF,
    MENCOUPAENF,
    MENFAMMONO,
];

/// How one of our figures follows from INSEE's variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub plus: &'static [Variable],
    pub minus: &'static [Variable],
}

/// The formula of an indicator's modality (labels as in `schemas/demandes.json`).
/// Requesters are adults: « Moins de 30 ans » is compared with the 15–29 year-olds.
pub fn formula(indicator: &str, modality: &str) -> Option<Formula> {
    let sum = |plus: &'static [Variable]| Some(Formula { plus, minus: &[] });
    match (indicator, modality) {
        ("population", _) => sum(&[POP]),
        ("menages", _) => sum(&[MEN]),
        ("population_par_tranche_age", "Moins de 30 ans") => sum(&[POP1529]),
        ("population_par_tranche_age", "30-44 ans") => sum(&[POP3044]),
        ("population_par_tranche_age", "45-59 ans") => sum(&[POP4559]),
        ("population_par_tranche_age", "60-74 ans") => sum(&[POP6074]),
        ("population_par_tranche_age", "75 ans et plus") => sum(&[POP7589, POP90P]),
        ("menages_par_composition_foyer", "Personne seule") => sum(&[MENPSEUL]),
        ("menages_par_composition_foyer", "Couple sans enfant") => sum(&[MENCOUPSENF]),
        ("menages_par_composition_foyer", "Couple avec enfant(s)") => sum(&[MENCOUPAENF]),
        ("menages_par_composition_foyer", "Famille monoparentale") => sum(&[MENFAMMONO]),
        ("menages_par_composition_foyer", "Autre ménage") => Some(Formula {
            plus: &[MEN],
            minus: &[MENPSEUL, MENCOUPSENF, MENCOUPAENF, MENFAMMONO],
        }),
        _ => None,
    }
}

/// What `observatoire contexte` is asked to do.
#[derive(Debug, Clone)]
pub struct ContextOptions {
    /// INSEE's files (csv, xlsx or zip), as given.
    pub files: Vec<PathBuf>,
    /// The data folder: its `reseau.toml` names the members, and the context is written
    /// in its `contexte/` folder.
    pub folder: PathBuf,
    /// The census vintage (e.g. 2021).
    pub vintage: i32,
}

/// One zone written: a member, the département or France.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenZone {
    pub code: String,
    pub name: String,
    /// Population and households, rounded.
    pub population: Decimal,
    pub households: Decimal,
    /// For a reference zone, the number of communes summed.
    pub communes: Option<usize>,
}

/// What an import did.
#[derive(Debug)]
pub struct ContextReport {
    pub diagnostics: Vec<Diagnostic>,
    /// The file written and its zones, when it was written.
    pub written: Option<(PathBuf, Vec<WrittenZone>)>,
    /// Rows of communes read in the files.
    pub rows_read: usize,
    /// Municipal districts left out (their commune's row counts them).
    pub districts_skipped: usize,
    /// Rows left out because their CODGEO is not a commune code.
    pub rows_without_code: usize,
}

impl ContextReport {
    /// 0 when the context was written, 1 when the files have problems.
    pub fn exit_code(&self) -> u8 {
        if self.written.is_some() {
            0
        } else {
            1
        }
    }
}

/// Errors that stop the tool from working at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("le fichier « {path} » ne peut pas être lu ({cause})")]
    Read { path: String, cause: String },
    #[error("le fichier « {path} » ne peut pas être écrit ({cause})")]
    Write { path: String, cause: String },
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// The name of the file written for a vintage.
pub fn output_name(millesime: i32) -> String {
    format!("contexte-insee-{millesime}.xlsx")
}

/// A value of INSEE's files: a decimal number with a point (or a comma once re-saved by
/// a French spreadsheet). `None` for « s », an empty cell or anything else.
fn parse_value(text: &str) -> Option<Decimal> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|character| !matches!(character, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|character| if character == ',' { '.' } else { character })
        .collect();
    let value = Decimal::from_str(&compact)
        .or_else(|_| Decimal::from_scientific(&compact))
        .ok()?;
    (!value.is_sign_negative()).then_some(value)
}

/// Half away from zero, to the unit.
fn rounded(value: Decimal) -> Decimal {
    let mut unit = value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    unit.rescale(0);
    unit.max(Decimal::ZERO)
}

fn load_network(options: &ContextOptions) -> Result<(Network, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = options.folder.join(crate::network::NETWORK_FILE);
    let shown = path.to_string_lossy().into_owned();
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok((
            Network::default_network(),
            vec![Diagnostic::new(
                Code::N003,
                Location::file(&shown),
                "pas de reseau.toml dans le dossier : les six communes du réseau par défaut sont utilisées",
            )],
        ));
    }
    // Bounded like every read of a user's file: a reseau.toml that is a pipe or a huge
    // file is refused with its reason, never read without end.
    let bytes = crate::read::read_bounded(&path, crate::read::DEFAULT_MAX_INPUT_BYTES)
        .map_err(|problem| vec![crate::read::bytes_problem(Location::file(&shown), problem)])?;
    let text = crate::read::decode_text(&bytes);
    parse_network_shown_as(&text, &shown).map(|network| (network, Vec::new()))
}

/// Sums exact values of a set of communes, reporting each unreadable one.
struct Summer<'a> {
    census: &'a Census,
    millesime: i32,
    /// Unreadable cells, reported once each.
    reported: BTreeSet<(usize, u32, u32)>,
    diagnostics: Vec<Diagnostic>,
}

impl Summer<'_> {
    fn value(&mut self, commune: &str, variable: Variable) -> Option<Decimal> {
        let found: &FoundValue = self.census.communes.get(commune)?.get(&variable)?;
        if let Some(value) = parse_value(&found.text) {
            return Some(value);
        }
        if self
            .reported
            .insert((found.origin, found.row, found.column))
        {
            let mut location = self.census.origins[found.origin].clone();
            location.row = Some(found.row + 1);
            location.cell = Some(crate::diagnostic::cell_name(found.row, found.column));
            location.header = Some(variable.column(self.millesime));
            let masked =
                found.text.trim().is_empty() || found.text.trim().eq_ignore_ascii_case("s");
            let message = if masked {
                format!(
                    "la valeur {} de la commune {commune} est masquée par l'Insee (secret statistique) : elle n'est jamais lue comme 0",
                    variable.column(self.millesime)
                )
            } else {
                format!(
                    "la valeur {} de la commune {commune} n'est pas un nombre positif",
                    variable.column(self.millesime)
                )
            };
            self.diagnostics.push(
                Diagnostic::new(Code::E057, location, message)
                    .value(found.text.clone())
                    .hint("téléchargez à nouveau le fichier sur insee.fr sans le modifier ; si l'Insee masque cette commune, la zone qui la contient ne peut pas être calculée"),
            );
        }
        None
    }

    /// The exact value of a formula over communes; `None` if any value is unreadable.
    fn sum(&mut self, communes: &[&str], formula: Formula) -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        let mut readable = true;
        for commune in communes {
            for variable in formula.plus {
                match self.value(commune, *variable) {
                    Some(value) => total += value,
                    None => readable = false,
                }
            }
            for variable in formula.minus {
                match self.value(commune, *variable) {
                    Some(value) => total -= value,
                    None => readable = false,
                }
            }
        }
        readable.then_some(total)
    }
}

/// One zone to write: its code, name, and the communes it sums.
struct Zone<'a> {
    code: String,
    name: String,
    communes: Vec<&'a str>,
    is_reference: bool,
}

/// Reads INSEE's files and writes `contexte/contexte-insee-N.xlsx` in the data folder;
/// refuses (with located diagnostics, writing nothing) when a file, a variable, a value
/// or a member is missing.
pub fn import_context(options: &ContextOptions) -> Result<ContextReport, ContextError> {
    let schemas =
        crate::schema::schemas().map_err(|error| ContextError::Internal(error.to_string()))?;
    let (network, mut diagnostics) = match load_network(options) {
        Ok(loaded) => loaded,
        Err(diagnostics) => return Ok(ContextReport::refused(diagnostics, &Census::default())),
    };
    let census = read_census(options, &mut diagnostics)?;
    let files_shown = options
        .files
        .iter()
        .map(|path| path.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(ContextReport::refused(diagnostics, &census));
    }
    diagnostics.extend(missing_variables(&census, options.vintage, &files_shown));
    let mut members: Vec<(&str, &str)> = network
        .members
        .iter()
        .map(|member| (member.code.as_str(), member.name.as_str()))
        .collect();
    members.dedup();
    diagnostics.extend(missing_members(&members, &census, &files_shown));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(ContextReport::refused(diagnostics, &census));
    }

    let zones_to_write = zones_to_write(&members, &network, &census);
    let mut summed = sum_zones(schemas, &census, options.vintage, &zones_to_write)?;
    diagnostics.append(&mut summed.diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(ContextReport::refused(diagnostics, &census));
    }

    let path = write_context(options, &summed.rows)?;
    Ok(ContextReport {
        diagnostics,
        written: Some((path, summed.written_zones)),
        rows_read: census.rows_read,
        districts_skipped: census.districts_skipped,
        rows_without_code: census.rows_without_code,
    })
}

impl ContextReport {
    /// The report of an import that wrote nothing, with what was read so far.
    fn refused(diagnostics: Vec<Diagnostic>, census: &Census) -> ContextReport {
        ContextReport {
            diagnostics,
            written: None,
            rows_read: census.rows_read,
            districts_skipped: census.districts_skipped,
            rows_without_code: census.rows_without_code,
        }
    }
}

/// Reads every given file into one census, in the order given; a file that cannot be
/// read at all stops the import, a problem inside a file becomes a diagnostic.
fn read_census(
    options: &ContextOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Census, ContextError> {
    let mut census = Census::default();
    for path in &options.files {
        let shown = path.to_string_lossy().into_owned();
        source::read_census_file(path, &shown, options.vintage, &mut census, diagnostics).map_err(
            |error| ContextError::Read {
                path: shown.clone(),
                cause: crate::output::io_error_in_french(&error).to_string(),
            },
        )?;
    }
    Ok(census)
}

/// One E056 per base (`P` then `C`) whose variables are not all in the files, naming
/// the INSEE file to add.
fn missing_variables(census: &Census, millesime: i32, files_shown: &str) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for family in ["P", "C"] {
        let missing: Vec<String> = VARIABLES
            .iter()
            .filter(|variable| variable.family == family && !census.found.contains(variable))
            .map(|variable| variable.column(millesime))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let (what, base) = if family == "P" {
            (
                "de la structure de la population par âge",
                "base-cc-evol-struct-pop",
            )
        } else {
            (
                "des ménages selon leur composition",
                "base-cc-coupl-fam-men",
            )
        };
        diagnostics.push(
            Diagnostic::new(
                Code::E056,
                Location::file(files_shown),
                format!("les variables {what} manquent : {}", missing.join(", ")),
            )
            .hint(format!(
                "ajoutez le fichier {base}-{millesime} de l'Insee (ou le dossier complet, qui contient les deux bases)"
            )),
        );
    }
    diagnostics
}

/// One E058 per member of the network that has no row in the files.
fn missing_members(
    members: &[(&str, &str)],
    census: &Census,
    files_shown: &str,
) -> Vec<Diagnostic> {
    members
        .iter()
        .filter(|(code, _)| !census.communes.contains_key(*code))
        .map(|(code, name)| {
            Diagnostic::new(
                Code::E058,
                Location::file(files_shown),
                format!("{name} ({code}), membre du réseau, est absente des fichiers du recensement"),
            )
            .hint("prenez le fichier national ou celui du département de la commune ; une commune nouvelle (fusion) a le code de l'année du recensement")
        })
        .collect()
}

/// The zones written, in their order: each member, then the carrier's département (over
/// every commune of it in the files), then France when every metropolitan département is
/// in the files.
fn zones_to_write<'a>(
    members: &[(&'a str, &str)],
    network: &Network,
    census: &'a Census,
) -> Vec<Zone<'a>> {
    let mut zones_to_write: Vec<Zone> = members
        .iter()
        .map(|(code, name)| Zone {
            code: (*code).to_string(),
            name: (*name).to_string(),
            communes: vec![*code],
            is_reference: false,
        })
        .collect();
    if let Some(department) = zones::department_of(&network.carrier) {
        let communes: Vec<&str> = census
            .communes
            .keys()
            .filter(|code| zones::department_of(code) == Some(department))
            .map(String::as_str)
            .collect();
        zones_to_write.push(Zone {
            code: zones::department_zone(department),
            name: zones::department_name(department)
                .unwrap_or(department)
                .to_string(),
            communes,
            is_reference: true,
        });
    }
    let metropolitan: BTreeSet<&str> = census
        .communes
        .keys()
        .filter_map(|code| zones::department_of(code))
        .filter(|department| zones::is_metropolitan(department))
        .collect();
    if metropolitan.len() == zones::METROPOLITAN_DEPARTMENTS {
        zones_to_write.push(Zone {
            code: zones::FRANCE.to_string(),
            name: "France".to_string(),
            communes: census.communes.keys().map(String::as_str).collect(),
            is_reference: true,
        });
    }
    zones_to_write
}

/// The rows of every zone, with the problems met while summing them.
struct SummedZones {
    rows: Vec<ContextRow>,
    written_zones: Vec<WrittenZone>,
    /// Unreadable values (E057), each reported once.
    diagnostics: Vec<Diagnostic>,
}

/// Sums each zone's communes for every modality of the context indicators; a modality
/// with an unreadable value is left out of its zone (and reported).
fn sum_zones(
    schemas: &crate::schema::SchemaSet,
    census: &Census,
    millesime: i32,
    zones_to_write: &[Zone],
) -> Result<SummedZones, ContextError> {
    let mut summer = Summer {
        census,
        millesime,
        reported: BTreeSet::new(),
        diagnostics: Vec::new(),
    };
    let mut rows: Vec<ContextRow> = Vec::new();
    let mut written_zones = Vec::new();
    for zone in zones_to_write {
        let mut totals = BTreeMap::new();
        for indicator in &schemas.indicators.context {
            for modality in schemas.modalities(indicator) {
                let formula = formula(&indicator.code, &modality).ok_or_else(|| {
                    ContextError::Internal(format!(
                        "aucune variable de l'Insee ne correspond à « {modality} » ({})",
                        indicator.code
                    ))
                })?;
                let Some(exact) = summer.sum(&zone.communes, formula) else {
                    continue;
                };
                let value = rounded(exact);
                totals.insert(indicator.code.clone(), value);
                rows.push(ContextRow {
                    commune: zone.code.clone(),
                    indicator: indicator.code.clone(),
                    modality,
                    value,
                });
            }
        }
        written_zones.push(WrittenZone {
            code: zone.code.clone(),
            name: zone.name.clone(),
            population: totals.get("population").copied().unwrap_or_default(),
            households: totals.get("menages").copied().unwrap_or_default(),
            communes: zone.is_reference.then_some(zone.communes.len()),
        });
    }
    Ok(SummedZones {
        rows,
        written_zones,
        diagnostics: summer.diagnostics,
    })
}

/// Writes the workbook in the data folder's `contexte/`, atomically; returns its path.
fn write_context(options: &ContextOptions, rows: &[ContextRow]) -> Result<PathBuf, ContextError> {
    let folder = options.folder.join("contexte");
    let path = folder.join(output_name(options.vintage));
    let shown = path.to_string_lossy().into_owned();
    let bytes = write_workbook(rows, options.vintage)
        .map_err(|error| ContextError::Internal(error.to_string()))?;
    std::fs::create_dir_all(&folder)
        .and_then(|()| crate::output::write_atomically(&path, &bytes))
        .map_err(|error| ContextError::Write {
            path: shown,
            cause: crate::output::io_error_in_french(&error).to_string(),
        })?;
    Ok(path)
}

/// One row of the `contexte` table.
struct ContextRow {
    commune: String,
    indicator: String,
    modality: String,
    value: Decimal,
}

/// The source line written above the table (and shown in the report's method).
pub fn source_note(millesime: i32) -> String {
    format!(
        "Source : Insee, recensement de la population {millesime}, bases communales (« Évolution et structure de la population », « Couples - Familles - Ménages »). Valeurs arrondies à l'unité (au plus proche, la moitié vers le haut) après addition des valeurs exactes de l'Insee, qui sont des estimations pondérées."
    )
}

fn write_workbook(
    rows: &[ContextRow],
    millesime: i32,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_decimal::prelude::ToPrimitive;
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    // 1 January 2000, the fixed day this file has always carried: a census file written
    // again from the same bases keeps its bytes.
    let created =
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(crate::output::XLSX_CREATED);
    workbook.set_properties(&crate::output::xlsx_properties(
        Some(&format!(
            "Contexte sociodémographique – recensement {millesime}"
        )),
        None,
        created,
    )?);
    let bold = Format::new().set_bold();
    let integer = Format::new().set_num_format("#,##0");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Contexte")?;
    sheet.write_string_with_format(
        0,
        0,
        format!("Recensement de la population {millesime} de l'Insee – contexte des communes du réseau et zones de référence"),
        &bold,
    )?;
    sheet.write_string(1, 0, source_note(millesime))?;
    let header_row = 3;
    for (column, title) in ["Commune", "Millésime", "Indicateur", "Modalité", "Valeur"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(header_row, column as u16, *title, &bold)?;
    }
    for (position, row) in rows.iter().enumerate() {
        let line = header_row + 1 + u32::try_from(position).unwrap_or(u32::MAX - header_row - 1);
        sheet.write_string(line, 0, &row.commune)?;
        sheet.write_number(line, 1, f64::from(millesime))?;
        sheet.write_string(line, 2, &row.indicator)?;
        sheet.write_string(line, 3, &row.modality)?;
        sheet.write_number_with_format(
            line,
            4,
            row.value.to_f64().unwrap_or_default(),
            &integer,
        )?;
    }
    sheet.set_column_width(0, 10)?;
    sheet.set_column_width(2, 32)?;
    sheet.set_column_width(3, 24)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_exactly_and_masks_never_as_zero() {
        assert_eq!(parse_value("1234.5678"), Some(Decimal::new(12345678, 4)));
        assert_eq!(parse_value("1 234,5"), Some(Decimal::new(12345, 1)));
        assert_eq!(parse_value("s"), None);
        assert_eq!(parse_value(""), None);
        assert_eq!(parse_value("-3"), None);
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_the_unit() {
        assert_eq!(rounded(Decimal::new(25, 1)), Decimal::from(3));
        assert_eq!(rounded(Decimal::new(249999, 5)), Decimal::from(2));
        assert_eq!(rounded(Decimal::new(-1, 6)), Decimal::ZERO);
    }

    #[test]
    fn every_catalogue_modality_has_a_formula() {
        let schemas = crate::schema::schemas().expect("schemas");
        for indicator in &schemas.indicators.context {
            for modality in schemas.modalities(indicator) {
                assert!(
                    formula(&indicator.code, &modality).is_some(),
                    "{} / {modality}",
                    indicator.code
                );
            }
        }
    }

    #[test]
    fn columns_carry_the_vintage_prefix() {
        assert_eq!(POP1529.column(2021), "P21_POP1529");
        assert_eq!(MENPSEUL.column(2021), "C21_MENPSEUL");
    }
}
