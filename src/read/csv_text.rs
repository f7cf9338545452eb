//! CSV files as French Excel writes them: `;`-separated, Windows-1252 or UTF-8 (with or
//! without a byte-order mark); `,`-separated UTF-8 files are read too.

use super::{too_large, RawCell, RawSheet, RawWorkbook, RowCollector, SourceFormat};
use crate::diagnostic::{Code, Diagnostic, Location};

/// Decodes a text file: UTF-8 (a byte-order mark is dropped) or, failing that, Windows-1252.
pub fn decode_text(bytes: &[u8]) -> String {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(without_bom) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(without_bom)
            .0
            .into_owned(),
    }
}

/// The separator used by most of the first lines (outside quotes).
fn guess_separator(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let candidates = [b';', b',', b'\t'];
    for line in text.lines().filter(|line| !line.trim().is_empty()).take(10) {
        let mut in_quotes = false;
        for byte in line.bytes() {
            if byte == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes {
                if let Some(position) = candidates.iter().position(|candidate| *candidate == byte) {
                    counts[position] += 1;
                }
            }
        }
    }
    let best = (0..3)
        .max_by_key(|position| (counts[*position], 3 - position))
        .unwrap_or(0);
    candidates[best]
}

pub(super) fn read_csv(bytes: &[u8], location: &Location) -> Result<RawWorkbook, Diagnostic> {
    let text = decode_text(bytes);
    let separator = guess_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut collector = RowCollector::new();
    for (row_index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| {
            Diagnostic::new(Code::E002, location.clone(), format!("le fichier csv est abîmé ({error})"))
                .hint("ouvrez-le dans votre tableur et enregistrez-le à nouveau au format « CSV (séparateur point-virgule) »")
        })?;
        let row = u32::try_from(row_index).unwrap_or(u32::MAX);
        for (column, value) in record.iter().enumerate() {
            if value.trim().is_empty() {
                continue;
            }
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            collector
                .push(row, column, RawCell::Text(value.to_string()))
                .map_err(|limit| too_large(location.clone(), &limit))?;
        }
    }
    Ok(RawWorkbook {
        format: SourceFormat::Csv,
        sheets: vec![RawSheet {
            name: None,
            rows: collector.finish(),
            is_1904: false,
        }],
        problems: Vec::new(),
    })
}
