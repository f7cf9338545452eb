//! « Méthode, sources et secret statistique » : the sources, the definitions and how the
//! statistical secret was applied and audited.

use super::Builder;
use crate::report::tables::{Shown, Table};

/// The « Méthode, sources et secret statistique » section.
pub(super) fn add(builder: &mut Builder) {
    let context = builder.context;
    let network = &context.verification.network;
    builder.section("methode", "Méthode, sources et secret statistique");
    builder.text(format!(
        "Sources : les formulaires partagés de recueil de la demande d'aide facultative et les grilles statistiques annuelles des CCAS du « {} », vérifiés par l'outil observatoire ; les populations légales de l'Insee (clé : population {}) ; le recensement de l'Insee pour le profil de la population.",
        network.name,
        network.population_key.label()
    ));
    if let Some(text) = crate::report::zones::sources_text(context) {
        builder.text(text);
    }
    let vintages: Vec<String> = context
        .indicators
        .years
        .iter()
        .map(|year| match context.indicators.vintages.get(year) {
            Some(vintage) => format!("{year} : millésime {vintage}"),
            None => {
                format!("{year} : aucun millésime en vigueur au 1er janvier, taux non calculés")
            }
        })
        .collect();
    builder.text(format!(
        "Taux pour 1 000 habitants : nombre de demandes (ou de foyers) ÷ population légale en vigueur au 1er janvier de l'année × 1 000 ({}). Le taux du réseau rapporte les demandes de toutes les communes ayant transmis des données à la somme de leurs populations.",
        vintages.join(" ; ")
    ));
    builder.text(format!(
        "Reste à vivre par jour et par unité de consommation : (ressources mensuelles − charges mensuelles) ÷ {} jours ÷ unités de consommation (échelle de l'OCDE utilisée par l'Insee : 1 pour le premier adulte, 0,5 par autre personne de 14 ans ou plus, 0,3 par enfant de moins de 14 ans). « Non calculable » : ressources, charges ou nombre de personnes manquants.",
        crate::count::records::DAYS_PER_MONTH
    ));
    builder.text("Foyers : un foyer est désigné par un pseudonyme calculé de la même façon dans toutes les communes ; il est compté une fois par commune et une fois pour le réseau, ce qui permet de repérer les foyers qui demandent plusieurs fois ou dans plusieurs communes sans jamais connaître leur identité.");
    if context.options.internal {
        builder.text(format!(
            "{} : cette édition n'applique pas le secret statistique. Elle est réservée au groupe de travail « Observation sociale ».",
            crate::report::INTERNAL_BANNER
        ));
    } else {
        secret_texts(builder);
    }
    definitions_table(builder);
}

/// How the published edition applies the statistical secret, and what its audit found.
fn secret_texts(builder: &mut Builder) {
    let context = builder.context;
    let settings = context
        .secret
        .settings
        .unwrap_or_else(|| crate::protect::Settings::of(&context.verification.network));
    let threshold = settings.threshold;
    builder.text(format!(
            "Secret statistique : une case marquée « s » est couverte par le secret. Secret primaire : tout effectif de 1 à {} est masqué (seuil de {threshold}, reseau.toml, jamais moins de 3), ainsi que tout montant versé à moins de {threshold} foyers ou dont un seul foyer détient {} % ou plus (règle de dominance de l'Insee). Une médiane n'est publiée que si elle repose sur au moins {} valeurs et {threshold} foyers ; elle est arrondie (montants à {} €, délais au jour, reste à vivre à l'euro). Les zéros sont publiés : une case masquée n'est donc jamais nulle.",
            threshold.saturating_sub(1),
            crate::protect::DOMINANCE_PERCENT,
            settings.median_minimum,
            crate::count::MEDIAN_AMOUNT_STEP,
        ));
    builder.text(format!(
            "Secret secondaire : d'autres cases, parfois plus grandes, sont masquées pour qu'aucune case masquée ne puisse être encadrée trop précisément par un lecteur qui détient tous les fichiers publiés (totaux des communes, total du réseau, catégories, zéros publiés, foyers distincts et foyers qui demandent plusieurs fois). C'est la méthode de l'intervalle de protection de l'Insee et de τ-Argus : pour chaque effectif masqué par le secret primaire, l'intervalle des valeurs possibles doit avoir une largeur d'au moins {} (intervalle_protection, reseau.toml) ; pour un montant, il doit s'étendre d'au moins {} % de part et d'autre. Les cases à masquer sont choisies par programmation linéaire pour en masquer le moins possible. Tous les tableaux d'une même année sont protégés ensemble. Une part, un taux ou un indice est masqué dès qu'une case dont il est tiré l'est. Les foyers vus dans plusieurs communes ne sont publiés que pour le réseau.",
            settings.protection_level,
            crate::protect::suppression::AMOUNT_PROTECTION_PERCENT,
        ));
    let (cells, hidden) = context.secret.audit.totals();
    let narrowest = context
            .secret
            .audit
            .narrowest_count()
            .map_or_else(|| "aucun effectif n'est masqué par le secret primaire".to_string(), |width| format!("l'intervalle le plus étroit d'un effectif masqué par le secret primaire a une largeur de {width}"));
    builder.text(format!(
            "Audit : après masquage, l'outil attaque lui-même les fichiers publiés (programmation linéaire en nombres entiers sur toutes les relations ci-dessus) et ne publie l'édition que si chaque case masquée résiste : {narrowest} (il en faut au moins {}), et aucune case masquée n'est calculable exactement. {} cases d'effectifs, de foyers et de montants sur {} sont masquées ({} %) ; les parts, taux, indices et médianes qui en dépendent le sont avec elles. Le détail, case par case et sans les valeurs, est dans le fichier audit-secret.json.",
            settings.protection_level,
            hidden,
            cells,
            crate::report::audit::percent(hidden, cells).replace('.', ","),
        ));
    let proven = context
        .secret
        .audit
        .cells
        .iter()
        .filter(|cell| cell.width_lowered)
        .count();
    if proven > 0 {
        builder.text(format!(
                "Sur un réseau de cette taille, {proven} cases masquées forment des groupes trop grands pour le calcul exact : pour chacune, l'outil a trouvé et vérifié en nombres entiers d'autres valeurs compatibles avec tous les fichiers publiés, qui prouvent que l'intervalle d'un lecteur est au moins aussi large que l'exige la règle. La largeur donnée pour ces cases dans audit-secret.json (« largeur_minoree ») est donc un minimum garanti : l'intervalle réel est au moins aussi large."
            ));
    }
}

/// The table of the indicators: code, label, unit and what they are computed from.
fn definitions_table(builder: &mut Builder) {
    let rows = builder
        .context
        .indicators
        .definitions
        .iter()
        .map(|definition| {
            vec![
                Shown::text(definition.code.clone()),
                Shown::text(definition.label.clone()),
                Shown::text(definition.unit.label()),
                Shown::text(if definition.in_catalogue {
                    "formulaires ou grille"
                } else {
                    "formulaires"
                }),
            ]
        })
        .collect();
    builder.table(Some(Table {
        id: "definitions".to_string(),
        title: "Indicateurs".to_string(),
        headers: ["Code", "Indicateur", "Unité", "Calculé à partir des"]
            .map(str::to_string)
            .to_vec(),
        rows,
        note: None,
    }));
}
