//! Research check of the Gibbs sampler on a MovieLens ratings.csv (not part of the product):
//! `cargo run --release --example bpmf_cv -- ratings.csv [k] [sweeps] [burn_in]`, 5 seeded random folds.

use pmf_core::bpmf::{self, Csr, Hyper, Rng};

fn csr(rows: usize, pairs: &[(u32, u32, f32)]) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut indptr = vec![0u32; rows + 1];
    for &(r, _, _) in pairs {
        indptr[r as usize + 1] += 1;
    }
    for r in 0..rows {
        indptr[r + 1] += indptr[r];
    }
    let mut fill = indptr.clone();
    let (mut idx, mut val) = (vec![0u32; pairs.len()], vec![0f32; pairs.len()]);
    for &(r, c, v) in pairs {
        let at = fill[r as usize] as usize;
        idx[at] = c;
        val[at] = v;
        fill[r as usize] += 1;
    }
    (indptr, idx, val)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let k: usize = args.get(2).map_or(10, |s| s.parse().unwrap());
    let sweeps: usize = args.get(3).map_or(200, |s| s.parse().unwrap());
    let burn: usize = args.get(4).map_or(50, |s| s.parse().unwrap());
    let (mut uid, mut mid) = (std::collections::HashMap::new(), std::collections::HashMap::new());
    let mut all = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let nu = uid.len() as u32;
        let u = *uid.entry(f[0].to_string()).or_insert(nu);
        let nm = mid.len() as u32;
        let m = *mid.entry(f[1].to_string()).or_insert(nm);
        all.push((u, m, f[2].parse::<f32>().unwrap()));
    }
    let (nu, nm) = (uid.len(), mid.len());
    let stride = (k + 1).div_ceil(4) * 4;
    let mut rmses = Vec::new();
    for fold in 0..5u64 {
        let mut rng = Rng::new(42, 0, 0, 0);
        let fold_of: Vec<u64> = all.iter().map(|_| rng.next_u64() % 5).collect();
        let train: Vec<_> = all.iter().zip(&fold_of).filter(|(_, &f)| f != fold).map(|(x, _)| *x).collect();
        let test: Vec<_> = all.iter().zip(&fold_of).filter(|(_, &f)| f == fold).map(|(x, _)| *x).collect();
        let mu = (train.iter().map(|x| x.2 as f64).sum::<f64>() / train.len() as f64) as f32;
        let (up, ui, ur) = csr(nu, &train);
        let swapped: Vec<_> = train.iter().map(|&(u, m, r)| (m, u, r)).collect();
        let (mp, mi, mr) = csr(nm, &swapped);
        let ucsr = Csr { indptr: &up, indices: &ui, ratings: &ur };
        let mcsr = Csr { indptr: &mp, indices: &mi, ratings: &mr };
        let mut users = vec![0f32; nu * stride];
        let mut movies = vec![0f32; nm * stride];
        let mut init = Rng::new(7, fold, 0, 0);
        for r in 0..nu {
            for j in 0..k {
                users[r * stride + j] = (0.1 * init.normal()) as f32;
            }
        }
        for r in 0..nm {
            for j in 0..k {
                movies[r * stride + j] = (0.1 * init.normal()) as f32;
            }
        }
        let d = k + 1;
        let (mut hm, mut hp) = (vec![0f64; d], vec![0f64; d * d]);
        let mut scratch = vec![0f64; bpmf::scratch_len(k)];
        let mut alpha = 2.0f64;
        let tu: Vec<u32> = test.iter().map(|x| x.0).collect();
        let tm: Vec<u32> = test.iter().map(|x| x.1).collect();
        let (mut sum, mut sq) = (vec![0f64; test.len()], vec![0f64; test.len()]);
        let mut kept = 0;
        let t0 = std::time::Instant::now();
        for s in 0..sweeps {
            let mut hr = Rng::new(11, fold, s as u64, 0);
            assert!(bpmf::sample_hyper(&movies, None, None, nm, k, stride, &mut hr, &mut hm, &mut hp));
            assert!(bpmf::sample_rows(
                &mcsr,
                0..nm,
                &mut movies,
                &users,
                k,
                stride,
                mu,
                &Hyper { mean: &hm, precision: &hp, offsets: None },
                alpha,
                (11, s as u64, 1),
                &mut scratch,
                bpmf::Lanes::Simd
            ));
            assert!(bpmf::sample_hyper(&users, None, None, nu, k, stride, &mut hr, &mut hm, &mut hp));
            assert!(bpmf::sample_rows(
                &ucsr,
                0..nu,
                &mut users,
                &movies,
                k,
                stride,
                mu,
                &Hyper { mean: &hm, precision: &hp, offsets: None },
                alpha,
                (11, s as u64, 0),
                &mut scratch,
                bpmf::Lanes::Simd
            ));
            let e = bpmf::sse(&ucsr, 0..nu, &users, &movies, k, stride, mu);
            alpha = bpmf::sample_alpha(e, train.len(), &mut hr);
            if s >= burn {
                bpmf::accumulate(&tu, &tm, &users, &movies, k, stride, mu, &mut sum, &mut sq);
                kept += 1;
            }
            if (s + 1) % 50 == 0 || s + 1 == sweeps {
                let rmse = if kept > 0 {
                    (test
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let y = (sum[i] / kept as f64).clamp(0.5, 5.0);
                            (y - x.2 as f64).powi(2)
                        })
                        .sum::<f64>()
                        / test.len() as f64)
                        .sqrt()
                } else {
                    f64::NAN
                };
                eprintln!(
                    "fold {fold} sweep {} alpha {alpha:.3} train rmse {:.4} test rmse {rmse:.4} ({:.1} s)",
                    s + 1,
                    (e / train.len() as f64).sqrt(),
                    t0.elapsed().as_secs_f64()
                );
            }
        }
        // Calibration of the 90% predictive interval: mean ± 1.645·sqrt(var + 1/α).
        let mut inside = 0;
        let mut se = 0.0;
        for (i, x) in test.iter().enumerate() {
            let m = sum[i] / kept as f64;
            let var = (sq[i] / kept as f64 - m * m).max(0.0) + 1.0 / alpha;
            let y = m.clamp(0.5, 5.0);
            se += (y - x.2 as f64).powi(2);
            if ((x.2 as f64) - m).abs() <= 1.645 * var.sqrt() {
                inside += 1;
            }
        }
        let rmse = (se / test.len() as f64).sqrt();
        println!("fold {fold}: test RMSE {rmse:.4}, 90% interval coverage {:.3}", inside as f64 / test.len() as f64);
        rmses.push(rmse);
    }
    let mean = rmses.iter().sum::<f64>() / 5.0;
    println!("mean RMSE {mean:.4}");
}
