//! The outputs of the cost-sharing: the French statement and one call letter per called
//! CCAS (HTML from the templates of `templates/`), the same tables as xlsx and csv, and
//! `repartition.json` for machines.
//!
//! Everything is rendered in memory first, so that a failure writes nothing; the caller
//! then writes each file atomically. No timestamp: the same statement gives the same bytes.

use super::{
    french_date, CallDateOrigin, ConventionStatus, MemberLine, RepartitionError, Statement,
};
use crate::fold::fold;
use crate::french::{french_integer, french_money, THOUSANDS_SEPARATOR};
use crate::network::PopulationKey;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::fmt::Write as _;

const STYLE: &str = include_str!("../../templates/style.css");
const STATEMENT_TEMPLATE: &str = include_str!("../../templates/repartition.html");
const LETTER_TEMPLATE: &str = include_str!("../../templates/appel.html");

/// The article of the convention that organises the call for funds.
pub const ARTICLE: &str = "4.2.1";

pub use crate::french::french_long_date;

/// A decimal with a fixed number of decimals, French style: `22.5` → `22,50`.
fn french_fixed(value: Decimal, decimals: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(decimals);
    let text = rounded.to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole = whole
        .parse::<i64>()
        .map(french_integer)
        .unwrap_or_else(|_| whole.to_string());
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{fraction}")
    }
}

fn percent(part: u128, whole: u128) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let (Some(part), Some(whole)) = (Decimal::from_u128(part), Decimal::from_u128(whole)) else {
        return "—".to_string();
    };
    format!(
        "{}{THOUSANDS_SEPARATOR}%",
        french_fixed(part * Decimal::ONE_HUNDRED / whole, 2)
    )
}

use rust_decimal::prelude::FromPrimitive;

fn integer(value: u64) -> String {
    french_integer(i64::try_from(value).unwrap_or(i64::MAX))
}

fn key_label(key: PopulationKey) -> &'static str {
    match key {
        PopulationKey::Totale => "population totale",
        PopulationKey::Municipale => "population municipale",
    }
}

/// `Notre-Dame-des-Landes` → `notre-dame-des-landes`, for file names.
pub fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

/// The name of the call letter of a member.
pub fn letter_file_name(member: &MemberLine) -> String {
    format!("appel-{}-{}.html", member.code, slug(&member.nom))
}

fn member_name<'s>(statement: &'s Statement, code: &'s str) -> &'s str {
    statement
        .members
        .iter()
        .find(|member| member.code == code)
        .map_or(code, |member| member.nom.as_str())
}

#[derive(Serialize)]
struct Alert {
    title: String,
    text: String,
}

#[derive(Serialize)]
struct KeyRow {
    code: String,
    nom: String,
    population: String,
    part: String,
}

#[derive(Serialize)]
struct AmountRow {
    label: String,
    amount: String,
}

#[derive(Serialize)]
struct ExpenseRow {
    date: String,
    piece: String,
    libelle: String,
    fournisseur: String,
    ligne: String,
    copil: String,
    montant: String,
    groupe: usize,
}

#[derive(Serialize)]
struct ExcludedRow {
    date: String,
    piece: String,
    libelle: String,
    ligne: String,
    montant: String,
    motif: String,
}

#[derive(Serialize)]
struct ShareRow {
    code: String,
    nom: String,
    population: String,
    jours: String,
    cle: String,
    part: String,
    montant: String,
}

#[derive(Serialize)]
struct GroupView {
    numero: usize,
    membres: String,
    nombre_membres: usize,
    nombre_depenses: usize,
    total: String,
    parts: Vec<ShareRow>,
    somme: String,
}

#[derive(Serialize)]
struct StaffRow {
    ligne: String,
    fonction: String,
    heures: String,
    cout_horaire: String,
    valeur: String,
}

#[derive(Serialize)]
struct SummaryRow {
    code: String,
    nom: String,
    population: String,
    depenses: String,
    personnel: String,
    total: String,
    a_appeler: String,
    porteur: bool,
}

#[derive(Serialize)]
struct Check {
    label: String,
    left: String,
    right: String,
    ok: bool,
}

#[derive(Serialize)]
struct Common {
    style: &'static str,
    reseau: String,
    annee: i32,
    date_appel: String,
    origine_date: String,
    millesime: i32,
    en_vigueur: String,
    source: String,
    cle: &'static str,
    porteur: String,
    porteur_code: String,
    appeler_personnel: bool,
    article: &'static str,
}

