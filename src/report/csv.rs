//! `indicateurs.csv`: every value of every year in long format, for spreadsheets and
//! scripts: `;` separator, CRLF line ends, UTF-8 with a byte-order mark and a decimal
//! comma, so that French Excel opens it as it is. A hidden value is empty, with
//! `secret = 1`. The `csv` crate quotes a field only when it holds a `;`, a `"` or a line
//! break, which is what French Excel expects.

use super::{Context, ReportError};
use crate::count::{Key, NETWORK};
use crate::sheet::writers::excel_csv_writer;

/// The columns of every edition; the internal one adds `diffusion` (its banner).
const HEADERS: [&str; 7] = [
    "annee",
    "code_commune",
    "commune",
    "indicateur",
    "modalite",
    "valeur",
    "secret",
];

fn render_error(cause: impl std::fmt::Display) -> ReportError {
    ReportError::render("indicateurs.csv", cause)
}

/// The line of one figure: its value with a decimal comma, or empty when the secret hides
/// it; the commune's name is the network's own name on the network's lines.
fn record(context: &Context, key: &Key, value: rust_decimal::Decimal) -> Vec<String> {
    let hidden = context.secret.is_hidden(key);
    let value = if hidden {
        String::new()
    } else {
        value.normalize().to_string().replace('.', ",")
    };
    let name = if key.commune == NETWORK {
        context.verification.network.name.clone()
    } else {
        context.name(&key.commune)
    };
    let mut record = vec![
        key.year.to_string(),
        key.commune.clone(),
        name,
        key.indicator.clone(),
        key.modality.clone(),
        value,
        u8::from(hidden).to_string(),
    ];
    record.extend(context.banner());
    record
}

/// The CSV file's bytes: by year, then commune (the network last), indicator and modality
/// in the catalogue's order.
pub fn render(context: &Context) -> Result<Vec<u8>, ReportError> {
    let mut writer = excel_csv_writer();
    let mut headers = HEADERS.to_vec();
    if context.options.internal {
        headers.push("diffusion");
    }
    writer.write_record(&headers).map_err(render_error)?;
    let indicators = context.indicators;
    for year in &indicators.years {
        for commune in indicators.rows() {
            for definition in &indicators.definitions {
                for modality in &definition.modalities {
                    let key = Key::new(*year, &commune, &definition.code, modality);
                    let Some(figure) = indicators.figures.get(&key) else {
                        continue;
                    };
                    writer
                        .write_record(record(context, &key, figure.value))
                        .map_err(render_error)?;
                }
            }
        }
    }
    writer.into_inner().map_err(render_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::writers::BYTE_ORDER_MARK;

    #[test]
    fn a_field_with_a_separator_a_quote_or_a_line_break_is_quoted() {
        let mut writer = excel_csv_writer();
        writer
            .write_record([
                "Saint-Jean; Bourg",
                "dit \"le Haut\"",
                "deux\nlignes",
                "simple",
            ])
            .unwrap();
        let bytes = writer.into_inner().unwrap();
        let mut expected = BYTE_ORDER_MARK.to_vec();
        expected.extend_from_slice(
            b"\"Saint-Jean; Bourg\";\"dit \"\"le Haut\"\"\";\"deux\nlignes\";simple\r\n",
        );
        assert_eq!(bytes, expected);
    }

    #[test]
    fn an_empty_field_among_others_is_left_empty() {
        let mut writer = excel_csv_writer();
        writer.write_record(["2024", "", "1"]).unwrap();
        let bytes = writer.into_inner().unwrap();
        assert_eq!(&bytes[BYTE_ORDER_MARK.len()..], b"2024;;1\r\n");
    }
}
