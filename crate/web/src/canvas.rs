//! A plotters drawing backend for a 2-D canvas context: a `<canvas>` on the page or an
//! `OffscreenCanvas` in the draw worker (`www/draw-worker.js`), which paints every chart off
//! the main thread.
//!
//! Why not plotters-canvas: it accepts only an `HtmlCanvasElement` and checks that the context
//! is a `CanvasRenderingContext2D`, a class that does not exist in a worker; and it measures
//! text by adding a `<span>` to the page. This backend differs from it in three ways, and in
//! nothing else (the drawing calls are the same):
//! - it takes either canvas (see [`Canvas2d::new`]), at any device-pixel scale: a chart is laid
//!   out in CSS pixels and drawn through a scaling transform, so it is sharp on a high-density
//!   screen;
//! - it measures text with the context's own `measureText`, and joins lines with round joins;
//! - consecutive lines and paths of the same colour and width are stroked as **one** path
//!   (a contour level, a grid, a dashed series), and a fill or stroke colour is set only when
//!   it changes, which makes a chart of thousands of segments several times cheaper to draw.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontTransform};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, OffscreenCanvas};

/// A drawing error from the canvas (a JavaScript exception, as text).
#[derive(Debug)]
pub struct CanvasError(String);

impl std::fmt::Display for CanvasError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "canvas: {}", self.0)
    }
}

impl std::error::Error for CanvasError {}

fn error_cast(e: JsValue) -> DrawingErrorKind<CanvasError> {
    DrawingErrorKind::DrawingError(CanvasError(format!("{e:?}")))
}

/// The 2-D context and size of `canvas`, an `HTMLCanvasElement` or an `OffscreenCanvas`.
///
/// An `OffscreenCanvasRenderingContext2D` is returned as a `CanvasRenderingContext2d`: the two
/// share every method this module calls, and web-sys calls methods structurally (by name on
/// the object), so no method is looked up on the wrong class. The cast is unchecked because
/// `CanvasRenderingContext2D` is not defined in a worker.
pub fn context_of(canvas: &JsValue) -> Option<(CanvasRenderingContext2d, (u32, u32))> {
    if let Some(c) = canvas.dyn_ref::<OffscreenCanvas>() {
        let ctx = c.get_context("2d").ok()??;
        return Some((ctx.unchecked_into(), (c.width(), c.height())));
    }
    let c = canvas.dyn_ref::<HtmlCanvasElement>()?;
    let ctx = c.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    Some((ctx, (c.width(), c.height())))
}

/// CSS text of a colour, as plotters-canvas writes it.
fn css(color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    format!("rgba({r},{g},{b},{})", color.alpha)
}

/// CSS font of a text style, as plotters-canvas writes it.
pub fn css_font<T: BackendTextStyle>(style: &T) -> String {
    format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str())
}

/// Line height plotters' DOM measurement reported for a font: the line box of an inline block,
/// about 1.2 × the font size for the sans-serif fonts used here.
pub fn line_height(size: f64) -> u32 {
    (size * 1.2).round() as u32
}

/// The backend. Create one per drawing; [`DrawingBackend::present`] strokes what is pending.
pub struct Canvas2d {
    ctx: CanvasRenderingContext2d,
    size: (u32, u32),
    /// Colour and width of the path being collected (not stroked yet), if any.
    open: Option<(String, u32)>,
    fill: String,
    stroke: String,
    line_width: u32,
    font: String,
}

/// A device-pixel scale as given by the page, made safe: finite, within 0.25 to 4 (else 1).
pub fn sane_scale(scale: f64) -> f64 {
    if scale.is_finite() && (0.25..=4.0).contains(&scale) {
        scale
    } else {
        1.0
    }
}

