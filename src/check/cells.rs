//! Parsers for cells as people type them: `1 234,50 €`, `3 février 2024`, Excel serial
//! dates of both epochs. They never panic, whatever the input (a property test says so).

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use std::str::FromStr;

/// An exact decimal from a spreadsheet number: the shortest text that reads back as the
/// same float, so `0.1` is `0.1` and not `0.1000000000000000055…`.
pub fn decimal_from_f64(number: f64) -> Option<Decimal> {
    if !number.is_finite() {
        return None;
    }
    // Fast path for what spreadsheets mostly hold: amounts with at most two decimals.
    // `cents / 100` reading back as the very same float means that decimal is the one typed.
    let cents = (number * 100.0).round();
    if cents.abs() < 1e15 && cents / 100.0 == number {
        return Some(Decimal::new(cents as i64, 2).normalize());
    }
    Decimal::from_str(&format!("{number}")).ok()
}

fn is_space(character: char) -> bool {
    character.is_whitespace()
        || matches!(character, '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}')
}

/// Parses a number typed as text: `1 234,50 €`, `1234.50`, `1.234,5`, `-12`, `12 %` is refused.
pub fn parse_decimal_text(text: &str) -> Option<Decimal> {
    let mut cleaned: String = text
        .chars()
        .filter(|character| !is_space(*character))
        .collect();
    for suffix in ["€", "EUR", "eur", "euros", "Euros", "EUROS"] {
        if let Some(stripped) = cleaned.strip_suffix(suffix) {
            cleaned = stripped.to_string();
            break;
        }
    }
    if let Some(stripped) = cleaned.strip_prefix('€') {
        cleaned = stripped.to_string();
    }
    let cleaned = cleaned.replace('\u{2212}', "-");
    if cleaned.is_empty() || cleaned.len() > 40 {
        return None;
    }
    let (sign, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    if digits.is_empty()
        || !digits.chars().all(|character| {
            character.is_ascii_digit() || character == ',' || character == '.' || character == '\''
        })
    {
        return None;
    }
    let digits = digits.replace('\'', "");
    let last_comma = digits.rfind(',');
    let last_dot = digits.rfind('.');
    let normalised = match (last_comma, last_dot) {
        (Some(comma), Some(dot)) => {
            // The last separator is the decimal one; the other groups thousands.
            let (decimal_separator, group_separator) =
                if comma > dot { (',', '.') } else { ('.', ',') };
            let without_groups = digits.replace(group_separator, "");
            if without_groups.matches(decimal_separator).count() > 1 {
                return None;
            }
            without_groups.replace(decimal_separator, ".")
        }
        (Some(_), None) => {
            if digits.matches(',').count() > 1 {
                return None;
            }
            digits.replace(',', ".")
        }
        (None, Some(_)) => {
            let dots = digits.matches('.').count();
            if dots > 1 {
                // 1.234.567: dots group thousands.
                if digits.split('.').skip(1).all(|group| group.len() == 3) {
                    digits.replace('.', "")
                } else {
                    return None;
                }
            } else {
                digits
            }
        }
        (None, None) => digits,
    };
    if normalised.starts_with('.') || normalised.ends_with('.') {
        return None;
    }
    Decimal::from_str(&format!("{sign}{normalised}")).ok()
}

/// The date of an Excel serial number, in the 1900 or the 1904 system.
pub fn date_from_serial(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    if is_1904 {
        return NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_signed(Duration::days(days));
    }
    // Excel counts a 29 February 1900 that never existed.
    match days {
        60 => None,
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_signed(Duration::days(days)),
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(days)),
    }
}

