//! Which rows under the header are data: blank rows, rows of a template left empty, total
//! rows and the notes under the table are set aside (the last two with a note each), so
//! that no such row is ever read as a request.

use super::CheckedSheet;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::fold::fold;
use crate::read::header::is_total_row;
use crate::read::{RawCell, RawRow, RawSheet};

/// A note under the table (« Source : … », « Note : … », « * … »): one filled cell of text.
fn is_footnote_row(row: &RawRow) -> bool {
    let mut filled = row.cells.iter().filter(|cell| !cell.is_empty());
    match (filled.next(), filled.next()) {
        (Some(RawCell::Text(text)), None) => {
            let trimmed = text.trim_start();
            let folded = fold(trimmed);
            trimmed.starts_with('*')
                || trimmed.starts_with('(')
                || [
                    "source", "sources", "note", "notes", "lecture", "champ", "nb", "n b",
                ]
                .iter()
                .any(|word| folded == *word || folded.starts_with(&format!("{word} ")))
        }
        _ => false,
    }
}

/// The note for a row set aside as not being data (`what`: « ligne de total »…).
fn excluded(row: &RawRow, what: &str, sheet_location: &Location) -> Diagnostic {
    let mut location = sheet_location.clone();
    location.row = Some(row.index + 1);
    Diagnostic::new(
        Code::N002,
        location,
        format!("{what} exclue : ce n'est pas une donnée"),
    )
}

/// The data rows under the header, in order. Total rows and notes under the table are
/// counted in `checked.total_rows`, rows of a template left empty in
/// `checked.empty_template_rows`; the notes about them come in the order of the rows,
/// except the notes under the table, found last, from the bottom up.
pub(super) fn data_rows<'s>(
    checked: &mut CheckedSheet,
    sheet: &'s RawSheet,
    header_position: usize,
    sheet_location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'s RawRow> {
    // A template (`observatoire modeles`) may pre-fill the commune, the year and the
    // grid's indicators: a row holding only such cells was left empty by the agent.
    let prefilled_columns: Vec<usize> = checked
        .columns
        .iter()
        .enumerate()
        .filter(|(field, _)| checked.schema.is_prefillable(*field))
        .filter_map(|(_, column)| column.as_ref().map(|column| column.index as usize))
        .collect();
    let is_empty_template_row = |row: &RawRow| {
        !prefilled_columns.is_empty()
            && !is_footnote_row(row)
            && row
                .cells
                .iter()
                .enumerate()
                .all(|(column, cell)| cell.is_empty() || prefilled_columns.contains(&column))
    };
    let mut data_rows: Vec<&RawRow> =
        Vec::with_capacity(sheet.rows.len().saturating_sub(header_position + 1));
    for row in &sheet.rows[header_position + 1..] {
        if row.is_blank() {
            continue;
        }
        if is_empty_template_row(row) {
            checked.empty_template_rows += 1;
            continue;
        }
        if is_total_row(row) {
            diagnostics.push(excluded(row, "ligne de total", sheet_location));
            checked.total_rows += 1;
            continue;
        }
        data_rows.push(row);
    }
    if checked.empty_template_rows > 0 {
        diagnostics.push(empty_template_rows_note(checked, sheet_location));
    }
    while data_rows.last().is_some_and(|row| is_footnote_row(row)) {
        if let Some(row) = data_rows.pop() {
            diagnostics.push(excluded(row, "note sous le tableau", sheet_location));
            checked.total_rows += 1;
        }
    }
    data_rows
}

/// The note that rows of a template were left empty and are skipped.
fn empty_template_rows_note(checked: &CheckedSheet, sheet_location: &Location) -> Diagnostic {
    Diagnostic::new(
        Code::N005,
        sheet_location.clone(),
        if checked.empty_template_rows > 1 {
            format!(
                "{} lignes du modèle laissées vides (seules les cellules pré-remplies y figurent) : elles sont ignorées",
                crate::french::french_integer(checked.empty_template_rows as i64)
            )
        } else {
            "1 ligne du modèle laissée vide (seules les cellules pré-remplies y figurent) : elle est ignorée".to_string()
        },
    )
    .hint(if checked.schema.primary_key.is_empty() {
        "rien à faire si ces lignes n'ont pas servi"
    } else {
        "si une valeur est nulle, saisissez 0 : une ligne vide est considérée comme non renseignée"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> RawRow {
        RawRow {
            index: 0,
            cells: cells
                .iter()
                .map(|text| {
                    if text.is_empty() {
                        RawCell::Empty
                    } else {
                        RawCell::Text(text.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn a_footnote_is_one_cell_of_text_starting_like_a_note() {
        assert!(is_footnote_row(&row(&["Source : CCAS de Blain"])));
        assert!(is_footnote_row(&row(&["", "* montants en euros"])));
        assert!(is_footnote_row(&row(&["(1) hors frais de dossier"])));
        assert!(is_footnote_row(&row(&["N.B. les montants sont arrondis"])));
        assert!(!is_footnote_row(&row(&["Sourcellerie"])));
        assert!(!is_footnote_row(&row(&["Source : CCAS", "12"])));
        assert!(!is_footnote_row(&row(&["Blain"])));
    }
}
