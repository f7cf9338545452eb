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

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use toml::de::DeTable;

mod default;
#[cfg(test)]
mod fixtures;
mod problem;
mod reader;
mod rules;

use reader::{syntax_problem, Reader};
use rules::check;

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

impl Network {
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
pub fn parse_network(text: &str) -> Result<Network, Vec<Diagnostic>> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(error) => return Err(vec![syntax_problem(text, &error)]),
    };
    let mut reader = Reader::new(text);
    let (network, places) = reader.read_network(root.get_ref());
    let mut problems = reader.problems;
    problems.extend(check(&network, &places));
    if problems.is_empty() {
        Ok(network)
    } else {
        // A stable sort keeps problems of one line in the order they were found.
        problems.sort_by_key(|problem| problem.location.row);
        Err(problems)
    }
}

/// [`parse_network`], with every diagnostic placed in the file as the user named it
/// (`shown`) rather than as [`NETWORK_FILE`].
pub fn parse_network_shown_as(text: &str, shown: &str) -> Result<Network, Vec<Diagnostic>> {
    parse_network(text).map_err(|mut problems| {
        for problem in &mut problems {
            problem.location.file = shown.to_string();
        }
        problems
    })
}

/// Fewest values behind a published median, when `reseau.toml` does not say.
pub const DEFAULT_MEDIAN_MINIMUM: u32 = 10;

/// The file that describes the network, looked for at the root of each folder given.
pub const NETWORK_FILE: &str = "reseau.toml";

#[cfg(test)]
mod tests {
    use super::fixtures::{date, problems, with, TWO_MEMBERS, TWO_VINTAGES};
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
        let lines: Vec<_> = problems
            .iter()
            .map(|problem| problem.location.row)
            .collect();
        assert_eq!(
            lines,
            vec![Some(1), Some(2), Some(5), Some(8), Some(12)],
            "{problems:#?}"
        );
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
}
