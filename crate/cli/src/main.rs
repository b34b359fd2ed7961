//! The native tool: runs a scenario with the same core as the page and writes its metrics and
//! figures.
//!
//! ```text
//! batchscape run   [--config FILE.json] [--set key=value]... [--dump] --out DIR
//! batchscape scene NAME [--config FILE.json] [--set key=value]... [--dump] [--seeds N] --out DIR
//! batchscape seeds [--config FILE.json] [--set key=value]... [--seeds N] --out DIR
//! batchscape sweep [--config FILE.json] [--set key=value]... [--lrs a,b,...] [--seeds K] --out DIR
//! batchscape completions bash|zsh|fish
//! ```
//! Settings start from the defaults (for `scene`, the defaults with the scene's pairs of
//! `www/scenes.json`); `--config` and `--set` apply in the order given (the keys of
//! `docs/settings.md`). What `run` and `scene` write is in `run.rs` and `views.rs`; `seeds` and
//! `sweep` in their modules.
//!
//! The grammar is clap's (derive). A bad setting is one line naming it, from the core's
//! settings parser, and every bad `--set`/`--config` is reported, not only the first; bad
//! arguments of any kind exit with status 2 before anything is written. A failure while
//! running exits with status 1.

use batchscape_core::settings::{Settings, KEYS};
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod images;
mod run;
mod scene;
mod seeds;
mod sweep;
mod views;

/// Batchscape natively: the page's runs, numbers and figures (SVG) from the same Rust core.
#[derive(Parser)]
#[command(name = "batchscape", version, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Train every batch size of the settings and write the page's figures and numbers.
    #[command(long_about = run::ABOUT, after_help = settings_help())]
    Run(RunArgs),
    /// A guided scene of the page (its settings from www/scenes.json): the files of `run`.
    #[command(long_about = scene::ABOUT, after_help = scene::list())]
    Scene(SceneArgs),
    /// A scene's claims over several seeds, as the page's verdicts read them.
    #[command(long_about = seeds::ABOUT)]
    Seeds(SeedsArgs),
    /// The page's B × η sweep natively: the laws of batch size measured.
    #[command(long_about = sweep::ABOUT)]
    Sweep(SweepArgs),
    /// Print a shell completion script (bash, zsh or fish) to stdout.
    #[command(long_about = "Print a shell completion script to stdout, e.g.\n  batchscape completions bash > ~/.local/share/bash-completion/completions/batchscape\n  batchscape completions zsh > ~/.zfunc/_batchscape\n  batchscape completions fish > ~/.config/fish/completions/batchscape.fish")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// `--config` and `--set`, shared by every command that trains.
