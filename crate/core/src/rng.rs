//! The only place random numbers come from: one named generator, one stream per purpose.
//!
//! The generator is **mulberry32** and normals are **Box–Muller (cosine branch)**, exactly as
//! the W1 benchmark defines them, so that Batchscape's datasets, initial parameters and batch
//! orders can be checked bit for bit against the benchmark's reference values and against the
//! JavaScript and TensorFlow.js peers. No crate offers this pair (rand's normal sampler is a
//! ziggurat and its shuffle draws indices differently), hence the twenty lines below.
//! Statistical quality is ample for toy data sets; nothing here is cryptographic.

/// mulberry32: 32-bit state, period 2³². See W1's spec.
#[derive(Clone, Debug)]
pub struct Mulberry32 {
    state: u32,
}

impl Mulberry32 {
    pub fn new(seed: u32) -> Self {
        Self { state: seed }
    }

    pub fn next_u32(&mut self) -> u32 {
        self.state = self.state.wrapping_add(0x6D2B_79F5);
        let a = self.state;
        let mut t = (a ^ (a >> 15)).wrapping_mul(1 | a);
        t = t.wrapping_add((t ^ (t >> 7)).wrapping_mul(61 | t)) ^ t;
        t ^ (t >> 14)
    }

    /// Uniform in [0, 1), a multiple of 2⁻³².
    pub fn next_f64(&mut self) -> f64 {
        self.next_u32() as f64 / 4_294_967_296.0
    }

    /// Standard normal by Box–Muller, cosine branch: exactly two uniforms per draw.
    pub fn gauss(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64(); // (0, 1]: ln is finite
        let u2 = self.next_f64();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Uniform integer in 0..n as `floor(next · n)` (W1's Fisher–Yates draw).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize
    }
}

/// Seeds of the independent streams of one scenario. Changing the batch size never changes
/// the data, the initial parameters or the landscape directions, because each has its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Streams {
    pub data: u32,
    pub init: u32,
    pub shuffle: u32,
    pub dirs: u32,
}

impl Streams {
    /// W1's fixed streams (data 42, init 1, shuffle 7, dirs 3).
    pub const W1: Streams = Streams { data: 42, init: 1, shuffle: 7, dirs: 3 };

    /// The streams of a user seed: each purpose's seed is a splitmix32-style hash of
    /// (seed, purpose), so neighbouring seeds give unrelated streams.
    pub fn from_seed(seed: u32) -> Self {
        let mix = |purpose: u32| {
            let mut z = seed.wrapping_mul(0x9E37_79B9) ^ purpose.wrapping_mul(0x85EB_CA6B);
            z = (z ^ (z >> 16)).wrapping_mul(0x7FEB_352D);
            z = (z ^ (z >> 15)).wrapping_mul(0x846C_A68B);
            z ^ (z >> 16)
        };
        Self { data: mix(1), init: mix(2), shuffle: mix(3), dirs: mix(4) }
    }
}

/// FNV-1a 32-bit over the little-endian bytes of f32 values: the fingerprint W1 and our
/// determinism tests use.
pub fn fnv1a_f32(values: &[f32]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for v in values {
        for b in v.to_le_bytes() {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First outputs of mulberry32(42), from W1's `w1.mjs` run in Node:
    /// `const r = mulberry32(42); [r(), r(), r()]`.
    #[test]
    fn mulberry32_matches_the_javascript_reference() {
        let mut r = Mulberry32::new(42);
        let got: Vec<f64> = (0..3).map(|_| r.next_f64()).collect();
        assert_eq!(got, vec![0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    }

    #[test]
    fn streams_of_different_seeds_differ_and_are_stable() {
        let a = Streams::from_seed(1);
        assert_eq!(a, Streams::from_seed(1));
        assert_ne!(a, Streams::from_seed(2));
        let s = [a.data, a.init, a.shuffle, a.dirs];
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(s[i], s[j]);
            }
        }
    }
}
