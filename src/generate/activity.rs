//! The network's own year in the example: the activity of the last year (four COPIL
//! meetings, thematic groups, the observation group, inter-CCAS meetings and the annual
//! event) and a directory of about 25 social actors of the territory.
//!
//! Everything is fictional: the structures are the kinds found around Blain, the phone
//! numbers are in the range ARCEP reserves for fiction (02 61 91 xx xx) and the e-mail
//! addresses are on `exemple.fr`. Rows name communes of the generated network only, so a
//! network of two communes gets a coherent (smaller) year too.

use super::{category, ExampleCommune, ExampleFile};
use crate::check::Value;
use crate::schema::Schema;
use crate::sheet::writers::{DateStyle, TableFormat, TableStyle};
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Which communes a row names: all of them, or some by position in the network.
#[derive(Clone, Copy)]
enum Communes {
    All,
    Some(&'static [usize]),
}

impl Communes {
    /// The names, in the network's order, of the communes this network has.
    fn names(self, communes: &[ExampleCommune]) -> Vec<String> {
        match self {
            Communes::All => vec!["Toutes".to_string()],
            Communes::Some(positions) => {
                let mut named: Vec<usize> = positions
                    .iter()
                    .map(|position| position % communes.len().max(1))
                    .collect();
                named.sort_unstable();
                named.dedup();
                named
                    .into_iter()
                    .filter_map(|position| communes.get(position))
                    .map(|commune| commune.name.clone())
                    .collect()
            }
        }
    }
}

/// The date of the annual event in the generated `reseau.toml` (`[[journees]]`).
fn annual_event(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 11, 14 + (year % 5) as u32)
}

/// One row of `activite`, in the schema's order.
struct Meeting<'a> {
    date: (u32, u32),
    instance: &'a str,
    theme: &'a str,
    communes: Vec<String>,
    participants: [i64; 4],
    line: &'a str,
    follow_up: &'a str,
}

fn activity_row(schema: &'static Schema, year: i32, meeting: Meeting<'_>) -> Vec<Value> {
    let date = NaiveDate::from_ymd_opt(year, meeting.date.0, meeting.date.1)
        .or_else(|| annual_event(year))
        .unwrap_or_default();
    let mut row = vec![
        Value::Year(year),
        Value::Date(date),
        category(schema, "instance", meeting.instance),
        Value::Text(meeting.theme.to_string()),
        Value::Text(meeting.communes.join(", ")),
    ];
    row.extend(meeting.participants.map(Value::Integer));
    row.push(category(schema, "ligne_action", meeting.line));
    row.push(Value::Text(meeting.follow_up.to_string()));
    row
}

/// The four COPIL meetings: every member but the last one sends its elected member, and
/// each meeting misses one of them (the last member never comes: the evaluation shows it).
fn copil_meetings(
    schema: &'static Schema,
    year: i32,
    communes: &[ExampleCommune],
) -> Vec<Vec<Value>> {
    let meetings = [
        (
            (1, 23),
            "Programme d'actions et budget de l'année",
            "Programme et budget adoptés ; calendrier des groupes thématiques arrêté",
        ),
        (
            (4, 9),
            "Validation des dépenses du premier trimestre",
            "Dépenses validées ; pièces transmises au CCAS de Blain",
        ),
        (
            (6, 25),
            "Préparation de la journée annuelle",
            "Thème de la journée retenu : l'accès aux droits",
        ),
        (
            (10, 8),
            "Bilan d'étape et suite de la convention",
            "Renouvellement de la convention à préparer pour le prochain COPIL",
        ),
    ];
    let attending: Vec<&ExampleCommune> = match communes.len() {
        0 | 1 => communes.iter().collect(),
        count => communes.iter().take(count - 1).collect(),
    };
    meetings
        .iter()
        .enumerate()
        .map(|(position, (date, theme, follow_up))| {
            let absent = (attending.len() > 2).then(|| (position + 1) % attending.len());
            let present: Vec<String> = attending
                .iter()
                .enumerate()
                .filter(|(index, _)| Some(*index) != absent)
                .map(|(_, commune)| commune.name.clone())
                .collect();
            let elected = present.len() as i64;
            activity_row(
                schema,
                year,
                Meeting {
                    date: *date,
                    instance: "COPIL",
                    theme,
                    communes: present,
                    // One agent of each CCAS present, and the Délégation's representative.
                    participants: [elected, elected + 1, 0, 0],
                    line: "Fonctionnement commun",
                    follow_up,
                },
            )
        })
        .collect()
}

