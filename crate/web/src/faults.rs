//! Allocation failures, reported; and test-only faults for the page's fault-injection tests
//! (`?test_faults=1`, `www/faults.js`).
//!
//! **Out of memory.** On wasm a failed allocation aborts: the caller sees only a
//! `RuntimeError: unreachable`, the same as a panic. So the module's allocator is the system one
//! wrapped in [`Recording`], which notes the size of the first allocation the system allocator
//! refused (its linear memory could not grow). After a trap a worker asks
//! [`alloc_failure_bytes`] (`www/worker-faults.js`, `failureText`) and reports "out of memory"
//! with that size instead of "unreachable". It also counts the bytes allocated and not yet
//! freed ([`alloc_live_bytes`], and their peak, [`alloc_peak_bytes`]): the memory soak tells a leak (live bytes rising) from the
//! allocator's high-water mark (the linear memory, which never shrinks, rising while the live
//! bytes do not). The wrapper adds a branch and an addition per call.
//!
//! **Test only.** A worker whose wasm code traps (a panic, `unreachable`, or an allocation
//! failure) must fail alone and be replaced; [`test_fault_trap`] and [`test_fault_oom`] let the
//! tests cause one. Nothing in the product calls them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

/// The system allocator, noting the size of the first allocation it refused.
pub struct Recording;

static FAILED_BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Notes an allocation of `bytes` that returned `ptr` (null: refused).
fn note(ptr: *mut u8, bytes: usize) -> *mut u8 {
    if ptr.is_null() {
        let _ = FAILED_BYTES.compare_exchange(0, bytes.max(1), Ordering::Relaxed, Ordering::Relaxed);
    } else {
        let live = LIVE_BYTES.fetch_add(bytes, Ordering::Relaxed) + bytes;
        PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
    }
    ptr
}

// SAFETY: every call forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(unsafe { System.alloc(layout) }, layout.size())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        // On success the old block is gone; on failure it is still allocated.
        if !new.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        note(new, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

/// The size in bytes of the first allocation that failed in this module (0: none). A float,
/// so the raw export reads the same in JS above 2 GB.
#[wasm_bindgen]
pub fn alloc_failure_bytes() -> f64 {
    FAILED_BYTES.load(Ordering::Relaxed) as f64
}

/// Bytes allocated through the module's allocator and not yet freed (the soak test).
#[wasm_bindgen]
pub fn alloc_live_bytes() -> f64 {
    LIVE_BYTES.load(Ordering::Relaxed) as f64
}

/// The most bytes live at once since the last call (then reset to the bytes live now): the
/// soak test tells a larger working set (a new peak) from fragmentation (memory grown, no new peak).
#[wasm_bindgen]
pub fn alloc_peak_bytes() -> f64 {
    PEAK_BYTES.swap(LIVE_BYTES.load(Ordering::Relaxed), Ordering::Relaxed) as f64
}

/// Executes the wasm `unreachable` instruction: the caller gets a `WebAssembly.RuntimeError`,
/// exactly as after a panic or an out-of-memory abort. Test only.
#[wasm_bindgen]
pub fn test_fault_trap() {
    core::arch::wasm32::unreachable()
}

/// Runs out of memory for real: reserves 256 MB blocks (not written, so the machine commits
/// almost none of it) and keeps them until the linear memory cannot grow (at most 4 GB for
/// wasm32), where the allocation fails and the module aborts, as any allocation in the work
/// would. Never returns. Test only.
#[wasm_bindgen]
pub fn test_fault_oom() {
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(64);
    loop {
        kept.push(Vec::with_capacity(256 << 20));
        if kept.len() == kept.capacity() {
            // 64 blocks are 16 GB: unreachable in a 32-bit memory, so this is never taken.
            std::mem::forget(std::mem::take(&mut kept));
        }
    }
}
