//! The indicators of the report: what each one measures, how its cells relate, and in
//! which order its modalities are shown. The catalogue of `schemas/indicateurs.json` comes
//! first, then the indicators the report computes on its own; each has its sheet (« fiche
//! indicateur ») in the same catalogue, for the report's annex.

use super::records::NOT_GIVEN;
use crate::schema::{Indicator, SchemaSet, Sheet, TOTAL_MODALITY};
use rust_decimal::Decimal;
use serde::Serialize;

/// What a value measures, which decides how it is formatted and protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Unit {
    Requests,
    Households,
    Euros,
    Percent,
    Days,
    PerThousand,
    Index,
    EurosPerDay,
}

impl Unit {
    /// Whether the value is a count (its own primary-secret basis).
    pub fn is_count(self) -> bool {
        matches!(self, Unit::Requests | Unit::Households)
    }

    /// The unit as written in the report.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Requests => "demandes",
            Unit::Households => "foyers",
            Unit::Euros => "euros",
            Unit::Percent => "%",
            Unit::Days => "jours",
            Unit::PerThousand => "pour 1 000 habitants",
            Unit::Index => "indice",
            Unit::EurosPerDay => "euros par jour et par unité de consommation",
        }
    }
}

/// How an indicator's cells relate to each other, for the secondary secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// Adds up over communes (into `RESEAU`) and, when broken down, over modalities (into
    /// `total_code`'s value).
    Additive,
    /// A ratio, median or rate: hidden when its basis is small or a cell it is made of is.
    Derived,
}

/// One indicator of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub code: String,
    pub label: String,
    pub unit: Unit,
    pub kind: Kind,
    /// Modalities in display order (`["Total"]` without breakdown).
    pub modalities: Vec<String>,
    /// For a breakdown, the indicator whose `Total` its modalities add up to.
    pub total_code: Option<String>,
    /// Whether the grid carries it (the DOMAIN catalogue).
    pub in_catalogue: bool,
}

/// Bands of the *reste à vivre* per day and per consumption unit.
pub const REMAINING_BANDS: [&str; 6] = [
    "Moins de 5 €",
    "De 5 à moins de 10 €",
    "De 10 à moins de 15 €",
    "De 15 à moins de 20 €",
    "20 € ou plus",
    "Non calculable",
];

/// The band of a *reste à vivre* (the last one, « Non calculable », when it is unknown).
pub(super) fn remaining_band(value: Option<Decimal>) -> &'static str {
    let Some(value) = value else {
        return REMAINING_BANDS[5];
    };
    let thresholds = [5, 10, 15, 20];
    for (position, threshold) in thresholds.iter().enumerate() {
        if value < Decimal::from(*threshold) {
            return REMAINING_BANDS[position];
        }
    }
    REMAINING_BANDS[4]
}

/// Decisions counted as granting aid.
pub const GRANTED_DECISIONS: [&str; 2] = ["Accordée", "Accordée partiellement"];

/// The indicators of the report: the catalogue of `schemas/indicateurs.json` followed by
/// the report's own.
pub fn definitions(schemas: &SchemaSet) -> Vec<Definition> {
    let mut list: Vec<Definition> = schemas
        .indicators
        .indicators
        .iter()
        .map(|indicator| catalogue_definition(schemas, indicator))
        .collect();
    list.extend(household_definitions());
    list.push(remaining_band_definition());
    list.extend(derived_definitions(schemas));
    list.extend(over_representation_definitions(schemas));
    list
}

/// An indicator of the catalogue, additive; a breakdown gets a « non renseigné »
/// modality (when the schema has none) and adds up to the requests or the amount granted.
fn catalogue_definition(schemas: &SchemaSet, indicator: &Indicator) -> Definition {
    let mut modalities = schemas.modalities(indicator);
    if indicator.breakdown.is_some() && !modalities.iter().any(|label| label == NOT_GIVEN) {
        modalities.push(NOT_GIVEN.to_string());
    }
    let unit = match indicator.unit.as_str() {
        "euros" => Unit::Euros,
        "foyers" => Unit::Households,
        _ => Unit::Requests,
    };
    let total_code = indicator.breakdown.as_ref().map(|_| {
        if unit == Unit::Euros {
            "montant_accorde".to_string()
        } else {
            "demandes".to_string()
        }
    });
    Definition {
        code: indicator.code.clone(),
        label: indicator.label.clone(),
        unit,
        kind: Kind::Additive,
        modalities,
        total_code,
        in_catalogue: true,
    }
}

/// An indicator of the report's own (the grid does not carry it), adding up to nothing.
fn own_definition(
    code: &str,
    label: &str,
    unit: Unit,
    kind: Kind,
    modalities: Vec<String>,
) -> Definition {
    Definition {
        code: code.to_string(),
        label: label.to_string(),
        unit,
        kind,
        total_code: None,
        modalities,
        in_catalogue: false,
    }
}

/// The single `Total` modality of an indicator without breakdown.
fn total_only() -> Vec<String> {
    vec![TOTAL_MODALITY.to_string()]
}

