//! Times the training kernel natively (scalar twin, this machine's CPU) on a
//! layout dumped by `bench/train_bench.ts`, for the WASM/native ratio:
//!
//!   cargo run --release --example native_train_bench -- LAYOUT_FILE [K] [EPOCHS]
//!
//! LAYOUT_FILE: u32 n_users, u32 n_movies, u32 n, then users (u32 × n),
//! movies (u32 × n), ratings (f32 × n), little-endian. Prints one JSON line.

use pmf_core::train::{train, Buffers, Hyper, Scalar, Shape, SGD};
use std::time::Instant;

fn words(bytes: &[u8], at: usize, n: usize) -> Vec<u32> {
    bytes[at..at + 4 * n].chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: native_train_bench LAYOUT_FILE [K] [EPOCHS]");
    let k: usize = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(64);
    let epochs: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(4);
    let bytes = std::fs::read(path).expect("cannot read the layout file");
    let head = words(&bytes, 0, 3);
    let (nu, nm, n) = (head[0] as usize, head[1] as usize, head[2] as usize);
    let users = words(&bytes, 12, n);
    let movies = words(&bytes, 12 + 4 * n, n);
    let ratings: Vec<f32> = words(&bytes, 12 + 8 * n, n).into_iter().map(f32::from_bits).collect();
    let stride = k.div_ceil(4) * 4;
    let mut seed = 42u32;
    let mut init = |len: usize| -> Vec<f32> {
        (0..len)
            .map(|i| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                if i % stride < k {
                    (seed as f32 / u32::MAX as f32 - 0.5) * 0.2
                } else {
                    0.0
                }
            })
            .collect()
    };
    let (mut p, mut q) = (init(nu * stride), init(nm * stride));
    let (mut bu, mut bi) = (vec![0.0f32; nu], vec![0.0f32; nm]);
    let null = std::ptr::null_mut();
    let b = Buffers {
        p: p.as_mut_ptr(),
        q: q.as_mut_ptr(),
        bu: bu.as_mut_ptr(),
        bi: bi.as_mut_ptr(),
        mp: null,
        vp: null,
        mq: null,
        vq: null,
        su: null,
        si: null,
        m: null,
        g: null,
        mb: null,
        gb: null,
    };
    let mu = ratings.iter().map(|&r| r as f64).sum::<f64>() as f32 / n as f32;
    let s = Shape { n_users: nu, n_movies: nm, stride, mu };
    let h = Hyper {
        optimizer: SGD,
        lr: 0.01,
        lr_bias: 0.01,
        reg: 0.05,
        reg_bias: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        drop: 0.0,
        salt: 0,
    };
    let mut seconds = vec![];
    let mut rmse = 0.0;
    for _ in 0..epochs {
        let t = Instant::now();
        // SAFETY: buffers sized for the shape above; one thread.
        let sse = unsafe { train::<Scalar>(&b, &s, &h, &users, &movies, &ratings, 0) }.expect("index out of range");
        seconds.push(t.elapsed().as_secs_f64());
        rmse = (sse / n as f64).sqrt();
    }
    let mut steady = seconds[1..].to_vec();
    steady.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = if steady.is_empty() { seconds[0] } else { steady[steady.len() / 2] };
    println!(
        "{{\"native_epoch_seconds\":{:?},\"native_epoch_seconds_median\":{:.4},\"native_ratings_per_s\":{},\"last_train_rmse\":{:.4}}}",
        seconds.iter().map(|s| (s * 1e4).round() / 1e4).collect::<Vec<_>>(),
        median,
        (n as f64 / median) as u64,
        rmse
    );
}
