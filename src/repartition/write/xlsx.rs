//! `repartition.xlsx`: the statement's tables, amounts as numbers in euro format.
//!
//! A spreadsheet cell holds a binary floating-point number: amounts are converted from
//! their exact decimal value only here, at the very end, and print back to the cent.

use crate::output::{xlsx_properties, XLSX_CREATED};
use crate::repartition::{french_date, Statement};
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

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
        sheet.write_string(row, 1, &member.name)?;
        integer_cell(sheet, row, 2, member.population, &formats.integer)?;
        euro_cell(sheet, row, 3, member.expenses, &formats.euro)?;
        euro_cell(sheet, row, 4, member.staff, &formats.euro)?;
        euro_cell(sheet, row, 5, member.total, &formats.euro)?;
        euro_cell(sheet, row, 6, member.to_call, &formats.euro)?;
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
    euro_cell(sheet, row, 3, statement.totals.expenses, &formats.bold_euro)?;
    euro_cell(sheet, row, 4, statement.totals.staff, &formats.bold_euro)?;
    euro_cell(sheet, row, 5, statement.totals.total, &formats.bold_euro)?;
    euro_cell(sheet, row, 6, statement.totals.to_call, &formats.bold_euro)?;
    row += 2;
    sheet.write_string(
        row,
        0,
        format!(
            "Exercice {} ; appel du {} ; clé : population {} du millésime {} ({})",
            statement.year,
            french_date(statement.call_date),
            statement.key.key.label(),
            statement.key.vintage,
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
    let included = statement
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
        sheet.write_string(row, 1, &expense.supporting_document)?;
        sheet.write_string(row, 2, &expense.label)?;
        sheet.write_string(row, 3, expense.supplier.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 4, &expense.action_line)?;
        if let Some(validation) = expense.copil_validation_date {
            date_cell(sheet, row, 5, validation, &formats.date)?;
        }
        euro_cell(sheet, row, 6, expense.amount, &formats.euro)?;
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
        sheet.write_string(row, 0, &valued.row.action_line)?;
        sheet.write_string(row, 1, &valued.row.role)?;
        hours_cell(sheet, row, 2, valued.row.hours)?;
        euro_cell(sheet, row, 3, valued.row.hourly_cost, &formats.euro)?;
        euro_cell(sheet, row, 4, valued.value, &formats.euro)?;
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

/// The workbook's bytes: one sheet per table of the statement.
pub(super) fn workbook(statement: &Statement) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&xlsx_properties(
        Some("Répartition des coûts du réseau"),
        None,
        XLSX_CREATED,
    )?);
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
