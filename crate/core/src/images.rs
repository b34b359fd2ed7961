//! What a multiclass run predicts on the test set, for data without an input plane (the
//! digits): the confusion matrix, the most confused pairs, and the predicted label of every
//! test image (the page's grid shows the first [`SHOWN`], its PCA view all of them). The
//! page's views and the tool's figures both read these numbers from [`image_report`].

use crate::data::Dataset;
use crate::model::{argmax, Mlp, Workspace};
use serde::{Deserialize, Serialize};

/// Test images the grid shows (the first of the test set, which the data stream drew at
/// random from the 1 797, so they are a fair sample and the same for every run).
pub const SHOWN: usize = 40;

/// Off-diagonal pairs [`ImageReport::confused`] lists.
pub const TOP_CONFUSED: usize = 3;

/// Test images of one true class predicted as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    pub actual: usize,
    pub predicted: usize,
    pub count: u32,
}

/// A run's predictions on the test set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageReport {
    /// Classes K.
    pub classes: usize,
    /// `confusion[a·K + p]`: test images of class `a` predicted as `p` (rows: the truth).
    pub confusion: Vec<u32>,
    /// Test images with a non-finite output (a diverged run): not in the matrix.
    pub unpredicted: usize,
    /// Test images in all.
    pub n: usize,
    /// Misclassified test images (off-diagonal sum).
    pub errors: u32,
    /// The largest off-diagonal cells, most first (ties: smaller true class, then predicted),
    /// at most [`TOP_CONFUSED`], only non-zero ones.
    pub confused: Vec<Confusion>,
    /// Predicted class of each test image, test-set order (`classes` when not finite): the
    /// digit grid reads the first [`SHOWN`], the PCA view ([`crate::input_pca`]) all. One byte
    /// each, so a frame of 1 733 test digits carries 1.7 kB of predictions.
    pub predicted: Vec<u8>,
}

/// The [`ImageReport`] of `theta` on `test`.
pub fn image_report(mlp: &Mlp, theta: &[f32], test: &Dataset) -> ImageReport {
    let k = mlp.outputs().max(2);
    let mut ws = Workspace::new(mlp, 256);
    let out = mlp.predict(theta, &test.x, &mut ws);
    let mut confusion = vec![0u32; k * k];
    let mut unpredicted = 0;
    let mut predicted = Vec::with_capacity(test.len());
    for (i, z) in out.chunks_exact(mlp.outputs()).enumerate() {
        let p = if z.iter().all(|v| v.is_finite()) {
            let p = if z.len() == 1 { (z[0] > 0.0) as usize } else { argmax(z) };
            let a = crate::model::class_of(test.y[i], k);
            confusion[a * k + p] += 1;
            p
        } else {
            unpredicted += 1;
            k
        };
        predicted.push(p as u8);
    }
    let mut off: Vec<Confusion> = (0..k * k)
        .filter(|&c| c / k != c % k && confusion[c] > 0)
        .map(|c| Confusion { actual: c / k, predicted: c % k, count: confusion[c] })
        .collect();
    off.sort_by(|a, b| b.count.cmp(&a.count).then(a.actual.cmp(&b.actual)).then(a.predicted.cmp(&b.predicted)));
    let errors = off.iter().map(|c| c.count).sum();
    off.truncate(TOP_CONFUSED);
    ImageReport { classes: k, confusion, unpredicted, n: test.len(), errors, confused: off, predicted }
}

/// The first [`SHOWN`] test images (row-major, `dim` values each) and their labels.
pub fn shown_images(test: &Dataset) -> (Vec<f32>, Vec<f32>) {
    let n = test.len().min(SHOWN);
    (test.x[..n * test.dim].to_vec(), test.y[..n].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Loss};

    /// Logits (x₀, x₁, 0) of a linear model: the class of the larger input, 2 when both are
    /// negative. Four test points, one misclassified, one with a NaN input.
    #[test]
    fn the_confusion_matrix_counts_truth_by_prediction() {
        let mlp = Mlp::with_outputs(2, &[], 3, Activation::Tanh, Loss::Softmax);
        let theta = [1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
        let test = Dataset { dim: 2, x: vec![2.0, 1.0, -1.0, 3.0, -1.0, -2.0, 1.0, 2.0, f32::NAN, 0.0], y: vec![0.0, 1.0, 2.0, 0.0, 1.0] };
        let r = image_report(&mlp, &theta, &test);
        assert_eq!(r.confusion, vec![1, 1, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!((r.errors, r.unpredicted, r.n), (1, 1, 5));
        assert_eq!(r.confused, vec![Confusion { actual: 0, predicted: 1, count: 1 }]);
        assert_eq!(r.predicted, vec![0, 1, 2, 1, 3]);
        assert_eq!(r.confusion.iter().sum::<u32>() as usize + r.unpredicted, r.n);
    }
}
