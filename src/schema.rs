//! The schemas of the network's files, read from `schemas/` and embedded at build time.
//!
//! The working group changes its criteria over the years, so fields, categories and
//! indicators are data, not code: a new category in `schemas/demandes.json` is accepted
//! by `verifier` without any change here.

use crate::fold::{fold, fold_header};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::OnceLock;

/// The schema files, embedded so that the binary works from any folder.
const SCHEMA_SOURCES: &[(&str, &str)] = &[
    ("demandes", include_str!("../schemas/demandes.json")),
    ("grille", include_str!("../schemas/grille.json")),
    ("depenses", include_str!("../schemas/depenses.json")),
    (
        "temps_personnel",
        include_str!("../schemas/temps_personnel.json"),
    ),
    ("contexte", include_str!("../schemas/contexte.json")),
    ("activite", include_str!("../schemas/activite.json")),
    ("acteurs", include_str!("../schemas/acteurs.json")),
];
const INDICATORS_SOURCE: &str = include_str!("../schemas/indicateurs.json");
const IDENTIFYING_SOURCE: &str = include_str!("../schemas/identifiants.json");

/// The standard Table Schema types this project uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Integer,
    Number,
    Date,
    Year,
}

/// What a field means beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An INSEE code or the name of a member of the network.
    Commune,
    /// A member, or a reference zone of the census context (`D44`, `FRANCE`).
    #[serde(rename = "commune_ou_zone")]
    CommuneOrZone,
    /// Euros, exact to the cent.
    Money,
}

/// The standard constraints of a Table Schema field.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Constraints {
    pub required: bool,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<String>>,
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    /// `minimum` and `maximum` as exact decimals, computed once when the schema is loaded.
    #[serde(skip)]
    decimal_bounds: (Option<Decimal>, Option<Decimal>),
}

/// One column of a schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub constraints: Constraints,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub enum_synonyms: BTreeMap<String, String>,
}

impl Field {
    /// Whether a value is required.
    pub fn required(&self) -> bool {
        self.constraints.required
    }

    /// The allowed categories, if the field is a list.
    pub fn categories(&self) -> Option<&[String]> {
        self.constraints.allowed.as_deref()
    }

    /// The minimum and maximum as exact decimals.
    pub fn decimal_bounds(&self) -> (Option<Decimal>, Option<Decimal>) {
        self.constraints.decimal_bounds
    }

    /// Whether the field holds euros.
    pub fn is_money(&self) -> bool {
        self.role == Some(Role::Money)
    }

    /// Whether the field holds a commune.
    pub fn is_commune(&self) -> bool {
        matches!(self.role, Some(Role::Commune | Role::CommuneOrZone))
    }

    /// Whether the field also accepts a reference zone (`D44`, `FRANCE`), never a member.
    pub fn accepts_zones(&self) -> bool {
        self.role == Some(Role::CommuneOrZone)
    }
}

/// The optional `age` column of `demandes`, banded into `tranche_age`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgeField {
    pub name: String,
    pub bands_into: String,
    pub title: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// One schema (`demandes`, `grille`…).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub version: String,
    pub fields: Vec<Field>,
    #[serde(default)]
    pub age_field: Option<AgeField>,
    /// The fields that together identify a row (Table Schema `primaryKey`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub primary_key: Vec<String>,
    #[serde(skip)]
    header_keys: HashMap<String, usize>,
    #[serde(skip)]
    category_keys: Vec<HashMap<String, usize>>,
    #[serde(skip)]
    category_exact: Vec<HashMap<String, usize>>,
}

/// A Table Schema `primaryKey`: one field name or a list of them.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(name) => vec![name],
        OneOrMany::Many(names) => names,
    })
}

impl Schema {
    /// Whether a template may fill this field in advance: a field of the primary key,
    /// the commune, or a year. A row holding nothing else is a template row left empty.
    pub fn is_prefillable(&self, field: usize) -> bool {
        self.fields.get(field).is_some_and(|field| {
            field.is_commune()
                || field.field_type == FieldType::Year
                || self.primary_key.contains(&field.name)
        })
    }

    /// The index of a field by name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    /// The field a header label designates, after folding (name, title or synonym).
    pub fn match_header(&self, header: &str) -> Option<usize> {
        self.header_keys.get(&fold_header(header)).copied()
    }

    /// Whether a header is the optional age column.
    pub fn is_age_header(&self, header: &str) -> bool {
        let key = fold_header(header);
        self.age_field.as_ref().is_some_and(|age| {
            std::iter::once(&age.name)
                .chain(std::iter::once(&age.title))
                .chain(age.synonyms.iter())
                .any(|label| fold_header(label) == key)
        })
    }

