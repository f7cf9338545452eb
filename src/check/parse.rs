//! What one cell means for its field: a category of the schema's list, a member commune,
//! a number within the field's bounds, a plausible date or year. The text-level parsers
//! (`1 234,50 €`, `3 février 2024`) are in [`super::cells`]; this module applies the
//! schema and the network to their results, and says what is wrong when it cannot.

use super::{cells, Checker, Value};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::fold::fold;
use crate::read::RawCell;
use crate::schema::{Field, FieldType, Schema};
use rust_decimal::Decimal;

/// A value read from a cell, with a warning to give about it (a rounded amount).
type Parsed = (Value, Option<Problem>);

/// Up to three labels, quoted, as a French list.
pub(super) fn quoted_list(labels: &[String]) -> String {
    labels
        .iter()
        .map(|label| format!("« {label} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest label, when it is close enough to be a typing mistake.
pub fn nearest<'l>(text: &str, labels: impl IntoIterator<Item = &'l String>) -> Option<&'l String> {
    let folded = fold(text);
    labels
        .into_iter()
        .map(|label| {
            (
                strsim::normalized_damerau_levenshtein(&folded, &fold(label)),
                label,
            )
        })
        .filter(|(similarity, _)| *similarity >= 0.6)
        .max_by(|left, right| left.0.total_cmp(&right.0))
        .map(|(_, label)| label)
}

impl Checker<'_> {
    /// The code of a member commune from a code or a name, after folding.
    pub fn commune_code(&self, text: &str) -> Option<&str> {
        let trimmed = text.trim();
        if let Some(code) = self.communes.get(trimmed) {
            return Some(code);
        }
        let folded = fold(trimmed);
        if let Some(code) = self.communes.get(&folded) {
            return Some(code);
        }
        // « CCAS de Blain », « Mairie de Bouvron », « 44 015 ».
        for prefix in [
            "ccas de ",
            "ccas d ",
            "ccas du ",
            "ccas ",
            "mairie de ",
            "mairie d ",
            "commune de ",
            "commune d ",
            "ville de ",
        ] {
            if let Some(name) = folded.strip_prefix(prefix) {
                if let Some(code) = self.communes.get(name) {
                    return Some(code);
                }
            }
        }
        let digits: String = folded
            .chars()
            .filter(|character| !character.is_whitespace())
            .collect();
        self.communes.get(&digits).map(String::as_str)
    }

    /// The value of `field` (the schema's field number `field_index`) in `cell`: the
    /// value and a warning, or the problem that makes the cell unreadable.
    pub(super) fn parse_cell(
        &self,
        schema: &'static Schema,
        field_index: usize,
        field: &Field,
        cell: &RawCell,
        is_1904: bool,
    ) -> Result<Parsed, Problem> {
        if let Some(outcome) = without_value(cell) {
            return outcome;
        }
        if field.is_commune() {
            if field.accepts_zones() {
                if let Some(zone) = self.reference_zone(cell) {
                    return Ok((Value::Commune(zone), None));
                }
            }
            return self.parse_commune(cell).map(|value| (value, None));
        }
        let static_field: &'static Field = &schema.fields[field_index];
        if let Some(categories) = static_field.categories() {
            return parse_category(schema, field_index, field, categories, cell)
                .map(|value| (value, None));
        }
        match field.field_type {
            FieldType::String => Ok((Value::Text(cell.shown().trim().to_string()), None)),
            FieldType::Integer => parse_integer(field, cell).map(|value| (value, None)),
            FieldType::Number => parse_number(field, cell),
            FieldType::Date => parse_date(cell, is_1904).map(|value| (value, None)),
            FieldType::Year => parse_year(field, cell).map(|value| (value, None)),
        }
    }

    /// A reference zone of the census context: France, or the département of a member.
    fn reference_zone(&self, cell: &RawCell) -> Option<String> {
        let RawCell::Text(text) = cell else {
            return None;
        };
        let zone = crate::zones::zone_code(text)?;
        let of_a_member = zone == crate::zones::FRANCE
            || self.network.members.iter().any(|member| {
                crate::zones::department_of(&member.code)
                    .is_some_and(|department| crate::zones::department_zone(department) == zone)
            });
        of_a_member.then_some(zone)
    }

    fn parse_commune(&self, cell: &RawCell) -> Result<Value, Problem> {
        let text = match cell {
            RawCell::Number(number) if number.fract() == 0.0 && *number >= 0.0 => {
                format!("{:05}", *number as i64)
            }
            other => other.shown(),
        };
        if let Some(code) = self.commune_code(&text) {
            return Ok(Value::Commune(code.to_string()));
        }
        let names: Vec<String> = self
            .network
            .members
            .iter()
            .map(|member| member.name.clone())
            .collect();
        let listed = self
            .network
            .members
            .iter()
            .map(|member| format!("{} ({})", member.name, member.code))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = match nearest(&text, &names) {
            Some(name) => format!("vouliez-vous dire « {name} » ? communes du réseau : {listed}"),
            None => format!("communes du réseau : {listed} ; si une commune a rejoint le réseau, ajoutez-la dans reseau.toml"),
        };
        Err(Problem::new(
            Code::E024,
            format!("« {} » n'est pas une commune du réseau", text.trim()),
        )
        .hint(hint))
    }
}

