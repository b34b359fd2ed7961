use super::*;

/// Over 2·10⁵ points spanning [−12, 12] (denser near 0) the error against f64 tanh stays
/// within 7 units in the last place of f32 (the rational form's bound: see `tanh` and the
/// exhaustive test below; the assertion message gives the worst).
#[test]
fn tanh_is_within_seven_ulp_of_the_f64_tanh_everywhere() {
    let mut worst = 0.0f64;
    for k in -100_000..=100_000 {
        let u = k as f64 / 100_000.0;
        for x in [12.0 * u, 0.7 * u, 1e-3 * u] {
            let x = x as f32;
            let want = libm::tanh(x as f64);
            let ulp = (f32::from_bits((want.abs() as f32).to_bits() + 1) - want.abs() as f32) as f64;
            let err = (tanh(x) as f64 - want).abs() / ulp.max(f32::MIN_POSITIVE as f64);
            worst = worst.max(err);
        }
    }
    assert!(worst <= 7.0, "worst error {worst} ulp");
    assert_eq!(tanh(f32::INFINITY), 1.0);
    assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
    assert!(tanh(f32::NAN).is_nan());
    assert_eq!(tanh(-0.0).to_bits(), (-0.0f32).to_bits());
}

/// Every f32 in [2⁻¹⁴, 12] (1.5·10⁸ values; tanh is odd and rounds to x below, to 1 above):
/// the worst error against f64 tanh, and how many values are within 3 ulp. Measured 6.88 ulp
/// (at x = 5.827876), 99.3 % within 3. Slow in a debug build, so run by hand:
/// `cargo test -p batchscape-core --release -- --ignored tanh_exhaustively`.
#[test]
#[ignore]
fn tanh_exhaustively_within_seven_ulp() {
    let (mut worst, mut at, mut within3, mut n) = (0.0f64, 0.0f32, 0usize, 0usize);
    for bits in 2.0f32.powi(-14).to_bits()..=12.0f32.to_bits() {
        let x = f32::from_bits(bits);
        let want = libm::tanh(x as f64);
        let w = want as f32;
        let ulp = (f32::from_bits(w.to_bits() + 1) as f64 - w as f64).min(w as f64 - f32::from_bits(w.to_bits() - 1) as f64);
        let err = (tanh(x) as f64 - want).abs() / ulp;
        if err > worst {
            (worst, at) = (err, x);
        }
        within3 += usize::from(err <= 3.0);
        n += 1;
    }
    println!("tanh: worst {worst:.2} ulp at {at}; {:.2} % within 3 ulp", 100.0 * within3 as f64 / n as f64);
    assert!(worst <= 7.0, "worst error {worst} ulp at {at}");
}

/// Against f64 `libm` over logits in [−100, 100]: loss within 3e-7 relative (plus 1e-30),
/// dℓ/dz within 3e-7 absolute.
#[test]
fn bce_matches_the_f64_formula() {
    let n = 40_001;
    let z: Vec<f32> = (0..n).map(|k| (k as f32 - 20_000.0) * 0.005).chain([-100.0, 100.0, 1e-8, -1e-8, 0.0]).collect();
    let y: Vec<f32> = (0..z.len()).map(|k| (k % 2) as f32).collect();
    let (mut l, mut d) = (vec![0.0; z.len()], vec![0.0; z.len()]);
    bce(&z, &y, &mut l, &mut d);
    for k in 0..z.len() {
        let (zk, yk) = (z[k] as f64, y[k] as f64);
        let want = zk.max(0.0) - yk * zk + libm::log1p(libm::exp(-zk.abs()));
        let sig = 1.0 / (1.0 + libm::exp(-zk));
        assert!((l[k] as f64 - want).abs() <= 3e-7 * want.abs() + 1e-30, "z {zk} y {yk}: {} vs {want}", l[k]);
        assert!((d[k] as f64 - (sig - yk)).abs() <= 3e-7, "z {zk}: {} vs {}", d[k], sig - yk);
    }
}

#[test]
fn all_finite_finds_any_nan_or_infinity() {
    let mut v = vec![1.0f32; 37];
    assert!(all_finite(&v));
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        v[29] = bad;
        assert!(!all_finite(&v));
    }
}

