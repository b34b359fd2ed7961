//! The native tool: runs a scenario with the same core as the page and writes its metrics and
//! figures.
//!
//! ```text
//! batchscape run [--config FILE.json] [--set key=value]... --out DIR
//! ```
//! Writes `DIR/metrics.json` (`{"settings": {...}, "runs": [...]}`, one run per batch size in
//! `batch`), `DIR/landscape-b<B>.svg` and `DIR/curves.svg`. Bad arguments exit with status 2
//! and a one-line message naming the argument, before anything is written. The argument
//! grammar is four flags, so it is parsed by hand rather than with a parser crate.

use batchscape::render::{self, CurvesView, LandscapeView, PathView, Series, RUN_COLORS};
use batchscape::scenario::{RunReport, Scenario};
use batchscape::settings::{Settings, KEYS};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: batchscape run [--config FILE.json] [--set key=value]... --out DIR";

struct Args {
    settings: Settings,
    out: PathBuf,
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut it = argv.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some(other) => return Err(format!("unknown command `{other}`; {USAGE}")),
        None => return Err(USAGE.into()),
    }
    let mut settings = Settings::default();
    let mut out = None;
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("`{name}` needs a value; {USAGE}"));
        match arg.as_str() {
            "--config" => {
                let file = value("--config")?;
                let text = std::fs::read_to_string(&file).map_err(|e| format!("--config {file}: {e}"))?;
                settings.apply_json(&text).map_err(|e| format!("--config {file}: {e}"))?;
            }
            "--set" => {
                let kv = value("--set")?;
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("--set {kv}: expected key=value"))?;
                settings.set(k, v).map_err(|e| format!("--set {kv}: {e}"))?;
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--help" | "-h" => {
                let keys: Vec<String> = KEYS.iter().map(|s| format!("  {:<8} {} ({})", s.key, s.help, s.kind.allowed())).collect();
                return Err(format!("{USAGE}\nsettings:\n{}", keys.join("\n")));
            }
            other => return Err(format!("unknown argument `{other}`; {USAGE}")),
        }
    }
    settings.check().map_err(|e| format!("settings: {e}"))?;
    let out = out.ok_or_else(|| format!("`--out DIR` is required; {USAGE}"))?;
    Ok(Args { settings, out })
}

/// Writes via a temporary name and a rename, so a reader never sees half a file.
fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

fn run(args: Args) -> Result<(), String> {
    let scenario = Scenario::new(&args.settings);
    let mut reports = Vec::new();
    let mut figures = Vec::new();
    for &b in &args.settings.batch {
        let mut trainer = scenario.trainer(b);
        let start = std::time::Instant::now();
        trainer.advance(usize::MAX);
        let wall_ms = start.elapsed().as_secs_f64() * 1e3;
        let land = scenario.landscape(trainer.history(), trainer.theta(), args.settings.grid);
        let view = LandscapeView {
            n: land.grid.n,
            extent: land.grid.extent,
            values: &land.grid.values,
            paths: vec![PathView { points: &land.path, color: RUN_COLORS[reports.len() % 4] }],
            alpha_label: &land.plane.alpha_label,
            beta_label: &land.plane.beta_label,
        };
        figures.push((format!("landscape-b{b}.svg"), render::to_svg(640, 540, |r| render::draw_landscape(r, &view))?));
        let mut report = serde_json::to_value(RunReport::new(&trainer)).map_err(|e| e.to_string())?;
        report["wall_ms"] = serde_json::json!(wall_ms);
        reports.push((trainer.history().clone(), report));
    }
    let labels: Vec<(String, String)> =
        reports.iter().map(|(_, r)| (format!("train B={}", r["batch_size"]), format!("test B={}", r["batch_size"]))).collect();
    let mut series = Vec::new();
    for (k, ((h, _), (l_train, l_test))) in reports.iter().zip(&labels).enumerate() {
        let steps: &[f64] = &h.epoch;
        series.push(Series { label: l_train, xs: steps, ys: &h.train_loss, color: RUN_COLORS[k % 4], dashed: false });
        series.push(Series { label: l_test, xs: steps, ys: &h.test_loss, color: RUN_COLORS[k % 4], dashed: true });
    }
    let curves = CurvesView { series, x_label: "epoch", y_label: "loss (BCE)", log_y: false };
    figures.push(("curves.svg".into(), render::to_svg(640, 400, |r| render::draw_curves(r, &curves))?));

    let settings: serde_json::Map<String, serde_json::Value> =
        args.settings.to_pairs().into_iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v))).collect();
    let metrics = serde_json::json!({
        "settings": settings,
        "runs": reports.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&metrics).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&args.out).map_err(|e| format!("--out {}: {e}", args.out.display()))?;
    for (name, svg) in &figures {
        write_atomic(&args.out.join(name), svg).map_err(|e| format!("writing {name}: {e}"))?;
    }
    write_atomic(&args.out.join("metrics.json"), &text).map_err(|e| format!("writing metrics.json: {e}"))?;
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("batchscape: {msg}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("batchscape: {msg}");
            ExitCode::from(1)
        }
    }
}
