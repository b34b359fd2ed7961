//! The edge of stability (Cohen et al. 2021) on W1's moons MLP: full-batch gradient descent
//! (batch = all 512 training points) at step size η, with λ_max of the training-loss Hessian
//! measured from the trainer's θ snapshots. Progressive sharpening drives λ_max up to about
//! 2/η, where it stops rising and hovers.
//!
//! ```text
//! cargo run --release -p batchscape --example edge_of_stability -- [η=0.5] [steps=4000] [records=40] [n_train=512]
//! ```

use batchscape_core::analysis::series;
use batchscape_core::curvature::PowerConfig;
use batchscape_core::data::moons;
use batchscape_core::model::{Activation, Loss, Mlp};
use batchscape_core::rng::{Mulberry32, Streams};
use batchscape_core::train::{RunSpec, Trainer};
use std::sync::Arc;

fn main() {
    let args: Vec<f64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let lr = args.first().copied().unwrap_or(0.5);
    let steps = args.get(1).copied().unwrap_or(4000.0) as usize;
    let records = args.get(2).copied().unwrap_or(40.0) as usize;
    let n_train = args.get(3).copied().unwrap_or(512.0) as usize;
    let split = Arc::new(moons(n_train, 512, 0.2, &mut Mulberry32::new(Streams::W1.data)));
    let mlp = Mlp::new(2, &[16, 16], Activation::Tanh, Loss::Bce);
    let theta0 = mlp.init_glorot(&mut Mulberry32::new(Streams::W1.init));
    let spec = RunSpec::sgd(split.train.len(), lr, steps, records);
    let mut trainer = Trainer::new(&mlp, split.clone(), &theta0, spec, Streams::W1.shuffle);
    let status = trainer.advance(usize::MAX).clone();
    let h = trainer.history();
    let t = std::time::Instant::now();
    let (lams, bs) = series(&mlp, &split.train, &h.theta, PowerConfig::default(), Streams::W1.dirs);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!("full-batch GD on W1 moons (2-16-16-1 tanh, N = {n_train}), η = {lr}, 2/η = {:.4}, {status:?}", 2.0 / lr);
    println!("{:>6} {:>10} {:>10} {:>10} {:>9}", "step", "train", "λ_max", "λ_max·η/2", "B_simple");
    for k in 0..lams.len() {
        println!("{:>6} {:>10.5} {:>10.4} {:>10.3} {:>9.2}", h.step[k], h.train_loss[k], lams[k], lams[k] * lr / 2.0, bs[k]);
    }
    let late = &lams[lams.len() * 3 / 4..];
    let max_late = late.iter().cloned().fold(f64::MIN, f64::max);
    println!("late max λ_max = {max_late:.4} (2/η = {:.4}, ratio {:.3}); {} snapshots analysed in {ms:.0} ms", 2.0 / lr, max_late * lr / 2.0, lams.len());
}
