//! Status codes returned by every export. `0` is success; the host turns the
//! others into messages (see `lib/wasm.ts`), so numbering is part of the ABI.

/// The kernel ran to completion.
pub const OK: i32 = 0;
/// A required pointer was null.
pub const NULL_POINTER: i32 = 1;
/// A pointer was not aligned for its element type.
pub const MISALIGNED: i32 = 2;
/// A buffer reaches past the end of linear memory.
pub const OUT_OF_BOUNDS: i32 = 3;
/// A dimension is invalid (for example `k == 0` or `stride < k`).
pub const BAD_DIMENSION: i32 = 4;
/// A size computation overflowed.
pub const OVERFLOW: i32 = 5;
/// An input value is outside what the kernel accepts (an id outside its
/// table, a permutation entry out of range, unsorted rows).
pub const INVALID_INPUT: i32 = 6;

/// Version of the C ABI (export names, signatures and status codes). The host
/// refuses a module whose version differs from the one it was written for.
pub const ABI_VERSION: u32 = 5;
