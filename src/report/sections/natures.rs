//! « Natures et montants des aides » : the requests and the amounts granted by nature of aid.

use super::Builder;

/// The « Natures et montants des aides » section.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("natures", "Natures et montants des aides");
    let table = builder.view.breakdown(
        "natures",
        year,
        "demandes_par_nature_aide",
        Some("demandes"),
    );
    builder.table(table);
    let chart = builder.network_bars(
        "natures",
        "Demandes selon la nature de l'aide",
        "demandes_par_nature_aide",
        "natures",
    );
    builder.chart(chart);
    let table = builder.view.breakdown(
        "montants",
        year,
        "montant_accorde_par_nature_aide",
        Some("montant_accorde"),
    );
    builder.table(table);
    let chart = builder.network_bars(
        "montants",
        "Montants accordés selon la nature de l'aide (euros)",
        "montant_accorde_par_nature_aide",
        "montants",
    );
    builder.chart(chart);
    let table = builder.view.breakdown(
        "montants-medians",
        year,
        "montant_median_par_nature_aide",
        None,
    );
    builder.table(table);
}
