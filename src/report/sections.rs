//! The content of the report, section by section: the tables and charts every renderer
//! shares (the HTML page shows them, the workbook has one sheet per table).

use super::charts::{Chart, Series, Shape};
use super::tables::{Shown, Table, View};
use super::Context;
use crate::count::{records::NOT_GIVEN, Unit, NETWORK};
use crate::french::{french_fixed, french_integer};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One block of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub text: Option<String>,
    pub table: Option<Table>,
    pub chart: Option<ChartItem>,
}

/// A chart as placed in the page.
#[derive(Debug, Clone, Serialize)]
pub struct ChartItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub svg: String,
    pub table_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// A key figure of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
}

/// Everything the renderers show.
#[derive(Debug, Clone, Serialize)]
pub struct Content {
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub charts: Vec<Chart>,
    #[serde(skip)]
    pub tables: Vec<Table>,
    pub key_figures: Vec<KeyFigure>,
}

struct Builder<'a> {
    context: &'a Context<'a>,
    view: View<'a>,
    content: Content,
}

impl Builder<'_> {
    fn section(&mut self, id: &str, title: &str) {
        self.content.sections.push(Section {
            id: id.to_string(),
            title: title.to_string(),
            items: Vec::new(),
        });
    }

    fn push(&mut self, item: Item) {
        if let Some(section) = self.content.sections.last_mut() {
            section.items.push(item);
        }
    }

    fn text(&mut self, text: impl Into<String>) {
        self.push(Item {
            text: Some(text.into()),
            table: None,
            chart: None,
        });
    }

    fn table(&mut self, table: Option<Table>) {
        let Some(table) = table else { return };
        self.content.tables.push(table.clone());
        self.push(Item {
            text: None,
            table: Some(table),
            chart: None,
        });
    }

    fn chart(&mut self, chart: Chart) {
        self.push(Item {
            text: None,
            table: None,
            chart: Some(ChartItem {
                id: chart.id.clone(),
                title: chart.title.clone(),
                description: chart.description.clone(),
                svg: chart.svg(),
                table_id: chart.table_id.clone(),
            }),
        });
        self.content.charts.push(chart);
    }

    fn source_line(&self) -> String {
        format!(
            "Source : {}, demandes d'aide facultative {} – traitement observatoire",
            self.context.verification.network.nom, self.context.year
        )
    }

    /// A bar chart of one network row over the modalities of an indicator.
    fn network_bars(&self, id: &str, title: &str, code: &str, table_id: &str) -> Chart {
        let year = self.context.year;
        let modalities: Vec<String> = self
            .context
            .indicators
            .definition(code)
            .map(|definition| definition.modalities.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|modality| {
                self.context
                    .indicators
                    .get(year, NETWORK, code, modality)
                    .is_some_and(|figure| !figure.value.is_zero())
            })
            .collect();
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for modality in &modalities {
            let shown = self.view.shown(year, NETWORK, code, modality);
            values.push(
                self.view
                    .published(year, NETWORK, code, modality)
                    .and_then(|value| value.to_f64()),
            );
            labels.push(shown.text);
        }
        let description = modalities
            .iter()
            .zip(&labels)
            .map(|(modality, label)| format!("{modality} : {label}"))
            .collect::<Vec<_>>()
            .join(" ; ");
        Chart {
            id: id.to_string(),
            title: format!("{title} – réseau, {year}"),
            description: format!("{title} pour l'ensemble du réseau en {year}. {description}."),
            source: self.source_line(),
            shape: Shape::Bars,
            categories: modalities,
            series: vec![Series {
                name: title.to_string(),
                values,
                labels,
            }],
            table_id: table_id.to_string(),
            banner: self.context.banner(),
        }
    }
}

fn variation(current: Option<Decimal>, previous: Option<Decimal>, unit: Unit) -> String {
    let (Some(current), Some(previous)) = (current, previous) else {
        return "—".to_string();
    };
    if unit == Unit::Percent {
        let difference = current - previous;
        let sign = if difference > Decimal::ZERO { "+" } else { "" };
        return format!("{sign}{}\u{a0}point", french_fixed(difference, 1));
    }
    if previous.is_zero() {
        return "—".to_string();
    }
    let change = (current - previous) * Decimal::ONE_HUNDRED / previous;
    let sign = if change > Decimal::ZERO { "+" } else { "" };
    format!("{sign}{}\u{a0}%", french_fixed(change, 1))
}

/// The most bars a chart shows (a slide stays readable).
const MAX_BARS: usize = 25;

