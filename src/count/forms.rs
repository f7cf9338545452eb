//! Counting the request forms (`demandes`): the additive indicators grouped with polars,
//! per commune and for the network, then the medians and the bands of *reste à vivre* in
//! exact decimals, the largest part one household holds of each amount, and zero cells so
//! that every breakdown of a commune-year with forms is complete.

use super::definitions::{remaining_band, Definition, Kind, REMAINING_BANDS};
use super::frame::{self, Group};
use super::indicators::{count_figure, whole, Figure, Key};
use super::records::{Records, Request};
use super::{CountError, NETWORK};
use crate::schema::TOTAL_MODALITY;
use polars::prelude::{col, len, DataFrame, Expr, IntoLazy};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Published medians of amounts are rounded to this many euros: a median of an odd
/// number of grants is one household's amount, which must not be given to the cent.
pub const MEDIAN_AMOUNT_STEP: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// `value` rounded to a multiple of `step`, half away from zero.
pub fn round_to(value: Decimal, step: Decimal) -> Decimal {
    if step.is_zero() {
        return value;
    }
    (value / step).round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        * step
}

/// The median of exact values (mean of the two middle ones for an even count).
pub fn median(values: &mut [Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(middle).copied()
    } else {
        let low = *values.get(middle - 1)?;
        let high = *values.get(middle)?;
        Some((low + high) / Decimal::TWO)
    }
}

/// Every figure the forms give, in the order each step needs the previous ones: the
/// additive counts, the medians and bands, the largest parts, then the zero cells.
pub(super) fn add_form_figures(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    categorical: &[String],
    definitions: &[Definition],
) -> Result<(), CountError> {
    let frame = frame::requests_frame(&records.requests, categorical)?;
    for level in [Level::Commune, Level::Network] {
        add_totals(figures, &frame, level)?;
        add_breakdowns(figures, &frame, categorical, level)?;
        add_household_counts(figures, &frame, level)?;
    }
    let by_place = requests_by_place(records);
    for ((year, commune), requests) in &by_place {
        add_form_medians(figures, *year, commune, requests, definitions);
    }
    add_largest_parts(figures, records);
    add_zero_cells(figures, by_place.keys(), definitions);
    Ok(())
}

/// The two levels the forms are grouped at.
#[derive(Debug, Clone, Copy)]
enum Level {
    /// One row per commune-year.
    Commune,
    /// One row per year, for `RESEAU`.
    Network,
}

impl Level {
    /// The frame's columns the groups are made by.
    fn keys(self) -> Vec<&'static str> {
        match self {
            Level::Commune => vec![frame::YEAR, frame::COMMUNE],
            Level::Network => vec![frame::YEAR],
        }
    }

    /// The year and commune (or `RESEAU`) of a group, `None` for a malformed one.
    fn place(self, group: &Group) -> Option<(i32, String)> {
        let year = group.keys.first()?.parse().ok()?;
        let commune = match self {
            Level::Commune => group.keys.get(1)?.clone(),
            Level::Network => NETWORK.to_string(),
        };
        Some((year, commune))
    }
}

/// The number of distinct households granted something, the basis of an amount.
fn granted_households() -> Expr {
    col(frame::HOUSEHOLD)
        .filter(col(frame::GRANTED_CENTS).is_not_null())
        .n_unique()
}

/// A polars count as an unsigned one (0 when missing or negative).
fn as_u64(value: Option<i64>) -> u64 {
    value
        .and_then(|value| u64::try_from(value).ok())
        .unwrap_or(0)
}

/// An amount granted, from its sum in cents and the households granted it.
fn amount_figure(cents: Option<i64>, households: Option<i64>) -> Figure {
    Figure {
        value: Decimal::new(cents.unwrap_or(0), 2),
        basis: as_u64(households),
        depends_on: Vec::new(),
        largest: None,
        observations: 0,
    }
}

/// The totals of each row: requests, distinct households, amount granted.
fn add_totals(
    figures: &mut BTreeMap<Key, Figure>,
    frame: &DataFrame,
    level: Level,
) -> Result<(), CountError> {
    for group in frame::aggregate(
        frame.clone().lazy(),
        &level.keys(),
        vec![
            len(),
            col(frame::HOUSEHOLD).n_unique(),
            col(frame::GRANTED_CENTS).sum(),
            granted_households(),
        ],
    )? {
        let Some((year, commune)) = level.place(&group) else {
            continue;
        };
        let value = |position: usize| group.values.get(position).copied().flatten();
        figures.insert(
            Key::new(year, &commune, "demandes", TOTAL_MODALITY),
            count_figure(as_u64(value(0))),
        );
        figures.insert(
            Key::new(year, &commune, "foyers_distincts", TOTAL_MODALITY),
            count_figure(as_u64(value(1))),
        );
        figures.insert(
            Key::new(year, &commune, "montant_accorde", TOTAL_MODALITY),
            amount_figure(value(2), value(3)),
        );
    }
    Ok(())
}

