//! The network itself, read from `reseau.toml`: who belongs to it and since when, its
//! conventions, yearly budgets, annual events and the legal populations used as the
//! cost-sharing key.
//!
//! Cost-sharing has to know, for any date, which CCAS are members and which population
//! vintage is in force, and the statistical secret needs the network's threshold. All of it
//! lives in one small file that the coordinator edits by hand, so [`parse_network`] reports
//! every mistake in it at once, each with its line and a hint in French, the way a
//! spreadsheet error is reported. The checks themselves work on a [`Network`] value, so the
//! built-in [`Network::default_network`] obeys the same rules as a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

/// The network: its members, conventions, budgets, annual events and population vintages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    /// Name shown in reports (« Réseau » when the file does not give one).
    pub nom: String,
    /// INSEE code of the member that advances the funds (the carrier).
    pub porteur: String,
    /// Which legal population is the cost-sharing key.
    pub cle_population: PopulationKey,
    /// Statistical-secret threshold: cells counting fewer are hidden. Never below 3.
    pub seuil_secret: u32,
    /// Protection level of the secret: the attacker's interval for a cell hidden by the
    /// primary rule must be at least this wide. Defaults to `seuil_secret`, never below it.
    pub intervalle_protection: u32,
    /// Fewest values a published median (or other order statistic) may rest on.
    pub effectif_minimum_mediane: u32,
    /// Whether staff time lent by the carrier is called from the other members.
    pub appeler_personnel: bool,
    /// Members, in file order.
    pub membres: Vec<Member>,
    /// Successive conventions (the initial one and its renewals), in file order.
    pub conventions: Vec<Convention>,
    /// Yearly budgets, in file order.
    pub budgets: Vec<Budget>,
    /// Dates of the annual events, in file order.
    pub journees: Vec<Journee>,
    /// Legal population vintages, in file order.
    pub populations: Vec<PopulationVintage>,
    /// True only for [`Network::default_network`], so reports can say no file was given.
    pub is_default: bool,
}

/// Which of INSEE's legal populations shares the costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PopulationKey {
    /// Population municipale (people whose usual residence is in the commune).
    Municipale,
    /// Population totale (municipale plus people counted apart): the legal reference.
    #[default]
    Totale,
}

impl PopulationKey {
    /// The word written in `reseau.toml` and shown to users.
    pub fn label(self) -> &'static str {
        match self {
            PopulationKey::Municipale => "municipale",
            PopulationKey::Totale => "totale",
        }
    }
}

/// One CCAS of the network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// INSEE code of the commune (COG), e.g. `44015`.
    pub code: String,
    /// Name of the commune.
    pub nom: String,
    /// First day of membership.
    #[serde(serialize_with = "serialize_date")]
    pub adhesion: NaiveDate,
    /// Last day of membership (end of the notice period), inclusive.
    #[serde(serialize_with = "serialize_optional_date")]
    pub sortie: Option<NaiveDate>,
}

/// One partnership convention (or renewal), both bounds inclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convention {
    /// First day.
    #[serde(serialize_with = "serialize_date")]
    pub debut: NaiveDate,
    /// Last day.
    #[serde(serialize_with = "serialize_date")]
    pub fin: NaiveDate,
}

/// The budget voted for one year, in euros.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// Year.
    pub annee: i32,
    /// Amount in euros, to the cent.
    pub montant: Decimal,
}

/// The annual event of one year; its date is the default date of the call for funds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Journee {
    /// Year whose expenses the event closes.
    pub annee: i32,
    /// Date of the event.
    #[serde(serialize_with = "serialize_date")]
    pub date: NaiveDate,
}

/// One vintage of INSEE legal populations, with the day it comes into force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationVintage {
    /// Census year the populations refer to (« millésime »).
    pub millesime: i32,
    /// Day from which this vintage is the one « dernièrement connue ».
    #[serde(serialize_with = "serialize_date")]
    pub en_vigueur: NaiveDate,
    /// Where the figures come from, quoted in reports.
    pub source: String,
    /// Populations by member INSEE code.
    pub valeurs: BTreeMap<String, Population>,
}

/// The two legal populations of a commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Population {
    /// Population municipale.
    pub municipale: u64,
    /// Population totale (includes the municipale).
    pub totale: u64,
}

/// One problem found in `reseau.toml`. Messages and hints are in French, written for a
/// non-developer coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkProblem {
    /// 1-based line in the file, when the problem has a place.
    pub line: Option<usize>,
    /// Path of the key concerned, e.g. `membres[2].code` (indices start at 0, in file order).
    pub key: Option<String>,
    /// The value as written, when relevant.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl NetworkProblem {
    /// The problem as a diagnostic (E040) of `reseau.toml`, shown as `shown`, at its line
    /// and key: the one conversion, for every command that reads the network.
    pub fn into_diagnostic(self, shown: &str) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Code, Diagnostic, Location};
        let mut location = Location::file(shown);
        location.row = self.line.and_then(|line| u32::try_from(line).ok());
        location.field = self.key;
        let mut diagnostic = Diagnostic::new(Code::E040, location, self.message).hint(self.hint);
        diagnostic.value = self.value;
        diagnostic
    }
}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "ligne {line}")?,
            None => write!(formatter, "fichier")?,
        }
        if let Some(key) = &self.key {
            write!(formatter, ", {key}")?;
        }
        write!(formatter, " : {}", self.message)?;
        if !self.hint.is_empty() {
            write!(formatter, " ({})", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for NetworkProblem {}

impl Network {
    /// The six communes of the 2014 convention, used when no `reseau.toml` is given.
    ///
    /// Populations of Blain, Bouvron and Fay-de-Bretagne are INSEE's 2021 legal
    /// populations; the other figures, and the whole 2018 vintage, are illustrative.
    pub fn default_network() -> Network {
        let day = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
        let signing = day(2014, 1, 1);
        let communes = [
            ("44015", "Blain"),
            ("44023", "Bouvron"),
            ("44056", "Fay-de-Bretagne"),
            ("44062", "Le Gâvre"),
            ("44111", "Notre-Dame-des-Landes"),
            ("44221", "La Chevallerais"),
        ];
        let membres = communes
            .iter()
            .map(|(code, nom)| Member {
                code: (*code).to_string(),
                nom: (*nom).to_string(),
                adhesion: signing,
                sortie: None,
            })
            .collect();
        // The 2014 convention, then a renewal by avenant every three years.
        let conventions = (0..5)
            .map(|renewal| Convention {
                debut: day(2014 + 3 * renewal, 1, 1),
                fin: day(2016 + 3 * renewal, 12, 31),
            })
            .collect();
        let budgets = (2014..=2026)
            .map(|annee| Budget {
                annee,
                montant: Decimal::new(400_000, 2),
            })
            .collect();
        let vintage = |millesime, en_vigueur, source: &str, figures: [(&str, u64, u64); 6]| {
            PopulationVintage {
                millesime,
                en_vigueur,
                source: source.to_string(),
                valeurs: figures
                    .iter()
                    .map(|(code, municipale, totale)| {
                        (
                            (*code).to_string(),
                            Population {
                                municipale: *municipale,
                                totale: *totale,
                            },
                        )
                    })
                    .collect(),
            }
        };
        let populations = vec![
            vintage(
                2018,
                day(2021, 1, 1),
                "Valeurs illustratives (millésime 2018)",
                [
                    ("44015", 9_950, 10_170),
                    ("44023", 3_010, 3_070),
                    ("44056", 3_660, 3_735),
                    ("44062", 1_900, 1_940),
                    ("44111", 2_200, 2_245),
                    ("44221", 1_520, 1_550),
                ],
            ),
            vintage(
                2021,
                day(2024, 1, 1),
                "Insee, populations légales 2021 (Blain, Bouvron, Fay-de-Bretagne) ; \
                 autres valeurs illustratives",
                [
                    ("44015", 10_187, 10_412),
                    ("44023", 3_069, 3_130),
                    ("44056", 3_750, 3_825),
                    ("44062", 1_950, 1_990),
                    ("44111", 2_250, 2_295),
                    ("44221", 1_559, 1_590),
                ],
            ),
        ];
        Network {
            nom: "Réseau des acteurs sociaux".to_string(),
            porteur: "44015".to_string(),
            cle_population: PopulationKey::Totale,
            seuil_secret: 5,
            intervalle_protection: 5,
            effectif_minimum_mediane: DEFAULT_MEDIAN_MINIMUM,
            appeler_personnel: true,
            membres,
            conventions,
            budgets,
            journees: Vec::new(),
            populations,
            is_default: true,
        }
    }

    /// The member with this INSEE code, whether or not it still belongs to the network.
    pub fn member(&self, code: &str) -> Option<&Member> {
        self.membres.iter().find(|member| member.code == code)
    }

    /// Whether the member belongs to the network on `date` (adhesion and sortie included).
    pub fn is_member_on(&self, code: &str, date: NaiveDate) -> bool {
        self.member(code)
            .is_some_and(|member| member_interval_contains(member, date))
    }

    /// The members on `date`, sorted by INSEE code.
    pub fn members_on(&self, date: NaiveDate) -> Vec<&Member> {
        let mut members: Vec<&Member> = self
            .membres
            .iter()
            .filter(|member| member_interval_contains(member, date))
            .collect();
        members.sort_by(|left, right| left.code.cmp(&right.code));
        members
    }

    /// How many days of `year` the member belongs to the network (both bounds included).
    pub fn days_of_membership(&self, code: &str, year: i32) -> u32 {
        let Some(member) = self.member(code) else {
            return 0;
        };
        let (Some(first_day), Some(last_day)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return 0;
        };
        let start = member.adhesion.max(first_day);
        let end = member
            .sortie
            .map_or(last_day, |sortie| sortie.min(last_day));
        if end < start {
            return 0;
        }
        u32::try_from((end - start).num_days() + 1).unwrap_or(0)
    }

    /// The population vintage in force on `date`: the latest `en_vigueur` not after `date`,
    /// the larger millésime when two come into force the same day.
    pub fn vintage_on(&self, date: NaiveDate) -> Option<&PopulationVintage> {
        self.populations
            .iter()
            .filter(|vintage| vintage.en_vigueur <= date)
            .max_by_key(|vintage| (vintage.en_vigueur, vintage.millesime))
    }

    /// The member's population in `vintage`, according to the network's key.
    pub fn population_of(&self, vintage: &PopulationVintage, code: &str) -> Option<u64> {
        vintage
            .valeurs
            .get(code)
            .map(|population| match self.cle_population {
                PopulationKey::Municipale => population.municipale,
                PopulationKey::Totale => population.totale,
            })
    }

    /// The budget of `year`, if one was voted.
    pub fn budget(&self, year: i32) -> Option<Decimal> {
        self.budgets
            .iter()
            .find(|budget| budget.annee == year)
            .map(|budget| budget.montant)
    }

    /// The date of the annual event of `year`, if known.
    pub fn journee(&self, year: i32) -> Option<NaiveDate> {
        self.journees
            .iter()
            .find(|journee| journee.annee == year)
            .map(|journee| journee.date)
    }
}

fn member_interval_contains(member: &Member, date: NaiveDate) -> bool {
    member.adhesion <= date && member.sortie.is_none_or(|sortie| date <= sortie)
}

fn serialize_date<S: serde::Serializer>(
    date: &NaiveDate,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

fn serialize_optional_date<S: serde::Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serialize_date(date, serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads `reseau.toml` and checks it, returning every problem found (sorted by line), not
/// only the first.
pub fn parse_network(text: &str) -> Result<Network, Vec<NetworkProblem>> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(error) => return Err(vec![syntax_problem(text, &error)]),
    };
    let mut reader = Reader {
        text,
        problems: Vec::new(),
    };
    let (network, places) = reader.read_network(root.get_ref());
    let mut problems = reader.problems;
    problems.extend(check(&network, &places));
    if problems.is_empty() {
        Ok(network)
    } else {
        // A stable sort keeps problems of one line in the order they were found.
        problems.sort_by_key(|problem| problem.line);
        Err(problems)
    }
}

/// Fewest values behind a published median, when `reseau.toml` does not say.
pub const DEFAULT_MEDIAN_MINIMUM: u32 = 10;

/// The file that describes the network, looked for at the root of each folder given.
pub const NETWORK_FILE: &str = "reseau.toml";

const TOP_KEYS: &[&str] = &[
    "nom",
    "porteur",
    "cle_population",
    "seuil_secret",
    "intervalle_protection",
    "effectif_minimum_mediane",
    "appeler_personnel",
    "membres",
    "conventions",
    "budgets",
    "journees",
    "populations",
];
const MEMBER_KEYS: &[&str] = &["code", "nom", "adhesion", "sortie"];
const CONVENTION_KEYS: &[&str] = &["debut", "fin"];
const BUDGET_KEYS: &[&str] = &["annee", "montant"];
const JOURNEE_KEYS: &[&str] = &["annee", "date"];
const VINTAGE_KEYS: &[&str] = &["millesime", "en_vigueur", "source", "valeurs"];
const POPULATION_KEYS: &[&str] = &["municipale", "totale"];

fn syntax_problem(text: &str, error: &toml::de::Error) -> NetworkProblem {
    let line = error.span().map(|span| line_at(text, span.start));
    let original = error.message().trim();
    let translations = [
        (
            "duplicate key",
            "une clé ou un [tableau] apparaît deux fois",
        ),
        (
            "string values must be quoted",
            "les textes doivent être écrits entre guillemets",
        ),
        ("invalid basic string", "un guillemet fermant manque"),
        ("invalid literal string", "une apostrophe fermante manque"),
        ("invalid date", "date invalide"),
        ("invalid unquoted key", "nom de clé invalide"),
        ("invalid time", "heure invalide"),
        ("unclosed array", "un crochet fermant ] manque"),
        ("unclosed table", "un crochet fermant ] manque"),
    ];
    let french = translations
        .iter()
        .find(|(english, _)| original.starts_with(english))
        .map_or(original, |(_, french)| french);
    let place = match line {
        Some(line) => format!("autour de la ligne {line}"),
        None => "dans le fichier".to_string(),
    };
    let mut hint = format!(
        "vérifiez les guillemets et les crochets {place} ; une ligne s'écrit \
         clé = valeur, par exemple nom = \"Blain\""
    );
    // « adhésion = … » is not valid TOML: keys are written without accents or spaces.
    if original.starts_with("invalid unquoted key") {
        let written_key = line
            .and_then(|line| text.lines().nth(line - 1))
            .and_then(|line_text| line_text.split('=').next())
            .unwrap_or("")
            .trim();
        let every_key: Vec<&'static str> = [
            TOP_KEYS,
            MEMBER_KEYS,
            CONVENTION_KEYS,
            BUDGET_KEYS,
            JOURNEE_KEYS,
            VINTAGE_KEYS,
            POPULATION_KEYS,
        ]
        .concat();
        hint = match closest_key(written_key, &every_key) {
            Some(close) => format!(
                "les noms de clés s'écrivent sans accent ni espace : vouliez-vous dire \
                 « {close} » ?"
            ),
            None => "les noms de clés s'écrivent sans accent ni espace (lettres, chiffres, \
                     _ et -)"
                .to_string(),
        };
    }
    NetworkProblem {
        line,
        key: None,
        value: None,
        message: format!("syntaxe TOML invalide : {french}"),
        hint,
    }
}

/// 1-based line of a byte offset; offsets past the end count as the last line.
fn line_at(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|byte| **byte == b'\n').count() + 1
}

