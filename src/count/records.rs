//! The accepted rows of the checked sheets, as plain structs the indicators are counted
//! from: requests (`demandes`), grid rows (`grille`) and census rows (`contexte`).
//!
//! Rows flagged as rejected by the checks never get here: the report counts them apart.

use crate::check::{CheckedSheet, Value};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The modality given to a request whose categorical field was left empty, so that the
/// modalities of a breakdown always add up to the number of requests.
pub const NOT_GIVEN: &str = "Non renseigné";

/// One accepted request of the shared form, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// INSEE code of the receiving CCAS.
    pub commune: String,
    /// Year of `date_demande`.
    pub year: i32,
    pub number: String,
    pub date: NaiveDate,
    pub household_pseudonym: String,
    /// Each categorical field of the schema, by field name, as its canonical label
    /// ([`NOT_GIVEN`] when empty).
    pub categories: BTreeMap<String, String>,
    pub persons: Option<i64>,
    pub children: Option<i64>,
    pub monthly_resources: Option<Decimal>,
    pub monthly_charges: Option<Decimal>,
    pub amount_requested: Option<Decimal>,
    pub amount_granted: Option<Decimal>,
    pub decision_date: Option<NaiveDate>,
}

/// One accepted row of an annual grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub commune: String,
    pub year: i32,
    pub indicator: String,
    pub modality: String,
    pub value: Decimal,
    /// The file it came from, for the data-quality section.
    pub file: String,
}

/// One accepted row of the census context.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRow {
    pub commune: String,
    pub vintage: i32,
    pub indicator: String,
    pub modality: String,
    pub value: Decimal,
}

/// Every accepted row the report uses.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub requests: Vec<Request>,
    pub grid: Vec<GridRow>,
    pub context: Vec<ContextRow>,
    /// Missing values by field of `demandes` (accepted rows only), by year.
    pub missing_by_field: BTreeMap<i32, BTreeMap<String, usize>>,
}

fn text(values: &[Value], index: Option<usize>) -> Option<String> {
    let value = values.get(index?)?;
    match value {
        Value::Integer(integer) => Some(integer.to_string()),
        Value::Decimal(decimal) => Some(decimal.normalize().to_string()),
        Value::Year(year) => Some(year.to_string()),
        other => other.as_text().map(str::to_string),
    }
}

fn year_of(values: &[Value], index: Option<usize>) -> Option<i32> {
    match values.get(index?)? {
        Value::Year(year) => Some(*year),
        Value::Integer(integer) => i32::try_from(*integer).ok(),
        Value::Date(date) => Some(date.year()),
        _ => None,
    }
}

/// The `demandes` fields that are lists of categories, in schema order.
pub fn categorical_fields(sheet_schema: &crate::schema::Schema) -> Vec<String> {
    sheet_schema
        .fields
        .iter()
        .filter(|field| field.categories().is_some())
        .map(|field| field.name.clone())
        .collect()
}

impl Records {
    /// Collects the accepted rows of every checked sheet, in the order of the sheets.
    pub fn from_sheets(sheets: &[CheckedSheet]) -> Records {
        let mut records = Records::default();
        for sheet in sheets {
            match sheet.schema.name.as_str() {
                "demandes" => records.add_requests(sheet),
                "grille" => records.add_grid(sheet),
                "contexte" => records.add_context(sheet),
                _ => {}
            }
        }
        records
    }

