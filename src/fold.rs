//! Folding of labels as people type them, so that `Numéro demande`, `N° de demande`
//! and `NUMERO_DEMANDE` are recognised as the same header, and `famille monoparentale`
//! as the category `Famille monoparentale`.

use unicode_normalization::UnicodeNormalization;

/// Small French words that carry no meaning in a column header.
const HEADER_STOP_WORDS: &[&str] = &[
    "de", "du", "des", "d", "la", "le", "les", "l", "a", "au", "aux", "en", "eur", "euro", "euros",
];

/// Lower-cases, removes accents and turns every run of other characters (spaces,
/// underscores, hyphens, apostrophes, punctuation) into one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for character in text.nfd() {
        if unicode_normalization::char::is_combining_mark(character) {
            continue;
        }
        let replacement: &str = match character {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            _ => "",
        };
        if !replacement.is_empty() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            folded.push_str(replacement);
            continue;
        }
        if character.is_alphanumeric() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            folded.extend(character.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    folded
}

/// Folds a column header: as [`fold`], plus `n°`/`no`/`num` read as `numero`, and
/// small words (`de`, `la`, `€`…) dropped.
pub fn fold_header(text: &str) -> String {
    // `N°` and `Nº` lose their degree sign in `fold`, so mark them first.
    let marked = text
        .replace("n°", " numero ")
        .replace("N°", " numero ")
        .replace("nº", " numero ")
        .replace("Nº", " numero ");
    let folded = fold(&marked);
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|word| !word.is_empty() && !HEADER_STOP_WORDS.contains(word))
        .map(|word| match word {
            "num" | "no" | "n" => "numero",
            other => other,
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_to_the_same_key() {
        let expected = "numero demande";
        for header in [
            "Numéro demande",
            "N° de demande",
            "NUMERO_DEMANDE",
            "numero-demande",
            "Nº demande",
        ] {
            assert_eq!(fold_header(header), expected, "{header}");
        }
        assert_eq!(fold_header("Montant accordé (€)"), "montant accorde");
        assert_eq!(fold_header("DATE_DEMANDE"), "date demande");
        assert_eq!(fold_header("Nom d'usage"), "nom usage");
    }

    #[test]
    fn categories_fold_case_and_accents() {
        assert_eq!(fold("FAMILLE MONOPARENTALE"), fold("Famille monoparentale"));
        assert_eq!(fold("Energie et fluides"), fold("Énergie et fluides"));
        assert_eq!(
            fold("  Hébergé(e) chez un tiers "),
            "heberge e chez un tiers"
        );
        assert_eq!(fold("Cœur"), "coeur");
        assert_ne!(fold("Nombre"), fold("Nom"));
    }
}