#[derive(Args)]
struct SettingsArgs {
    /// Settings as a JSON object (the keys of --set); repeatable, applied in order with --set.
    #[arg(long, value_name = "FILE.json")]
    config: Vec<PathBuf>,
    /// One setting (repeatable; applied in order; see the list below or docs/settings.md).
    #[arg(long, value_name = "key=value")]
    set: Vec<String>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    settings: SettingsArgs,
    /// Add the data sets and each run's initial and final θ to metrics.json.
    #[arg(long)]
    dump: bool,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct SceneArgs {
    /// The scene (see the list below).
    #[arg(value_name = "NAME", value_parser = scene::names())]
    name: String,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Add the data sets and each run's initial and final θ to metrics.json.
    #[arg(long)]
    dump: bool,
    /// Also read the scene's claims over N seeds (seeds.json; 0: not, the default).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=batchscape_core::seeds::MAX_SEEDS as u64))]
    seeds: usize,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct SeedsArgs {
    #[command(flatten)]
    settings: SettingsArgs,
    /// Seeds per batch size.
    #[arg(long, value_name = "N", default_value_t = batchscape_core::seeds::DEFAULT_SEEDS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=batchscape_core::seeds::MAX_SEEDS as u64))]
    seeds: usize,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    settings: SettingsArgs,
    /// The learning rates, comma-separated (positive; default: 4 per decade from lr/10 to lr·100).
    #[arg(long, value_name = "a,b,...", value_parser = sweep::parse_lrs)]
    lrs: Option<sweep::Lrs>,
    /// Seeds per cell.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=batchscape_core::sweep::MAX_SEEDS as u64))]
    seeds: usize,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Every setting, its meaning and range (the core's `KEYS`), for `run --help`.
fn settings_help() -> String {
    let keys: Vec<String> = KEYS.iter().map(|s| format!("  {:<13}{} ({})", s.key, s.help, s.kind.allowed())).collect();
    format!("Settings (--set key=value; see docs/settings.md):\n{}", keys.join("\n"))
}

/// `start` with the `--config` and `--set` arguments of `matches` applied in the order they
/// were given, or one line per bad argument (in that order).
fn settings_of(matches: &ArgMatches, start: Settings) -> Result<Settings, Vec<String>> {
    let mut given: Vec<(usize, &str, String)> = Vec::new();
    for flag in ["config", "set"] {
        let (Some(indices), Some(values)) = (matches.indices_of(flag), matches.get_raw(flag)) else { continue };
        given.extend(indices.zip(values).map(|(k, v)| (k, flag, v.to_string_lossy().into_owned())));
    }
    given.sort_by_key(|(k, _, _)| *k);
    let mut settings = start;
    let errors: Vec<String> = given.iter().filter_map(|(_, flag, value)| apply_settings_flag(&mut settings, flag, value).err()).collect();
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

/// `--config FILE.json` or `--set key=value` applied to `settings`; the error is one line
/// naming the argument.
fn apply_settings_flag(settings: &mut Settings, flag: &str, value: &str) -> Result<(), String> {
    if flag == "config" {
        return std::fs::read_to_string(value)
            .map_err(|e| e.to_string())
            .and_then(|text| settings.apply_json(&text).map_err(|e| e.to_string()))
            .map_err(|e| format!("--config {value}: {e}"));
    }
    match value.split_once('=') {
        None => Err(format!("--set {}: expected key=value", value.escape_debug())),
        Some((k, v)) => settings.set(k, v).map_err(|e| format!("--set {}: {e}", value.escape_debug())),
    }
}

/// The settings' cross-setting rules (read once every setting is), and `out` usable as an
/// output directory.
fn check(settings: &Settings, out: &Path) -> Result<(), Vec<String>> {
    let mut errors: Vec<String> = settings.check().err().map(|e| format!("settings: {e}")).into_iter().collect();
    if out.exists() && !out.is_dir() {
        errors.push(format!("--out {}: exists and is not a directory", out.display()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Writes every file into a new temporary directory beside `out`, then moves them into `out`:
/// a rename of the whole directory when `out` does not exist yet, file by file otherwise.
fn write_all(out: &Path, files: &[(String, String)]) -> Result<(), String> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("--out {}: {e}", out.display()))?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        for (file, text) in files {
            std::fs::write(tmp.join(file), text).map_err(|e| format!("writing {file}: {e}"))?;
        }
        if !out.exists() && std::fs::rename(&tmp, out).is_ok() {
            return Ok(());
        }
        std::fs::create_dir_all(out).map_err(|e| format!("--out {}: {e}", out.display()))?;
        for (file, _) in files {
            std::fs::rename(tmp.join(file), out.join(file)).map_err(|e| format!("moving {file}: {e}"))?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// One line to stdout; a closed pipe (`batchscape … | head`) is not an error.
fn say(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Numbers as JSON (NaN and ∞, e.g. in a diverged θ, become null).
fn json_of<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// What the command line asked for, with its settings read and checked.
enum Job {
    Run(run::Job),
    Seeds(seeds::Job),
    Sweep(sweep::Job),
    Completions(Shell),
}

/// The job of `matches`, or one message per bad setting.
fn job_of(matches: &ArgMatches) -> Result<Job, Vec<String>> {
    let cli = Cli::from_arg_matches(matches).map_err(|e| vec![e.to_string().trim_end().to_string()])?;
    let sub = matches.subcommand().map(|(_, m)| m).ok_or_else(|| vec!["a command is required".to_string()])?;
    Ok(match cli.command {
        Cmd::Run(a) => {
            let settings = settings_of(sub, Settings::default())?;
            check(&settings, &a.out)?;
            Job::Run(run::Job { settings, dump: a.dump, out: a.out, scene: None, seeds: 0 })
        }
        Cmd::Scene(a) => {
            let scene = scene::find(&a.name).ok_or_else(|| vec![format!("unknown scene `{}`", a.name.escape_debug())])?;
            let settings = settings_of(sub, scene.settings().map_err(|e| vec![e])?)?;
            check(&settings, &a.out)?;
            Job::Run(run::Job { settings, dump: a.dump, out: a.out, scene: Some(scene), seeds: a.seeds })
        }
        Cmd::Seeds(a) => {
            let settings = settings_of(sub, Settings::default())?;
            check(&settings, &a.out)?;
            Job::Seeds(seeds::Job { settings, seeds: a.seeds, out: a.out })
        }
        Cmd::Sweep(a) => {
            let mut settings = settings_of(sub, Settings::default())?;
            // The sweep chooses its own batch sizes (every power of two up to n_train), so
            // `batch` plays no part (and must not fail the check against a small n_train).
            settings.batch = vec![1];
            check(&settings, &a.out)?;
            Job::Sweep(sweep::Job { settings, lrs: a.lrs.map(|l| l.0), seeds: a.seeds, out: a.out })
        }
        Cmd::Completions { shell } => Job::Completions(shell),
    })
}

fn main() -> ExitCode {
    // clap prints help, the version and its own argument errors (exit 0, 0 and 2).
    let matches = Cli::command().get_matches();
    let job = match job_of(&matches) {
        Ok(job) => job,
        Err(messages) => {
            messages.iter().for_each(|m| eprintln!("batchscape: {m}"));
            return ExitCode::from(2);
        }
    };
    let result = match job {
        Job::Run(job) => run::run(job),
        Job::Seeds(job) => seeds::run(job),
        Job::Sweep(job) => sweep::run(job),
        Job::Completions(shell) => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            clap_complete::generate(shell, &mut Cli::command(), "batchscape", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("batchscape: {msg}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The job of `line`, or its messages (clap's own error as one message).
    fn parse(line: &str) -> Result<Job, Vec<String>> {
        let argv = std::iter::once("batchscape").chain(line.split_whitespace());
        let matches = Cli::command().try_get_matches_from(argv).map_err(|e| vec![e.to_string()])?;
        job_of(&matches)
    }

    fn errors(line: &str) -> Vec<String> {
        match parse(line) {
            Err(e) => e,
            Ok(_) => panic!("`{line}` must be rejected"),
        }
    }

    #[test]
    fn clap_checks_the_command_definitions() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_settings_are_one_line_errors_naming_the_argument() {
        for (line, names) in [
            ("run --set lr=1e999 --out o", "--set lr=1e999"),
            ("run --set batch=1,2,3,4,5 --out o", "--set batch=1,2,3,4,5"),
            ("run --set act=<script> --out o", "--set act=<script>"),
            ("run --set colour=red --out o", "unknown setting `colour`"),
            ("run --set lr --out o", "--set lr: expected key=value"),
            ("run --set n_train=64 --set batch=128 --out o", "`batch` = \"128\""),
            ("run --config /no/such/file.json --out o", "--config /no/such/file.json"),
            ("scene noisy --set lr=0 --out o", "--set lr=0"),
            ("seeds --set colour=red --out o", "unknown setting `colour`"),
            ("sweep --set colour=red --out o", "unknown setting `colour`"),
        ] {
            let e = errors(line);
            assert_eq!(e.len(), 1, "`{line}` gave {e:?}");
            assert!(e[0].contains(names), "`{line}` gave {e:?}");
            assert!(!e[0].contains('\n'), "`{line}` gave more than one line: {e:?}");
        }
    }

    #[test]
    fn every_bad_setting_is_reported_once_in_order() {
        let e = errors("run --set lr=1e999 --set act=<script> --config /no/file.json --set batch=8 --set colour=red --out o");
        assert_eq!(e.len(), 4, "{e:?}");
        for (msg, names) in e.iter().zip(["--set lr=1e999", "--set act=<script>", "--config /no/file.json", "unknown setting `colour`"]) {
            assert!(msg.contains(names), "{msg:?} should name {names:?}");
        }
    }

    #[test]
    fn bad_arguments_other_than_settings_are_clap_errors() {
        for (line, names) in [
            ("run --out", "--out"),
            ("run --set lr=0.1", "--out"),
            ("run --frobnicate --out o", "--frobnicate"),
            ("walk", "walk"),
            ("scene nosuch --out o", "nosuch"),
            ("seeds --seeds 0 --out o", "0"),
            ("seeds --seeds 11 --out o", "11"),
            ("sweep --lrs 0.1,abc --out o", "abc"),
            ("sweep --lrs 0 --out o", "`0`"),
            ("sweep --seeds 99 --out o", "99"),
            ("completions tcsh", "tcsh"),
        ] {
            let e = errors(line);
            assert!(e.len() == 1 && e[0].contains(names), "`{line}` gave {e:?}");
        }
    }

    #[test]
    fn settings_flags_apply_in_the_order_given_across_config_and_set() {
        let dir = std::env::temp_dir().join(format!("batchscape-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.json");
        std::fs::write(&file, r#"{"lr": 0.7, "epochs": 5}"#).unwrap();
        let line = format!("run --set lr=0.3 --config {} --set epochs=9 --set batch=8 --dump --out o", file.display());
        match parse(&line) {
            Ok(Job::Run(a)) => {
                assert_eq!((a.settings.lr, a.settings.epochs, a.settings.batch.clone(), a.dump), (0.7, 9, vec![8], true));
                assert_eq!(a.out, PathBuf::from("o"));
            }
            _ => panic!("valid arguments"),
        }
        let line = format!("run --config {} --set lr=0.3 --out o", file.display());
        assert!(matches!(parse(&line), Ok(Job::Run(a)) if a.settings.lr == 0.3));
        std::fs::remove_dir_all(&dir).unwrap();
        match parse("run --set budget=loss --set target_loss=0.3 --set max_steps=500 --out o") {
            Ok(Job::Run(a)) => assert_eq!((a.settings.target_for_runs(), a.settings.steps_for(8)), (Some(0.3), 500)),
            _ => panic!("budget=loss arguments are valid"),
        }
        assert!(errors("run --set budget=loss --set target_loss=0 --out o")[0].contains("`target_loss` = \"0\""));
    }

    #[test]
    fn a_scene_starts_from_its_pairs_and_the_set_flags_apply_after() {
        match parse("scene noisy --set epochs=3 --out o") {
            Ok(Job::Run(a)) => {
                assert_eq!((a.settings.batch.clone(), a.settings.lr, a.settings.epochs), (vec![1, 256], 0.05, 3));
                assert_eq!(a.scene.map(|s| s.name.as_str()), Some("noisy"));
            }
            _ => panic!("valid scene"),
        }
    }

    #[test]
    fn output_files_appear_together_and_no_temporary_directory_is_left() {
        let base = std::env::temp_dir().join(format!("batchscape-cli-test-{}", std::process::id()));
        let out = base.join("new");
        let files = vec![("a.txt".to_string(), "1".to_string()), ("b.txt".to_string(), "2".to_string())];
        write_all(&out, &files).unwrap();
        write_all(&out, &[("a.txt".to_string(), "3".to_string())]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "3");
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "2");
        let names: Vec<String> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["new".to_string()]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
