//! A drawing backend wrapper that measures text with a canvas's `measureText` instead of
//! plotters' web font code, which appends a `<span>` to the page and reads its size (a forced
//! page layout per label, and impossible in a worker). Used for the SVG exports, so that their
//! layout matches the canvas drawings of [`crate::canvas::Canvas2d`], which measures the same
//! way. Everything else is delegated unchanged.

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, OffscreenCanvas};

use crate::canvas::{css_font, line_height};

thread_local! {
    /// One small offscreen canvas (in the page or a worker), only ever used to measure text.
    static MEASURER: RefCell<Option<CanvasRenderingContext2d>> = const { RefCell::new(None) };
}

fn measurer() -> Option<CanvasRenderingContext2d> {
    MEASURER.with(|m| {
        if m.borrow().is_none() {
            // Unchecked: see `canvas::context_of`.
            let ctx = OffscreenCanvas::new(1, 1)
                .ok()
                .and_then(|c| c.get_context("2d").ok().flatten())
                .map(|c| c.unchecked_into::<CanvasRenderingContext2d>());
            *m.borrow_mut() = ctx;
        }
        m.borrow().clone()
    })
}

/// `inner` with text measured by a canvas (the same font string the canvas backend draws with).
pub struct Measured<B> {
    pub inner: B,
}

impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let Some(ctx) = measurer() else { return self.inner.estimate_text_size(text, style) };
        ctx.set_font(&css_font(style));
        let width = ctx.measure_text(text).map(|m| m.width()).unwrap_or(0.0);
        Ok((width.ceil() as u32, line_height(style.size())))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
