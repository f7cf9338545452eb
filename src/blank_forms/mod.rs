//! `modeles`: blank xlsx templates built from the schemas, so that what the agents fill in
//! is what the tool reads.
//!
//! Everything comes from `schemas/`: the headers are the fields' French titles, the
//! drop-down lists are the categories, the validation rules follow the types and bounds,
//! and the grid templates list the indicator catalogue. A new category in a schema appears
//! in the next templates with no change here. The cells people fill in never hold a formula.

mod instructions;

use crate::fold::fold;
use crate::network::Network;
use crate::output::{xlsx_properties, XLSX_CREATED};
use crate::schema::{Field, FieldType, Schema, SchemaSet};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use std::path::{Path, PathBuf};

/// The sheet the agents fill in.
pub const DATA_SHEET: &str = "Données";
/// The sheet that explains how to fill it in.
pub const INSTRUCTIONS_SHEET: &str = "Instructions";
/// The hidden sheet that holds the drop-down lists (long lists do not fit in a rule).
pub const LISTS_SHEET: &str = "Listes";
/// Rows of the data sheet that carry the validation rules (after the header).
pub const VALIDATED_ROWS: u32 = 5_000;
/// Rows pre-filled with the commune and year when they are given (about four years of
/// Blain's requests): an agent who needs more copies the cell down.
pub const PREFILLED_ROWS: u32 = 1_000;

/// What to pre-fill.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `--commune`: an INSEE code or a name of a member of the network.
    pub commune: Option<String>,
    /// `--annee`: the year of activity.
    pub year: Option<i32>,
}

/// Why the templates could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("la commune « {given} » n'est pas membre du réseau (communes : {known})")]
    UnknownCommune { given: String, known: String },
    #[error("l'année {0} n'est pas plausible : une année entre 2000 et 2100 est attendue")]
    ImplausibleYear(i32),
    #[error("erreur interne : {0}")]
    Internal(String),
    #[error("modèle « {schema} » : écriture xlsx impossible ({cause})")]
    Xlsx { schema: String, cause: XlsxError },
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

/// One template written.
#[derive(Debug, Clone)]
pub struct WrittenTemplate {
    pub schema: String,
    pub path: PathBuf,
    /// Rows pre-filled on the data sheet.
    pub prefilled_rows: usize,
}

