//! The network's cost-sharing (convention, article 4), exact to the cent.
//!
//! Money lives apart from the observation pipeline: this module takes the accepted rows of
//! `depenses` and `temps_personnel` and the network (`reseau.toml`), and computes who pays
//! what for one year. [`compute`] is pure (no file, no clock) so that the rules can be
//! tested with figures worked out by hand; [`inputs`] reads a folder through
//! [`crate::verify`], [`write`] renders the statement, the call letters and the tables, and
//! [`run`] ties them together for the command line. [`populations`] imports INSEE's legal
//! populations into `reseau.toml`.
//!
//! Euros are `rust_decimal` values; splits are integer arithmetic on cents ([`split`]).
//! No floating point comes near money.

pub mod inputs;
pub mod populations;
pub mod split;
pub mod write;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::french::money;
use crate::network::{Member, Network, PopulationKey, PopulationVintage};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use split::{split_cents, Claimant};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use inputs::{load, Inputs, NetworkText};

/// The action lines of the convention, in the order of the schemas.
pub const ACTION_LINES: [&str; 4] = [
    "Dynamique Inter-CCAS",
    "Observation sociale",
    "Journée annuelle",
    "Fonctionnement commun",
];

/// How many months before its end a convention must be renegotiated (article 11).
pub const RENEGOTIATION_MONTHS: u32 = 6;

/// One row of `depenses`, as accepted by the checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expense {
    pub date: NaiveDate,
    #[serde(rename = "libelle")]
    pub label: String,
    #[serde(rename = "fournisseur")]
    pub supplier: Option<String>,
    /// Euros TTC, to the cent.
    #[serde(rename = "montant")]
    pub amount: Decimal,
    #[serde(rename = "ligne_action")]
    pub action_line: String,
    #[serde(rename = "date_validation_copil")]
    pub copil_validation_date: Option<NaiveDate>,
    #[serde(rename = "piece")]
    pub supporting_document: String,
    /// Where the row is (its date cell), for diagnostics.
    #[serde(skip)]
    pub location: Location,
    /// Its amount cell, for problems with the amount.
    #[serde(skip)]
    pub amount_location: Location,
}

/// One row of `temps_personnel`, as accepted by the checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffTime {
    #[serde(rename = "annee")]
    pub year: i32,
    #[serde(rename = "ligne_action")]
    pub action_line: String,
    #[serde(rename = "fonction")]
    pub role: String,
    #[serde(rename = "heures")]
    pub hours: Decimal,
    /// Euros per hour.
    #[serde(rename = "cout_horaire")]
    pub hourly_cost: Decimal,
    #[serde(skip)]
    pub location: Location,
}

/// Why an expense is not shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Exclusion {
    /// No `date_validation_copil`.
    NotValidated,
    /// Validated after the expense was made.
    ValidatedAfter(NaiveDate),
}

impl Exclusion {
    /// The reason, in French, as the statement and `repartition.json` give it.
    pub fn reason(self) -> String {
        match self {
            Exclusion::NotValidated => "pas de validation du COPIL".to_string(),
            Exclusion::ValidatedAfter(date) => format!(
                "validée par le COPIL le {}, après la date de la dépense",
                french_date(date)
            ),
        }
    }
}

/// An expense not shared, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludedExpense {
    pub expense: Expense,
    pub exclusion: Exclusion,
}

/// Where the date of the call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CallDateOrigin {
    /// `--date-appel`.
    Given,
    /// The year's annual event (`journees` in `reseau.toml`).
    Journee,
    /// No annual event recorded for the year: 31 December.
    EndOfYear,
}

/// The population vintage used as the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeySource {
    #[serde(rename = "millesime")]
    pub vintage: i32,
    #[serde(rename = "en_vigueur")]
    pub in_force_from: NaiveDate,
    pub source: String,
    #[serde(rename = "cle")]
    pub key: PopulationKey,
}

/// One member's share of one split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub code: String,
    /// The integer key used (population, or population × days of membership).
    pub weight: u128,
    /// Euros, to the cent.
    pub amount: Decimal,
}