/// The counts of households the forms alone tell: repeat requests, several communes.
fn household_definitions() -> [Definition; 2] {
    [
        own_definition(
            "foyers_demandes_multiples",
            "Foyers ayant demandé plusieurs fois dans l'année",
            Unit::Households,
            Kind::Additive,
            total_only(),
        ),
        own_definition(
            "foyers_plusieurs_communes",
            "Foyers vus dans deux communes du réseau ou plus",
            Unit::Households,
            Kind::Additive,
            total_only(),
        ),
    ]
}

/// The requests by band of *reste à vivre*, a breakdown of the requests.
fn remaining_band_definition() -> Definition {
    let mut remaining = own_definition(
        "demandes_par_reste_a_vivre",
        "Demandes selon le reste à vivre par jour et par unité de consommation",
        Unit::Requests,
        Kind::Additive,
        REMAINING_BANDS
            .iter()
            .map(|band| band.to_string())
            .collect(),
    );
    remaining.total_code = Some("demandes".to_string());
    remaining
}

/// The share granted, the medians and the rates per 1 000 inhabitants; the median amount
/// is broken down by the catalogue's natures of aid.
fn derived_definitions(schemas: &SchemaSet) -> [Definition; 6] {
    let natures = schemas
        .indicator("montant_accorde_par_nature_aide", false)
        .map(|indicator| schemas.modalities(indicator))
        .unwrap_or_default();
    [
        own_definition(
            "part_demandes_accordees",
            "Part des demandes accordées (totalement ou partiellement)",
            Unit::Percent,
            Kind::Derived,
            total_only(),
        ),
        own_definition(
            "montant_median_par_nature_aide",
            "Montant médian accordé selon la nature de l'aide",
            Unit::Euros,
            Kind::Derived,
            natures,
        ),
        own_definition(
            "delai_median_decision",
            "Délai médian entre la demande et la décision",
            Unit::Days,
            Kind::Derived,
            total_only(),
        ),
        own_definition(
            "reste_a_vivre_median",
            "Reste à vivre médian par jour et par unité de consommation",
            Unit::EurosPerDay,
            Kind::Derived,
            total_only(),
        ),
        own_definition(
            "demandes_pour_1000_habitants",
            "Demandes pour 1 000 habitants",
            Unit::PerThousand,
            Kind::Derived,
            total_only(),
        ),
        own_definition(
            "foyers_pour_1000_habitants",
            "Foyers demandeurs pour 1 000 habitants",
            Unit::PerThousand,
            Kind::Derived,
            total_only(),
        ),
    ]
}

/// The over-representation indices, one per census breakdown, with the categories of the
/// matching field of `demandes` as modalities.
fn over_representation_definitions(schemas: &SchemaSet) -> Vec<Definition> {
    [
        ("tranche_age", "tranche d'âge"),
        ("composition_foyer", "composition du foyer"),
    ]
    .into_iter()
    .map(|(field, label)| {
        let categories = schemas
            .get("demandes")
            .and_then(|schema| {
                schema
                    .fields
                    .iter()
                    .find(|candidate| candidate.name == field)
            })
            .and_then(|field| field.categories())
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        own_definition(
            &format!("indice_surrepresentation_par_{field}"),
            &format!("Indice de surreprésentation des demandeurs selon la {label} (1 = comme la population)"),
            Unit::Index,
            Kind::Derived,
            categories,
        )
    })
    .collect()
}

/// One indicator sheet (« fiche indicateur ») of the report's annex: the indicator as the
/// report shows it (code, label, unit) and the four texts of `schemas/indicateurs.json`.
/// Serialised with these English field names: `code`, `label`, `unit`, `definition`,
/// `source`, `formula`, `limits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSheet {
    pub code: String,
    pub label: String,
    /// The unit as written in the report (« demandes », « % », « pour 1 000 habitants »…).
    pub unit: String,
    pub definition: String,
    pub source: String,
    pub formula: String,
    pub limits: String,
}

impl IndicatorSheet {
    fn new(code: &str, label: &str, unit: &str, sheet: &Sheet) -> IndicatorSheet {
        IndicatorSheet {
            code: code.to_string(),
            label: label.to_string(),
            unit: unit.to_string(),
            definition: sheet.definition.clone(),
            source: sheet.source.clone(),
            formula: sheet.formula.clone(),
            limits: sheet.limits.clone(),
        }
    }
}

/// The sheet of every indicator of the report, in the order of [`definitions()`]: the
/// catalogue's from `indicateurs`, the report's own from `indicateurs_calcules`. The
/// label and unit are the report's. A definition without a sheet would be left out; the
/// tests below make sure there is none.
pub fn indicator_sheets(schemas: &SchemaSet) -> Vec<IndicatorSheet> {
    definitions(schemas)
        .iter()
        .filter_map(|definition| {
            let sheet = if definition.in_catalogue {
                schemas
                    .indicator(&definition.code, false)
                    .map(|indicator| &indicator.sheet)
            } else {
                schemas
                    .indicators
                    .computed
                    .iter()
                    .find(|computed| computed.code == definition.code)
                    .map(|computed| &computed.sheet)
            }?;
            Some(IndicatorSheet::new(
                &definition.code,
                &definition.label,
                definition.unit.label(),
                sheet,
            ))
        })
        .collect()
}

