//! The lab: several runs of one scenario on one map. Picks the plane all paths are drawn on and
//! projects every run's trajectory onto it.
//!
//! Planes (PRODUCT.md, view 1): **endpoints** — through θ0 and the end points of the first two
//! runs, so a small-batch and a large-batch minimum sit on the same map; **random** — two
//! filter-normalized random directions around the first run's end point (Li et al. 2018; paths
//! nearly collapse onto the centre, which the page says); **pca** — the top two principal
//! components of all runs' snapshots around the first run's end point
//! ([`crate::landscape::pca::pca_plane`], Li et al. 2018, §7); and, for a single run, the plane
//! through its start and end ([`Plane::through_run`]).

use crate::landscape::pca::pca_plane;
use crate::landscape::{Extent, Grid, Plane};
use crate::scenario::Scenario;

crate::settings::named_enum! {
    /// Which plane the lab's landscape uses (the page key `plane`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum PlaneKind {
        Endpoints = "endpoints",
        Random = "random",
        Pca = "pca",
    }
}

/// A landscape shared by several runs: the plane, each run's projected path (empty for a run
/// with no snapshots), and the grid to fill.
pub struct Atlas {
    pub plane: Plane,
    pub paths: Vec<Vec<(f64, f64)>>,
    pub grid: Grid,
}

fn is_finite(theta: &[f32]) -> bool {
    theta.iter().all(|v| v.is_finite() && v.abs() < 1e15)
}

/// The last finite snapshot of a trajectory.
fn end_of(trajectory: &[Vec<f32>]) -> Option<&[f32]> {
    trajectory.iter().rev().find(|t| is_finite(t)).map(Vec::as_slice)
}

/// The plane through three points: origin `o`, axis 1 towards `a` (α = 1 there), axis 2 the
/// part of `b − o` orthogonal to axis 1, scaled to the same length, so `b` sits at
/// (⟨b−o, d1⟩/‖d1‖², ‖(b−o)⊥‖/‖d1‖) and all three points lie exactly on the plane.
pub fn plane_through(o: &[f32], a: &[f32], b: &[f32], alpha_label: &str, beta_label: &str) -> Option<Plane> {
    let d1: Vec<f32> = a.iter().zip(o).map(|(x, y)| x - y).collect();
    let v: Vec<f32> = b.iter().zip(o).map(|(x, y)| x - y).collect();
    let dot = |p: &[f32], q: &[f32]| p.iter().zip(q).map(|(&x, &y)| x as f64 * y as f64).sum::<f64>();
    let n1 = dot(&d1, &d1);
    if n1 <= 1e-20 {
        return None;
    }
    let c = dot(&v, &d1) / n1;
    let mut d2: Vec<f32> = v.iter().zip(&d1).map(|(&x, &d)| (x as f64 - c * d as f64) as f32).collect();
    let n2 = dot(&d2, &d2);
    if n2 <= 1e-12 * n1 {
        return None;
    }
    let s = (n1 / n2).sqrt();
    d2.iter_mut().for_each(|x| *x = (*x as f64 * s) as f32);
    Some(Plane { origin: o.to_vec(), d1, d2, alpha_label: alpha_label.into(), beta_label: beta_label.into() })
}

