//! « Demandes et décisions » : the requests by decision, orientation and form of aid, and
//! each commune's share of granted requests and decision delay.

use super::Builder;
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;

/// The « Demandes et décisions » section.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("demandes", "Demandes et décisions");
    let table =
        builder
            .view
            .breakdown("decisions", year, "demandes_par_decision", Some("demandes"));
    builder.table(table);
    let chart = builder.network_bars(
        "decisions",
        "Demandes selon la décision",
        "demandes_par_decision",
        "decisions",
    );
    builder.chart(chart);
    for (id, code) in [
        ("orientations", "demandes_par_orientation"),
        ("formes", "demandes_par_forme_aide"),
    ] {
        let table = builder.view.breakdown(id, year, code, Some("demandes"));
        builder.table(table);
    }
    let mut rows = Vec::new();
    for commune in builder.view.rows_of_year(year) {
        let mut row = vec![Shown::text(builder.context.name(&commune))];
        for code in ["part_demandes_accordees", "delai_median_decision"] {
            row.push(builder.view.shown(year, &commune, code, TOTAL_MODALITY));
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "accords-delais".to_string(),
        title: format!("Part des demandes accordées et délai médian de décision ({year})"),
        headers: vec![
            "Commune".to_string(),
            "Part accordée (%)".to_string(),
            "Délai médian (jours)".to_string(),
        ],
        rows,
        note: Some("Part accordée : demandes accordées totalement ou partiellement ÷ toutes les demandes. Délai : jours entre la demande et la décision.".to_string()),
    }));
}