/// The other meetings and actions of the year: (date, instance, theme, communes,
/// participants as low bounds for élus, professionnels, bénévoles, autres, line, follow-up).
type Action = (
    (u32, u32),
    &'static str,
    &'static str,
    Communes,
    [i64; 4],
    &'static str,
    &'static str,
);

const ACTIONS: &[Action] = &[
    (
        (2, 13),
        "Groupe thématique",
        "Précarité énergétique",
        Communes::Some(&[0, 1, 3]),
        [1, 5, 2, 0],
        "Dynamique Inter-CCAS",
        "Fiche repère sur les aides à l'énergie, diffusée aux six CCAS",
    ),
    (
        (3, 12),
        "Observation sociale",
        "Lecture des indicateurs de l'année passée",
        Communes::Some(&[0, 1, 2, 4]),
        [0, 5, 0, 0],
        "Observation sociale",
        "Indicateurs retenus pour l'analyse des besoins sociaux",
    ),
    (
        (3, 28),
        "Dynamique Inter-CCAS",
        "Rencontre des agents d'accueil",
        Communes::All,
        [0, 9, 0, 0],
        "Dynamique Inter-CCAS",
        "Annuaire des acteurs sociaux mis à jour",
    ),
    (
        (5, 16),
        "Groupe thématique",
        "Mobilité des personnes âgées",
        Communes::Some(&[0, 2, 3, 5]),
        [2, 6, 4, 1],
        "Dynamique Inter-CCAS",
        "Rencontre prévue avec le transport solidaire du canton",
    ),
    (
        (6, 6),
        "Observation sociale",
        "Préparation de l'analyse des besoins sociaux",
        Communes::Some(&[0, 1, 4]),
        [0, 4, 0, 0],
        "Observation sociale",
        "Plan du rapport validé",
    ),
    (
        (9, 19),
        "Groupe thématique",
        "Accès aux droits et démarches en ligne",
        Communes::Some(&[0, 1, 2, 4, 5]),
        [2, 7, 3, 2],
        "Dynamique Inter-CCAS",
        "Permanences communes avec la Maison France Services",
    ),
    (
        (10, 3),
        "Dynamique Inter-CCAS",
        "Échange de pratiques sur l'aide alimentaire",
        Communes::Some(&[0, 3, 4, 5]),
        [1, 6, 5, 0],
        "Dynamique Inter-CCAS",
        "Critères d'orientation vers l'épicerie solidaire harmonisés",
    ),
    (
        (10, 17),
        "Observation sociale",
        "Présentation des chiffres clés aux élus",
        Communes::All,
        [6, 5, 0, 0],
        "Observation sociale",
        "Chiffres clés présentés à la journée annuelle",
    ),
    (
        (12, 5),
        "Groupe thématique",
        "Logement des jeunes",
        Communes::Some(&[0, 1, 2]),
        [1, 5, 2, 1],
        "Dynamique Inter-CCAS",
        "Groupe reconduit l'an prochain avec la mission locale",
    ),
];

/// The activity of `year`, sorted by date.
pub(super) fn activity(
    schema: &'static Schema,
    year: i32,
    communes: &[ExampleCommune],
    rng: &mut ChaCha8Rng,
) -> Vec<Vec<Value>> {
    let mut rows = copil_meetings(schema, year, communes);
    for (date, instance, theme, named, low, line, follow_up) in ACTIONS {
        rows.push(activity_row(
            schema,
            year,
            Meeting {
                date: *date,
                instance,
                theme,
                communes: named.names(communes),
                participants: low.map(|low| low + rng.random_range(0..=low / 2)),
                line,
                follow_up,
            },
        ));
    }
    if let Some(event) = annual_event(year) {
        rows.push(activity_row(
            schema,
            year,
            Meeting {
                date: (event.month0() + 1, event.day0() + 1),
                instance: "Journée annuelle",
                theme: "L'accès aux droits sur le territoire",
                communes: Communes::All.names(communes),
                participants: [
                    12 + rng.random_range(0..5),
                    34 + rng.random_range(0..9),
                    18 + rng.random_range(0..7),
                    6 + rng.random_range(0..5),
                ],
                line: "Journée annuelle",
                follow_up: "Chiffres clés de l'analyse des besoins présentés ; trois pistes d'actions retenues",
            },
        ));
    }
    rows.sort_by(|left, right| left[1].cmp(&right[1]));
    rows
}