/// The blocked kernels against the naive triple loops on odd sizes (tails included).
#[test]
fn kernels_match_naive_loops_on_ragged_sizes() {
    let (rows, fan_in, fan_out) = (5, 11, 19);
    let f = |n: usize, s: f32| (0..n).map(|k| ((k as f32 + s) * 0.731).sin()).collect::<Vec<f32>>();
    let (a, w, b, delta) = (f(rows * fan_in, 1.0), f(fan_in * fan_out, 2.0), f(fan_out, 3.0), f(rows * fan_out, 4.0));
    let mut z = vec![0.0; rows * fan_out];
    dense(&a, rows, fan_in, &w, fan_out, Some(&b), &mut z);
    let mut gw = vec![0.0; fan_in * fan_out];
    weight_grad(&a, rows, fan_in, &delta, fan_out, &mut gw);
    let mut prev = vec![0.0; rows * fan_in];
    back(&delta, rows, fan_out, &w, fan_in, &mut prev);
    for r in 0..rows {
        for j in 0..fan_out {
            let mut s = b[j];
            (0..fan_in).for_each(|i| s = s + a[r * fan_in + i] * w[i * fan_out + j]);
            assert_eq!(z[r * fan_out + j], s);
        }
        for i in 0..fan_in {
            // Lanes k = 0..8 sum j = k, k + 8 (16 = two full blocks), pairwise reduction, then j = 16..19.
            let t = |j: usize| delta[r * fan_out + j] * w[i * fan_out + j];
            let acc: Vec<f32> = (0..8).map(|k| (0.0 + t(k)) + t(k + 8)).collect();
            let u: Vec<f32> = (0..4).map(|k| acc[k] + acc[k + 4]).collect();
            let mut s = (u[0] + u[2]) + (u[1] + u[3]);
            (16..fan_out).for_each(|j| s = s + t(j));
            assert_eq!(prev[r * fan_in + i], s);
        }
    }
    for i in 0..fan_in {
        for j in 0..fan_out {
            let mut s = 0.0;
            (0..rows).for_each(|r| s = s + a[r * fan_in + i] * delta[r * fan_out + j]);
            assert_eq!(gw[i * fan_out + j], s);
        }
    }
    // The single-output layer's lanes run along the inputs.
    let mut g1 = vec![0.0; fan_in];
    let d1 = f(rows, 5.0);
    weight_grad(&a, rows, fan_in, &d1, 1, &mut g1);
    for i in 0..fan_in {
        let mut s = 0.0;
        (0..rows).for_each(|r| s = s + a[r * fan_in + i] * d1[r]);
        assert_eq!(g1[i], s);
    }
}

/// The single output's back-propagation in lanes along the inputs gives the general form's
/// bits, signed zeros included.
#[test]
fn one_output_back_propagation_equals_the_general_form_bit_for_bit() {
    let f = |n: usize, s: f32| (0..n).map(|k| ((k as f32 + s) * 0.731).sin() * 10f32.powi((k % 7) as i32 - 3)).collect::<Vec<f32>>();
    let w = f(16, 2.0);
    for rows in [1, 2, 3, 5, 17, 64] {
        let mut delta = f(rows, 4.0 + rows as f32);
        delta[0] = -0.0;
        let (mut got, mut want) = (vec![1.0; rows * 16], vec![2.0; rows * 16]);
        back(&delta, rows, 1, &w, 16, &mut got);
        back_sized::<0, 0>(&delta, rows, 1, &w, 16, &mut want);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
        assert_eq!(bits(&got), bits(&want), "rows {rows}");
    }
}

/// W1's hidden-layer weight gradients (compile-time sizes) equal the general blocked loops.
#[test]
fn sized_weight_gradients_equal_the_general_kernel_bit_for_bit() {
    let f = |n: usize, s: f32| (0..n).map(|k| ((k as f32 + s) * 0.731).sin() * 10f32.powi((k % 5) as i32 - 2)).collect::<Vec<f32>>();
    for fan_in in [2, 16] {
        for rows in [1, 3, 32, 512] {
            let (a, d) = (f(rows * fan_in, 1.0), f(rows * 16, 2.0));
            let (mut got, mut want) = (vec![9.0; fan_in * 16], vec![9.0; fan_in * 16]);
            weight_grad(&a, rows, fan_in, &d, 16, &mut got);
            for i in 0..fan_in {
                for j in 0..16 {
                    let mut s = 0.0f32;
                    (0..rows).for_each(|r| s = s + a[r * fan_in + i] * d[r * 16 + j]);
                    want[i * 16 + j] = s;
                }
            }
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
            assert_eq!(bits(&got), bits(&want), "{fan_in} × 16, rows {rows}");
        }
    }
}

/// The transposed 16 → 16 back-propagation gives the dot-product form's bits, signed zeros
/// included, at every batch size it serves.
#[test]
fn back_16x16_equals_the_dot_product_form_bit_for_bit() {
    let f = |n: usize, s: f32| (0..n).map(|k| ((k as f32 + s) * 0.731).sin() * 10f32.powi((k % 7) as i32 - 3)).collect::<Vec<f32>>();
    let w = f(256, 2.0);
    for rows in [7, 8, 9, 32, 64] {
        let mut delta = f(rows * 16, 4.0 + rows as f32);
        delta[..16].iter_mut().for_each(|d| *d = -0.0);
        delta[40] = -0.0;
        let (mut got, mut want) = (vec![1.0; rows * 16], vec![2.0; rows * 16]);
        back(&delta, rows, 16, &w, 16, &mut got);
        back_sized::<16, 16>(&delta, rows, 16, &w, 16, &mut want);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
        assert_eq!(bits(&got), bits(&want), "rows {rows}");
    }
}
