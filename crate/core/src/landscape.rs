//! Planes through parameter space, loss grids on them, and paths projected onto them.
//!
//! A [`Plane`] is `θ(α, β) = origin + α·d1 + β·d2`. The loss landscape is the training loss
//! on an `n × n` grid of (α, β); a trajectory is drawn by projecting each θₜ onto the plane
//! (least squares: the point of the plane nearest to θₜ).
//!
//! Why not two purely random directions for paths: in hundreds of dimensions a random
//! direction is almost orthogonal to any trajectory, so the projected path collapses to a dot
//! near the centre and the map says nothing about where the optimizer went (Li et al. 2018,
//! §7). [`Plane::through_run`] therefore spans the start→end displacement plus one
//! filter-normalized random direction: both ends of the run lie exactly on the map.

use crate::data::Dataset;
use crate::model::{Mlp, Workspace};
use crate::rng::Mulberry32;
use serde::Serialize;

pub mod pca;
mod profile;

pub use profile::{interpolation, line_profile, slice_along, Profile};

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

fn norm(a: &[f32]) -> f64 {
    dot(a, a).sqrt()
}

/// A Gaussian direction shaped like θ with **filter normalization** (Li et al. 2018, §4):
/// every neuron's incoming weight vector `dⱼ` is rescaled to `‖dⱼ‖ = ‖θⱼ‖`; bias entries are
/// zero. Draws one normal per parameter in flat order (biases included, then zeroed), so the
/// direction does not depend on which entries are later zeroed.
pub fn filter_normalized_direction(mlp: &Mlp, theta: &[f32], rng: &mut Mulberry32) -> Vec<f32> {
    let mut d: Vec<f32> = (0..mlp.n_params()).map(|_| rng.gauss() as f32).collect();
    for layer in &mlp.layers {
        for j in 0..layer.fan_out {
            let col = |v: &[f32]| -> f64 {
                (0..layer.fan_in).map(|i| v[layer.w_off + i * layer.fan_out + j] as f64).map(|x| x * x).sum::<f64>().sqrt()
            };
            let (nt, nd) = (col(theta), col(&d));
            let s = if nd > 0.0 { nt / nd } else { 0.0 };
            for i in 0..layer.fan_in {
                let k = layer.w_off + i * layer.fan_out + j;
                d[k] = (d[k] as f64 * s) as f32;
            }
        }
        d[layer.b_off..layer.b_off + layer.fan_out].iter_mut().for_each(|b| *b = 0.0);
    }
    d
}

/// `origin + α·d1 + β·d2`, with the axes' meaning for labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    pub origin: Vec<f32>,
    pub d1: Vec<f32>,
    pub d2: Vec<f32>,
    pub alpha_label: String,
    pub beta_label: String,
}

impl Plane {
    /// Li et al.'s plane: two filter-normalized random directions around `centre`.
    pub fn random(mlp: &Mlp, centre: &[f32], dirs_seed: u32) -> Self {
        let mut rng = Mulberry32::new(dirs_seed);
        let d1 = filter_normalized_direction(mlp, centre, &mut rng);
        let d2 = filter_normalized_direction(mlp, centre, &mut rng);
        Self {
            origin: centre.to_vec(),
            d1,
            d2,
            alpha_label: "α: random filter-normalized direction 1".into(),
            beta_label: "β: random filter-normalized direction 2".into(),
        }
    }

    /// The plane through a run's end point (α = β = 0) and its start (α = 1, β = 0), widened
    /// by a filter-normalized random direction made orthogonal to the first axis and scaled to
    /// its length, so distances read the same along both axes. Falls back to
    /// [`Plane::random`] while the run has not moved.
    pub fn through_run(mlp: &Mlp, start: &[f32], end: &[f32], dirs_seed: u32) -> Self {
        let d1: Vec<f32> = start.iter().zip(end).map(|(s, e)| s - e).collect();
        let len = norm(&d1);
        if len <= 1e-6 * norm(end).max(1.0) {
            return Self::random(mlp, end, dirs_seed);
        }
        let mut r = filter_normalized_direction(mlp, end, &mut Mulberry32::new(dirs_seed));
        let c = dot(&r, &d1) / (len * len);
        r.iter_mut().zip(&d1).for_each(|(r, d)| *r -= (c * *d as f64) as f32);
        let s = len / norm(&r).max(f64::MIN_POSITIVE);
        r.iter_mut().for_each(|r| *r = (*r as f64 * s) as f32);
        Self {
            origin: end.to_vec(),
            d1,
            d2: r,
            alpha_label: "α: from end (0) to start (1)".into(),
            beta_label: "β: random filter-normalized direction".into(),
        }
    }

