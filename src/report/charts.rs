//! Charts as SVG (written here, so that the HTML page embeds exactly the file that is in
//! `graphiques/`) and as 1920 × 1080 PNG rasterised by resvg with the embedded DejaVu Sans
//! font, so that no system font is needed.
//!
//! Colours are the Okabe–Ito palette, distinguishable with the common colour-vision
//! deficiencies. Hidden values are not drawn: their bar is labelled « s ».

use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Arc;

/// The font embedded in the binary (DejaVu Sans, see `assets/fonts/LICENCE-DejaVu.txt`).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

/// Okabe–Ito colours (black left out), in the order series use them.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
];

pub const WIDTH: u32 = 1920;
pub const HEIGHT: u32 = 1080;

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Shape {
    /// Horizontal bars, one group per category.
    Bars,
    /// Lines over the categories (years).
    Lines,
}

/// One series: a value (or `None` when hidden or absent) and its label per category.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub labels: Vec<String>,
}

/// A chart and what surrounds it in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// File stem in `graphiques/`.
    pub id: String,
    pub title: String,
    /// Text alternative.
    pub description: String,
    /// « Source : … – année » line drawn on the chart.
    pub source: String,
    pub shape: Shape,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The table holding the same data.
    pub table_id: String,
    /// A banner drawn on the chart (the internal edition's).
    pub banner: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text(svg: &mut String, x: f64, y: f64, size: u32, anchor: &str, weight: &str, content: &str) {
    let _ = writeln!(
        svg,
        r##"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" fill="#1a1a1a">{}</text>"##,
        escape(content)
    );
}