#[derive(Serialize)]
struct StatementView {
    common: Common,
    alertes: Vec<Alert>,
    cle_lignes: Vec<KeyRow>,
    cle_total: String,
    budget: Option<String>,
    budget_lignes: Vec<AmountRow>,
    budget_total: String,
    budget_ecart: Option<String>,
    budget_depasse: bool,
    retenues: Vec<ExpenseRow>,
    retenues_total: String,
    exclues: Vec<ExcludedRow>,
    exclues_total: String,
    groupes: Vec<GroupView>,
    personnel: Vec<StaffRow>,
    personnel_lignes: Vec<AmountRow>,
    personnel_total: String,
    personnel_parts: Vec<ShareRow>,
    personnel_somme: String,
    jours_annee: u32,
    synthese: Vec<SummaryRow>,
    totaux: SummaryRow,
    controles: Vec<Check>,
}

#[derive(Serialize)]
struct LetterGroup {
    periode: String,
    nombre_depenses: usize,
    nombre_membres: usize,
    total: String,
    cle: String,
    part_cle: String,
    montant: String,
}

#[derive(Serialize)]
struct LetterView {
    common: Common,
    code: String,
    nom: String,
    periode: String,
    membre_toute_annee: bool,
    population: String,
    groupes: Vec<LetterGroup>,
    depenses: String,
    personnel_total: String,
    personnel_cle: String,
    personnel: String,
    du: String,
    reference: String,
}

fn common(statement: &Statement) -> Common {
    Common {
        style: STYLE,
        reseau: statement.network_name.clone(),
        annee: statement.year,
        date_appel: french_long_date(statement.call_date),
        origine_date: match statement.call_date_origin {
            CallDateOrigin::Given => "date indiquée pour l'appel".to_string(),
            CallDateOrigin::Journee => format!("date de la journée annuelle {}", statement.year),
            CallDateOrigin::EndOfYear => format!(
                "aucune journée annuelle n'est enregistrée pour {} : 31 décembre par défaut",
                statement.year
            ),
        },
        millesime: statement.key.millesime,
        en_vigueur: french_long_date(statement.key.en_vigueur),
        source: statement.key.source.clone(),
        cle: key_label(statement.key.cle),
        porteur: statement.carrier_name.clone(),
        porteur_code: statement.carrier.clone(),
        appeler_personnel: statement.appeler_personnel,
        article: ARTICLE,
    }
}

fn alerts(statement: &Statement) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if let (Some(overrun), Some(budget)) = (statement.budget.overrun, statement.budget.budget) {
        alerts.push(Alert {
            title: format!(
                "Budget {} dépassé de {}",
                statement.year,
                french_money(overrun)
            ),
            text: format!(
                "Les dépenses validées ({}) dépassent le budget voté ({}). Elles sont \
                 réparties quand même, comme le prévoit la convention ; le dépassement est \
                 à présenter au comité de pilotage.",
                french_money(statement.budget.total),
                french_money(budget)
            ),
        });
    }
    match &statement.convention {
        ConventionStatus::InForce { .. } => {}
        ConventionStatus::EndingSoon { debut, fin } => alerts.push(Alert {
            title: "Convention à renégocier".to_string(),
            text: format!(
                "La convention en vigueur (du {} au {}) prend fin moins de six mois après \
                 la date de l'appel, sans renouvellement enregistré : elle doit être \
                 renégociée (article 11).",
                french_date(*debut),
                french_date(*fin)
            ),
        }),
        ConventionStatus::None => alerts.push(Alert {
            title: "Aucune convention en vigueur".to_string(),
            text: format!(
                "Aucune période de convention enregistrée dans reseau.toml ne couvre le {} \
                 (date de l'appel) : la convention doit être renégociée (article 11).",
                french_date(statement.call_date)
            ),
        }),
    }
    if statement.budget.budget.is_none() {
        alerts.push(Alert {
            title: format!("Pas de budget {}", statement.year),
            text: format!(
                "reseau.toml ne donne pas de budget pour {} : les dépenses ne peuvent pas \
                 être comparées au budget voté.",
                statement.year
            ),
        });
    }
    alerts
}

fn summary_row(member: &MemberLine) -> SummaryRow {
    SummaryRow {
        code: member.code.clone(),
        nom: member.nom.clone(),
        population: integer(member.population),
        depenses: french_money(member.depenses),
        personnel: french_money(member.personnel),
        total: french_money(member.total),
        a_appeler: french_money(member.a_appeler),
        porteur: member.is_carrier,
    }
}

fn check(label: &str, left: Decimal, right: Decimal) -> Check {
    Check {
        label: label.to_string(),
        left: french_money(left),
        right: french_money(right),
        ok: left == right,
    }
}

