//! The line-keeping reader of `reseau.toml`: it walks the TOML tree, keeps the line of
//! every key so that problems can name it, and reports missing keys, unknown keys (with
//! the closest known one) and values of the wrong type, each with a hint in French.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use super::problem::network_problem;
use super::{
    Budget, Convention, Journee, Member, Network, Population, PopulationKey, PopulationVintage,
    DEFAULT_MEDIAN_MINIMUM,
};
use crate::diagnostic::Diagnostic;

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

pub(super) fn syntax_problem(text: &str, error: &toml::de::Error) -> Diagnostic {
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
    network_problem(
        line,
        None,
        None,
        format!("syntaxe TOML invalide : {french}"),
        hint,
    )
}

/// 1-based line of a byte offset; offsets past the end count as the last line.
fn line_at(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|byte| **byte == b'\n').count() + 1
}

/// Where each item read from the file sits, so that checks can name a line.
#[derive(Debug, Default)]
pub(super) struct Places {
    /// Line of each top-level key.
    pub(super) top: BTreeMap<String, usize>,
    pub(super) membres: Vec<Place>,
    pub(super) conventions: Vec<Place>,
    pub(super) budgets: Vec<Place>,
    pub(super) journees: Vec<Place>,
    pub(super) populations: Vec<Place>,
    /// For each vintage, the place of each code of its `valeurs`.
    pub(super) valeurs: Vec<BTreeMap<String, Place>>,
    /// Codes of every `[[membres]]` block, even those with another mistake, so that one
    /// mistake does not make the porteur or a population look unknown.
    pub(super) declared_codes: BTreeSet<String>,
    /// The porteur was missing or unreadable (already reported).
    pub(super) porteur_unreadable: bool,
}

/// The place of one table of the file.
#[derive(Debug, Default, Clone)]
pub(super) struct Place {
    /// Index in the file's array (the `2` of `membres[2]`).
    pub(super) index: usize,
    /// Line of the table's header or inline table.
    pub(super) line: Option<usize>,
    /// Line of each key of the table.
    pub(super) fields: BTreeMap<String, usize>,
}

impl Place {
    pub(super) fn line_of(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied().or(self.line)
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
/// types. Rules between values are left to [`check`](super::rules::check).
pub(super) struct Reader<'t> {
    text: &'t str,
    /// Every problem found so far, in the order found.
    pub(super) problems: Vec<Diagnostic>,
}

impl<'t> Reader<'t> {
    /// A reader of `text`, with no problem found yet.
    pub(super) fn new(text: &'t str) -> Self {
        Reader {
            text,
            problems: Vec::new(),
        }
    }

