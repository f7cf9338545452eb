//! Rules across the fields of a row (a decision after its request, an amount granted
//! when aid is granted…) and across files (a request number used twice).

use super::parse::{nearest, quoted_list};
use super::{CheckedSheet, Checker, FieldSet, Record, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::fold::fold;
use crate::schema::Indicator;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

const GRANTED: &[&str] = &["Accordée", "Accordée partiellement"];
const REFUSED: &str = "Refusée";

/// Applies the rules of the sheet's schema to one typed row.
pub(super) fn check_row(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    unreadable: FieldSet,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match sheet.schema.name.as_str() {
        "demandes" => check_request(checker, sheet, record, unreadable, diagnostics),
        "grille" => check_indicator_row(checker, sheet, record, diagnostics, false),
        "contexte" => check_indicator_row(checker, sheet, record, diagnostics, true),
        "activite" => super::activity::check_activity_row(checker, sheet, record, diagnostics),
        "acteurs" => super::activity::check_actor_row(checker, sheet, record, diagnostics),
        _ => {}
    }
}

fn field(sheet: &CheckedSheet, name: &str) -> Option<usize> {
    sheet.schema.field_index(name)
}

fn value(record: &Record, index: Option<usize>) -> &Value {
    index
        .and_then(|index| record.values.get(index))
        .unwrap_or(&Value::Missing)
}

/// The fields of the `demandes` schema that its rules read.
struct RequestFields {
    commune: Option<usize>,
    request_date: Option<usize>,
    decision_date: Option<usize>,
    decision: Option<usize>,
    requested: Option<usize>,
    granted: Option<usize>,
    persons: Option<usize>,
    children: Option<usize>,
}

impl RequestFields {
    fn of(sheet: &CheckedSheet) -> Self {
        RequestFields {
            commune: field(sheet, "commune"),
            request_date: field(sheet, "date_demande"),
            decision_date: field(sheet, "date_decision"),
            decision: field(sheet, "decision"),
            requested: field(sheet, "montant_demande"),
            granted: field(sheet, "montant_accorde"),
            persons: field(sheet, "nombre_personnes"),
            children: field(sheet, "nombre_enfants"),
        }
    }
}

/// The rules of a request, in the order of their diagnostics.
fn check_request(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    unreadable: FieldSet,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let fields = RequestFields::of(sheet);
    check_decision_after_request(sheet, record, &fields, diagnostics);
    check_decision_and_amount(sheet, record, &fields, unreadable, diagnostics);
    warn_granted_over_requested(sheet, record, &fields, diagnostics);
    check_children_in_household(sheet, record, &fields, diagnostics);
    warn_not_member_on_request_date(checker, sheet, record, &fields, diagnostics);
}

/// A decision cannot be dated before its request (E030).
fn check_decision_after_request(
    sheet: &CheckedSheet,
    record: &mut Record,
    fields: &RequestFields,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let (Some(asked), Some(decided), Some(decision_index)) = (
        value(record, fields.request_date).as_date(),
        value(record, fields.decision_date).as_date(),
        fields.decision_date,
    ) {
        if decided < asked {
            diagnostics.push(
                Diagnostic::new(
                    Code::E030,
                    sheet.cell_location(record.row, decision_index),
                    format!(
                        "la décision ({}) est datée d'avant la demande ({})",
                        decided.format("%d/%m/%Y"),
                        asked.format("%d/%m/%Y")
                    ),
                )
                .value(decided.format("%d/%m/%Y").to_string())
                .hint("vérifiez les deux dates : le jour et le mois ont peut-être été inversés"),
            );
            record.rejected = true;
        }
    }
}

/// Aid granted needs an amount granted (E031), aid refused must have none (E032); both
/// are shown on the amount's cell, or on the decision's when there is no amount column.
fn check_decision_and_amount(
    sheet: &CheckedSheet,
    record: &mut Record,
    fields: &RequestFields,
    unreadable: FieldSet,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let row = record.row;
    let decided = match value(record, fields.decision) {
        Value::Category(label) => Some(*label),
        _ => None,
    };
    let Some(decided) = decided else {
        return;
    };
    let amount = value(record, fields.granted).as_decimal();
    let place = fields
        .granted
        .filter(|index| sheet.columns[*index].is_some())
        .or(fields.decision);
    // An unreadable amount already has its own error: no second one on the same cell.
    if GRANTED.contains(&decided)
        && !unreadable.contains(fields.granted)
        && amount.is_none_or(|amount| amount.is_zero())
    {
        if let Some(place) = place {
            diagnostics.push(
                Diagnostic::new(
                    Code::E031,
                    sheet.cell_location(row, place),
                    format!("l'aide est « {decided} » mais aucun montant accordé n'est indiqué"),
                )
                .hint("indiquez le montant accordé en euros, ou corrigez la décision"),
            );
            record.rejected = true;
        }
    }
    if decided == REFUSED {
        if let (Some(amount), Some(place)) = (amount.filter(|amount| !amount.is_zero()), place) {
            diagnostics.push(
                Diagnostic::new(Code::E032, sheet.cell_location(row, place), format!(
                    "la demande est refusée mais un montant accordé de {} est indiqué",
                    crate::french::french_money(amount)
                ))
                .hint("laissez le montant accordé vide (ou 0) pour une demande refusée, ou corrigez la décision"),
            );
            record.rejected = true;
        }
    }
}

/// More granted than requested is allowed, with a warning (W002).
fn warn_granted_over_requested(
    sheet: &CheckedSheet,
    record: &Record,
    fields: &RequestFields,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let (Some(asked), Some(given), Some(index)) = (
        value(record, fields.requested).as_decimal(),
        value(record, fields.granted).as_decimal(),
        fields.granted,
    ) {
        if given > asked {
            diagnostics.push(
                Diagnostic::new(
                    Code::W002,
                    sheet.cell_location(record.row, index),
                    format!(
                        "le montant accordé ({}) dépasse le montant demandé ({})",
                        crate::french::french_money(given),
                        crate::french::french_money(asked)
                    ),
                )
                .hint("vérifiez les deux montants ; si c'est voulu, rien à faire"),
            );
        }
    }
}

/// A household counts at least one adult besides its children (E034).
fn check_children_in_household(
    sheet: &CheckedSheet,
    record: &mut Record,
    fields: &RequestFields,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let (Some(total), Some(young), Some(index)) = (
        value(record, fields.persons).as_integer(),
        value(record, fields.children).as_integer(),
        fields.children,
    ) {
        if young >= total {
            diagnostics.push(
                Diagnostic::new(Code::E034, sheet.cell_location(record.row, index), format!(
                    "{young} enfant(s) pour un foyer de {total} personne(s) : le foyer compte au moins un adulte en plus des enfants"
                ))
                .value(young.to_string())
                .hint("le nombre de personnes comprend le demandeur et les enfants"),
            );
            record.rejected = true;
        }
    }
}

/// A request from a commune that was not a member on the day of the request (W003).
fn warn_not_member_on_request_date(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &Record,
    fields: &RequestFields,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let (Value::Commune(code), Some(date), Some(index)) = (
        value(record, fields.commune),
        value(record, fields.request_date).as_date(),
        fields.commune,
    ) {
        if !checker.network().is_member_on(code, date) {
            diagnostics.push(not_member(
                checker,
                sheet,
                record.row,
                index,
                code,
                &date.format("le %d/%m/%Y").to_string(),
            ));
        }
    }
}

fn not_member(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    row: u32,
    index: usize,
    code: &str,
    when: &str,
) -> Diagnostic {
    let member = checker.network().member(code);
    let name = member.map_or(code.to_string(), |member| member.name.clone());
    let period = member.map_or(String::new(), |member| match member.left {
        Some(end) => format!(
            " (membre du {} au {})",
            member.joined.format("%d/%m/%Y"),
            end.format("%d/%m/%Y")
        ),
        None => format!(" (membre depuis le {})", member.joined.format("%d/%m/%Y")),
    });
    Diagnostic::new(
        Code::W003,
        sheet.cell_location(row, index),
        format!("{name} n'était pas membre du réseau {when}{period}"),
    )
    .value(code.to_string())
    .hint("vérifiez la date, ou les dates d'adhésion et de sortie dans reseau.toml")
}

/// The rules of a grid row (`context`: false) or a context row: a known indicator, a
/// modality of that indicator (both rewritten in their canonical spelling) and, for the
/// grid, a commune that was a member at some time in the year.
fn check_indicator_row(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
    context: bool,
) {
    let Some(indicator) = resolve_indicator(checker, sheet, record, diagnostics, context) else {
        return;
    };
    check_modality(checker, sheet, record, indicator, diagnostics);
    if !context {
        warn_not_member_in_year(checker, sheet, record, diagnostics);
    }
}

/// The indicator of the row, by its code or a folded spelling of it; an unknown one
/// rejects the row (E035). `None` also when the row has no indicator to look up.
fn resolve_indicator(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
    context: bool,
) -> Option<&'static Indicator> {
    let schemas = checker.schemas();
    let indicator_index = field(sheet, "indicateur");
    let Some(Value::Text(code)) = indicator_index
        .and_then(|index| record.values.get(index))
        .cloned()
    else {
        return None;
    };
    let indicator_index = indicator_index?;
    let list = if context {
        &schemas.indicators.context
    } else {
        &schemas.indicators.indicators
    };
    let Some(indicator) = schemas.indicator(code.trim(), context).or_else(|| {
        let folded = fold(&code).replace(' ', "_");
        list.iter().find(|indicator| indicator.code == folded)
    }) else {
        let codes: Vec<String> = list
            .iter()
            .map(|indicator| indicator.code.clone())
            .collect();
        let hint = match nearest(&code, &codes) {
            Some(nearest) => format!(
                "vouliez-vous dire « {nearest} » ? indicateurs : {}",
                quoted_list(&codes)
            ),
            None => format!("indicateurs : {}", quoted_list(&codes)),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::E035,
                sheet.cell_location(record.row, indicator_index),
                format!("indicateur « {code} » inconnu du catalogue"),
            )
            .value(code.clone())
            .hint(hint),
        );
        record.rejected = true;
        return None;
    };
    record.values[indicator_index] = Value::Text(indicator.code.clone());
    Some(indicator)
}