impl Canvas2d {
    /// A backend drawing on `canvas` (see [`context_of`]) whose pixels are `scale` device pixels
    /// per chart pixel: the chart is `width / scale × height / scale` and the context scales
    /// it up. `None` if the canvas has no 2-D context.
    pub fn new(canvas: &JsValue, scale: f64) -> Option<Self> {
        let (ctx, (w, h)) = context_of(canvas)?;
        let scale = sane_scale(scale);
        ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0).ok()?;
        // Round joins: a jagged small-batch path drawn with mitred joins grows spikes at every
        // sharp turn (most visible on its dark outline).
        ctx.set_line_join("round");
        let size = ((f64::from(w) / scale).round() as u32, (f64::from(h) / scale).round() as u32);
        Some(Canvas2d { ctx, size, open: None, fill: String::new(), stroke: String::new(), line_width: 0, font: String::new() })
    }

    /// Strokes the collected path, if any.
    fn flush(&mut self) {
        if self.open.take().is_some() {
            self.ctx.stroke();
        }
    }

    /// Continues the collected path if it has this colour and width, else strokes it and
    /// starts a new one.
    fn stroke_with<S: BackendStyle>(&mut self, style: &S) {
        let key = (css(style.color()), style.stroke_width());
        if self.open.as_ref() == Some(&key) {
            return;
        }
        self.flush();
        self.set_stroke(&key.0, key.1);
        self.ctx.begin_path();
        self.open = Some(key);
    }

    fn set_stroke(&mut self, color: &str, width: u32) {
        if self.stroke != color {
            self.ctx.set_stroke_style_str(color);
            self.stroke = color.to_string();
        }
        if self.line_width != width {
            self.ctx.set_line_width(f64::from(width));
            self.line_width = width;
        }
    }

    fn set_fill(&mut self, color: BackendColor) {
        let color = css(color);
        if self.fill != color {
            self.ctx.set_fill_style_str(&color);
            self.fill = color;
        }
    }

    fn set_font<T: BackendTextStyle>(&mut self, style: &T) {
        let font = css_font(style);
        if self.font != font {
            self.ctx.set_font(&font);
            self.font = font;
        }
    }
}

/// Moves a vertical or horizontal line by half a pixel so that a 1-px line covers one pixel
/// column or row instead of blurring across two (as plotters-canvas does).
fn crisp(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = ((f64::from(from.0), f64::from(from.1)), (f64::from(to.0), f64::from(to.1)));
    if a.0 == b.0 {
        a.0 -= 0.5;
        b.0 -= 0.5;
    }
    if a.1 == b.1 {
        a.1 -= 0.5;
        b.1 -= 0.5;
    }
    (a, b)
}

impl DrawingBackend for Canvas2d {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush();
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<CanvasError>> {
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        self.set_fill(color);
        self.ctx.fill_rect(f64::from(point.0), f64::from(point.1), 1.0, 1.0);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (a, b) = crisp(from, to);
        self.stroke_with(style);
        self.ctx.move_to(a.0, a.1);
        self.ctx.line_to(b.0, b.1);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (w, h) = (f64::from(bottom_right.0 - upper_left.0), f64::from(bottom_right.1 - upper_left.1));
        if fill {
            self.set_fill(style.color());
            self.ctx.fill_rect(x, y, w, h);
        } else {
            self.set_stroke(&css(style.color()), style.stroke_width());
            self.ctx.stroke_rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut path = path.into_iter();
        let Some(start) = path.next() else { return Ok(()) };
        self.stroke_with(style);
        self.ctx.move_to(f64::from(start.0), f64::from(start.1));
        for p in path {
            self.ctx.line_to(f64::from(p.0), f64::from(p.1));
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let mut vert = vert.into_iter();
        let Some(start) = vert.next() else { return Ok(()) };
        self.set_fill(style.color());
        self.ctx.begin_path();
        self.ctx.move_to(f64::from(start.0), f64::from(start.1));
        for p in vert {
            self.ctx.line_to(f64::from(p.0), f64::from(p.1));
        }
        self.ctx.close_path();
        self.ctx.fill();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        if fill {
            self.set_fill(style.color());
        } else {
            self.set_stroke(&css(style.color()), style.stroke_width());
        }
        self.ctx.begin_path();
        self.ctx
            .arc(f64::from(center.0), f64::from(center.1), f64::from(radius), 0.0, std::f64::consts::TAU)
            .map_err(error_cast)?;
        if fill {
            self.ctx.fill();
        } else {
            self.ctx.stroke();
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<CanvasError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let degrees: f64 = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        };
        let (mut x, mut y) = (f64::from(pos.0), f64::from(pos.1));
        if degrees != 0.0 {
            self.ctx.save();
            self.ctx.translate(x, y).map_err(error_cast)?;
            self.ctx.rotate(degrees.to_radians()).map_err(error_cast)?;
            (x, y) = (0.0, 0.0);
        }
        self.ctx.set_text_baseline(match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        });
        self.ctx.set_text_align(match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        });
        self.set_fill(color);
        self.set_font(style);
        self.ctx.fill_text(text, x, y).map_err(error_cast)?;
        if degrees != 0.0 {
            // restore() also puts back the fill colour and font set inside save().
            self.ctx.restore();
            self.fill.clear();
            self.font.clear();
        }
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // `&self`: the font is set without updating the cache, so the next draw_text sets it again.
        let font = css_font(style);
        if self.font != font {
            self.ctx.set_font(&font);
        }
        let width = self.ctx.measure_text(text).map_err(error_cast)?.width();
        if self.font != font && !self.font.is_empty() {
            self.ctx.set_font(&self.font);
        }
        Ok((width.ceil() as u32, line_height(style.size())))
    }
}
