//! CSV files as French Excel writes them: `;`-separated, Windows-1252 or UTF-8 (with or
//! without a byte-order mark); `,`-separated UTF-8 files are read too, and Excel's
//! « Texte Unicode (*.txt) »: UTF-16 with a byte-order mark, tab-separated.

use super::{too_large, RawCell, RawSheet, RawWorkbook, RowCollector, SourceFormat};
use crate::diagnostic::{Code, Diagnostic, Location};

/// The UTF-16 encoding a byte-order mark announces, if any.
pub(super) fn utf16_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Decodes a text file: UTF-16 LE or BE after its byte-order mark, UTF-8 (a byte-order mark
/// is dropped) or, failing these, Windows-1252.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(encoding) = utf16_encoding(bytes) {
        // Odd trailing bytes or lone surrogates become U+FFFD: never a panic.
        return encoding
            .decode_without_bom_handling(&bytes[2..])
            .0
            .into_owned();
    }
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
