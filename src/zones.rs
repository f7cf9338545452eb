//! Reference zones: the territories a commune is compared with in the census context
//! (its département and France), as INSEE's territorial profiles do.
//!
//! A zone has a code that can never be a commune's: `D` and the département number
//! (`D44`, `D2A`, `D974`), or `FRANCE`. The `contexte` schema accepts these codes (and only
//! it: a zone is never a member of the network).

/// The code of France as a reference zone.
pub const FRANCE: &str = "FRANCE";

/// The départements of France (COG), number and name, in INSEE's order.
const DEPARTMENTS: &[(&str, &str)] = &[
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

/// How many départements metropolitan France has (the 96 of `01`–`95`, Corsica in two).
pub const METROPOLITAN_DEPARTMENTS: usize = 96;

/// Whether `code` has the shape of an INSEE commune code: five digits, or 2A/2B and three
/// digits for Corsica.
pub fn is_insee_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(&bytes[..2], b"2A" | b"2B"))
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

/// The département number of a commune's INSEE code: three digits overseas (`974`), two
/// elsewhere (`44`, `2A`).
pub fn department_of(commune: &str) -> Option<&str> {
    let width = if commune.starts_with("97") { 3 } else { 2 };
    let department = commune.get(..width)?;
    DEPARTMENTS
        .iter()
        .any(|(number, _)| *number == department)
        .then_some(department)
}

/// Whether a département number is metropolitan (not `971`–`976`).
pub fn is_metropolitan(department: &str) -> bool {
    department.len() == 2
}

/// The zone code of a département: `D44`.
pub fn department_zone(department: &str) -> String {
    format!("D{department}")
}

/// The name of a département (`Loire-Atlantique`).
pub fn department_name(department: &str) -> Option<&'static str> {
    DEPARTMENTS
        .iter()
        .find(|(number, _)| *number == department)
        .map(|(_, name)| *name)
}

/// Whether a code is a reference zone (`D44`, `FRANCE`) rather than a commune.
pub fn is_zone(code: &str) -> bool {
    code == FRANCE
        || code
            .strip_prefix('D')
            .is_some_and(|department| department_name(department).is_some())
}

/// The name shown for a zone: « Loire-Atlantique (44) », « France ».
pub fn zone_label(code: &str) -> Option<String> {
    if code == FRANCE {
        return Some("France".to_string());
    }
    let department = code.strip_prefix('D')?;
    department_name(department).map(|name| format!("{name} ({department})"))
}

/// The zone code read from what a user typed: `d44`, `D 44`, `France`.
pub fn zone_code(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|character| !character.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    is_zone(&compact).then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_of_communes() {
        assert_eq!(department_of("44015"), Some("44"));
        assert_eq!(department_of("2A004"), Some("2A"));
        assert_eq!(department_of("97411"), Some("974"));
        assert_eq!(department_of("20004"), None);
        assert_eq!(department_of("4"), None);
        assert_eq!(
            DEPARTMENTS
                .iter()
                .filter(|(number, _)| is_metropolitan(number))
                .count(),
            METROPOLITAN_DEPARTMENTS
        );
    }

    #[test]
    fn zone_codes_are_never_commune_codes() {
        assert!(is_zone("D44"));
        assert!(is_zone("FRANCE"));
        assert!(!is_zone("44015"));
        assert!(!is_zone("D20"));
        assert_eq!(zone_code(" d 44 ").as_deref(), Some("D44"));
        assert_eq!(zone_code("France").as_deref(), Some("FRANCE"));
        assert_eq!(zone_label("D44").as_deref(), Some("Loire-Atlantique (44)"));
    }
}
