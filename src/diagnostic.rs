//! One model for every problem the tool finds in the users' files.
//!
//! A diagnostic says where (file, sheet, cell, header, schema field), what was seen,
//! what is wrong and what to do, in French. Renderers (terminal text, JSON) live in
//! [`crate::present`]; every diagnostic of every file is collected, never only the first.

use serde::Serialize;
use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row (or file) cannot be used.
    #[serde(rename = "erreur")]
    Error,
    /// Worth checking, but the row is kept.
    #[serde(rename = "avertissement")]
    Warning,
    /// Information: something was skipped on purpose.
    Note,
}

impl Severity {
    /// The French word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
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
    E001 => Error, "Fichier vide : il ne contient aucun octet.";
    E002 => Error, "Fichier tronqué ou abîmé : le classeur ne peut pas être ouvert.";
    E003 => Error, "Classeur protégé par un mot de passe.";
    E004 => Error, "Ce fichier n'est pas un tableur (ni xlsx, xlsm, xls, ods, ni csv).";
    E005 => Error, "L'extension du fichier ne correspond pas à son contenu.";
    E006 => Error, "Feuille trop grande : elle dépasse la limite de cellules documentée.";
    E007 => Error, "Fichier ou dossier introuvable ou illisible.";
    E008 => Error, "Fichier trop volumineux : il dépasse la taille maximale (256 Mo par défaut, --taille-max).";
    E010 => Error, "Colonne de données identifiantes (nom, adresse, date de naissance…) : ces données ne doivent pas quitter le CCAS.";
    E011 => Error, "Colonne obligatoire absente.";
    E012 => Error, "Deux colonnes correspondent au même champ.";
    E020 => Error, "Valeur obligatoire manquante.";
    E021 => Error, "Nombre attendu.";
    E022 => Error, "Date attendue.";
    E023 => Error, "Valeur hors de la liste autorisée.";
    E024 => Error, "Commune inconnue du réseau.";
    E025 => Error, "Valeur hors des limites autorisées.";
    E026 => Error, "Formule sans valeur calculée.";
    E027 => Error, "Cellule en erreur (#DIV/0!, #N/A…).";
    E030 => Error, "Date de décision antérieure à la date de la demande.";
    E031 => Error, "Montant accordé manquant alors que l'aide est accordée.";
    E032 => Error, "Montant accordé alors que la demande est refusée.";
    E033 => Error, "Numéro de demande en double pour la même commune et la même année.";
    E034 => Error, "Nombre d'enfants incompatible avec le nombre de personnes du foyer.";
    E035 => Error, "Indicateur inconnu du catalogue.";
    E036 => Error, "Modalité inconnue pour cet indicateur.";
    E037 => Error, "Même valeur saisie deux fois (commune, année, indicateur, modalité).";
    E040 => Error, "Fichier reseau.toml invalide.";
    E050 => Error, "Population manquante pour un membre dans le millésime qui sert de clé de répartition.";
    E051 => Error, "Dépense validée datée hors de toute adhésion : aucun membre ne peut la payer.";
    E052 => Error, "Aucun millésime de populations en vigueur à la date de l'appel.";
    E053 => Error, "Pas de reseau.toml : la répartition des coûts ne peut pas utiliser le réseau par défaut.";
    E054 => Error, "Montant impossible à répartir (clé nulle ou montant hors limites).";
    E055 => Error, "Fichier de populations de l'Insee inutilisable (colonne absente, membre manquant, valeur illisible).";
    E056 => Error, "Fichier du recensement de l'Insee inutilisable (autre millésime, colonne CODGEO ou variables absentes).";
    E057 => Error, "Valeur du recensement masquée (« s », cellule vide) ou illisible : elle n'est jamais lue comme 0.";
    E058 => Error, "Membre du réseau absent des fichiers du recensement de l'Insee.";
    E060 => Error, "Réunion ou action du réseau datée hors de l'année indiquée sur sa ligne.";
    E061 => Error, "Coordonnées personnelles (numéro de portable, courriel d'une personne nommée) : seuls les contacts professionnels de la structure sont acceptés.";
    W001 => Warning, "Colonne inconnue, ignorée.";
    W002 => Warning, "Montant accordé supérieur au montant demandé.";
    W003 => Warning, "La commune n'était pas membre du réseau à cette date.";
    W004 => Warning, "Montant arrondi au centime.";
    W005 => Warning, "Aucune donnée lue dans un fichier pourtant lisible.";
    W006 => Warning, "Dossier trop profond (plus de 16 niveaux de sous-dossiers) : ses fichiers ne sont pas lus.";
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
    #[serde(rename = "fichier")]
    pub file: String,
    /// The sheet's name (`None` for csv and toml files).
    #[serde(rename = "feuille", skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row number, as the spreadsheet shows it (or the line of a toml file).
    #[serde(rename = "ligne", skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The cell, e.g. `D12`.
    #[serde(rename = "cellule", skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The column's header as written in the file.
    #[serde(rename = "entete", skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The schema field the column was matched to.
    #[serde(rename = "champ", skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Location {
    /// A location that is a whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            ..Location::default()
        }
    }

    /// The same place, narrowed to a sheet.
    pub fn with_sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_string);
        self
    }

    /// `fichier › feuille › D12`, the way the terminal shows it.
    pub fn display_path(&self) -> String {
        let mut parts = vec![self.file.clone()];
        if let Some(sheet) = &self.sheet {
            parts.push(sheet.clone());
        }
        match (&self.cell, self.row) {
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
    #[serde(rename = "gravite")]
    pub severity: Severity,
    /// Where it is.
    #[serde(flatten)]
    pub location: Location,
    /// The value as seen in the file, when there is one.
    #[serde(rename = "valeur", skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What is wrong, in French.
    pub message: String,
    /// What to do about it, in French.
    #[serde(rename = "aide", skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic with the code's own severity.
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location,
            value: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds the value as seen.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether it makes the data unusable.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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
                Severity::Error => 'E',
                Severity::Warning => 'W',
                Severity::Note => 'N',
            };
            assert!(code.as_str().starts_with(prefix), "{code}");
        }
    }
}
