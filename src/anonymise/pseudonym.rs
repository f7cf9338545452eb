//! Household pseudonyms: HMAC-SHA-256 under the network's key of a normalised identity,
//! shortened to 12 base32 characters (60 bits: no collision to fear among a few thousand
//! households, short enough to read aloud).
//!
//! The same person gets the same pseudonym in every commune's file as long as the same
//! key is used; without the key, a pseudonym cannot be traced back nor guessed.

use super::key::SecretKey;
use crate::fold::fold;
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Length of a pseudonym, in base32 characters.
pub const PSEUDONYM_LENGTH: usize = 12;

/// Folds a name for comparison: case, accents, spaces, hyphens and apostrophes do not
/// count (`Le Gall-Hénaff` = `LEGALL HENAFF`).
pub fn compact_name(text: &str) -> String {
    fold(text).replace(' ', "")
}

/// The identity of a person: last name and first name (in that order, so that a single
/// « Nom et prénom » column gives the same identity), then the birth date.
pub fn person_identity(last_name: &str, first_name: &str, birth: Option<NaiveDate>) -> String {
    format!(
        "personne\u{1f}{}{}\u{1f}{}",
        compact_name(last_name),
        compact_name(first_name),
        birth
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    )
}

/// The identity of a household from the CCAS's own file number: numbers are only unique
/// within a commune, so the commune is part of it.
pub fn file_identity(commune: &str, file_number: &str) -> String {
    format!(
        "dossier\u{1f}{}\u{1f}{}",
        compact_name(commune),
        compact_name(file_number)
    )
}

/// The pseudonym of an identity under a key.
pub fn household_pseudonym(key: &SecretKey, identity: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail with our 32 bytes.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key.bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(identity.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut encoded = data_encoding::BASE32_NOPAD.encode(&digest[..8]);
    encoded.truncate(PSEUDONYM_LENGTH);
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_for_case_accents_and_spaces() {
        let birth = NaiveDate::from_ymd_opt(1980, 5, 17);
        assert_eq!(
            person_identity("Le Gall-Hénaff", "Zoé", birth),
            person_identity("LEGALL HENAFF", " zoe ", birth)
        );
        assert_eq!(
            person_identity("Le Gall Zoé", "", birth),
            person_identity("Le Gall", "Zoé", birth)
        );
        assert_ne!(
            person_identity("Le Gall", "Zoé", birth),
            person_identity("Le Gall", "Zoé", NaiveDate::from_ymd_opt(1980, 5, 18))
        );
    }

    #[test]
    fn pseudonyms_depend_on_the_key() {
        let one = SecretKey::from_bytes([7; 32]);
        let other = SecretKey::from_bytes([8; 32]);
        let identity = person_identity("Martin", "Léa", NaiveDate::from_ymd_opt(1990, 1, 2));
        let pseudonym = household_pseudonym(&one, &identity);
        assert_eq!(pseudonym.len(), PSEUDONYM_LENGTH);
        assert!(pseudonym
            .chars()
            .all(|character| character.is_ascii_uppercase() || ('2'..='7').contains(&character)));
        assert_eq!(pseudonym, household_pseudonym(&one, &identity));
        assert_ne!(pseudonym, household_pseudonym(&other, &identity));
    }
}
