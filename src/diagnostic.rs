//! One model for every problem the tool finds in the users' files.
//!
//! A diagnostic says where (file, sheet, cell, header, schema field), what was seen,
//! what is wrong and what to do, in French. Renderers (terminal text, JSON) live in
//! [`crate::render`]; every diagnostic of every file is collected, never only the first.

use serde::Serialize;
use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row (or file) cannot be used.
    Erreur,
    /// Worth checking, but the row is kept.
    Avertissement,
    /// Information: something was skipped on purpose.
    Note,
}

impl Severity {
    /// The French word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Erreur => "erreur",
            Severity::Avertissement => "avertissement",
            Severity::Note => "note",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident => $severity:ident, $doc:literal; )*) => {
        /// Stable diagnostic codes. Their meaning never changes; new problems get new codes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $doc] $variant, )* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `E023`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => stringify!($variant), )* }
            }

            /// The severity attached to this code.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One French sentence saying what the code means (for the README and `--codes`).
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $doc, )* }
            }
        }
    };
}

codes! {
    E001 => Erreur, "Fichier vide : il ne contient aucun octet.";
    E002 => Erreur, "Fichier tronqué ou abîmé : le classeur ne peut pas être ouvert.";
    E003 => Erreur, "Classeur protégé par un mot de passe.";
    E004 => Erreur, "Ce fichier n'est pas un tableur (ni xlsx, xlsm, xls, ods, ni csv).";
    E005 => Erreur, "L'extension du fichier ne correspond pas à son contenu.";
    E006 => Erreur, "Feuille trop grande : elle dépasse la limite de cellules documentée.";
    E007 => Erreur, "Fichier ou dossier introuvable ou illisible.";
    E008 => Erreur, "Fichier trop volumineux : il dépasse la taille maximale (256 Mo par défaut, --taille-max).";
    E010 => Erreur, "Colonne de données identifiantes (nom, adresse, date de naissance…) : ces données ne doivent pas quitter le CCAS.";
    E011 => Erreur, "Colonne obligatoire absente.";
    E012 => Erreur, "Deux colonnes correspondent au même champ.";
    E020 => Erreur, "Valeur obligatoire manquante.";
    E021 => Erreur, "Nombre attendu.";
    E022 => Erreur, "Date attendue.";
    E023 => Erreur, "Valeur hors de la liste autorisée.";
    E024 => Erreur, "Commune inconnue du réseau.";
    E025 => Erreur, "Valeur hors des limites autorisées.";
    E026 => Erreur, "Formule sans valeur calculée.";
    E027 => Erreur, "Cellule en erreur (#DIV/0!, #N/A…).";
    E030 => Erreur, "Date de décision antérieure à la date de la demande.";
    E031 => Erreur, "Montant accordé manquant alors que l'aide est accordée.";
    E032 => Erreur, "Montant accordé alors que la demande est refusée.";
    E033 => Erreur, "Numéro de demande en double pour la même commune et la même année.";
    E034 => Erreur, "Nombre d'enfants incompatible avec le nombre de personnes du foyer.";
    E035 => Erreur, "Indicateur inconnu du catalogue.";
    E036 => Erreur, "Modalité inconnue pour cet indicateur.";
    E037 => Erreur, "Même valeur saisie deux fois (commune, année, indicateur, modalité).";
    E040 => Erreur, "Fichier reseau.toml invalide.";
    E050 => Erreur, "Population manquante pour un membre dans le millésime qui sert de clé de répartition.";
    E051 => Erreur, "Dépense validée datée hors de toute adhésion : aucun membre ne peut la payer.";
    E052 => Erreur, "Aucun millésime de populations en vigueur à la date de l'appel.";
    E053 => Erreur, "Pas de reseau.toml : la répartition des coûts ne peut pas utiliser le réseau par défaut.";
    E054 => Erreur, "Montant impossible à répartir (clé nulle ou montant hors limites).";
    E055 => Erreur, "Fichier de populations de l'Insee inutilisable (colonne absente, membre manquant, valeur illisible).";
    E056 => Erreur, "Fichier du recensement de l'Insee inutilisable (autre millésime, colonne CODGEO ou variables absentes).";
    E057 => Erreur, "Valeur du recensement masquée (« s », cellule vide) ou illisible : elle n'est jamais lue comme 0.";
    E058 => Erreur, "Membre du réseau absent des fichiers du recensement de l'Insee.";
    E060 => Erreur, "Réunion ou action du réseau datée hors de l'année indiquée sur sa ligne.";
    E061 => Erreur, "Coordonnées personnelles (numéro de portable, courriel d'une personne nommée) : seuls les contacts professionnels de la structure sont acceptés.";
    W001 => Avertissement, "Colonne inconnue, ignorée.";
    W002 => Avertissement, "Montant accordé supérieur au montant demandé.";
    W003 => Avertissement, "La commune n'était pas membre du réseau à cette date.";
    W004 => Avertissement, "Montant arrondi au centime.";
    W005 => Avertissement, "Aucune donnée lue dans un fichier pourtant lisible.";
    W006 => Avertissement, "Dossier trop profond (plus de 16 niveaux de sous-dossiers) : ses fichiers ne sont pas lus.";
    N001 => Note, "Feuille ignorée : ses en-têtes ne correspondent à aucun modèle.";
    N002 => Note, "Ligne de total ou note sous le tableau exclue : ce n'est pas une donnée.";
    N003 => Note, "Réseau par défaut (six communes) utilisé : pas de reseau.toml, ou reseau.toml invalide.";
    N004 => Note, "Fichier ou dossier ignoré (extension non prise en charge, fichier de verrouillage, dossier brut non anonymisé, tube nommé, prise ou périphérique).";
    N005 => Note, "Lignes d'un modèle laissées vides (seules les cellules pré-remplies) : ignorées.";
    N006 => Note, "Fichier ou dossier déjà lu par un autre chemin (lien symbolique, boucle) : ignoré.";
}

