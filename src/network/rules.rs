//! The rules between the values of a network: the secret's thresholds, the porteur among
//! the members, valid and unique codes, conventions that do not overlap, one budget and one
//! event a year, and a population for every member while a vintage is in force. They work
//! on a [`Network`] value, so the built-in network obeys them as a file does; the places
//! kept by the reader only add lines to the problems.

use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;

use super::problem::{line_note, problem};
use super::reader::{Place, Places};
use super::{Network, PopulationVintage, DEFAULT_MEDIAN_MINIMUM};

/// The rules between values. Works on any network; `places` only adds lines.
pub(super) fn check(network: &Network, places: &Places) -> Vec<Diagnostic> {
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

fn check_members(network: &Network, places: &Places, problems: &mut Vec<Diagnostic>) {
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

fn check_conventions(network: &Network, places: &Places, problems: &mut Vec<Diagnostic>) {
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

fn check_budgets_and_journees(network: &Network, places: &Places, problems: &mut Vec<Diagnostic>) {
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

/// The rules of the population vintages, vintage by vintage: against the earlier ones, on
/// its figures, then on the members it must cover.
fn check_populations(
    network: &Network,
    places: &Places,
    known_codes: &BTreeMap<&str, &str>,
    codes_hint: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let vintages = &network.populations;
    for (index, vintage) in vintages.iter().enumerate() {
        let place = place_of(&places.populations, index);
        check_against_earlier_vintages(vintage, &place, &vintages[..index], places, problems);
        check_vintage_values(
            vintage,
            &place,
            places.valeurs.get(index),
            known_codes,
            codes_hint,
            problems,
        );
        check_missing_populations(network, vintage, &place, problems);
    }
}

/// One block per millésime, and the older millésime in force first: `vintage` against each
/// of the vintages written before it.
fn check_against_earlier_vintages(
    vintage: &PopulationVintage,
    place: &Place,
    earlier_vintages: &[PopulationVintage],
    places: &Places,
    problems: &mut Vec<Diagnostic>,
) {
    for (earlier_index, earlier) in earlier_vintages.iter().enumerate() {
        let earlier_place = place_of(&places.populations, earlier_index);
        if earlier.millesime == vintage.millesime {
            problems.push(problem(
                place.line_of("millesime"),
                item_key("populations", place, Some("millesime")),
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
                    item_key("populations", place, Some("en_vigueur")),
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
}

/// The figures of `vintage`: only members' codes, a municipale within the totale, and no
/// population of 0. `value_places` are the places of its codes, when read from a file.
fn check_vintage_values(
    vintage: &PopulationVintage,
    place: &Place,
    value_places: Option<&BTreeMap<String, Place>>,
    known_codes: &BTreeMap<&str, &str>,
    codes_hint: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let valeurs_key = item_key("populations", place, Some("valeurs"));
    for (code, population) in &vintage.valeurs {
        let entry = value_places
            .and_then(|value_places| value_places.get(code))
            .cloned()
            .unwrap_or(Place {
                line: place.line_of("valeurs"),
                ..Place::default()
            });
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
}

/// A population in `vintage` for every member that belongs to the network on some day
/// when `vintage` is the one in force (see `Network::vintage_on`).
fn check_missing_populations(
    network: &Network,
    vintage: &PopulationVintage,
    place: &Place,
    problems: &mut Vec<Diagnostic>,
) {
    let vintages = &network.populations;
    let superseded_same_day = vintages
        .iter()
        .any(|other| other.en_vigueur == vintage.en_vigueur && other.millesime > vintage.millesime);
    if superseded_same_day {
        return;
    }
    let next_in_force = vintages
        .iter()
        .map(|other| other.en_vigueur)
        .filter(|date| *date > vintage.en_vigueur)
        .min();
    let last_day = next_in_force.and_then(|date| date.pred_opt());
    let valeurs_key = item_key("populations", place, Some("valeurs"));
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{problems, single_problem, with, TWO_MEMBERS, TWO_VINTAGES};
    use super::super::parse_network;
    use super::*;

    #[test]
    fn threshold_below_three_is_refused() {
        let problem = single_problem(&format!("seuil_secret = 2\n{TWO_MEMBERS}"));
        assert_eq!(problem.location.row, Some(1));
        assert!(problem.message.contains("jamais sous 3"), "{problem:?}");
        let problem = single_problem(&format!("seuil_secret = -1\n{TWO_MEMBERS}"));
        assert_eq!(problem.location.row, Some(1));
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
        assert_eq!(
            problem.location.field.as_deref(),
            Some("intervalle_protection")
        );
        assert_eq!(problem.location.row, Some(2));
        let problem = single_problem(&format!("effectif_minimum_mediane = 1\n{TWO_MEMBERS}"));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("effectif_minimum_mediane")
        );
        let problem = single_problem(&format!("intervalle_protection = -2\n{TWO_MEMBERS}"));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("intervalle_protection")
        );
    }

    #[test]
    fn porteur_must_be_a_member() {
        let text = TWO_MEMBERS.replace("porteur = \"44015\"", "porteur = \"44999\"");
        let problem = single_problem(&text);
        assert_eq!(problem.location.row, Some(1));
        assert_eq!(problem.value.as_deref(), Some("44999"));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("44015 (Blain), 44023 (Bouvron)"),
            "{problem:?}"
        );
    }

    #[test]
    fn member_code_must_look_like_an_insee_code() {
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"4402\""));
        assert_eq!(problem.location.row, Some(9));
        assert_eq!(problem.location.field.as_deref(), Some("membres[1].code"));
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"44130 \"x"));
        assert_eq!(problem.location.row, Some(9));
        assert!(parse_network(&TWO_MEMBERS.replace("\"44023\"", "\"2A004\"")).is_ok());
        assert!(parse_network(&TWO_MEMBERS.replace("\"44023\"", "\"2C004\"")).is_err());
    }

    #[test]
    fn duplicate_member_code_is_reported_on_the_second() {
        let problem = single_problem(&TWO_MEMBERS.replace("\"44023\"", "\"44015\""));
        assert_eq!(problem.location.row, Some(9));
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("ligne 4"),
            "{problem:?}"
        );
    }

    #[test]
    fn sortie_before_adhesion_is_reported() {
        let problem =
            single_problem(&TWO_MEMBERS.replace("sortie = 2024-09-30", "sortie = 2013-09-30"));
        assert_eq!(problem.location.row, Some(12));
        assert_eq!(problem.location.field.as_deref(), Some("membres[1].sortie"));
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
        assert_eq!(problems[0].location.row, Some(18));
        assert!(problems[0].message.contains("chevauche"), "{problems:?}");
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("ligne 13"),
            "{problems:?}"
        );
        assert_eq!(problems[1].location.row, Some(23));
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
        let lines: Vec<_> = problems
            .iter()
            .map(|problem| problem.location.row)
            .collect();
        assert_eq!(lines, vec![Some(17), Some(23)], "{problems:#?}");
        assert_eq!(
            problems[0].location.field.as_deref(),
            Some("budgets[1].annee")
        );
        assert_eq!(
            problems[1].location.field.as_deref(),
            Some("journees[1].annee")
        );
    }

    #[test]
    fn negative_budget_is_refused() {
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = \"-4000.00\"\n"));
        assert_eq!(problem.location.row, Some(15));
        assert!(problem.message.contains("négatif"), "{problem:?}");
        let problem = single_problem(&with("[[budgets]]\nannee = 2024\nmontant = -4000\n"));
        assert_eq!(problem.location.row, Some(15));
    }

    #[test]
    fn duplicate_millesime_is_reported() {
        let text = with(&TWO_VINTAGES.replace("millesime = 2021", "millesime = 2018"));
        let problems = problems(&text);
        assert_eq!(problems[0].location.row, Some(21), "{problems:#?}");
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
        assert_eq!(problem.location.row, Some(18));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("populations[0].valeurs.44999")
        );
        assert_eq!(
            problem.message,
            "le code « 44999 » n'est pas celui d'un membre du réseau"
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .starts_with("codes des membres : 44015"),
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
        assert_eq!(problem.location.row, Some(18));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("populations[0].valeurs.44023")
        );
        assert!(problem.message.contains("Bouvron (44023)"), "{problem:?}");
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("du 2021-01-01 au 2023-12-31"),
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
        assert_eq!(
            problem.location.field.as_deref(),
            Some("populations[1].valeurs.44023")
        );
        assert!(
            problem
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("à partir du 2024-01-01"),
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
        assert_eq!(problem.location.row, Some(24));
        assert_eq!(
            problem.location.field.as_deref(),
            Some("populations[1].valeurs.44015.municipale")
        );
    }

    #[test]
    fn vintages_out_of_order_are_reported() {
        let text =
            with(&TWO_VINTAGES.replace("en_vigueur = 2024-01-01", "en_vigueur = 2020-01-01"));
        let problems = problems(&text);
        assert_eq!(problems[0].location.row, Some(22), "{problems:#?}");
        assert!(problems[0]
            .message
            .contains("après le millésime plus récent"));
    }

    #[test]
    fn one_unreadable_member_does_not_make_its_code_unknown() {
        let text =
            with(TWO_VINTAGES).replace("adhesion = 2014-01-01\n\n", "adhesion = 2014-13-01\n\n");
        let problems = problems(&text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].location.row, Some(6));
    }
}