    fn report(
        &mut self,
        line: Option<usize>,
        key: Option<String>,
        value: Option<String>,
        message: String,
        hint: String,
    ) {
        self.problems
            .push(network_problem(line, key, value, message, hint));
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

    /// An amount in euros: quoted with a decimal point (`"4000.00"`), or a whole number.
    fn money(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Decimal> {
        let name = last_segment(key);
        let usual = format!(
            "écrivez le montant en euros, avec un point et entre guillemets, par exemple \
             {name} = \"4000.00\""
        );
        match value.get_ref() {
            DeValue::String(text) => self.quoted_money(value, key, text.trim(), usual),
            DeValue::Integer(_) => self.whole_money(value, key, usual),
            DeValue::Float(float) => {
                self.report_float_money(value, key, float.as_str(), usual);
                None
            }
            _ => {
                self.wrong_type(value, key, "un montant", usual);
                None
            }
        }
    }

    /// A quoted amount, `text` being its content; one written as in a spreadsheet is
    /// reported with the way to write it here.
    fn quoted_money(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        text: &str,
        usual: String,
    ) -> Option<Decimal> {
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
        let hint = match Decimal::from_str(&cleaned) {
            Ok(amount) if !cleaned.is_empty() => {
                format!(
                    "écrivez {} = \"{}\" (un point, sans espace ni €)",
                    last_segment(key),
                    crate::french::money(amount)
                )
            }
            _ => usual,
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

    /// A whole number of euros, written without quotes.
    fn whole_money(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        usual: String,
    ) -> Option<Decimal> {
        let number = self.integer(value, key, "4000")?;
        match i64::try_from(number) {
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
        }
    }

    /// An amount written as a bare decimal number (`float` as written), which would not be
    /// exact to the cent: refused, with its quoted form as the hint.
    fn report_float_money(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        float: &str,
        usual: String,
    ) {
        let hint = match Decimal::from_str(float) {
            Ok(amount) => format!(
                "écrivez {} = \"{}\" entre guillemets, pour que le montant soit exact au \
                 centime",
                last_segment(key),
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
                "« {key} » est un nombre à virgule sans guillemets : un montant doit être \
                 écrit entre guillemets"
            ),
            hint,
        );
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

    /// The whole file: its top-level keys, then each list of blocks in turn.
    pub(super) fn read_network(&mut self, root: &DeTable<'_>) -> (Network, Places) {
        let mut places = Places::default();
        let mut scope = Scope::new(root, String::new(), 1);
        self.check_keys(&mut scope, TOP_KEYS);
        for (key, _) in scope.entries() {
            places
                .top
                .insert(key.get_ref().to_string(), self.line_of(key));
        }

        let mut network = self.read_settings(&scope, &mut places);
        self.read_members(&scope, &mut network, &mut places);
        if let Some(value) = scope.get("conventions") {
            for (index, table, line) in self.tables(value, "conventions") {
                self.read_convention(&mut network, &mut places, index, table, line);
            }
        }
        if let Some(value) = scope.get("budgets") {
            for (index, table, line) in self.tables(value, "budgets") {
                self.read_budget(&mut network, &mut places, index, table, line);
            }
        }
        if let Some(value) = scope.get("journees") {
            for (index, table, line) in self.tables(value, "journees") {
                self.read_journee(&mut network, &mut places, index, table, line);
            }
        }
        if let Some(value) = scope.get("populations") {
            for (index, table, line) in self.tables(value, "populations") {
                self.read_vintage(&mut network, &mut places, index, table, line);
            }
        }
        (network, places)
    }

    /// The single values of the top level, each with its default, in a network whose lists
    /// are still empty.
    fn read_settings(&mut self, scope: &Scope<'_, '_>, places: &mut Places) -> Network {
        let nom = scope
            .get("nom")
            .and_then(|value| self.string(value, "nom", "\"Réseau des acteurs sociaux\""))
            .unwrap_or_else(|| "Réseau".to_string());
        let porteur = self
            .required(scope, "porteur", "\"44015\"")
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

        Network {
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
        }
    }

    /// The `[[membres]]` blocks, which the file must have.
    fn read_members(&mut self, scope: &Scope<'_, '_>, network: &mut Network, places: &mut Places) {
        let Some(value) = scope.get("membres") else {
            self.report(
                None,
                Some("membres".to_string()),
                None,
                "le fichier ne déclare aucun membre".to_string(),
                "ajoutez un bloc par CCAS : [[membres]] puis code = \"44015\", nom = \"Blain\", \
                 adhesion = 2014-01-01"
                    .to_string(),
            );
            return;
        };
        let tables = self.tables(value, "membres");
        if tables.is_empty() && matches!(value.get_ref(), DeValue::Array(items) if items.is_empty())
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
            self.read_member(network, places, index, table, line);
        }
    }

    /// One `[[conventions]]` block.
    fn read_convention(
        &mut self,
        network: &mut Network,
        places: &mut Places,
        index: usize,
        table: &DeTable<'_>,
        line: usize,
    ) {
        let mut scope = Scope::new(table, format!("conventions[{index}]"), line);
        self.check_keys(&mut scope, CONVENTION_KEYS);
        let debut = self.required_date(&scope, "debut", "2014-01-01");
        let fin = self.required_date(&scope, "fin", "2016-12-31");
        if let (Some(debut), Some(fin)) = (debut, fin) {
            network.conventions.push(Convention { debut, fin });
            places.conventions.push(scope.place(self.text, index));
        }
    }

    /// One `[[budgets]]` block.
    fn read_budget(
        &mut self,
        network: &mut Network,
        places: &mut Places,
        index: usize,
        table: &DeTable<'_>,
        line: usize,
    ) {
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

    /// One `[[journees]]` block.
    fn read_journee(
        &mut self,
        network: &mut Network,
        places: &mut Places,
        index: usize,
        table: &DeTable<'_>,
        line: usize,
    ) {
        let mut scope = Scope::new(table, format!("journees[{index}]"), line);
        self.check_keys(&mut scope, JOURNEE_KEYS);
        let annee = self.required_year(&scope, "annee");
        let date = self.required_date(&scope, "date", "2024-11-15");
        if let (Some(annee), Some(date)) = (annee, date) {
            network.journees.push(Journee { annee, date });
            places.journees.push(scope.place(self.text, index));
        }
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{date, problems, single_problem, with, TWO_MEMBERS};
    use super::super::parse_network;
    use super::*;

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
    fn syntax_error_gives_one_problem_with_its_line() {
        let problem = single_problem("porteur = \"44015\"\nnom = \"Blain\n\n[[membres]]\n");
        assert_eq!(problem.location.row, Some(2));
        assert!(
            problem.message.starts_with("syntaxe TOML invalide : "),
            "{problem:?}"
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("autour de la ligne 2"),
            "{problem:?}"
        );

        let problem = single_problem("porteur = \"44015\"\nporteur = \"44023\"\n");
        assert_eq!(problem.location.row, Some(2));
        assert!(problem.message.contains("deux fois"), "{problem:?}");
    }

    #[test]
    fn unknown_top_level_key_suggests_the_closest() {
        let problem = single_problem(&format!("seuil_secre = 4\n{TWO_MEMBERS}"));
        assert_eq!(problem.location.row, Some(1));
        assert_eq!(problem.location.field.as_deref(), Some("seuil_secre"));
        assert_eq!(problem.value.as_deref(), Some("4"));
        assert!(problem.message.contains("seuil_secre"));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("« seuil_secret »"),
            "{problem:?}"
        );
    }

    #[test]
    fn accented_member_key_suggests_the_plain_one_without_a_second_problem() {
        let text = "porteur = \"44015\"\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\n\"adhésion\" = 2014-01-01\n";
        let problem = single_problem(text);
        assert_eq!(problem.location.row, Some(5));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("membres[0].adhésion")
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("« adhesion »"),
            "{problem:?}"
        );

        // Unquoted, an accented key is a TOML syntax error: the hint still names the key.
        let problem = single_problem(&text.replace("\"adhésion\"", "adhésion"));
        assert_eq!(problem.location.row, Some(5));
        assert!(
            problem.message.starts_with("syntaxe TOML invalide"),
            "{problem:?}"
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("« adhesion »"),
            "{problem:?}"
        );
    }

    #[test]
    fn far_unknown_key_lists_allowed_keys() {
        let problem = single_problem(&with(
            "[[budgets]]\nannee = 2024\nmontant = \"1\"\ncouleur = \"bleu\"\n",
        ));
        assert_eq!(problem.location.row, Some(16));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("budgets[0].couleur")
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("annee, montant"),
            "{problem:?}"
        );
    }

    #[test]
    fn missing_required_member_key_points_at_the_block() {
        let text = "porteur = \"44015\"\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\n";
        let problem = single_problem(text);
        assert_eq!(problem.location.row, Some(2));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("membres[0].adhesion")
        );
    }

    #[test]
    fn wrong_type_is_reported() {
        let problem = single_problem(&format!("seuil_secret = \"cinq\"\n{TWO_MEMBERS}"));
        assert_eq!(problem.location.row, Some(1));
        assert_eq!(problem.location.field.as_deref(), Some("seuil_secret"));
        assert_eq!(problem.value.as_deref(), Some("\"cinq\""));
        assert!(problem.message.contains("nombre entier"), "{problem:?}");

        let problem = single_problem("porteur = 44015\n[[membres]]\ncode = \"44015\"\nnom = \"Blain\"\nadhesion = 2014-01-01\n");
        assert_eq!(problem.location.row, Some(1));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("porteur = \"44015\""),
            "{problem:?}"
        );
    }

    #[test]
    fn single_bracket_table_for_a_list_is_explained() {
        let text = "porteur = \"44015\"\n[membres]\ncode = \"44015\"\nnom = \"Blain\"\nadhesion = 2014-01-01\n";
        let problem = single_problem(text);
        assert_eq!(problem.location.row, Some(2));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("[[membres]]"),
            "{problem:?}"
        );
    }

