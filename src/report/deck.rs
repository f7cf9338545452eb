//! The annual event's deck, from the published (masked) figures only: `diaporama.pdf`
//! (16:9, typeset by [`crate::print`]) and `diaporama.odp`, an editable deck that
//! LibreOffice Impress and PowerPoint open. No Rust crate writing PPTX is mature enough
//! yet (the candidates are a few months old, at 0.1, some yanked), so the editable deck
//! is OpenDocument, which PowerPoint opens too.
//!
//! The slides: a title slide, the key figures, one chart per slide with its title and
//! source line, and one slide per member commune.

use super::charts::Chart;
use super::sections::{ChartItem, Content, KeyFigure};
use super::{Context, ReportError};
use crate::print::{self, Document};
use crate::schema::TOTAL_MODALITY;
use quick_xml::escape::escape;
use serde::Serialize;
use std::fmt::Write as _;

const TEMPLATE: &str = include_str!("templates/diaporama.typ");

/// One chart slide.
#[derive(Serialize)]
struct ChartSlide<'a> {
    title: &'a str,
    description: &'a str,
    source: &'a str,
    svg: String,
}

/// One commune's slide: a few key figures and its trend chart.
#[derive(Serialize)]
struct CommuneSlide<'a> {
    name: &'a str,
    figures: Vec<KeyFigure>,
    chart: &'a ChartItem,
    source: &'a str,
}

#[derive(Serialize)]
struct Data<'a> {
    network_name: &'a str,
    year: i32,
    internal: bool,
    banner: Option<String>,
    source: String,
    key_figures: &'a [KeyFigure],
    charts: Vec<ChartSlide<'a>>,
    communes: Vec<CommuneSlide<'a>>,
}

/// The key figures a commune's slide shows.
const COMMUNE_FIGURES: [&str; 4] = [
    "demandes",
    "foyers_distincts",
    "part_demandes_accordees",
    "demandes_pour_1000_habitants",
];

fn commune_slides<'a>(context: &Context, content: &'a Content) -> Vec<CommuneSlide<'a>> {
    let names = |code: &str| context.name(code);
    let view = super::tables::View {
        indicators: context.indicators,
        secret: context.secret,
        names: &names,
    };
    content
        .portraits
        .iter()
        .map(|portrait| CommuneSlide {
            name: &portrait.name,
            figures: COMMUNE_FIGURES
                .iter()
                .filter_map(|code| {
                    let definition = context.indicators.definition(code)?;
                    Some(KeyFigure {
                        label: definition.label.clone(),
                        value: view
                            .shown(context.year, &portrait.code, code, TOTAL_MODALITY)
                            .text,
                    })
                })
                .collect(),
            chart: &portrait.trend_chart,
            source: &portrait.trend_source,
        })
        .collect()
}

fn data<'a>(context: &'a Context, content: &'a Content) -> Data<'a> {
    let network = &context.verification.network;
    Data {
        network_name: &network.name,
        year: context.year,
        internal: context.options.internal,
        banner: context.banner(),
        source: format!(
            "Source : {}, demandes d'aide facultative {} – traitement observatoire",
            network.name, context.year
        ),
        key_figures: &content.key_figures,
        charts: content
            .charts
            .iter()
            .map(|chart| ChartSlide {
                title: &chart.title,
                description: &chart.description,
                source: &chart.source,
                svg: chart.svg(),
            })
            .collect(),
        communes: commune_slides(context, content),
    }
}

/// `diaporama.pdf`.
pub fn pdf(context: &Context, content: &Content) -> Result<Vec<u8>, ReportError> {
    let failed = |error| ReportError::render("le diaporama", error);
    let document = Document {
        template: TEMPLATE,
        data: print::data(&data(context, content)).map_err(failed)?,
        files: Default::default(),
        ident: format!("observatoire-diaporama-{}", context.year),
        date: context.options.date,
    };
    print::pdf(&document).map_err(failed)
}

/// The page of the editable deck, 16:9 (25,4 × 14,2875 cm), in centimetres.
const WIDTH_CM: f64 = 25.4;
const HEIGHT_CM: f64 = 14.2875;

