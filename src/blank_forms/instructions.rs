//! The « Instructions » sheet of a template: what to fill in, column by column, what must
//! never be entered, and how to send the file, all in French and all from the schemas.

use super::DATA_SHEET;
use crate::network::Network;
use crate::schema::{Field, FieldType, Schema, SchemaSet};
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// What a field expects, in a few French words.
fn expected(field: &Field) -> String {
    if field.categories().is_some() {
        return "une valeur de la liste déroulante".to_string();
    }
    if field.is_commune() {
        return "le nom de la commune (liste déroulante) ou son code Insee".to_string();
    }
    let bounds = match (&field.constraints.minimum, &field.constraints.maximum) {
        (Some(minimum), Some(maximum)) => format!(", entre {minimum} et {maximum}"),
        (Some(minimum), None) => format!(", au moins {minimum}"),
        (None, Some(maximum)) => format!(", au plus {maximum}"),
        (None, None) => String::new(),
    }
    .replace('.', ",");
    match field.field_type {
        FieldType::Date => "une date jj/mm/aaaa".to_string(),
        FieldType::Year => "une année sur quatre chiffres".to_string(),
        FieldType::Integer => format!("un nombre entier{bounds}"),
        FieldType::Number if field.is_money() => {
            format!("un montant en euros, deux décimales au plus{bounds}")
        }
        FieldType::Number => format!("un nombre{bounds}"),
        FieldType::String => "du texte".to_string(),
    }
}

/// The cell formats of the instructions sheet.
struct Formats {
    title: Format,
    bold: Format,
    wrap: Format,
    warning: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            warning: Format::new()
                .set_bold()
                .set_font_color("#C00000")
                .set_text_wrap(),
        }
    }
}

/// Writes the instructions of `schema` on `sheet`.
pub(super) fn write(
    sheet: &mut Worksheet,
    schemas: &SchemaSet,
    schema: &Schema,
    network: &Network,
    has_prefilled_rows: bool,
) -> Result<(), XlsxError> {
    let formats = Formats::new();
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 13)?;
    sheet.set_column_width(2, 60)?;
    sheet.set_column_width(3, 60)?;

    let row = write_heading(sheet, &formats, schema)?;
    let row = write_steps(sheet, &formats, row, network, has_prefilled_rows)?;
    let row = write_never_entered(sheet, &formats, row, schema, schemas)?;
    let row = write_columns(sheet, &formats, row, schema, network)?;
    if schema.field_index("indicateur").is_some() {
        write_indicators(sheet, &formats, row, schemas, schema)?;
    }
    Ok(())
}

/// The title, the model's name and version, and its description; returns the next row,
/// after a blank one.
fn write_heading(
    sheet: &mut Worksheet,
    formats: &Formats,
    schema: &Schema,
) -> Result<u32, XlsxError> {
    let mut row: u32 = 0;
    sheet.write_string_with_format(row, 0, &schema.title, &formats.title)?;
    row += 1;
    sheet.write_string(
        row,
        0,
        format!(
            "Modèle « {} », version {} du schéma",
            schema.name, schema.version
        ),
    )?;
    row += 1;
    if !schema.description.is_empty() {
        sheet.write_string(row, 0, &schema.description)?;
        row += 1;
    }
    Ok(row + 1)
}

/// « Comment remplir ce fichier »: the numbered steps, from filling the sheet to sending
/// it to the carrier's CCAS; returns the next row, after a blank one.
fn write_steps(
    sheet: &mut Worksheet,
    formats: &Formats,
    mut row: u32,
    network: &Network,
    has_prefilled_rows: bool,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, "Comment remplir ce fichier", &formats.bold)?;
    row += 1;
    let porteur = network
        .member(&network.carrier)
        .map(|member| format!("au CCAS de {}", member.name))
        .unwrap_or_else(|| "au CCAS porteur du réseau".to_string());
    let mut steps = vec![
        format!("1. Remplissez la feuille « {DATA_SHEET} » : une ligne par enregistrement, à partir de la ligne 2. Ne modifiez pas la ligne des en-têtes (les colonnes sur fond orangé sont obligatoires)."),
        "2. Les listes déroulantes donnent les valeurs possibles ; un message apparaît quand on sélectionne une cellule et une alerte quand la valeur est refusée.".to_string(),
        "3. Dates au format jj/mm/aaaa ; montants en euros, avec au plus deux décimales ; ne saisissez pas de formule, tapez les valeurs.".to_string(),
    ];
    if has_prefilled_rows {
        steps.push("4. Les lignes sont déjà préparées : saisissez seulement la valeur de chaque ligne (0 s'il n'y a rien à compter). Une ligne laissée sans valeur est ignorée à la lecture.".to_string());
    }
    steps.push(format!(
        "{}. Enregistrez au format xlsx (ou ods), en gardant le nom du fichier avec la commune et l'année, puis envoyez-le {porteur}, qui coordonne le réseau. Si l'outil est installé, vérifiez d'abord le fichier avec « observatoire verifier FICHIER ».",
        steps.len() + 1
    ));
    for step in steps {
        sheet.merge_range(row, 0, row, 3, &step, &formats.wrap)?;
        sheet.set_row_height(row, 30)?;
        row += 1;
    }
    Ok(row + 1)
}

