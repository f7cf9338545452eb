//! `repartition.csv`: the statement's table for French spreadsheets.

use crate::repartition::Statement;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A euro amount for French spreadsheets: `1234,56`.
fn comma(amount: Decimal) -> String {
    super::dotted(amount).replace('.', ",")
}

/// `repartition.csv`: `;`, UTF-8 with a byte-order mark, decimal comma, one line per
/// member then the network's line (`RESEAU`).
pub fn csv(statement: &Statement) -> Vec<u8> {
    let mut out = String::from(
        "\u{feff}code_commune;commune;population;depenses;personnel;total;a_appeler\r\n",
    );
    let field = |text: &str| {
        if text.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    for member in &statement.members {
        let _ = write!(
            out,
            "{};{};{};{};{};{};{}\r\n",
            field(&member.code),
            field(&member.nom),
            member.population,
            comma(member.depenses),
            comma(member.personnel),
            comma(member.total),
            comma(member.a_appeler)
        );
    }
    let population: u64 = statement
        .members
        .iter()
        .map(|member| member.population)
        .sum();
    let _ = write!(
        out,
        "RESEAU;{};{};{};{};{};{}\r\n",
        field(&statement.network_name),
        population,
        comma(statement.totals.depenses),
        comma(statement.totals.personnel),
        comma(statement.totals.total),
        comma(statement.totals.a_appeler)
    );
    out.into_bytes()
}