/// Plans the shared landscape of `trajectories` (one list of θ snapshots per run) on an
/// `n × n` grid whose extent holds every path.
pub fn plan_atlas<T: AsRef<[Vec<f32>]>>(scenario: &Scenario, kind: PlaneKind, trajectories: &[T], n: usize) -> Atlas {
    let ends: Vec<&[f32]> = trajectories.iter().filter_map(|t| end_of(t.as_ref())).collect();
    let theta0 = scenario.theta0.as_slice();
    let dirs = scenario.streams.dirs;
    let plane = match (kind, ends.as_slice()) {
        (PlaneKind::Random, [first, ..]) => Plane::random(&scenario.mlp, first, dirs),
        (PlaneKind::Random, []) => Plane::random(&scenario.mlp, theta0, dirs),
        (PlaneKind::Endpoints, [a, b, ..]) => plane_through(theta0, a, b, "α: θ0 (0) → run 1's end (1)", "β: towards run 2's end")
            .unwrap_or_else(|| Plane::through_run(&scenario.mlp, theta0, a, dirs)),
        (PlaneKind::Endpoints, [a]) => Plane::through_run(&scenario.mlp, theta0, a, dirs),
        (PlaneKind::Endpoints, []) => Plane::random(&scenario.mlp, theta0, dirs),
        (PlaneKind::Pca, [first, ..]) => pca_plane(&scenario.mlp, trajectories, first, dirs)
            .map(|p| p.plane)
            .unwrap_or_else(|| Plane::random(&scenario.mlp, first, dirs)),
        (PlaneKind::Pca, []) => Plane::random(&scenario.mlp, theta0, dirs),
    };
    let paths: Vec<Vec<(f64, f64)>> =
        trajectories.iter().map(|t| t.as_ref().iter().filter(|th| is_finite(th)).map(|th| plane.project(th)).collect()).collect();
    let all: Vec<(f64, f64)> = paths.iter().flatten().copied().collect();
    let default = match kind {
        PlaneKind::Random => Extent { alpha: (-1.0, 1.0), beta: (-1.0, 1.0) },
        PlaneKind::Endpoints => Extent { alpha: (-0.5, 1.5), beta: (-1.0, 1.0) },
        // PCA axes are unit vectors: the extent is the paths' own (plus the fitted margin).
        PlaneKind::Pca => Extent { alpha: (0.0, 0.0), beta: (0.0, 0.0) },
    };
    let extent = Extent::fitted(default, &all);
    Atlas { grid: Grid::new(n, extent, scenario.mlp.n_params()), plane, paths }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn trajectory(scenario: &Scenario, batch: usize) -> Vec<Vec<f32>> {
        let mut t = scenario.trainer(batch);
        t.advance(usize::MAX);
        t.history().theta.clone()
    }

    #[test]
    fn the_endpoints_plane_holds_theta0_and_both_end_points_exactly() {
        let mut s = Settings::default();
        s.set("epochs", "5").unwrap();
        let sc = Scenario::new(&s.check().unwrap());
        let runs = vec![trajectory(&sc, 4), trajectory(&sc, 256)];
        let atlas = plan_atlas(&sc, PlaneKind::Endpoints, &runs, 5);
        let (a0, b0) = atlas.plane.project(&sc.theta0);
        assert!(a0.abs() < 1e-5 && b0.abs() < 1e-5);
        let (a1, b1) = *atlas.paths[0].last().unwrap();
        assert!((a1 - 1.0).abs() < 1e-4 && b1.abs() < 1e-4, "({a1}, {b1})");
        // Run 2's end lies on the plane: rebuilding it from its coordinates gives it back.
        let (a2, b2) = *atlas.paths[1].last().unwrap();
        let mut back = vec![0.0; sc.mlp.n_params()];
        atlas.plane.point_into(a2, b2, &mut back);
        let end2 = runs[1].last().unwrap();
        let err = back.iter().zip(end2).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(err < 1e-4, "max coordinate error {err}");
        assert!(b2 > 0.0);
        // Every path starts at θ0, the origin.
        for p in &atlas.paths {
            assert!(p[0].0.abs() < 1e-5 && p[0].1.abs() < 1e-5);
        }
    }

    /// The three defining points project back to their exact coordinates: o at (0, 0), a at
    /// (1, 0), b at (⟨b−o, d1⟩/‖d1‖², ‖(b−o)⊥‖/‖d1‖), computed here from the definition.
    #[test]
    fn the_three_point_plane_gives_its_defining_points_their_exact_coordinates() {
        let n = 57;
        let o: Vec<f32> = (0..n).map(|k| (k as f32 * 0.13).sin()).collect();
        let a: Vec<f32> = (0..n).map(|k| (k as f32 * 0.41).cos()).collect();
        let b: Vec<f32> = (0..n).map(|k| 0.5 - (k as f32 * 0.07).sin()).collect();
        let p = plane_through(&o, &a, &b, "α", "β").unwrap();
        let sub = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| *p as f64 - *q as f64).collect::<Vec<f64>>();
        let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
        let (d1, v) = (sub(&a, &o), sub(&b, &o));
        let alpha_b = dot(&v, &d1) / dot(&d1, &d1);
        let perp: Vec<f64> = v.iter().zip(&d1).map(|(x, d)| x - alpha_b * d).collect();
        let beta_b = (dot(&perp, &perp) / dot(&d1, &d1)).sqrt();
        for (point, want) in [(&o, (0.0, 0.0)), (&a, (1.0, 0.0)), (&b, (alpha_b, beta_b))] {
            let got = p.project(point);
            assert!((got.0 - want.0).abs() < 1e-5 && (got.1 - want.1).abs() < 1e-5, "{got:?} vs {want:?}");
            let mut back = vec![0.0; n];
            p.point_into(got.0, got.1, &mut back);
            assert!(back.iter().zip(point.iter()).all(|(x, y)| (x - y).abs() < 1e-5));
        }
        assert!(plane_through(&o, &a, &a, "α", "β").is_none(), "collinear points span no plane");
    }

    #[test]
    fn the_pca_atlas_holds_every_run_and_reports_its_axes() {
        let mut s = Settings::default();
        s.set("epochs", "3").unwrap();
        s.set("n_train", "64").unwrap();
        s.set("n_test", "64").unwrap();
        s.set("batch", "8,32").unwrap();
        let sc = Scenario::new(&s.check().unwrap());
        let runs = vec![trajectory(&sc, 8), trajectory(&sc, 32)];
        let atlas = plan_atlas(&sc, PlaneKind::Pca, &runs, 5);
        assert!(atlas.plane.alpha_label.contains("principal component"));
        // The first run's end is the origin; every projected point lies inside the grid.
        let (a, b) = *atlas.paths[0].last().unwrap();
        assert!(a.abs() < 1e-5 && b.abs() < 1e-5);
        let e = atlas.grid.extent;
        for &(a, b) in atlas.paths.iter().flatten() {
            assert!(a >= e.alpha.0 && a <= e.alpha.1 && b >= e.beta.0 && b <= e.beta.1);
        }
    }

    #[test]
    fn runs_without_snapshots_get_empty_paths_and_the_plane_still_exists() {
        let sc = Scenario::new(&Settings::default().check().unwrap());
        let atlas = plan_atlas(&sc, PlaneKind::Endpoints, &[vec![], vec![]], 3);
        assert!(atlas.paths.iter().all(Vec::is_empty));
        assert_eq!(atlas.grid.n, 3);
    }
}