/// The warning, in red, that identifying data is never entered (for the network's own
/// sheets, which hold no household, no person's name or contact; for the directory, only
/// the structures' professional contacts); returns the next row, after a blank one.
fn write_never_entered(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: u32,
    schema: &Schema,
    schemas: &SchemaSet,
) -> Result<u32, XlsxError> {
    let identifying: Vec<&str> = schemas
        .identifying
        .iter()
        .map(|category| category.label.as_str())
        .collect();
    let never = match schema.name.as_str() {
        "acteurs" => "Seulement les contacts professionnels de la structure (standard ou accueil, courriel du service comme accueil@…) : JAMAIS le portable ni le courriel d'une personne nommée, ni le nom d'une personne. Une ligne qui en contient est refusée.".to_string(),
        "activite" => "Ne saisissez JAMAIS de nom de personne ni de coordonnées : seulement des nombres de participants et des communes. Une ligne qui contient un numéro de portable ou un courriel est refusée.".to_string(),
        _ => format!(
            "Ne saisissez JAMAIS : {}. Ces données restent au CCAS. Le foyer est désigné par un pseudonyme, produit par « observatoire anonymiser » à partir du fichier du CCAS.",
            identifying.join(", ")
        ),
    };
    sheet.merge_range(row, 0, row, 3, &never, &formats.warning)?;
    sheet.set_row_height(row, 45)?;
    Ok(row + 2)
}

/// « Les colonnes »: one row per field, whether it is required, what to enter and the
/// values it accepts; returns the next row.
fn write_columns(
    sheet: &mut Worksheet,
    formats: &Formats,
    mut row: u32,
    schema: &Schema,
    network: &Network,
) -> Result<u32, XlsxError> {
    let wrap = &formats.wrap;
    sheet.write_string_with_format(row, 0, "Les colonnes", &formats.bold)?;
    row += 1;
    // Not the schema's words, so that this row is never read as a header row.
    for (column, label) in ["Colonne", "Obligatoire", "À saisir", "Valeurs possibles"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, column as u16, *label, &formats.bold)?;
    }
    row += 1;
    for field in &schema.fields {
        sheet.write_string_with_format(row, 0, &field.title, wrap)?;
        sheet.write_string_with_format(
            row,
            1,
            if field.required() { "oui" } else { "non" },
            wrap,
        )?;
        let mut what = expected(field);
        if !field.description.is_empty() {
            what = format!("{} ({what})", field.description);
        }
        sheet.write_string_with_format(row, 2, &what, wrap)?;
        if let Some(categories) = field.categories() {
            sheet.write_string_with_format(row, 3, categories.join(" · "), wrap)?;
        } else if field.is_commune() {
            let communes: Vec<String> = network
                .members
                .iter()
                .map(|member| format!("{} ({})", member.name, member.code))
                .collect();
            let mut listed = communes.join(" · ");
            if field.accepts_zones() {
                listed.push_str(&reference_zones_hint(network));
            }
            sheet.write_string_with_format(row, 3, listed, wrap)?;
        }
        row += 1;
    }
    Ok(row)
}

/// For a model with an `indicateur` column, the catalogue of its indicators (the context
/// ones for `contexte`), after a blank row.
fn write_indicators(
    sheet: &mut Worksheet,
    formats: &Formats,
    mut row: u32,
    schemas: &SchemaSet,
    schema: &Schema,
) -> Result<(), XlsxError> {
    let wrap = &formats.wrap;
    let catalogue = if schema.name == "contexte" {
        &schemas.indicators.context
    } else {
        &schemas.indicators.indicators
    };
    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        format!(
            "Les indicateurs (catalogue version {})",
            schemas.indicators.version
        ),
        &formats.bold,
    )?;
    row += 1;
    for (column, label) in ["Code", "Unité", "Ce qui est compté", "Lignes préparées"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, column as u16, *label, &formats.bold)?;
    }
    row += 1;
    for indicator in catalogue {
        sheet.write_string_with_format(row, 0, &indicator.code, wrap)?;
        sheet.write_string_with_format(row, 1, &indicator.unit, wrap)?;
        sheet.write_string_with_format(row, 2, &indicator.label, wrap)?;
        sheet.write_string_with_format(row, 3, schemas.modalities(indicator).join(" · "), wrap)?;
        row += 1;
    }
    Ok(())
}

/// The reference zones a census context may also describe: the members' départements
/// (`D44`) and France.
fn reference_zones_hint(network: &Network) -> String {
    let mut departments: Vec<&str> = network
        .members
        .iter()
        .filter_map(|member| crate::zones::department_of(&member.code))
        .collect();
    departments.sort_unstable();
    departments.dedup();
    let zones: Vec<String> = departments
        .iter()
        .map(|department| {
            format!(
                "{} ({})",
                crate::zones::department_zone(department),
                crate::zones::department_name(department).unwrap_or(department)
            )
        })
        .chain(std::iter::once(format!(
            "{} (France)",
            crate::zones::FRANCE
        )))
        .collect();
    format!(" ; zones de référence : {}", zones.join(" · "))
}
