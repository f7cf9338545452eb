//! The PNG's backend: plotters' bitmap backend, with its text laid out and rasterised here
//! with ab_glyph (the rasteriser plotters itself uses). Plotters' own bitmap text leaves
//! out each glyph's side bearing and rounds the pen to whole pixels, which spaces letters
//! unevenly at slide size (« populati on »); here each glyph sits at its exact place, with
//! kerning, and the size and the baseline follow plotters' SVG text, so the PNG and the SVG
//! look alike.

use ab_glyph::{point, Font, FontRef, Glyph, PxScale, ScaleFont};
use plotters::backend::{BitMapBackend, RGBPixel};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::sync::OnceLock;

/// plotters-svg writes `font-size` = size / 1.24; the PNG reads sizes the same way.
pub const SIZE_PER_EM: f64 = 1.24;

/// DejaVu Sans' x-height, 1 118 of its 2 048 units per em: plotters-svg centres text
/// vertically with `dy="0.5ex"`.
const X_HEIGHT: f32 = 1118.0 / 2048.0;

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::try_from_slice(super::FONT).ok()?,
                bold: FontRef::try_from_slice(super::FONT_BOLD).ok()?,
            })
        })
        .as_ref()
}

/// The glyphs of a line of text at `em` pixels, the pen starting at 0 on the baseline,
/// and the line's advance width.
fn layout(
    text: &str,
    em: f32,
    style: FontStyle,
) -> Option<(&'static FontRef<'static>, Vec<Glyph>, f32)> {
    let faces = faces()?;
    let face = match style {
        FontStyle::Bold => &faces.bold,
        _ => &faces.regular,
    };
    let units_per_em = face.units_per_em()?;
    // ab_glyph scales the ascent − descent to the given height.
    let scale = PxScale::from(em * face.height_unscaled() / units_per_em);
    let scaled = face.as_scaled(scale);
    let mut pen = 0.0f32;
    let mut previous = None;
    let mut glyphs = Vec::new();
    for character in text.chars() {
        let id = scaled.glyph_id(character);
        if let Some(previous) = previous {
            pen += scaled.kern(previous, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(pen, 0.0)));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    Some((face, glyphs, pen))
}

/// The advance width of a line of text at `em` pixels.
pub fn text_width(text: &str, em: f64, style: FontStyle) -> f64 {
    layout(text, em as f32, style).map_or(0.0, |(_, _, width)| f64::from(width))
}

/// Plotters' bitmap backend over an RGB buffer, drawing its own text.
pub struct Raster<'a> {
    bitmap: BitMapBackend<'a, RGBPixel>,
}

impl<'a> Raster<'a> {
    pub fn new(bitmap: BitMapBackend<'a, RGBPixel>) -> Self {
        Self { bitmap }
    }
}

impl<'a> DrawingBackend for Raster<'a> {
    type ErrorType = <BitMapBackend<'a, RGBPixel> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.bitmap.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.draw_pixel(point, colour)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.fill_polygon(vertices, style)
    }

    fn blit_bitmap(
        &mut self,
        position: BackendCoord,
        size: (u32, u32),
        source: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap.blit_bitmap(position, size, source)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let em = style.size() / SIZE_PER_EM;
        let width = text_width(text, em, style.style());
        Ok((width.ceil() as u32, em.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        // This module's charts write no rotated text; plotters draws any other.
        if !matches!(style.transform(), FontTransform::None) {
            return self.bitmap.draw_text(text, style, (x, y));
        }
        let em = (style.size() / SIZE_PER_EM) as f32;
        let Some((face, glyphs, width)) = layout(text, em, style.style()) else {
            return self.bitmap.draw_text(text, style, (x, y));
        };
        let anchor = style.anchor();
        let left = x as f32
            - match anchor.h_pos {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };
        let baseline = y as f32
            + match anchor.v_pos {
                VPos::Top => 0.76 * em,
                VPos::Center => 0.5 * X_HEIGHT * em,
                VPos::Bottom => -0.5 * X_HEIGHT * em,
            };
        let mut result = Ok(());
        for mut glyph in glyphs {
            glyph.position = point(left + glyph.position.x, baseline);
            let Some(outline) = face.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|column, row, coverage| {
                if result.is_ok() {
                    result = self.bitmap.draw_pixel(
                        (
                            bounds.min.x as i32 + column as i32,
                            bounds.min.y as i32 + row as i32,
                        ),
                        BackendColor {
                            alpha: colour.alpha * f64::from(coverage.min(1.0)),
                            rgb: colour.rgb,
                        },
                    );
                }
            });
        }
        result
    }
}
