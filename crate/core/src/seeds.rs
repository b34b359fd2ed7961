//! Verdicts over seeds: a scene's claims checked on several seeds, so that no sentence rests
//! on one seed's luck.
//!
//! A [`SeedStudy`] runs every batch size of the settings for seeds `s, s + 1, …, s + n − 1`
//! (`s` the settings' seed; seed `s` is exactly the page's runs), analyses each end point as
//! the page does ([`crate::analysis::analyze`] with the default configuration: λ_max, trace,
//! ε-sharpness and its first-order part, the gradient norm), and evaluates each [`Claim`] on
//! each seed. A claim compares the **smallest** and the **largest** batch size of a seed
//! (or, for the edge of stability, looks at the largest alone) under the settings' budget,
//! so every verdict is made at one comparison ([`crate::facts::comparison`]). A seed whose
//! runs diverged, or (budget=loss) missed the target loss, cannot decide a pair claim and is
//! left out of its count.
//!
//! The page (a Web Worker) and the tool (`batchscape seeds`) both read these verdicts, so
//! they agree on what "holds in k of n seeds" means.

use crate::analysis::{analyze, AnalysisConfig, STATIONARY_EPS};
use crate::scenario::Scenario;
use crate::settings::Checked;
use crate::train::{Status, Trainer};
use serde::Serialize;

/// Seeds the page checks each claim on.
pub const DEFAULT_SEEDS: usize = 5;
/// Most seeds a study runs.
pub const MAX_SEEDS: usize = 10;

/// What one (seed, batch size) run ended with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeedCell {
    pub seed: u32,
    pub batch_size: usize,
    pub lr: f64,
    pub steps: usize,
    pub diverged: bool,
    /// budget=loss: whether the run reached `target_loss`; null otherwise.
    pub reached_target: Option<bool>,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    pub final_train_acc: f64,
    pub final_test_acc: f64,
    pub lambda_max: f64,
    pub hessian_trace: f64,
    pub grad_norm: f64,
    /// ε-sharpness (percent) at ε = 1e-3 and its first-order part.
    pub phi: f64,
    pub phi_first_order: f64,
    /// [`crate::analysis::is_stationary`].
    pub stationary: bool,
    /// [`roughness`] of the training-loss curve.
    pub roughness: f64,
    /// The largest λ_max over the second half of training, divided by 2/η.
    pub late_lambda_over_edge: f64,
}

crate::settings::named_enum! {
    /// The claims a scene can make, each decided per seed by [`Claim::holds`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Claim {
        /// λ_max(largest B) > λ_max(smallest B).
        SharperLarge = "sharper_large",
        /// ε-sharpness(largest B) > ε-sharpness(smallest B), at ε = 1e-3.
        EpsSharperLarge = "eps_sharper_large",
        /// test accuracy(largest B) < test accuracy(smallest B): a large-batch generalization gap.
        WorseLarge = "worse_large",
        /// training loss(smallest B) < training loss(largest B).
        SmallFitsBetter = "small_fits_better",
        /// roughness(smallest B) > roughness(largest B).
        JaggedSmall = "jagged_small",
        /// The smallest batch's end point is not stationary (its ε-sharpness is mostly gradient).
        SmallNotStationary = "small_not_stationary",
        /// Late in training, the largest batch's λ_max is within 0.8–1.2 × 2/η.
        Edge = "edge",
    }
}