const MONTHS: &[(&str, u32)] = &[
    ("janvier", 1),
    ("janv", 1),
    ("jan", 1),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("mars", 3),
    ("mar", 3),
    ("avril", 4),
    ("avr", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("aout", 8),
    ("septembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("octobre", 10),
    ("oct", 10),
    ("novembre", 11),
    ("nov", 11),
    ("decembre", 12),
    ("dec", 12),
];

fn full_year(year: i32, digits: usize) -> i32 {
    if digits <= 2 {
        if year < 70 {
            2000 + year
        } else {
            1900 + year
        }
    } else {
        year
    }
}

/// Parses a date typed as text: `03/02/2024`, `3/2/24`, `2024-02-03`, `03.02.2024`,
/// `3 février 2024`, `1er févr. 2024` (day first, as in France).
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 60 {
        return None;
    }
    // Drop a time part: `2024-02-03T00:00:00`, `03/02/2024 00:00`.
    let date_part = trimmed.split(['T', ' ']).next().unwrap_or(trimmed);
    let numeric: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    if numeric.len() == 3
        && numeric.iter().all(|part| {
            !part.is_empty()
                && part.len() <= 4
                && part.chars().all(|character| character.is_ascii_digit())
        })
    {
        let numbers: Vec<i32> = numeric
            .iter()
            .filter_map(|part| part.parse().ok())
            .collect();
        if numbers.len() == 3 {
            let (year, month, day) = if numeric[0].len() == 4 {
                (numbers[0], numbers[1], numbers[2])
            } else if numeric[2].len() == 4 || numeric[2].len() <= 2 {
                (
                    full_year(numbers[2], numeric[2].len()),
                    numbers[1],
                    numbers[0],
                )
            } else {
                return None;
            };
            let month = u32::try_from(month).ok()?;
            let day = u32::try_from(day).ok()?;
            return NaiveDate::from_ymd_opt(year, month, day);
        }
    }
    // `3 février 2024`
    let folded = crate::fold::fold(trimmed);
    let words: Vec<&str> = folded.split(' ').filter(|word| !word.is_empty()).collect();
    let words: Vec<&str> = match words.first() {
        Some(first)
            if [
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ]
            .contains(first) =>
        {
            words[1..].to_vec()
        }
        _ => words,
    };
    if words.len() == 3 {
        let day_text = words[0].strip_suffix("er").unwrap_or(words[0]);
        let day: u32 = day_text.parse().ok()?;
        let month = MONTHS
            .iter()
            .find(|(name, _)| *name == words[1])
            .map(|(_, month)| *month)?;
        let year: i32 = words[2].parse().ok()?;
        if words[2].len() != 4 && words[2].len() != 2 {
            return None;
        }
        return NaiveDate::from_ymd_opt(full_year(year, words[2].len()), month, day);
    }
    None
}

/// Whether a date is plausible for the network's records (not a typo like 1924 or 2204).
pub fn is_plausible_date(date: NaiveDate) -> bool {
    (2000..=2100).contains(&date.year())
}

/// The INSEE age band of an age in years (the bands of `tranche_age`).
pub fn age_band(age: i64) -> Option<&'static str> {
    match age {
        0..=29 => Some("Moins de 30 ans"),
        30..=44 => Some("30-44 ans"),
        45..=59 => Some("45-59 ans"),
        60..=74 => Some("60-74 ans"),
        75..=120 => Some("75 ans et plus"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn numbers_as_people_type_them() {
        for (typed, expected) in [
            ("1 234,50 €", "1234.50"),
            ("1\u{202f}234,50\u{a0}€", "1234.50"),
            ("1234.50", "1234.50"),
            ("1 234", "1234"),
            ("1.234,5", "1234.5"),
            ("1,234.5", "1234.5"),
            ("1.234.567", "1234567"),
            ("-12", "-12"),
            ("12 EUR", "12"),
            ("0,5", "0.5"),
        ] {
            assert_eq!(
                parse_decimal_text(typed),
                Some(decimal(expected)),
                "{typed}"
            );
        }
        for refused in [
            "", "abc", "12 %", "1,2,3", "1.2.3", ",5", "5,", "€", "--1", "1e5",
        ] {
            assert_eq!(parse_decimal_text(refused), None, "{refused}");
        }
    }

    #[test]
    fn floats_become_the_decimals_people_typed() {
        assert_eq!(decimal_from_f64(0.1), Some(decimal("0.1")));
        assert_eq!(decimal_from_f64(1234.5), Some(decimal("1234.5")));
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(crate::french::number_as_text(44015.0), "44015");
        assert_eq!(crate::french::number_as_text(12.5), "12,5");
    }

    #[test]
    fn dates_as_people_type_them() {
        let expected = NaiveDate::from_ymd_opt(2024, 2, 3);
        for typed in [
            "03/02/2024",
            "3/2/24",
            "2024-02-03",
            "03.02.2024",
            "3 février 2024",
            "3 FEVRIER 2024",
            "3 févr. 2024",
            "03/02/2024 00:00",
            "2024-02-03T00:00:00",
            "samedi 3 février 2024",
        ] {
            assert_eq!(parse_date_text(typed), expected, "{typed}");
        }
        assert_eq!(
            parse_date_text("1er mars 2024"),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        for refused in [
            "31/02/2024",
            "2024",
            "hier",
            "13/13/2024",
            "3 brumaire 2024",
        ] {
            assert_eq!(parse_date_text(refused), None, "{refused}");
        }
    }

    #[test]
    fn excel_serials_in_both_systems() {
        assert_eq!(
            date_from_serial(45325.0, false),
            NaiveDate::from_ymd_opt(2024, 2, 3)
        );
        assert_eq!(
            date_from_serial(45325.0 - 1462.0, true),
            NaiveDate::from_ymd_opt(2024, 2, 3)
        );
        assert_eq!(
            date_from_serial(1.0, false),
            NaiveDate::from_ymd_opt(1900, 1, 1)
        );
        assert_eq!(
            date_from_serial(61.0, false),
            NaiveDate::from_ymd_opt(1900, 3, 1)
        );
        assert_eq!(date_from_serial(60.0, false), None);
        assert_eq!(date_from_serial(-3.0, false), None);
    }

    #[test]
    fn ages_fall_in_insee_bands() {
        assert_eq!(age_band(29), Some("Moins de 30 ans"));
        assert_eq!(age_band(30), Some("30-44 ans"));
        assert_eq!(age_band(75), Some("75 ans et plus"));
        assert_eq!(age_band(-1), None);
    }
}