/// One structure of the directory: name, type, communes, themes, public, hours.
type Actor = (
    &'static str,
    &'static str,
    Communes,
    &'static str,
    &'static str,
    &'static str,
);

const ACTORS: &[Actor] = &[
    (
        "Épicerie solidaire du Pays de Blain",
        "Association",
        Communes::Some(&[0, 1, 3]),
        "Alimentation",
        "Familles et personnes seules orientées par un CCAS",
        "Mardi et vendredi, 14 h - 17 h",
    ),
    (
        "Restos du Cœur, antenne du canton",
        "Association",
        Communes::Some(&[0, 3, 5]),
        "Alimentation, accompagnement",
        "Tout public, sur inscription",
        "Jeudi, 9 h - 12 h (campagne d'hiver)",
    ),
    (
        "Secours populaire, comité de Bouvron",
        "Association",
        Communes::Some(&[1, 2]),
        "Alimentation, vêtements, vacances",
        "Familles",
        "Mercredi, 14 h - 17 h",
    ),
    (
        "Secours catholique, équipe du pays de Blain",
        "Association",
        Communes::All,
        "Accompagnement, aide alimentaire",
        "Tout public",
        "Sur rendez-vous",
    ),
    (
        "Centre médico-social de Blain",
        "Service départemental",
        Communes::All,
        "Accès aux droits, insertion, protection de l'enfance",
        "Tout public",
        "Du lundi au vendredi, 9 h - 12 h 30 et 13 h 30 - 17 h",
    ),
    (
        "Protection maternelle et infantile, permanence de Blain",
        "Service départemental",
        Communes::All,
        "Petite enfance, santé",
        "Familles avec des enfants de moins de 6 ans",
        "Lundi et jeudi, 9 h - 12 h",
    ),
    (
        "Centre local d'information et de coordination (CLIC) du pays de Blain",
        "Autre",
        Communes::All,
        "Personnes âgées, maintien à domicile",
        "Personnes de 60 ans et plus et leurs proches",
        "Du lundi au vendredi, 9 h - 12 h 30",
    ),
    (
        "Mission locale, antenne de Blain",
        "Association",
        Communes::All,
        "Emploi, formation, logement des jeunes",
        "Jeunes de 16 à 25 ans",
        "Du lundi au vendredi, sur rendez-vous",
    ),
    (
        "France Travail, permanence de Blain",
        "Autre",
        Communes::All,
        "Emploi",
        "Demandeurs d'emploi",
        "Mardi, 9 h - 12 h",
    ),
    (
        "EHPAD Les Jardins du Canal",
        "Établissement",
        Communes::Some(&[0]),
        "Personnes âgées, hébergement",
        "Personnes de 60 ans et plus",
        "Accueil tous les jours, 10 h - 18 h",
    ),
    (
        "Service de soins infirmiers à domicile du pays de Blain",
        "Établissement",
        Communes::Some(&[0, 1, 3, 5]),
        "Santé, maintien à domicile",
        "Personnes âgées ou handicapées",
        "Du lundi au vendredi, 8 h 30 - 17 h",
    ),
    (
        "Aide à domicile en milieu rural, association de Fay-de-Bretagne",
        "Association",
        Communes::Some(&[2, 4]),
        "Aide à domicile, familles",
        "Personnes âgées, familles",
        "Du lundi au vendredi, 9 h - 12 h",
    ),
    (
        "Maison France Services du pays de Blain",
        "Autre",
        Communes::All,
        "Accès aux droits, démarches en ligne",
        "Tout public",
        "Du lundi au samedi, 9 h - 12 h 30",
    ),
    (
        "Caisse d'allocations familiales, permanence de Blain",
        "Autre",
        Communes::All,
        "Accès aux droits, familles, logement",
        "Allocataires",
        "Mercredi, sur rendez-vous",
    ),
    (
        "Atelier vélo solidaire",
        "Association",
        Communes::Some(&[0, 1]),
        "Mobilité",
        "Personnes sans moyen de transport",
        "Samedi, 10 h - 12 h",
    ),
    (
        "Transport solidaire du canton",
        "Association",
        Communes::All,
        "Mobilité, lien social",
        "Personnes âgées ou sans véhicule",
        "Réservation du lundi au vendredi, 9 h - 11 h",
    ),
    (
        "Foyer de jeunes travailleurs du Canal",
        "Établissement",
        Communes::Some(&[0]),
        "Logement des jeunes",
        "Jeunes de 16 à 30 ans",
        "Du lundi au vendredi, 9 h - 18 h",
    ),
    (
        "Point conseil budget du pays de Blain",
        "Association",
        Communes::All,
        "Budget, surendettement",
        "Tout public",
        "Jeudi, sur rendez-vous",
    ),
    (
        "Espace de vie sociale de Notre-Dame-des-Landes",
        "Association",
        Communes::Some(&[4]),
        "Lien social, familles",
        "Habitants, familles",
        "Mercredi et samedi, 14 h - 18 h",
    ),
];

