//! PDF typesetting in-process, with Typst as a library: no browser, no office suite,
//! nothing installed beside the tool.
//!
//! A document is a Typst template (embedded in the binary) that reads its figures from
//! `/donnees.json`, plus the files it shows (the charts' SVG). Nothing comes from the
//! disk or the network: the template, the data, the shared page styles
//! (`templates/commun.typ`) and the fonts (DejaVu Sans, embedded) are all the document
//! can see, so the same inputs give the same bytes on every machine. The PDF has a fixed
//! document id, and a creation date only when one is given.

use chrono::NaiveDate;
use std::collections::BTreeMap;

#[cfg(feature = "pdf")]
mod typeset;
#[cfg(feature = "pdf")]
pub use typeset::pdf;

/// Why a document could not be typeset: always the tool's fault (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PrintError(pub(crate) String);

/// One document to typeset.
pub struct Document<'a> {
    /// The Typst template (`#let donnees = json("/donnees.json")` …).
    pub template: &'a str,
    /// The figures the template shows, as JSON.
    pub data: Vec<u8>,
    /// Other files the template reads or imports (`/fiche.typ`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// A stable name of the document: its PDF id is derived from it.
    pub ident: String,
    /// The creation date written in the PDF (none unless given).
    pub date: Option<NaiveDate>,
}

/// Without the `pdf` feature (the fuzz targets build the crate so, to keep Typst out of
/// their build): no document can be typeset, and saying so is the tool's fault.
#[cfg(not(feature = "pdf"))]
pub fn pdf(document: &Document) -> Result<Vec<u8>, PrintError> {
    Err(PrintError(format!(
        "{} : cette version de l'outil est construite sans la mise en page PDF \
         (fonction « pdf » de cargo)",
        document.ident
    )))
}

/// The data of a document as JSON bytes, for [`Document::data`].
pub fn data(value: &impl serde::Serialize) -> Result<Vec<u8>, PrintError> {
    serde_json::to_vec(value).map_err(|error| PrintError(format!("données du document : {error}")))
}