fn staff_key(statement: &Statement, population: u64, days: u32) -> Decimal {
    Decimal::from(population) * Decimal::from(days) / Decimal::from(statement.days_in_year)
}

fn statement_view(statement: &Statement) -> StatementView {
    let key_total: u128 = statement
        .members
        .iter()
        .map(|member| u128::from(member.population))
        .sum();
    let groups: Vec<GroupView> = statement
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let weight_total: u128 = group.shares.iter().map(|share| share.weight).sum();
            GroupView {
                numero: index + 1,
                membres: group
                    .members
                    .iter()
                    .map(|code| member_name(statement, code))
                    .collect::<Vec<_>>()
                    .join(", "),
                nombre_membres: group.members.len(),
                nombre_depenses: group.expenses.len(),
                total: french_money(group.total),
                parts: group
                    .shares
                    .iter()
                    .map(|share| ShareRow {
                        code: share.code.clone(),
                        nom: member_name(statement, &share.code).to_string(),
                        population: integer(u64::try_from(share.weight).unwrap_or(u64::MAX)),
                        jours: String::new(),
                        cle: String::new(),
                        part: percent(share.weight, weight_total),
                        montant: french_money(share.amount),
                    })
                    .collect(),
                somme: french_money(group.shares.iter().map(|share| share.amount).sum()),
            }
        })
        .collect();
    let staff_weight_total: u128 = statement
        .staff_shares
        .iter()
        .map(|share| share.share.weight)
        .sum();
    let expense_shares_total: Decimal = statement
        .groups
        .iter()
        .flat_map(|group| &group.shares)
        .map(|share| share.amount)
        .sum();
    let staff_shares_total: Decimal = statement
        .staff_shares
        .iter()
        .map(|share| share.share.amount)
        .sum();
    let carrier_total: Decimal = statement
        .members
        .iter()
        .filter(|member| member.is_carrier)
        .map(|member| member.total)
        .sum();
    let not_called_staff: Decimal = if statement.appeler_personnel {
        Decimal::ZERO
    } else {
        statement
            .members
            .iter()
            .filter(|member| !member.is_carrier)
            .map(|member| member.personnel)
            .sum()
    };
    let mut controles = vec![
        check(
            "Somme des parts de dépenses = total des dépenses retenues",
            expense_shares_total,
            statement.budget.total,
        ),
        check(
            "Somme des parts de personnel = total du temps de personnel",
            staff_shares_total,
            statement.staff_total,
        ),
        check(
            "Total des CCAS = dépenses retenues + personnel",
            statement.totals.total,
            statement.budget.total + statement.staff_total,
        ),
    ];
    controles.push(check(
        if statement.appeler_personnel {
            "Total à appeler = total − part du porteur"
        } else {
            "Total à appeler = total − part du porteur − personnel non appelé"
        },
        statement.totals.a_appeler,
        statement.totals.total - carrier_total - not_called_staff,
    ));
    StatementView {
        common: common(statement),
        alertes: alerts(statement),
        cle_lignes: statement
            .members
            .iter()
            .map(|member| KeyRow {
                code: member.code.clone(),
                nom: member.nom.clone(),
                population: integer(member.population),
                part: percent(u128::from(member.population), key_total),
            })
            .collect(),
        cle_total: integer(u64::try_from(key_total).unwrap_or(u64::MAX)),
        budget: statement.budget.budget.map(french_money),
        budget_lignes: statement
            .budget
            .per_line
            .iter()
            .map(|(line, amount)| AmountRow {
                label: line.clone(),
                amount: french_money(*amount),
            })
            .collect(),
        budget_total: french_money(statement.budget.total),
        budget_ecart: statement
            .budget
            .budget
            .map(|budget| french_money(budget - statement.budget.total)),
        budget_depasse: statement.budget.overrun.is_some(),
        retenues: statement
            .included
            .iter()
            .zip(&statement.group_of)
            .map(|(expense, group)| ExpenseRow {
                date: french_date(expense.date),
                piece: expense.piece.clone(),
                libelle: expense.libelle.clone(),
                fournisseur: expense.fournisseur.clone().unwrap_or_default(),
                ligne: expense.ligne_action.clone(),
                copil: expense
                    .date_validation_copil
                    .map(french_date)
                    .unwrap_or_default(),
                montant: french_money(expense.montant),
                groupe: group + 1,
            })
            .collect(),
        retenues_total: french_money(statement.budget.total),
        exclues: statement
            .excluded
            .iter()
            .map(|excluded| ExcludedRow {
                date: french_date(excluded.expense.date),
                piece: excluded.expense.piece.clone(),
                libelle: excluded.expense.libelle.clone(),
                ligne: excluded.expense.ligne_action.clone(),
                montant: french_money(excluded.expense.montant),
                motif: excluded.exclusion.reason(),
            })
            .collect(),
        exclues_total: french_money(
            statement
                .excluded
                .iter()
                .map(|excluded| excluded.expense.montant)
                .sum(),
        ),
        groupes: groups,
        personnel: statement
            .staff
            .iter()
            .map(|row| StaffRow {
                ligne: row.row.ligne_action.clone(),
                fonction: row.row.fonction.clone(),
                heures: french_fixed(row.row.heures, 2),
                cout_horaire: french_money(row.row.cout_horaire),
                valeur: french_money(row.valeur),
            })
            .collect(),
        personnel_lignes: statement
            .staff_per_line
            .iter()
            .map(|(line, amount)| AmountRow {
                label: line.clone(),
                amount: french_money(*amount),
            })
            .collect(),
        personnel_total: french_money(statement.staff_total),
        personnel_parts: statement
            .staff_shares
            .iter()
            .map(|share| ShareRow {
                code: share.share.code.clone(),
                nom: member_name(statement, &share.share.code).to_string(),
                population: integer(share.population),
                jours: format!("{} / {}", share.days, statement.days_in_year),
                cle: french_fixed(staff_key(statement, share.population, share.days), 2),
                part: percent(share.share.weight, staff_weight_total),
                montant: french_money(share.share.amount),
            })
            .collect(),
        personnel_somme: french_money(staff_shares_total),
        jours_annee: statement.days_in_year,
        synthese: statement.members.iter().map(summary_row).collect(),
        totaux: SummaryRow {
            code: "RESEAU".to_string(),
            nom: "Total du réseau".to_string(),
            population: cle_total_text(key_total),
            depenses: french_money(statement.totals.depenses),
            personnel: french_money(statement.totals.personnel),
            total: french_money(statement.totals.total),
            a_appeler: french_money(statement.totals.a_appeler),
            porteur: false,
        },
        controles,
    }
}

