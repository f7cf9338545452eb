//! « Qualité des données » : the rows left out, the files read, who sent what, the missing
//! values by field and the differences between forms and grid.

use super::Builder;
use crate::count::{records::NOT_GIVEN, Unit, NETWORK};
use crate::french::french_integer;
use crate::report::tables::{Shown, Table};
use rust_decimal::Decimal;

/// The « Qualité des données » section.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    let verification = builder.context.verification;
    builder.section("qualite", "Qualité des données");
    let rejected = verification.rows_rejected();
    let files_with_rejections: Vec<String> = verification
        .files
        .iter()
        .filter(|file| file.feuilles.iter().any(|sheet| sheet.lignes_rejetees > 0))
        .map(|file| file.fichier.clone())
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
        .filter(|file| !file.lu)
        .map(|file| file.fichier.as_str())
        .collect();
    if !unreadable.is_empty() {
        builder.text(format!(
            "Fichier{} illisible{} (non pris en compte) : {}.",
            if unreadable.len() > 1 { "s" } else { "" },
            if unreadable.len() > 1 { "s" } else { "" },
            unreadable.join(", ")
        ));
    }
    let count = |value: usize| Shown::value(Decimal::from(value), Unit::Requests);
    // Row counts of a file are counts of requests: small ones follow the primary secret.
    let internal = builder.context.options.internal;
    let threshold = builder.context.secret.threshold;
    let protected_count = |value: usize| {
        if !internal && crate::protect::is_small_count(Decimal::from(value), threshold) {
            Shown::secret()
        } else {
            count(value)
        }
    };
    let mut rows = Vec::new();
    for file in &verification.files {
        let read: usize = file.feuilles.iter().map(|sheet| sheet.lignes_lues).sum();
        let accepted: usize = file
            .feuilles
            .iter()
            .map(|sheet| sheet.lignes_acceptees)
            .sum();
        let models: Vec<String> = file
            .feuilles
            .iter()
            .filter_map(|sheet| sheet.modele.clone())
            .collect();
        // A file of requests usually holds one commune's year: its accepted rows would be
        // that commune-year's number of requests, which the secret may hide elsewhere.
        let holds_requests = models.iter().any(|model| model == "demandes");
        let (read_shown, accepted_shown) = if holds_requests && !internal {
            (Shown::text("—"), Shown::text("—"))
        } else {
            (protected_count(read), protected_count(accepted))
        };
        rows.push(vec![
            Shown::text(file.fichier.clone()),
            Shown::text(if file.lu { "oui" } else { "non (illisible)" }),
            Shown::text(models.join(", ")),
            read_shown,
            accepted_shown,
            count(read - accepted.min(read)),
        ]);
    }
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
        note: (!internal).then(|| {
            "Édition publiée : le nombre de lignes des fichiers de demandes n'est pas donné (il révélerait le nombre de demandes d'une commune que le secret statistique peut masquer) ; l'édition interne le donne.".to_string()
        }),
    }));
    // Who sent what.
    let indicators = builder.context.indicators;
    let mut headers = vec!["Commune".to_string()];
    headers.extend(indicators.years.iter().map(i32::to_string));
    let mut rows = Vec::new();
    for commune in &indicators.communes {
        let mut row = vec![Shown::text(builder.context.name(commune))];
        for candidate in &indicators.years {
            let has_grid = builder
                .context
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
    // Missing values by field.
    let requests_of_year = builder
        .context
        .records
        .requests
        .iter()
        .filter(|request| request.year == year)
        .count();
    let mut rows = Vec::new();
    if let (Some(missing), Some(schema)) = (
        builder.context.records.missing_by_field.get(&year),
        crate::schema::schemas()
            .ok()
            .and_then(|set| set.get("demandes")),
    ) {
        for field in &schema.fields {
            let absent = missing.get(&field.name).copied().unwrap_or(0);
            // For a list, the missing values are the network's « Non renseigné » cell.
            // Where it differs from that cell (communes that sent only a grid), the
            // difference would be their hidden cells: then it is not given either. The
            // values a reste à vivre needs are bounded by its « Non calculable » cell.
            let network_cell_hidden = if field.categories().is_some() {
                let key = crate::count::Key::new(
                    year,
                    NETWORK,
                    &format!("demandes_par_{}", field.name),
                    NOT_GIVEN,
                );
                builder.context.secret.is_hidden(&key)
                    || builder
                        .context
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
                    && builder.context.secret.is_hidden(&crate::count::Key::new(
                        year,
                        NETWORK,
                        "demandes_par_reste_a_vivre",
                        crate::count::REMAINING_BANDS[5],
                    ))
            };
            let small = crate::protect::is_small_count(Decimal::from(absent), threshold);
            if !internal && (network_cell_hidden || small) {
                rows.push(vec![
                    Shown::text(field.title.clone()),
                    Shown::secret(),
                    Shown::secret(),
                ]);
                continue;
            }
            let share = if requests_of_year == 0 {
                Decimal::ZERO
            } else {
                Decimal::from(absent) * Decimal::ONE_HUNDRED / Decimal::from(requests_of_year)
            };
            rows.push(vec![
                Shown::text(field.title.clone()),
                count(absent),
                Shown::value(share, Unit::Percent),
            ]);
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
    // Forms against grid.
    let mask = |value: Option<Decimal>, key: &crate::count::Key| -> Shown {
        match value {
            None => Shown::missing(),
            Some(_) if builder.context.secret.is_hidden(key) => Shown::secret(),
            Some(value) if !internal && crate::protect::is_small_count(value, threshold) => {
                Shown::secret()
            }
            Some(value) => Shown::value(value, Unit::Index).with_text(french_fixed_trim(value)),
        }
    };
    if indicators.consistency.is_empty() {
        builder.text("Aucune commune n'a transmis à la fois les formulaires et la grille pour une même année : il n'y a pas de comparaison à faire.");
    } else {
        let mut rows = Vec::new();
        for comparison in &indicators.consistency {
            builder.text(format!(
                "{} {} : {} cellules de la grille comparées aux formulaires, {} différence{}.",
                builder.context.name(&comparison.commune),
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
                let key = crate::count::Key::new(
                    difference.year,
                    &difference.commune,
                    &difference.indicator,
                    &difference.modality,
                );
                rows.push(vec![
                    Shown::text(builder.context.name(&difference.commune)),
                    Shown::text(difference.year.to_string()),
                    Shown::text(difference.indicator.clone()),
                    Shown::text(difference.modality.clone()),
                    mask(difference.grid, &key),
                    mask(difference.forms, &key),
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
}

/// A grid or form value without trailing zeros (`12`, `1 234,5`).
fn french_fixed_trim(value: Decimal) -> String {
    crate::french::french_decimal(value)
}

impl Shown {
    fn with_text(mut self, text: String) -> Shown {
        self.text = text;
        self.format = "General";
        self
    }
}