impl fmt::Display for Code {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Where a problem is, in the words of a spreadsheet user.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file as the user named it (path relative to what they passed).
    pub fichier: String,
    /// The sheet's name (`None` for csv and toml files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feuille: Option<String>,
    /// 1-based row number, as the spreadsheet shows it (or the line of a toml file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ligne: Option<u32>,
    /// The cell, e.g. `D12`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cellule: Option<String>,
    /// The column's header as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entete: Option<String>,
    /// The schema field the column was matched to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub champ: Option<String>,
}

impl Location {
    /// A location that is a whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            fichier: file.into(),
            ..Location::default()
        }
    }

    /// The same place, narrowed to a sheet.
    pub fn with_sheet(mut self, sheet: Option<&str>) -> Self {
        self.feuille = sheet.map(str::to_string);
        self
    }

    /// `fichier › feuille › D12`, the way the terminal shows it.
    pub fn display_path(&self) -> String {
        let mut parts = vec![self.fichier.clone()];
        if let Some(sheet) = &self.feuille {
            parts.push(sheet.clone());
        }
        match (&self.cellule, self.ligne) {
            (Some(cell), _) => parts.push(cell.clone()),
            (None, Some(line)) => parts.push(format!("ligne {line}")),
            (None, None) => {}
        }
        parts.join(" › ")
    }
}

/// One problem found in the users' data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code (`E023`).
    pub code: Code,
    /// Derived from the code.
    pub gravite: Severity,
    /// Where it is.
    #[serde(flatten)]
    pub lieu: Location,
    /// The value as seen in the file, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valeur: Option<String>,
    /// What is wrong, in French.
    pub message: String,
    /// What to do about it, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aide: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic with the code's own severity.
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            gravite: code.severity(),
            lieu: location,
            valeur: None,
            message: message.into(),
            aide: None,
        }
    }

    /// Adds the value as seen.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.valeur = Some(value.into());
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.aide = Some(hint.into());
        self
    }

    /// Whether it makes the data unusable.
    pub fn is_error(&self) -> bool {
        self.gravite == Severity::Erreur
    }
}

/// Converts a 0-based column index into its letters (`0` → `A`, `27` → `AB`).
pub fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut remaining = u64::from(column) + 1;
    while remaining > 0 {
        let digit = ((remaining - 1) % 26) as u8;
        letters.push(char::from(b'A' + digit));
        remaining = (remaining - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The A1 name of a 0-based (row, column) position.
pub fn cell_name(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_follow_spreadsheet_letters() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 3), "D12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let prefix = match code.severity() {
                Severity::Erreur => 'E',
                Severity::Avertissement => 'W',
                Severity::Note => 'N',
            };
            assert!(code.as_str().starts_with(prefix), "{code}");
        }
    }
}