    /// The canonical category of field `field` matching `text` after folding (labels and
    /// schema synonyms), as an index into the field's list.
    pub fn match_category(&self, field: usize, text: &str) -> Option<usize> {
        if let Some(position) = self.category_exact.get(field)?.get(text) {
            return Some(*position);
        }
        self.category_keys.get(field)?.get(&fold(text)).copied()
    }

    fn index(&mut self) -> Result<(), String> {
        if let Some(unknown) = self
            .primary_key
            .iter()
            .find(|name| self.field_index(name).is_none())
        {
            return Err(format!(
                "schéma {} : la clé primaire nomme le champ inconnu « {unknown} »",
                self.name
            ));
        }
        for field in &mut self.fields {
            let exact = |bound: &Option<serde_json::Number>| -> Result<Option<Decimal>, String> {
                bound
                    .as_ref()
                    .map(|number| {
                        Decimal::from_str(&number.to_string())
                            .or_else(|_| Decimal::from_scientific(&number.to_string()))
                            .map_err(|error| format!("borne {number} illisible : {error}"))
                    })
                    .transpose()
            };
            field.constraints.decimal_bounds = (
                exact(&field.constraints.minimum)?,
                exact(&field.constraints.maximum)?,
            );
        }
        for (position, field) in self.fields.iter().enumerate() {
            let labels = std::iter::once(&field.name)
                .chain(std::iter::once(&field.title))
                .chain(field.synonyms.iter());
            for label in labels {
                let key = fold_header(label);
                if let Some(other) = self.header_keys.insert(key.clone(), position) {
                    if other != position {
                        return Err(format!(
                            "schéma {} : l'en-tête « {label} » désigne deux champs",
                            self.name
                        ));
                    }
                }
            }
        }
        for field in &self.fields {
            let mut keys = HashMap::new();
            let mut exact = HashMap::new();
            if let Some(categories) = field.categories() {
                for (position, label) in categories.iter().enumerate() {
                    keys.insert(fold(label), position);
                    exact.insert(label.clone(), position);
                }
                for (synonym, target) in &field.enum_synonyms {
                    let position = categories.iter().position(|label| label == target).ok_or_else(|| {
                        format!(
                            "schéma {} : le synonyme « {synonym} » du champ {} renvoie à « {target} », absent de la liste",
                            self.name, field.name
                        )
                    })?;
                    keys.entry(fold(synonym)).or_insert(position);
                }
            }
            self.category_keys.push(keys);
            self.category_exact.push(exact);
        }
        Ok(())
    }
}

/// The sheet of an indicator (« fiche indicateur »), printed in the report's annex: what it
/// measures, where it comes from, how it is computed and what it cannot say. Every field is
/// required, so an indicator added without its sheet makes the catalogue fail to load.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Sheet {
    pub definition: String,
    pub source: String,
    #[serde(rename = "formule")]
    pub formula: String,
    #[serde(rename = "limites")]
    pub limits: String,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Indicator {
    pub code: String,
    #[serde(rename = "libelle")]
    pub label: String,
    #[serde(rename = "unite")]
    pub unit: String,
    /// The `demandes` field whose categories break the indicator down, or `None` for a
    /// single `Total` modality.
    #[serde(rename = "ventilation")]
    pub breakdown: Option<String>,
    #[serde(flatten)]
    pub sheet: Sheet,
}

/// An indicator the report computes itself (`src/count/definitions.rs`): no grid carries
/// it, so the catalogue only holds its sheet, with the label and unit the report shows.
#[derive(Debug, Clone, Deserialize)]
pub struct ComputedIndicator {
    pub code: String,
    #[serde(rename = "libelle")]
    pub label: String,
    /// The unit as the report writes it (`Unit::label`).
    #[serde(rename = "unite")]
    pub unit: String,
    #[serde(flatten)]
    pub sheet: Sheet,
}

/// The indicator catalogue (`schemas/indicateurs.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct IndicatorCatalogue {
    pub version: String,
    #[serde(rename = "indicateurs")]
    pub indicators: Vec<Indicator>,
    #[serde(rename = "contexte")]
    pub context: Vec<Indicator>,
    /// The sheets of the indicators the report computes itself.
    #[serde(rename = "indicateurs_calcules")]
    pub computed: Vec<ComputedIndicator>,
}

