//! The rules of the network's own sheets: `activite` (one row per meeting or action, for
//! the yearly evaluation of article 7) and `acteurs` (the directory of the territory's
//! social actors, article 2).
//!
//! Both hold lists of communes in one cell (« Blain, Bouvron »), which the cell parser
//! reads as text: each name is checked here against the network. Neither may hold a
//! person's contact: the activity sheet counts people, and the directory gives each
//! structure's switchboard and service e-mail, never a mobile number or a named person's
//! address.

use super::{CheckedSheet, Checker, Record, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::fold::fold;
use chrono::Datelike;

/// What a cell of communes holds once read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommuneList {
    /// INSEE codes of the members named, in the order of the cell, without repeats.
    pub codes: Vec<String>,
    /// The names that are not members, as written.
    pub unknown: Vec<String>,
}

/// The words that stand for every member of the network (« Toutes », « Tout le réseau »).
const EVERY_MEMBER: &[&str] = &[
    "toutes",
    "toutes les communes",
    "toutes les communes du reseau",
    "tout le reseau",
    "reseau",
];

/// Reads a cell of communes: names or INSEE codes separated by commas, semicolons,
/// slashes or line breaks; « Toutes » for every member.
pub fn commune_list(checker: &Checker<'_>, text: &str) -> CommuneList {
    let mut list = CommuneList::default();
    for piece in text.split([',', ';', '/', '\n', '+']) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let codes: Vec<String> = if EVERY_MEMBER.contains(&fold(piece).as_str()) {
            checker
                .network()
                .members
                .iter()
                .map(|member| member.code.clone())
                .collect()
        } else if let Some(code) = checker.commune_code(piece) {
            vec![code.to_string()]
        } else {
            list.unknown.push(piece.to_string());
            continue;
        };
        for code in codes {
            if !list.codes.contains(&code) {
                list.codes.push(code);
            }
        }
    }
    list
}

/// The rules of a row of `activite`.
pub(super) fn check_activity_row(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let year = field(sheet, "annee");
    let date = field(sheet, "date");
    if let (Some(year_value), Some(date_value), Some(date_index)) = (
        value(record, year).as_integer(),
        value(record, date).as_date(),
        date,
    ) {
        if i64::from(date_value.year()) != year_value {
            diagnostics.push(
                Diagnostic::new(
                    Code::E060,
                    sheet.cell_location(record.row, date_index),
                    format!(
                        "la réunion du {} n'est pas de l'année {year_value} indiquée sur la ligne",
                        date_value.format("%d/%m/%Y")
                    ),
                )
                .value(date_value.format("%d/%m/%Y").to_string())
                .hint("corrigez la date ou l'année ; une réunion d'une autre année va dans le tableau de cette année-là"),
            );
            record.rejected = true;
        }
    }
    check_communes(checker, sheet, record, diagnostics);
    for name in ["theme", "suite_donnee"] {
        check_no_personal_contact(sheet, record, name, diagnostics);
    }
}

/// The rules of a row of `acteurs`.
pub(super) fn check_actor_row(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
) {
    check_communes(checker, sheet, record, diagnostics);
    if let Some(index) = field(sheet, "courriel") {
        if let Some(address) = value(record, Some(index)).as_text().map(str::to_string) {
            if is_personal_email(&address) {
                diagnostics.push(personal_contact(
                    sheet,
                    record.row,
                    index,
                    "l'adresse ressemble à celle d'une personne nommée (prénom.nom@…)",
                ));
                record.rejected = true;
            }
        }
    }
    for name in ["structure", "telephone", "public", "horaires", "themes"] {
        check_no_personal_contact(sheet, record, name, diagnostics);
    }
}

/// Each commune of the row's list must be a member (E024, on the cell of the list).
fn check_communes(
    checker: &Checker<'_>,
    sheet: &CheckedSheet,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(index) = field(sheet, "communes") else {
        return;
    };
    let Some(text) = value(record, Some(index)).as_text().map(str::to_string) else {
        return;
    };
    let list = commune_list(checker, &text);
    let listed = checker
        .network()
        .members
        .iter()
        .map(|member| format!("{} ({})", member.name, member.code))
        .collect::<Vec<_>>()
        .join(", ");
    for unknown in &list.unknown {
        let names: Vec<String> = checker
            .network()
            .members
            .iter()
            .map(|member| member.name.clone())
            .collect();
        let hint = match super::nearest(unknown, &names) {
            Some(name) => format!("vouliez-vous dire « {name} » ? communes du réseau : {listed}"),
            None => format!(
                "seules les communes du réseau sont comptées : {listed} ; séparez-les par des virgules"
            ),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::E024,
                sheet.cell_location(record.row, index),
                format!("« {unknown} » n'est pas une commune du réseau"),
            )
            .value(text.clone())
            .hint(hint),
        );
        record.rejected = true;
    }
}

/// A mobile number, or an e-mail address, in a cell that should not hold one (E061).
fn check_no_personal_contact(
    sheet: &CheckedSheet,
    record: &mut Record,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(index) = field(sheet, name) else {
        return;
    };
    let Some(text) = value(record, Some(index)).as_text().map(str::to_string) else {
        return;
    };
    // The contact found is never repeated, in the message or as the value read: like a
    // name or a birth date, it must not travel further than the CCAS's own file.
    let message = if mobile_number(&text).is_some() {
        "la cellule contient un numéro de portable"
    } else if sheet.schema.name == "activite" && text.contains('@') {
        "le texte contient une adresse électronique"
    } else {
        return;
    };
    diagnostics.push(personal_contact(sheet, record.row, index, message));
    record.rejected = true;
}