/// The member a `--commune` designates: (INSEE code, name).
fn resolve_commune(network: &Network, given: &str) -> Result<(String, String), TemplateError> {
    let folded = fold(given);
    network
        .members
        .iter()
        .find(|member| member.code == given.trim() || fold(&member.name) == folded)
        .map(|member| (member.code.clone(), member.name.clone()))
        .ok_or_else(|| TemplateError::UnknownCommune {
            given: given.to_string(),
            known: network
                .members
                .iter()
                .map(|member| format!("{} ({})", member.name, member.code))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The file name of a template: `modele-demandes.xlsx`, `modele-grille-blain-2024.xlsx`.
pub fn template_file_name(
    schema: &Schema,
    commune_name: Option<&str>,
    year: Option<i32>,
) -> String {
    let mut name = format!("modele-{}", schema.name.replace('_', "-"));
    if let Some(commune) = commune_name {
        name.push('-');
        name.push_str(&fold(commune).replace(' ', "-"));
    }
    if let Some(year) = year {
        name.push_str(&format!("-{year}"));
    }
    name.push_str(".xlsx");
    name
}

/// Writes one template per schema into `folder` (created if needed).
pub fn write_templates(
    folder: &Path,
    options: &TemplateOptions,
) -> Result<Vec<WrittenTemplate>, TemplateError> {
    let schemas =
        crate::schema::schemas().map_err(|error| TemplateError::Internal(error.to_string()))?;
    let network = Network::default_network();
    let commune = options
        .commune
        .as_deref()
        .map(|given| resolve_commune(&network, given))
        .transpose()?;
    let mut written = Vec::new();
    let mut files = Vec::new();
    for schema in &schemas.schemas {
        let template = build_template(schemas, schema, &network, options)?;
        let name = template_file_name(
            schema,
            commune.as_ref().map(|(_, name)| name.as_str()),
            options.year,
        );
        written.push(WrittenTemplate {
            schema: schema.name.clone(),
            path: folder.join(&name),
            prefilled_rows: template.prefilled_rows,
        });
        files.push(crate::output::OutputFile {
            path: name.into(),
            bytes: template.bytes,
        });
    }
    // One set; the templates of other communes or years in the same folder are kept.
    crate::output::write_set(folder, &files, &[])?;
    Ok(written)
}

/// A template's bytes.
#[derive(Debug, Clone)]
pub struct Template {
    pub bytes: Vec<u8>,
    pub prefilled_rows: usize,
}

/// The rows a template fills in advance, as text per field (same order as the fields).
fn prefilled_rows(
    schemas: &SchemaSet,
    schema: &Schema,
    commune: Option<&str>,
    year: Option<i32>,
) -> Vec<Vec<Option<String>>> {
    let fixed = |field: &Field| -> Option<String> {
        if field.is_commune() {
            commune.map(str::to_string)
        } else if field.field_type == FieldType::Year && field.name == "annee" {
            year.map(|year| year.to_string())
        } else {
            None
        }
    };
    let base: Vec<Option<String>> = schema.fields.iter().map(fixed).collect();
    let indicator_field = schema.field_index("indicateur");
    let modality_field = schema.field_index("modalite");
    if let (Some(indicator_field), Some(modality_field)) = (indicator_field, modality_field) {
        let catalogue = if schema.name == "contexte" {
            &schemas.indicators.context
        } else {
            &schemas.indicators.indicators
        };
        let mut rows = Vec::new();
        for indicator in catalogue {
            for modality in schemas.modalities(indicator) {
                let mut row = base.clone();
                row[indicator_field] = Some(indicator.code.clone());
                row[modality_field] = Some(modality);
                rows.push(row);
            }
        }
        return rows;
    }
    if base.iter().any(Option::is_some) {
        return vec![base; PREFILLED_ROWS as usize];
    }
    Vec::new()
}

/// Cuts a text to at most `limit` UTF-16 units (Excel's unit for its limits), with `…`.
fn fit(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let mut cut = String::new();
    for character in text.chars() {
        if cut.encode_utf16().count() + character.len_utf16() + 1 > limit {
            break;
        }
        cut.push(character);
    }
    cut.push('…');
    cut
}

/// A column width, in characters, that shows the title and the longest category.
fn column_width(field: &Field) -> f64 {
    let longest_category = field
        .categories()
        .map(|categories| {
            categories
                .iter()
                .map(|label| label.chars().count())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    let by_type = match field.field_type {
        FieldType::Date => 12,
        FieldType::Year => 8,
        FieldType::Integer => 10,
        FieldType::Number => 14,
        FieldType::String => 16,
    };
    let width = field
        .title
        .chars()
        .count()
        .max(longest_category + 3)
        .max(by_type);
    width.min(45) as f64
}

/// A number as Excel's validation rules hold it.
fn bound(number: Option<&serde_json::Number>) -> Option<f64> {
    number.and_then(serde_json::Number::as_f64)
}

fn whole_bound(number: Option<&serde_json::Number>) -> Option<i32> {
    number
        .and_then(serde_json::Number::as_i64)
        .and_then(|number| i32::try_from(number).ok())
}

fn rule<T: rust_xlsxwriter::IntoDataValidationValue + Copy>(
    minimum: Option<T>,
    maximum: Option<T>,
    lowest: T,
) -> DataValidationRule<T> {
    match (minimum, maximum) {
        (Some(minimum), Some(maximum)) => DataValidationRule::Between(minimum, maximum),
        (Some(minimum), None) => DataValidationRule::GreaterThanOrEqualTo(minimum),
        (None, Some(maximum)) => DataValidationRule::LessThanOrEqualTo(maximum),
        (None, None) => DataValidationRule::GreaterThanOrEqualTo(lowest),
    }
}

/// French text for a bound: « au moins 0 », « entre 1 et 30 ».
fn bounds_text(minimum: Option<String>, maximum: Option<String>) -> String {
    match (minimum, maximum) {
        (Some(minimum), Some(maximum)) => format!(" entre {minimum} et {maximum}"),
        (Some(minimum), None) => format!(" d'au moins {minimum}"),
        (None, Some(maximum)) => format!(" d'au plus {maximum}"),
        (None, None) => String::new(),
    }
}

fn french_bound(number: Option<&serde_json::Number>) -> Option<String> {
    number.map(|number| number.to_string().replace('.', ","))
}

/// The validation rule of a field, with French input and error messages.
fn validation(
    field: &Field,
    list_range: Option<&str>,
    commune_range: Option<&str>,
) -> Result<DataValidation, XlsxError> {
    let (minimum, maximum) = (
        field.constraints.minimum.as_ref(),
        field.constraints.maximum.as_ref(),
    );
    let bounds = bounds_text(french_bound(minimum), french_bound(maximum));
    let (validation, input, error) = if let Some(range) = list_range {
        let categories = field.categories().unwrap_or_default().join(" · ");
        (
            DataValidation::new().allow_list_formula(Formula::new(range)),
            "Choisissez une valeur dans la liste déroulante.".to_string(),
            format!("Cette valeur n'est pas dans la liste. Valeurs possibles : {categories}"),
        )
    } else if field.is_commune() {
        let validation = match commune_range {
            Some(range) => DataValidation::new().allow_list_formula(Formula::new(range)),
            None => DataValidation::new().allow_any_value(),
        };
        (
            // A commune that joins the network is not in the list yet: warn, do not refuse.
            validation.set_error_style(DataValidationErrorStyle::Warning),
            "Choisissez la commune du CCAS dans la liste, ou saisissez son code Insee.".to_string(),
            "Cette commune n'est pas dans la liste des membres du réseau. Vérifiez le nom ou le code Insee.".to_string(),
        )
    } else {
        match field.field_type {
            FieldType::Date => (
                DataValidation::new().allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(2000, 1, 1)?,
                    ExcelDateTime::from_ymd(2100, 12, 31)?,
                )),
                "Saisissez une date au format jj/mm/aaaa, par exemple 03/02/2024.".to_string(),
                "Date attendue, au format jj/mm/aaaa, entre 2000 et 2100.".to_string(),
            ),
            FieldType::Year => (
                DataValidation::new().allow_whole_number(DataValidationRule::Between(1990, 2100)),
                "Saisissez l'année sur quatre chiffres, par exemple 2024.".to_string(),
                "Année attendue, sur quatre chiffres, entre 1990 et 2100.".to_string(),
            ),
            FieldType::Integer => (
                DataValidation::new().allow_whole_number(rule(
                    whole_bound(minimum),
                    whole_bound(maximum),
                    i32::MIN,
                )),
                format!("Saisissez un nombre entier{bounds}."),
                format!("Nombre entier attendu{bounds}, sans texte."),
            ),
            FieldType::Number => {
                let what = if field.is_money() {
                    "un montant en euros (au plus deux décimales)"
                } else {
                    "un nombre"
                };
                (
                    DataValidation::new().allow_decimal_number(rule(
                        bound(minimum),
                        bound(maximum),
                        f64::MIN,
                    )),
                    format!("Saisissez {what}{bounds}, sans texte."),
                    format!("Il faut {what}{bounds}, sans texte ni symbole autre que €."),
                )
            }
            FieldType::String => (
                DataValidation::new().allow_any_value(),
                String::new(),
                String::new(),
            ),
        }
    };
    let mut message = input;
    if !field.description.is_empty() {
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(&field.description);
    }
    let mut validation = validation;
    if !message.is_empty() {
        validation = validation
            .set_input_title(fit(&field.title, 32))?
            .set_input_message(fit(&message, 255))?;
    }
    if !error.is_empty() {
        validation = validation
            .set_error_title("Valeur refusée")?
            .set_error_message(fit(&error, 255))?;
    }
    Ok(validation)
}

/// The number format of a field's column.
fn column_format(field: &Field) -> Format {
    let format = Format::new();
    if field.categories().is_some() || field.is_commune() {
        return format;
    }
    match field.field_type {
        FieldType::Date => format.set_num_format("dd/mm/yyyy"),
        FieldType::Year | FieldType::Integer => format.set_num_format("0"),
        FieldType::Number if field.is_money() => format.set_num_format("#,##0.00\\ \"€\""),
        FieldType::Number => format.set_num_format("General"),
        // Text, so that a number like 007 keeps its zeros.
        FieldType::String => format.set_num_format("@"),
    }
}

fn sheet_reference(sheet: &str, column: u16, first_row: u32, last_row: u32) -> String {
    let letters = crate::diagnostic::column_letters(u32::from(column));
    format!(
        "='{sheet}'!${letters}${}:${letters}${}",
        first_row + 1,
        last_row + 1
    )
}

/// Builds the template of one schema.
pub fn build_template(
    schemas: &SchemaSet,
    schema: &Schema,
    network: &Network,
    options: &TemplateOptions,
) -> Result<Template, TemplateError> {
    if let Some(year) = options.year {
        if !(2000..=2100).contains(&year) {
            return Err(TemplateError::ImplausibleYear(year));
        }
    }
    let commune = options
        .commune
        .as_deref()
        .map(|given| resolve_commune(network, given))
        .transpose()?;
    let rows = prefilled_rows(
        schemas,
        schema,
        commune.as_ref().map(|(_, name)| name.as_str()),
        options.year,
    );
    let xlsx_error = |cause: XlsxError| TemplateError::Xlsx {
        schema: schema.name.clone(),
        cause,
    };
    let bytes = build_workbook(schemas, schema, network, &rows).map_err(xlsx_error)?;
    Ok(Template {
        bytes,
        prefilled_rows: rows.len(),
    })
}

fn build_workbook(
    schemas: &SchemaSet,
    schema: &Schema,
    network: &Network,
    rows: &[Vec<Option<String>>],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&xlsx_properties(
        Some(&schema.title),
        Some(&format!(
            "Modèle {} version {}",
            schema.name, schema.version
        )),
        XLSX_CREATED,
    )?);

    let instructions = workbook.add_worksheet();
    instructions.set_name(INSTRUCTIONS_SHEET)?;
    instructions::write(instructions, schemas, schema, network, !rows.is_empty())?;
    instructions.set_active(true);

    // The lists: one column per category field, plus the communes of the network.
    let last_validated = VALIDATED_ROWS;
    let lists = workbook.add_worksheet();
    lists.set_name(LISTS_SHEET)?;
    let mut list_ranges: Vec<Option<String>> = vec![None; schema.fields.len()];
    let mut list_column: u16 = 0;
    for (index, field) in schema.fields.iter().enumerate() {
        let Some(categories) = field.categories() else {
            continue;
        };
        write_list(lists, list_column, &field.title, categories)?;
        list_ranges[index] = Some(sheet_reference(
            LISTS_SHEET,
            list_column,
            1,
            u32::try_from(categories.len()).unwrap_or(u32::MAX),
        ));
        list_column += 1;
    }
    let commune_names: Vec<String> = network
        .members
        .iter()
        .map(|member| member.name.clone())
        .collect();
    write_list(lists, list_column, "Commune", &commune_names)?;
    let commune_range = sheet_reference(
        LISTS_SHEET,
        list_column,
        1,
        u32::try_from(commune_names.len()).unwrap_or(u32::MAX),
    );
    lists.set_hidden(true);

    let data = workbook.add_worksheet();
    data.set_name(DATA_SHEET)?;
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let required_header_format = header_format.clone().set_background_color("#F8CBAD");
    for (index, field) in schema.fields.iter().enumerate() {
        let column = u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)?;
        let format = column_format(field);
        data.set_column_width(column, column_width(field))?;
        data.set_column_format(column, &format)?;
        let header = if field.required() {
            &required_header_format
        } else {
            &header_format
        };
        data.write_string_with_format(0, column, &field.title, header)?;
        let rule = validation(field, list_ranges[index].as_deref(), Some(&commune_range))?;
        data.add_data_validation(1, column, last_validated, column, &rule)?;
        for (position, row) in rows.iter().enumerate() {
            let Some(Some(text)) = row.get(index) else {
                continue;
            };
            let row_index =
                u32::try_from(position + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            match text.parse::<f64>() {
                Ok(number) if field.field_type == FieldType::Year => {
                    data.write_number_with_format(row_index, column, number, &format)?;
                }
                _ => {
                    data.write_string_with_format(row_index, column, text, &format)?;
                }
            }
        }
    }
    data.set_row_height(0, 32)?;
    data.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

fn write_list(
    sheet: &mut Worksheet,
    column: u16,
    title: &str,
    values: &[String],
) -> Result<(), XlsxError> {
    // « Liste : … » rather than the bare title, so that this row is never taken for a
    // header row of the schema.
    sheet.write_string(0, column, format!("Liste : {title}"))?;
    for (position, value) in values.iter().enumerate() {
        let row = u32::try_from(position + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.write_string(row, column, value)?;
    }
    sheet.set_column_width(column, 30)?;
    Ok(())
}
