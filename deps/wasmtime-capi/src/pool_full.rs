//! Whether an error is the pooling allocator's "no free slot", which the C API gives only as
//! message text.
use std::mem::size_of;
use wasmtime_c_api::wasmtime::{Error, PoolConcurrencyLimitError};
use wasmtime_c_api::wasmtime_error_t;

// A single-field wrapper of the Wasmtime type: with equal sizes the field is at offset 0.
const _: () = assert!(size_of::<wasmtime_error_t>() == size_of::<Error>());

/// True when `error` (or an error it wraps) says every slot of the engine's pool for one kind
/// of resource (instances, memories, tables, stacks) is taken: nothing was instantiated, and
/// the same request succeeds once a slot is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_error_is_pool_full(error: *const wasmtime_error_t) -> bool {
    let error = unsafe { &*(error as *const Error) };
    error.is::<PoolConcurrencyLimitError>()
}