fn cle_total_text(total: u128) -> String {
    integer(u64::try_from(total).unwrap_or(u64::MAX))
}

fn period(from: NaiveDate, to: NaiveDate) -> String {
    format!("du {} au {}", french_long_date(from), french_long_date(to))
}

fn letter_view(statement: &Statement, member: &MemberLine) -> LetterView {
    let groups = statement
        .groups
        .iter()
        .filter_map(|group| {
            let share = group
                .shares
                .iter()
                .find(|share| share.code == member.code)?;
            let weight_total: u128 = group.shares.iter().map(|share| share.weight).sum();
            let dates: Vec<NaiveDate> = group
                .expenses
                .iter()
                .filter_map(|&index| statement.included.get(index).map(|expense| expense.date))
                .collect();
            let first = dates.iter().min().copied().unwrap_or(statement.call_date);
            let last = dates.iter().max().copied().unwrap_or(statement.call_date);
            Some(LetterGroup {
                periode: if first == last {
                    format!("le {}", french_long_date(first))
                } else {
                    period(first, last)
                },
                nombre_depenses: group.expenses.len(),
                nombre_membres: group.members.len(),
                total: french_money(group.total),
                cle: format!(
                    "{} / {}",
                    integer(u64::try_from(share.weight).unwrap_or(u64::MAX)),
                    cle_total_text(weight_total)
                ),
                part_cle: percent(share.weight, weight_total),
                montant: french_money(share.amount),
            })
        })
        .collect();
    let staff_share = statement
        .staff_shares
        .iter()
        .find(|share| share.share.code == member.code);
    let staff_weight_total: u128 = statement
        .staff_shares
        .iter()
        .map(|share| share.share.weight)
        .sum();
    LetterView {
        common: common(statement),
        code: member.code.clone(),
        nom: member.nom.clone(),
        periode: period(member.from, member.to),
        membre_toute_annee: member.days == statement.days_in_year,
        population: integer(member.population),
        groupes: groups,
        depenses: french_money(member.depenses),
        personnel_total: french_money(statement.staff_total),
        personnel_cle: staff_share.map_or_else(String::new, |share| {
            format!(
                "{} habitants × {} / {} jours, soit {}",
                integer(share.population),
                share.days,
                statement.days_in_year,
                percent(share.share.weight, staff_weight_total)
            )
        }),
        personnel: french_money(member.personnel),
        du: french_money(member.a_appeler),
        reference: format!("RAS-{}-{}", statement.year, member.code),
    }
}