    fn add_requests(&mut self, sheet: &CheckedSheet) {
        let schema = sheet.schema;
        let index = |name: &str| schema.field_index(name);
        let categorical: Vec<(usize, String)> = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.categories().is_some())
            .map(|(position, field)| (position, field.name.clone()))
            .collect();
        for record in sheet.records.iter().filter(|record| !record.rejected) {
            let values = &record.values;
            let (Some(commune), Some(date), Some(household_pseudonym)) = (
                text(values, index("commune")),
                index("date_demande")
                    .and_then(|position| values.get(position))
                    .and_then(Value::as_date),
                text(values, index("foyer")),
            ) else {
                continue;
            };
            let categories = categorical
                .iter()
                .map(|(position, name)| {
                    let label = values
                        .get(*position)
                        .and_then(Value::as_text)
                        .unwrap_or(NOT_GIVEN);
                    (name.clone(), label.to_string())
                })
                .collect();
            let decimal = |name: &str| {
                index(name)
                    .and_then(|position| values.get(position))
                    .and_then(Value::as_decimal)
            };
            let integer = |name: &str| {
                index(name)
                    .and_then(|position| values.get(position))
                    .and_then(Value::as_integer)
            };
            let year_missing = self.missing_by_field.entry(date.year()).or_default();
            for (position, field) in schema.fields.iter().enumerate() {
                let missing = values.get(position).is_none_or(Value::is_missing);
                let counter = year_missing.entry(field.name.clone()).or_default();
                if missing {
                    *counter += 1;
                }
            }
            self.requests.push(Request {
                commune,
                year: date.year(),
                number: text(values, index("numero_demande")).unwrap_or_default(),
                date,
                household_pseudonym,
                categories,
                persons: integer("nombre_personnes"),
                children: integer("nombre_enfants"),
                monthly_resources: decimal("ressources_mensuelles"),
                monthly_charges: decimal("charges_mensuelles"),
                amount_requested: decimal("montant_demande"),
                amount_granted: decimal("montant_accorde"),
                decision_date: index("date_decision")
                    .and_then(|position| values.get(position))
                    .and_then(Value::as_date),
            });
        }
    }

    fn add_grid(&mut self, sheet: &CheckedSheet) {
        let schema = sheet.schema;
        let index = |name: &str| schema.field_index(name);
        for record in sheet.records.iter().filter(|record| !record.rejected) {
            let values = &record.values;
            let row = (|| {
                Some(GridRow {
                    commune: text(values, index("commune"))?,
                    year: year_of(values, index("annee"))?,
                    indicator: text(values, index("indicateur"))?,
                    modality: text(values, index("modalite"))?,
                    value: values.get(index("valeur")?)?.as_decimal()?,
                    file: sheet.file.clone(),
                })
            })();
            if let Some(row) = row {
                self.grid.push(row);
            }
        }
    }

    fn add_context(&mut self, sheet: &CheckedSheet) {
        let schema = sheet.schema;
        let index = |name: &str| schema.field_index(name);
        for record in sheet.records.iter().filter(|record| !record.rejected) {
            let values = &record.values;
            let row = (|| {
                Some(ContextRow {
                    commune: text(values, index("commune"))?,
                    vintage: year_of(values, index("millesime"))?,
                    indicator: text(values, index("indicateur"))?,
                    modality: text(values, index("modalite"))?,
                    value: values.get(index("valeur")?)?.as_decimal()?,
                })
            })();
            if let Some(row) = row {
                self.context.push(row);
            }
        }
    }
}

/// The consumption units of a household on the OECD-modified scale used by INSEE: 1 for
/// the first adult, 0.5 for each other person aged 14 or more, 0.3 for each child under 14.
pub fn consumption_units(persons: i64, children_under_14: i64) -> Decimal {
    let persons = persons.max(1);
    let children = children_under_14.clamp(0, persons - 1);
    let other_adults = persons - 1 - children;
    Decimal::ONE
        + Decimal::new(5, 1) * Decimal::from(other_adults)
        + Decimal::new(3, 1) * Decimal::from(children)
}

/// Days in a month for the *reste à vivre* per day: the usual convention of 30 days.
pub const DAYS_PER_MONTH: i64 = 30;

impl Request {
    /// The *reste à vivre* per day and per consumption unit:
    /// (resources − charges) ÷ 30 ÷ consumption units, when every input is known.
    pub fn remaining_per_day_per_unit(&self) -> Option<Decimal> {
        let resources = self.monthly_resources?;
        let charges = self.monthly_charges?;
        let units = consumption_units(self.persons?, self.children.unwrap_or(0));
        let per_day = (resources - charges).checked_div(Decimal::from(DAYS_PER_MONTH))?;
        per_day.checked_div(units)
    }

    /// Days between the request and the decision.
    pub fn decision_delay_days(&self) -> Option<i64> {
        let decision = self.decision_date?;
        let days = (decision - self.date).num_days();
        (days >= 0).then_some(days)
    }

    /// The category of a field (by name), [`NOT_GIVEN`] when empty.
    pub fn category(&self, field: &str) -> &str {
        self.categories.get(field).map_or(NOT_GIVEN, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumption_units_follow_the_oecd_scale() {
        assert_eq!(consumption_units(1, 0), Decimal::ONE);
        // Couple with two children under 14: 1 + 0.5 + 0.3 + 0.3.
        assert_eq!(consumption_units(4, 2), Decimal::new(21, 1));
        // Single parent with one teenager of 15 (not counted among children under 14).
        assert_eq!(consumption_units(2, 0), Decimal::new(15, 1));
        // Inconsistent input (more children than persons) is bounded, never negative.
        assert_eq!(consumption_units(2, 5), Decimal::new(13, 1));
    }
}
