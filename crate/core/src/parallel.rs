//! Data parallelism, simulated: K devices, each with a per-device batch of b examples,
//! compute the mean gradient of their own shard; an all-reduce averages the K gradients; every
//! device applies the same SGD update. With equal shards the average of the shard means is the
//! mean over all K·b examples, so the update is the large-batch update of B = K·b — up to f32
//! rounding, since the sums are taken in another order ([`compare`] measures the difference).
//! The effective batch is K·b, so the learning rate must follow the rule for B = K·b.
//!
//! **The time model** ([`step_time`]) of one synchronous step: compute ∝ b on every device
//! (`FLOPS_PER_PARAM_EXAMPLE · n_params · b / flops`: forward and backward), then a ring
//! all-reduce moving `bytes · n_params · 2(K − 1)/K` over each link at `link_bytes_per_s`.
//! Its constants are assumptions ([`TimeConfig::ASSUMED`]), stated with the numbers, not
//! measurements. Adding devices at fixed b multiplies the examples per step by K but the step
//! time only grows by the all-reduce; at fixed B it divides the compute by K while the
//! all-reduce stays, so the speed-up flattens.

use crate::data::Dataset;
use crate::model::{Mlp, Workspace};
use crate::scenario::Scenario;
use crate::train::Sampler;
use serde::Serialize;

/// Forward + backward ≈ 6 floating-point operations per parameter per example.
pub const FLOPS_PER_PARAM_EXAMPLE: f64 = 6.0;
/// Most simulated devices.
pub const MAX_DEVICES: usize = 64;

/// The mean gradient over each shard, averaged over the shards (the all-reduce), at `theta`.
pub fn all_reduce_grad(mlp: &Mlp, data: &Dataset, theta: &[f32], shards: &[&[u32]]) -> Vec<f32> {
    let mut sum = vec![0.0f32; mlp.n_params()];
    let mut g = vec![0.0f32; mlp.n_params()];
    let cap = shards.iter().map(|s| s.len()).max().unwrap_or(1).max(1);
    let mut ws = Workspace::new(mlp, cap);
    for shard in shards.iter().filter(|s| !s.is_empty()) {
        ws.load(data, shard);
        mlp.loss_grad(theta, shard.len(), &mut ws, &mut g);
        sum.iter_mut().zip(&g).for_each(|(s, g)| *s += g);
    }
    let k = shards.iter().filter(|s| !s.is_empty()).count().max(1) as f32;
    sum.iter_mut().for_each(|s| *s /= k);
    sum
}

/// One SGD step θ − η·g of the K devices with the shards given.
pub fn data_parallel_step(mlp: &Mlp, data: &Dataset, theta: &[f32], shards: &[&[u32]], lr: f32) -> Vec<f32> {
    let g = all_reduce_grad(mlp, data, theta, shards);
    theta.iter().zip(&g).map(|(t, g)| t - lr * g).collect()
}

/// One SGD step of a single device on the whole batch `idx`.
pub fn large_batch_step(mlp: &Mlp, data: &Dataset, theta: &[f32], idx: &[u32], lr: f32) -> Vec<f32> {
    data_parallel_step(mlp, data, theta, &[idx], lr)
}

/// The assumed hardware of the time model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TimeConfig {
    /// Floating-point operations per second of one device.
    pub flops: f64,
    /// Bytes per second over each link of the ring.
    pub link_bytes_per_s: f64,
    /// Bytes per parameter sent (f32).
    pub bytes_per_param: f64,
}

impl TimeConfig {
    /// 100 TFLOP/s per device, 25 GB/s links, f32 gradients: roughly a current datacentre GPU
    /// on a fast interconnect (an assumption, not a measurement).
    pub const ASSUMED: TimeConfig = TimeConfig { flops: 100e12, link_bytes_per_s: 25e9, bytes_per_param: 4.0 };
}

/// One synchronous step's time on K devices with b examples each.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepTime {
    pub devices: usize,
    pub per_device: usize,
    pub compute_s: f64,
    pub all_reduce_s: f64,
    pub total_s: f64,
    /// Examples per second: K·b / total.
    pub examples_per_s: f64,
}