/// Escapes what HTML needs (`&`, `<`, `>`, `"`), leaving `/` and `'` readable in the
/// source of the page (minijinja's default escapes them too).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    _state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let text = value.to_string();
    let text = if value.is_safe() {
        text
    } else {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    out.write_str(&text).map_err(|error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, error.to_string())
    })
}

fn environment() -> Result<minijinja::Environment<'static>, minijinja::Error> {
    let mut environment = minijinja::Environment::new();
    environment.set_formatter(html_formatter);
    environment.set_trim_blocks(true);
    environment.set_lstrip_blocks(true);
    environment.add_template("repartition.html", STATEMENT_TEMPLATE)?;
    environment.add_template("appel.html", LETTER_TEMPLATE)?;
    Ok(environment)
}

fn render_template(name: &str, context: impl Serialize) -> Result<String, RepartitionError> {
    let error = |cause: minijinja::Error| RepartitionError::Render {
        file: name.to_string(),
        cause: cause.to_string(),
    };
    let environment = environment().map_err(error)?;
    let template = environment.get_template(name).map_err(error)?;
    template.render(context).map_err(error)
}

/// The statement as a self-contained HTML page.
pub fn statement_html(statement: &Statement) -> Result<String, RepartitionError> {
    render_template("repartition.html", statement_view(statement))
}

/// The call letter of one member, as a self-contained HTML page.
pub fn letter_html(statement: &Statement, member: &MemberLine) -> Result<String, RepartitionError> {
    render_template("appel.html", letter_view(statement, member))
}

/// A euro amount for machines: `1234.56`.
fn dotted(amount: Decimal) -> String {
    crate::french::money(amount).to_string()
}

/// A euro amount for French spreadsheets: `1234,56`.
fn comma(amount: Decimal) -> String {
    dotted(amount).replace('.', ",")
}

