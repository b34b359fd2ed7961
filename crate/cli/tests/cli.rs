//! The built `batchscape` binary, end to end: every subcommand writes its files, every SVG it
//! writes parses as XML, every `--help` exits 0, a bad `--set` exits 2 with its one-line
//! message, and `completions` prints a script. Budgets are tiny (a few epochs, a small grid).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn batchscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_batchscape")).args(args).output().expect("the binary runs")
}

/// A fresh directory for one test (removed first if a previous run left it).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("batchscape-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args` and asserts it succeeded.
fn ok(args: &[&str]) -> Output {
    let o = batchscape(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    o
}

/// The names of the files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Every `.svg` in `dir` parses as XML with an `<svg>` root that has drawn content; returns
/// how many there were.
fn svgs_parse(dir: &Path) -> usize {
    let mut n = 0;
    for name in files(dir).into_iter().filter(|f| f.ends_with(".svg")) {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
        let shapes = doc.descendants().filter(|d| matches!(d.tag_name().name(), "rect" | "polyline" | "polygon" | "path" | "circle" | "line")).count();
        assert!(shapes > 10, "{name} draws only {shapes} shapes");
        n += 1;
    }
    n
}

fn metrics(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap()
}

const TINY: [&str; 8] = ["--set", "n_train=64", "--set", "n_test=64", "--set", "epochs=3", "--set", "grid=7"];

#[test]
fn run_writes_every_view_of_the_page_for_data_with_an_input_plane() {
    let out = scratch("run");
    let o = out.to_str().unwrap();
    let mut args = vec!["run", "--set", "batch=8,64", "--set", "hidden=4"];
    args.extend(TINY);
    args.extend(["--out", o]);
    ok(&args);
    let expected = [
        "boundaries.svg", "cost.md", "curves.svg", "dynamics_lambda.svg", "dynamics_noise.svg", "interpolation.svg", "landscape.svg",
        "metrics.json", "slices.svg", "surface.svg",
    ];
    assert_eq!(files(&out), expected);
    assert_eq!(svgs_parse(&out), 8);
    let m = metrics(&out);
    assert_eq!(m["runs"].as_array().unwrap().len(), 2);
    assert_eq!(m["cost"]["rows"].as_array().unwrap().len(), 2);
    assert!(m["cost"]["target"].as_f64().unwrap() > 0.0, "{}", m["cost"]);
    let cost = std::fs::read_to_string(out.join("cost.md")).unwrap();
    assert_eq!(cost.lines().filter(|l| l.starts_with("| 1 | 8 |") || l.starts_with("| 2 | 64 |")).count(), 2, "{cost}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn run_on_the_digits_writes_confusion_digit_grid_and_pca_views_instead_of_decision_maps() {
    let out = scratch("digits");
    let o = out.to_str().unwrap();
    let mut args = vec!["run", "--set", "dataset=digits", "--set", "batch=16,64", "--set", "hidden=8"];
    args.extend(TINY);
    args.extend(["--out", o]);
    ok(&args);
    let names = files(&out);
    for f in ["confusion.svg", "digits.svg", "pca.svg"] {
        assert!(names.contains(&f.to_string()), "{f} in {names:?}");
    }
    assert!(!names.contains(&"boundaries.svg".to_string()), "{names:?}");
    assert_eq!(svgs_parse(&out), names.iter().filter(|n| n.ends_with(".svg")).count());
    // pca.svg: one panel per run, its axes naming the shares metrics.json reports.
    let m = metrics(&out);
    let shares: Vec<f64> = m["pca"]["explained"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(shares[0] >= shares[1] && shares[1] > 0.0 && shares[0] + shares[1] < 1.0, "{shares:?}");
    let pca = std::fs::read_to_string(out.join("pca.svg")).unwrap();
    assert_eq!(pca.matches(&format!("PC1 ({:.1} % of variance)", 100.0 * shares[0])).count(), 2, "one panel per run");
    assert!(pca.contains("Run 1: B = 16") && pca.contains("Run 2: B = 64"));
    let n_test = m["runs"][0]["test_confusion"]["n"].as_u64().unwrap() as usize;
    assert_eq!(m["runs"][0]["test_confusion"]["predicted"].as_array().unwrap().len(), n_test, "a prediction per test image");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_scene_writes_the_run_files_with_its_settings_and_its_seed_verdicts() {
    let out = scratch("scene");
    let o = out.to_str().unwrap();
    let o2 = ok(&["scene", "noisy", "--set", "n_test=64", "--set", "epochs=2", "--set", "grid=7", "--seeds", "2", "--out", o]);
    let names = files(&out);
    for f in ["metrics.json", "seeds.json", "landscape.svg", "surface.svg", "dynamics_lambda.svg", "boundaries.svg", "cost.md"] {
        assert!(names.contains(&f.to_string()), "{f} missing from {names:?}");
    }
    svgs_parse(&out);
    let m = metrics(&out);
    assert_eq!(m["scene"]["name"], "noisy");
    assert_eq!(m["settings"]["batch"], serde_json::json!([1, 256]), "the scene's pair");
    assert_eq!(m["settings"]["lr"], 0.05, "the scene's pair");
    assert_eq!(m["settings"]["epochs"], 2, "--set applies after the scene's pairs");
    let seeds: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("seeds.json")).unwrap()).unwrap();
    let verdicts = seeds["scene_verdicts"].as_array().unwrap();
    let claims: Vec<&str> = verdicts.iter().map(|v| v["claim"].as_str().unwrap()).collect();
    assert_eq!(claims, ["jagged_small", "small_fits_better"]);
    let stdout = String::from_utf8_lossy(&o2.stdout);
    assert!(stdout.contains("the smaller batch's loss curve is the more jagged: holds in "), "{stdout}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn seeds_and_sweep_write_their_files() {
    let out = scratch("seeds");
    let o = out.to_str().unwrap();
    let mut args = vec!["seeds", "--set", "batch=8,64", "--set", "hidden=4", "--seeds", "2"];
    args.extend(TINY);
    args.extend(["--out", o]);
    let stdout = String::from_utf8_lossy(&ok(&args).stdout).into_owned();
    assert!(stdout.starts_with("Compared at equal epochs (3 epochs each)"), "{stdout}");
    assert_eq!(files(&out), ["seeds.json"]);
    std::fs::remove_dir_all(&out).unwrap();

    let out = scratch("sweep");
    let o = out.to_str().unwrap();
    ok(&["sweep", "--set", "n_train=64", "--set", "n_test=64", "--set", "hidden=4", "--set", "target_loss=0.5", "--set", "max_steps=100", "--lrs", "0.3,3", "--out", o]);
    assert_eq!(files(&out), ["lr_map.svg", "sweep.json", "tradeoff.svg"]);
    assert_eq!(svgs_parse(&out), 2);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn every_help_exits_zero_and_names_its_command() {
    for cmd in [&[][..], &["run"], &["scene"], &["seeds"], &["sweep"], &["completions"]] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = ok(&args);
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Usage: batchscape"), "{args:?}: {text}");
    }
    let run = String::from_utf8_lossy(&ok(&["run", "--help"]).stdout).into_owned();
    assert!(run.contains("label_noise") && run.contains("SVG only"), "{run}");
    let scene = String::from_utf8_lossy(&ok(&["scene", "--help"]).stdout).into_owned();
    assert!(scene.contains("sharp_epochs") && scene.contains("batch=1,256"), "{scene}");
}

#[test]
fn bad_settings_exit_2_with_one_line_each_and_write_nothing() {
    let out = scratch("bad");
    let o = out.to_str().unwrap();
    for cmd in ["run", "seeds", "sweep"] {
        let r = batchscape(&[cmd, "--set", "lr=1e999", "--set", "colour=red", "--out", o]);
        assert_eq!(r.status.code(), Some(2), "{cmd}");
        let err = stderr(&r);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{cmd}: {err}");
        assert!(lines[0].starts_with("batchscape: --set lr=1e999: `lr` = \"1e999\" is not allowed"), "{cmd}: {err}");
        assert!(lines[1].starts_with("batchscape: --set colour=red: unknown setting `colour`"), "{cmd}: {err}");
    }
    let r = batchscape(&["scene", "noisy", "--set", "batch=0", "--out", o]);
    assert_eq!((r.status.code(), stderr(&r).lines().count()), (Some(2), 1), "{}", stderr(&r));
    assert!(!out.exists(), "nothing is written for bad arguments");
}

#[test]
fn completions_print_a_script_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef batchscape"), ("fish", "complete -c batchscape")] {
        let text = String::from_utf8_lossy(&ok(&["completions", shell]).stdout).into_owned();
        assert!(text.contains(marker), "{shell}: {}", &text[..text.len().min(300)]);
        assert!(text.contains("sweep") && text.contains("lrs"), "{shell}: the commands and their flags");
        // clap_complete's fish script completes no positional values, so no scene names there.
        if shell != "fish" {
            assert!(text.contains("sharp_epochs"), "{shell}: the scene names");
        }
    }
    assert_eq!(batchscape(&["completions", "tcsh"]).status.code(), Some(2));
}