/// The validated expenses shared among one set of members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpenseGroup {
    /// INSEE codes of the members on the expenses' dates, sorted.
    pub members: Vec<String>,
    /// Indices into [`Statement::included`].
    pub expenses: Vec<usize>,
    pub total: Decimal,
    pub shares: Vec<Share>,
}

/// A staff-time row with its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuedStaffTime {
    pub row: StaffTime,
    /// Hours × hourly cost, rounded to the cent half away from zero.
    #[serde(rename = "valeur")]
    pub value: Decimal,
}

/// A staff-time share, with the days of membership behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffShare {
    pub share: Share,
    pub population: u64,
    pub days: u32,
}

/// The budget of the year against the validated expenses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// `None` when `reseau.toml` has no budget for the year.
    pub budget: Option<Decimal>,
    /// Validated expenses per action line, in the convention's order.
    pub per_line: Vec<(String, Decimal)>,
    pub total: Decimal,
    /// Expenses beyond the budget, when they exceed it.
    pub overrun: Option<Decimal>,
}

/// Whether the convention covers the date of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ConventionStatus {
    /// In force and not ending within six months.
    InForce { debut: NaiveDate, fin: NaiveDate },
    /// In force, but ending within six months: renegotiate.
    EndingSoon { debut: NaiveDate, fin: NaiveDate },
    /// No convention period covers the date.
    None,
}

/// One member's line of the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberLine {
    pub code: String,
    #[serde(rename = "nom")]
    pub name: String,
    pub population: u64,
    /// Days of membership in the year.
    pub days: u32,
    /// First and last day of membership in the year.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Sum of its expense shares.
    #[serde(rename = "depenses")]
    pub expenses: Decimal,
    /// Its staff-time share.
    #[serde(rename = "personnel")]
    pub staff: Decimal,
    /// `depenses + personnel`.
    pub total: Decimal,
    /// What the carrier calls from it (0 for the carrier itself).
    #[serde(rename = "a_appeler")]
    pub to_call: Decimal,
    pub is_carrier: bool,
}

/// Totals over the members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    #[serde(rename = "depenses")]
    pub expenses: Decimal,
    #[serde(rename = "personnel")]
    pub staff: Decimal,
    pub total: Decimal,
    #[serde(rename = "a_appeler")]
    pub to_call: Decimal,
}

/// Everything the statement, the letters and the tables show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub network_name: String,
    pub year: i32,
    pub call_date: NaiveDate,
    pub call_date_origin: CallDateOrigin,
    pub key: KeySource,
    pub carrier: String,
    pub carrier_name: String,
    #[serde(rename = "appeler_personnel")]
    pub call_staff: bool,
    pub convention: ConventionStatus,
    pub budget: BudgetReport,
    /// Validated expenses of the year, sorted by date then piece.
    pub included: Vec<Expense>,
    /// The group of each included expense (index into `groups`).
    pub group_of: Vec<usize>,
    pub excluded: Vec<ExcludedExpense>,
    pub groups: Vec<ExpenseGroup>,
    pub staff: Vec<ValuedStaffTime>,
    pub staff_per_line: Vec<(String, Decimal)>,
    pub staff_total: Decimal,
    pub staff_shares: Vec<StaffShare>,
    pub days_in_year: u32,
    pub members: Vec<MemberLine>,
    pub totals: Totals,
}

impl Statement {
    /// The members the carrier calls for funds (a letter each).
    pub fn called(&self) -> impl Iterator<Item = &MemberLine> {
        self.members
            .iter()
            .filter(|member| !member.is_carrier && member.to_call > Decimal::ZERO)
    }
}

/// The network's file, to place problems found in it on a line.
fn network_location(network: &NetworkText, line: Option<usize>) -> Location {
    let mut location = Location::file(&network.shown);
    location.row = line.and_then(|line| u32::try_from(line).ok());
    location
}

/// `2024-11-18` → `18/11/2024`.
pub fn french_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn to_cents(amount: Decimal) -> Option<i64> {
    (money(amount) * Decimal::ONE_HUNDRED).to_i64()
}

fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn days_in_year(year: i32) -> u32 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// The date of the call: given, else the year's annual event, else 31 December.
pub fn call_date(
    network: &Network,
    year: i32,
    given: Option<NaiveDate>,
) -> Option<(NaiveDate, CallDateOrigin)> {
    if let Some(date) = given {
        return Some((date, CallDateOrigin::Given));
    }
    if let Some(date) = network.journee(year) {
        return Some((date, CallDateOrigin::Journee));
    }
    NaiveDate::from_ymd_opt(year, 12, 31).map(|date| (date, CallDateOrigin::EndOfYear))
}

fn convention_status(network: &Network, call_date: NaiveDate) -> ConventionStatus {
    let current = network
        .conventions
        .iter()
        .filter(|convention| convention.start <= call_date && call_date <= convention.end)
        .max_by_key(|convention| convention.end);
    let Some(current) = current else {
        return ConventionStatus::None;
    };
    // A renewal already recorded after the current period takes over without a gap.
    let renewed = network
        .conventions
        .iter()
        .any(|next| next.start > current.start && next.start <= current.end + chrono::Days::new(1));
    let limit = call_date.checked_add_months(Months::new(RENEGOTIATION_MONTHS));
    let ending_soon = !renewed && limit.is_none_or(|limit| current.end <= limit);
    if ending_soon {
        ConventionStatus::EndingSoon {
            debut: current.start,
            fin: current.end,
        }
    } else {
        ConventionStatus::InForce {
            debut: current.start,
            fin: current.end,
        }
    }
}

fn split_error(network: &NetworkText, error: split::SplitError, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E054,
        network_location(network, None),
        format!("{what} ne peut pas être réparti : {error}"),
    )
    .hint("vérifiez les populations du millésime en vigueur dans reseau.toml")
}

fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Decimal {
    money(
        amounts
            .into_iter()
            .fold(Decimal::ZERO, |sum, amount| sum + amount),
    )
}

/// The date of the call, where it comes from, and the population vintage in force on it.
fn call_and_vintage<'n>(
    network: &'n Network,
    network_text: &NetworkText,
    year: i32,
    given_call_date: Option<NaiveDate>,
) -> Result<(NaiveDate, CallDateOrigin, &'n PopulationVintage), Vec<Diagnostic>> {
    let Some((call_date, call_date_origin)) = call_date(network, year, given_call_date) else {
        return Err(vec![Diagnostic::new(
            Code::E052,
            network_location(network_text, None),
            format!("l'année {year} n'est pas une année valide"),
        )]);
    };
    let Some(vintage) = network.vintage_on(call_date) else {
        return Err(vec![Diagnostic::new(
            Code::E052,
            network_location(network_text, network_text.populations_line()),
            format!(
                "aucun millésime de populations n'est en vigueur le {} (date de l'appel)",
                french_date(call_date)
            ),
        )
        .hint(
            "ajoutez les populations légales avec « observatoire populations » ou un bloc \
             [[populations]] dont en_vigueur précède la date de l'appel",
        )]);
    };
    Ok((call_date, call_date_origin, vintage))
}

/// The members of the year, by code, with their days of membership in it.
type YearMembers<'n> = Vec<(&'n Member, u32)>;

/// The members of the year, sorted by code, with their population in the key's vintage.
/// A member whose population is missing from the vintage is a problem.
fn year_members<'n>(
    network: &'n Network,
    network_text: &NetworkText,
    vintage: &PopulationVintage,
    year: i32,
    call_date: NaiveDate,
    problems: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, u64>, YearMembers<'n>) {
    let mut populations: BTreeMap<String, u64> = BTreeMap::new();
    let mut year_members = Vec::new();
    let mut sorted_members: Vec<_> = network.members.iter().collect();
    sorted_members.sort_by(|left, right| left.code.cmp(&right.code));
    for member in sorted_members {
        let days = network.days_of_membership(&member.code, year);
        if days == 0 {
            continue;
        }
        match network.population_of(vintage, &member.code) {
            Some(population) => {
                populations.insert(member.code.clone(), population);
            }
            None => problems.push(
                Diagnostic::new(
                    Code::E050,
                    network_location(
                        network_text,
                        network_text.vintage_values_line(vintage.vintage),
                    ),
                    format!(
                        "la population de {} ({}) manque dans le millésime {}, utilisé pour \
                         l'appel du {}",
                        member.name,
                        member.code,
                        vintage.vintage,
                        french_date(call_date)
                    ),
                )
                .hint(format!(
                    "ajoutez \"{}\" = {{ municipale = …, totale = … }} dans les valeurs du \
                     millésime {}",
                    member.code, vintage.vintage
                )),
            ),
        }
        year_members.push((member, days));
    }
    (populations, year_members)
}