/// The requests by each categorical field, and the amount granted by nature of aid.
fn add_breakdowns(
    figures: &mut BTreeMap<Key, Figure>,
    frame: &DataFrame,
    categorical: &[String],
    level: Level,
) -> Result<(), CountError> {
    for field in categorical {
        let mut field_keys = level.keys();
        field_keys.push(field.as_str());
        let is_nature = field == "nature_aide";
        for group in frame::aggregate(
            frame.clone().lazy(),
            &field_keys,
            vec![len(), col(frame::GRANTED_CENTS).sum(), granted_households()],
        )? {
            let (Some((year, commune)), Some(modality)) = (level.place(&group), group.keys.last())
            else {
                continue;
            };
            let value = |position: usize| group.values.get(position).copied().flatten();
            figures.insert(
                Key::new(year, &commune, &format!("demandes_par_{field}"), modality),
                count_figure(as_u64(value(0))),
            );
            if is_nature {
                figures.insert(
                    Key::new(year, &commune, "montant_accorde_par_nature_aide", modality),
                    amount_figure(value(1), value(2)),
                );
            }
        }
    }
    Ok(())
}

/// Households that asked several times, and households seen in several communes.
fn add_household_counts(
    figures: &mut BTreeMap<Key, Figure>,
    frame: &DataFrame,
    level: Level,
) -> Result<(), CountError> {
    let keys = level.keys();
    for (code, groups) in [
        (
            "foyers_demandes_multiples",
            frame::repeat_households(frame, &keys)?,
        ),
        (
            "foyers_plusieurs_communes",
            frame::households_in_several_communes(frame, &keys)?,
        ),
    ] {
        for group in groups {
            if let Some((year, commune)) = level.place(&group) {
                figures.insert(
                    Key::new(year, &commune, code, TOTAL_MODALITY),
                    count_figure(as_u64(group.values.first().copied().flatten())),
                );
            }
        }
    }
    Ok(())
}

/// The requests of each commune-year and of each year for the network.
fn requests_by_place(records: &Records) -> BTreeMap<(i32, String), Vec<&Request>> {
    let mut by_place: BTreeMap<(i32, String), Vec<&Request>> = BTreeMap::new();
    for request in &records.requests {
        by_place
            .entry((request.year, request.commune.clone()))
            .or_default()
            .push(request);
        by_place
            .entry((request.year, NETWORK.to_string()))
            .or_default()
            .push(request);
    }
    by_place
}

fn distinct_households(requests: &[&Request]) -> u64 {
    let set: BTreeSet<&str> = requests
        .iter()
        .map(|request| request.household_pseudonym.as_str())
        .collect();
    set.len() as u64
}

/// A median, rounded to `step`, resting on the values of `requests`.
fn median_figure(values: &mut [Decimal], step: Decimal, requests: &[&Request]) -> Option<Figure> {
    let observations = values.len() as u64;
    let value = median(values)?;
    Some(Figure {
        value: round_to(value, step),
        basis: distinct_households(requests),
        depends_on: Vec::new(),
        largest: None,
        observations,
    })
}

/// The medians and bands of one place (a commune-year or the network's year).
fn add_form_medians(
    figures: &mut BTreeMap<Key, Figure>,
    year: i32,
    commune: &str,
    requests: &[&Request],
    definitions: &[Definition],
) {
    add_median_amounts(figures, year, commune, requests, definitions);
    add_median_delay(figures, year, commune, requests);
    add_remaining(figures, year, commune, requests);
}

/// The median amount granted by nature of aid, rounded to [`MEDIAN_AMOUNT_STEP`].
fn add_median_amounts(
    figures: &mut BTreeMap<Key, Figure>,
    year: i32,
    commune: &str,
    requests: &[&Request],
    definitions: &[Definition],
) {
    let natures = definitions
        .iter()
        .find(|definition| definition.code == "montant_median_par_nature_aide")
        .map(|definition| definition.modalities.clone())
        .unwrap_or_default();
    for nature in &natures {
        let granted: Vec<&Request> = requests
            .iter()
            .filter(|request| {
                request.category("nature_aide") == nature && request.amount_granted.is_some()
            })
            .copied()
            .collect();
        let mut amounts: Vec<Decimal> = granted
            .iter()
            .filter_map(|request| request.amount_granted)
            .collect();
        if let Some(figure) = median_figure(&mut amounts, MEDIAN_AMOUNT_STEP, &granted) {
            figures.insert(
                Key::new(year, commune, "montant_median_par_nature_aide", nature),
                figure,
            );
        }
    }
}