/// The outcome for a cell that holds no value to read, whatever the field: an empty
/// cell is a missing value, an error or a formula never computed is a problem.
fn without_value(cell: &RawCell) -> Option<Result<Parsed, Problem>> {
    match cell {
        RawCell::Empty => Some(Ok((Value::Missing, None))),
        RawCell::Text(text) if text.trim().is_empty() => Some(Ok((Value::Missing, None))),
        RawCell::Error(error) => Some(Err(Problem::new(Code::E027, format!("la cellule affiche l'erreur {error} au lieu d'une valeur"))
            .hint("corrigez la formule ou remplacez-la par la valeur, puis enregistrez"))),
        RawCell::FormulaWithoutValue(_) => Some(Err(Problem::new(Code::E026, "la cellule contient une formule dont le résultat n'a jamais été calculé ni enregistré")
            .hint("ouvrez le fichier dans votre tableur (Excel ou LibreOffice), laissez-le recalculer, puis enregistrez-le avant de l'envoyer"))),
        _ => None,
    }
}

/// A label of the field's list (`categories`), as its canonical spelling; the hint of a
/// label not in the list names the closest one.
fn parse_category(
    schema: &'static Schema,
    field_index: usize,
    field: &Field,
    categories: &'static [String],
    cell: &RawCell,
) -> Result<Value, Problem> {
    let text: std::borrow::Cow<'_, str> = match cell {
        RawCell::Text(text) => std::borrow::Cow::Borrowed(text.as_str()),
        other => std::borrow::Cow::Owned(other.shown()),
    };
    match schema.match_category(field_index, &text) {
        Some(position) => Ok(Value::Category(categories[position].as_str())),
        None => {
            let hint = match nearest(text.as_ref(), categories) {
                Some(label) => format!(
                    "vouliez-vous dire « {label} » ? valeurs possibles : {}",
                    quoted_list(categories)
                ),
                None => format!("valeurs possibles : {}", quoted_list(categories)),
            };
            Err(Problem::new(
                Code::E023,
                format!(
                    "« {} » n'est pas une valeur de la liste de « {} »",
                    text.trim(),
                    field.title
                ),
            )
            .hint(hint))
        }
    }
}

/// A whole number within the field's bounds.
fn parse_integer(field: &Field, cell: &RawCell) -> Result<Value, Problem> {
    let number = number_of(cell).ok_or_else(|| expected_number(field, "un nombre entier"))?;
    if !number.fract().is_zero() {
        return Err(expected_number(field, "un nombre entier"));
    }
    let integer = i64::try_from(number).map_err(|_| expected_number(field, "un nombre entier"))?;
    check_bounds(field, Decimal::from(integer))?;
    Ok(Value::Integer(integer))
}

/// A number within the field's bounds; an amount of money is rounded to the cent, with a
/// warning when that changes it by more than a float's noise.
fn parse_number(field: &Field, cell: &RawCell) -> Result<Parsed, Problem> {
    let number = number_of(cell).ok_or_else(|| {
        expected_number(
            field,
            if field.is_money() {
                "un montant en euros"
            } else {
                "un nombre"
            },
        )
    })?;
    if !field.is_money() {
        let normalized = number.normalize();
        check_bounds(field, normalized)?;
        return Ok((Value::Decimal(normalized), None));
    }
    let rounded =
        number.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let noise = (rounded - number).abs() < Decimal::new(1, 6);
    if rounded != number && !noise {
        check_bounds(field, rounded)?;
        return Ok((
            Value::Decimal(crate::french::money(rounded)),
            Some(
                Problem::new(
                    Code::W004,
                    format!(
                        "montant arrondi au centime : {}",
                        crate::french::french_money(rounded)
                    ),
                )
                .hint("saisissez les montants en euros avec au plus deux décimales"),
            ),
        ));
    }
    let amount = crate::french::money(rounded);
    check_bounds(field, amount)?;
    Ok((Value::Decimal(amount), None))
}