/// A slug for a fictional e-mail domain: letters and digits, words joined by hyphens.
fn domain_of(name: &str) -> String {
    let folded = crate::fold::fold(name);
    let words: Vec<&str> = folded
        .split(|character: char| !character.is_ascii_alphanumeric())
        .filter(|word| word.len() > 2)
        .take(3)
        .collect();
    words.join("-")
}

/// « CCAS de Blain », « CCAS du Gâvre », « CCAS des Touches », « CCAS de La Chevallerais ».
fn ccas_name(commune: &str) -> String {
    if let Some(rest) = commune.strip_prefix("Le ") {
        format!("CCAS du {rest}")
    } else if let Some(rest) = commune.strip_prefix("Les ") {
        format!("CCAS des {rest}")
    } else {
        format!("CCAS de {commune}")
    }
}

/// The directory: one CCAS per commune, then the structures of the territory.
pub(super) fn actors(schema: &'static Schema, communes: &[ExampleCommune]) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    let mut number = 0;
    let mut phone = || {
        number += 1;
        format!(
            "02 61 91 {:02} {:02}",
            number / 4 * 7 % 100,
            number * 13 % 100
        )
    };
    for commune in communes {
        rows.push(vec![
            Value::Text(ccas_name(&commune.name)),
            category(schema, "type_structure", "CCAS"),
            Value::Text(commune.name.clone()),
            Value::Text("Aide facultative, accès aux droits, logement, énergie".to_string()),
            Value::Text("Habitants de la commune".to_string()),
            Value::Text(phone()),
            Value::Text(format!("accueil@ccas-{}.exemple.fr", commune.slug)),
            Value::Text("Du lundi au vendredi, 9 h - 12 h 30".to_string()),
        ]);
    }
    for (name, kind, named, themes, public, hours) in ACTORS {
        rows.push(vec![
            Value::Text((*name).to_string()),
            category(schema, "type_structure", kind),
            Value::Text(named.names(communes).join(", ")),
            Value::Text((*themes).to_string()),
            Value::Text((*public).to_string()),
            Value::Text(phone()),
            Value::Text(format!("contact@{}.exemple.fr", domain_of(name))),
            Value::Text((*hours).to_string()),
        ]);
    }
    rows
}

/// The two files of the network's own year, in the carrier's folder.
pub(super) fn files(
    activity_schema: &'static Schema,
    actors_schema: &'static Schema,
    carrier: &str,
    communes: &[ExampleCommune],
    year: i32,
    seed: u64,
) -> Vec<ExampleFile> {
    // A generator of its own, so that the other files keep their bytes.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0000_AC71_u64);
    let style = |sheet: &str, title: String| TableStyle {
        format: TableFormat::Xlsx,
        sheet_name: sheet.to_string(),
        title: Some(title),
        total_row: false,
        dates: DateStyle::Cells,
    };
    vec![
        ExampleFile {
            path: format!("{carrier}/activite-{year}.xlsx"),
            schema: "activite",
            style: style("Activité", format!("Activité du réseau en {year}")),
            rows: activity(activity_schema, year, communes, &mut rng),
        },
        ExampleFile {
            path: format!("{carrier}/acteurs.xlsx"),
            schema: "acteurs",
            style: style(
                "Acteurs",
                "Annuaire des acteurs sociaux du territoire".to_string(),
            ),
            rows: actors(actors_schema, communes),
        },
    ]
}