impl Claim {
    /// What the claim says, as a sentence fragment.
    pub fn statement(self) -> &'static str {
        match self {
            Claim::SharperLarge => "the larger batch ends sharper by λ_max",
            Claim::EpsSharperLarge => "the larger batch ends sharper by ε-sharpness (10⁻³)",
            Claim::WorseLarge => "the larger batch has the lower test accuracy (a large-batch generalization gap)",
            Claim::SmallFitsBetter => "the smaller batch reaches the lower training loss",
            Claim::JaggedSmall => "the smaller batch's loss curve is the more jagged",
            Claim::SmallNotStationary => "the smaller batch ends where the gradient is not small (ε-sharpness there is mostly gradient)",
            Claim::Edge => "late in training λ_max sits at the edge of stability, 0.8–1.2 × 2/η",
        }
    }

    /// Whether the claim holds on the runs of one seed (None: the runs cannot decide it: too
    /// few batch sizes, a diverged run, or a NaN).
    pub fn holds(self, runs: &[&SeedCell]) -> Option<bool> {
        let small = runs.iter().min_by_key(|c| c.batch_size)?;
        let large = runs.iter().max_by_key(|c| c.batch_size)?;
        let known = |x: f64, y: f64| (x.is_finite() && y.is_finite()).then_some((x, y));
        if self == Claim::Edge {
            let r = large.late_lambda_over_edge;
            return (!large.diverged && r.is_finite()).then_some((0.8..=1.2).contains(&r));
        }
        // Under budget=loss a run that missed the target does not compare at equal training loss.
        let missed = |c: &SeedCell| c.diverged || c.reached_target == Some(false);
        if small.batch_size == large.batch_size || missed(small) || missed(large) {
            return None;
        }
        match self {
            Claim::SharperLarge => known(large.lambda_max, small.lambda_max).map(|(l, s)| l > s),
            Claim::EpsSharperLarge => known(large.phi, small.phi).map(|(l, s)| l > s),
            Claim::WorseLarge => known(large.final_test_acc, small.final_test_acc).map(|(l, s)| l < s),
            Claim::SmallFitsBetter => known(small.final_train_loss, large.final_train_loss).map(|(s, l)| s < l),
            Claim::JaggedSmall => known(small.roughness, large.roughness).map(|(s, l)| s > l),
            Claim::SmallNotStationary => small.phi.is_finite().then_some(!small.stationary),
            Claim::Edge => None,
        }
    }
}

/// One claim over the seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub claim: Claim,
    pub statement: &'static str,
    /// Seeds where it holds, and seeds that could decide it.
    pub holds: usize,
    pub of: usize,
    /// Per seed, in seed order: true, false, or null (undecided).
    pub per_seed: Vec<Option<bool>>,
}

/// Mean |Δ log L| between consecutive recorded training losses: how jagged a loss curve is
/// (0 for a constant curve; non-positive or non-finite losses are skipped).
pub fn roughness(losses: &[f64]) -> f64 {
    let logs: Vec<f64> = losses.iter().filter(|l| **l > 0.0 && l.is_finite()).map(|l| l.ln()).collect();
    if logs.len() < 2 {
        return f64::NAN;
    }
    logs.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (logs.len() - 1) as f64
}

/// Progress of a study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeedsProgress {
    pub cells_done: usize,
    pub n_cells: usize,
}

/// The runs of the settings' batch sizes for `n` seeds, trained in chunks.
pub struct SeedStudy {
    settings: Checked,
    seeds: Vec<u32>,
    cells: Vec<SeedCell>,
    current: Option<(Scenario, Trainer)>,
}

impl SeedStudy {
    /// `n_seeds` (clamped to 1 ..= [`MAX_SEEDS`]) seeds from the settings' seed on.
    pub fn new(settings: &Checked, n_seeds: usize) -> Self {
        let seeds = (0..n_seeds.clamp(1, MAX_SEEDS) as u32).map(|k| settings.seed.wrapping_add(k)).collect();
        Self { settings: settings.clone(), seeds, cells: Vec::new(), current: None }
    }

    pub fn seeds(&self) -> &[u32] {
        &self.seeds
    }

    pub fn cells(&self) -> &[SeedCell] {
        &self.cells
    }

    fn n_cells(&self) -> usize {
        self.seeds.len() * self.settings.batch.len()
    }

    pub fn progress(&self) -> SeedsProgress {
        SeedsProgress { cells_done: self.cells.len(), n_cells: self.n_cells() }
    }

