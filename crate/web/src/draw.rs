//! Drawing: [`draw`] paints a typed [`Chart`] (from the page's views, through
//! `serde-wasm-bindgen`) on a [`Target`]: a `<canvas>` or `OffscreenCanvas` in the draw worker,
//! or an SVG document for the main thread's exports. One export for every chart kind: the kind
//! is the chart's tag, and canvas and SVG share the drawing code.

use crate::backend::AnyBackend;
use crate::canvas::{context_of, Canvas2d};
use crate::measure::Measured;
use crate::to_js;
use batchscape_render::{Cells, Chart, PlotFrame};
use plotters::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, ImageData, OffscreenCanvas};

const NO_CONTEXT: &str = "expected a <canvas> or an OffscreenCanvas with a 2-D context";

enum Surface {
    Canvas { canvas: JsValue, scale: f64 },
    Svg { width: u32, height: u32 },
}

/// Where a chart is drawn.
#[wasm_bindgen]
pub struct Target {
    surface: Surface,
}

#[wasm_bindgen]
impl Target {
    /// A `<canvas>` or an `OffscreenCanvas`, with `scale` device pixels per chart pixel (the
    /// page's `devicePixelRatio`; 1 for a plain canvas).
    pub fn canvas(canvas: JsValue, scale: f64) -> Target {
        Target { surface: Surface::Canvas { canvas, scale } }
    }

    /// An SVG document of `width × height` chart pixels.
    pub fn svg(width: u32, height: u32) -> Target {
        Target { surface: Surface::Svg { width, height } }
    }
}

/// What [`draw`] returns: where the plot landed (for hover), and the SVG document for an SVG target.
#[derive(Serialize)]
struct Drawn {
    frame: Frame,
    svg: Option<String>,
}

/// A plot frame for the page: the plot's pixel box and its data ranges.
#[derive(Serialize)]
struct Frame {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
    log_y: bool,
}

impl From<PlotFrame> for Frame {
    fn from(f: PlotFrame) -> Self {
        let [x0, y0, x1, y1] = f.pixels;
        Frame { x0, y0, x1, y1, x_min: f.x.0, x_max: f.x.1, y_min: f.y.0, y_max: f.y.1, log_y: f.log_y }
    }
}

/// Draws `chart` (a [`Chart`] as a plain object: `{kind: "lines" | "landscape" | "boundary" |
/// "sweep", …}`) on `target`; returns `{frame, svg}`. A malformed chart is an error naming the
/// field, before anything is drawn.
#[wasm_bindgen]
pub fn draw(target: &Target, chart: JsValue) -> Result<JsValue, JsError> {
    // `Chart::draw` checks the chart before anything is drawn.
    let chart = chart_of(&chart).map_err(|e| JsError::new(&format!("chart: {e}")))?;
    let drawn = match &target.surface {
        Surface::Svg { width, height } => {
            let mut out = String::new();
            let frame = {
                let root = AnyBackend::Svg(Measured { inner: SVGBackend::with_string(&mut out, (*width, *height)) }).into_drawing_area();
                let frame = chart.draw(&root, Cells::Rectangles).map_err(|e| JsError::new(&e))?;
                root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
                frame
            };
            Drawn { frame: frame.into(), svg: Some(out) }
        }
        Surface::Canvas { canvas, scale } => {
            let root = Canvas2d::new(canvas, *scale).map(|c| AnyBackend::Canvas(c).into_drawing_area()).ok_or_else(|| JsError::new(NO_CONTEXT))?;
            let raster = chart.raster();
            if raster.is_some() {
                clear(canvas)?;
            }
            let cells = if raster.is_some() { Cells::Raster } else { Cells::Rectangles };
            let frame = chart.draw(&root, cells).map_err(|e| JsError::new(&e))?;
            root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
            if let Some((rgba, n)) = raster {
                paint_beneath(canvas, &rgba, n, &frame)?;
            }
            Drawn { frame: frame.into(), svg: None }
        }
    };
    to_js(&drawn)
}

/// `value` with every typed array (the workers' histories and points) turned into a plain
/// array, which is what `serde-wasm-bindgen` reads as a sequence (it rejects typed arrays for
/// `Vec<f64>`/`Vec<f32>`; only `Uint8Array` has a special path, as bytes).
/// The chart of a plain JS object: its `kind` read first, then its fields as that kind's struct
/// ([`Chart::from_kind`]: no buffering of the whole object, as the derived tagged-enum
/// deserializer does; the draw module is ~60 KB smaller for it).
fn chart_of(value: &JsValue) -> Result<Chart, String> {
    let value = plain(value);
    let kind = js_sys::Reflect::get(&value, &JsValue::from_str("kind")).ok().and_then(|k| k.as_string()).ok_or("missing field `kind`")?;
    Chart::from_kind(&kind, serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| e.to_string())
}

fn plain(value: &JsValue) -> JsValue {
    if js_sys::ArrayBuffer::is_view(value) {
        return js_sys::Array::from(value).into();
    }
    if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        return array.map(&mut |v, _, _| plain(&v)).into();
    }
    if value.is_object() {
        let out = js_sys::Object::new();
        for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let _ = js_sys::Reflect::set(&out, &pair.get(0), &plain(&pair.get(1)));
        }
        return out.into();
    }
    value.clone()
}

fn context(canvas: &JsValue) -> Result<(CanvasRenderingContext2d, (u32, u32)), JsError> {
    context_of(canvas).ok_or_else(|| JsError::new(NO_CONTEXT))
}

fn js_err(e: JsValue) -> JsError {
    JsError::new(&format!("canvas: {e:?}"))
}

/// Makes the canvas transparent, for a drawing whose background is painted beneath afterwards.
fn clear(canvas: &JsValue) -> Result<(), JsError> {
    let (ctx, (w, h)) = context(canvas)?;
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    Ok(())
}

/// Paints an `n × n` RGBA heatmap (grid points at the plot's corners, so the image extends
/// half a cell beyond the plot area on each side and is clipped to it) *beneath* what is
/// already drawn, then a white background beneath everything: the raster counterpart of
/// drawing one rectangle per cell, at a small fraction of the cost.
fn paint_beneath(canvas: &JsValue, rgba: &[u8], n: usize, frame: &PlotFrame) -> Result<(), JsError> {
    let tile = OffscreenCanvas::new(n as u32, n as u32).map_err(js_err)?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), n as u32, n as u32).map_err(js_err)?;
    context(tile.unchecked_ref())?.0.put_image_data(&image, 0.0, 0.0).map_err(js_err)?;
    let (ctx, (width, height)) = context(canvas)?;
    let [x0, y0, x1, y1] = frame.pixels.map(f64::from);
    let (cw, ch) = ((x1 - x0) / (n - 1).max(1) as f64, (y1 - y0) / (n - 1).max(1) as f64);
    ctx.save();
    ctx.set_global_composite_operation("destination-over").map_err(js_err)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.begin_path();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.draw_image_with_offscreen_canvas_and_dw_and_dh(&tile, x0 - cw / 2.0, y0 - ch / 2.0, x1 - x0 + cw, y1 - y0 + ch)
        .map_err(js_err)?;
    ctx.restore();
    ctx.save();
    ctx.set_global_composite_operation("destination-over").map_err(js_err)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    ctx.restore();
    Ok(())
}
