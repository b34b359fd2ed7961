//! Contour lines by marching squares. Hand-written because plotters has no contour series and
//! the crates that do (e.g. `contour`) pull in geometry stacks far larger than these 40 lines.

/// Segments of the level set `values = level` on an `n × n` grid (`values[j·n + i]`), in
/// fractional grid coordinates (i, j). Saddle cells are split the same way every time.
pub fn contour_segments(values: &[f64], n: usize, level: f64) -> Vec<((f64, f64), (f64, f64))> {
    let mut out = Vec::new();
    if n < 2 || values.len() < n * n {
        return out;
    }
    let at = |i: usize, j: usize| values[j * n + i];
    // Point where the level crosses the edge from p (value vp) to q (value vq).
    let cross = |p: (f64, f64), vp: f64, q: (f64, f64), vq: f64| {
        let t = if (vq - vp).abs() > 1e-300 { ((level - vp) / (vq - vp)).clamp(0.0, 1.0) } else { 0.5 };
        (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
    };
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f64> = corners.iter().map(|&(a, b)| at(a, b)).collect();
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let p: Vec<(f64, f64)> = corners.iter().map(|&(a, b)| (a as f64, b as f64)).collect();
            let mut pts = Vec::with_capacity(4);
            for e in 0..4 {
                let (a, b) = (e, (e + 1) % 4);
                if (v[a] >= level) != (v[b] >= level) {
                    pts.push(cross(p[a], v[a], p[b], v[b]));
                }
            }
            if pts.len() == 2 {
                out.push((pts[0], pts[1]));
            } else if pts.len() == 4 {
                out.push((pts[0], pts[1]));
                out.push((pts[2], pts[3]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For f(i, j) = i on a 3 × 3 grid the level 0.5 is the vertical line i = 0.5.
    #[test]
    fn a_linear_ramp_gives_a_straight_contour() {
        let values: Vec<f64> = (0..9).map(|k| (k % 3) as f64).collect();
        let segs = contour_segments(&values, 3, 0.5);
        assert_eq!(segs.len(), 2);
        for (a, b) in segs {
            assert!((a.0 - 0.5).abs() < 1e-12 && (b.0 - 0.5).abs() < 1e-12);
        }
    }
}
