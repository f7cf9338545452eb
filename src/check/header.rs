//! Finding a sheet's header row and binding its columns to a schema's fields: which
//! schema the sheet follows, which column holds which field, and what is wrong with the
//! header itself (a column read twice, identifying data, a required column missing).

use super::parse::nearest;
use super::{Checker, Column};
use crate::diagnostic::{cell_name, Code, Diagnostic, Location};
use crate::read::header::{find_header, header_text, HeaderScore};
use crate::read::{RawRow, RawSheet};
use crate::schema::Schema;

/// A column of ages, read into the age bands of one field of the schema.
pub(super) struct AgeColumn {
    pub(super) column: Column,
    /// The field that receives the age band.
    pub(super) bands_into: usize,
}

/// The columns of a header row, bound to the schema's fields.
pub(super) struct BoundColumns {
    /// The column bound to each field of the schema (same order as `schema.fields`).
    pub(super) columns: Vec<Option<Column>>,
    /// A column of ages, when the schema reads one (the last such column wins).
    pub(super) age_column: Option<Column>,
    /// Whether the header alone rejects every row (a field read twice, identifying data).
    pub(super) rejected: bool,
}

impl Checker<'_> {
    /// Finds the header row and its schema: the row, among the first ones, where most
    /// headers match one schema's fields ([`crate::read::header::find_header`]).
    pub(super) fn find_header(&self, sheet: &RawSheet) -> Option<(usize, &'static Schema)> {
        find_header(self.schemas, sheet, HeaderScore::SchemaFields)
    }

    /// Binds each header of the row to a field of the schema, left to right; a column
    /// whose field is already bound, a column of identifying data and an unknown column
    /// each get their diagnostic, in the order of the columns.
    pub(super) fn bind_columns(
        &self,
        schema: &'static Schema,
        header_row: &RawRow,
        sheet_location: &Location,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> BoundColumns {
        let mut bound = BoundColumns {
            columns: vec![None; schema.fields.len()],
            age_column: None,
            rejected: false,
        };
        for (index, cell) in header_row.cells.iter().enumerate() {
            let Some(header) = header_text(cell) else {
                continue;
            };
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let mut location = sheet_location.clone();
            location.row = Some(header_row.index + 1);
            location.cell = Some(cell_name(header_row.index, index));
            location.header = Some(header.clone());
            if let Some(field) = schema.match_header(&header) {
                location.field = Some(schema.fields[field].name.clone());
                if let Some(existing) = &bound.columns[field] {
                    diagnostics.push(
                        Diagnostic::new(Code::E012, location, format!(
                            "la colonne « {header} » correspond au champ {} déjà lu dans la colonne « {} » ({}) : elle est ignorée",
                            schema.fields[field].name, existing.header, cell_name(header_row.index, existing.index)
                        ))
                        .value(header.clone())
                        .hint("supprimez ou renommez l'une des deux colonnes"),
                    );
                    bound.rejected = true;
                } else {
                    bound.columns[field] = Some(Column { index, header });
                }
            } else if schema.is_age_header(&header) {
                bound.age_column = Some(Column { index, header });
            } else if let Some(category) = self.schemas.identifying_category(&header) {
                diagnostics.push(
                    Diagnostic::new(Code::E010, location, format!(
                        "cette colonne contient des données identifiantes ({}) qui ne doivent pas quitter le CCAS",
                        category.label
                    ))
                    .hint("n'envoyez que le fichier anonymisé : « observatoire anonymiser » retire ces colonnes et remplace le foyer par un pseudonyme"),
                );
                bound.rejected = true;
            } else {
                diagnostics.push(
                    Diagnostic::new(Code::W001, location, format!("colonne inconnue du modèle {} : elle est ignorée", schema.name))
                        .hint(match nearest(&header, schema.fields.iter().map(|field| &field.title)) {
                            Some(title) => format!("vouliez-vous dire « {title} » ?"),
                            None => "si elle doit être lue, renommez-la comme dans le modèle (observatoire modeles)".to_string(),
                        }),
                );
            }
        }
        bound
    }
}

/// The note for a sheet whose header matches no schema (or which holds nothing at all).
pub(super) fn no_header_note(sheet: &RawSheet, sheet_location: Location) -> Diagnostic {
    const NO_HEADER: &str = "aucune ligne d'en-têtes ne correspond à un modèle (demandes, grille, dépenses, temps de personnel, contexte)";
    let message = match (sheet.name.is_some(), sheet.rows.is_empty()) {
        (true, true) => "feuille vide ignorée".to_string(),
        (false, true) => "fichier ignoré : il ne contient aucune valeur".to_string(),
        (true, false) => format!("feuille ignorée : {NO_HEADER}"),
        (false, false) => format!("fichier ignoré : {NO_HEADER}"),
    };
    let mut note = Diagnostic::new(Code::N001, sheet_location, message);
    if !sheet.rows.is_empty() {
        note = note.hint(if sheet.name.is_some() {
            "si cette feuille contient des données, vérifiez que ses en-têtes sont ceux du modèle (observatoire modeles)"
        } else {
            "si ce fichier contient des données, vérifiez que ses en-têtes sont ceux du modèle (observatoire modeles)"
        });
    }
    note
}

/// Reports each required field without a column (one read from an age column counts as
/// present); returns whether one is missing, which rejects every row of the sheet.
pub(super) fn report_missing_columns(
    schema: &Schema,
    columns: &[Option<Column>],
    age_column: Option<&AgeColumn>,
    header_row: &RawRow,
    sheet_location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut missing_required = false;
    for (field_index, field) in schema.fields.iter().enumerate() {
        let banded_by_age = age_column.is_some_and(|age| age.bands_into == field_index);
        if field.required() && columns[field_index].is_none() && !banded_by_age {
            let mut location = sheet_location.clone();
            location.row = Some(header_row.index + 1);
            location.field = Some(field.name.clone());
            diagnostics.push(
                Diagnostic::new(
                    Code::E011,
                    location,
                    format!(
                        "la colonne obligatoire « {} » ({}) est absente",
                        field.title, field.name
                    ),
                )
                .hint(format!(
                    "ajoutez une colonne intitulée « {} » sur la ligne des en-têtes",
                    field.title
                )),
            );
            missing_required = true;
        }
    }
    missing_required
}

/// Values under a column without a header cannot be read: says so once per column, at
/// its first value.
pub(super) fn report_unheaded_columns(
    schema: &Schema,
    header_row: &RawRow,
    data_rows: &[&RawRow],
    sheet_location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let headed: Vec<bool> = header_row
        .cells
        .iter()
        .map(|cell| header_text(cell).is_some())
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    for row in data_rows {
        for (index, cell) in row.cells.iter().enumerate() {
            if !cell.is_empty()
                && !headed.get(index).copied().unwrap_or(false)
                && reported.insert(index)
            {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                let mut location = sheet_location.clone();
                location.row = Some(row.index + 1);
                location.cell = Some(cell_name(row.index, index));
                diagnostics.push(
                    Diagnostic::new(
                        Code::W001,
                        location,
                        format!(
                            "la colonne {} a des valeurs mais pas d'en-tête : elle est ignorée",
                            crate::diagnostic::column_letters(index)
                        ),
                    )
                    .value(cell.shown())
                    .hint(format!(
                        "donnez-lui l'en-tête du modèle {} qui convient, sur la ligne {}",
                        schema.name,
                        header_row.index + 1
                    )),
                );
            }
        }
    }
}