    /// Trains up to `max_steps` steps; a run that ends is analysed before returning (the
    /// analysis is one uninterrupted computation).
    pub fn advance(&mut self, max_steps: usize) -> SeedsProgress {
        if self.cells.len() >= self.n_cells() {
            return self.progress();
        }
        if self.current.is_none() {
            let k = self.cells.len();
            let nb = self.settings.batch.len();
            let sc = Scenario::new(&self.settings.with_seed(self.seeds[k / nb]));
            let t = sc.trainer(self.settings.batch[k % nb]);
            self.current = Some((sc, t));
        }
        let done = match self.current.as_mut() {
            Some((_, t)) => t.advance(max_steps.max(1)) != &Status::Running,
            None => false,
        };
        if done {
            if let Some((sc, t)) = self.current.take() {
                self.cells.push(cell(&sc, &t));
            }
        }
        self.progress()
    }

    /// Runs everything.
    pub fn run(&mut self) -> &[SeedCell] {
        while self.progress().cells_done < self.n_cells() {
            self.advance(usize::MAX);
        }
        &self.cells
    }

    /// Every claim over the seeds finished so far (a seed counts once all its runs are done).
    pub fn verdicts(&self) -> Vec<Verdict> {
        verdicts(&self.seeds, &self.cells, self.settings.batch.len())
    }
}

/// The verdicts of `cells` (seeds `seeds`, `per_seed` runs each). A seed with missing runs is
/// undecided.
pub fn verdicts(seeds: &[u32], cells: &[SeedCell], per_seed: usize) -> Vec<Verdict> {
    Claim::ALL
        .iter()
        .map(|&claim| {
            let per: Vec<Option<bool>> = seeds
                .iter()
                .map(|&s| {
                    let runs: Vec<&SeedCell> = cells.iter().filter(|c| c.seed == s).collect();
                    if runs.len() < per_seed { None } else { claim.holds(&runs) }
                })
                .collect();
            Verdict {
                claim,
                statement: claim.statement(),
                holds: per.iter().filter(|v| **v == Some(true)).count(),
                of: per.iter().filter(|v| v.is_some()).count(),
                per_seed: per,
            }
        })
        .collect()
}

