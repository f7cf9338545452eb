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
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
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

const UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];
const TENS: [&str; 7] = [
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "soixante",
    "quatre-vingt",
];

/// 0 to 99 in words (traditional spelling: « vingt et un », « soixante et onze »,
/// « quatre-vingt-onze », and « quatre-vingts » unless `mille` follows).
fn below_hundred(number: u64, before_mille: bool) -> String {
    match number {
        0..=16 => UNITS[number as usize].to_string(),
        17..=19 => format!("dix-{}", UNITS[(number - 10) as usize]),
        _ => {
            let tens = number / 10;
            // 70-79 and 90-99 count on from sixty and eighty.
            let (stem, rest) = match tens {
                7 => (TENS[4], number - 60),
                9 => (TENS[6], number - 80),
                _ => (TENS[(tens - 2) as usize], number % 10),
            };
            match (rest, tens) {
                (0, 8) if !before_mille => "quatre-vingts".to_string(),
                (0, _) => stem.to_string(),
                (1, 2..=7) => format!("{stem} et un"),
                (11, 7) => format!("{stem} et onze"),
                _ => format!("{stem}-{}", below_hundred(rest, false)),
            }
        }
    }
}

/// 0 to 999 in words; `last` when nothing follows (« deux cents » but « deux cent mille »).
fn below_thousand(number: u64, last: bool) -> String {
    let hundreds = number / 100;
    let rest = number % 100;
    let head = match hundreds {
        0 => String::new(),
        1 => "cent".to_string(),
        _ if rest == 0 && last => format!("{} cents", UNITS[hundreds as usize]),
        _ => format!("{} cent", UNITS[hundreds as usize]),
    };
    match (head.is_empty(), rest) {
        (true, _) => below_hundred(rest, !last),
        (false, 0) => head,
        (false, _) => format!("{head} {}", below_hundred(rest, !last)),
    }
}

/// A whole number in words: `1 234` → « mille deux cent trente-quatre ».
pub fn integer_in_words(number: u64) -> String {
    if number == 0 {
        return UNITS[0].to_string();
    }
    let scales = [
        (1_000_000_000_000, "billion", "billions"),
        (1_000_000_000, "milliard", "milliards"),
        (1_000_000, "million", "millions"),
    ];
    let mut words = Vec::new();
    let mut rest = number;
    for (scale, singular, plural) in scales {
        let count = rest / scale;
        rest %= scale;
        if count > 0 {
            let noun = if count > 1 { plural } else { singular };
            words.push(format!("{} {noun}", integer_in_words(count)));
        }
    }
    let thousands = rest / 1000;
    rest %= 1000;
    match thousands {
        0 => {}
        1 => words.push("mille".to_string()),
        _ => words.push(format!("{} mille", below_thousand(thousands, false))),
    }
    if rest > 0 {
        words.push(below_thousand(rest, true));
    }
    words.join(" ")
}

/// A euro amount in words, for a call letter: `1234.5` → « mille deux cent trente-quatre
/// euros et cinquante centimes ». The amount is rounded to the cent first.
pub fn euros_in_words(amount: Decimal) -> String {
    let cents_total = (money(amount.abs()) * Decimal::ONE_HUNDRED)
        .trunc()
        .to_string()
        .parse::<u64>()
        .unwrap_or(0);
    let euros = cents_total / 100;
    let cents = cents_total % 100;
    let sign = if amount.is_sign_negative() && cents_total > 0 {
        "moins "
    } else {
        ""
    };
    // « un million d'euros », « deux millions d'euros », but « mille euros ».
    let euros_words = integer_in_words(euros);
    let unit = match euros {
        0 | 1 => " euro",
        _ if euros_words.ends_with("illion")
            || euros_words.ends_with("illions")
            || euros_words.ends_with("illiard")
            || euros_words.ends_with("illiards") =>
        {
            " d'euros"
        }
        _ => " euros",
    };
    let euros_part = format!("{sign}{euros_words}{unit}");
    match cents {
        0 => euros_part,
        1 => format!("{euros_part} et un centime"),
        _ => format!("{euros_part} et {} centimes", below_hundred(cents, false)),
    }
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
    #[test]
    fn whole_numbers_in_words_follow_the_traditional_spelling() {
        for (number, words) in [
            (0, "zéro"),
            (1, "un"),
            (16, "seize"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
            (100, "cent"),
            (101, "cent un"),
            (200, "deux cents"),
            (280, "deux cent quatre-vingts"),
            (1000, "mille"),
            (1001, "mille un"),
            (2000, "deux mille"),
            (200_000, "deux cent mille"),
            (80_000, "quatre-vingt mille"),
            (80_000_000, "quatre-vingts millions"),
            (280_000, "deux cent quatre-vingt mille"),
            (1_234, "mille deux cent trente-quatre"),
            (1_000_000, "un million"),
            (2_500_300, "deux millions cinq cent mille trois cents"),
        ] {
            assert_eq!(integer_in_words(number), words, "{number}");
        }
    }

    #[test]
    fn euro_amounts_in_words() {
        let amount = |text: &str| text.parse::<Decimal>().expect("decimal");
        assert_eq!(euros_in_words(amount("1")), "un euro");
        assert_eq!(euros_in_words(amount("0.01")), "zéro euro et un centime");
        assert_eq!(
            euros_in_words(amount("1234.5")),
            "mille deux cent trente-quatre euros et cinquante centimes"
        );
        assert_eq!(euros_in_words(amount("2000000")), "deux millions d'euros");
        assert_eq!(
            euros_in_words(amount("3071.80")),
            "trois mille soixante et onze euros et quatre-vingts centimes"
        );
    }
}
