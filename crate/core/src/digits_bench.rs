//! The digits speed workload, one definition for `cargo bench -p batchscape-core --bench digits`
//! and bench.html (crate/web/src/bench.rs): the 64 → 32 → 10 network (softmax cross-entropy)
//! on 1 024 training images, trained by `Trainer::advance` (the code the page runs), at the
//! batch sizes and step counts of [`CASES`].

use crate::scenario::Scenario;
use crate::settings::Settings;
use crate::train::Trainer;

/// `(batch size, steps)` timed per case: B = 1, 32, 512, about 4 096–8 192 examples each.
pub const CASES: [(usize, usize); 3] = [(1, 4096), (32, 256), (512, 16)];

/// The workload's scenario. `budget=steps` with a cap far beyond the timed steps: a run
/// never reaches its last step, so the timed steps record nothing but training.
pub fn scenario() -> Scenario {
    let pairs = [("dataset", "digits"), ("hidden", "32"), ("n_train", "1024"), ("n_test", "512"), ("budget", "steps"), ("steps", "1000000"), ("lr", "0.05")];
    Scenario::new(&Settings::from_pairs(pairs).expect("the workload's settings are valid"))
}

/// A fresh run of `sc` at batch size `batch`, and `steps` steps of it: what each case times.
pub fn train(sc: &Scenario, batch: usize, steps: usize) -> Trainer {
    let mut t = sc.trainer(batch);
    t.advance(steps);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_is_the_64_32_10_network_and_trains() {
        let sc = scenario();
        assert_eq!(sc.mlp.n_params(), 64 * 32 + 32 + 32 * 10 + 10);
        let t = train(&sc, 32, 8);
        assert_eq!(t.step(), 8);
        assert!(t.theta().iter().all(|v| v.is_finite()));
    }
}