/// `repartition.csv`: `;`, UTF-8 with a byte-order mark, decimal comma, one line per
/// member then the network's line (`RESEAU`).
pub fn csv(statement: &Statement) -> Vec<u8> {
    let mut out = String::from(
        "\u{feff}code_commune;commune;population;depenses;personnel;total;a_appeler\r\n",
    );
    let field = |text: &str| {
        if text.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    for member in &statement.members {
        let _ = write!(
            out,
            "{};{};{};{};{};{};{}\r\n",
            field(&member.code),
            field(&member.nom),
            member.population,
            comma(member.depenses),
            comma(member.personnel),
            comma(member.total),
            comma(member.a_appeler)
        );
    }
    let population: u64 = statement
        .members
        .iter()
        .map(|member| member.population)
        .sum();
    let _ = write!(
        out,
        "RESEAU;{};{};{};{};{};{}\r\n",
        field(&statement.network_name),
        population,
        comma(statement.totals.depenses),
        comma(statement.totals.personnel),
        comma(statement.totals.total),
        comma(statement.totals.a_appeler)
    );
    out.into_bytes()
}

#[derive(Serialize)]
struct JsonLine {
    code_commune: String,
    commune: String,
    population: u64,
    depenses: String,
    personnel: String,
    total: String,
    a_appeler: String,
}

#[derive(Serialize)]
struct JsonTotals {
    depenses: String,
    personnel: String,
    total: String,
    a_appeler: String,
}

#[derive(Serialize)]
struct JsonExcluded {
    piece: String,
    montant: String,
    motif: String,
}

#[derive(Serialize)]
struct JsonStatement {
    annee: i32,
    date_appel: String,
    millesime: i32,
    cle_population: &'static str,
    lignes: Vec<JsonLine>,
    totaux: JsonTotals,
    exclues: Vec<JsonExcluded>,
}

/// `repartition.json`, in the shape the issue gives.
pub fn json(statement: &Statement) -> Result<Vec<u8>, RepartitionError> {
    let document = JsonStatement {
        annee: statement.year,
        date_appel: statement.call_date.format("%Y-%m-%d").to_string(),
        millesime: statement.key.millesime,
        cle_population: statement.key.cle.label(),
        lignes: statement
            .members
            .iter()
            .map(|member| JsonLine {
                code_commune: member.code.clone(),
                commune: member.nom.clone(),
                population: member.population,
                depenses: dotted(member.depenses),
                personnel: dotted(member.personnel),
                total: dotted(member.total),
                a_appeler: dotted(member.a_appeler),
            })
            .collect(),
        totaux: JsonTotals {
            depenses: dotted(statement.totals.depenses),
            personnel: dotted(statement.totals.personnel),
            total: dotted(statement.totals.total),
            a_appeler: dotted(statement.totals.a_appeler),
        },
        exclues: statement
            .excluded
            .iter()
            .map(|excluded| JsonExcluded {
                piece: excluded.expense.piece.clone(),
                montant: dotted(excluded.expense.montant),
                motif: excluded.exclusion.reason(),
            })
            .collect(),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&document).map_err(|error| RepartitionError::Render {
            file: "repartition.json".to_string(),
            cause: error.to_string(),
        })?;
    bytes.push(b'\n');
    Ok(bytes)
}

mod xlsx {
    //! `repartition.xlsx`: the statement's tables, amounts as numbers in euro format.
    //!
    //! A spreadsheet cell holds a binary floating-point number: amounts are converted from
    //! their exact decimal value only here, at the very end, and print back to the cent.

    use super::{Statement, ToPrimitive};
    use chrono::{Datelike, NaiveDate};
    use rust_decimal::Decimal;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

    struct Formats {
        header: Format,
        euro: Format,
        integer: Format,
        date: Format,
        bold_euro: Format,
        bold: Format,
    }

    fn euro_cell(
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        amount: Decimal,
        format: &Format,
    ) -> Result<(), XlsxError> {
        // An xlsx cell stores a binary double: the amount, computed exactly in Decimal, is
        // converted only here, and an amount that cannot be is written as text, never as 0.
        match amount.to_f64() {
            Some(number) => sheet.write_number_with_format(row, column, number, format)?,
            None => sheet.write_string(row, column, amount.to_string())?,
        };
        Ok(())
    }

    /// A whole number (a population, a key weight) as a number cell: a double holds every
    /// integer up to 2^53 exactly; a larger one is written as text rather than rounded.
    fn integer_cell(
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        value: impl Into<u128>,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let value: u128 = value.into();
        match u32::try_from(value) {
            Ok(small) => sheet.write_number_with_format(row, column, small, format)?,
            Err(_) => sheet.write_string_with_format(row, column, value.to_string(), format)?,
        };
        Ok(())
    }

    /// Hours as a number cell, or as text if they cannot be one (never as 0).
    fn hours_cell(
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        hours: Decimal,
    ) -> Result<(), XlsxError> {
        match hours.to_f64() {
            Some(number) => sheet.write_number(row, column, number)?,
            None => sheet.write_string(row, column, hours.to_string())?,
        };
        Ok(())
    }

    fn date_cell(
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        date: NaiveDate,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let excel = ExcelDateTime::from_ymd(
            u16::try_from(date.year()).unwrap_or(1900),
            u8::try_from(date.month()).unwrap_or(1),
            u8::try_from(date.day()).unwrap_or(1),
        )?;
        sheet.write_datetime_with_format(row, column, &excel, format)?;
        Ok(())
    }

    fn headers(
        sheet: &mut Worksheet,
        row: u32,
        names: &[&str],
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        for (column, name) in names.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            sheet.write_string_with_format(row, column, *name, &formats.header)?;
            sheet.set_column_width(column, if column == 0 { 14 } else { 18 })?;
        }
        Ok(())
    }

    fn summary(
        workbook: &mut Workbook,
        statement: &Statement,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Répartition")?;
        headers(
            sheet,
            0,
            &[
                "code_commune",
                "commune",
                "population",
                "depenses",
                "personnel",
                "total",
                "a_appeler",
            ],
            formats,
        )?;
        sheet.set_column_width(1, 26)?;
        let mut row = 1;
        for member in &statement.members {
            sheet.write_string(row, 0, &member.code)?;
            sheet.write_string(row, 1, &member.nom)?;
            integer_cell(sheet, row, 2, member.population, &formats.integer)?;
            euro_cell(sheet, row, 3, member.depenses, &formats.euro)?;
            euro_cell(sheet, row, 4, member.personnel, &formats.euro)?;
            euro_cell(sheet, row, 5, member.total, &formats.euro)?;
            euro_cell(sheet, row, 6, member.a_appeler, &formats.euro)?;
            row += 1;
        }
        let population: u64 = statement
            .members
            .iter()
            .map(|member| member.population)
            .sum();
        sheet.write_string_with_format(row, 0, "RESEAU", &formats.bold)?;
        sheet.write_string_with_format(row, 1, &statement.network_name, &formats.bold)?;
        integer_cell(sheet, row, 2, population, &formats.integer)?;
        euro_cell(sheet, row, 3, statement.totals.depenses, &formats.bold_euro)?;
        euro_cell(
            sheet,
            row,
            4,
            statement.totals.personnel,
            &formats.bold_euro,
        )?;
        euro_cell(sheet, row, 5, statement.totals.total, &formats.bold_euro)?;
        euro_cell(
            sheet,
            row,
            6,
            statement.totals.a_appeler,
            &formats.bold_euro,
        )?;
        row += 2;
        sheet.write_string(
            row,
            0,
            format!(
                "Exercice {} ; appel du {} ; clé : population {} du millésime {} ({})",
                statement.year,
                super::french_date(statement.call_date),
                statement.key.cle.label(),
                statement.key.millesime,
                statement.key.source
            ),
        )?;
        Ok(())
    }

    fn expenses(
        workbook: &mut Workbook,
        statement: &Statement,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Dépenses")?;
        headers(
            sheet,
            0,
            &[
                "Date",
                "N° de pièce",
                "Libellé",
                "Fournisseur",
                "Ligne d'action",
                "Validation COPIL",
                "Montant TTC",
                "Statut",
                "Motif d'exclusion",
            ],
            formats,
        )?;
        sheet.set_column_width(2, 40)?;
        sheet.set_column_width(8, 40)?;
        let included =
            statement
                .included
                .iter()
                .zip(&statement.group_of)
                .map(|(expense, group)| {
                    (
                        expense,
                        format!("retenue (groupe {})", group + 1),
                        String::new(),
                    )
                });
        let excluded = statement.excluded.iter().map(|excluded| {
            (
                &excluded.expense,
                "exclue".to_string(),
                excluded.exclusion.reason(),
            )
        });
        for (row, (expense, status, reason)) in (1..).zip(included.chain(excluded)) {
            date_cell(sheet, row, 0, expense.date, &formats.date)?;
            sheet.write_string(row, 1, &expense.piece)?;
            sheet.write_string(row, 2, &expense.libelle)?;
            sheet.write_string(row, 3, expense.fournisseur.as_deref().unwrap_or(""))?;
            sheet.write_string(row, 4, &expense.ligne_action)?;
            if let Some(validation) = expense.date_validation_copil {
                date_cell(sheet, row, 5, validation, &formats.date)?;
            }
            euro_cell(sheet, row, 6, expense.montant, &formats.euro)?;
            sheet.write_string(row, 7, &status)?;
            sheet.write_string(row, 8, &reason)?;
        }
        Ok(())
    }

    fn shares(
        workbook: &mut Workbook,
        statement: &Statement,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Parts")?;
        headers(
            sheet,
            0,
            &[
                "Groupe",
                "code_commune",
                "commune",
                "Clé",
                "Jours d'adhésion",
                "Montant du groupe",
                "Part",
            ],
            formats,
        )?;
        let mut row = 1;
        for (index, group) in statement.groups.iter().enumerate() {
            for share in &group.shares {
                sheet.write_string(row, 0, format!("Dépenses, groupe {}", index + 1))?;
                sheet.write_string(row, 1, &share.code)?;
                sheet.write_string(row, 2, super::member_name(statement, &share.code))?;
                integer_cell(sheet, row, 3, share.weight, &formats.integer)?;
                euro_cell(sheet, row, 5, group.total, &formats.euro)?;
                euro_cell(sheet, row, 6, share.amount, &formats.euro)?;
                row += 1;
            }
        }
        for share in &statement.staff_shares {
            sheet.write_string(row, 0, "Temps de personnel")?;
            sheet.write_string(row, 1, &share.share.code)?;
            sheet.write_string(row, 2, super::member_name(statement, &share.share.code))?;
            integer_cell(sheet, row, 3, share.population, &formats.integer)?;
            sheet.write_number(row, 4, share.days)?;
            euro_cell(sheet, row, 5, statement.staff_total, &formats.euro)?;
            euro_cell(sheet, row, 6, share.share.amount, &formats.euro)?;
            row += 1;
        }
        Ok(())
    }

    fn staff(
        workbook: &mut Workbook,
        statement: &Statement,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Personnel")?;
        headers(
            sheet,
            0,
            &[
                "Ligne d'action",
                "Fonction",
                "Heures",
                "Coût horaire",
                "Valeur",
            ],
            formats,
        )?;
        sheet.set_column_width(0, 24)?;
        sheet.set_column_width(1, 30)?;
        let mut row = 1;
        for valued in &statement.staff {
            sheet.write_string(row, 0, &valued.row.ligne_action)?;
            sheet.write_string(row, 1, &valued.row.fonction)?;
            hours_cell(sheet, row, 2, valued.row.heures)?;
            euro_cell(sheet, row, 3, valued.row.cout_horaire, &formats.euro)?;
            euro_cell(sheet, row, 4, valued.valeur, &formats.euro)?;
            row += 1;
        }
        sheet.write_string_with_format(row, 0, "Total", &formats.bold)?;
        euro_cell(sheet, row, 4, statement.staff_total, &formats.bold_euro)?;
        Ok(())
    }

    fn budget(
        workbook: &mut Workbook,
        statement: &Statement,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Budget")?;
        headers(sheet, 0, &["Ligne d'action", "Dépenses validées"], formats)?;
        sheet.set_column_width(0, 28)?;
        let mut row = 1;
        for (line, amount) in &statement.budget.per_line {
            sheet.write_string(row, 0, line)?;
            euro_cell(sheet, row, 1, *amount, &formats.euro)?;
            row += 1;
        }
        sheet.write_string_with_format(row, 0, "Total", &formats.bold)?;
        euro_cell(sheet, row, 1, statement.budget.total, &formats.bold_euro)?;
        row += 1;
        if let Some(budget) = statement.budget.budget {
            sheet.write_string(row, 0, "Budget voté")?;
            euro_cell(sheet, row, 1, budget, &formats.euro)?;
            row += 1;
            sheet.write_string(row, 0, "Dépassement")?;
            euro_cell(
                sheet,
                row,
                1,
                statement.budget.overrun.unwrap_or(Decimal::ZERO),
                &formats.euro,
            )?;
        } else {
            sheet.write_string(row, 0, "Budget voté : aucun dans reseau.toml")?;
        }
        Ok(())
    }

    pub fn workbook(statement: &Statement) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        // A fixed creation date keeps the same statement giving the same bytes.
        workbook.set_properties(
            &DocProperties::new()
                .set_title("Répartition des coûts du réseau")
                .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 1)?),
        );
        let euro_pattern = "#,##0.00\\ \"€\"";
        let formats = Formats {
            header: Format::new().set_bold().set_text_wrap(),
            euro: Format::new().set_num_format(euro_pattern),
            integer: Format::new().set_num_format("#,##0"),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            bold_euro: Format::new().set_bold().set_num_format(euro_pattern),
            bold: Format::new().set_bold(),
        };
        summary(&mut workbook, statement, &formats)?;
        expenses(&mut workbook, statement, &formats)?;
        shares(&mut workbook, statement, &formats)?;
        staff(&mut workbook, statement, &formats)?;
        budget(&mut workbook, statement, &formats)?;
        workbook.save_to_buffer()
    }
}