/// The [`SeedCell`] of a finished run.
fn cell(sc: &Scenario, t: &Trainer) -> SeedCell {
    let h = t.history();
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let diverged = matches!(t.status(), Status::Diverged { .. });
    let a = analyze(&sc.mlp, &sc.split.train, t.theta(), &h.theta, &h.step, &AnalysisConfig::default(), sc.streams.dirs);
    let e = a.eps_sharpness.iter().find(|e| e.eps == STATIONARY_EPS);
    let lams = &a.history.lambda_max;
    let late = lams[lams.len() / 2..].iter().copied().filter(|x| x.is_finite()).fold(f64::NAN, f64::max);
    SeedCell {
        seed: sc.settings.seed,
        batch_size: t.spec().batch_size,
        lr: t.spec().lr,
        steps: t.step(),
        diverged,
        reached_target: t.reached_target(),
        final_train_loss: last(&h.train_loss),
        final_test_loss: last(&h.test_loss),
        final_train_acc: last(&h.train_acc),
        final_test_acc: last(&h.test_acc),
        lambda_max: a.lambda_max,
        hessian_trace: a.hessian_trace,
        grad_norm: a.grad_norm,
        phi: e.map_or(f64::NAN, |e| e.phi),
        phi_first_order: e.map_or(f64::NAN, |e| e.phi_first_order),
        stationary: a.stationary,
        roughness: roughness(&h.train_loss),
        late_lambda_over_edge: late * t.spec().lr / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn c(seed: u32, b: usize, lam: f64, acc: f64) -> SeedCell {
        SeedCell {
            seed, batch_size: b, lr: 0.1, steps: 10, diverged: false, reached_target: None,
            final_train_loss: b as f64 / 1000.0, final_test_loss: 0.5, final_train_acc: 0.9, final_test_acc: acc,
            lambda_max: lam, hessian_trace: 1.0, grad_norm: 0.1, phi: 1.0, phi_first_order: 0.9,
            stationary: false, roughness: 1.0 / b as f64, late_lambda_over_edge: lam * 0.05,
        }
    }

    /// Counts worked out by hand: seed 1 sharper and worse, seed 2 sharper and better, seed 3's
    /// large run diverged (undecided), seed 4 is missing its large run (undecided).
    #[test]
    fn verdicts_count_the_seeds_that_hold_and_leave_out_undecided_ones() {
        let mut d = c(3, 256, 5.0, 0.8);
        d.diverged = true;
        let cells = vec![c(1, 8, 1.0, 0.9), c(1, 256, 3.0, 0.8), c(2, 8, 1.0, 0.8), c(2, 256, 3.0, 0.9), c(3, 8, 1.0, 0.9), d, c(4, 8, 1.0, 0.9)];
        let v = verdicts(&[1, 2, 3, 4], &cells, 2);
        // budget=loss: a seed whose small run missed the target is undecided.
        let mut missed = cells.clone();
        missed[0].reached_target = Some(false);
        let w = verdicts(&[1, 2, 3, 4], &missed, 2);
        assert_eq!(w.iter().find(|x| x.claim == Claim::SharperLarge).unwrap().per_seed, vec![None, Some(true), None, None]);
        let get = |claim| v.iter().find(|x| x.claim == claim).unwrap();
        assert_eq!((get(Claim::SharperLarge).holds, get(Claim::SharperLarge).of), (2, 2));
        assert_eq!((get(Claim::WorseLarge).holds, get(Claim::WorseLarge).of), (1, 2));
        assert_eq!(get(Claim::WorseLarge).per_seed, vec![Some(true), Some(false), None, None]);
        assert_eq!((get(Claim::SmallFitsBetter).holds, get(Claim::JaggedSmall).holds), (2, 2));
        assert_eq!((get(Claim::SmallNotStationary).holds, get(Claim::SmallNotStationary).of), (2, 2));
        // Edge looks at the largest run: λ 3 → 3·0.1/2 = 0.15 of the edge: not at it.
        assert_eq!((get(Claim::Edge).holds, get(Claim::Edge).of), (0, 2));
        assert_eq!(Claim::parse("worse_large"), Some(Claim::WorseLarge));
    }

    #[test]
    fn roughness_is_the_mean_absolute_log_step() {
        assert!((roughness(&[1.0, std::f64::consts::E, 1.0]) - 1.0).abs() < 1e-12);
        assert_eq!(roughness(&[2.0, 2.0, 2.0]), 0.0);
        assert!(roughness(&[1.0]).is_nan());
    }

    /// A small study end to end: seed s's cell is the ordinary run (same steps and final loss as
    /// the scenario's own trainer), the seeds differ, and every claim has a count over them.
    #[test]
    fn a_study_runs_every_seed_and_its_first_seed_is_the_page_run() {
        let s = Settings::from_pairs([("n_train", "64"), ("hidden", "6"), ("batch", "8,64"), ("epochs", "5"), ("seed", "3")]).unwrap();
        let mut study = SeedStudy::new(&s, 3);
        assert_eq!(study.seeds(), &[3, 4, 5]);
        let cells = study.run().to_vec();
        assert_eq!(cells.len(), 6);
        let sc = Scenario::new(&s);
        let mut t = sc.trainer(8);
        t.advance(usize::MAX);
        assert_eq!((cells[0].steps, cells[0].final_train_loss), (t.step(), *t.history().train_loss.last().unwrap()));
        assert_ne!(cells[0].final_train_loss, cells[2].final_train_loss);
        assert!(cells.iter().all(|c| c.lambda_max > 0.0 && c.grad_norm > 0.0 && c.phi_first_order > 0.0));
        for v in study.verdicts() {
            assert!(v.of <= 3 && v.holds <= v.of && v.per_seed.len() == 3, "{v:?}");
        }
        assert_eq!(study.verdicts()[0].of, 3);
    }
}