    /// The coordinates of every snapshot of a trajectory.
    pub fn project_all(&self, trajectory: &[Vec<f32>]) -> Vec<(f64, f64)> {
        trajectory.iter().map(|t| self.project(t)).collect()
    }

    /// θ(α, β) written into `out`.
    pub fn point_into(&self, alpha: f64, beta: f64, out: &mut [f32]) {
        let (a, b) = (alpha as f32, beta as f32);
        for (k, o) in out.iter_mut().enumerate() {
            *o = self.origin[k] + a * self.d1[k] + b * self.d2[k];
        }
    }

    /// Least-squares coordinates (α, β) of `theta`: solves the 2 × 2 normal equations
    /// `[d1·d1 d1·d2; d1·d2 d2·d2] [α β]ᵀ = [d1·v d2·v]ᵀ` with `v = θ − origin`, so points on
    /// the plane get their exact coordinates even when the axes are not orthogonal.
    pub fn project(&self, theta: &[f32]) -> (f64, f64) {
        let v: Vec<f32> = theta.iter().zip(&self.origin).map(|(t, o)| t - o).collect();
        let (g11, g12, g22) = (dot(&self.d1, &self.d1), dot(&self.d1, &self.d2), dot(&self.d2, &self.d2));
        let (r1, r2) = (dot(&self.d1, &v), dot(&self.d2, &v));
        let det = g11 * g22 - g12 * g12;
        if det.abs() < f64::MIN_POSITIVE {
            return (0.0, 0.0);
        }
        ((r1 * g22 - r2 * g12) / det, (g11 * r2 - g12 * r1) / det)
    }
}

/// Axis ranges of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Extent {
    pub alpha: (f64, f64),
    pub beta: (f64, f64),
}

impl Extent {
    /// A square extent (equal spans, so the picture is isotropic) that holds `default` and every
    /// point of `path` with a 10 % margin.
    pub fn fitted(default: Extent, path: &[(f64, f64)]) -> Extent {
        let (mut a0, mut a1) = default.alpha;
        let (mut b0, mut b1) = default.beta;
        for &(a, b) in path {
            a0 = a0.min(a);
            a1 = a1.max(a);
            b0 = b0.min(b);
            b1 = b1.max(b);
        }
        let span = (a1 - a0).max(b1 - b0) * 1.1;
        let (ac, bc) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
        Extent { alpha: (ac - span / 2.0, ac + span / 2.0), beta: (bc - span / 2.0, bc + span / 2.0) }
    }

    /// Coordinate of grid index `i` of `n` along `range`.
    pub fn coord(range: (f64, f64), i: usize, n: usize) -> f64 {
        if n < 2 {
            return (range.0 + range.1) / 2.0;
        }
        range.0 + (range.1 - range.0) * i as f64 / (n - 1) as f64
    }
}

/// The training loss on an `n × n` grid, filled row by row so a caller can interleave other
/// work. `values[j·n + i]` is the loss at (αᵢ, βⱼ); `test_values` the test loss there, filled
/// only by [`Grid::fill_rows_with_test`] (NaN otherwise).
pub struct Grid {
    pub n: usize,
    pub extent: Extent,
    pub values: Vec<f32>,
    pub test_values: Vec<f32>,
    rows_done: usize,
    theta: Vec<f32>,
}

impl Grid {
    pub fn new(n: usize, extent: Extent, n_params: usize) -> Self {
        Self {
            n,
            extent,
            values: vec![f32::NAN; n * n],
            test_values: vec![f32::NAN; n * n],
            rows_done: 0,
            theta: vec![0.0; n_params],
        }
    }

    pub fn is_done(&self) -> bool {
        self.rows_done >= self.n
    }

    /// Evaluates up to `max_rows` more rows of β.
    pub fn fill_rows(&mut self, mlp: &Mlp, plane: &Plane, data: &Dataset, ws: &mut Workspace<f32>, max_rows: usize) {
        let stop = (self.rows_done + max_rows).min(self.n);
        for j in self.rows_done..stop {
            let beta = Extent::coord(self.extent.beta, j, self.n);
            for i in 0..self.n {
                let alpha = Extent::coord(self.extent.alpha, i, self.n);
                plane.point_into(alpha, beta, &mut self.theta);
                self.values[j * self.n + i] = mlp.evaluate(&self.theta, data, ws).loss as f32;
            }
        }
        self.rows_done = stop;
    }