/// The sheets of the census context (`contexte` of the catalogue: population and
/// households, by age band and type), in catalogue order, for the annex beside the
/// indicators they are compared with.
pub fn context_sheets(schemas: &SchemaSet) -> Vec<IndicatorSheet> {
    schemas
        .indicators
        .context
        .iter()
        .map(|indicator| {
            IndicatorSheet::new(
                &indicator.code,
                &indicator.label,
                &indicator.unit,
                &indicator.sheet,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remaining_value_falls_in_the_band_below_its_upper_bound() {
        assert_eq!(remaining_band(None), "Non calculable");
        assert_eq!(remaining_band(Some(Decimal::new(499, 2))), "Moins de 5 €");
        assert_eq!(
            remaining_band(Some(Decimal::from(5))),
            "De 5 à moins de 10 €"
        );
        assert_eq!(
            remaining_band(Some(Decimal::from(19))),
            "De 15 à moins de 20 €"
        );
        assert_eq!(remaining_band(Some(Decimal::from(20))), "20 € ou plus");
        assert_eq!(remaining_band(Some(Decimal::from(-3))), "Moins de 5 €");
    }

    fn embedded() -> &'static SchemaSet {
        crate::schema::schemas().expect("the embedded schemas load")
    }

    #[test]
    fn every_definition_has_exactly_one_sheet_with_its_label_and_unit() {
        let schemas = embedded();
        let catalogue = &schemas.indicators;
        for definition in definitions(schemas) {
            let in_catalogue: Vec<(&str, &str)> = catalogue
                .indicators
                .iter()
                .filter(|indicator| indicator.code == definition.code)
                .map(|indicator| (indicator.label.as_str(), indicator.unit.as_str()))
                .collect();
            let computed: Vec<(&str, &str)> = catalogue
                .computed
                .iter()
                .filter(|computed| computed.code == definition.code)
                .map(|computed| (computed.label.as_str(), computed.unit.as_str()))
                .collect();
            let found = if definition.in_catalogue {
                assert!(
                    computed.is_empty(),
                    "{} : fiche en double dans indicateurs_calcules",
                    definition.code
                );
                in_catalogue
            } else {
                assert!(
                    in_catalogue.is_empty(),
                    "{} : calculé par le rapport mais présent dans indicateurs",
                    definition.code
                );
                computed
            };
            assert_eq!(
                found,
                vec![(definition.label.as_str(), definition.unit.label())],
                "{} : il faut exactement une fiche, au libellé et à l'unité du rapport",
                definition.code
            );
        }
    }

    #[test]
    fn the_sheets_follow_the_definitions_one_for_one() {
        let schemas = embedded();
        let sheets = indicator_sheets(schemas);
        let codes: Vec<String> = definitions(schemas)
            .into_iter()
            .map(|definition| definition.code)
            .collect();
        let sheet_codes: Vec<String> = sheets.iter().map(|sheet| sheet.code.clone()).collect();
        assert_eq!(sheet_codes, codes);
    }

    #[test]
    fn no_computed_sheet_names_an_unknown_indicator() {
        let schemas = embedded();
        let own: Vec<String> = definitions(schemas)
            .into_iter()
            .filter(|definition| !definition.in_catalogue)
            .map(|definition| definition.code)
            .collect();
        for computed in &schemas.indicators.computed {
            assert!(
                own.contains(&computed.code),
                "indicateurs_calcules : « {} » n'est pas un indicateur calculé par le rapport",
                computed.code
            );
        }
    }

    #[test]
    fn no_sheet_has_an_empty_text() {
        let schemas = embedded();
        let sheets: Vec<IndicatorSheet> = indicator_sheets(schemas)
            .into_iter()
            .chain(context_sheets(schemas))
            .collect();
        assert_eq!(
            sheets.len(),
            definitions(schemas).len() + schemas.indicators.context.len()
        );
        for sheet in sheets {
            for (name, text) in [
                ("unite", &sheet.unit),
                ("definition", &sheet.definition),
                ("source", &sheet.source),
                ("formule", &sheet.formula),
                ("limites", &sheet.limits),
            ] {
                assert!(!text.trim().is_empty(), "{} : {name} vide", sheet.code);
            }
        }
    }

    #[test]
    fn a_sheet_serialises_with_english_keys() {
        let schemas = embedded();
        let sheet = indicator_sheets(schemas)
            .into_iter()
            .find(|sheet| sheet.code == "demandes_pour_1000_habitants")
            .expect("the rate per 1 000 inhabitants has a sheet");
        let value = serde_json::to_value(&sheet).expect("a sheet serialises");
        let mut keys: Vec<&str> = value
            .as_object()
            .map(|object| object.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code",
                "definition",
                "formula",
                "label",
                "limits",
                "source",
                "unit"
            ]
        );
        assert_eq!(value["unit"], "pour 1 000 habitants");
    }
}
