//! `repartition.csv`: the statement's table for French spreadsheets: `;` separator, CRLF
//! line ends, UTF-8 with a byte-order mark and a decimal comma, so that French Excel opens
//! it as it is. The `csv` crate quotes a field only when it holds a `;`, a `"` or a line
//! break, which is what French Excel expects.

use crate::repartition::{RepartitionError, Statement};
use crate::sheet::writers::excel_csv_writer;
use rust_decimal::Decimal;

const HEADERS: [&str; 7] = [
    "code_commune",
    "commune",
    "population",
    "depenses",
    "personnel",
    "total",
    "a_appeler",
];

/// A euro amount for French spreadsheets: `1234,56`.
fn comma(amount: Decimal) -> String {
    super::dotted(amount).replace('.', ",")
}

fn render_error(cause: impl ToString) -> RepartitionError {
    RepartitionError::Render {
        file: "repartition.csv".to_string(),
        cause: cause.to_string(),
    }
}

/// `repartition.csv`: one line per member then the network's line (`RESEAU`).
pub fn csv(statement: &Statement) -> Result<Vec<u8>, RepartitionError> {
    let mut writer = excel_csv_writer();
    writer.write_record(HEADERS).map_err(render_error)?;
    for member in &statement.members {
        writer
            .write_record([
                member.code.clone(),
                member.name.clone(),
                member.population.to_string(),
                comma(member.expenses),
                comma(member.staff),
                comma(member.total),
                comma(member.to_call),
            ])
            .map_err(render_error)?;
    }
    let population: u64 = statement
        .members
        .iter()
        .map(|member| member.population)
        .sum();
    writer
        .write_record([
            "RESEAU".to_string(),
            statement.network_name.clone(),
            population.to_string(),
            comma(statement.totals.expenses),
            comma(statement.totals.staff),
            comma(statement.totals.total),
            comma(statement.totals.to_call),
        ])
        .map_err(render_error)?;
    writer.into_inner().map_err(render_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_hold_a_separator_a_quote_or_a_line_break() {
        let mut writer = excel_csv_writer();
        writer
            .write_record(["44015", "Blain; centre", "Le \"Gâvre\"", "a\nb", "c\rd", ""])
            .unwrap();
        assert_eq!(
            String::from_utf8(writer.into_inner().unwrap()).unwrap(),
            "\u{feff}44015;\"Blain; centre\";\"Le \"\"Gâvre\"\"\";\"a\nb\";\"c\rd\";\r\n"
        );
    }
}
