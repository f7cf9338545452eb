//! « Profil des demandeurs » : who asks (sex, age, household, housing, activity,
//! resources, reste à vivre) and, with a census file, how they compare with the population.

use super::Builder;
use crate::count::{records::NOT_GIVEN, Unit, NETWORK};
use crate::report::charts::{Chart, Series, Shape};
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The « Profil des demandeurs » section.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("profil", "Profil des demandeurs");
    for (id, field) in [
        ("sexe", "sexe_demandeur"),
        ("ages", "tranche_age"),
        ("menages", "composition_foyer"),
        ("logement", "logement"),
        ("activite", "situation_professionnelle"),
        ("ressources", "ressource_principale"),
    ] {
        let table =
            builder
                .view
                .breakdown(id, year, &format!("demandes_par_{field}"), Some("demandes"));
        builder.table(table);
    }
    let table = builder.view.breakdown(
        "reste-a-vivre",
        year,
        "demandes_par_reste_a_vivre",
        Some("demandes"),
    );
    builder.table(table);
    let mut rows = Vec::new();
    for commune in builder.view.rows_of_year(year) {
        rows.push(vec![
            Shown::text(builder.context.name(&commune)),
            builder
                .view
                .shown(year, &commune, "reste_a_vivre_median", TOTAL_MODALITY),
        ]);
    }
    builder.table(Some(Table {
        id: "reste-a-vivre-median".to_string(),
        title: format!("Reste à vivre médian par jour et par unité de consommation ({year})"),
        headers: vec![
            "Commune".to_string(),
            "Médiane (€ par jour et par UC)".to_string(),
        ],
        rows,
        note: None,
    }));
    match builder.context.indicators.context_vintages.get(&year) {
        Some(vintage) => population_comparison(builder, *vintage),
        None => builder.text(
            "Aucun fichier de contexte (recensement) n'a été fourni : la comparaison avec la population n'est pas faite.",
        ),
    }
}

/// With a census file: the over-representation indices, the age comparison with the
/// population and the comparison with the reference zones.
fn population_comparison(builder: &mut Builder, vintage: i32) {
    let year = builder.context.year;
    builder.text(format!(
        "L'indice de surreprésentation compare la part d'une catégorie parmi les demandes à sa part dans la population du recensement de l'Insee (millésime {vintage}) : 1 signifie « comme dans la population », 2 « deux fois plus représentée »."
    ));
    for (id, field) in [
        ("surrepresentation-ages", "tranche_age"),
        ("surrepresentation-menages", "composition_foyer"),
    ] {
        let table = builder.view.breakdown(
            id,
            year,
            &format!("indice_surrepresentation_par_{field}"),
            None,
        );
        builder.table(table);
    }
    age_comparison(builder, vintage);
    for table in crate::report::zones::tables(builder.context, &builder.view, vintage) {
        builder.table(Some(table));
    }
    let source = builder.source_line();
    if let Some(chart) =
        crate::report::zones::chart(builder.context, &builder.view, vintage, &source)
    {
        builder.chart(chart);
    }
}

/// The age bands compared, « Non renseigné » left out.
pub(super) fn age_modalities(builder: &Builder) -> Vec<String> {
    builder
        .context
        .indicators
        .definition("demandes_par_tranche_age")
        .map(|definition| definition.modalities.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|modality| modality != NOT_GIVEN)
        .collect()
}

/// The census population by age band of a commune, or of the network's communes with
/// data.
fn census_by_age(builder: &Builder, vintage: i32, commune: &str) -> BTreeMap<String, Decimal> {
    let rows = if commune == NETWORK {
        builder.view.rows_of_year(builder.context.year)
    } else {
        vec![commune.to_string()]
    };
    let mut census: BTreeMap<String, Decimal> = BTreeMap::new();
    for row in builder.context.records.context.iter().filter(|row| {
        row.vintage == vintage
            && row.indicator == "population_par_tranche_age"
            && rows.contains(&row.commune)
    }) {
        *census.entry(row.modality.clone()).or_default() += row.value;
    }
    census
}

