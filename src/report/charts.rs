//! Charts drawn with plotters, twice from the same drawing code: as SVG (the HTML page
//! embeds exactly the file that is in `graphiques/`, and the PDF engine reads it, its text
//! in DejaVu Sans) and as a 1920 × 1080 PNG for slides, whose text `raster` draws. Text
//! uses the DejaVu Sans embedded in the binary (registered with plotters, which measures
//! with it), so that no system font is looked up and every machine gives the same bytes.
//!
//! Colours are the Okabe–Ito palette, distinguishable with the common colour-vision
//! deficiencies. A hidden value (`None`) is never drawn, neither bar nor point: its label
//! (« s ») is written where the bar or the point would be.

use plotters::backend::{BitMapBackend, RGBPixel, SVGBackend};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, Color, DrawingArea, DrawingAreaErrorKind,
    DrawingBackend, FontDesc, FontFamily, FontStyle, IntoDrawingArea, PathElement, RGBColor,
    Rectangle, Text, TextStyle, WHITE,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::TRANSPARENT;
use serde::Serialize;
use std::sync::OnceLock;

mod raster;

/// The font embedded in the binary (DejaVu Sans, see `assets/fonts/LICENCE-DejaVu.txt`).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Its bold face, for the chart titles.
pub const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family written on every SVG text element. Plotters writes the name a font is
/// registered under, so the whole list is that name: the PDF engine and a browser with
/// DejaVu Sans use it, another browser falls back to a sans-serif face.
const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Okabe–Ito colours (black left out), in the order series use them.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
];

pub const WIDTH: u32 = 1920;
pub const HEIGHT: u32 = 1080;

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const GRID: RGBColor = RGBColor(0xd0, 0xd0, 0xd0);
const BANNER: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Shape {
    /// Horizontal bars, one group per category, one bar per series.
    Bars,
    /// Horizontal bars, one per category, the series stacked from left to right
    /// (decisions granted, refused and pending, for instance).
    StackedBars,
    /// Lines over the categories (years), one per series; a missing value breaks the line.
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

/// Registers the embedded faces with plotters, once per process.
fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD).is_ok()
    });
    if *registered {
        Ok(())
    } else {
        Err("la police DejaVu Sans intégrée est illisible".to_string())
    }
}

/// A text style; `em` is the font size in pixels, SVG's `font-size`.
fn text(em: f64, weight: FontStyle, colour: RGBColor, h_pos: HPos) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(
            FontFamily::Name(FONT_FAMILY),
            em * raster::SIZE_PER_EM,
            weight,
        ),
        color: colour.to_backend_color(),
        pos: Pos::new(h_pos, VPos::Center),
    }
}

/// The size at which a line of text fills at most the slide's width inside its margins:
/// `em`, or smaller for a long line.
fn fitted(line: &str, em: f64, weight: FontStyle) -> f64 {
    let room = f64::from(WIDTH) - 2.0 * f64::from(SIDE);
    let width = raster::text_width(line, em, weight);
    if width > room {
        (em * room / width).floor()
    } else {
        em
    }
}

/// The width of a text in whole pixels, the same for both backends.
fn text_width(text: &str, em: f64, weight: FontStyle) -> i32 {
    raster::text_width(text, em, weight).ceil() as i32
}

