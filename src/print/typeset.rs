//! The Typst world a document is typeset in (the `pdf` feature, on by default).

use super::{Document, PrintError};
use chrono::Datelike;
use std::collections::HashMap;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// The page styles every document shares (A4 report pages, letters, 16:9 slides).
const COMMON: &str = include_str!("templates/commun.typ");

/// The embedded fonts (DejaVu Sans, see `assets/fonts/LICENCE-DejaVu.txt`).
const FONTS: [&[u8]; 3] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Oblique.ttf"),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS_LOADED: OnceLock<Fonts> = OnceLock::new();
    FONTS_LOADED.get_or_init(|| {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

fn file_id(path: &str) -> Result<FileId, PrintError> {
    let path = VirtualPath::new(path)
        .map_err(|error| PrintError(format!("chemin interne « {path} » invalide ({error})")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// The world a document is typeset in: only its own files and the embedded fonts.
struct Sandbox {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
}

impl Sandbox {
    fn new(document: &Document) -> Result<Sandbox, PrintError> {
        let main = file_id("/document.typ")?;
        let mut sources = HashMap::new();
        sources.insert(main, Source::new(main, document.template.to_string()));
        let common = file_id("/commun.typ")?;
        sources.insert(common, Source::new(common, COMMON.to_string()));
        let mut files = HashMap::new();
        files.insert(file_id("/donnees.json")?, Bytes::new(document.data.clone()));
        for (path, bytes) in &document.files {
            files.insert(file_id(path)?, Bytes::new(bytes.clone()));
        }
        Ok(Sandbox {
            main,
            sources,
            files,
        })
    }

    /// A Typst error in words, with its line in the template when it has one.
    fn describe(&self, diagnostic: &SourceDiagnostic) -> String {
        let place = diagnostic.span.id().and_then(|id| {
            let source = self.sources.get(&id)?;
            let range = self.range(diagnostic.span)?;
            let line = source.lines().byte_to_line(range.start)? + 1;
            Some(format!("{}:{line}", id.vpath().get_without_slash()))
        });
        match place {
            Some(place) => format!("{place}: {}", diagnostic.message),
            None => diagnostic.message.to_string(),
        }
    }
}

impl World for Sandbox {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main
    }

    /// The template, `commun.typ`, or a `.typ` file of the document's own.
    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self
            .files
            .get(&id)
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))?;
        let text = std::str::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// No clock: a template that asks for today's date gets an error, not a moving date.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The document as PDF bytes.
pub fn pdf(document: &Document) -> Result<Vec<u8>, PrintError> {
    let sandbox = Sandbox::new(document)?;
    // The first three errors of a step, each with its line in the template.
    let failed = |step: &str, errors: &[SourceDiagnostic]| {
        let described: Vec<String> = errors
            .iter()
            .take(3)
            .map(|error| sandbox.describe(error))
            .collect();
        PrintError(format!(
            "{step} de {} a échoué : {}",
            document.ident,
            described.join(" ; ")
        ))
    };
    let compiled = typst::compile::<PagedDocument>(&sandbox).output;
    let paged = compiled.map_err(|errors| failed("la mise en page", &errors))?;
    let timestamp = document.date.and_then(|date| {
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
            .map(typst_pdf::Timestamp::new_utc)
    });
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(document.ident.clone()),
        creator: Smart::Custom(Some("observatoire".to_string())),
        timestamp,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| failed("l'écriture PDF", &errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    fn document(template: &str) -> Document<'_> {
        Document {
            template,
            data: br#"{"titre": "Essai <b>#gras</b> $x$"}"#.to_vec(),
            files: BTreeMap::new(),
            ident: "essai".to_string(),
            date: None,
        }
    }

    const TEMPLATE: &str = r#"#import "/commun.typ": *
#let donnees = json("/donnees.json")
#show: rapport.with(titre: donnees.titre, entete: "Essai")
= #donnees.titre
Bonjour."#;

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let first = pdf(&document(TEMPLATE)).expect("pdf");
        let second = pdf(&document(TEMPLATE)).expect("pdf");
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(first, second);
        // No creation date unless one is given.
        assert!(!first.windows(13).any(|window| window == b"/CreationDate"));
    }

    #[test]
    fn a_date_is_written_only_when_given() {
        let mut dated = document(TEMPLATE);
        dated.date = NaiveDate::from_ymd_opt(2025, 3, 14);
        let bytes = pdf(&dated).expect("pdf");
        assert!(bytes.windows(13).any(|window| window == b"/CreationDate"));
    }

    #[test]
    fn a_template_error_names_its_line() {
        let error = pdf(&document("#import \"/commun.typ\": *\n\n#nimporte()"))
            .expect_err("unknown function");
        assert!(error.to_string().contains("document.typ:3"), "{error}");
    }

    #[test]
    fn the_document_reaches_no_file_of_the_disk() {
        let error = pdf(&document("#read(\"/etc/passwd\")")).expect_err("outside the sandbox");
        assert!(error.to_string().contains("document.typ:1"), "{error}");
    }
}
