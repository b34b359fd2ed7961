//! The 8×8 handwritten digits: a small real data set, embedded in the build.
//!
//! **Source:** the UCI "Optical Recognition of Handwritten Digits" data set (E. Alpaydin and
//! C. Kaynak, 1998; licence CC BY 4.0), as scikit-learn ships it (`sklearn/datasets/data/
//! digits.csv.gz`): 1 797 images of 8×8 pixel counts 0–16, each with its label 0–9.
//!
//! **Form in the repository:** `crate/core/data/digits.bin`, 1 797 records of 65 bytes (the 64
//! pixel counts row-major, then the label), 116 805 bytes (45 972 gzipped). One byte per pixel
//! because the counts run 0..=16, one more than four bits hold. It is embedded with
//! `include_bytes!`, so nothing is read or fetched at run time.
//!
//! **Split:** the data stream draws a partial Fisher–Yates shuffle of the 1 797 indices; the
//! first `n_train` drawn are the training set, the next `n_test` the test set (so the two never
//! share an image). Inputs are the counts divided by 16, in [0, 1]; the label is the class index
//! as f32. The `noise` setting does not apply (the images are real); label noise does.

use crate::data::{Dataset, Split};
use crate::rng::Mulberry32;

/// The embedded records (see the module docs).
pub static BYTES: &[u8] = include_bytes!("../data/digits.bin");

/// Images in the set.
pub const ROWS: usize = 1797;
/// Pixels per image (8×8).
pub const PIXELS: usize = 64;
/// Digit classes 0–9.
pub const CLASSES: usize = 10;
/// Bytes per record: the pixels, then the label.
const RECORD: usize = PIXELS + 1;

/// Pixel counts of image `i` (0..=16, row-major).
pub fn pixels(i: usize) -> &'static [u8] {
    &BYTES[i * RECORD..i * RECORD + PIXELS]
}

/// Label of image `i` (0..=9).
pub fn label(i: usize) -> u8 {
    BYTES[i * RECORD + PIXELS]
}

/// `n_train` training and `n_test` test images drawn from `rng` (see the module docs); the
/// sizes are capped so that together they fit the 1 797 images.
pub fn split(n_train: usize, n_test: usize, rng: &mut Mulberry32) -> Split {
    let n_train = n_train.min(ROWS);
    let n_test = n_test.min(ROWS - n_train);
    let n = n_train + n_test;
    let mut idx: Vec<usize> = (0..ROWS).collect();
    for i in 0..n {
        let j = i + rng.below(ROWS - i);
        idx.swap(i, j);
    }
    let take = |ids: &[usize]| Dataset {
        dim: PIXELS,
        x: ids.iter().flat_map(|&i| pixels(i).iter().map(|&p| p as f32 / 16.0)).collect(),
        y: ids.iter().map(|&i| label(i) as f32).collect(),
    };
    Split { train: take(&idx[..n_train]), test: take(&idx[n_train..n]) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::fnv1a_f32;

    #[test]
    fn the_embedded_data_has_1797_rows_of_64_counts_in_0_to_16_and_10_classes() {
        assert_eq!(BYTES.len(), ROWS * RECORD);
        assert!((0..ROWS).all(|i| pixels(i).len() == PIXELS && pixels(i).iter().all(|&p| p <= 16)));
        let mut per_class = [0usize; CLASSES];
        (0..ROWS).for_each(|i| per_class[label(i) as usize] += 1);
        // scikit-learn's counts per digit (load_digits DESCR: ~180 per class).
        assert_eq!(per_class, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
        // Some pixel reaches 16 and some stays 0: the full range 0..=16 is used.
        assert_eq!(BYTES.chunks(RECORD).flat_map(|r| &r[..PIXELS]).max(), Some(&16));
        // The first image is scikit-learn's digits.images[0], a zero.
        assert_eq!(&pixels(0)[..8], &[0, 0, 5, 13, 9, 1, 0, 0]);
        assert_eq!(label(0), 0);
    }

    #[test]
    fn the_embedded_data_has_its_pinned_hash() {
        // FNV-1a 32 over the raw bytes; changes only if digits.bin changes.
        let mut h: u32 = 0x811c9dc5;
        for &b in BYTES {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(format!("{h:08x}"), "bfb62887");
    }

    #[test]
    fn a_split_is_disjoint_scaled_and_drawn_by_the_data_stream() {
        let a = split(1000, 797, &mut Mulberry32::new(3));
        assert_eq!((a.train.len(), a.test.len(), a.train.dim), (1000, 797, 64));
        assert!(a.train.x.iter().chain(&a.test.x).all(|&v| (0.0..=1.0).contains(&v)));
        // Every image is used exactly once: the pixel sums of train + test are those of the set.
        let total: f64 = BYTES.chunks(RECORD).flat_map(|r| &r[..PIXELS]).map(|&p| p as f64 / 16.0).sum();
        let drawn: f64 = a.train.x.iter().chain(&a.test.x).map(|&v| v as f64).sum();
        assert!((total - drawn).abs() < 1e-3);
        assert_eq!(a, split(1000, 797, &mut Mulberry32::new(3)));
        assert_ne!(fnv1a_f32(&a.train.y), fnv1a_f32(&split(1000, 797, &mut Mulberry32::new(4)).train.y));
        // Too many asked: capped to the set.
        let capped = split(1500, 1500, &mut Mulberry32::new(3));
        assert_eq!((capped.train.len(), capped.test.len()), (1500, 297));
    }

    /// Multinomial logistic regression (`hidden=` empty: 64 → 10, 650 parameters) trained by
    /// SGD at B = 32, η = 0.5 for 30 epochs on 1 000 images reaches ≥ 93 % on the other 797.
    /// Why 93 %: a linear model separates these digits well — scikit-learn's documentation
    /// reports about 96 % for logistic regression on held-out digits, and this run gives
    /// 95.0 % (seed 1; `batchscape run --set dataset=digits --set hidden= --set n_train=1000
    /// --set n_test=797 --set batch=32 --set epochs=30 --set lr=0.5`); 93 % leaves room for the
    /// seed while far above chance (10 %) and above what a broken softmax (e.g. a wrong
    /// gradient sign or label index) could reach.
    #[test]
    fn logistic_regression_on_the_digits_reaches_93_percent_test_accuracy() {
        use crate::scenario::Scenario;
        use crate::settings::Settings;
        let pairs = [("dataset", "digits"), ("hidden", ""), ("n_train", "1000"), ("n_test", "797"), ("batch", "32"), ("epochs", "30"), ("lr", "0.5")];
        let sc = Scenario::new(&Settings::from_pairs(pairs).unwrap());
        assert_eq!((sc.mlp.n_params(), sc.mlp.outputs()), (650, 10));
        let mut t = sc.trainer(32);
        t.advance(usize::MAX);
        let e = sc.mlp.evaluate(t.theta(), &sc.split.test, &mut crate::model::Workspace::new(&sc.mlp, 256));
        let acc = e.accuracy.unwrap();
        assert!(acc >= 0.93, "test accuracy {acc}");
    }
}
