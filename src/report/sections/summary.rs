//! « Synthèse » : the key figures of the network, this year beside the previous one.

use super::{variation, Builder, KeyFigure, KEY_INDICATORS};
use crate::count::{Unit, NETWORK};
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;

/// The « Synthèse » section: the key figures, which also head the page.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    let previous = year - 1;
    builder.section("synthese", "Synthèse : chiffres clés");
    let indicators = builder.context.indicators;
    let mut rows = Vec::new();
    for code in KEY_INDICATORS {
        let Some(definition) = indicators.definition(code) else {
            continue;
        };
        let current = builder.view.shown(year, NETWORK, code, TOTAL_MODALITY);
        let value = if definition.unit == Unit::Days && !current.secret {
            format!("{}\u{a0}jours", current.text)
        } else {
            current.text.clone()
        };
        builder.content.key_figures.push(KeyFigure {
            label: definition.label.clone(),
            value,
        });
        rows.push(vec![
            Shown::text(definition.label.clone()),
            builder.view.shown(previous, NETWORK, code, TOTAL_MODALITY),
            current,
            Shown::text(variation(
                builder.view.published(year, NETWORK, code, TOTAL_MODALITY),
                builder
                    .view
                    .published(previous, NETWORK, code, TOTAL_MODALITY),
                definition.unit,
            )),
        ]);
    }
    let requests = builder
        .view
        .shown(year, NETWORK, "demandes", TOTAL_MODALITY)
        .text;
    let households = builder
        .view
        .shown(year, NETWORK, "foyers_distincts", TOTAL_MODALITY)
        .text;
    let communes = builder.view.rows_of_year(year).len().saturating_sub(1);
    builder.text(format!(
        "En {year}, les CCAS du réseau ({communes} communes ayant transmis des données) ont reçu {requests} demandes d'aide facultative, venant de {households} foyers distincts."
    ));
    builder.table(Some(Table {
        id: "chiffres-cles".to_string(),
        title: format!("Chiffres clés du réseau, {year} et {previous}"),
        headers: vec![
            "Indicateur".to_string(),
            previous.to_string(),
            year.to_string(),
            format!("Évolution {previous}-{year}"),
        ],
        rows,
        note: Some("Les foyers distincts du réseau sont comptés une seule fois même s'ils se sont adressés à plusieurs CCAS (pseudonymes partagés) ; les communes n'ayant transmis que la grille y sont ajoutées telles quelles.".to_string()),
    }));
}