/// A plausible date: a date cell, an Excel serial date of the workbook's epoch, or a
/// date typed as text; a bare year is refused with a hint of its own.
fn parse_date(cell: &RawCell, is_1904: bool) -> Result<Value, Problem> {
    if let RawCell::Number(number) = cell {
        if number.fract() == 0.0 && (1990.0..=2100.0).contains(number) {
            return Err(Problem::new(
                Code::E022,
                format!(
                    "« {} » ressemble à une année, pas à une date",
                    crate::french::number_as_text(*number)
                ),
            )
            .hint("saisissez la date complète au format jj/mm/aaaa, par exemple 03/02/2024"));
        }
    }
    let date = match cell {
        RawCell::Date(date) => Some(*date),
        RawCell::Number(serial) => cells::date_from_serial(*serial, is_1904),
        RawCell::Text(text) => cells::parse_date_text(text),
        _ => None,
    }
    .ok_or_else(|| {
        Problem::new(
            Code::E022,
            format!("« {} » n'est pas une date", cell.shown().trim()),
        )
        .hint("saisissez une date au format jj/mm/aaaa, par exemple 03/02/2024")
    })?;
    if !cells::is_plausible_date(date) {
        return Err(Problem::new(
            Code::E022,
            format!("date improbable : {}", date.format("%d/%m/%Y")),
        )
        .hint("vérifiez l'année (entre 2000 et 2100)"));
    }
    Ok(Value::Date(date))
}

/// A year on four digits, between 1990 and 2100.
fn parse_year(field: &Field, cell: &RawCell) -> Result<Value, Problem> {
    let number =
        number_of(cell).ok_or_else(|| expected_number(field, "une année sur quatre chiffres"))?;
    let year = i64::try_from(number)
        .ok()
        .filter(|year| (1990..=2100).contains(year) && number.fract().is_zero());
    match year.and_then(|year| i32::try_from(year).ok()) {
        Some(year) => Ok(Value::Year(year)),
        None => Err(Problem::new(
            Code::E025,
            format!("année improbable : {}", cell.shown().trim()),
        )
        .hint("saisissez une année sur quatre chiffres, par exemple 2024")),
    }
}

fn number_of(cell: &RawCell) -> Option<Decimal> {
    match cell {
        RawCell::Number(number) => cells::decimal_from_f64(*number),
        RawCell::Text(text) => cells::parse_decimal_text(text),
        RawCell::Bool(_) | RawCell::Date(_) => None,
        _ => None,
    }
}

fn expected_number(field: &Field, what: &str) -> Problem {
    Problem::new(
        Code::E021,
        format!("{what} est attendu pour « {} »", field.title),
    )
    .hint(if field.is_money() {
        "saisissez un montant comme 1234,50 (le symbole € est accepté)".to_string()
    } else {
        "saisissez un nombre, sans texte".to_string()
    })
}

fn check_bounds(field: &Field, number: Decimal) -> Result<(), Problem> {
    let (minimum, maximum) = field.decimal_bounds();
    let shown = || crate::french::french_decimal(number);
    if let Some(minimum) = minimum.filter(|minimum| number < *minimum) {
        return Err(Problem::new(
            Code::E025,
            format!(
                "{} est inférieur au minimum autorisé pour « {} » ({})",
                shown(),
                field.title,
                crate::french::french_decimal(minimum)
            ),
        )
        .hint(field.description.clone()));
    }
    if let Some(maximum) = maximum.filter(|maximum| number > *maximum) {
        return Err(Problem::new(
            Code::E025,
            format!(
                "{} dépasse le maximum autorisé pour « {} » ({})",
                shown(),
                field.title,
                crate::french::french_decimal(maximum)
            ),
        )
        .hint(field.description.clone()));
    }
    Ok(())
}

/// A problem with a cell, before its location is known.
#[derive(Debug)]
pub(crate) struct Problem {
    code: Code,
    message: String,
    hint: Option<String>,
}

impl Problem {
    fn new(code: Code, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        if !hint.is_empty() {
            self.hint = Some(hint);
        }
        self
    }

    /// The diagnostic of the problem, at its cell.
    pub(super) fn located(self, location: Location, cell: &RawCell) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(self.code, location, self.message).value(cell.shown());
        diagnostic.hint = self.hint;
        diagnostic
    }
}
