//! A CCAS's own request sheet, before anonymisation: names, birth dates, addresses and
//! phone numbers of entirely fictional people, as the input of `anonymiser` in examples
//! and tests. The same arguments give the same rows.

use crate::check::Value;
use crate::sheet::writers::{
    write_sheets, DateStyle, HeadedSheet, TableFormat, TableStyle, WriteError,
};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// A fictional person: last name, first name, birth date, address, phone.
pub struct FictionalPerson {
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub birth: (i32, u32, u32),
    pub address: &'static str,
    pub phone: &'static str,
}

/// Fictional people; some ask for aid in several communes.
pub const PEOPLE: &[FictionalPerson] = &[
    FictionalPerson {
        last_name: "Le Gall-Hénaff",
        first_name: "Zoé",
        birth: (1986, 4, 12),
        address: "14 impasse des Hortensias",
        phone: "06 01 02 03 04",
    },
    FictionalPerson {
        last_name: "Quéméneur",
        first_name: "Anatole",
        birth: (1958, 11, 3),
        address: "3 rue du Calvaire",
        phone: "02 40 00 11 22",
    },
    FictionalPerson {
        last_name: "Brégeon",
        first_name: "Gwenaëlle",
        birth: (1999, 7, 21),
        address: "La Métairie Neuve",
        phone: "07 12 34 56 78",
    },
    FictionalPerson {
        last_name: "Kerhervé",
        first_name: "Thibault",
        birth: (1971, 2, 28),
        address: "27 boulevard de l'Écluse",
        phone: "06 98 76 54 32",
    },
    FictionalPerson {
        last_name: "Ollivaud",
        first_name: "Ghislaine",
        birth: (1944, 9, 9),
        address: "5 allée des Tisserands",
        phone: "02 40 99 88 77",
    },
    FictionalPerson {
        last_name: "Tessereau",
        first_name: "Maëlys",
        birth: (2003, 1, 15),
        address: "8 chemin de la Fontaine aux Loups",
        phone: "07 55 44 33 22",
    },
    FictionalPerson {
        last_name: "Dubreuil-Ambroise",
        first_name: "Hippolyte",
        birth: (1965, 6, 30),
        address: "41 rue des Forgerons",
        phone: "06 11 22 33 44",
    },
    FictionalPerson {
        last_name: "Noblanc",
        first_name: "Sidonie",
        birth: (1979, 12, 24),
        address: "2 place du Lavoir",
        phone: "06 66 77 88 99",
    },
];

/// The headers of a raw sheet, as a CCAS's own file has them.
pub const RAW_HEADERS: &[&str] = &[
    "Nom",
    "Prénom",
    "Date de naissance",
    "Adresse",
    "Téléphone",
    "Commune",
    "N° de demande",
    "Date de la demande",
    "Sexe",
    "Composition du foyer",
    "Nombre de personnes",
    "Nombre d'enfants",
    "Nature de l'aide",
    "Montant demandé",
    "Montant accordé",
    "Décision",
    "Observations",
];

/// The rows of a raw request sheet for a commune and a year: `count` requests by the
/// fictional people (repeat requests included), names typed in varying case.
pub fn raw_requests(commune: &str, year: i32, count: usize, seed: u64) -> Vec<Vec<Value>> {
    let mut random = ChaCha8Rng::seed_from_u64(seed);
    let natures = [
        "Alimentaire",
        "Énergie et fluides",
        "Logement",
        "Mobilité",
        "Santé",
    ];
    let compositions = [
        "Personne seule",
        "Famille monoparentale",
        "Couple avec enfant(s)",
    ];
    let mut rows = Vec::with_capacity(count);
    for number in 1..=count {
        let person = &PEOPLE[random.random_range(0..PEOPLE.len())];
        let upper = random.random_bool(0.3);
        let last_name = if upper {
            person.last_name.to_uppercase()
        } else {
            person.last_name.to_string()
        };
        let day = NaiveDate::from_ymd_opt(
            year,
            random.random_range(1..=12),
            random.random_range(1..=28),
        )
        .unwrap_or_default();
        let composition = compositions[random.random_range(0..compositions.len())];
        let persons: i64 = if composition == "Personne seule" {
            1
        } else {
            random.random_range(2..=5)
        };
        let children = if composition == "Personne seule" {
            0
        } else {
            persons - 1
        };
        let asked = Decimal::new(random.random_range(30..=400) * 100, 2);
        let granted = random.random_bool(0.8);
        let birth = NaiveDate::from_ymd_opt(person.birth.0, person.birth.1, person.birth.2);
        rows.push(vec![
            Value::Text(last_name),
            Value::Text(person.first_name.to_string()),
            birth.map_or(Value::Missing, Value::Date),
            Value::Text(person.address.to_string()),
            Value::Text(person.phone.to_string()),
            Value::Text(commune.to_string()),
            Value::Text(format!("{year}-{number:03}")),
            Value::Date(day),
            Value::Text(
                if person.first_name.ends_with('e') || person.first_name.ends_with('s') {
                    "Femme"
                } else {
                    "Homme"
                }
                .to_string(),
            ),
            Value::Text(composition.to_string()),
            Value::Integer(persons),
            Value::Integer(children),
            Value::Text(natures[random.random_range(0..natures.len())].to_string()),
            Value::Decimal(asked),
            if granted {
                Value::Decimal(asked)
            } else {
                Value::Missing
            },
            Value::Text(if granted { "Accordée" } else { "Refusée" }.to_string()),
            Value::Text(format!(
                "Rappeler {} {} au {}",
                person.first_name, person.last_name, person.phone
            )),
        ]);
    }
    rows
}

/// A raw request sheet as file bytes.
pub fn write_raw_requests(rows: &[Vec<Value>], format: TableFormat) -> Result<Vec<u8>, WriteError> {
    let sheet = HeadedSheet {
        name: "Demandes".to_string(),
        headers: RAW_HEADERS
            .iter()
            .map(|header| (*header).to_string())
            .collect(),
        money_columns: Vec::new(),
        rows,
    };
    let style = TableStyle {
        format,
        sheet_name: String::new(),
        title: None,
        total_row: false,
        dates: DateStyle::Cells,
    };
    write_sheets(std::slice::from_ref(&sheet), &style)
}
