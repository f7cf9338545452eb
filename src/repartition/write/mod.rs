//! The outputs of the cost-sharing: the French statement and one call letter per called
//! CCAS (HTML from the templates of `templates/`), the same tables as xlsx and csv, and
//! `repartition.json` for machines. One file per output (`statement`, `letter`, `xlsx`,
//! `csv`, `json`, and the terminal's `summary`); this one holds the French wording they
//! share and [`render_all`], which renders them all.
//!
//! Everything is rendered in memory first, so that a failure writes nothing; the caller
//! then writes each file atomically. No timestamp: the same statement gives the same bytes.

mod alerts;
mod csv;
mod html;
mod json;
mod letter;
mod statement;
mod summary;
mod xlsx;

use super::{MemberLine, RepartitionError, Statement};
use crate::fold::fold;
use crate::french::{french_integer, THOUSANDS_SEPARATOR};
use crate::network::PopulationKey;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

pub use self::csv::csv;
pub use self::json::json;
pub use crate::french::french_long_date;
pub use letter::letter_html;
pub use statement::statement_html;
pub use summary::render_summary;

/// The article of the convention that organises the call for funds.
pub const ARTICLE: &str = "4.2.1";

/// A decimal with a fixed number of decimals, French style: `22.5` → `22,50`.
fn french_fixed(value: Decimal, decimals: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(decimals);
    let text = rounded.to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole = whole
        .parse::<i64>()
        .map(french_integer)
        .unwrap_or_else(|_| whole.to_string());
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{fraction}")
    }
}

fn percent(part: u128, whole: u128) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let (Some(part), Some(whole)) = (Decimal::from_u128(part), Decimal::from_u128(whole)) else {
        return "—".to_string();
    };
    format!(
        "{}{THOUSANDS_SEPARATOR}%",
        french_fixed(part * Decimal::ONE_HUNDRED / whole, 2)
    )
}

fn integer(value: u64) -> String {
    french_integer(i64::try_from(value).unwrap_or(i64::MAX))
}

fn key_label(key: PopulationKey) -> &'static str {
    match key {
        PopulationKey::Total => "population totale",
        PopulationKey::Municipal => "population municipale",
    }
}

/// `Notre-Dame-des-Landes` → `notre-dame-des-landes`, for file names.
pub fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

/// The name of the call letter of a member.
pub fn letter_file_name(member: &MemberLine) -> String {
    format!("appel-{}-{}.html", member.code, slug(&member.name))
}

fn member_name<'s>(statement: &'s Statement, code: &'s str) -> &'s str {
    statement
        .members
        .iter()
        .find(|member| member.code == code)
        .map_or(code, |member| member.name.as_str())
}

fn cle_total_text(total: u128) -> String {
    integer(u64::try_from(total).unwrap_or(u64::MAX))
}

/// A euro amount for machines: `1234.56`.
fn dotted(amount: Decimal) -> String {
    crate::french::money(amount).to_string()
}

/// Every output file, by name, rendered in memory.
pub fn render_all(statement: &Statement) -> Result<Vec<(String, Vec<u8>)>, RepartitionError> {
    let mut files = vec![
        (
            "repartition.html".to_string(),
            statement_html(statement)?.into_bytes(),
        ),
        (
            "repartition.pdf".to_string(),
            statement::statement_pdf(statement)?,
        ),
    ];
    for member in statement.called() {
        files.push((
            letter_file_name(member),
            letter_html(statement, member)?.into_bytes(),
        ));
        files.push((
            letter_file_name(member).replace(".html", ".pdf"),
            letter::letter_pdf(statement, member)?,
        ));
    }
    let workbook = xlsx::workbook(statement).map_err(|error| RepartitionError::Render {
        file: "repartition.xlsx".to_string(),
        cause: error.to_string(),
    })?;
    files.push(("repartition.xlsx".to_string(), workbook));
    files.push(("repartition.csv".to_string(), csv(statement)?));
    files.push(("repartition.json".to_string(), json(statement)?));
    Ok(files)
}
