//! Where a raw sheet's table is: the header row and the schema it follows, the text of a
//! header cell, and the total rows under the table. One piece for every stage that reads
//! a user's sheet (`check`, and `anonymise` before it, on the file with the names).

use super::{RawCell, RawRow, RawSheet, HEADER_SEARCH_ROWS};
use crate::fold::fold;
use crate::schema::{Schema, SchemaSet};

/// At least this many headers must be recognised for a row to be taken as the header.
pub const MIN_MATCHED_HEADERS: usize = 3;

/// What counts towards a row being the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderScore {
    /// The schema's fields only: the anonymised files the checker reads.
    SchemaFields,
    /// The schema's fields and the identifying headers (name, birth date…): the CCAS's own
    /// file, which the anonymiser reads before those columns are removed.
    FieldsAndIdentifying,
}

/// The text of a header cell, trimmed; `None` for a cell without one.
pub fn header_text(cell: &RawCell) -> Option<String> {
    match cell {
        RawCell::Text(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        RawCell::Number(number) => Some(crate::french::number_as_text(*number)),
        _ => None,
    }
}

/// The header row and the schema it follows: among the first [`HEADER_SEARCH_ROWS`] rows,
/// the one where most headers match one schema's fields (at least one field, and
/// [`MIN_MATCHED_HEADERS`] in all); the first such row and schema win a tie.
pub fn find_header<'s>(
    schemas: &'s SchemaSet,
    sheet: &RawSheet,
    score: HeaderScore,
) -> Option<(usize, &'s Schema)> {
    let mut best: Option<(usize, usize, &Schema)> = None;
    for (position, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let headers: Vec<String> = row.cells.iter().filter_map(header_text).collect();
        let identifying = match score {
            HeaderScore::SchemaFields => 0,
            HeaderScore::FieldsAndIdentifying => headers
                .iter()
                .filter(|header| schemas.identifying_category(header).is_some())
                .count(),
        };
        for schema in &schemas.schemas {
            let mut matched: Vec<usize> = headers
                .iter()
                .filter_map(|header| schema.match_header(header))
                .collect();
            matched.sort_unstable();
            matched.dedup();
            let row_score = matched.len() + identifying;
            if !matched.is_empty()
                && row_score >= MIN_MATCHED_HEADERS
                && best.is_none_or(|(best_score, _, _)| row_score > best_score)
            {
                best = Some((row_score, position, schema));
            }
        }
    }
    best.map(|(_, position, schema)| (position, schema))
}

/// A total or subtotal row: its first filled cell starts with « Total » or « Sous-total ».
/// Such a row is never a request, wherever it stands.
pub fn is_total_row(row: &RawRow) -> bool {
    row.cells
        .iter()
        .find(|cell| !cell.is_empty())
        .is_some_and(|cell| {
            matches!(cell, RawCell::Text(text) if {
                let folded = fold(text);
                folded.starts_with("total") || folded.starts_with("sous total")
            })
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
    fn a_total_row_starts_with_total_or_subtotal_at_its_first_filled_cell() {
        assert!(is_total_row(&row(&["", "Total", "12"])));
        assert!(is_total_row(&row(&["Sous-total Blain", "3"])));
        assert!(is_total_row(&row(&["TOTAL GÉNÉRAL"])));
        assert!(!is_total_row(&row(&["Blain", "Total"])));
        assert!(!is_total_row(&row(&["", ""])));
    }

    #[test]
    fn identifying_headers_count_only_for_the_file_with_the_names() {
        let schemas = crate::schema::schemas().expect("the embedded schemas");
        let sheet = RawSheet {
            name: Some("Feuil1".to_string()),
            rows: vec![
                row(&["Demandes d'aide 2024"]),
                row(&["Nom", "Prénom", "Commune", "Date de la demande"]),
            ],
            is_1904: false,
        };
        // Two fields of `demandes` alone are not a header…
        assert!(find_header(schemas, &sheet, HeaderScore::SchemaFields).is_none());
        // …but with the name and first name beside them, the CCAS's own file has one.
        let (position, schema) =
            find_header(schemas, &sheet, HeaderScore::FieldsAndIdentifying).expect("a header");
        assert_eq!((position, schema.name.as_str()), (1, "demandes"));
        // Identifying headers alone never make a header: some field must match.
        let names_only = RawSheet {
            rows: vec![row(&["Nom", "Prénom", "Date de naissance", "Adresse"])],
            ..sheet
        };
        assert!(find_header(schemas, &names_only, HeaderScore::FieldsAndIdentifying).is_none());
    }
}