/// The expenses of the year in a fixed order: date and piece first, then every other
/// field, so that the same rows give the same statement whatever their order in the files.
fn expenses_of_year(expenses: &[Expense], year: i32) -> Vec<&Expense> {
    let mut expenses: Vec<&Expense> = expenses
        .iter()
        .filter(|expense| expense.date.year() == year)
        .collect();
    expenses.sort_by(|left, right| {
        (
            left.date,
            &left.supporting_document,
            &left.label,
            left.amount,
            &left.action_line,
        )
            .cmp(&(
                right.date,
                &right.supporting_document,
                &right.label,
                right.amount,
                &right.action_line,
            ))
            .then_with(|| {
                (&left.supplier, left.copil_validation_date)
                    .cmp(&(&right.supplier, right.copil_validation_date))
            })
    });
    expenses
}

/// Why an expense is not shared: no validation by the COPIL, or one after the expense.
fn exclusion_of(expense: &Expense) -> Option<Exclusion> {
    match expense.copil_validation_date {
        None => Some(Exclusion::NotValidated),
        Some(validation) if validation > expense.date => {
            Some(Exclusion::ValidatedAfter(validation))
        }
        Some(_) => None,
    }
}

/// The expenses of the year, sorted out: the shared ones, the excluded ones, and for each
/// set of members on the expenses' dates, the indices (into `included`) of its expenses.
struct SortedExpenses {
    included: Vec<Expense>,
    excluded: Vec<ExcludedExpense>,
    by_members: BTreeMap<Vec<String>, Vec<usize>>,
}

/// Sorts out the expenses of the year. An expense that no member can pay (dated outside
/// every membership) or whose amount cannot be counted in cents is a problem.
fn sort_out_expenses(
    network: &Network,
    expenses: Vec<&Expense>,
    problems: &mut Vec<Diagnostic>,
) -> SortedExpenses {
    let mut included = Vec::new();
    let mut excluded = Vec::new();
    let mut by_members: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for expense in expenses {
        if let Some(exclusion) = exclusion_of(expense) {
            excluded.push(ExcludedExpense {
                expense: expense.clone(),
                exclusion,
            });
            continue;
        }
        let members: Vec<String> = network
            .members_on(expense.date)
            .into_iter()
            .map(|member| member.code.clone())
            .collect();
        if members.is_empty() {
            problems.push(
                Diagnostic::new(
                    Code::E051,
                    expense.location.clone(),
                    format!(
                        "la dépense {} du {} est datée hors de toute adhésion : aucun membre \
                         du réseau ne peut la payer",
                        expense.supporting_document,
                        french_date(expense.date)
                    ),
                )
                .value(french_date(expense.date))
                .hint("vérifiez la date de la dépense, et les dates d'adhésion et de sortie dans reseau.toml"),
            );
            continue;
        }
        if to_cents(expense.amount).is_none() {
            problems.push(Diagnostic::new(
                Code::E054,
                expense.amount_location.clone(),
                format!(
                    "le montant de la dépense {} est hors limites",
                    expense.supporting_document
                ),
            ));
            continue;
        }
        by_members.entry(members).or_default().push(included.len());
        included.push(expense.clone());
    }
    SortedExpenses {
        included,
        excluded,
        by_members,
    }
}

