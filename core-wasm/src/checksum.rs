//! A fast 64-bit checksum of 4-byte words, to detect corrupt cache and
//! checkpoint files (not a cryptographic hash). Four independent 32-bit lanes
//! `h = rotl(h ^ w, 13) * 0x9E3779B1` take words round-robin; the lanes and the
//! length are then mixed into 64 bits. `simd` and `scalar` agree bit for bit.
//!
//! One array's lanes form a chain of dependent multiplies, so one checksum waits
//! on the multiplier's latency; [`checksum_many`] runs the chains of up to four
//! arrays side by side (each value unchanged), which keeps the multiplier busy.

const PRIME: u32 = 0x9E37_79B1;
const SEEDS: [u32; 4] = [0x2545_F491, 0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372];

fn lane(h: u32, w: u32) -> u32 {
    (h ^ w).rotate_left(13).wrapping_mul(PRIME)
}

fn finish(h: [u32; 4], n: usize) -> u64 {
    let mut x = (n as u64) ^ 0x9E37_79B9_7F4A_7C15;
    for v in h {
        x ^= v as u64;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 31;
    }
    x ^= x >> 29;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 32)
}

/// Scalar twin.
pub fn checksum_scalar(words: &[u32]) -> u64 {
    let mut h = SEEDS;
    let blocks = words.len() / 4;
    for b in 0..blocks {
        for j in 0..4 {
            h[j] = lane(h[j], words[b * 4 + j]);
        }
    }
    for (j, &w) in words[blocks * 4..].iter().enumerate() {
        h[j] = lane(h[j], w);
    }
    finish(h, words.len())
}

/// SIMD version (wasm32).
#[cfg(target_arch = "wasm32")]
pub fn checksum(words: &[u32]) -> u64 {
    use core::arch::wasm32::*;
    let blocks = words.len() / 4;
    let p = words.as_ptr();
    let mut h = [0u32; 4];
    // SAFETY: loads stay within the first `blocks * 4` words.
    unsafe {
        let mut v = u32x4(SEEDS[0], SEEDS[1], SEEDS[2], SEEDS[3]);
        let prime = u32x4_splat(PRIME);
        for b in 0..blocks {
            let w = v128_load(p.add(b * 4) as *const v128);
            let x = v128_xor(v, w);
            let r = v128_or(u32x4_shl(x, 13), u32x4_shr(x, 19));
            v = i32x4_mul(r, prime);
        }
        v128_store(h.as_mut_ptr() as *mut v128, v);
    }
    for (j, &w) in words[blocks * 4..].iter().enumerate() {
        h[j] = lane(h[j], w);
    }
    finish(h, words.len())
}

/// The checksums of several arrays (each equal to [`checksum`] of it), their
/// chains interleaved four at a time over the blocks the arrays share.
#[cfg(target_arch = "wasm32")]
pub fn checksum_many(arrays: &[&[u32]]) -> Vec<u64> {
    use core::arch::wasm32::*;
    let mut out = Vec::with_capacity(arrays.len());
    for group in arrays.chunks(4) {
        let prime = u32x4_splat(PRIME);
        let step = |v: v128, w: v128| {
            let x = v128_xor(v, w);
            i32x4_mul(v128_or(u32x4_shl(x, 13), u32x4_shr(x, 19)), prime)
        };
        let seeds = u32x4(SEEDS[0], SEEDS[1], SEEDS[2], SEEDS[3]);
        let mut v = [seeds; 4];
        let shared = group.iter().map(|a| a.len() / 4).min().unwrap_or(0);
        // SAFETY: loads stay within the first `shared * 4` words of every array.
        unsafe {
            for b in 0..shared {
                for (j, a) in group.iter().enumerate() {
                    v[j] = step(v[j], v128_load(a.as_ptr().add(b * 4) as *const v128));
                }
            }
        }
        for (j, a) in group.iter().enumerate() {
            let blocks = a.len() / 4;
            // SAFETY: as above, for this array's own remaining blocks.
            unsafe {
                for b in shared..blocks {
                    v[j] = step(v[j], v128_load(a.as_ptr().add(b * 4) as *const v128));
                }
            }
            let mut h = [0u32; 4];
            // SAFETY: `h` holds four u32.
            unsafe { v128_store(h.as_mut_ptr() as *mut v128, v[j]) };
            for (k, &w) in a[blocks * 4..].iter().enumerate() {
                h[k] = lane(h[k], w);
            }
            out.push(finish(h, a.len()));
        }
    }
    out
}

/// Native builds: one [`checksum_scalar`] after another.
#[cfg(not(target_arch = "wasm32"))]
pub fn checksum_many(arrays: &[&[u32]]) -> Vec<u64> {
    arrays.iter().map(|a| checksum_scalar(a)).collect()
}

/// Native builds use the scalar twin.
#[cfg(not(target_arch = "wasm32"))]
pub fn checksum(words: &[u32]) -> u64 {
    checksum_scalar(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_with_any_word_position_or_length() {
        let words: Vec<u32> = (0..37).collect();
        let base = checksum_scalar(&words);
        for i in 0..words.len() {
            let mut w = words.clone();
            w[i] ^= 1;
            assert_ne!(checksum_scalar(&w), base, "flip at {i}");
        }
        assert_ne!(checksum_scalar(&words[..36]), base);
        assert_ne!(checksum_scalar(&[]), checksum_scalar(&[0]));
    }
}