/// Every output file, by name, rendered in memory.
pub fn render_all(statement: &Statement) -> Result<Vec<(String, Vec<u8>)>, RepartitionError> {
    let mut files = vec![(
        "repartition.html".to_string(),
        statement_html(statement)?.into_bytes(),
    )];
    for member in statement.called() {
        files.push((
            letter_file_name(member),
            letter_html(statement, member)?.into_bytes(),
        ));
    }
    let workbook = xlsx::workbook(statement).map_err(|error| RepartitionError::Render {
        file: "repartition.xlsx".to_string(),
        cause: error.to_string(),
    })?;
    files.push(("repartition.xlsx".to_string(), workbook));
    files.push(("repartition.csv".to_string(), csv(statement)));
    files.push(("repartition.json".to_string(), json(statement)?));
    Ok(files)
}

/// A short French summary for the terminal.
pub fn render_summary(statement: &Statement) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Répartition {} : appel du {} ; clé : {} {} ({})",
        statement.year,
        french_date(statement.call_date),
        key_label(statement.key.cle),
        statement.key.millesime,
        statement.key.source
    );
    for alert in alerts(statement) {
        let _ = writeln!(out, "  attention : {}", alert.title);
    }
    let _ = writeln!(
        out,
        "  dépenses retenues : {} ({} dépense(s), {} groupe(s)) ; exclues : {}",
        french_money(statement.budget.total),
        statement.included.len(),
        statement.groups.len(),
        statement.excluded.len()
    );
    let _ = writeln!(
        out,
        "  temps de personnel : {}{}",
        french_money(statement.staff_total),
        if statement.appeler_personnel {
            ""
        } else {
            " (montré, non appelé)"
        }
    );
    for member in &statement.members {
        let called = if member.is_carrier {
            "porteur, non appelé".to_string()
        } else {
            format!("à appeler {}", french_money(member.a_appeler))
        };
        let _ = writeln!(
            out,
            "  {} {} : total {} ; {called}",
            member.code,
            member.nom,
            french_money(member.total)
        );
    }
    let _ = writeln!(
        out,
        "Total : {} ; à appeler : {}",
        french_money(statement.totals.total),
        french_money(statement.totals.a_appeler)
    );
    out
}
