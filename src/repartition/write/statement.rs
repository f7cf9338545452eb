//! The statement page (`repartition.html`): the view its template renders, every figure
//! already written the French way.

use super::alerts::{alerts, Alert};
use super::html::{common, render_template, Common};
use super::{cle_total_text, french_fixed, integer, member_name, percent};
use crate::french::french_money;
use crate::repartition::{french_date, MemberLine, RepartitionError, Statement};
use rust_decimal::Decimal;
use serde::Serialize;

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

fn summary_row(member: &MemberLine) -> SummaryRow {
    SummaryRow {
        code: member.code.clone(),
        nom: member.name.clone(),
        population: integer(member.population),
        depenses: french_money(member.expenses),
        personnel: french_money(member.staff),
        total: french_money(member.total),
        a_appeler: french_money(member.to_call),
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

/// The sum of the members' populations: the key's total.
fn key_total(statement: &Statement) -> u128 {
    statement
        .members
        .iter()
        .map(|member| u128::from(member.population))
        .sum()
}

/// The key's table: each member's population and its part of the network's.
fn key_rows(statement: &Statement, key_total: u128) -> Vec<KeyRow> {
    statement
        .members
        .iter()
        .map(|member| KeyRow {
            code: member.code.clone(),
            nom: member.name.clone(),
            population: integer(member.population),
            part: percent(u128::from(member.population), key_total),
        })
        .collect()
}

/// Amounts per action line (budget or staff time).
fn amount_rows(per_line: &[(String, Decimal)]) -> Vec<AmountRow> {
    per_line
        .iter()
        .map(|(line, amount)| AmountRow {
            label: line.clone(),
            amount: french_money(*amount),
        })
        .collect()
}

/// The shared expenses, each with its group.
fn included_rows(statement: &Statement) -> Vec<ExpenseRow> {
    statement
        .included
        .iter()
        .zip(&statement.group_of)
        .map(|(expense, group)| ExpenseRow {
            date: french_date(expense.date),
            piece: expense.supporting_document.clone(),
            libelle: expense.label.clone(),
            fournisseur: expense.supplier.clone().unwrap_or_default(),
            ligne: expense.action_line.clone(),
            copil: expense
                .copil_validation_date
                .map(french_date)
                .unwrap_or_default(),
            montant: french_money(expense.amount),
            groupe: group + 1,
        })
        .collect()
}

/// The expenses not shared, each with its reason.
fn excluded_rows(statement: &Statement) -> Vec<ExcludedRow> {
    statement
        .excluded
        .iter()
        .map(|excluded| ExcludedRow {
            date: french_date(excluded.expense.date),
            piece: excluded.expense.supporting_document.clone(),
            libelle: excluded.expense.label.clone(),
            ligne: excluded.expense.action_line.clone(),
            montant: french_money(excluded.expense.amount),
            motif: excluded.exclusion.reason(),
        })
        .collect()
}

/// One view per expense group, with its members' shares.
fn group_views(statement: &Statement) -> Vec<GroupView> {
    statement
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
        .collect()
}

/// The staff-time rows, valued.
fn staff_rows(statement: &Statement) -> Vec<StaffRow> {
    statement
        .staff
        .iter()
        .map(|row| StaffRow {
            ligne: row.row.action_line.clone(),
            fonction: row.row.role.clone(),
            heures: french_fixed(row.row.hours, 2),
            cout_horaire: french_money(row.row.hourly_cost),
            valeur: french_money(row.value),
        })
        .collect()
}

/// The staff-time shares, with the days of membership behind each key.
fn staff_share_rows(statement: &Statement) -> Vec<ShareRow> {
    let staff_weight_total: u128 = statement
        .staff_shares
        .iter()
        .map(|share| share.share.weight)
        .sum();
    statement
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
        .collect()
}

/// The sum of the staff-time shares.
fn staff_shares_total(statement: &Statement) -> Decimal {
    statement
        .staff_shares
        .iter()
        .map(|share| share.share.amount)
        .sum()
}

/// The checks the statement shows: each total against the sum of its parts.
fn controls(statement: &Statement) -> Vec<Check> {
    let expense_shares_total: Decimal = statement
        .groups
        .iter()
        .flat_map(|group| &group.shares)
        .map(|share| share.amount)
        .sum();
    let carrier_total: Decimal = statement
        .members
        .iter()
        .filter(|member| member.is_carrier)
        .map(|member| member.total)
        .sum();
    let not_called_staff: Decimal = if statement.call_staff {
        Decimal::ZERO
    } else {
        statement
            .members
            .iter()
            .filter(|member| !member.is_carrier)
            .map(|member| member.staff)
            .sum()
    };
    vec![
        check(
            "Somme des parts de dépenses = total des dépenses retenues",
            expense_shares_total,
            statement.budget.total,
        ),
        check(
            "Somme des parts de personnel = total du temps de personnel",
            staff_shares_total(statement),
            statement.staff_total,
        ),
        check(
            "Total des CCAS = dépenses retenues + personnel",
            statement.totals.total,
            statement.budget.total + statement.staff_total,
        ),
        check(
            if statement.call_staff {
                "Total à appeler = total − part du porteur"
            } else {
                "Total à appeler = total − part du porteur − personnel non appelé"
            },
            statement.totals.to_call,
            statement.totals.total - carrier_total - not_called_staff,
        ),
    ]
}

/// The network's line under the summary table.
fn network_row(statement: &Statement, key_total: u128) -> SummaryRow {
    SummaryRow {
        code: "RESEAU".to_string(),
        nom: "Total du réseau".to_string(),
        population: cle_total_text(key_total),
        depenses: french_money(statement.totals.expenses),
        personnel: french_money(statement.totals.staff),
        total: french_money(statement.totals.total),
        a_appeler: french_money(statement.totals.to_call),
        porteur: false,
    }
}

/// Everything the statement's template shows, written the French way.
fn statement_view(statement: &Statement) -> StatementView {
    let key_total = key_total(statement);
    StatementView {
        common: common(statement),
        alertes: alerts(statement),
        cle_lignes: key_rows(statement, key_total),
        cle_total: cle_total_text(key_total),
        budget: statement.budget.budget.map(french_money),
        budget_lignes: amount_rows(&statement.budget.per_line),
        budget_total: french_money(statement.budget.total),
        budget_ecart: statement
            .budget
            .budget
            .map(|budget| french_money(budget - statement.budget.total)),
        budget_depasse: statement.budget.overrun.is_some(),
        retenues: included_rows(statement),
        retenues_total: french_money(statement.budget.total),
        exclues: excluded_rows(statement),
        exclues_total: french_money(
            statement
                .excluded
                .iter()
                .map(|excluded| excluded.expense.amount)
                .sum(),
        ),
        groupes: group_views(statement),
        personnel: staff_rows(statement),
        personnel_lignes: amount_rows(&statement.staff_per_line),
        personnel_total: french_money(statement.staff_total),
        personnel_parts: staff_share_rows(statement),
        personnel_somme: french_money(staff_shares_total(statement)),
        jours_annee: statement.days_in_year,
        synthese: statement.members.iter().map(summary_row).collect(),
        totaux: network_row(statement, key_total),
        controles: controls(statement),
    }
}

/// The statement as a self-contained HTML page.
pub fn statement_html(statement: &Statement) -> Result<String, RepartitionError> {
    render_template("repartition.html", statement_view(statement))
}

const STATEMENT_PDF: &str = include_str!("templates/repartition.typ");

/// The statement as A4 PDF, from the same view.
pub fn statement_pdf(statement: &Statement) -> Result<Vec<u8>, RepartitionError> {
    let failed = |error: crate::print::PrintError| RepartitionError::Render {
        file: "repartition.pdf".to_string(),
        cause: error.to_string(),
    };
    let document = crate::print::Document {
        template: STATEMENT_PDF,
        data: crate::print::data(&statement_view(statement)).map_err(failed)?,
        files: Default::default(),
        ident: format!("observatoire-repartition-{}", statement.year),
        date: None,
    };
    crate::print::pdf(&document).map_err(failed)
}