    #[test]
    fn missing_porteur_and_members_are_reported() {
        let problems = problems("nom = \"x\"\n");
        let keys: Vec<_> = problems
            .iter()
            .map(|problem| problem.location.field.as_deref())
            .collect();
        assert_eq!(keys, vec![Some("membres"), Some("porteur")]);
        let problem = single_problem("porteur = \"44015\"\nmembres = []\n");
        assert_eq!(problem.location.row, Some(2));
    }

    #[test]
    fn float_budget_asks_for_a_quoted_amount() {
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = 4000.5\n"));
        assert_eq!(problem.location.row, Some(15));
        assert_eq!(problem.value.as_deref(), Some("4000.5"));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("\"4000.50\""),
            "{problem:?}"
        );
        let problem = single_problem(&with(
            "[[budgets]]\nannee = 2024\nmontant = \"4 000,50 €\"\n",
        ));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("\"4000.50\""),
            "{problem:?}"
        );
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = \"4000.555\"\n"));
        assert!(problem.message.contains("deux décimales"), "{problem:?}");
    }

    #[test]
    fn french_date_in_a_string_gets_its_iso_form_as_hint() {
        let problem = single_problem(&with("[[journees]]\nannee = 2024\ndate = \"15/11/2024\"\n"));
        assert_eq!(problem.location.row, Some(15));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("2024-11-15"),
            "{problem:?}"
        );
        let problem = single_problem(&with(
            "[[journees]]\nannee = 2024\ndate = 2024-11-15T10:00:00\n",
        ));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("date = 2024-11-15"),
            "{problem:?}"
        );
    }

    #[test]
    fn closest_key_and_folding() {
        assert_eq!(fold_key("Date d'adhésion"), "date_d_adhesion");
        assert_eq!(closest_key("Adhésion", MEMBER_KEYS), Some("adhesion"));
        assert_eq!(closest_key("couleur", BUDGET_KEYS), None);
    }
}
