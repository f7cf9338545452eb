//! « Qualité des données » : the rows left out, the files read, who sent what, the missing
//! values by field and the differences between forms and grid.

use super::Builder;
use crate::count::{records::NOT_GIVEN, Key, Unit, NETWORK};
use crate::french::french_integer;
use crate::report::tables::{Shown, Table};
use crate::report::Context;
use crate::schema::Field;
use crate::verify::FileSummary;
use rust_decimal::Decimal;

/// The « Qualité des données » section.
pub(super) fn add(builder: &mut Builder) {
    builder.section("qualite", "Qualité des données");
    rejections_text(builder);
    files_table(builder);
    sources_table(builder);
    missing_values_table(builder);
    consistency(builder);
}

/// A count of rows or values.
fn count(value: usize) -> Shown {
    Shown::value(Decimal::from(value), Unit::Requests)
}

/// Whether the published edition hides `value` as a small count (primary secret).
fn small_in_published(context: &Context, value: Decimal) -> bool {
    !context.options.internal && crate::protect::is_small_count(value, context.secret.threshold)
}

/// The rows left out because of errors, and the files that could not be read.
fn rejections_text(builder: &mut Builder) {
    let verification = builder.context.verification;
    let rejected = verification.rows_rejected();
    let files_with_rejections: Vec<String> = verification
        .files
        .iter()
        .filter(|file| file.sheets.iter().any(|sheet| sheet.rows_rejected > 0))
        .map(|file| file.file.clone())
        .collect();
    if rejected == 0 {
        builder.text("Aucune ligne n'a été écartée : toutes les lignes lues sont conformes.");
    } else {
        builder.text(format!(
            "{} ligne{} comportant des erreurs {} été écartée{} des calculs ; elles proviennent de : {}. La commande « observatoire verifier » donne le détail de chaque erreur.",
            french_integer(i64::try_from(rejected).unwrap_or(i64::MAX)),
            if rejected > 1 { "s" } else { "" },
            if rejected > 1 { "ont" } else { "a" },
            if rejected > 1 { "s" } else { "" },
            files_with_rejections.join(", ")
        ));
    }
    let unreadable: Vec<&str> = verification
        .files
        .iter()
        .filter(|file| !file.read)
        .map(|file| file.file.as_str())
        .collect();
    if !unreadable.is_empty() {
        builder.text(format!(
            "Fichier{} illisible{} (non pris en compte) : {}.",
            if unreadable.len() > 1 { "s" } else { "" },
            if unreadable.len() > 1 { "s" } else { "" },
            unreadable.join(", ")
        ));
    }
}

/// The line of one file read: its models and its rows read, accepted and left out.
fn file_row(context: &Context, file: &FileSummary) -> Vec<Shown> {
    // Row counts of a file are counts of requests: small ones follow the primary secret.
    let protected_count = |value: usize| {
        if small_in_published(context, Decimal::from(value)) {
            Shown::secret()
        } else {
            count(value)
        }
    };
    let read: usize = file.sheets.iter().map(|sheet| sheet.rows_read).sum();
    let accepted: usize = file.sheets.iter().map(|sheet| sheet.rows_accepted).sum();
    let models: Vec<String> = file
        .sheets
        .iter()
        .filter_map(|sheet| sheet.schema.clone())
        .collect();
    // A file of requests usually holds one commune's year: its accepted rows would be
    // that commune-year's number of requests, which the secret may hide elsewhere.
    let holds_requests = models.iter().any(|model| model == "demandes");
    let (read_shown, accepted_shown) = if holds_requests && !context.options.internal {
        (Shown::text("—"), Shown::text("—"))
    } else {
        (protected_count(read), protected_count(accepted))
    };
    vec![
        Shown::text(file.file.clone()),
        Shown::text(if file.read { "oui" } else { "non (illisible)" }),
        Shown::text(models.join(", ")),
        read_shown,
        accepted_shown,
        count(read - accepted.min(read)),
    ]
}

