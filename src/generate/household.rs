//! The generated households: who asks, drawn once and kept from one request to the next.
//!
//! The draws follow one fixed order (composition, size, age, situation, resource, income,
//! charges, pseudonym, sex, housing): the same seed gives the same households.

use super::{euros, pick, pseudonym};
use crate::french::money;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// A household: what stays the same from one request to the next.
#[derive(Debug, Clone)]
pub(super) struct Household {
    pub(super) pseudonym: String,
    pub(super) sex: &'static str,
    pub(super) age_band: &'static str,
    pub(super) composition: &'static str,
    pub(super) persons: i64,
    pub(super) children: i64,
    pub(super) housing: &'static str,
    pub(super) situation: &'static str,
    pub(super) resource: &'static str,
    pub(super) income: Decimal,
    pub(super) charges: Decimal,
}

/// Draws a new household.
pub(super) fn household(rng: &mut ChaCha8Rng) -> Household {
    let composition = composition(rng);
    let (persons, children) = persons_and_children(rng, composition);
    let age_band = pick(
        rng,
        &[
            ("Moins de 30 ans", 24),
            ("30-44 ans", 31),
            ("45-59 ans", 26),
            ("60-74 ans", 13),
            ("75 ans et plus", 6),
        ],
    );
    let situation = situation(rng, age_band);
    let resource = resource(rng, situation);
    let income = income(rng, resource);
    let charges = money(income * Decimal::new(rng.random_range(35..95), 2));
    Household {
        pseudonym: pseudonym(rng),
        sex: pick(rng, &[("Femme", 62), ("Homme", 36), ("Non renseigné", 2)]),
        age_band,
        composition,
        persons,
        children,
        housing: pick(
            rng,
            &[
                ("Locataire parc social", 41),
                ("Locataire parc privé", 30),
                ("Propriétaire", 11),
                ("Hébergé(e) chez un tiers", 10),
                ("Sans logement ou hébergement d'urgence", 4),
                ("Autre", 4),
            ],
        ),
        situation,
        resource,
        income: money(income),
        charges,
    }
}

/// The household's composition, by weight.
fn composition(rng: &mut ChaCha8Rng) -> &'static str {
    pick(
        rng,
        &[
            ("Personne seule", 42),
            ("Famille monoparentale", 28),
            ("Couple avec enfant(s)", 15),
            ("Couple sans enfant", 9),
            ("Autre ménage", 6),
        ],
    )
}

/// The number of persons and of children, consistent with the composition.
fn persons_and_children(rng: &mut ChaCha8Rng, composition: &str) -> (i64, i64) {
    match composition {
        "Personne seule" => (1, 0),
        "Famille monoparentale" => {
            let children = rng.random_range(1..=4);
            (children + 1, children)
        }
        "Couple avec enfant(s)" => {
            let children = rng.random_range(1..=4);
            (children + 2, children)
        }
        "Couple sans enfant" => (2, 0),
        _ => (rng.random_range(2..=4), 0),
    }
}

/// The professional situation: mostly retired from 60 on.
fn situation(rng: &mut ChaCha8Rng, age_band: &str) -> &'static str {
    if matches!(age_band, "60-74 ans" | "75 ans et plus") && rng.random_bool(0.7) {
        "Retraité(e)"
    } else {
        pick(
            rng,
            &[
                ("En emploi", 27),
                ("Demandeur d'emploi", 33),
                ("Invalidité ou inaptitude", 12),
                ("Sans activité", 20),
                ("Étudiant(e) ou formation", 8),
            ],
        )
    }
}

/// The main resource, likely for the situation.
fn resource(rng: &mut ChaCha8Rng, situation: &str) -> &'static str {
    match situation {
        "Retraité(e)" => pick(rng, &[("Retraite", 80), ("Minimum vieillesse (ASPA)", 20)]),
        "En emploi" => pick(rng, &[("Salaire", 85), ("Indemnités journalières", 15)]),
        "Demandeur d'emploi" => pick(
            rng,
            &[
                ("Allocation chômage", 55),
                ("RSA", 40),
                ("Sans ressources", 5),
            ],
        ),
        "Invalidité ou inaptitude" => pick(rng, &[("AAH", 85), ("Indemnités journalières", 15)]),
        "Étudiant(e) ou formation" => pick(
            rng,
            &[
                ("Autre", 50),
                ("Sans ressources", 20),
                ("Prestations familiales", 30),
            ],
        ),
        _ => pick(
            rng,
            &[
                ("RSA", 60),
                ("Prestations familiales", 25),
                ("Sans ressources", 15),
            ],
        ),
    }
}

/// The monthly income in euros and cents, in the range of the resource (0 without one).
fn income(rng: &mut ChaCha8Rng, resource: &str) -> Decimal {
    let income = match resource {
        "Sans ressources" => Decimal::ZERO,
        "RSA" => euros(rng, 560, 1_100, 1),
        "AAH" => euros(rng, 900, 1_100, 1),
        "Minimum vieillesse (ASPA)" => euros(rng, 950, 1_050, 1),
        "Salaire" => euros(rng, 700, 1_900, 1),
        _ => euros(rng, 600, 1_500, 1),
    };
    if income.is_zero() {
        income
    } else {
        income + Decimal::new(rng.random_range(0..100), 2)
    }
}