/// Where each item read from the file sits, so that checks can name a line.
#[derive(Debug, Default)]
struct Places {
    /// Line of each top-level key.
    top: BTreeMap<String, usize>,
    membres: Vec<Place>,
    conventions: Vec<Place>,
    budgets: Vec<Place>,
    journees: Vec<Place>,
    populations: Vec<Place>,
    /// For each vintage, the place of each code of its `valeurs`.
    valeurs: Vec<BTreeMap<String, Place>>,
    /// Codes of every `[[membres]]` block, even those with another mistake, so that one
    /// mistake does not make the porteur or a population look unknown.
    declared_codes: BTreeSet<String>,
    /// The porteur was missing or unreadable (already reported).
    porteur_unreadable: bool,
}

/// The place of one table of the file.
#[derive(Debug, Default, Clone)]
struct Place {
    /// Index in the file's array (the `2` of `membres[2]`).
    index: usize,
    /// Line of the table's header or inline table.
    line: Option<usize>,
    /// Line of each key of the table.
    fields: BTreeMap<String, usize>,
}

impl Place {
    fn line_of(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied().or(self.line)
    }
}

/// The place of item `index` of a section, or a bare one for networks not read from a file.
fn place_of(places: &[Place], index: usize) -> Place {
    places.get(index).cloned().unwrap_or(Place {
        index,
        ..Place::default()
    })
}

fn item_key(section: &str, place: &Place, field: Option<&str>) -> String {
    match field {
        Some(field) => format!("{section}[{}].{field}", place.index),
        None => format!("{section}[{}]", place.index),
    }
}

type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// One TOML table being read, with its path in the file.
struct Scope<'a, 'i> {
    table: &'a DeTable<'i>,
    path: String,
    line: usize,
    /// Known keys that an unknown key looked like: their absence is not reported twice.
    suggested: BTreeSet<&'static str>,
}

impl<'a, 'i> Scope<'a, 'i> {
    fn new(table: &'a DeTable<'i>, path: String, line: usize) -> Self {
        Scope {
            table,
            path,
            line,
            suggested: BTreeSet::new(),
        }
    }

    /// Entries in file order, whatever the map's own order.
    fn entries(&self) -> Vec<Entry<'a, 'i>> {
        let mut entries: Vec<Entry<'a, 'i>> = self.table.iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        entries
    }

    fn get(&self, name: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table
            .iter()
            .find(|(key, _)| key.get_ref().as_ref() == name)
            .map(|(_, value)| value)
    }

    fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn place(&self, text: &str, index: usize) -> Place {
        Place {
            index,
            line: Some(self.line),
            fields: self
                .table
                .iter()
                .map(|(key, _)| (key.get_ref().to_string(), line_at(text, key.span().start)))
                .collect(),
        }
    }
}

/// Reads the TOML tree into a [`Network`], reporting missing keys, unknown keys and wrong
/// types. Rules between values are left to [`check`].
struct Reader<'t> {
    text: &'t str,
    problems: Vec<NetworkProblem>,
}

impl<'t> Reader<'t> {
    fn report(
        &mut self,
        line: Option<usize>,
        key: Option<String>,
        value: Option<String>,
        message: String,
        hint: String,
    ) {
        self.problems.push(NetworkProblem {
            line,
            key,
            value,
            message,
            hint,
        });
    }

    fn line_of<T>(&self, spanned: &Spanned<T>) -> usize {
        line_at(self.text, spanned.span().start)
    }

    /// The value as written in the file, shortened if very long.
    fn written<T>(&self, spanned: &Spanned<T>) -> String {
        let written = self.text.get(spanned.span()).unwrap_or("").trim();
        if written.chars().count() > 80 {
            let shortened: String = written.chars().take(77).collect();
            format!("{shortened}…")
        } else {
            written.to_string()
        }
    }