/// An ODP slide being written.
struct Slides {
    content: String,
    pictures: Vec<(String, Vec<u8>)>,
    count: usize,
}

impl Slides {
    fn start(&mut self) {
        self.count += 1;
        let _ = write!(
            self.content,
            r#"<draw:page draw:name="Diapositive {}" draw:style-name="dp1" draw:master-page-name="Standard">"#,
            self.count
        );
    }

    fn end(&mut self) {
        self.content.push_str("</draw:page>");
    }

    /// A text box at (x, y), `width` × `height` cm, one paragraph per line.
    fn text(&mut self, style: &str, (x, y, width, height): (f64, f64, f64, f64), lines: &[String]) {
        let _ = write!(
            self.content,
            r#"<draw:frame draw:style-name="gr1" svg:x="{x}cm" svg:y="{y}cm" svg:width="{width}cm" svg:height="{height}cm"><draw:text-box>"#
        );
        for line in lines {
            let _ = write!(
                self.content,
                r#"<text:p text:style-name="{style}">{}</text:p>"#,
                escape(line.as_str())
            );
        }
        self.content.push_str("</draw:text-box></draw:frame>");
    }

    /// A chart as a PNG picture, with its title and text alternative.
    fn picture(&mut self, chart: &Chart, place: (f64, f64, f64, f64)) -> Result<(), String> {
        let (x, y, width, height) = place;
        let name = format!("Pictures/graphique-{:02}.png", self.pictures.len() + 1);
        let _ = write!(
            self.content,
            r#"<draw:frame draw:style-name="gr1" svg:x="{x}cm" svg:y="{y}cm" svg:width="{width}cm" svg:height="{height}cm"><draw:image xlink:href="{name}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/><svg:title>{}</svg:title><svg:desc>{}</svg:desc></draw:frame>"#,
            escape(chart.title.as_str()),
            escape(chart.description.as_str())
        );
        self.pictures.push((name, chart.png()?));
        Ok(())
    }
}

const CONTENT_START: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.3">"#,
    r#"<office:font-face-decls><style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss"/></office:font-face-decls>"#,
    r#"<office:automatic-styles>"#,
    r#"<style:style style:name="dp1" style:family="drawing-page"/>"#,
    r#"<style:style style:name="gr1" style:family="graphic"><style:graphic-properties draw:stroke="none" draw:fill="none" draw:auto-grow-height="false"/></style:style>"#,
    r##"<style:style style:name="Ptitre" style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="20pt" fo:font-weight="bold" fo:color="#0072B2"/></style:style>"##,
    r##"<style:style style:name="Pgrand" style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="30pt" fo:font-weight="bold" fo:color="#0072B2"/></style:style>"##,
    r##"<style:style style:name="Ptexte" style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="16pt" fo:color="#1a1a1a"/></style:style>"##,
    r##"<style:style style:name="Psource" style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="9pt" fo:color="#595959"/></style:style>"##,
    r##"<style:style style:name="Pbandeau" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:background-color="#D55E00"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="11pt" fo:font-weight="bold" fo:color="#ffffff"/></style:style>"##,
    r#"</office:automatic-styles><office:body><office:presentation>"#,
);

const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3">"#,
    r#"<office:automatic-styles><style:page-layout style:name="PM1"><style:page-layout-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:margin-left="0cm" fo:margin-right="0cm" fo:page-width="25.4cm" fo:page-height="14.2875cm" style:print-orientation="landscape"/></style:page-layout>"#,
    r##"<style:style style:name="Mdp1" style:family="drawing-page"><style:drawing-page-properties draw:background-size="full" draw:fill="solid" draw:fill-color="#ffffff"/></style:style></office:automatic-styles>"##,
    r#"<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="PM1" draw:style-name="Mdp1"/></office:master-styles>"#,
    r#"</office:document-styles>"#,
);

fn manifest(pictures: &[(String, Vec<u8>)]) -> String {
    let mut manifest = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.presentation"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        r#"<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>"#,
        r#"<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>"#,
    ));
    for (name, _) in pictures {
        let _ = write!(
            manifest,
            r#"<manifest:file-entry manifest:full-path="{name}" manifest:media-type="image/png"/>"#
        );
    }
    manifest.push_str("</manifest:manifest>");
    manifest
}

