//! The call letter of one member (`appel-<code>-<nom>.html`): the view its template
//! renders.

use super::html::{common, render_template, Common};
use super::{cle_total_text, integer, percent};
use crate::french::{euros_in_words, french_long_date, french_money};
use crate::repartition::{MemberLine, RepartitionError, Statement};
use chrono::NaiveDate;
use serde::Serialize;

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
    /// The amount due in words, for the PDF letter.
    du_en_lettres: String,
    reference: String,
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
        nom: member.name.clone(),
        periode: period(member.from, member.to),
        membre_toute_annee: member.days == statement.days_in_year,
        population: integer(member.population),
        groupes: groups,
        depenses: french_money(member.expenses),
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
        personnel: french_money(member.staff),
        du: french_money(member.to_call),
        du_en_lettres: euros_in_words(member.to_call),
        reference: format!("RAS-{}-{}", statement.year, member.code),
    }
}

/// The call letter of one member, as a self-contained HTML page.
pub fn letter_html(statement: &Statement, member: &MemberLine) -> Result<String, RepartitionError> {
    render_template("appel.html", letter_view(statement, member))
}

const LETTER_PDF: &str = include_str!("templates/appel.typ");

/// The call letter of one member as a one-page A4 PDF, from the same view.
pub fn letter_pdf(statement: &Statement, member: &MemberLine) -> Result<Vec<u8>, RepartitionError> {
    let failed = |error: crate::print::PrintError| RepartitionError::Render {
        file: super::letter_file_name(member).replace(".html", ".pdf"),
        cause: error.to_string(),
    };
    let document = crate::print::Document {
        template: LETTER_PDF,
        data: crate::print::data(&letter_view(statement, member)).map_err(failed)?,
        files: Default::default(),
        ident: format!("observatoire-appel-{}-{}", statement.year, member.code),
        date: None,
    };
    crate::print::pdf(&document).map_err(failed)
}
