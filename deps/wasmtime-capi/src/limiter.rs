//! A resource limiter owned by the C++ caller (it outlives the store).
use std::mem::size_of;
use wasmtime_c_api::wasmtime::{ResourceLimiter, Result, Store};
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_store_t};

// `wasmtime_store_t` is a single-field wrapper of the store; with equal sizes the field is
// at offset 0, so a pointer to one is a pointer to the other.
const _: () = assert!(size_of::<wasmtime_store_t>() == size_of::<Store<WasmtimeStoreData>>());

#[allow(non_camel_case_types)]
/// Shared with C (see src/runtime/wasmtime_ext.h): limits in, observations out.
#[repr(C)]
pub struct asterai_limits_t {
    /// Largest linear memory size in bytes; negative = unlimited.
    pub max_memory: i64,
    /// Largest table size in elements; negative = unlimited.
    pub max_table_elements: i64,
    /// Out: the largest linear memory size reached (or requested and granted).
    pub peak_memory: u64,
    /// Out: set when a growth past `max_memory` was refused (the call then traps).
    pub memory_limit_hit: bool,
}

struct Limiter(*mut asterai_limits_t);
// The C++ runtime keeps the limits struct alive and uses a store from one thread at a time.
unsafe impl Send for Limiter {}
unsafe impl Sync for Limiter {}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> Result<bool> {
        let limits = unsafe { &mut *self.0 };
        if limits.max_memory >= 0 && desired as u64 > limits.max_memory as u64 {
            limits.memory_limit_hit = true;
            // An error (not `false`) makes the breach a trap the host can name.
            wasmtime_c_api::wasmtime::bail!(
                "asterai: memory limit exceeded: {} bytes requested, limit {} bytes",
                desired,
                limits.max_memory
            );
        }
        limits.peak_memory = limits.peak_memory.max(desired as u64);
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> Result<bool> {
        let limits = unsafe { &*self.0 };
        Ok(limits.max_table_elements < 0 || desired as u64 <= limits.max_table_elements as u64)
    }
}

/// Installs the limiter on `store`. `limits` must outlive the store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_store_set_limiter(store: *mut wasmtime_store_t, limits: *mut asterai_limits_t) {
    let store = unsafe { &mut *(store as *mut Store<WasmtimeStoreData>) };
    let limiter: &'static mut Limiter = Box::leak(Box::new(Limiter(limits)));
    let limiter_ptr = limiter as *mut Limiter as usize;
    // Freed with the store's closure: the closure owns the box through this guard.
    let guard = LimiterBox(limiter_ptr);
    store.limiter(move |_data| {
        let _keep = &guard;
        unsafe { &mut *(guard.0 as *mut Limiter) }
    });
}

/// Owns the leaked limiter box; dropping the closure (with the store) frees it.
struct LimiterBox(usize);
impl Drop for LimiterBox {
    fn drop(&mut self) {
        drop(unsafe { Box::from_raw(self.0 as *mut Limiter) });
    }
}