/// The key indicators of the summary and of each commune.
const KEY_INDICATORS: [&str; 9] = [
    "demandes",
    "foyers_distincts",
    "foyers_demandes_multiples",
    "foyers_plusieurs_communes",
    "part_demandes_accordees",
    "montant_accorde",
    "delai_median_decision",
    "reste_a_vivre_median",
    "demandes_pour_1000_habitants",
];

/// Builds the sections of the report.
pub fn build<'a>(context: &'a Context<'a>) -> Content {
    let names = |code: &str| context.name(code);
    let mut builder = Builder {
        context,
        view: View {
            indicators: context.indicators,
            secret: context.secret,
            names: &names,
        },
        content: Content {
            sections: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
            key_figures: Vec::new(),
        },
    };
    summary(&mut builder);
    requests_and_decisions(&mut builder);
    natures_and_amounts(&mut builder);
    profile(&mut builder);
    communes(&mut builder);
    evolution(&mut builder);
    quality(&mut builder);
    method(&mut builder);
    builder.content
}

fn summary(builder: &mut Builder) {
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

fn requests_and_decisions(builder: &mut Builder) {
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

fn natures_and_amounts(builder: &mut Builder) {
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

fn profile(builder: &mut Builder) {
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
        Some(vintage) => {
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
            profile_chart(builder, *vintage);
            for table in super::zones::tables(builder.context, &builder.view, *vintage) {
                builder.table(Some(table));
            }
            let source = builder.source_line();
            if let Some(chart) =
                super::zones::chart(builder.context, &builder.view, *vintage, &source)
            {
                builder.chart(chart);
            }
        }
        None => builder.text(
            "Aucun fichier de contexte (recensement) n'a été fourni : la comparaison avec la population n'est pas faite.",
        ),
    }
}

fn profile_chart(builder: &mut Builder, vintage: i32) {
    let year = builder.context.year;
    let rows = builder.view.rows_of_year(year);
    let mut census: BTreeMap<String, Decimal> = BTreeMap::new();
    for row in builder.context.records.context.iter().filter(|row| {
        row.vintage == vintage
            && row.indicator == "population_par_tranche_age"
            && rows.contains(&row.commune)
    }) {
        *census.entry(row.modality.clone()).or_default() += row.value;
    }
    let census_total: Decimal = census.values().copied().sum();
    let modalities: Vec<String> = builder
        .context
        .indicators
        .definition("demandes_par_tranche_age")
        .map(|definition| definition.modalities.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|modality| modality != NOT_GIVEN)
        .collect();
    let request_total: Decimal = modalities
        .iter()
        .filter_map(|modality| {
            builder
                .context
                .indicators
                .get(year, NETWORK, "demandes_par_tranche_age", modality)
                .map(|figure| figure.value)
        })
        .sum();
    let share = |part: Option<Decimal>, total: Decimal| -> Option<Decimal> {
        let part = part?;
        (!total.is_zero()).then(|| (part * Decimal::ONE_HUNDRED / total).round_dp(1))
    };
    let mut requests = Series {
        name: "Demandeurs (%)".to_string(),
        values: Vec::new(),
        labels: Vec::new(),
    };
    let mut population = Series {
        name: format!("Population {vintage} (%)"),
        values: Vec::new(),
        labels: Vec::new(),
    };
    // One hidden age band would follow from the others' shares: then none is shown.
    let any_hidden = modalities.iter().any(|modality| {
        builder
            .view
            .published(year, NETWORK, "demandes_par_tranche_age", modality)
            .is_none()
    });
    let mut rows_table = Vec::new();
    for modality in &modalities {
        let request_share = if any_hidden {
            None
        } else {
            share(
                builder
                    .view
                    .published(year, NETWORK, "demandes_par_tranche_age", modality),
                request_total,
            )
        };
        let population_share = share(census.get(modality).copied(), census_total);
        let shown = |value: Option<Decimal>| {
            value.map_or_else(Shown::secret, |value| Shown::value(value, Unit::Percent))
        };
        let request_shown = shown(request_share);
        let population_shown = shown(population_share);
        requests
            .values
            .push(request_share.and_then(|value| value.to_f64()));
        requests.labels.push(request_shown.text.clone());
        population
            .values
            .push(population_share.and_then(|value| value.to_f64()));
        population.labels.push(population_shown.text.clone());
        rows_table.push(vec![
            Shown::text(modality.clone()),
            request_shown,
            population_shown,
        ]);
    }
    builder.table(Some(Table {
        id: "profil-population".to_string(),
        title: format!("Âge des demandeurs et de la population – réseau, {year}"),
        headers: vec![
            "Tranche d'âge".to_string(),
            "Part des demandes (%)".to_string(),
            format!("Part de la population {vintage} (%)"),
        ],
        rows: rows_table,
        note: Some("Population : tranches du recensement (POP T0) ; la première tranche ne compte que les 15 ans ou plus.".to_string()),
    }));
    let description = modalities
        .iter()
        .zip(requests.labels.iter().zip(&population.labels))
        .map(|(modality, (request, population))| {
            format!("{modality} : {request} des demandes, {population} de la population")
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let chart = Chart {
        id: "profil-population".to_string(),
        title: format!("Âge des demandeurs et de la population – réseau, {year}"),
        description: format!("{description}."),
        source: format!("{} ; Insee, recensement {vintage}", builder.source_line()),
        shape: Shape::Bars,
        categories: modalities,
        series: vec![requests, population],
        table_id: "profil-population".to_string(),
        banner: builder.context.banner(),
    };
    builder.chart(chart);
}

fn communes(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("communes", "Les communes");
    builder.text("Chaque commune est présentée à côté du réseau (dernière ligne, en gras).");
    let indicators = builder.context.indicators;
    let mut headers = vec!["Commune".to_string()];
    let codes: Vec<&str> = KEY_INDICATORS.to_vec();
    for code in &codes {
        if let Some(definition) = indicators.definition(code) {
            headers.push(definition.label.clone());
        }
    }
    let mut rows = Vec::new();
    for commune in builder.view.rows_of_year(year) {
        let mut row = vec![Shown::text(builder.context.name(&commune))];
        if commune == NETWORK {
            row[0].strong = true;
        }
        for code in &codes {
            row.push(builder.view.shown(year, &commune, code, TOTAL_MODALITY));
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "communes".to_string(),
        title: format!("Les communes et le réseau ({year})"),
        headers,
        rows,
        note: None,
    }));
    let mut categories = Vec::new();
    let mut values = Vec::new();
    let mut labels = Vec::new();
    // A slide holds about 25 bars: a large network shows its highest rates, then itself.
    let mut charted = builder.view.rows_of_year(year);
    let too_many = charted.len() > MAX_BARS + 1;
    if too_many {
        charted.retain(|commune| commune != NETWORK);
        charted.sort_by_key(|commune| {
            std::cmp::Reverse(builder.view.published(
                year,
                commune,
                "demandes_pour_1000_habitants",
                TOTAL_MODALITY,
            ))
        });
        charted.truncate(MAX_BARS);
        charted.push(NETWORK.to_string());
    }
    for commune in charted {
        let shown = builder.view.shown(
            year,
            &commune,
            "demandes_pour_1000_habitants",
            TOTAL_MODALITY,
        );
        categories.push(builder.context.name(&commune));
        values.push(
            builder
                .view
                .published(
                    year,
                    &commune,
                    "demandes_pour_1000_habitants",
                    TOTAL_MODALITY,
                )
                .and_then(|value| value.to_f64()),
        );
        labels.push(shown.text);
    }
    let description = categories
        .iter()
        .zip(&labels)
        .map(|(commune, label)| format!("{commune} : {label}"))
        .collect::<Vec<_>>()
        .join(" ; ");
    let vintage = indicators.vintages.get(&year).map_or_else(
        || "aucun millésime en vigueur".to_string(),
        |vintage| format!("Insee, populations légales millésime {vintage}"),
    );
    let chart = Chart {
        id: "taux-communes".to_string(),
        title: if too_many {
            format!("Demandes pour 1 000 habitants : les {MAX_BARS} taux les plus élevés, {year}")
        } else {
            format!("Demandes pour 1 000 habitants par commune, {year}")
        },
        description: format!("Demandes pour 1 000 habitants en {year}. {description}."),
        source: format!("{} ; {vintage}", builder.source_line()),
        shape: Shape::Bars,
        categories,
        series: vec![Series {
            name: "Demandes pour 1 000 habitants".to_string(),
            values,
            labels,
        }],
        table_id: "communes".to_string(),
        banner: builder.context.banner(),
    };
    builder.chart(chart);
}

fn evolution(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("evolution", "Évolution");
    let years: Vec<i32> = builder
        .context
        .indicators
        .years
        .iter()
        .copied()
        .filter(|candidate| *candidate <= year)
        .collect();
    let codes = [
        "demandes",
        "foyers_distincts",
        "montant_accorde",
        "part_demandes_accordees",
        "demandes_pour_1000_habitants",
    ];
    let mut headers = vec!["Année".to_string()];
    for code in codes {
        if let Some(definition) = builder.context.indicators.definition(code) {
            headers.push(definition.label.clone());
        }
    }
    let mut rows = Vec::new();
    for candidate in &years {
        let mut row = vec![Shown::text(candidate.to_string())];
        for code in codes {
            row.push(
                builder
                    .view
                    .shown(*candidate, NETWORK, code, TOTAL_MODALITY),
            );
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "evolution-reseau".to_string(),
        title: "Évolution du réseau".to_string(),
        headers,
        rows,
        note: None,
    }));
    // Each commune's requests over the years.
    let mut headers = vec!["Commune".to_string()];
    headers.extend(years.iter().map(i32::to_string));
    headers.push(format!("Évolution {}-{year}", year - 1));
    let mut rows = Vec::new();
    for commune in builder.context.indicators.rows() {
        let mut row = vec![Shown::text(builder.context.name(&commune))];
        if commune == NETWORK {
            row[0].strong = true;
        }
        for candidate in &years {
            row.push(
                builder
                    .view
                    .shown(*candidate, &commune, "demandes", TOTAL_MODALITY),
            );
        }
        row.push(Shown::text(variation(
            builder
                .view
                .published(year, &commune, "demandes", TOTAL_MODALITY),
            builder
                .view
                .published(year - 1, &commune, "demandes", TOTAL_MODALITY),
            Unit::Requests,
        )));
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "evolution-communes".to_string(),
        title: "Demandes par commune et par année".to_string(),
        headers,
        rows,
        note: None,
    }));
    let mut series = Vec::new();
    for (code, name) in [
        ("demandes", "Demandes"),
        ("foyers_distincts", "Foyers distincts"),
    ] {
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for candidate in &years {
            values.push(
                builder
                    .view
                    .published(*candidate, NETWORK, code, TOTAL_MODALITY)
                    .and_then(|value| value.to_f64()),
            );
            labels.push(
                builder
                    .view
                    .shown(*candidate, NETWORK, code, TOTAL_MODALITY)
                    .text,
            );
        }
        series.push(Series {
            name: name.to_string(),
            values,
            labels,
        });
    }
    let description = years
        .iter()
        .enumerate()
        .map(|(position, candidate)| {
            format!(
                "{candidate} : {} demandes, {} foyers",
                series[0].labels.get(position).cloned().unwrap_or_default(),
                series[1].labels.get(position).cloned().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let first = years.first().copied().unwrap_or(year);
    let chart = Chart {
        id: "evolution".to_string(),
        title: format!("Demandes et foyers du réseau, {first}-{year}"),
        description: format!(
            "Évolution du nombre de demandes et de foyers distincts du réseau. {description}."
        ),
        source: format!(
            "Source : {}, demandes d'aide facultative {first}-{year} – traitement observatoire",
            builder.context.verification.network.nom
        ),
        shape: Shape::Lines,
        categories: years.iter().map(i32::to_string).collect(),
        series,
        table_id: "evolution-reseau".to_string(),
        banner: builder.context.banner(),
    };
    builder.chart(chart);
}

fn quality(builder: &mut Builder) {
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

fn method(builder: &mut Builder) {
    let context = builder.context;
    let network = &context.verification.network;
    builder.section("methode", "Méthode, sources et secret statistique");
    builder.text(format!(
        "Sources : les formulaires partagés de recueil de la demande d'aide facultative et les grilles statistiques annuelles des CCAS du « {} », vérifiés par l'outil observatoire ; les populations légales de l'Insee (clé : population {}) ; le recensement de l'Insee pour le profil de la population.",
        network.nom,
        network.cle_population.label()
    ));
    if let Some(text) = super::zones::sources_text(context) {
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
            super::INTERNAL_BANNER
        ));
    } else {
        let settings = context
            .secret
            .settings
            .unwrap_or_else(|| crate::protect::Settings::of(network));
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
            super::audit::percent(hidden, cells).replace('.', ","),
        ));
        let proven = context
            .secret
            .audit
            .cells
            .iter()
            .filter(|cell| cell.largeur_minoree)
            .count();
        if proven > 0 {
            builder.text(format!(
                "Sur un réseau de cette taille, {proven} cases masquées forment des groupes trop grands pour le calcul exact : pour chacune, l'outil a trouvé et vérifié en nombres entiers d'autres valeurs compatibles avec tous les fichiers publiés, qui prouvent que l'intervalle d'un lecteur est au moins aussi large que l'exige la règle. La largeur donnée pour ces cases dans audit-secret.json (« largeur_minoree ») est donc un minimum garanti : l'intervalle réel est au moins aussi large."
            ));
        }
    }
    let rows = context
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