/// A "nice" upper bound for the axis.
fn axis_maximum(maximum: f64) -> f64 {
    if maximum <= 0.0 || !maximum.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(maximum.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * magnitude >= maximum {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn axis_label(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if (rounded - rounded.trunc()).abs() < f64::EPSILON {
        crate::french::french_integer(rounded as i64)
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

impl Chart {
    /// The chart as an SVG document (1920 × 1080 view box, scalable).
    pub fn svg(&self) -> String {
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{id}-titre {id}-desc" font-family="{FONT_FAMILY}, Verdana, sans-serif">"##,
            id = self.id
        );
        let _ = writeln!(
            svg,
            r#"<title id="{}-titre">{}</title>"#,
            self.id,
            escape(&self.title)
        );
        let _ = writeln!(
            svg,
            r#"<desc id="{}-desc">{}</desc>"#,
            self.id,
            escape(&self.description)
        );
        let _ = writeln!(
            svg,
            r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
        );
        // Long titles get a smaller size so that they stay within the slide.
        let title_size = if self.title.chars().count() > 60 {
            36
        } else {
            44
        };
        text(
            &mut svg,
            60.0,
            80.0,
            title_size,
            "start",
            "bold",
            &self.title,
        );
        if let Some(banner) = &self.banner {
            let _ = writeln!(
                svg,
                r##"<text x="1860" y="140" font-size="30" text-anchor="end" font-weight="bold" fill="#D55E00">{}</text>"##,
                escape(banner)
            );
        }
        text(&mut svg, 60.0, 1050.0, 26, "start", "normal", &self.source);
        // Legend when there are several series.
        if self.series.len() > 1 {
            let mut x = 60.0;
            for (position, series) in self.series.iter().enumerate() {
                let colour = PALETTE[position % PALETTE.len()];
                let _ = writeln!(
                    svg,
                    r#"<rect x="{x:.1}" y="112" width="32" height="32" fill="{colour}"/>"#
                );
                text(
                    &mut svg,
                    x + 44.0,
                    138.0,
                    28,
                    "start",
                    "normal",
                    &series.name,
                );
                x += 90.0 + 17.0 * series.name.chars().count() as f64;
            }
        }
        match self.shape {
            Shape::Bars => self.draw_bars(&mut svg),
            Shape::Lines => self.draw_lines(&mut svg),
        }
        svg.push_str("</svg>\n");
        svg
    }

    fn maximum(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|series| series.values.iter().flatten())
            .copied()
            .filter(|value| value.is_finite())
            .fold(0.0, f64::max)
    }

    fn draw_bars(&self, svg: &mut String) {
        let (left, right, top, bottom) = (560.0, 1760.0, 180.0, 980.0);
        let maximum = axis_maximum(self.maximum());
        let groups = self.categories.len().max(1) as f64;
        let band = (bottom - top) / groups;
        let series_count = self.series.len().max(1) as f64;
        let bar = (band * 0.75 / series_count).min(80.0);
        for step in 0..=4 {
            let value = maximum * f64::from(step) / 4.0;
            let x = left + (right - left) * f64::from(step) / 4.0;
            let _ = writeln!(
                svg,
                r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="#d0d0d0" stroke-width="2"/>"##
            );
            text(
                svg,
                x,
                bottom + 40.0,
                26,
                "middle",
                "normal",
                &axis_label(value),
            );
        }
        for (group, category) in self.categories.iter().enumerate() {
            let centre = top + band * (group as f64 + 0.5);
            text(
                svg,
                left - 20.0,
                centre + 10.0,
                28,
                "end",
                "normal",
                category,
            );
            for (position, series) in self.series.iter().enumerate() {
                let y = centre - bar * series_count / 2.0 + bar * position as f64;
                let label = series.labels.get(group).cloned().unwrap_or_default();
                match series.values.get(group).copied().flatten() {
                    Some(value) if value.is_finite() => {
                        let width = ((right - left) * value.max(0.0) / maximum).max(0.0);
                        let colour = PALETTE[position % PALETTE.len()];
                        let _ = writeln!(
                            svg,
                            r#"<rect x="{left:.1}" y="{y:.1}" width="{width:.1}" height="{:.1}" fill="{colour}"/>"#,
                            bar * 0.9
                        );
                        text(
                            svg,
                            left + width + 12.0,
                            y + bar * 0.45 + 9.0,
                            24,
                            "start",
                            "normal",
                            &label,
                        );
                    }
                    _ => text(
                        svg,
                        left + 12.0,
                        y + bar * 0.45 + 9.0,
                        24,
                        "start",
                        "normal",
                        &label,
                    ),
                }
            }
        }
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#1a1a1a" stroke-width="3"/>"##
        );
    }

    fn draw_lines(&self, svg: &mut String) {
        let (left, right, top, bottom) = (200.0, 1760.0, 180.0, 940.0);
        let maximum = axis_maximum(self.maximum());
        let points = self.categories.len();
        let x_of = |index: usize| {
            if points <= 1 {
                (left + right) / 2.0
            } else {
                left + (right - left) * index as f64 / (points - 1) as f64
            }
        };
        for step in 0..=4 {
            let value = maximum * f64::from(step) / 4.0;
            let y = bottom - (bottom - top) * f64::from(step) / 4.0;
            let _ = writeln!(
                svg,
                r##"<line x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}" stroke="#d0d0d0" stroke-width="2"/>"##
            );
            text(
                svg,
                left - 20.0,
                y + 9.0,
                26,
                "end",
                "normal",
                &axis_label(value),
            );
        }
        for (index, category) in self.categories.iter().enumerate() {
            text(
                svg,
                x_of(index),
                bottom + 50.0,
                28,
                "middle",
                "normal",
                category,
            );
        }
        for (position, series) in self.series.iter().enumerate() {
            let colour = PALETTE[position % PALETTE.len()];
            let mut path = String::new();
            let mut pen_down = false;
            for (index, value) in series.values.iter().enumerate() {
                match value {
                    Some(value) if value.is_finite() => {
                        let y = bottom - (bottom - top) * value.max(0.0) / maximum;
                        let _ = write!(
                            path,
                            "{}{:.1},{:.1} ",
                            if pen_down { "L" } else { "M" },
                            x_of(index),
                            y
                        );
                        pen_down = true;
                        let _ = writeln!(
                            svg,
                            r#"<circle cx="{:.1}" cy="{y:.1}" r="10" fill="{colour}"/>"#,
                            x_of(index)
                        );
                        let label = series.labels.get(index).cloned().unwrap_or_default();
                        // Every other series labels below its points, so that two
                        // close lines do not write over each other.
                        let label_y = if position % 2 == 0 {
                            y - 22.0
                        } else {
                            y + 46.0
                        };
                        text(svg, x_of(index), label_y, 24, "middle", "normal", &label);
                    }
                    _ => {
                        pen_down = false;
                        let label = series.labels.get(index).cloned().unwrap_or_default();
                        text(
                            svg,
                            x_of(index),
                            bottom - 20.0,
                            24,
                            "middle",
                            "normal",
                            &label,
                        );
                    }
                }
            }
            if !path.is_empty() {
                let _ = writeln!(
                    svg,
                    r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="6"/>"#,
                    path.trim_end()
                );
            }
        }
    }

    /// The chart parsed with the embedded font, its text laid out.
    fn tree(&self) -> Result<resvg::usvg::Tree, String> {
        let mut database = resvg::usvg::fontdb::Database::new();
        database.load_font_data(FONT.to_vec());
        let options = resvg::usvg::Options {
            font_family: FONT_FAMILY.to_string(),
            fontdb: Arc::new(database),
            ..resvg::usvg::Options::default()
        };
        resvg::usvg::Tree::from_str(&self.svg(), &options)
            .map_err(|error| format!("graphique {} : SVG illisible ({error})", self.id))
    }

    /// The chart as a standalone SVG file for the slides: its text is turned into the
    /// outlines of the embedded font, so it looks the same on a computer without it.
    pub fn svg_file(&self) -> Result<String, String> {
        let options = resvg::usvg::WriteOptions {
            preserve_text: false,
            coordinates_precision: 2,
            ..resvg::usvg::WriteOptions::default()
        };
        let outlined = self.tree()?.to_string(&options);
        // Outlining drops the title and the text alternative: put them back for screen readers.
        let svg = self.svg();
        let internal = if svg.contains(crate::report::INTERNAL_BANNER) {
            format!(" — {}", crate::report::INTERNAL_BANNER)
        } else {
            String::new()
        };
        let accessible = format!(
            "<title>{}{internal}</title>\n<desc>{}</desc>\n",
            escape(&self.title),
            escape(&self.description)
        );
        Ok(match outlined.find('>') {
            Some(end) => format!(
                "{}\n{accessible}{}",
                &outlined[..=end],
                outlined[end + 1..].trim_start_matches('\n')
            ),
            None => outlined,
        })
    }

    /// The chart as a 1920 × 1080 PNG.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        let tree = self.tree()?;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT)
            .ok_or_else(|| format!("graphique {} : image impossible à créer", self.id))?;
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        pixmap
            .encode_png()
            .map_err(|error| format!("graphique {} : PNG impossible à écrire ({error})", self.id))
    }
}