/// The staff time of the year, valued row by row, in the convention's order of action
/// lines (unknown lines last), then by function, hours and hourly cost.
fn valued_staff(staff: &[StaffTime], year: i32) -> Vec<ValuedStaffTime> {
    let mut staff: Vec<ValuedStaffTime> = staff
        .iter()
        .filter(|row| row.year == year)
        .map(|row| ValuedStaffTime {
            row: row.clone(),
            value: money(row.hours * row.hourly_cost),
        })
        .collect();
    let line_rank = |line: &str| {
        ACTION_LINES
            .iter()
            .position(|known| *known == line)
            .unwrap_or(ACTION_LINES.len())
    };
    staff.sort_by(|left, right| {
        (
            line_rank(&left.row.action_line),
            &left.row.action_line,
            &left.row.role,
            left.row.hours,
            left.row.hourly_cost,
        )
            .cmp(&(
                line_rank(&right.row.action_line),
                &right.row.action_line,
                &right.row.role,
                right.row.hours,
                right.row.hourly_cost,
            ))
    });
    staff
}

/// One group per set of members, ordered by the date of its first expense, each split by
/// population; with the group of each included expense.
fn expense_groups(
    included: &[Expense],
    by_members: BTreeMap<Vec<String>, Vec<usize>>,
    populations: &BTreeMap<String, u64>,
    network_text: &NetworkText,
) -> Result<(Vec<ExpenseGroup>, Vec<usize>), Vec<Diagnostic>> {
    let mut group_list: Vec<(Vec<String>, Vec<usize>)> = by_members.into_iter().collect();
    group_list.sort_by_key(|(members, indices)| (indices.first().copied(), members.clone()));
    let mut groups = Vec::new();
    let mut group_of = vec![0; included.len()];
    for (group_index, (members, indices)) in group_list.into_iter().enumerate() {
        for &index in &indices {
            group_of[index] = group_index;
        }
        let total_cents: i64 = indices
            .iter()
            .filter_map(|&index| to_cents(included[index].amount))
            .sum();
        let claimants: Vec<Claimant> = members
            .iter()
            .map(|code| Claimant {
                code: code.clone(),
                weight: u128::from(populations.get(code).copied().unwrap_or(0)),
            })
            .collect();
        let cents = split_cents(total_cents, &claimants)
            .map_err(|error| vec![split_error(network_text, error, "un groupe de dépenses")])?;
        groups.push(ExpenseGroup {
            members,
            expenses: indices,
            total: from_cents(total_cents),
            shares: claimants
                .into_iter()
                .zip(cents)
                .map(|(claimant, cents)| Share {
                    code: claimant.code,
                    weight: claimant.weight,
                    amount: from_cents(cents),
                })
                .collect(),
        });
    }
    Ok((groups, group_of))
}

/// Staff time: one group, key = population × days of membership (÷ days in the year,
/// which is the same for all and changes no share).
fn staff_shares(
    staff: &[ValuedStaffTime],
    year_members: &YearMembers<'_>,
    populations: &BTreeMap<String, u64>,
    network_text: &NetworkText,
) -> Result<Vec<StaffShare>, Vec<Diagnostic>> {
    let staff_cents: i64 = staff
        .iter()
        .map(|row| to_cents(row.value).unwrap_or(0))
        .sum();
    let staff_claimants: Vec<(Claimant, u64, u32)> = year_members
        .iter()
        .map(|(member, days)| {
            let population = populations.get(&member.code).copied().unwrap_or(0);
            (
                Claimant {
                    code: member.code.clone(),
                    weight: u128::from(population) * u128::from(*days),
                },
                population,
                *days,
            )
        })
        .collect();
    let claimants: Vec<Claimant> = staff_claimants
        .iter()
        .map(|(claimant, _, _)| claimant.clone())
        .collect();
    let staff_split = split_cents(staff_cents, &claimants)
        .map_err(|error| vec![split_error(network_text, error, "le temps de personnel")])?;
    Ok(staff_claimants
        .into_iter()
        .zip(staff_split)
        .map(|((claimant, population, days), cents)| StaffShare {
            share: Share {
                code: claimant.code,
                weight: claimant.weight,
                amount: from_cents(cents),
            },
            population,
            days,
        })
        .collect())
}