/// The table of the files read.
fn files_table(builder: &mut Builder) {
    let context = builder.context;
    let rows = context
        .verification
        .files
        .iter()
        .map(|file| file_row(context, file))
        .collect();
    builder.table(Some(Table {
        id: "fichiers".to_string(),
        title: "Fichiers lus".to_string(),
        headers: [
            "Fichier",
            "Lu",
            "Modèle",
            "Lignes lues",
            "Lignes acceptées",
            "Lignes écartées",
        ]
        .map(str::to_string)
        .to_vec(),
        rows,
        note: (!context.options.internal).then(|| {
            "Édition publiée : le nombre de lignes des fichiers de demandes n'est pas donné (il révélerait le nombre de demandes d'une commune que le secret statistique peut masquer) ; l'édition interne le donne.".to_string()
        }),
    }));
}

/// Who sent what: forms, grid or both, by commune and year.
fn sources_table(builder: &mut Builder) {
    let context = builder.context;
    let indicators = context.indicators;
    let mut headers = vec!["Commune".to_string()];
    headers.extend(indicators.years.iter().map(i32::to_string));
    let mut rows = Vec::new();
    for commune in &indicators.communes {
        let mut row = vec![Shown::text(context.name(commune))];
        for candidate in &indicators.years {
            let has_grid = context
                .records
                .grid
                .iter()
                .any(|row| row.year == *candidate && &row.commune == commune);
            let text = match indicators.sources.get(&(*candidate, commune.clone())) {
                Some(crate::count::Source::Forms) if has_grid => "formulaires et grille",
                Some(crate::count::Source::Forms) => "formulaires",
                Some(crate::count::Source::Grid) => "grille",
                None => "—",
            };
            row.push(Shown::text(text));
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "sources".to_string(),
        title: "Données transmises par commune et par année".to_string(),
        headers,
        rows,
        note: Some("Pour une année où une commune n'a transmis que la grille, ses chiffres viennent de la grille ; les indicateurs qui demandent le détail des demandes (médianes, foyers vus plusieurs fois…) ne sont alors pas disponibles pour elle.".to_string()),
    }));
}

/// Whether the network's cell that bounds a field's `absent` values is hidden, which
/// hides the count of missing values too.
fn network_cell_hidden(context: &Context, field: &Field, absent: usize) -> bool {
    let year = context.year;
    // For a list, the missing values are the network's « Non renseigné » cell. Where it
    // differs from that cell (communes that sent only a grid), the difference would be
    // their hidden cells: then it is not given either. The values a reste à vivre needs
    // are bounded by its « Non calculable » cell.
    if field.categories().is_some() {
        let key = Key::new(
            year,
            NETWORK,
            &format!("demandes_par_{}", field.name),
            NOT_GIVEN,
        );
        context.secret.is_hidden(&key)
            || context
                .indicators
                .figures
                .get(&key)
                .is_some_and(|figure| figure.value != Decimal::from(absent as u64))
    } else {
        let feeds_remaining = [
            "ressources_mensuelles",
            "charges_mensuelles",
            "nombre_personnes",
            "nombre_enfants",
        ]
        .contains(&field.name.as_str());
        feeds_remaining
            && context.secret.is_hidden(&Key::new(
                year,
                NETWORK,
                "demandes_par_reste_a_vivre",
                crate::count::REMAINING_BANDS[5],
            ))
    }
}

/// The line of one field: its missing values among the year's `requests_of_year`.
fn missing_values_row(
    context: &Context,
    field: &Field,
    absent: usize,
    requests_of_year: usize,
) -> Vec<Shown> {
    let hidden = !context.options.internal && network_cell_hidden(context, field, absent);
    if hidden || small_in_published(context, Decimal::from(absent)) {
        return vec![
            Shown::text(field.title.clone()),
            Shown::secret(),
            Shown::secret(),
        ];
    }
    let share = if requests_of_year == 0 {
        Decimal::ZERO
    } else {
        Decimal::from(absent) * Decimal::ONE_HUNDRED / Decimal::from(requests_of_year)
    };
    vec![
        Shown::text(field.title.clone()),
        count(absent),
        Shown::value(share, Unit::Percent),
    ]
}

