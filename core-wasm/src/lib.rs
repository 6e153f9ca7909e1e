//! Numeric core of movie-recommender.
//!
//! A Rust crate compiled to a shared-memory, SIMD WebAssembly module whose
//! boundary wasm-bindgen generates. Kernels work on slices; `bindings` is the
//! only file with `#[wasm_bindgen]` exports: it checks the host's buffers and
//! turns every failure into an error with a message. Each SIMD kernel has a
//! scalar twin with the same arithmetic order, used natively and compared with
//! the SIMD path.

pub mod bpmf;
pub mod checksum;
pub mod fold_in;
pub mod ids;
pub mod implicit;
pub mod macau;
pub mod memory;
pub mod meta;
pub mod order;
pub mod predict;
pub mod ratings_csv;
pub mod score;
pub mod train;
pub mod vector;

mod bindings;

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;