/// The time model (module docs) for `n_params` parameters.
pub fn step_time(n_params: usize, devices: usize, per_device: usize, cfg: TimeConfig) -> StepTime {
    let k = devices.max(1) as f64;
    let compute_s = FLOPS_PER_PARAM_EXAMPLE * n_params as f64 * per_device as f64 / cfg.flops;
    let all_reduce_s = cfg.bytes_per_param * n_params as f64 * 2.0 * (k - 1.0) / k / cfg.link_bytes_per_s;
    let total_s = compute_s + all_reduce_s;
    StepTime { devices: devices.max(1), per_device, compute_s, all_reduce_s, total_s, examples_per_s: k * per_device as f64 / total_s }
}

/// What [`compare`] measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParallelReport {
    pub devices: usize,
    pub per_device: usize,
    /// K·b.
    pub effective_batch: usize,
    /// Whether K or b was lowered so that K·b ≤ N (the training set).
    pub clamped: bool,
    pub n_train: usize,
    /// η of the scenario's rule at B = K·b (and at b, what one device alone would use).
    pub lr: f64,
    pub lr_per_device_batch: f64,
    /// The scenario's learning-rate rule (`fixed`, `linear`, `sqrt`).
    pub lr_rule: String,
    /// max |θ_parallel − θ_large| after one step, and max |θ_large − θ| (the step's size).
    pub max_abs_diff: f64,
    pub max_abs_step: f64,
    pub n_params: usize,
    /// The time model for K' = 1, 2, 4, … up to K (b fixed), and for the same B = K·b on
    /// those K' devices (b' = B/K').
    pub fixed_per_device: Vec<StepTime>,
    pub fixed_total: Vec<StepTime>,
    pub config: TimeConfig,
}