/// The median delay between a request and its decision, in whole days.
fn add_median_delay(
    figures: &mut BTreeMap<Key, Figure>,
    year: i32,
    commune: &str,
    requests: &[&Request],
) {
    let decided: Vec<&Request> = requests
        .iter()
        .filter(|request| request.decision_delay_days().is_some())
        .copied()
        .collect();
    let mut delays: Vec<Decimal> = decided
        .iter()
        .filter_map(|request| request.decision_delay_days().map(Decimal::from))
        .collect();
    if let Some(figure) = median_figure(&mut delays, Decimal::ONE, &decided) {
        figures.insert(
            Key::new(year, commune, "delai_median_decision", TOTAL_MODALITY),
            figure,
        );
    }
}

/// The *reste à vivre*: the requests by band (each band its own basis) and the median
/// over the requests where it is known, in whole euros.
fn add_remaining(
    figures: &mut BTreeMap<Key, Figure>,
    year: i32,
    commune: &str,
    requests: &[&Request],
) {
    let mut remaining = Vec::new();
    let mut known = Vec::new();
    for request in requests {
        let value = request.remaining_per_day_per_unit();
        let band = remaining_band(value);
        figures
            .entry(Key::new(year, commune, "demandes_par_reste_a_vivre", band))
            .or_insert_with(|| count_figure(0))
            .value += Decimal::ONE;
        if let Some(value) = value {
            remaining.push(value);
            known.push(*request);
        }
    }
    for band in REMAINING_BANDS {
        if let Some(figure) =
            figures.get_mut(&Key::new(year, commune, "demandes_par_reste_a_vivre", band))
        {
            figure.basis = whole(figure.value);
        }
    }
    if let Some(figure) = median_figure(&mut remaining, Decimal::ONE, &known) {
        figures.insert(
            Key::new(year, commune, "reste_a_vivre_median", TOTAL_MODALITY),
            figure,
        );
    }
}

/// The dominance rule's input: for each amount cell made from requests, the largest part
/// one household holds (a household seen in several communes counts once for the
/// network).
fn add_largest_parts(figures: &mut BTreeMap<Key, Figure>, records: &Records) {
    let mut parts: BTreeMap<Key, BTreeMap<&str, Decimal>> = BTreeMap::new();
    for request in &records.requests {
        let Some(amount) = request.amount_granted else {
            continue;
        };
        let nature = request.category("nature_aide");
        for commune in [request.commune.as_str(), NETWORK] {
            for (code, modality) in [
                ("montant_accorde", TOTAL_MODALITY),
                ("montant_accorde_par_nature_aide", nature),
            ] {
                *parts
                    .entry(Key::new(request.year, commune, code, modality))
                    .or_default()
                    .entry(request.household_pseudonym.as_str())
                    .or_default() += amount;
            }
        }
    }
    for (key, households) in parts {
        if let Some(figure) = figures.get_mut(&key) {
            figure.largest = households.values().copied().max();
        }
    }
}

/// Zero cells for the additive indicators of the places with forms, so that tables are
/// complete.
fn add_zero_cells<'a>(
    figures: &mut BTreeMap<Key, Figure>,
    places: impl Iterator<Item = &'a (i32, String)>,
    definitions: &[Definition],
) {
    for (year, commune) in places {
        for definition in definitions
            .iter()
            .filter(|definition| definition.kind == Kind::Additive)
        {
            for modality in &definition.modalities {
                figures
                    .entry(Key::new(*year, commune, &definition.code, modality))
                    .or_insert_with(|| count_figure(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_are_exact() {
        let mut odd = vec![Decimal::from(30), Decimal::from(10), Decimal::from(20)];
        assert_eq!(median(&mut odd), Some(Decimal::from(20)));
        let mut even = vec![Decimal::new(1001, 2), Decimal::new(1002, 2)];
        assert_eq!(median(&mut even), Some(Decimal::new(10015, 3)));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn rounding_to_a_step_goes_half_away_from_zero() {
        assert_eq!(
            round_to(Decimal::new(1225, 1), MEDIAN_AMOUNT_STEP),
            Decimal::from(125)
        );
        assert_eq!(
            round_to(Decimal::new(1224, 1), MEDIAN_AMOUNT_STEP),
            Decimal::from(120)
        );
        assert_eq!(
            round_to(Decimal::new(25, 1), Decimal::ONE),
            Decimal::from(3)
        );
        assert_eq!(
            round_to(Decimal::new(77, 1), Decimal::ZERO),
            Decimal::new(77, 1)
        );
    }
}