/// The modality must be one of the indicator's (E036).
fn check_modality(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    indicator: &Indicator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let modality_index = field(sheet, "modalite");
    let (Some(Value::Text(modality)), Some(modality_index)) = (
        modality_index
            .and_then(|index| record.values.get(index))
            .cloned(),
        modality_index,
    ) else {
        return;
    };
    let allowed = checker.schemas().modalities(indicator);
    match allowed.iter().find(|label| fold(label) == fold(&modality)) {
        Some(label) => record.values[modality_index] = Value::Text(label.clone()),
        None => {
            let hint = match nearest(&modality, &allowed) {
                Some(nearest) => format!(
                    "vouliez-vous dire « {nearest} » ? modalités de {} : {}",
                    indicator.code,
                    quoted_list(&allowed)
                ),
                None => format!(
                    "modalités de {} : {}",
                    indicator.code,
                    quoted_list(&allowed)
                ),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::E036,
                    sheet.cell_location(record.row, modality_index),
                    format!(
                        "modalité « {modality} » inconnue pour l'indicateur {}",
                        indicator.code
                    ),
                )
                .value(modality.clone())
                .hint(hint),
            );
            record.rejected = true;
        }
    }
}

/// A grid value for a commune that was a member on no day of its year (W003).
fn warn_not_member_in_year(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &Record,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let commune_index = field(sheet, "commune");
    let year_index = field(sheet, "annee");
    if let (Some(Value::Commune(code)), Some(Value::Year(year)), Some(commune_index)) = (
        commune_index.and_then(|index| record.values.get(index)),
        year_index.and_then(|index| record.values.get(index)),
        commune_index,
    ) {
        let first = NaiveDate::from_ymd_opt(*year, 1, 1);
        let days = first.map(|first| {
            first
                .iter_days()
                .take_while(|day| day.year() == *year)
                .any(|day| checker.network().is_member_on(code, day))
        });
        if days == Some(false) {
            diagnostics.push(not_member(
                checker,
                sheet,
                record.row,
                commune_index,
                code,
                &format!("en {year}"),
            ));
        }
    }
}