/// The sum of the amounts of each action line, in the convention's order.
fn per_action_line<T>(
    items: &[T],
    line_of: impl Fn(&T) -> &str,
    amount_of: impl Fn(&T) -> Decimal,
) -> Vec<(String, Decimal)> {
    ACTION_LINES
        .iter()
        .map(|line| {
            (
                (*line).to_string(),
                sum(items
                    .iter()
                    .filter(|item| line_of(item) == *line)
                    .map(&amount_of)),
            )
        })
        .collect()
}

/// Each member's line: its shares, its total and what the carrier calls from it.
fn member_lines(
    network: &Network,
    (first_day, last_day): (NaiveDate, NaiveDate),
    year_members: &YearMembers<'_>,
    populations: &BTreeMap<String, u64>,
    groups: &[ExpenseGroup],
    staff_shares: &[StaffShare],
) -> Vec<MemberLine> {
    let mut members = Vec::new();
    for (member, days) in year_members {
        let depenses = sum(groups
            .iter()
            .flat_map(|group| &group.shares)
            .filter(|share| share.code == member.code)
            .map(|share| share.amount));
        let personnel = sum(staff_shares
            .iter()
            .filter(|share| share.share.code == member.code)
            .map(|share| share.share.amount));
        let is_carrier = member.code == network.carrier;
        let a_appeler = if is_carrier {
            Decimal::ZERO
        } else if network.call_staff {
            depenses + personnel
        } else {
            depenses
        };
        members.push(MemberLine {
            code: member.code.clone(),
            name: member.name.clone(),
            population: populations.get(&member.code).copied().unwrap_or(0),
            days: *days,
            from: member.joined.max(first_day),
            to: member.left.map_or(last_day, |sortie| sortie.min(last_day)),
            expenses: depenses,
            staff: personnel,
            total: money(depenses + personnel),
            to_call: money(a_appeler),
            is_carrier,
        });
    }
    members
}

/// Totals over the members.
fn totals(members: &[MemberLine]) -> Totals {
    Totals {
        expenses: sum(members.iter().map(|member| member.expenses)),
        staff: sum(members.iter().map(|member| member.staff)),
        total: sum(members.iter().map(|member| member.total)),
        to_call: sum(members.iter().map(|member| member.to_call)),
    }
}

/// The validated expenses against the year's budget, if `reseau.toml` gives one.
fn budget_report(network: &Network, year: i32, included: &[Expense]) -> BudgetReport {
    let expenses_total = sum(included.iter().map(|expense| expense.amount));
    let budget = network.budget(year);
    BudgetReport {
        budget,
        per_line: per_action_line(
            included,
            |expense| expense.action_line.as_str(),
            |expense| expense.amount,
        ),
        total: expenses_total,
        overrun: budget
            .filter(|budget| expenses_total > *budget)
            .map(|budget| money(expenses_total - budget)),
    }
}

/// Computes the year's cost-sharing. Returns every problem found in the inputs, located,
/// when the sharing cannot be done.
pub fn compute(
    inputs: &Inputs,
    year: i32,
    given_call_date: Option<NaiveDate>,
) -> Result<Statement, Vec<Diagnostic>> {
    let network = &inputs.network;
    let network_text = &inputs.network_text;
    let (call_date, call_date_origin, vintage) =
        call_and_vintage(network, network_text, year, given_call_date)?;
    let key = KeySource {
        vintage: vintage.vintage,
        in_force_from: vintage.in_force_from,
        source: vintage.source.clone(),
        key: network.population_key,
    };
    let (Some(first_day), Some(last_day)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Vec::new());
    };

    // Every problem of the inputs is collected before any split is made.
    let mut problems = Vec::new();
    let (populations, year_members) = year_members(
        network,
        network_text,
        vintage,
        year,
        call_date,
        &mut problems,
    );
    let expenses = sort_out_expenses(
        network,
        expenses_of_year(&inputs.expenses, year),
        &mut problems,
    );
    let staff = valued_staff(&inputs.staff, year);
    if !problems.is_empty() {
        return Err(problems);
    }

    let (groups, group_of) = expense_groups(
        &expenses.included,
        expenses.by_members,
        &populations,
        network_text,
    )?;
    let staff_shares = staff_shares(&staff, &year_members, &populations, network_text)?;
    let staff_per_line =
        per_action_line(&staff, |row| row.row.action_line.as_str(), |row| row.value);
    let members = member_lines(
        network,
        (first_day, last_day),
        &year_members,
        &populations,
        &groups,
        &staff_shares,
    );
    let totals = totals(&members);
    let budget = budget_report(network, year, &expenses.included);
    let carrier_name = network
        .member(&network.carrier)
        .map(|member| member.name.clone())
        .unwrap_or_else(|| network.carrier.clone());
    Ok(Statement {
        network_name: network.name.clone(),
        year,
        call_date,
        call_date_origin,
        key,
        carrier: network.carrier.clone(),
        carrier_name,
        call_staff: network.call_staff,
        convention: convention_status(network, call_date),
        budget,
        included: expenses.included,
        group_of,
        excluded: expenses.excluded,
        groups,
        staff_total: sum(staff.iter().map(|row| row.value)),
        staff,
        staff_per_line,
        staff_shares,
        days_in_year: days_in_year(year),
        members,
        totals,
    })
}

