//! Rules across the fields of a row (a decision after its request, an amount granted
//! when aid is granted…) and across files (a request number used twice).

use super::{quoted_list, CheckedSheet, Checker, FieldSet, Record, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::fold::fold;
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

fn check_request(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    unreadable: FieldSet,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let commune = field(sheet, "commune");
    let request_date = field(sheet, "date_demande");
    let decision_date = field(sheet, "date_decision");
    let decision = field(sheet, "decision");
    let requested = field(sheet, "montant_demande");
    let granted = field(sheet, "montant_accorde");
    let persons = field(sheet, "nombre_personnes");
    let children = field(sheet, "nombre_enfants");
    let row = record.row;

    if let (Some(asked), Some(decided), Some(decision_index)) = (
        value(record, request_date).as_date(),
        value(record, decision_date).as_date(),
        decision_date,
    ) {
        if decided < asked {
            diagnostics.push(
                Diagnostic::new(
                    Code::E030,
                    sheet.cell_location(row, decision_index),
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

    let decided = match value(record, decision) {
        Value::Category(label) => Some(*label),
        _ => None,
    };
    if let Some(decided) = decided {
        let amount = value(record, granted).as_decimal();
        let place = granted
            .filter(|index| sheet.columns[*index].is_some())
            .or(decision);
        // An unreadable amount already has its own error: no second one on the same cell.
        if GRANTED.contains(&decided)
            && !unreadable.contains(granted)
            && amount.is_none_or(|amount| amount.is_zero())
        {
            if let Some(place) = place {
                diagnostics.push(
                    Diagnostic::new(
                        Code::E031,
                        sheet.cell_location(row, place),
                        format!(
                            "l'aide est « {decided} » mais aucun montant accordé n'est indiqué"
                        ),
                    )
                    .hint("indiquez le montant accordé en euros, ou corrigez la décision"),
                );
                record.rejected = true;
            }
        }
        if decided == REFUSED {
            if let (Some(amount), Some(place)) = (amount.filter(|amount| !amount.is_zero()), place)
            {
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

    if let (Some(asked), Some(given), Some(index)) = (
        value(record, requested).as_decimal(),
        value(record, granted).as_decimal(),
        granted,
    ) {
        if given > asked {
            diagnostics.push(
                Diagnostic::new(
                    Code::W002,
                    sheet.cell_location(row, index),
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

    if let (Some(total), Some(young), Some(index)) = (
        value(record, persons).as_integer(),
        value(record, children).as_integer(),
        children,
    ) {
        if young >= total {
            diagnostics.push(
                Diagnostic::new(Code::E034, sheet.cell_location(row, index), format!(
                    "{young} enfant(s) pour un foyer de {total} personne(s) : le foyer compte au moins un adulte en plus des enfants"
                ))
                .value(young.to_string())
                .hint("le nombre de personnes comprend le demandeur et les enfants"),
            );
            record.rejected = true;
        }
    }

    if let (Value::Commune(code), Some(date), Some(index)) = (
        value(record, commune),
        value(record, request_date).as_date(),
        commune,
    ) {
        if !checker.network().is_member_on(code, date) {
            diagnostics.push(not_member(
                checker,
                sheet,
                row,
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
    let name = member.map_or(code.to_string(), |member| member.nom.clone());
    let period = member.map_or(String::new(), |member| match member.sortie {
        Some(end) => format!(
            " (membre du {} au {})",
            member.adhesion.format("%d/%m/%Y"),
            end.format("%d/%m/%Y")
        ),
        None => format!(" (membre depuis le {})", member.adhesion.format("%d/%m/%Y")),
    });
    Diagnostic::new(
        Code::W003,
        sheet.cell_location(row, index),
        format!("{name} n'était pas membre du réseau {when}{period}"),
    )
    .value(code.to_string())
    .hint("vérifiez la date, ou les dates d'adhésion et de sortie dans reseau.toml")
}

fn check_indicator_row(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
    context: bool,
) {
    let schemas = checker.schemas();
    let indicator_index = field(sheet, "indicateur");
    let modality_index = field(sheet, "modalite");
    let row = record.row;
    let Some(Value::Text(code)) = indicator_index
        .and_then(|index| record.values.get(index))
        .cloned()
    else {
        return;
    };
    let Some(indicator_index) = indicator_index else {
        return;
    };
    let Some(indicator) = schemas.indicator(code.trim(), context).or_else(|| {
        let folded = fold(&code).replace(' ', "_");
        let list = if context {
            &schemas.indicators.contexte
        } else {
            &schemas.indicators.indicateurs
        };
        list.iter().find(|indicator| indicator.code == folded)
    }) else {
        let list = if context {
            &schemas.indicators.contexte
        } else {
            &schemas.indicators.indicateurs
        };
        let codes: Vec<String> = list
            .iter()
            .map(|indicator| indicator.code.clone())
            .collect();
        let hint = match super::nearest(&code, &codes) {
            Some(nearest) => format!(
                "vouliez-vous dire « {nearest} » ? indicateurs : {}",
                quoted_list(&codes)
            ),
            None => format!("indicateurs : {}", quoted_list(&codes)),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::E035,
                sheet.cell_location(row, indicator_index),
                format!("indicateur « {code} » inconnu du catalogue"),
            )
            .value(code.clone())
            .hint(hint),
        );
        record.rejected = true;
        return;
    };
    record.values[indicator_index] = Value::Text(indicator.code.clone());
    if let (Some(Value::Text(modality)), Some(modality_index)) = (
        modality_index
            .and_then(|index| record.values.get(index))
            .cloned(),
        modality_index,
    ) {
        let allowed = schemas.modalities(indicator);
        match allowed.iter().find(|label| fold(label) == fold(&modality)) {
            Some(label) => record.values[modality_index] = Value::Text(label.clone()),
            None => {
                let hint = match super::nearest(&modality, &allowed) {
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
                        sheet.cell_location(row, modality_index),
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
    if !context {
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
                    row,
                    commune_index,
                    code,
                    &format!("en {year}"),
                ));
            }
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

fn find_duplicates(
    sheets: &[CheckedSheet],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(usize, usize)> {
    let capacity = sheets.iter().map(|sheet| sheet.records.len()).sum();
    let mut seen: HashMap<UniqueKey<'_>, (usize, usize)> = HashMap::with_capacity(capacity);
    let mut duplicates = Vec::new();
    for (sheet_position, sheet) in sheets.iter().enumerate() {
        let (key_fields, code, what): ([&str; 4], Code, &'static str) =
            match sheet.schema.name.as_str() {
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
                _ => continue,
            };
        let indices = key_fields.map(|name| {
            if name.is_empty() {
                None
            } else {
                Some(sheet.schema.field_index(name))
            }
        });
        if indices.iter().flatten().any(Option::is_none) {
            continue;
        }
        let numero = sheet.schema.field_index("numero_demande");
        let request_date = sheet.schema.field_index("date_demande");
        let place_field = if what == "demande" {
            numero
        } else {
            sheet.schema.field_index("modalite")
        };
        let Some(place_field) = place_field else {
            continue;
        };
        for (record_position, record) in sheet.records.iter().enumerate() {
            let mut key: [Option<KeyPart<'_>>; 4] = [None, None, None, None];
            let mut complete = true;
            for (slot, index) in key.iter_mut().zip(indices) {
                let Some(index) = index else { continue };
                // A request is unique per commune and *year*.
                *slot = match value(record, index) {
                    Value::Missing => {
                        complete = false;
                        break;
                    }
                    Value::Date(date) if what == "demande" => Some(KeyPart::Year(date.year())),
                    other => Some(KeyPart::Value(other)),
                };
            }
            if !complete {
                continue;
            }
            match seen.entry((what, key)) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert((sheet_position, record_position));
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    // The earlier request keeps its number; the later one is the duplicate.
                    let date_of = |sheet: usize, record: usize| {
                        sheets
                            .get(sheet)
                            .and_then(|sheet| sheet.records.get(record))
                            .and_then(|record| value(record, request_date).as_date())
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
                    let (Some(kept_sheet), Some(duplicate_sheet)) =
                        (sheets.get(kept.0), sheets.get(duplicate.0))
                    else {
                        continue;
                    };
                    let (Some(kept_record), Some(duplicate_record)) = (
                        kept_sheet.records.get(kept.1),
                        duplicate_sheet.records.get(duplicate.1),
                    ) else {
                        continue;
                    };
                    let first = kept_sheet
                        .cell_location(kept_record.row, place_field)
                        .display_path();
                    let message = if what == "demande" {
                        format!(
                            "le numéro de demande « {} » est déjà utilisé pour la même commune et la même année : {first}",
                            value(duplicate_record, numero).as_text().unwrap_or_default()
                        )
                    } else {
                        format!("cette valeur (même commune, année, indicateur et modalité) est déjà saisie : {first}")
                    };
                    diagnostics.push(
                        Diagnostic::new(code, duplicate_sheet.cell_location(duplicate_record.row, place_field), message)
                            .value(value(duplicate_record, Some(place_field)).as_text().unwrap_or_default().to_string())
                            .hint(if what == "demande" {
                                "chaque demande porte un numéro unique par commune et par année : corrigez le numéro, ou supprimez la ligne en double"
                            } else {
                                "gardez une seule ligne pour chaque valeur"
                            }),
                    );
                    duplicates.push(duplicate);
                }
            }
        }
    }
    duplicates
}