    fn check_keys(&mut self, scope: &mut Scope<'_, '_>, allowed: &'static [&'static str]) {
        for (key, value) in scope.entries() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            let listed = allowed.join(", ");
            let hint = match closest_key(name, allowed) {
                Some(close) => {
                    scope.suggested.insert(close);
                    format!("vouliez-vous dire « {close} » ? clés possibles : {listed}")
                }
                None => format!("clés possibles ici : {listed}"),
            };
            let line = self.line_of(key);
            let written = self.written(value);
            self.report(
                Some(line),
                Some(scope.key(name)),
                Some(written),
                format!("clé inconnue « {name} »"),
                hint,
            );
        }
    }

    /// A required key; its absence is reported unless an unknown key already looked like it.
    fn required<'a, 'i>(
        &mut self,
        scope: &Scope<'a, 'i>,
        name: &str,
        example: &str,
    ) -> Option<&'a Spanned<DeValue<'i>>> {
        let value = scope.get(name);
        if value.is_none() && !scope.suggested.contains(name) {
            let container = if scope.path.is_empty() {
                "le fichier".to_string()
            } else {
                format!("le bloc {}", scope.path)
            };
            self.report(
                Some(scope.line),
                Some(scope.key(name)),
                None,
                format!("la clé « {name} » manque dans {container}"),
                format!("ajoutez une ligne {name} = {example}"),
            );
        }
        value
    }

    fn wrong_type(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
        hint: String,
    ) {
        let found = type_name(value.get_ref());
        let line = self.line_of(value);
        let written = self.written(value);
        self.report(
            Some(line),
            Some(key.to_string()),
            Some(written),
            format!("« {key} » doit être {expected}, pas {found}"),
            hint,
        );
    }

    fn string(&mut self, value: &Spanned<DeValue<'_>>, key: &str, example: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.trim().to_string()),
            DeValue::Integer(_)
            | DeValue::Float(_)
            | DeValue::Boolean(_)
            | DeValue::Datetime(_) => {
                let written = self.written(value);
                let hint = format!(
                    "mettez la valeur entre guillemets : {} = \"{written}\"",
                    last_segment(key)
                );
                self.wrong_type(value, key, "un texte entre guillemets", hint);
                None
            }
            DeValue::Array(_) | DeValue::Table(_) => {
                let hint = format!("par exemple {} = {example}", last_segment(key));
                self.wrong_type(value, key, "un texte entre guillemets", hint);
                None
            }
        }
    }

    fn integer(&mut self, value: &Spanned<DeValue<'_>>, key: &str, example: &str) -> Option<i128> {
        let hint = format!(
            "écrivez un nombre entier sans guillemets, par exemple {} = {example}",
            last_segment(key)
        );
        let DeValue::Integer(integer) = value.get_ref() else {
            self.wrong_type(value, key, "un nombre entier", hint);
            return None;
        };
        match i128::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(number) => Some(number),
            Err(_) => {
                let line = self.line_of(value);
                let written = self.written(value);
                self.report(
                    Some(line),
                    Some(key.to_string()),
                    Some(written),
                    format!("le nombre de « {key} » est trop grand"),
                    hint,
                );
                None
            }
        }
    }

    /// An integer that must fit `T` (years, populations, the threshold).
    fn bounded<T: TryFrom<i128>>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        example: &str,
        out_of_range: &str,
    ) -> Option<T> {
        let number = self.integer(value, key, example)?;
        match T::try_from(number) {
            Ok(number) => Some(number),
            Err(_) => {
                let line = self.line_of(value);
                let written = self.written(value);
                self.report(
                    Some(line),
                    Some(key.to_string()),
                    Some(written),
                    format!("« {key} » vaut {number} : {out_of_range}"),
                    format!("par exemple {} = {example}", last_segment(key)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<bool> {
        if let DeValue::Boolean(flag) = value.get_ref() {
            return Some(*flag);
        }
        let hint = format!(
            "écrivez {name} = true (oui) ou {name} = false (non), sans guillemets",
            name = last_segment(key)
        );
        self.wrong_type(value, key, "true ou false", hint);
        None
    }

    fn date(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        example: &str,
    ) -> Option<NaiveDate> {
        let name = last_segment(key);
        let usual =
            format!("écrivez la date sous la forme AAAA-MM-JJ, par exemple {name} = {example}");
        let (parsed, hint) = match value.get_ref() {
            DeValue::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                (Some(date), None, None) => (
                    NaiveDate::from_ymd_opt(
                        i32::from(date.year),
                        u32::from(date.month),
                        u32::from(date.day),
                    ),
                    usual,
                ),
                (Some(date), _, _) => (
                    None,
                    format!(
                        "une date s'écrit sans heure : {name} = {:04}-{:02}-{:02}",
                        date.year, date.month, date.day
                    ),
                ),
                (None, _, _) => (None, usual),
            },
            DeValue::String(text) => {
                let text = text.trim();
                match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    Ok(date) => return Some(date),
                    Err(_) => match NaiveDate::parse_from_str(text, "%d/%m/%Y") {
                        Ok(date) => (
                            None,
                            format!(
                                "vouliez-vous dire {name} = {} ? {usual}",
                                date.format("%Y-%m-%d")
                            ),
                        ),
                        Err(_) => (None, usual),
                    },
                }
            }
            _ => {
                self.wrong_type(value, key, "une date", usual);
                return None;
            }
        };
        if parsed.is_none() {
            let line = self.line_of(value);
            let written = self.written(value);
            self.report(
                Some(line),
                Some(key.to_string()),
                Some(written.clone()),
                format!(
                    "« {} » n'est pas une date valable pour « {key} »",
                    written.trim_matches(['"', '\''])
                ),
                hint,
            );
        }
        parsed
    }

    fn money(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Decimal> {
        let name = last_segment(key);
        let usual = format!(
            "écrivez le montant en euros, avec un point et entre guillemets, par exemple \
             {name} = \"4000.00\""
        );
        let hint = match value.get_ref() {
            DeValue::String(text) => {
                let text = text.trim();
                let plain = !text.is_empty()
                    && text
                        .chars()
                        .all(|character| character.is_ascii_digit() || ".-".contains(character));
                if let (true, Ok(amount)) = (plain, Decimal::from_str(text)) {
                    return Some(amount);
                }
                // « 4 000,50 € » as written in a spreadsheet: say how to write it here.
                let cleaned: String = text
                    .chars()
                    .filter(|character| !character.is_whitespace() && *character != '€')
                    .map(|character| if character == ',' { '.' } else { character })
                    .collect();
                match Decimal::from_str(&cleaned) {
                    Ok(amount) if !cleaned.is_empty() => {
                        format!(
                            "écrivez {name} = \"{}\" (un point, sans espace ni €)",
                            crate::french::money(amount)
                        )
                    }
                    _ => usual,
                }
            }
            DeValue::Integer(_) => {
                let number = self.integer(value, key, "4000")?;
                return match i64::try_from(number) {
                    Ok(number) => Some(Decimal::from(number)),
                    Err(_) => {
                        let line = self.line_of(value);
                        let written = self.written(value);
                        self.report(
                            Some(line),
                            Some(key.to_string()),
                            Some(written),
                            format!("le montant de « {key} » est trop grand"),
                            usual,
                        );
                        None
                    }
                };
            }
            DeValue::Float(float) => {
                let hint = match Decimal::from_str(float.as_str()) {
                    Ok(amount) => format!(
                        "écrivez {name} = \"{}\" entre guillemets, pour que le montant soit \
                         exact au centime",
                        crate::french::money(amount)
                    ),
                    Err(_) => usual,
                };
                let line = self.line_of(value);
                let written = self.written(value);
                self.report(
                    Some(line),
                    Some(key.to_string()),
                    Some(written),
                    format!(
                        "« {key} » est un nombre à virgule sans guillemets : un montant doit \
                         être écrit entre guillemets"
                    ),
                    hint,
                );
                return None;
            }
            _ => {
                self.wrong_type(value, key, "un montant", usual);
                return None;
            }
        };
        let line = self.line_of(value);
        let written = self.written(value);
        self.report(
            Some(line),
            Some(key.to_string()),
            Some(written.clone()),
            format!("« {written} » n'est pas un montant lisible pour « {key} »"),
            hint,
        );
        None
    }

    /// An array of tables (`[[membres]]` blocks or `membres = [{ … }, …]`).
    fn tables<'a, 'i>(
        &mut self,
        value: &'a Spanned<DeValue<'i>>,
        key: &str,
    ) -> Vec<(usize, &'a DeTable<'i>, usize)> {
        let block_hint = format!("écrivez un bloc [[{key}]] (deux crochets) pour chaque élément");
        match value.get_ref() {
            DeValue::Array(items) => {
                let mut tables = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    match item.get_ref() {
                        DeValue::Table(table) => tables.push((index, table, self.line_of(item))),
                        other => {
                            let found = type_name(other);
                            let line = self.line_of(item);
                            let written = self.written(item);
                            self.report(
                                Some(line),
                                Some(format!("{key}[{index}]")),
                                Some(written),
                                format!(
                                    "chaque élément de « {key} » doit être une table, pas {found}"
                                ),
                                block_hint.clone(),
                            );
                        }
                    }
                }
                tables
            }
            DeValue::Table(table) => {
                let line = self.line_of(value);
                self.report(
                    Some(line),
                    Some(key.to_string()),
                    None,
                    format!("« {key} » doit être une liste de blocs, pas un bloc unique"),
                    format!("écrivez [[{key}]] avec deux crochets, pas [{key}]"),
                );
                // Still read the block, so that its own mistakes are reported too and its
                // codes are known to the other checks.
                vec![(0, table, line)]
            }
            _ => {
                self.wrong_type(value, key, "une liste de blocs", block_hint);
                Vec::new()
            }
        }
    }

    fn read_network(&mut self, root: &DeTable<'_>) -> (Network, Places) {
        let mut places = Places::default();
        let mut scope = Scope::new(root, String::new(), 1);
        self.check_keys(&mut scope, TOP_KEYS);
        for (key, _) in scope.entries() {
            places
                .top
                .insert(key.get_ref().to_string(), self.line_of(key));
        }

        let nom = scope
            .get("nom")
            .and_then(|value| self.string(value, "nom", "\"Réseau des acteurs sociaux\""))
            .unwrap_or_else(|| "Réseau".to_string());
        let porteur = self
            .required(&scope, "porteur", "\"44015\"")
            .and_then(|value| self.string(value, "porteur", "\"44015\""));
        places.porteur_unreadable = porteur.is_none();
        let cle_population = scope
            .get("cle_population")
            .and_then(|value| self.population_key(value))
            .unwrap_or_default();
        let seuil_secret = scope
            .get("seuil_secret")
            .and_then(|value| self.threshold(value))
            .unwrap_or(5);
        let intervalle_protection = scope
            .get("intervalle_protection")
            .and_then(|value| self.small_count(value, "intervalle_protection", "5"))
            .unwrap_or(seuil_secret);
        let effectif_minimum_mediane = scope
            .get("effectif_minimum_mediane")
            .and_then(|value| self.small_count(value, "effectif_minimum_mediane", "10"))
            .unwrap_or(DEFAULT_MEDIAN_MINIMUM);
        let appeler_personnel = scope
            .get("appeler_personnel")
            .and_then(|value| self.boolean(value, "appeler_personnel"))
            .unwrap_or(true);

        let mut network = Network {
            nom,
            porteur: porteur.unwrap_or_default(),
            cle_population,
            seuil_secret,
            intervalle_protection,
            effectif_minimum_mediane,
            appeler_personnel,
            membres: Vec::new(),
            conventions: Vec::new(),
            budgets: Vec::new(),
            journees: Vec::new(),
            populations: Vec::new(),
            is_default: false,
        };

        match scope.get("membres") {
            None => self.report(
                None,
                Some("membres".to_string()),
                None,
                "le fichier ne déclare aucun membre".to_string(),
                "ajoutez un bloc par CCAS : [[membres]] puis code = \"44015\", nom = \"Blain\", \
                 adhesion = 2014-01-01"
                    .to_string(),
            ),
            Some(value) => {
                let tables = self.tables(value, "membres");
                if tables.is_empty()
                    && matches!(value.get_ref(), DeValue::Array(items) if items.is_empty())
                {
                    let line = self.line_of(value);
                    self.report(
                        Some(line),
                        Some("membres".to_string()),
                        None,
                        "la liste des membres est vide".to_string(),
                        "ajoutez un bloc [[membres]] par CCAS du réseau".to_string(),
                    );
                }
                for (index, table, line) in tables {
                    self.read_member(&mut network, &mut places, index, table, line);
                }
            }
        }
        if let Some(value) = scope.get("conventions") {
            for (index, table, line) in self.tables(value, "conventions") {
                let mut scope = Scope::new(table, format!("conventions[{index}]"), line);
                self.check_keys(&mut scope, CONVENTION_KEYS);
                let debut = self.required_date(&scope, "debut", "2014-01-01");
                let fin = self.required_date(&scope, "fin", "2016-12-31");
                if let (Some(debut), Some(fin)) = (debut, fin) {
                    network.conventions.push(Convention { debut, fin });
                    places.conventions.push(scope.place(self.text, index));
                }
            }
        }
        if let Some(value) = scope.get("budgets") {
            for (index, table, line) in self.tables(value, "budgets") {
                let mut scope = Scope::new(table, format!("budgets[{index}]"), line);
                self.check_keys(&mut scope, BUDGET_KEYS);
                let annee = self.required_year(&scope, "annee");
                let montant = self
                    .required(&scope, "montant", "\"4000.00\"")
                    .and_then(|value| self.money(value, &scope.key("montant")));
                if let (Some(annee), Some(montant)) = (annee, montant) {
                    network.budgets.push(Budget { annee, montant });
                    places.budgets.push(scope.place(self.text, index));
                }
            }
        }
        if let Some(value) = scope.get("journees") {
            for (index, table, line) in self.tables(value, "journees") {
                let mut scope = Scope::new(table, format!("journees[{index}]"), line);
                self.check_keys(&mut scope, JOURNEE_KEYS);
                let annee = self.required_year(&scope, "annee");
                let date = self.required_date(&scope, "date", "2024-11-15");
                if let (Some(annee), Some(date)) = (annee, date) {
                    network.journees.push(Journee { annee, date });
                    places.journees.push(scope.place(self.text, index));
                }
            }
        }
        if let Some(value) = scope.get("populations") {
            for (index, table, line) in self.tables(value, "populations") {
                self.read_vintage(&mut network, &mut places, index, table, line);
            }
        }
        (network, places)
    }

    fn threshold(&mut self, value: &Spanned<DeValue<'_>>) -> Option<u32> {
        let number = self.integer(value, "seuil_secret", "5")?;
        if let Ok(threshold) = u32::try_from(number) {
            // Below 3 is reported by `check`, which also sees networks built in code.
            return Some(threshold);
        }
        let message = if number < 0 {
            format!(
                "le seuil du secret statistique vaut {number} : jamais sous 3, règle de \
                 fréquence de l'Insee"
            )
        } else {
            format!("le seuil du secret statistique vaut {number} : c'est beaucoup trop grand")
        };
        let line = self.line_of(value);
        let written = self.written(value);
        self.report(
            Some(line),
            Some("seuil_secret".to_string()),
            Some(written),
            message,
            "écrivez seuil_secret = 5 (la valeur habituelle) ou une valeur d'au moins 3"
                .to_string(),
        );
        None
    }

    /// A whole number from 0 to 1 000 000 (a protection level, a number of values).
    fn small_count(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        example: &str,
    ) -> Option<u32> {
        let number = self.integer(value, key, example)?;
        if let Some(count) = u32::try_from(number)
            .ok()
            .filter(|count| *count <= 1_000_000)
        {
            return Some(count);
        }
        let line = self.line_of(value);
        let written = self.written(value);
        self.report(
            Some(line),
            Some(key.to_string()),
            Some(written),
            format!("« {key} » vaut {number} : un nombre entier positif est attendu"),
            format!("écrivez par exemple {key} = {example}"),
        );
        None
    }

    fn population_key(&mut self, value: &Spanned<DeValue<'_>>) -> Option<PopulationKey> {
        let text = self.string(value, "cle_population", "\"totale\"")?;
        match text.to_lowercase().as_str() {
            "totale" => Some(PopulationKey::Totale),
            "municipale" => Some(PopulationKey::Municipale),
            _ => {
                let line = self.line_of(value);
                self.report(
                    Some(line),
                    Some("cle_population".to_string()),
                    Some(text.clone()),
                    format!("clé de population inconnue « {text} »"),
                    "valeurs possibles : \"totale\" (référence légale) ou \"municipale\""
                        .to_string(),
                );
                None
            }
        }
    }

    fn required_date(
        &mut self,
        scope: &Scope<'_, '_>,
        name: &str,
        example: &str,
    ) -> Option<NaiveDate> {
        let value = self.required(scope, name, example)?;
        self.date(value, &scope.key(name), example)
    }

    fn required_year(&mut self, scope: &Scope<'_, '_>, name: &str) -> Option<i32> {
        let value = self.required(scope, name, "2024")?;
        self.bounded(value, &scope.key(name), "2024", "ce n'est pas une année")
    }

    fn read_member(
        &mut self,
        network: &mut Network,
        places: &mut Places,
        index: usize,
        table: &DeTable<'_>,
        line: usize,
    ) {
        let mut scope = Scope::new(table, format!("membres[{index}]"), line);
        self.check_keys(&mut scope, MEMBER_KEYS);
        let code = self
            .required(&scope, "code", "\"44015\"")
            .and_then(|value| self.string(value, &scope.key("code"), "\"44015\""));
        if let Some(code) = &code {
            places.declared_codes.insert(code.clone());
        }
        let nom = self
            .required(&scope, "nom", "\"Blain\"")
            .and_then(|value| self.string(value, &scope.key("nom"), "\"Blain\""));
        let adhesion = self.required_date(&scope, "adhesion", "2014-01-01");
        let sortie = match scope.get("sortie") {
            Some(value) => self
                .date(value, &scope.key("sortie"), "2024-09-30")
                .map(Some),
            None => Some(None),
        };
        if let (Some(code), Some(nom), Some(adhesion), Some(sortie)) = (code, nom, adhesion, sortie)
        {
            network.membres.push(Member {
                code,
                nom,
                adhesion,
                sortie,
            });
            places.membres.push(scope.place(self.text, index));
        }
    }

    fn read_vintage(
        &mut self,
        network: &mut Network,
        places: &mut Places,
        index: usize,
        table: &DeTable<'_>,
        line: usize,
    ) {
        let mut scope = Scope::new(table, format!("populations[{index}]"), line);
        self.check_keys(&mut scope, VINTAGE_KEYS);
        let millesime = self.required_year(&scope, "millesime");
        let en_vigueur = self.required_date(&scope, "en_vigueur", "2024-01-01");
        let source = self
            .required(&scope, "source", "\"Insee, populations légales 2021\"")
            .and_then(|value| {
                self.string(
                    value,
                    &scope.key("source"),
                    "\"Insee, populations légales 2021\"",
                )
            });
        let example = "{ \"44015\" = { municipale = 10187, totale = 10412 } }";
        let mut valeurs = BTreeMap::new();
        let mut value_places = BTreeMap::new();
        let mut readable = true;
        if let Some(value) = self.required(&scope, "valeurs", example) {
            let key = scope.key("valeurs");
            if let DeValue::Table(codes) = value.get_ref() {
                let codes_scope = Scope::new(codes, key.clone(), self.line_of(value));
                for (code, population) in codes_scope.entries() {
                    let code_text = code.get_ref().trim().to_string();
                    let code_line = self.line_of(code);
                    let path = format!("{key}.{code_text}");
                    match self.population(population, &path, &code_text, code_line) {
                        Some((read, place)) => {
                            valeurs.insert(code_text.clone(), read);
                            value_places.insert(code_text, place);
                        }
                        None => readable = false,
                    }
                }
            } else {
                let hint = format!("par exemple valeurs = {example}");
                self.wrong_type(value, &key, "une table de populations par code", hint);
                readable = false;
            }
        } else {
            readable = false;
        }
        if let (Some(millesime), Some(en_vigueur), Some(source), true) =
            (millesime, en_vigueur, source, readable)
        {
            network.populations.push(PopulationVintage {
                millesime,
                en_vigueur,
                source,
                valeurs,
            });
            places.populations.push(scope.place(self.text, index));
            places.valeurs.push(value_places);
        }
    }

    /// One `"44015" = { municipale = …, totale = … }` entry.
    fn population(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: &str,
        code: &str,
        line: usize,
    ) -> Option<(Population, Place)> {
        let DeValue::Table(table) = value.get_ref() else {
            let hint = format!("écrivez \"{code}\" = {{ municipale = 10187, totale = 10412 }}");
            self.wrong_type(
                value,
                path,
                "une table { municipale = …, totale = … }",
                hint,
            );
            return None;
        };
        let mut scope = Scope::new(table, path.to_string(), line);
        self.check_keys(&mut scope, POPULATION_KEYS);
        let read = |reader: &mut Self, name: &str, example: &str| {
            let value = reader.required(&scope, name, example)?;
            reader.bounded::<u64>(
                value,
                &scope.key(name),
                example,
                "une population est un nombre d'habitants, jamais négatif",
            )
        };
        let municipale = read(self, "municipale", "10187");
        let totale = read(self, "totale", "10412");
        let mut place = scope.place(self.text, 0);
        place.line = Some(line);
        Some((
            Population {
                municipale: municipale?,
                totale: totale?,
            },
            place,
        ))
    }
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "un texte",
        DeValue::Integer(_) => "un nombre entier",
        DeValue::Float(_) => "un nombre à virgule",
        DeValue::Boolean(_) => "un vrai/faux",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

fn last_segment(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// The allowed key closest to an unknown one, when it is close enough to be a typo.
fn closest_key(unknown: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let unknown = fold_key(unknown);
    allowed
        .iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&unknown, &fold_key(candidate)),
                *candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Lower case without accents, spaces as underscores: `Adhésion` and `adhesion` are one key.
fn fold_key(key: &str) -> String {
    crate::fold::fold(key).replace(' ', "_")
}

fn problem(
    line: Option<usize>,
    key: String,
    value: Option<String>,
    message: String,
    hint: String,
) -> NetworkProblem {
    NetworkProblem {
        line,
        key: Some(key),
        value,
        message,
        hint,
    }
}

fn line_note(line: Option<usize>) -> String {
    line.map(|line| format!(" (ligne {line})"))
        .unwrap_or_default()
}

/// The rules between values. Works on any network; `places` only adds lines.
fn check(network: &Network, places: &Places) -> Vec<NetworkProblem> {
    let mut problems = Vec::new();
    let top_line = |key: &str| places.top.get(key).copied();

    if network.seuil_secret < 3 {
        problems.push(problem(
            top_line("seuil_secret"),
            "seuil_secret".to_string(),
            Some(network.seuil_secret.to_string()),
            format!(
                "le seuil du secret statistique vaut {} : jamais sous 3, règle de fréquence \
                 de l'Insee",
                network.seuil_secret
            ),
            "écrivez seuil_secret = 5 (la valeur habituelle) ou une valeur d'au moins 3"
                .to_string(),
        ));
    }

    if network.intervalle_protection < network.seuil_secret {
        problems.push(problem(
            top_line("intervalle_protection"),
            "intervalle_protection".to_string(),
            Some(network.intervalle_protection.to_string()),
            format!(
                "l'intervalle de protection vaut {} alors que le seuil du secret vaut {} : il ne \
                 peut pas être plus petit que le seuil",
                network.intervalle_protection, network.seuil_secret
            ),
            format!(
                "écrivez intervalle_protection = {} (le seuil) ou plus, ou retirez la ligne",
                network.seuil_secret
            ),
        ));
    }
    if network.effectif_minimum_mediane < 2 {
        problems.push(problem(
            top_line("effectif_minimum_mediane"),
            "effectif_minimum_mediane".to_string(),
            Some(network.effectif_minimum_mediane.to_string()),
            format!(
                "une médiane publiée reposerait sur {} valeur : elle donnerait une valeur \
                 individuelle",
                network.effectif_minimum_mediane
            ),
            format!(
                "écrivez effectif_minimum_mediane = {DEFAULT_MEDIAN_MINIMUM} (la valeur habituelle), ou retirez la ligne"
            ),
        ));
    }

    let mut known_codes: BTreeMap<&str, &str> = places
        .declared_codes
        .iter()
        .map(|code| (code.as_str(), ""))
        .collect();
    for member in &network.membres {
        known_codes.insert(member.code.as_str(), member.nom.as_str());
    }
    let codes_hint = {
        let listed: Vec<String> = known_codes
            .iter()
            .map(|(code, nom)| {
                if nom.is_empty() {
                    (*code).to_string()
                } else {
                    format!("{code} ({nom})")
                }
            })
            .collect();
        format!("codes des membres : {}", listed.join(", "))
    };

    // With no member at all, the missing members are the problem, not the porteur.
    let porteur_unknown =
        !known_codes.is_empty() && !known_codes.contains_key(network.porteur.as_str());
    if !places.porteur_unreadable && porteur_unknown {
        problems.push(problem(
            top_line("porteur"),
            "porteur".to_string(),
            Some(network.porteur.clone()),
            format!(
                "le porteur « {} » n'est pas un membre du réseau",
                network.porteur
            ),
            format!("le porteur est le code Insee d'un des membres ; {codes_hint}"),
        ));
    }

    check_members(network, places, &mut problems);
    check_conventions(network, places, &mut problems);
    check_budgets_and_journees(network, places, &mut problems);
    check_populations(network, places, &known_codes, &codes_hint, &mut problems);
    problems
}

fn check_members(network: &Network, places: &Places, problems: &mut Vec<NetworkProblem>) {
    let mut first_by_code: BTreeMap<&str, Place> = BTreeMap::new();
    for (index, member) in network.membres.iter().enumerate() {
        let place = place_of(&places.membres, index);
        if !crate::zones::is_insee_code(&member.code) {
            problems.push(problem(
                place.line_of("code"),
                item_key("membres", &place, Some("code")),
                Some(member.code.clone()),
                format!(
                    "le code « {} » n'est pas un code commune Insee (5 caractères : des \
                     chiffres, ou 2A/2B puis 3 chiffres en Corse)",
                    member.code
                ),
                "indiquez le code Insee (COG) de la commune, pas son code postal : par \
                 exemple code = \"44015\" pour Blain"
                    .to_string(),
            ));
        }
        if let Some(first) = first_by_code.get(member.code.as_str()) {
            problems.push(problem(
                place.line_of("code"),
                item_key("membres", &place, Some("code")),
                Some(member.code.clone()),
                format!("le code « {} » est déclaré pour deux membres", member.code),
                format!(
                    "déjà déclaré par {}{} ; gardez un seul bloc [[membres]] par commune",
                    item_key("membres", first, None),
                    line_note(first.line_of("code"))
                ),
            ));
        } else {
            first_by_code.insert(member.code.as_str(), place.clone());
        }
        if let Some(sortie) = member.sortie.filter(|sortie| *sortie < member.adhesion) {
            problems.push(problem(
                place.line_of("sortie"),
                item_key("membres", &place, Some("sortie")),
                Some(sortie.to_string()),
                format!(
                    "la sortie de {} ({sortie}) est avant son adhésion ({})",
                    member.nom, member.adhesion
                ),
                "sortie est le dernier jour d'adhésion (fin du préavis de trois mois) ; \
                 vérifiez l'année des deux dates"
                    .to_string(),
            ));
        }
    }
}

fn check_conventions(network: &Network, places: &Places, problems: &mut Vec<NetworkProblem>) {
    for (index, convention) in network.conventions.iter().enumerate() {
        let place = place_of(&places.conventions, index);
        if convention.fin < convention.debut {
            problems.push(problem(
                place.line_of("fin"),
                item_key("conventions", &place, Some("fin")),
                Some(convention.fin.to_string()),
                format!(
                    "la convention finit le {} avant d'avoir commencé le {}",
                    convention.fin, convention.debut
                ),
                "une convention dure en principe trois ans, par exemple debut = 2014-01-01 \
                 et fin = 2016-12-31"
                    .to_string(),
            ));
            continue;
        }
        for (earlier_index, earlier) in network.conventions[..index].iter().enumerate() {
            let overlaps = earlier.debut <= earlier.fin
                && earlier.debut <= convention.fin
                && convention.debut <= earlier.fin;
            if overlaps {
                let earlier_place = place_of(&places.conventions, earlier_index);
                problems.push(problem(
                    place.line_of("debut"),
                    item_key("conventions", &place, Some("debut")),
                    Some(convention.debut.to_string()),
                    format!(
                        "la convention du {} au {} chevauche celle du {} au {}",
                        convention.debut, convention.fin, earlier.debut, earlier.fin
                    ),
                    format!(
                        "voir {}{} ; un renouvellement commence le lendemain de la fin de la \
                         convention précédente (par exemple fin = 2016-12-31 puis debut = \
                         2017-01-01)",
                        item_key("conventions", &earlier_place, None),
                        line_note(earlier_place.line)
                    ),
                ));
            }
        }
    }
}

fn check_budgets_and_journees(
    network: &Network,
    places: &Places,
    problems: &mut Vec<NetworkProblem>,
) {
    let mut budget_years: BTreeMap<i32, Place> = BTreeMap::new();
    for (index, budget) in network.budgets.iter().enumerate() {
        let place = place_of(&places.budgets, index);
        if let Some(first) = budget_years.get(&budget.annee) {
            problems.push(problem(
                place.line_of("annee"),
                item_key("budgets", &place, Some("annee")),
                Some(budget.annee.to_string()),
                format!("deux budgets sont déclarés pour {}", budget.annee),
                format!(
                    "déjà déclaré par {}{} ; gardez un seul budget par année (le montant \
                     voté en dernier)",
                    item_key("budgets", first, None),
                    line_note(first.line_of("annee"))
                ),
            ));
        } else {
            budget_years.insert(budget.annee, place.clone());
        }
        if budget.montant.is_sign_negative() && !budget.montant.is_zero() {
            problems.push(problem(
                place.line_of("montant"),
                item_key("budgets", &place, Some("montant")),
                Some(budget.montant.to_string()),
                format!(
                    "le budget {} est négatif ({} €)",
                    budget.annee, budget.montant
                ),
                format!(
                    "écrivez le montant sans signe moins, par exemple montant = \"{}\"",
                    crate::french::money(budget.montant.abs())
                ),
            ));
        }
        if budget.montant.normalize().scale() > 2 {
            problems.push(problem(
                place.line_of("montant"),
                item_key("budgets", &place, Some("montant")),
                Some(budget.montant.to_string()),
                format!(
                    "le budget {} a plus de deux décimales ({})",
                    budget.annee, budget.montant
                ),
                format!(
                    "un montant s'écrit au centime près, par exemple montant = \"{}\"",
                    crate::french::money(budget.montant)
                ),
            ));
        }
    }

    let mut journee_years: BTreeMap<i32, Place> = BTreeMap::new();
    for (index, journee) in network.journees.iter().enumerate() {
        let place = place_of(&places.journees, index);
        if let Some(first) = journee_years.get(&journee.annee) {
            problems.push(problem(
                place.line_of("annee"),
                item_key("journees", &place, Some("annee")),
                Some(journee.annee.to_string()),
                format!(
                    "deux journées annuelles sont déclarées pour {}",
                    journee.annee
                ),
                format!(
                    "déjà déclarée par {}{} ; gardez une seule journée par année",
                    item_key("journees", first, None),
                    line_note(first.line_of("annee"))
                ),
            ));
        } else {
            journee_years.insert(journee.annee, place);
        }
    }
}

fn check_populations(
    network: &Network,
    places: &Places,
    known_codes: &BTreeMap<&str, &str>,
    codes_hint: &str,
    problems: &mut Vec<NetworkProblem>,
) {
    let vintages = &network.populations;
    for (index, vintage) in vintages.iter().enumerate() {
        let place = place_of(&places.populations, index);
        let value_places = places.valeurs.get(index);
        let value_place = |code: &str| {
            value_places
                .and_then(|value_places| value_places.get(code))
                .cloned()
                .unwrap_or(Place {
                    line: place.line_of("valeurs"),
                    ..Place::default()
                })
        };
        let valeurs_key = item_key("populations", &place, Some("valeurs"));

        for (earlier_index, earlier) in vintages[..index].iter().enumerate() {
            let earlier_place = place_of(&places.populations, earlier_index);
            if earlier.millesime == vintage.millesime {
                problems.push(problem(
                    place.line_of("millesime"),
                    item_key("populations", &place, Some("millesime")),
                    Some(vintage.millesime.to_string()),
                    format!("le millésime {} est déclaré deux fois", vintage.millesime),
                    format!(
                        "déjà déclaré par {}{} ; gardez un seul bloc [[populations]] par \
                         millésime",
                        item_key("populations", &earlier_place, None),
                        line_note(earlier_place.line_of("millesime"))
                    ),
                ));
            } else {
                let (older, newer) = if earlier.millesime < vintage.millesime {
                    (earlier, vintage)
                } else {
                    (vintage, earlier)
                };
                if older.en_vigueur > newer.en_vigueur {
                    problems.push(problem(
                        place.line_of("en_vigueur"),
                        item_key("populations", &place, Some("en_vigueur")),
                        Some(vintage.en_vigueur.to_string()),
                        format!(
                            "le millésime {} entre en vigueur ({}) après le millésime plus \
                             récent {} ({})",
                            older.millesime, older.en_vigueur, newer.millesime, newer.en_vigueur
                        ),
                        format!(
                            "voir {}{} ; les populations légales du millésime N entrent en \
                             vigueur le 1er janvier N+3 : vérifiez en_vigueur",
                            item_key("populations", &earlier_place, None),
                            line_note(earlier_place.line_of("en_vigueur"))
                        ),
                    ));
                }
            }
        }

        for (code, population) in &vintage.valeurs {
            let entry = value_place(code);
            let key = format!("{valeurs_key}.{code}");
            let Some(nom) = known_codes.get(code.as_str()) else {
                problems.push(problem(
                    entry.line,
                    key,
                    Some(code.clone()),
                    format!("le code « {code} » n'est pas celui d'un membre du réseau"),
                    codes_hint.to_string(),
                ));
                continue;
            };
            let who = if nom.is_empty() {
                code.clone()
            } else {
                format!("{nom} ({code})")
            };
            if population.municipale > population.totale {
                problems.push(problem(
                    entry.line_of("municipale"),
                    format!("{key}.municipale"),
                    Some(population.municipale.to_string()),
                    format!(
                        "pour {who}, la population municipale ({}) dépasse la population \
                         totale ({})",
                        population.municipale, population.totale
                    ),
                    "la population totale comprend la population municipale : elle est \
                     toujours au moins égale ; les deux valeurs sont-elles inversées ?"
                        .to_string(),
                ));
            }
            if population.municipale == 0 || population.totale == 0 {
                problems.push(problem(
                    entry.line,
                    key,
                    None,
                    format!("pour {who}, une population vaut 0 habitant"),
                    format!(
                        "recopiez les populations légales publiées par l'Insee pour le \
                         millésime {}",
                        vintage.millesime
                    ),
                ));
            }
        }

        // The dates on which this vintage is the one in force (see `Network::vintage_on`).
        let superseded_same_day = vintages.iter().any(|other| {
            other.en_vigueur == vintage.en_vigueur && other.millesime > vintage.millesime
        });
        if superseded_same_day {
            continue;
        }
        let next_in_force = vintages
            .iter()
            .map(|other| other.en_vigueur)
            .filter(|date| *date > vintage.en_vigueur)
            .min();
        let last_day = next_in_force.and_then(|date| date.pred_opt());
        for member in &network.membres {
            let joined_in_time = last_day.is_none_or(|last_day| member.adhesion <= last_day);
            let still_there = member
                .sortie
                .is_none_or(|sortie| sortie >= vintage.en_vigueur && sortie >= member.adhesion);
            if joined_in_time && still_there && !vintage.valeurs.contains_key(&member.code) {
                let period = match last_day {
                    Some(last_day) => format!("du {} au {last_day}", vintage.en_vigueur),
                    None => format!("à partir du {}", vintage.en_vigueur),
                };
                problems.push(problem(
                    place.line_of("valeurs"),
                    format!("{valeurs_key}.{}", member.code),
                    None,
                    format!(
                        "la population de {} ({}) manque pour le millésime {}",
                        member.nom, member.code, vintage.millesime
                    ),
                    format!(
                        "ce membre appartient au réseau pendant que ce millésime est en \
                         vigueur ({period}) : ajoutez \"{}\" = {{ municipale = …, totale = … }} \
                         dans valeurs",
                        member.code
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"nom = "Réseau des acteurs sociaux"
porteur = "44015"
cle_population = "totale"
seuil_secret = 5
appeler_personnel = true

[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01
# sortie = 2024-09-30

[[conventions]]
debut = 2014-01-01
fin = 2016-12-31

[[budgets]]
annee = 2024
montant = "4000.00"

[[journees]]
annee = 2024
date = 2024-11-15

[[populations]]
millesime = 2021
en_vigueur = 2024-01-01
source = "Insee, populations légales 2021"
valeurs = { "44015" = { municipale = 10187, totale = 10412 } }
"#;

    /// Two members, one of which leaves; lines are given in comments for the tests below.
    const TWO_MEMBERS: &str = r#"porteur = "44015"

[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01

[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01
sortie = 2024-09-30
"#;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn problems(text: &str) -> Vec<NetworkProblem> {
        match parse_network(text) {
            Ok(network) => panic!("expected problems, got {network:?}"),
            Err(problems) => problems,
        }
    }

    /// The single problem of `text`, which must have exactly one.
    fn single_problem(text: &str) -> NetworkProblem {
        let mut problems = problems(text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        problems.remove(0)
    }

    fn with(extra: &str) -> String {
        format!("{TWO_MEMBERS}{extra}")
    }

    #[test]
    fn parses_the_documented_example() {
        let network = parse_network(EXAMPLE).unwrap();
        assert_eq!(network.nom, "Réseau des acteurs sociaux");
        assert_eq!(network.porteur, "44015");
        assert_eq!(network.cle_population, PopulationKey::Totale);
        assert_eq!(network.seuil_secret, 5);
        assert!(network.appeler_personnel);
        assert!(!network.is_default);
        assert_eq!(
            network.membres,
            vec![Member {
                code: "44015".to_string(),
                nom: "Blain".to_string(),
                adhesion: date(2014, 1, 1),
                sortie: None,
            }]
        );
        assert_eq!(
            network.conventions,
            vec![Convention {
                debut: date(2014, 1, 1),
                fin: date(2016, 12, 31),
            }]
        );
        assert_eq!(network.budget(2024), Some(Decimal::new(400_000, 2)));
        assert_eq!(network.budget(2023), None);
        assert_eq!(network.journee(2024), Some(date(2024, 11, 15)));
        let vintage = network.vintage_on(date(2024, 11, 15)).unwrap();
        assert_eq!(vintage.millesime, 2021);
        assert_eq!(vintage.source, "Insee, populations légales 2021");
        assert_eq!(network.population_of(vintage, "44015"), Some(10412));
        let municipal = Network {
            cle_population: PopulationKey::Municipale,
            ..network.clone()
        };
        assert_eq!(municipal.population_of(vintage, "44015"), Some(10187));
        assert_eq!(network.population_of(vintage, "44023"), None);
    }

    #[test]
    fn optional_keys_take_their_defaults() {
        let network = parse_network(TWO_MEMBERS).unwrap();
        assert_eq!(network.nom, "Réseau");
        assert_eq!(network.cle_population, PopulationKey::Totale);
        assert_eq!(network.seuil_secret, 5);
        assert!(network.appeler_personnel);
        assert!(network.populations.is_empty());
        assert!(network.budgets.is_empty());
        assert_eq!(network.membres[1].sortie, Some(date(2024, 9, 30)));
    }

    #[test]
    fn accepts_quoted_dates_inline_tables_and_municipale_key() {
        let text = r#"porteur = "44015"
cle_population = "municipale"
membres = [{ code = "44015", nom = "Blain", adhesion = "2014-01-01" }]
journees = [{ annee = 2024, date = "2024-11-15" }]
"#;
        let network = parse_network(text).unwrap();
        assert_eq!(network.membres[0].adhesion, date(2014, 1, 1));
        assert_eq!(network.journee(2024), Some(date(2024, 11, 15)));
        assert_eq!(network.cle_population, PopulationKey::Municipale);
    }

    #[test]
    fn accepts_an_integer_budget() {
        let network = parse_network(&with("[[budgets]]\nannee = 2024\nmontant = 4000\n")).unwrap();
        assert_eq!(network.budget(2024), Some(Decimal::new(4000, 0)));
    }

    #[test]
    fn default_network_passes_its_own_checks() {
        let network = Network::default_network();
        assert!(network.is_default);
        assert_eq!(network.membres.len(), 6);
        assert_eq!(
            check(&network, &Places::default()),
            Vec::<NetworkProblem>::new()
        );
        assert_eq!(network.budget(2014), Some(Decimal::new(400_000, 2)));
        assert_eq!(network.budget(2026), Some(Decimal::new(400_000, 2)));
        let first = network.conventions.first().unwrap();
        let last = network.conventions.last().unwrap();
        assert_eq!(
            (first.debut, last.fin),
            (date(2014, 1, 1), date(2028, 12, 31))
        );
        for pair in network.conventions.windows(2) {
            assert_eq!(pair[0].fin.succ_opt(), Some(pair[1].debut));
        }
        for vintage in &network.populations {
            for population in vintage.valeurs.values() {
                assert!(population.totale >= population.municipale);
            }
        }
        let vintage_2022 = network.vintage_on(date(2022, 6, 1)).unwrap();
        assert_eq!(vintage_2022.millesime, 2018);
        let vintage_2024 = network.vintage_on(date(2024, 11, 15)).unwrap();
        assert_eq!(network.population_of(vintage_2024, "44015"), Some(10412));
        assert_eq!(vintage_2024.valeurs["44221"].municipale, 1559);
    }

    #[test]
    fn default_network_written_as_toml_reads_back_the_same() {
        let default = Network::default_network();
        let written = toml::to_string(&default).unwrap();
        let without_flag: String = written
            .lines()
            .filter(|line| !line.starts_with("is_default"))
            .map(|line| format!("{line}\n"))
            .collect();
        let read = parse_network(&without_flag).unwrap();
        assert_eq!(
            read,
            Network {
                is_default: false,
                ..default
            }
        );
    }

    #[test]
    fn syntax_error_gives_one_problem_with_its_line() {
        let problem = single_problem("porteur = \"44015\"\nnom = \"Blain\n\n[[membres]]\n");
        assert_eq!(problem.line, Some(2));
        assert!(
            problem.message.starts_with("syntaxe TOML invalide : "),
            "{problem:?}"
        );
        assert!(problem.hint.contains("autour de la ligne 2"), "{problem:?}");

        let problem = single_problem("porteur = \"44015\"\nporteur = \"44023\"\n");
        assert_eq!(problem.line, Some(2));
        assert!(problem.message.contains("deux fois"), "{problem:?}");
    }

    #[test]
    fn unknown_top_level_key_suggests_the_closest() {
        let problem = single_problem(&format!("seuil_secre = 4\n{TWO_MEMBERS}"));
        assert_eq!(problem.line, Some(1));
        assert_eq!(problem.key.as_deref(), Some("seuil_secre"));
        assert_eq!(problem.value.as_deref(), Some("4"));
        assert!(problem.message.contains("seuil_secre"));
        assert!(problem.hint.contains("« seuil_secret »"), "{problem:?}");
    }

    #[test]
    fn accented_member_key_suggests_the_plain_one_without_a_second_problem() {
        let text = "porteur = \"44015\"\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\n\"adhésion\" = 2014-01-01\n";
        let problem = single_problem(text);
        assert_eq!(problem.line, Some(5));
        assert_eq!(problem.key.as_deref(), Some("membres[0].adhésion"));
        assert!(problem.hint.contains("« adhesion »"), "{problem:?}");

        // Unquoted, an accented key is a TOML syntax error: the hint still names the key.
        let problem = single_problem(&text.replace("\"adhésion\"", "adhésion"));
        assert_eq!(problem.line, Some(5));
        assert!(
            problem.message.starts_with("syntaxe TOML invalide"),
            "{problem:?}"
        );
        assert!(problem.hint.contains("« adhesion »"), "{problem:?}");
    }

    #[test]
    fn far_unknown_key_lists_allowed_keys() {
        let problem = single_problem(&with(
            "[[budgets]]\nannee = 2024\nmontant = \"1\"\ncouleur = \"bleu\"\n",
        ));
        assert_eq!(problem.line, Some(16));
        assert_eq!(problem.key.as_deref(), Some("budgets[0].couleur"));
        assert!(problem.hint.contains("annee, montant"), "{problem:?}");
    }

    #[test]
    fn missing_required_member_key_points_at_the_block() {
        let text = "porteur = \"44015\"\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\n";
        let problem = single_problem(text);
        assert_eq!(problem.line, Some(2));
        assert_eq!(problem.key.as_deref(), Some("membres[0].adhesion"));
    }

    #[test]
    fn wrong_type_is_reported() {
        let problem = single_problem(&format!("seuil_secret = \"cinq\"\n{TWO_MEMBERS}"));
        assert_eq!(problem.line, Some(1));
        assert_eq!(problem.key.as_deref(), Some("seuil_secret"));
        assert_eq!(problem.value.as_deref(), Some("\"cinq\""));
        assert!(problem.message.contains("nombre entier"), "{problem:?}");

        let problem = single_problem("porteur = 44015\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\nadhesion = 2014-01-01\n");
        assert_eq!(problem.line, Some(1));
        assert!(problem.hint.contains("porteur = \"44015\""), "{problem:?}");
    }

    #[test]
    fn single_bracket_table_for_a_list_is_explained() {
        let text = "porteur = \"44015\"\n[membres]\ncode = \"44015\"\nnom = \"Blain\"\nadhesion = 2014-01-01\n";
        let problem = single_problem(text);
        assert_eq!(problem.line, Some(2));
        assert!(problem.hint.contains("[[membres]]"), "{problem:?}");
    }

    #[test]
    fn threshold_below_three_is_refused() {
        let problem = single_problem(&format!("seuil_secret = 2\n{TWO_MEMBERS}"));
        assert_eq!(problem.line, Some(1));
        assert!(problem.message.contains("jamais sous 3"), "{problem:?}");
        let problem = single_problem(&format!("seuil_secret = -1\n{TWO_MEMBERS}"));
        assert_eq!(problem.line, Some(1));
        assert!(problem.message.contains("jamais sous 3"), "{problem:?}");
        assert!(parse_network(&format!("seuil_secret = 3\n{TWO_MEMBERS}")).is_ok());
    }

    #[test]
    fn protection_level_defaults_to_the_threshold_and_never_goes_below_it() {
        let network = parse_network(&format!("seuil_secret = 7\n{TWO_MEMBERS}")).unwrap();
        assert_eq!(network.intervalle_protection, 7);
        assert_eq!(network.effectif_minimum_mediane, DEFAULT_MEDIAN_MINIMUM);
        let network = parse_network(&format!(
            "intervalle_protection = 8\neffectif_minimum_mediane = 20\n{TWO_MEMBERS}"
        ))
        .unwrap();
        assert_eq!(network.intervalle_protection, 8);
        assert_eq!(network.effectif_minimum_mediane, 20);
        let problem = single_problem(&format!(
            "seuil_secret = 5\nintervalle_protection = 4\n{TWO_MEMBERS}"
        ));
        assert_eq!(problem.key.as_deref(), Some("intervalle_protection"));
        assert_eq!(problem.line, Some(2));
        let problem = single_problem(&format!("effectif_minimum_mediane = 1\n{TWO_MEMBERS}"));
        assert_eq!(problem.key.as_deref(), Some("effectif_minimum_mediane"));
        let problem = single_problem(&format!("intervalle_protection = -2\n{TWO_MEMBERS}"));
        assert_eq!(problem.key.as_deref(), Some("intervalle_protection"));
    }

    #[test]
    fn porteur_must_be_a_member() {
        let text = TWO_MEMBERS.replace("porteur = \"44015\"", "porteur = \"44999\"");
        let problem = single_problem(&text);
        assert_eq!(problem.line, Some(1));
        assert_eq!(problem.value.as_deref(), Some("44999"));
        assert!(
            problem.hint.contains("44015 (Blain), 44023 (Bouvron)"),
            "{problem:?}"
        );
    }

    #[test]
    fn missing_porteur_and_members_are_reported() {
        let problems = problems("nom = \"x\"\n");
        let keys: Vec<_> = problems
            .iter()
            .map(|problem| problem.key.as_deref())
            .collect();
        assert_eq!(keys, vec![Some("membres"), Some("porteur")]);
        let problem = single_problem("porteur = \"44015\"\nmembres = []\n");
        assert_eq!(problem.line, Some(2));
    }

    #[test]
    fn member_code_must_look_like_an_insee_code() {
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"4402\""));
        assert_eq!(problem.line, Some(9));
        assert_eq!(problem.key.as_deref(), Some("membres[1].code"));
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"44130 \"x"));
        assert_eq!(problem.line, Some(9));
        assert!(parse_network(&TWO_MEMBERS.replace("\"44023\"", "\"2A004\"")).is_ok());
        assert!(parse_network(&TWO_MEMBERS.replace("\"44023\"", "\"2C004\"")).is_err());
    }

    #[test]
    fn duplicate_member_code_is_reported_on_the_second() {
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"44015\""));
        assert_eq!(problem.line, Some(9));
        assert!(problem.hint.contains("ligne 4"), "{problem:?}");
    }

    #[test]
    fn sortie_before_adhesion_is_reported() {
        let problem =
            single_problem(&TWO_MEMBERS.replace("sortie = 2024-09-30", "sortie = 2013-09-30"));
        assert_eq!(problem.line, Some(12));
        assert_eq!(problem.key.as_deref(), Some("membres[1].sortie"));
    }

    #[test]
    fn conventions_must_not_overlap_nor_end_before_they_start() {
        let text = with(
            "[[conventions]]\ndebut = 2014-01-01\nfin = 2016-12-31\n\n\
             [[conventions]]\ndebut = 2016-12-31\nfin = 2019-12-31\n\n\
             [[conventions]]\ndebut = 2021-01-01\nfin = 2020-12-31\n",
        );
        let problems = problems(&text);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!(problems[0].line, Some(18));
        assert!(problems[0].message.contains("chevauche"), "{problems:?}");
        assert!(problems[0].hint.contains("ligne 13"), "{problems:?}");
        assert_eq!(problems[1].line, Some(23));
        assert!(problems[1].message.contains("avant d'avoir commencé"));
        let consecutive = with(
            "[[conventions]]\ndebut = 2014-01-01\nfin = 2016-12-31\n\
             [[conventions]]\ndebut = 2017-01-01\nfin = 2019-12-31\n",
        );
        assert!(parse_network(&consecutive).is_ok());
    }

    #[test]
    fn budgets_and_journees_are_one_per_year() {
        let text = with(
            "[[budgets]]\nannee = 2024\nmontant = \"4000.00\"\n\
             [[budgets]]\nannee = 2024\nmontant = \"4500.00\"\n\
             [[journees]]\nannee = 2024\ndate = 2024-11-15\n\
             [[journees]]\nannee = 2024\ndate = 2024-11-22\n",
        );
        let problems = problems(&text);
        let lines: Vec<_> = problems.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, vec![Some(17), Some(23)], "{problems:#?}");
        assert_eq!(problems[0].key.as_deref(), Some("budgets[1].annee"));
        assert_eq!(problems[1].key.as_deref(), Some("journees[1].annee"));
    }

    #[test]
    fn negative_budget_is_refused() {
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = \"-4000.00\"\n"));
        assert_eq!(problem.line, Some(15));
        assert!(problem.message.contains("négatif"), "{problem:?}");
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = -4000\n"));
        assert_eq!(problem.line, Some(15));
    }

    #[test]
    fn float_budget_asks_for_a_quoted_amount() {
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = 4000.5\n"));
        assert_eq!(problem.line, Some(15));
        assert_eq!(problem.value.as_deref(), Some("4000.5"));
        assert!(problem.hint.contains("\"4000.50\""), "{problem:?}");
        let problem = single_problem(&with(
            "[[budgets]]\nannee = 2024\nmontant = \"4 000,50 €\"\n",
        ));
        assert!(problem.hint.contains("\"4000.50\""), "{problem:?}");
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = \"4000.555\"\n"));
        assert!(problem.message.contains("deux décimales"), "{problem:?}");
    }

    #[test]
    fn french_date_in_a_string_gets_its_iso_form_as_hint() {
        let problem = single_problem(&with("[[journees]]\nannee = 2024\ndate = \"15/11/2024\"\n"));
        assert_eq!(problem.line, Some(15));
        assert!(problem.hint.contains("2024-11-15"), "{problem:?}");
        let problem = single_problem(&with(
            "[[journees]]\nannee = 2024\ndate = 2024-11-15T10:00:00\n",
        ));
        assert!(problem.hint.contains("date = 2024-11-15"), "{problem:?}");
    }

    const TWO_VINTAGES: &str = r#"
[[populations]]
millesime = 2018
en_vigueur = 2021-01-01
source = "Insee"
valeurs = { "44015" = { municipale = 9950, totale = 10170 }, "44023" = { municipale = 3010, totale = 3070 } }

[[populations]]
millesime = 2021
en_vigueur = 2024-01-01
source = "Insee"
valeurs = { "44015" = { municipale = 10187, totale = 10412 }, "44023" = { municipale = 3069, totale = 3130 } }
"#;

    #[test]
    fn two_vintages_parse_and_vintage_on_picks_the_latest_in_force() {
        let network = parse_network(&with(TWO_VINTAGES)).unwrap();
        assert_eq!(network.vintage_on(date(2020, 12, 31)), None);
        assert_eq!(
            network.vintage_on(date(2021, 1, 1)).unwrap().millesime,
            2018
        );
        assert_eq!(
            network.vintage_on(date(2023, 12, 31)).unwrap().millesime,
            2018
        );
        assert_eq!(
            network.vintage_on(date(2024, 1, 1)).unwrap().millesime,
            2021
        );
        assert_eq!(
            network.vintage_on(date(2030, 1, 1)).unwrap().millesime,
            2021
        );
    }

    #[test]
    fn vintage_on_prefers_the_larger_millesime_on_the_same_day() {
        let mut network = Network::default_network();
        let mut newer = network.populations[1].clone();
        newer.millesime = 2022;
        network.populations.insert(0, newer);
        assert_eq!(
            network.vintage_on(date(2024, 6, 1)).unwrap().millesime,
            2022
        );
    }

    #[test]
    fn duplicate_millesime_is_reported() {
        let text = with(&TWO_VINTAGES.replace("millesime = 2021", "millesime = 2018"));
        let problems = problems(&text);
        assert_eq!(problems[0].line, Some(21), "{problems:#?}");
        assert!(problems[0].message.contains("deux fois"));
    }

    #[test]
    fn unknown_code_in_populations_is_reported() {
        let text = with(&TWO_VINTAGES.replacen(
            "valeurs = {",
            "valeurs = { \"44999\" = { municipale = 1, totale = 2 },",
            1,
        ));
        let problem = single_problem(&text);
        assert_eq!(problem.line, Some(18));
        assert_eq!(problem.key.as_deref(), Some("populations[0].valeurs.44999"));
        assert_eq!(
            problem.message,
            "le code « 44999 » n'est pas celui d'un membre du réseau"
        );
        assert!(
            problem.hint.starts_with("codes des membres : 44015"),
            "{problem:?}"
        );
    }

    #[test]
    fn missing_population_for_an_active_member_is_reported() {
        let text = with(&TWO_VINTAGES.replacen(
            ", \"44023\" = { municipale = 3010, totale = 3070 }",
            "",
            1,
        ));
        let problem = single_problem(&text);
        assert_eq!(problem.line, Some(18));
        assert_eq!(problem.key.as_deref(), Some("populations[0].valeurs.44023"));
        assert!(problem.message.contains("Bouvron (44023)"), "{problem:?}");
        assert!(
            problem.hint.contains("du 2021-01-01 au 2023-12-31"),
            "{problem:?}"
        );
    }

    #[test]
    fn member_gone_before_a_vintage_needs_no_population_in_it() {
        let text =
            with(&TWO_VINTAGES.replace(", \"44023\" = { municipale = 3069, totale = 3130 }", ""))
                .replace("sortie = 2024-09-30", "sortie = 2023-12-31");
        assert!(parse_network(&text).is_ok());
        let still_there = text.replace("sortie = 2023-12-31", "sortie = 2024-01-01");
        let problem = single_problem(&still_there);
        assert_eq!(problem.key.as_deref(), Some("populations[1].valeurs.44023"));
        assert!(
            problem.hint.contains("à partir du 2024-01-01"),
            "{problem:?}"
        );
    }

    #[test]
    fn municipale_above_totale_is_reported() {
        let text = with(&TWO_VINTAGES.replace(
            "{ municipale = 10187, totale = 10412 }",
            "{ municipale = 10412, totale = 10187 }",
        ));
        let problem = single_problem(&text);
        assert_eq!(problem.line, Some(24));
        assert_eq!(
            problem.key.as_deref(),
            Some("populations[1].valeurs.44015.municipale")
        );
    }

    #[test]
    fn vintages_out_of_order_are_reported() {
        let text =
            with(&TWO_VINTAGES.replace("en_vigueur = 2024-01-01", "en_vigueur = 2020-01-01"));
        let problems = problems(&text);
        assert_eq!(problems[0].line, Some(22), "{problems:#?}");
        assert!(problems[0]
            .message
            .contains("après le millésime plus récent"));
    }

    #[test]
    fn every_problem_is_collected_and_sorted_by_line() {
        let text = r#"seuil_secret = 1
porteur = "44999"

[[membres]]
code = "4401"
nom = "Blain"
adhesion = 2014-01-01
sortie = 2013-01-01

[[budgets]]
annee = 2024
montant = 12.5
"#;
        let problems = problems(text);
        let lines: Vec<_> = problems.iter().map(|problem| problem.line).collect();
        assert_eq!(
            lines,
            vec![Some(1), Some(2), Some(5), Some(8), Some(12)],
            "{problems:#?}"
        );
    }

    #[test]
    fn one_unreadable_member_does_not_make_its_code_unknown() {
        let text =
            with(TWO_VINTAGES).replace("adhesion = 2014-01-01\n\n", "adhesion = 2014-13-01\n\n");
        let problems = problems(&text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, Some(6));
    }

    #[test]
    fn strange_inputs_never_panic() {
        let inputs = [
            "",
            "\u{feff}",
            "membres = 3",
            "membres = [1, \"a\", []]\nporteur = []",
            "[[membres]]\ncode = \"é\u{301}é\u{301}é\"\nnom = 1\nadhesion = 99999",
            "seuil_secret = 99999999999999999999999999\nporteur = \"1\"",
            "seuil_secret = 0x7fffffffffffffff\nporteur = \"1\"",
            "[[populations]]\nmillesime = -2147483649\nen_vigueur = 0001-01-01\nvaleurs = 3",
            "[[populations]]\nvaleurs = { a = 1, b = { municipale = -1, totale = 1.5, x = 0 } }",
            "[[budgets]]\nannee = 2024\nmontant = inf\n[[budgets]]\nmontant = nan\n",
            "[[budgets]]\nannee = 2024\nmontant = \"99999999999999999999999999999999999\"\n",
            "[[budgets]]\nannee = 2024\nmontant = 99999999999999999999\n",
            "[[journees]]\nannee = 2024\ndate = 10:00:00\n",
            "a = [\n",
            "\u{0}\u{1}\u{ffff}",
        ];
        for input in inputs {
            let _ = parse_network(input);
        }
        let network = Network::default_network();
        assert_eq!(network.days_of_membership("44015", i32::MAX), 0);
        assert_eq!(network.days_of_membership("44015", i32::MIN), 0);
        assert_eq!(network.days_of_membership("00000", 2024), 0);
    }

    #[test]
    fn is_member_on_includes_the_last_day() {
        let network = parse_network(TWO_MEMBERS).unwrap();
        assert!(network.is_member_on("44023", date(2014, 1, 1)));
        assert!(!network.is_member_on("44023", date(2013, 12, 31)));
        assert!(network.is_member_on("44023", date(2024, 9, 30)));
        assert!(!network.is_member_on("44023", date(2024, 10, 1)));
        assert!(!network.is_member_on("44999", date(2024, 1, 1)));
        let codes: Vec<_> = network
            .members_on(date(2024, 10, 1))
            .iter()
            .map(|member| member.code.as_str())
            .collect();
        assert_eq!(codes, vec!["44015"]);
        assert_eq!(network.members_on(date(2024, 9, 30)).len(), 2);
    }

    #[test]
    fn members_on_is_sorted_by_code() {
        let mut network = Network::default_network();
        network.membres.reverse();
        let codes: Vec<_> = network
            .members_on(date(2024, 1, 1))
            .iter()
            .map(|member| member.code.clone())
            .collect();
        assert_eq!(
            codes,
            ["44015", "44023", "44056", "44062", "44111", "44221"]
        );
    }

    #[test]
    fn days_of_membership_counts_both_bounds() {
        let network = parse_network(TWO_MEMBERS).unwrap();
        assert_eq!(network.days_of_membership("44023", 2024), 274);
        assert_eq!(network.days_of_membership("44023", 2025), 0);
        assert_eq!(network.days_of_membership("44015", 2024), 366);
        assert_eq!(network.days_of_membership("44015", 2023), 365);
        assert_eq!(network.days_of_membership("44015", 2013), 0);
        let left_in_2023 = parse_network(&TWO_MEMBERS.replace("2024-09-30", "2023-09-30")).unwrap();
        assert_eq!(left_in_2023.days_of_membership("44023", 2023), 273);
        let joined_late = parse_network(&TWO_MEMBERS.replace(
            "adhesion = 2014-01-01\nsortie = 2024-09-30",
            "adhesion = 2024-12-31",
        ))
        .unwrap();
        assert_eq!(joined_late.days_of_membership("44023", 2024), 1);
    }

    #[test]
    fn closest_key_and_folding() {
        assert_eq!(fold_key("Date d'adhésion"), "date_d_adhesion");
        assert_eq!(closest_key("Adhésion", MEMBER_KEYS), Some("adhesion"));
        assert_eq!(closest_key("couleur", BUDGET_KEYS), None);
    }

    #[test]
    fn problem_displays_its_line_key_and_hint() {
        let problem = single_problem(&format!("seuil_secret = 2\n{TWO_MEMBERS}"));
        let shown = problem.to_string();
        assert!(shown.starts_with("ligne 1, seuil_secret : "), "{shown}");
    }
}
