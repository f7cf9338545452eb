//! `bilan.xlsx`: the tables of the evaluation, one sheet each, for whoever wants to
//! rework them (the amounts are numbers in euros, the counts whole numbers).

use super::{ActivityError, Evaluation};
use crate::output::{xlsx_properties, XLSX_CREATED};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell of a table.
enum Cell {
    Text(String),
    Count(i64),
    Euros(Decimal),
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

/// Writes one table on a sheet of its own: a bold header row, then the rows.
fn table(
    workbook: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let euros = Format::new().set_num_format("#,##0.00\\ \"€\"");
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    for (column, header) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, column, *header, &bold)?;
        sheet.set_column_width(column, if column == 0 { 28 } else { 18 })?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(value) => sheet.write_string(row, column, value)?,
                Cell::Count(value) => sheet.write_number(row, column, value as f64)?,
                Cell::Euros(value) => sheet.write_number_with_format(
                    row,
                    column,
                    value.to_f64().unwrap_or_default(),
                    &euros,
                )?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn participants(counts: [i64; 4]) -> impl Iterator<Item = Cell> {
    counts.into_iter().map(Cell::Count)
}

/// The sheets of the COPIL: its meetings, and each member's attendance.
fn copil_sheets(workbook: &mut Workbook, evaluation: &Evaluation) -> Result<(), XlsxError> {
    let copil = evaluation
        .copil
        .iter()
        .map(|meeting| {
            let mut row = vec![
                text(&meeting.date),
                text(&meeting.theme),
                text(&meeting.communes),
            ];
            row.extend(participants(meeting.participants));
            row.push(text(&meeting.follow_up));
            row
        })
        .collect();
    table(
        workbook,
        "COPIL",
        &[
            "Date",
            "Ordre du jour",
            "Communes représentées",
            "Élus",
            "Professionnels",
            "Bénévoles",
            "Autres",
            "Suite donnée",
        ],
        copil,
    )?;
    let attendance = evaluation
        .attendance
        .iter()
        .map(|member| {
            vec![
                text(&member.name),
                text(&member.code),
                Cell::Count(member.present as i64),
                text(if member.never {
                    "jamais représentée"
                } else {
                    ""
                }),
            ]
        })
        .collect();
    table(
        workbook,
        "Présence au COPIL",
        &["Commune", "Code Insee", "Réunions", "Remarque"],
        attendance,
    )
}

/// The sheets of the other actions: totals by instance, then each action.
fn action_sheets(workbook: &mut Workbook, evaluation: &Evaluation) -> Result<(), XlsxError> {
    let totals = evaluation
        .instance_totals
        .iter()
        .map(|total| {
            let mut row = vec![text(&total.instance), Cell::Count(total.meetings as i64)];
            row.extend(participants(total.participants));
            row.push(Cell::Count(total.total));
            row
        })
        .collect();
    table(
        workbook,
        "Actions",
        &[
            "Action",
            "Réunions",
            "Élus",
            "Professionnels",
            "Bénévoles",
            "Autres",
            "Total",
        ],
        totals,
    )?;
    let details = evaluation
        .actions
        .iter()
        .map(|meeting| {
            let mut row = vec![
                text(&meeting.date),
                text(&meeting.instance),
                text(&meeting.theme),
                text(&meeting.communes),
            ];
            row.extend(participants(meeting.participants));
            row.extend([text(&meeting.action_line), text(&meeting.follow_up)]);
            row
        })
        .collect();
    table(
        workbook,
        "Détail des actions",
        &[
            "Date",
            "Action",
            "Thème",
            "Communes",
            "Élus",
            "Professionnels",
            "Bénévoles",
            "Autres",
            "Ligne d'action",
            "Suite donnée",
        ],
        details,
    )
}

/// The sheets of the money, the supporting documents and the key figures.
fn other_sheets(workbook: &mut Workbook, evaluation: &Evaluation) -> Result<(), XlsxError> {
    if let Some(statement) = &evaluation.statement {
        let amount = |per_line: &[(String, Decimal)], line: &str| {
            per_line
                .iter()
                .find(|(name, _)| name == line)
                .map_or(Decimal::ZERO, |(_, amount)| *amount)
        };
        let mut rows: Vec<Vec<Cell>> = crate::repartition::ACTION_LINES
            .iter()
            .map(|line| {
                vec![
                    text(*line),
                    Cell::Euros(amount(&statement.budget.per_line, line)),
                    Cell::Euros(amount(&statement.staff_per_line, line)),
                ]
            })
            .collect();
        rows.push(vec![
            text("Total"),
            Cell::Euros(statement.budget.total),
            Cell::Euros(statement.staff_total),
        ]);
        if let Some(budget) = statement.budget.budget {
            rows.push(vec![
                text("Budget de l'année"),
                Cell::Euros(budget),
                text(""),
            ]);
        }
        table(
            workbook,
            "Dépenses et personnel",
            &[
                "Ligne d'action",
                "Dépenses validées",
                "Temps de personnel valorisé",
            ],
            rows,
        )?;
    }
    let pieces = evaluation
        .missing_pieces
        .iter()
        .map(|piece| {
            vec![
                text(&piece.place),
                text(&piece.date),
                text(&piece.label),
                text(&piece.amount),
                text(&piece.validation),
            ]
        })
        .collect();
    table(
        workbook,
        "Pièces manquantes",
        &["Emplacement", "Date", "Libellé", "Montant", "Validée le"],
        pieces,
    )?;
    let convention = evaluation
        .convention
        .iter()
        .map(|dates| {
            vec![
                text(&dates.start),
                text(&dates.end),
                text(&dates.renegotiation),
                text(dates.renewal.clone().unwrap_or_default()),
            ]
        })
        .collect();
    table(
        workbook,
        "Convention",
        &[
            "Début",
            "Fin",
            "Renégociation au plus tard le",
            "Période suivante",
        ],
        convention,
    )?;
    let figures = evaluation
        .key_figures
        .iter()
        .map(|figure| vec![text(&figure.label), text(&figure.value)])
        .collect();
    table(
        workbook,
        "Chiffres clés",
        &["Indicateur", "Valeur"],
        figures,
    )
}

/// The workbook's bytes. A fixed creation date keeps the same inputs giving the same bytes.
pub fn render(evaluation: &Evaluation) -> Result<Vec<u8>, ActivityError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(&xlsx_properties(
            Some(&format!("Bilan {} du réseau", evaluation.year)),
            None,
            XLSX_CREATED,
        )?);
        copil_sheets(&mut workbook, evaluation)?;
        action_sheets(&mut workbook, evaluation)?;
        other_sheets(&mut workbook, evaluation)?;
        workbook.save_to_buffer()
    };
    build().map_err(|error| ActivityError::render("le classeur du bilan", error))
}
