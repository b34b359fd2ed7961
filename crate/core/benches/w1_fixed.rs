//! Fixed W1 work for `perf stat` (CPU time on a shared machine, where wall-clock criterion
//! numbers swing with other processes): `perf stat -e task-clock,cycles:u
//! target/release/deps/w1_fixed-* train 512 2000` or `… landscape 51 3`.

use batchscape_core::model::Workspace;
use batchscape_core::w1::W1;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("train");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(512);
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let w = W1::new();
    if what == "landscape" {
        let mut ws = Workspace::new(&w.mlp, 256);
        let mut sum = 0.0f64;
        for _ in 0..reps {
            sum += w.landscape(n, &mut ws).iter().map(|&v| v as f64).sum::<f64>();
        }
        println!("landscape {n}x{n} x{reps}: checksum {sum}");
    } else {
        let mut t = w.trainer(n, usize::MAX);
        t.advance(reps);
        println!("train B={n} x{reps} steps ({} examples): θ[0] {}", n * reps, t.theta()[0]);
    }
}