/// What `observatoire repartition` is asked to do.
#[derive(Debug, Clone)]
pub struct RepartitionOptions {
    /// The folder holding `reseau.toml`, `depenses` and `temps_personnel`.
    pub folder: PathBuf,
    /// `--reseau`: another network file.
    pub network_file: Option<PathBuf>,
    pub year: i32,
    /// `--date-appel`.
    pub call_date: Option<NaiveDate>,
    /// `--sortie`.
    pub output: PathBuf,
    /// `--taille-max`: the largest input file read, in bytes.
    pub max_input_bytes: u64,
}

/// What a run did: the problems found, and the statement and files when it could work.
#[derive(Debug)]
pub struct RepartitionReport {
    pub diagnostics: Vec<Diagnostic>,
    pub statement: Option<Statement>,
    pub written: Vec<PathBuf>,
}

impl RepartitionReport {
    /// 0 when the statement was written, 1 when the data has problems.
    pub fn exit_code(&self) -> u8 {
        if self.statement.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error) {
            0
        } else {
            1
        }
    }
}

/// Errors that stop the tool from working at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RepartitionError {
    #[error(transparent)]
    Verify(#[from] crate::verify::ToolError),
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
    #[error("erreur interne en produisant « {file} » : {cause}")]
    Render { file: String, cause: String },
}

/// What an earlier run may have written in the output folder, beside the files of this one.
const OWNED_BY_EARLIER_RUNS: &[&str] = &["repartition.*", "appel-*.html", "appel-*.pdf"];

/// Reads the folder, computes the year's sharing and writes every output, or none when
/// the inputs have errors.
pub fn run(options: &RepartitionOptions) -> Result<RepartitionReport, RepartitionError> {
    let (inputs, mut diagnostics) = load(
        &options.folder,
        options.network_file.as_deref(),
        options.max_input_bytes,
    )?;
    let Some(inputs) = inputs.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) else {
        return Ok(RepartitionReport {
            diagnostics,
            statement: None,
            written: Vec::new(),
        });
    };
    let statement = match compute(&inputs, options.year, options.call_date) {
        Ok(statement) => statement,
        Err(problems) => {
            diagnostics.extend(problems);
            return Ok(RepartitionReport {
                diagnostics,
                statement: None,
                written: Vec::new(),
            });
        }
    };
    let files: Vec<crate::output::OutputFile> = write::render_all(&statement)?
        .into_iter()
        .map(|(name, bytes)| crate::output::OutputFile {
            path: PathBuf::from(name),
            bytes,
        })
        .collect();
    // One set: the letter of a CCAS called last time but not this time is removed.
    crate::output::write_set(&options.output, &files, OWNED_BY_EARLIER_RUNS)?;
    let written = files
        .iter()
        .map(|file| options.output.join(&file.path))
        .collect();
    Ok(RepartitionReport {
        diagnostics,
        statement: Some(statement),
        written,
    })
}