fn colour(position: usize) -> RGBColor {
    let hex = PALETTE[position % PALETTE.len()].trim_start_matches('#');
    let channel = |range: std::ops::Range<usize>| {
        hex.get(range)
            .and_then(|digits| u8::from_str_radix(digits, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(channel(0..2), channel(2..4), channel(4..6))
}

/// Dark ink on light colours, white on dark ones: whichever contrasts more (WCAG).
fn ink_on(background: RGBColor) -> RGBColor {
    let linear = |channel: u8| {
        let value = f64::from(channel) / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(background.0)
        + 0.7152 * linear(background.1)
        + 0.0722 * linear(background.2);
    let ink_luminance = 0.2126 * linear(INK.0) + 0.7152 * linear(INK.1) + 0.0722 * linear(INK.2);
    if (1.05) / (luminance + 0.05) > (luminance + 0.05) / (ink_luminance + 0.05) {
        WHITE
    } else {
        INK
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

/// A value that is drawn: shown and finite.
fn drawn(value: Option<&Option<f64>>) -> Option<f64> {
    value
        .copied()
        .flatten()
        .filter(|value| value.is_finite())
        .map(|value| value.max(0.0))
}

/// Plotters' chart of values (x) against category bands (y).
type BarChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Where the plot starts below the title, banner and legend.
const PLOT_TOP: i32 = 190;
const PLOT_BOTTOM: i32 = 1010;
const SIDE: i32 = 60;

impl Chart {
    /// The chart as an SVG document (1920 × 1080 view box, scalable). Should drawing fail
    /// (it cannot with the embedded font), the document holds the title and text
    /// alternative only; `svg_file` reports the error.
    pub fn svg(&self) -> String {
        self.svg_file().unwrap_or_else(|_| {
            accessible(
                &format!(
                    r#"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">
</svg>
"#
                ),
                self,
            )
            .unwrap_or_default()
        })
    }

    /// The chart as a standalone SVG file, the one the HTML page embeds: text elements in
    /// DejaVu Sans, a title and a text alternative for screen readers.
    pub fn svg_file(&self) -> Result<String, String> {
        register_fonts()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(&root)
                .and_then(|()| root.present())
                .map_err(|error| self.error(&error))?;
        }
        accessible(&svg, self)
    }

    /// The chart as a 1920 × 1080 PNG.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        register_fonts()?;
        let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
        {
            let backend =
                BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, (WIDTH, HEIGHT))
                    .map_err(|error| self.error(&error))?;
            let root = raster::Raster::new(backend).into_drawing_area();
            self.draw(&root)
                .and_then(|()| root.present())
                .map_err(|error| self.error(&error))?;
        }
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut writer| {
                writer.write_image_data(&pixels)?;
                writer.finish()
            })
            .map_err(|error| {
                format!("graphique {} : PNG impossible à écrire ({error})", self.id)
            })?;
        Ok(bytes)
    }

    fn error(&self, error: &dyn std::fmt::Display) -> String {
        format!("graphique {} : dessin impossible ({error})", self.id)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        if let Some(banner) = &self.banner {
            root.draw(&Text::new(
                banner.clone(),
                (i32::try_from(WIDTH).unwrap_or(0) - SIDE, 32),
                text(26.0, FontStyle::Bold, BANNER, HPos::Right),
            ))?;
        }
        // Long titles, legends and sources get smaller so that they stay within the slide.
        root.draw(&Text::new(
            self.title.clone(),
            (SIDE, 82),
            text(
                fitted(&self.title, 44.0, FontStyle::Bold),
                FontStyle::Bold,
                INK,
                HPos::Left,
            ),
        ))?;
        if self.series.len() > 1 {
            self.draw_legend(root)?;
        }
        root.draw(&Text::new(
            self.source.clone(),
            (SIDE, 1048),
            text(
                fitted(&self.source, 24.0, FontStyle::Normal),
                FontStyle::Normal,
                INK,
                HPos::Left,
            ),
        ))?;
        match self.shape {
            Shape::Bars => self.draw_bars(root),
            Shape::StackedBars => self.draw_stacked_bars(root),
            Shape::Lines => self.draw_lines(root),
        }
    }

    fn draw_legend<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        // Each entry is a swatch and its gap (44 pixels), the name, and 72 pixels before
        // the next; names shrink from 28 pixels when the row would overflow.
        let room = f64::from(WIDTH) - 2.0 * f64::from(SIDE) - 116.0 * self.series.len() as f64;
        let names: f64 = self
            .series
            .iter()
            .map(|series| raster::text_width(&series.name, 28.0, FontStyle::Normal))
            .sum();
        let em = if names > room && room > 0.0 {
            (28.0 * room / names).floor().max(16.0)
        } else {
            28.0
        };
        let mut x = SIDE;
        for (position, series) in self.series.iter().enumerate() {
            root.draw(&Rectangle::new(
                [(x, 124), (x + 32, 156)],
                colour(position).filled(),
            ))?;
            root.draw(&Text::new(
                series.name.clone(),
                (x + 44, 140),
                text(em, FontStyle::Normal, INK, HPos::Left),
            ))?;
            x += 44 + text_width(&series.name, em, FontStyle::Normal) + 72;
        }
        Ok(())
    }

    /// The area of horizontal bars, categories from top to bottom, their names on the left.
    fn bar_chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        maximum: f64,
    ) -> Result<BarChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
        let widest = self
            .categories
            .iter()
            .map(|category| text_width(category, 28.0, FontStyle::Normal))
            .max()
            .unwrap_or(0);
        let area = root.margin(PLOT_TOP, 1080 - PLOT_BOTTOM, SIDE, 160);
        let groups = self.categories.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .y_label_area_size((widest + 30).clamp(200, 800))
            .x_label_area_size(50)
            .build_cartesian_2d(0.0..maximum, 0.0..groups)?;
        let label_style = text(26.0, FontStyle::Normal, INK, HPos::Center);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&|value| axis_label(*value))
            .label_style(label_style)
            .bold_line_style(GRID.stroke_width(2))
            .light_line_style(TRANSPARENT)
            .set_all_tick_mark_size(8)
            .axis_style(INK.stroke_width(3))
            .draw()?;
        for (group, category) in self.categories.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, groups - group as f64 - 0.5));
            root.draw(&Text::new(
                category.clone(),
                (x - 20, y),
                text(28.0, FontStyle::Normal, INK, HPos::Right),
            ))?;
        }
        Ok(chart)
    }

    /// Bars in units of a category's band, no thicker than `pixels`.
    fn bar_thickness(&self, share_of_band: f64, pixels: f64) -> f64 {
        let groups = self.categories.len().max(1) as f64;
        let band_pixels = f64::from(PLOT_BOTTOM - PLOT_TOP - 50) / groups;
        share_of_band.min(pixels / band_pixels)
    }

    fn draw_bars<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let maximum = axis_maximum(
            self.series
                .iter()
                .flat_map(|series| series.values.iter().filter_map(|value| drawn(Some(value))))
                .fold(0.0, f64::max),
        );
        let mut chart = self.bar_chart(root, maximum)?;
        let groups = self.categories.len().max(1) as f64;
        let series_count = self.series.len().max(1) as f64;
        let bar = self.bar_thickness(0.8 / series_count, 80.0);
        let label_style = text(24.0, FontStyle::Normal, INK, HPos::Left);
        for group in 0..self.categories.len() {
            let centre = groups - group as f64 - 0.5;
            for (position, series) in self.series.iter().enumerate() {
                // The first series on top.
                let top = centre + bar * series_count / 2.0 - bar * position as f64;
                let bottom = top - bar * 0.9;
                let label = series.labels.get(group).cloned().unwrap_or_default();
                let end = match drawn(series.values.get(group)) {
                    Some(value) => {
                        chart.draw_series(std::iter::once(Rectangle::new(
                            [(0.0, top), (value.min(maximum), bottom)],
                            colour(position).filled(),
                        )))?;
                        value.min(maximum)
                    }
                    None => 0.0,
                };
                let (x, y) = chart.backend_coord(&(end, (top + bottom) / 2.0));
                root.draw(&Text::new(label, (x + 12, y), label_style.clone()))?;
            }
        }
        Ok(())
    }

    fn draw_stacked_bars<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB> {
        let total = |group: usize| -> f64 {
            self.series
                .iter()
                .filter_map(|series| drawn(series.values.get(group)))
                .sum()
        };
        let maximum = axis_maximum((0..self.categories.len()).map(total).fold(0.0, f64::max));
        let mut chart = self.bar_chart(root, maximum)?;
        let groups = self.categories.len().max(1) as f64;
        let bar = self.bar_thickness(0.7, 90.0);
        for group in 0..self.categories.len() {
            let centre = groups - group as f64 - 0.5;
            let (top, bottom) = (centre + bar / 2.0, centre - bar / 2.0);
            let mut start = 0.0;
            let mut hidden = Vec::new();
            for (position, series) in self.series.iter().enumerate() {
                let label = series.labels.get(group).cloned().unwrap_or_default();
                let Some(value) = drawn(series.values.get(group)) else {
                    hidden.push(format!("{} : {label}", series.name));
                    continue;
                };
                let end = (start + value).min(maximum);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(start, top), (end, bottom)],
                    colour(position).filled(),
                )))?;
                // The label inside its segment, when it fits there.
                let (left, y) = chart.backend_coord(&(start, centre));
                let (right, _) = chart.backend_coord(&(end, centre));
                if text_width(&label, 24.0, FontStyle::Normal) + 16 <= right - left {
                    root.draw(&Text::new(
                        label,
                        ((left + right) / 2, y),
                        text(
                            24.0,
                            FontStyle::Normal,
                            ink_on(colour(position)),
                            HPos::Center,
                        ),
                    ))?;
                }
                start = end;
            }
            if !hidden.is_empty() {
                let (x, y) = chart.backend_coord(&(start, centre));
                root.draw(&Text::new(
                    hidden.join(" ; "),
                    (x + 12, y),
                    text(24.0, FontStyle::Normal, INK, HPos::Left),
                ))?;
            }
        }
        Ok(())
    }

    fn draw_lines<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let maximum = axis_maximum(
            self.series
                .iter()
                .flat_map(|series| series.values.iter().filter_map(|value| drawn(Some(value))))
                .fold(0.0, f64::max),
        );
        let last = self.categories.len().saturating_sub(1) as f64;
        let area = root.margin(PLOT_TOP, 1080 - PLOT_BOTTOM, SIDE, 100);
        let mut chart = ChartBuilder::on(&area)
            .y_label_area_size(140)
            .x_label_area_size(60)
            .build_cartesian_2d(-0.4..last + 0.4, 0.0..maximum)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&|value| axis_label(*value))
            .label_style(text(26.0, FontStyle::Normal, INK, HPos::Center))
            .bold_line_style(GRID.stroke_width(2))
            .light_line_style(TRANSPARENT)
            .set_all_tick_mark_size(8)
            .axis_style(INK.stroke_width(3))
            .draw()?;
        for (index, category) in self.categories.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(index as f64, 0.0));
            root.draw(&Text::new(
                category.clone(),
                (x, y + 34),
                text(28.0, FontStyle::Normal, INK, HPos::Center),
            ))?;
        }
        let label_style = text(24.0, FontStyle::Normal, INK, HPos::Center);
        for (position, series) in self.series.iter().enumerate() {
            let series_colour = colour(position);
            // One path per run of shown values: a hidden year breaks the line.
            let mut run = Vec::new();
            let mut runs = Vec::new();
            for index in 0..self.categories.len() {
                match drawn(series.values.get(index)) {
                    Some(value) => run.push((index as f64, value.min(maximum))),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for run in runs.into_iter().filter(|run| run.len() > 1) {
                chart.draw_series(std::iter::once(PathElement::new(
                    run,
                    series_colour.stroke_width(6),
                )))?;
            }
            for index in 0..self.categories.len() {
                let label = series.labels.get(index).cloned().unwrap_or_default();
                match drawn(series.values.get(index)) {
                    Some(value) => {
                        let point = (index as f64, value.min(maximum));
                        chart.draw_series(std::iter::once(Circle::new(
                            point,
                            10,
                            series_colour.filled(),
                        )))?;
                        // Every other series labels below its points, so that two
                        // close lines do not write over each other.
                        let (x, y) = chart.backend_coord(&point);
                        let offset = if position % 2 == 0 { -30 } else { 34 };
                        root.draw(&Text::new(label, (x, y + offset), label_style.clone()))?;
                    }
                    None => {
                        // Where the point would be is unknown: above the axis, one line
                        // per series, named when there are several.
                        let label = if self.series.len() > 1 {
                            format!("{} : {label}", series.name)
                        } else {
                            label
                        };
                        let (x, y) = chart.backend_coord(&(index as f64, 0.0));
                        let offset = 24 + 30 * i32::try_from(position).unwrap_or(0);
                        root.draw(&Text::new(label, (x, y - offset), label_style.clone()))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The drawn SVG with what plotters does not write: `role`, the title and the text
/// alternative that `aria-labelledby` points to.
fn accessible(svg: &str, chart: &Chart) -> Result<String, String> {
    let end = svg
        .starts_with("<svg ")
        .then(|| svg.find('>'))
        .flatten()
        .ok_or_else(|| format!("graphique {} : SVG inattendu", chart.id))?;
    let id = &chart.id;
    let title = match &chart.banner {
        Some(banner) => format!("{} — {banner}", chart.title),
        None => chart.title.clone(),
    };
    Ok(format!(
        "{} role=\"img\" aria-labelledby=\"{id}-titre {id}-desc\">\n<title id=\"{id}-titre\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n{}",
        &svg[..end],
        escape(&title),
        escape(&chart.description),
        svg[end + 1..].trim_start_matches('\n')
    ))
}