fn meta(title: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3">"#,
            r#"<office:meta><dc:title>{}</dc:title><dc:language>fr-FR</dc:language><meta:generator>observatoire</meta:generator></office:meta></office:document-meta>"#
        ),
        escape(title)
    )
}

/// The banner of the internal edition, at the top of every slide.
fn banner(slides: &mut Slides, context: &Context) {
    if let Some(banner) = context.banner() {
        slides.text("Pbandeau", (0.0, 0.0, WIDTH_CM, 0.9), &[banner]);
    }
}

/// `diaporama.odp`: the same slides, editable.
pub fn odp(context: &Context, content: &Content) -> Result<Vec<u8>, ReportError> {
    let failed = |error| ReportError::render("le diaporama modifiable", error);
    let data = data(context, content);
    let mut slides = Slides {
        content: CONTENT_START.to_string(),
        pictures: Vec::new(),
        count: 0,
    };
    let title_box = (1.2, 0.9, WIDTH_CM - 2.4, 2.2);
    let source_box = (1.2, HEIGHT_CM - 1.1, WIDTH_CM - 2.4, 0.8);
    slides.start();
    banner(&mut slides, context);
    slides.text(
        "Ptexte",
        (1.2, 3.5, WIDTH_CM - 2.4, 1.0),
        &[data.network_name.to_string()],
    );
    slides.text(
        "Pgrand",
        (1.2, 4.6, WIDTH_CM - 2.4, 2.8),
        &[format!("Analyse des besoins sociaux {}", data.year)],
    );
    slides.text(
        "Ptexte",
        (1.2, 7.8, WIDTH_CM - 2.4, 1.0),
        &["Journée annuelle du réseau".to_string()],
    );
    slides.end();
    slides.start();
    banner(&mut slides, context);
    slides.text(
        "Ptitre",
        title_box,
        &[format!("Chiffres clés {}", data.year)],
    );
    let figures: Vec<String> = data
        .key_figures
        .iter()
        .map(|figure| format!("{} : {}", figure.label, figure.value))
        .collect();
    slides.text("Ptexte", (1.2, 3.3, WIDTH_CM - 2.4, 9.2), &figures);
    slides.text("Psource", source_box, std::slice::from_ref(&data.source));
    slides.end();
    for chart in &content.charts {
        slides.start();
        banner(&mut slides, context);
        slides.text("Ptitre", title_box, std::slice::from_ref(&chart.title));
        // 1920 × 1080 pictures at 16:9, centred.
        slides
            .picture(chart, (3.1, 2.7, 19.2, 10.8))
            .map_err(failed)?;
        slides.end();
    }
    for (slide, portrait) in data.communes.iter().zip(&content.portraits) {
        slides.start();
        banner(&mut slides, context);
        slides.text("Ptitre", title_box, &[slide.name.to_string()]);
        let figures: Vec<String> = slide
            .figures
            .iter()
            .map(|figure| format!("{} : {}", figure.label, figure.value))
            .collect();
        slides.text("Ptexte", (1.2, 3.3, 9.0, 9.2), &figures);
        if let Some(chart) = portrait.charts.first() {
            slides
                .picture(chart, (10.6, 3.0, 13.6, 7.65))
                .map_err(failed)?;
        }
        slides.text("Psource", source_box, &[slide.source.to_string()]);
        slides.end();
    }
    slides
        .content
        .push_str("</office:presentation></office:body></office:document-content>");
    let title = format!(
        "Journée annuelle – analyse des besoins sociaux {} – {}",
        data.year, data.network_name
    );
    let manifest = manifest(&slides.pictures);
    let meta = meta(&title);
    let mut files: Vec<(&str, &[u8])> = vec![
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("meta.xml", meta.as_bytes()),
        ("styles.xml", STYLES.as_bytes()),
        ("content.xml", slides.content.as_bytes()),
    ];
    for (name, bytes) in &slides.pictures {
        files.push((name.as_str(), bytes.as_slice()));
    }
    crate::output::opendocument_package("application/vnd.oasis.opendocument.presentation", &files)
        .map_err(failed)
}
