//! Trains LIBMF on a split file and lets it print its per-iteration line
//! (`iter tr_rmse va_rmse obj`); the caller timestamps the lines as they come.
//!
//!   libmf_peer SPLIT_FILE K THREADS ITERATIONS LAMBDA
//!
//! SPLIT_FILE: u32 n_users, u32 n_movies, u32 n_train, u32 n_validation, u32
//! n_test, then for the training ratings users (u32 × n), movies (u32 × n),
//! ratings (f32 × n), then the same for validation and for test; little-endian.
//! Last line printed: one JSON object with the load and training seconds and the
//! final model's validation and test RMSE.

use std::time::Instant;

fn words(bytes: &[u8], at: usize, n: usize) -> Vec<u32> {
    bytes[at..at + 4 * n]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn matrix(bytes: &[u8], at: usize, n: usize) -> libmf::Matrix {
    let users = words(bytes, at, n);
    let movies = words(bytes, at + 4 * n, n);
    let ratings = words(bytes, at + 8 * n, n);
    let mut m = libmf::Matrix::with_capacity(n);
    for i in 0..n {
        m.push(
            users[i] as i32,
            movies[i] as i32,
            f32::from_bits(ratings[i]),
        );
    }
    m
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: libmf_peer SPLIT_FILE K THREADS ITERATIONS LAMBDA";
    let arg = |i: usize| args.get(i).expect(usage);
    let t0 = Instant::now();
    let bytes = std::fs::read(arg(1)).expect("cannot read the split file");
    let head = words(&bytes, 0, 5);
    let (n_train, n_val, n_test) = (head[2] as usize, head[3] as usize, head[4] as usize);
    let train = matrix(&bytes, 20, n_train);
    let validation = matrix(&bytes, 20 + 12 * n_train, n_val);
    let test = matrix(&bytes, 20 + 12 * (n_train + n_val), n_test);
    let load = t0.elapsed().as_secs_f64();
    let lambda: f32 = arg(5).parse().expect(usage);
    let t1 = Instant::now();
    let model = libmf::Model::params()
        .factors(arg(2).parse().expect(usage))
        .threads(arg(3).parse().expect(usage))
        .iterations(arg(4).parse().expect(usage))
        .lambda_p2(lambda)
        .lambda_q2(lambda)
        .quiet(false)
        .fit_eval(&train, &validation)
        .expect("LIBMF failed");
    let seconds = t1.elapsed().as_secs_f64();
    let rmse = model.rmse(&validation).expect("LIBMF could not evaluate");
    let test_rmse = model.rmse(&test).expect("LIBMF could not evaluate");
    // Peak resident memory, from the kernel's accounting (Linux), in MiB.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.to_string())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0);
    println!(
        "{{\"load_seconds\":{load},\"train_seconds\":{seconds},\"validation_rmse\":{rmse},\"test_rmse\":{test_rmse},\"peak_rss_mib\":{peak}}}"
    );
}