/// For each age band, the share (%) of the requests of a commune (or of the network) and
/// of its population; the requests' shares are all `None` when a band is hidden.
pub(super) fn age_shares(
    builder: &Builder,
    vintage: i32,
    modalities: &[String],
    commune: &str,
) -> Vec<(Option<Decimal>, Option<Decimal>)> {
    let year = builder.context.year;
    let census = census_by_age(builder, vintage, commune);
    let census_total: Decimal = census.values().copied().sum();
    let request_total: Decimal = modalities
        .iter()
        .filter_map(|modality| {
            builder
                .context
                .indicators
                .get(year, commune, "demandes_par_tranche_age", modality)
                .map(|figure| figure.value)
        })
        .sum();
    let share = |part: Option<Decimal>, total: Decimal| -> Option<Decimal> {
        let part = part?;
        (!total.is_zero()).then(|| (part * Decimal::ONE_HUNDRED / total).round_dp(1))
    };
    // One hidden age band would follow from the others' shares: then none is shown.
    let any_hidden = modalities.iter().any(|modality| {
        builder
            .view
            .published(year, commune, "demandes_par_tranche_age", modality)
            .is_none()
    });
    modalities
        .iter()
        .map(|modality| {
            let request_share = if any_hidden {
                None
            } else {
                share(
                    builder
                        .view
                        .published(year, commune, "demandes_par_tranche_age", modality),
                    request_total,
                )
            };
            (
                request_share,
                share(census.get(modality).copied(), census_total),
            )
        })
        .collect()
}

/// A share as shown, « s » when there is none.
pub(super) fn shown_share(value: Option<Decimal>) -> Shown {
    value.map_or_else(Shown::secret, |value| Shown::value(value, Unit::Percent))
}

/// The bars of one series of shares.
pub(super) fn share_series(name: String, shares: impl Iterator<Item = Option<Decimal>>) -> Series {
    let mut series = Series {
        name,
        values: Vec::new(),
        labels: Vec::new(),
    };
    for share in shares {
        series.values.push(share.and_then(|value| value.to_f64()));
        series.labels.push(shown_share(share).text);
    }
    series
}

/// The network's requesters beside the census population by age band: a table and its
/// chart.
fn age_comparison(builder: &mut Builder, vintage: i32) {
    let year = builder.context.year;
    let title = format!("Âge des demandeurs et de la population – réseau, {year}");
    let (table, chart) = age_profile(
        builder,
        vintage,
        &AgeProfile {
            commune: NETWORK,
            id: "profil-population",
            table_title: title.clone(),
            chart_title: title,
            note: "Population : tranches du recensement (POP T0) ; la première tranche ne compte que les 15 ans ou plus.",
        },
    );
    builder.table(Some(table));
    builder.chart(chart);
}

/// What names an age profile: whose it is, its id, its titles and its table's note.
pub(super) struct AgeProfile<'a> {
    pub commune: &'a str,
    pub id: &'a str,
    pub table_title: String,
    pub chart_title: String,
    pub note: &'a str,
}

/// The requesters of a commune (or of the network) beside its census population by age
/// band: the table and its chart, the requests' shares « s » when a band is hidden.
pub(super) fn age_profile(builder: &Builder, vintage: i32, profile: &AgeProfile) -> (Table, Chart) {
    let modalities = age_modalities(builder);
    let shares = age_shares(builder, vintage, &modalities, profile.commune);
    let rows = modalities
        .iter()
        .zip(&shares)
        .map(|(modality, (request, population))| {
            vec![
                Shown::text(modality.clone()),
                shown_share(*request),
                shown_share(*population),
            ]
        })
        .collect();
    let table = Table {
        id: profile.id.to_string(),
        title: profile.table_title.clone(),
        headers: vec![
            "Tranche d'âge".to_string(),
            "Part des demandes (%)".to_string(),
            format!("Part de la population {vintage} (%)"),
        ],
        rows,
        note: Some(profile.note.to_string()),
    };
    let requests = share_series(
        "Demandeurs (%)".to_string(),
        shares.iter().map(|(request, _)| *request),
    );
    let population = share_series(
        format!("Population {vintage} (%)"),
        shares.iter().map(|(_, population)| *population),
    );
    let description = modalities
        .iter()
        .zip(requests.labels.iter().zip(&population.labels))
        .map(|(modality, (request, population))| {
            format!("{modality} : {request} des demandes, {population} de la population")
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let chart = Chart {
        id: profile.id.to_string(),
        title: profile.chart_title.clone(),
        description: format!("{description}."),
        source: format!("{} ; Insee, recensement {vintage}", builder.source_line()),
        shape: Shape::Bars,
        categories: modalities,
        series: vec![requests, population],
        table_id: profile.id.to_string(),
        banner: builder.context.banner(),
    };
    (table, chart)
}
