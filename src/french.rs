//! French for people: numbers, money and dates as they are written in French, and the
//! rounding of money to the cent. A base module: it imports nothing else from the crate,
//! so every stage of the pipeline may use it.

use rust_decimal::Decimal;

/// A number as a French user would read it (`1234,5`, `12`), for messages and text fields.
pub fn number_as_text(number: f64) -> String {
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}").replace('.', ",")
    }
}

/// Euros with exactly two decimals, so that equal amounts print the same.
pub fn money(amount: Decimal) -> Decimal {
    let mut cents =
        amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    cents.rescale(2);
    cents
}

/// The thousands separator of French typography (a non-breaking space).
pub const THOUSANDS_SEPARATOR: char = '\u{a0}';

fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, character) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position) % 3 == 0 {
            grouped.push(THOUSANDS_SEPARATOR);
        }
        grouped.push(character);
    }
    grouped
}

/// The months, as written in French dates.
pub const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `2024-01-01` → `1er janvier 2024`.
pub fn french_long_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let day = if date.day() == 1 {
        "1er".to_string()
    } else {
        date.day().to_string()
    };
    let month = FRENCH_MONTHS
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{day} {month} {}", date.year())
}

/// `1234567` → `1 234 567`.
pub fn french_integer(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(&digits))
}

/// A count and its noun, in the singular for 0 and 1 as French has it: « 1 structure »,
/// « 25 structures », with French digit groups.
pub fn french_count(count: usize, singular: &str, plural: &str) -> String {
    let number = french_integer(i64::try_from(count).unwrap_or(i64::MAX));
    format!("{number} {}", if count > 1 { plural } else { singular })
}

/// `1234.5` → `1 234,5` (as many decimals as the value has).
pub fn french_decimal(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    match unsigned.split_once('.') {
        Some((whole, fraction)) => format!("{sign}{},{fraction}", group_thousands(whole)),
        None => format!("{sign}{}", group_thousands(unsigned)),
    }
}

/// `1234.56` with `places = 1` → `1 234,6` (always that many decimals, half away from zero).
pub fn french_fixed(value: Decimal, places: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    let text = rounded.to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|digit| digit != '0' && digit != '.') => ("-", rest),
        Some(rest) => ("", rest),
        None => ("", text.as_str()),
    };
    match unsigned.split_once('.') {
        Some((whole, fraction)) => format!("{sign}{},{fraction}", group_thousands(whole)),
        None => format!("{sign}{}", group_thousands(unsigned)),
    }
}

/// `1234.5` → `1 234,50 €`.
pub fn french_money(value: Decimal) -> String {
    let cents = money(value);
    let text = cents.to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "00"));
    format!(
        "{sign}{},{fraction}{THOUSANDS_SEPARATOR}€",
        group_thousands(whole)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn french_number_formatting() {
        assert_eq!(french_integer(1234), "1\u{a0}234");
        assert_eq!(french_integer(-1_234_567), "-1\u{a0}234\u{a0}567");
        assert_eq!(french_integer(12), "12");
        assert_eq!(
            french_decimal(Decimal::from_str("1234.50").unwrap()),
            "1\u{a0}234,5"
        );
        assert_eq!(
            french_money(Decimal::from_str("1234.5").unwrap()),
            "1\u{a0}234,50\u{a0}€"
        );
        assert_eq!(
            french_fixed(Decimal::from_str("1234.56").unwrap(), 1),
            "1\u{a0}234,6"
        );
        assert_eq!(french_fixed(Decimal::from_str("12").unwrap(), 1), "12,0");
        assert_eq!(french_fixed(Decimal::from_str("-0.04").unwrap(), 1), "0,0");
        assert_eq!(
            french_money(Decimal::from_str("-0.5").unwrap()),
            "-0,50\u{a0}€"
        );
    }
}
