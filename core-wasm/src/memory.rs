//! The heap: std's allocator, counted, so the host can see what it holds.
//!
//! Bulk arrays (rating columns, factor matrices) are allocated here and the
//! host writes into views of them (zero-copy). The allocator is std's, which
//! is thread-safe in an atomics build, and grows the shared memory on demand.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// std's allocator with a running count of the bytes it has handed out.
pub struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System`, only adding a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            IN_USE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

/// Bytes currently allocated (all threads).
pub fn bytes_in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// The layout of a host allocation, or why it is not one.
pub fn layout(bytes: usize, align: usize) -> Result<Layout, String> {
    if !align.is_power_of_two() || !(16..=65536).contains(&align) {
        return Err(format!("alignment \"{align}\" is not a power of two in 16–65536"));
    }
    // A zero-byte request still gets a real, distinct block.
    Layout::from_size_align(bytes.max(1), align).map_err(|_| format!("{bytes} bytes is too large a block"))
}

/// Allocates `bytes` zeroed bytes aligned to `align`; `None` when memory is exhausted.
pub fn alloc_zeroed(layout: Layout) -> Option<usize> {
    // SAFETY: `layout` has a non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    (!p.is_null()).then_some(p as usize)
}

/// Frees a block from [`alloc_zeroed`] with the same layout.
///
/// # Safety
/// `ptr` must come from [`alloc_zeroed`] with `layout` and not be freed yet.
pub unsafe fn free(ptr: usize, layout: Layout) {
    std::alloc::dealloc(ptr as *mut u8, layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_checked_and_blocks_are_zeroed() {
        assert!(layout(8, 3).is_err());
        assert!(layout(8, 8).is_err());
        let l = layout(100, 64).unwrap();
        let p = alloc_zeroed(l).unwrap();
        assert_eq!(p % 64, 0);
        // SAFETY: fresh block of 100 bytes.
        let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, 100) };
        assert!(bytes.iter().all(|&b| b == 0));
        // SAFETY: allocated above with `l`.
        unsafe { free(p, l) };
    }
}