fn personal_contact(sheet: &CheckedSheet, row: u32, index: usize, message: &str) -> Diagnostic {
    let hint = if sheet.schema.name == "acteurs" {
        "donnez le standard ou l'accueil de la structure (numéro fixe) et le courriel du service (accueil@…, contact@…), jamais le portable ni l'adresse d'une personne"
    } else {
        "le tableau d'activité ne contient que des effectifs et des communes : retirez les coordonnées et les noms de personnes"
    };
    Diagnostic::new(
        Code::E061,
        sheet.cell_location(row, index),
        format!("{message} : les coordonnées personnelles ne sont pas acceptées"),
    )
    .hint(hint)
}

/// The first French mobile number in a text (06 or 07, also written +33 6…), as written
/// in digits: ten digits in a row once spaces, dots and hyphens are left out.
pub fn mobile_number(text: &str) -> Option<String> {
    let characters: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < characters.len() {
        if characters[start] == '+' || characters[start].is_ascii_digit() {
            let mut digits = String::new();
            let mut end = start;
            while end < characters.len()
                && (characters[end].is_ascii_digit()
                    || matches!(characters[end], ' ' | '.' | '-' | '+' | '\u{a0}'))
            {
                if characters[end].is_ascii_digit() {
                    digits.push(characters[end]);
                }
                end += 1;
            }
            let national = match digits.strip_prefix("33") {
                Some(rest) if characters[start] == '+' || digits.len() == 11 => format!("0{rest}"),
                _ => digits.clone(),
            };
            if national.len() == 10 && (national.starts_with("06") || national.starts_with("07")) {
                let pairs: Vec<&str> = (0..5)
                    .map(|pair| &national[pair * 2..pair * 2 + 2])
                    .collect();
                return Some(pairs.join(" "));
            }
            start = end.max(start + 1);
        } else {
            start += 1;
        }
    }
    None
}

/// The words of a service address (accueil@, contact@, ccas.blain@): an address made of
/// such words is the structure's own.
const SERVICE_WORDS: &[&str] = &[
    "accueil",
    "contact",
    "contacts",
    "ccas",
    "cias",
    "mairie",
    "secretariat",
    "social",
    "sociale",
    "sociales",
    "action",
    "info",
    "infos",
    "information",
    "direction",
    "service",
    "services",
    "admin",
    "administration",
    "association",
    "asso",
    "epicerie",
    "solidaire",
    "solidarite",
    "permanence",
    "rdv",
    "bureau",
    "antenne",
    "delegation",
    "pole",
    "centre",
    "espace",
    "maison",
    "emploi",
    "logement",
    "sante",
    "famille",
    "familles",
    "jeunesse",
    "seniors",
    "aines",
    "insertion",
    "mission",
    "locale",
    "restos",
    "secours",
    "croix",
    "rouge",
    "banque",
    "alimentaire",
    "clic",
    "caf",
    "msa",
    "pmi",
    "cpam",
    "ssiad",
    "ehpad",
    "france",
    "travail",
    "aide",
    "domicile",
    "ville",
    "commune",
    "communaute",
    "pays",
];

/// Whether an e-mail address looks like a named person's: its local part is two or three
/// words joined by a dot or an underscore (« prenom.nom », « p.nom »), none of them a word
/// of a service address.
pub fn is_personal_email(address: &str) -> bool {
    let Some((local, _domain)) = address.trim().split_once('@') else {
        return false;
    };
    let words: Vec<String> = local.split(['.', '_']).map(fold).collect();
    if !(2..=3).contains(&words.len()) {
        return false;
    }
    let alphabetic = words.iter().all(|word| {
        !word.is_empty()
            && word
                .chars()
                .all(|character| character.is_alphabetic() || character == '-' || character == ' ')
    });
    alphabetic
        && !words.iter().any(|word| {
            word.split(['-', ' '])
                .any(|part| SERVICE_WORDS.contains(&part))
        })
}

fn field(sheet: &CheckedSheet, name: &str) -> Option<usize> {
    sheet.schema.field_index(name)
}

fn value(record: &Record, index: Option<usize>) -> &Value {
    index
        .and_then(|index| record.values.get(index))
        .unwrap_or(&Value::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_in_any_spelling() {
        assert_eq!(
            mobile_number("06 12 34 56 78").as_deref(),
            Some("06 12 34 56 78")
        );
        assert_eq!(
            mobile_number("Mme X : 07.81.22.33.44").as_deref(),
            Some("07 81 22 33 44")
        );
        assert_eq!(
            mobile_number("+33 6 12 34 56 78").as_deref(),
            Some("06 12 34 56 78")
        );
        assert_eq!(
            mobile_number("0612345678").as_deref(),
            Some("06 12 34 56 78")
        );
        assert_eq!(mobile_number("02 40 79 00 00"), None);
        assert_eq!(mobile_number("du lundi au vendredi, 9 h - 12 h"), None);
        assert_eq!(mobile_number("2024"), None);
    }

    #[test]
    fn service_addresses_are_kept_and_named_ones_refused() {
        for service in [
            "accueil@ccas-blain.fr",
            "contact@epicerie-solidaire.fr",
            "ccas.bouvron@orange.fr",
            "epicerie.solidaire@laposte.net",
            "action-sociale@loire-atlantique.fr",
            "pasuneadresse",
        ] {
            assert!(!is_personal_email(service), "{service}");
        }
        for personal in [
            "marie.durand@ccas-blain.fr",
            "j.martin@orange.fr",
            "anne_le-goff@free.fr",
        ] {
            assert!(is_personal_email(personal), "{personal}");
        }
    }
}