/// A family of identifying headers (`schemas/identifiants.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct IdentifyingCategory {
    #[serde(rename = "categorie")]
    pub category: String,
    #[serde(rename = "libelle")]
    pub label: String,
    #[serde(rename = "entetes")]
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct IdentifyingCatalogue {
    categories: Vec<IdentifyingCategory>,
}

/// Every schema and catalogue, parsed once.
#[derive(Debug)]
pub struct SchemaSet {
    pub schemas: Vec<Schema>,
    pub indicators: IndicatorCatalogue,
    pub identifying: Vec<IdentifyingCategory>,
}

/// The modality of an indicator without breakdown.
pub const TOTAL_MODALITY: &str = "Total";

impl SchemaSet {
    /// A schema by name.
    pub fn get(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|schema| schema.name == name)
    }

    /// The identifying family a header belongs to, if any: the header's folded words
    /// contain one of the family's labels as whole words.
    pub fn identifying_category(&self, header: &str) -> Option<&IdentifyingCategory> {
        let folded = format!(" {} ", fold(header));
        self.identifying.iter().find(|category| {
            category.headers.iter().any(|label| {
                let needle = format!(" {} ", fold(label));
                needle.trim().len() > 1 && folded.contains(&needle)
            })
        })
    }

    /// The indicator (from the grid catalogue, or the `contexte` catalogue) with this code.
    pub fn indicator(&self, code: &str, context: bool) -> Option<&Indicator> {
        let list = if context {
            &self.indicators.context
        } else {
            &self.indicators.indicators
        };
        list.iter().find(|indicator| indicator.code == code)
    }

    /// The modalities allowed for an indicator: `Total`, or the labels of its breakdown.
    pub fn modalities(&self, indicator: &Indicator) -> Vec<String> {
        match &indicator.breakdown {
            None => vec![TOTAL_MODALITY.to_string()],
            Some(field_name) => self
                .get("demandes")
                .and_then(|schema| schema.fields.iter().find(|field| &field.name == field_name))
                .and_then(Field::categories)
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
        }
    }

    fn load() -> Result<SchemaSet, String> {
        let mut schemas = Vec::new();
        for (name, source) in SCHEMA_SOURCES {
            let mut schema: Schema = serde_json::from_str(source)
                .map_err(|error| format!("schéma {name} illisible : {error}"))?;
            schema.index()?;
            schemas.push(schema);
        }
        let indicators: IndicatorCatalogue = serde_json::from_str(INDICATORS_SOURCE)
            .map_err(|error| format!("catalogue des indicateurs illisible : {error}"))?;
        let identifying: IdentifyingCatalogue = serde_json::from_str(IDENTIFYING_SOURCE)
            .map_err(|error| format!("liste des données identifiantes illisible : {error}"))?;
        Ok(SchemaSet {
            schemas,
            indicators,
            identifying: identifying.categories,
        })
    }
}

/// The embedded schemas. An error here is a bug of the build, reported as such.
pub fn schemas() -> Result<&'static SchemaSet, &'static str> {
    static SET: OnceLock<Result<SchemaSet, String>> = OnceLock::new();
    SET.get_or_init(SchemaSet::load)
        .as_ref()
        .map_err(String::as_str)
}

/// The raw text of each embedded schema file, by name (for tests and templates).
pub fn schema_sources() -> &'static [(&'static str, &'static str)] {
    SCHEMA_SOURCES
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalogue of one indicator, `removed` left out of its entry.
    fn catalogue_without(removed: &str) -> String {
        let mut entry = serde_json::json!({
            "code": "demandes",
            "libelle": "Nombre de demandes",
            "unite": "demandes",
            "ventilation": null,
            "definition": "Ce qui est mesuré.",
            "source": "Les formulaires.",
            "formule": "Le calcul.",
            "limites": "Ce qu'il ne dit pas."
        });
        if let Some(object) = entry.as_object_mut() {
            object.remove(removed);
        }
        serde_json::json!({
            "version": "1.0.0",
            "indicateurs": [entry],
            "contexte": [],
            "indicateurs_calcules": []
        })
        .to_string()
    }

    #[test]
    fn an_indicator_without_its_sheet_fails_to_load() {
        let whole: IndicatorCatalogue =
            serde_json::from_str(&catalogue_without("")).expect("a complete entry loads");
        assert_eq!(whole.indicators[0].sheet.formula, "Le calcul.");
        assert_eq!(whole.indicators[0].breakdown, None);
        for field in ["definition", "source", "formule", "limites"] {
            let error = serde_json::from_str::<IndicatorCatalogue>(&catalogue_without(field))
                .expect_err(field)
                .to_string();
            assert!(error.contains(field), "{field} : {error}");
        }
    }
}