    /// As [`Grid::fill_rows`], also evaluating the test loss at every point (twice the work
    /// when the test set is as large as the training set).
    pub fn fill_rows_with_test(&mut self, mlp: &Mlp, plane: &Plane, train: &Dataset, test: &Dataset, ws: &mut Workspace<f32>, max_rows: usize) {
        let stop = (self.rows_done + max_rows).min(self.n);
        for j in self.rows_done..stop {
            let beta = Extent::coord(self.extent.beta, j, self.n);
            for i in 0..self.n {
                let alpha = Extent::coord(self.extent.alpha, i, self.n);
                plane.point_into(alpha, beta, &mut self.theta);
                self.values[j * self.n + i] = mlp.evaluate(&self.theta, train, ws).loss as f32;
                self.test_values[j * self.n + i] = mlp.evaluate(&self.theta, test, ws).loss as f32;
            }
        }
        self.rows_done = stop;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Loss};

    fn mlp() -> Mlp {
        Mlp::new(2, &[4, 3], Activation::Tanh, Loss::Bce)
    }

    #[test]
    fn filter_normalized_directions_match_each_filter_norm_and_zero_the_biases() {
        let m = mlp();
        let theta: Vec<f32> = (0..m.n_params()).map(|k| (k as f32 * 0.37).sin()).collect();
        let d = filter_normalized_direction(&m, &theta, &mut Mulberry32::new(3));
        for l in &m.layers {
            for j in 0..l.fan_out {
                let col = |v: &[f32]| (0..l.fan_in).map(|i| (v[l.w_off + i * l.fan_out + j] as f64).powi(2)).sum::<f64>().sqrt();
                assert!((col(&d) - col(&theta)).abs() < 1e-5 * col(&theta).max(1.0));
            }
            assert!(d[l.b_off..l.b_off + l.fan_out].iter().all(|&b| b == 0.0));
        }
    }

    #[test]
    fn a_runs_start_and_end_project_to_their_exact_coordinates() {
        let m = mlp();
        let start: Vec<f32> = (0..m.n_params()).map(|k| (k as f32 * 0.11).cos()).collect();
        let end: Vec<f32> = (0..m.n_params()).map(|k| (k as f32 * 0.29).sin()).collect();
        let p = Plane::through_run(&m, &start, &end, 9);
        let (a, b) = p.project(&start);
        assert!((a - 1.0).abs() < 1e-5 && b.abs() < 1e-5, "{a} {b}");
        let (a, b) = p.project(&end);
        assert!(a.abs() < 1e-6 && b.abs() < 1e-6);
        assert!((norm(&p.d1) - norm(&p.d2)).abs() < 1e-4 * norm(&p.d1));
        assert!(dot(&p.d1, &p.d2).abs() < 1e-4 * norm(&p.d1).powi(2));
    }

    #[test]
    fn projection_recovers_coordinates_on_a_skewed_plane() {
        let m = mlp();
        let mut p = Plane::random(&m, &vec![0.5; m.n_params()], 4);
        // Make the axes non-orthogonal: d2 ← d2 + 0.5 d1.
        let d1 = p.d1.clone();
        p.d2.iter_mut().zip(&d1).for_each(|(b, a)| *b += 0.5 * a);
        let mut th = vec![0.0; m.n_params()];
        p.point_into(0.3, -0.7, &mut th);
        let (a, b) = p.project(&th);
        assert!((a - 0.3).abs() < 1e-4 && (b + 0.7).abs() < 1e-4, "{a} {b}");
    }

    #[test]
    fn the_grid_centre_is_the_loss_at_the_origin() {
        let m = mlp();
        let data = crate::data::moons(40, 0, 0.2, &mut Mulberry32::new(1)).train;
        let theta = m.init_glorot(&mut Mulberry32::new(2));
        let plane = Plane::random(&m, &theta, 5);
        let ext = Extent { alpha: (-1.0, 1.0), beta: (-1.0, 1.0) };
        let mut ws = Workspace::new(&m, 64);
        let mut grid = Grid::new(5, ext, m.n_params());
        while !grid.is_done() {
            grid.fill_rows(&m, &plane, &data, &mut ws, 2);
        }
        let centre = m.evaluate(&theta, &data, &mut ws).loss as f32;
        assert_eq!(grid.values[2 * 5 + 2], centre);
        assert!(grid.values.iter().all(|v| v.is_finite()));
    }
}