/// The missing values by field of the requests of the year.
fn missing_values_table(builder: &mut Builder) {
    let context = builder.context;
    let year = context.year;
    let requests_of_year = context
        .records
        .requests
        .iter()
        .filter(|request| request.year == year)
        .count();
    let mut rows = Vec::new();
    if let (Some(missing), Some(schema)) = (
        context.records.missing_by_field.get(&year),
        crate::schema::schemas()
            .ok()
            .and_then(|set| set.get("demandes")),
    ) {
        for field in &schema.fields {
            let absent = missing.get(&field.name).copied().unwrap_or(0);
            rows.push(missing_values_row(context, field, absent, requests_of_year));
        }
    }
    builder.table(Some(Table {
        id: "valeurs-manquantes".to_string(),
        title: format!("Valeurs manquantes par champ dans les demandes acceptées ({year})"),
        headers: ["Champ", "Valeurs manquantes", "Part des demandes"]
            .map(str::to_string)
            .to_vec(),
        rows,
        note: None,
    }));
}

/// A grid or form value of a difference, masked as its cell is.
fn masked(context: &Context, value: Option<Decimal>, key: &Key) -> Shown {
    match value {
        None => Shown::missing(),
        Some(_) if context.secret.is_hidden(key) => Shown::secret(),
        Some(value) if small_in_published(context, value) => Shown::secret(),
        Some(value) => Shown::value(value, Unit::Index).with_text(french_fixed_trim(value)),
    }
}

/// Forms against grid: one sentence per comparison, then the table of the differences.
fn consistency(builder: &mut Builder) {
    let context = builder.context;
    let indicators = context.indicators;
    if indicators.consistency.is_empty() {
        builder.text("Aucune commune n'a transmis à la fois les formulaires et la grille pour une même année : il n'y a pas de comparaison à faire.");
        return;
    }
    let mut rows = Vec::new();
    for comparison in &indicators.consistency {
        builder.text(format!(
            "{} {} : {} cellules de la grille comparées aux formulaires, {} différence{}.",
            context.name(&comparison.commune),
            comparison.year,
            comparison.cells_compared,
            comparison.differences.len(),
            if comparison.differences.len() > 1 {
                "s"
            } else {
                ""
            }
        ));
        for difference in &comparison.differences {
            let key = Key::new(
                difference.year,
                &difference.commune,
                &difference.indicator,
                &difference.modality,
            );
            rows.push(vec![
                Shown::text(context.name(&difference.commune)),
                Shown::text(difference.year.to_string()),
                Shown::text(difference.indicator.clone()),
                Shown::text(difference.modality.clone()),
                masked(context, difference.grid, &key),
                masked(context, difference.forms, &key),
            ]);
        }
    }
    builder.table(Some(Table {
        id: "coherence".to_string(),
        title: "Formulaires et grille : différences".to_string(),
        headers: [
            "Commune",
            "Année",
            "Indicateur",
            "Modalité",
            "Grille",
            "Formulaires",
        ]
        .map(str::to_string)
        .to_vec(),
        rows,
        note: Some("Les chiffres retenus sont ceux des formulaires.".to_string()),
    }));
}

/// A grid or form value without trailing zeros (`12`, `1 234,5`).
fn french_fixed_trim(value: Decimal) -> String {
    crate::french::french_decimal(value)
}

impl Shown {
    /// The same cell with its own text, in the spreadsheet's general format.
    fn with_text(mut self, text: String) -> Shown {
        self.text = text;
        self.format = "General";
        self
    }
}