/// K = `devices` simulated devices with `per_device` examples each (clamped so K·b ≤ N) take
/// one step from θ0 of `scenario` on the first K·b examples of its first shuffled epoch, and
/// one device takes the step of the whole batch; the difference and the time model.
pub fn compare(scenario: &Scenario, devices: usize, per_device: usize) -> ParallelReport {
    let n = scenario.split.train.len();
    let k = devices.clamp(1, MAX_DEVICES.min(n.max(1)));
    let b = per_device.clamp(1, (n / k).max(1));
    let mut sampler = Sampler::new(n, k * b, scenario.streams.shuffle);
    let batch: Vec<u32> = sampler.next_batch().to_vec();
    let shards: Vec<&[u32]> = batch.chunks(b).collect();
    let s = &scenario.settings;
    let lr = s.lr_for(k * b);
    let theta = &scenario.theta0;
    let par = data_parallel_step(&scenario.mlp, &scenario.split.train, theta, &shards, lr as f32);
    let big = large_batch_step(&scenario.mlp, &scenario.split.train, theta, &batch, lr as f32);
    let max_abs_diff = par.iter().zip(&big).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max);
    let max_abs_step = big.iter().zip(theta).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max);
    let n_params = scenario.mlp.n_params();
    let cfg = TimeConfig::ASSUMED;
    let ks: Vec<usize> = std::iter::successors(Some(1usize), |&x| (x * 2 <= k).then_some(x * 2)).chain((!k.is_power_of_two()).then_some(k)).collect();
    ParallelReport {
        devices: k,
        per_device: b,
        effective_batch: k * b,
        clamped: (k, b) != (devices, per_device),
        n_train: n,
        lr,
        lr_per_device_batch: s.lr_for(b),
        lr_rule: s.lr_rule.to_string(),
        max_abs_diff,
        max_abs_step,
        n_params,
        fixed_per_device: ks.iter().map(|&kk| step_time(n_params, kk, b, cfg)).collect(),
        fixed_total: ks.iter().map(|&kk| step_time(n_params, kk, (k * b).div_ceil(kk), cfg)).collect(),
        config: cfg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn scenario(pairs: &[(&str, &str)]) -> Scenario {
        Scenario::new(&Settings::from_pairs(pairs.iter().copied()).unwrap())
    }

    /// K devices of b examples each give the update of one device with B = K·b, to f32
    /// rounding, for several (K, b); and the averaged gradient is the full-batch mean gradient.
    #[test]
    fn data_parallel_equals_the_large_batch_update_to_f32_rounding() {
        let sc = scenario(&[("n_train", "256"), ("seed", "5"), ("lr", "0.5")]);
        for (k, b) in [(2, 8), (4, 16), (8, 32), (16, 16), (3, 5)] {
            let r = compare(&sc, k, b);
            assert_eq!((r.devices, r.per_device, r.effective_batch), (k, b, k * b));
            assert!(r.max_abs_step > 1e-4, "the step moves θ: {r:?}");
            // f32 sums in another order: a few ulps of the parameters (|θ| < 2) and the step.
            assert!(r.max_abs_diff <= 1e-6 * (1.0 + r.max_abs_step) * 4.0, "K = {k}, b = {b}: {r:?}");
        }
        // The same check in f64 on the gradients themselves, to 1e-12.
        let theta: Vec<f64> = sc.theta0.iter().map(|&t| t as f64).collect();
        let idx: Vec<u32> = (0..64).collect();
        let mut ws = Workspace::<f64>::new(&sc.mlp, 64);
        let mut g_big = vec![0.0; sc.mlp.n_params()];
        ws.load(&sc.split.train, &idx);
        sc.mlp.loss_grad(&theta, 64, &mut ws, &mut g_big);
        let mut g_avg = vec![0.0; sc.mlp.n_params()];
        let mut g = vec![0.0; sc.mlp.n_params()];
        for shard in idx.chunks(16) {
            ws.load(&sc.split.train, shard);
            sc.mlp.loss_grad(&theta, 16, &mut ws, &mut g);
            g_avg.iter_mut().zip(&g).for_each(|(a, g)| *a += g / 4.0);
        }
        let diff = g_big.iter().zip(&g_avg).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(diff < 1e-12, "{diff}");
        // Unequal shards are not the large batch (the mean of means weights them equally).
        let f = |t: &[f32]| t.to_vec();
        let a = data_parallel_step(&sc.mlp, &sc.split.train, &sc.theta0, &[&idx[..8], &idx[8..64]], 0.5);
        let c = large_batch_step(&sc.mlp, &sc.split.train, &sc.theta0, &idx, 0.5);
        assert!(f(&a).iter().zip(&c).any(|(x, y)| (x - y).abs() > 1e-5));
    }

    #[test]
    fn the_effective_batch_sets_the_learning_rate_by_the_rule() {
        let sc = scenario(&[("lr", "0.1"), ("lr_rule", "linear"), ("base_batch", "16")]);
        let r = compare(&sc, 8, 16);
        assert_eq!(r.effective_batch, 128);
        assert!((r.lr - 0.8).abs() < 1e-12 && (r.lr_per_device_batch - 0.1).abs() < 1e-12, "{r:?}");
        assert_eq!(r.lr_rule, "linear");
        // Clamped so K·b ≤ N = 256.
        let r = compare(&sc, 64, 64);
        assert_eq!((r.devices, r.per_device, r.clamped), (64, 4, true));
        assert!(!compare(&sc, 8, 16).clamped);
    }

    /// compute = 6·P·b/F, all-reduce = 4·P·2(K−1)/K / W: closed forms at P = 1000, b = 32.
    #[test]
    fn the_time_model_is_compute_per_device_plus_a_ring_all_reduce() {
        let cfg = TimeConfig { flops: 1e9, link_bytes_per_s: 1e6, bytes_per_param: 4.0 };
        let one = step_time(1000, 1, 32, cfg);
        assert_eq!((one.compute_s, one.all_reduce_s), (6.0 * 1000.0 * 32.0 / 1e9, 0.0));
        let eight = step_time(1000, 8, 32, cfg);
        assert!((eight.all_reduce_s - 4.0 * 1000.0 * 2.0 * 7.0 / 8.0 / 1e6).abs() < 1e-15);
        assert!((eight.examples_per_s - 256.0 / (eight.compute_s + eight.all_reduce_s)).abs() < 1e-6);
        // The all-reduce approaches 2·bytes·P/W as K grows: adding devices stops paying.
        let many = step_time(1000, 64, 32, cfg);
        assert!(many.all_reduce_s < 2.0 * 4.0 * 1000.0 / 1e6 && many.all_reduce_s > eight.all_reduce_s);
        let sc = scenario(&[]);
        let r = compare(&sc, 8, 16);
        assert_eq!(r.fixed_per_device.iter().map(|t| t.devices).collect::<Vec<_>>(), vec![1, 2, 4, 8]);
        assert_eq!(r.fixed_total.iter().map(|t| t.per_device).collect::<Vec<_>>(), vec![128, 64, 32, 16]);
        assert_eq!(compare(&sc, 6, 16).fixed_per_device.iter().map(|t| t.devices).collect::<Vec<_>>(), vec![1, 2, 4, 6]);
    }
}
