//! Numeric core of movie-recommender.
//!
//! A `no_std` crate compiled to a shared-memory, SIMD WebAssembly module.
//! Kernels read and write buffers that the host allocated in the shared
//! memory; they never allocate, never keep global state, and report failures
//! as status codes (see [`status`]). `exports` is the only file with C-ABI
//! exports. Each SIMD kernel has a scalar twin with the same arithmetic order,
//! used natively and compared with the SIMD path.
#![cfg_attr(target_arch = "wasm32", no_std)]

pub mod checksum;
pub mod fold_in;
pub mod ids;
pub mod meta;
pub mod order;
pub mod predict;
pub mod ratings_csv;
pub mod score;
pub mod status;
pub mod train;
pub mod vector;

mod exports;

/// Traps on panic. Inputs are validated before they reach a kernel, so a
/// trap means a bug in this crate, never bad user data.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