/// One part of a uniqueness key, borrowed from the records (no copy per row).
#[derive(Debug, PartialEq, Eq, Hash)]
enum KeyPart<'a> {
    Value(&'a Value),
    Year(i32),
}

/// What must be unique: the kind of row, then up to four parts.
type UniqueKey<'a> = (&'static str, [Option<KeyPart<'a>>; 4]);

/// Rules across all the files read together: a request number used twice for the same
/// commune and year, a grid or context value given twice. The later occurrence (in the
/// order files were read) is rejected and the message names the first.
pub fn check_across_files(sheets: &mut [CheckedSheet], diagnostics: &mut Vec<Diagnostic>) {
    for (sheet_position, record_position) in find_duplicates(sheets, diagnostics) {
        if let Some(record) = sheets
            .get_mut(sheet_position)
            .and_then(|sheet| sheet.records.get_mut(record_position))
        {
            record.rejected = true;
        }
    }
}

/// What must be unique in one kind of sheet, and how a duplicate is reported.
struct Uniqueness {
    /// The fields of the key; an empty name is an unused slot.
    key_fields: [&'static str; 4],
    code: Code,
    /// The kind of row, which also keeps the keys of two kinds apart.
    what: &'static str,
}

/// The uniqueness rule of a schema, if it has one.
fn uniqueness(schema_name: &str) -> Option<Uniqueness> {
    let (key_fields, code, what) = match schema_name {
        "demandes" => (
            ["commune", "date_demande", "numero_demande", ""],
            Code::E033,
            "demande",
        ),
        "grille" => (
            ["commune", "annee", "indicateur", "modalite"],
            Code::E037,
            "grille",
        ),
        "contexte" => (
            ["commune", "millesime", "indicateur", "modalite"],
            Code::E037,
            "contexte",
        ),
        _ => return None,
    };
    Some(Uniqueness {
        key_fields,
        code,
        what,
    })
}

/// The fields of a sheet that a duplicate's message reads.
struct KeyPlaces {
    /// The field of each slot of the key (`None`: unused slot).
    indices: [Option<Option<usize>>; 4],
    /// The cell a duplicate is shown on: the request number, or the modality.
    place_field: usize,
    numero: Option<usize>,
    request_date: Option<usize>,
}

/// Where the key of `rule` is in the sheet; `None` when a field of it is missing.
fn key_places(sheet: &CheckedSheet, rule: &Uniqueness) -> Option<KeyPlaces> {
    let indices = rule.key_fields.map(|name| {
        if name.is_empty() {
            None
        } else {
            Some(sheet.schema.field_index(name))
        }
    });
    if indices.iter().flatten().any(Option::is_none) {
        return None;
    }
    let numero = sheet.schema.field_index("numero_demande");
    let request_date = sheet.schema.field_index("date_demande");
    let place_field = if rule.what == "demande" {
        numero
    } else {
        sheet.schema.field_index("modalite")
    }?;
    Some(KeyPlaces {
        indices,
        place_field,
        numero,
        request_date,
    })
}

/// The key of a record; `None` when a part of it is missing. A request is unique per
/// commune and *year*: its date counts by its year.
fn record_key<'r>(
    record: &'r Record,
    places: &KeyPlaces,
    what: &str,
) -> Option<[Option<KeyPart<'r>>; 4]> {
    let mut key: [Option<KeyPart<'_>>; 4] = [None, None, None, None];
    for (slot, index) in key.iter_mut().zip(places.indices) {
        let Some(index) = index else { continue };
        *slot = match value(record, index) {
            Value::Missing => return None,
            Value::Date(date) if what == "demande" => Some(KeyPart::Year(date.year())),
            other => Some(KeyPart::Value(other)),
        };
    }
    Some(key)
}

fn find_duplicates(
    sheets: &[CheckedSheet],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(usize, usize)> {
    let capacity = sheets.iter().map(|sheet| sheet.records.len()).sum();
    let mut seen: HashMap<UniqueKey<'_>, (usize, usize)> = HashMap::with_capacity(capacity);
    let mut duplicates = Vec::new();
    for (sheet_position, sheet) in sheets.iter().enumerate() {
        let Some(rule) = uniqueness(sheet.schema.name.as_str()) else {
            continue;
        };
        let Some(places) = key_places(sheet, &rule) else {
            continue;
        };
        for (record_position, record) in sheet.records.iter().enumerate() {
            let Some(key) = record_key(record, &places, rule.what) else {
                continue;
            };
            match seen.entry((rule.what, key)) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert((sheet_position, record_position));
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    // The earlier request keeps its number; the later one is the duplicate.
                    let date_of = |sheet: usize, record: usize| {
                        sheets
                            .get(sheet)
                            .and_then(|sheet| sheet.records.get(record))
                            .and_then(|record| value(record, places.request_date).as_date())
                    };
                    let stored = *entry.get();
                    let this = (sheet_position, record_position);
                    let (kept, duplicate) =
                        match (date_of(stored.0, stored.1), date_of(this.0, this.1)) {
                            (Some(first), Some(current)) if current < first => {
                                entry.insert(this);
                                (this, stored)
                            }
                            _ => (stored, this),
                        };
                    if let Some(diagnostic) =
                        duplicate_diagnostic(sheets, kept, duplicate, &places, &rule)
                    {
                        diagnostics.push(diagnostic);
                        duplicates.push(duplicate);
                    }
                }
            }
        }
    }
    duplicates
}

/// The diagnostic of the record at `duplicate` (sheet, record), naming the one `kept`.
fn duplicate_diagnostic(
    sheets: &[CheckedSheet],
    kept: (usize, usize),
    duplicate: (usize, usize),
    places: &KeyPlaces,
    rule: &Uniqueness,
) -> Option<Diagnostic> {
    let kept_sheet = sheets.get(kept.0)?;
    let duplicate_sheet = sheets.get(duplicate.0)?;
    let kept_record = kept_sheet.records.get(kept.1)?;
    let duplicate_record = duplicate_sheet.records.get(duplicate.1)?;
    let place_field = places.place_field;
    let first = kept_sheet
        .cell_location(kept_record.row, place_field)
        .display_path();
    let message = if rule.what == "demande" {
        format!(
            "le numéro de demande « {} » est déjà utilisé pour la même commune et la même année : {first}",
            value(duplicate_record, places.numero).as_text().unwrap_or_default()
        )
    } else {
        format!(
            "cette valeur (même commune, année, indicateur et modalité) est déjà saisie : {first}"
        )
    };
    Some(
        Diagnostic::new(rule.code, duplicate_sheet.cell_location(duplicate_record.row, place_field), message)
            .value(value(duplicate_record, Some(place_field)).as_text().unwrap_or_default().to_string())
            .hint(if rule.what == "demande" {
                "chaque demande porte un numéro unique par commune et par année : corrigez le numéro, ou supprimez la ligne en double"
            } else {
                "gardez une seule ligne pour chaque valeur"
            }),
    )
}
