//! Pooling-allocator settings the C API does not expose.
use std::mem::size_of;
use wasmtime_c_api::wasmtime::{Enabled, PoolingAllocationConfig};
use wasmtime_c_api::wasmtime_pooling_allocation_config_t;

// A single-field wrapper of the Wasmtime type: with equal sizes the field is at offset 0.
const _: () =
    assert!(size_of::<wasmtime_pooling_allocation_config_t>() == size_of::<PoolingAllocationConfig>());

/// Resets a freed linear memory or table by finding the pages the guest wrote (Linux's
/// PAGEMAP_SCAN ioctl, kernel 6.7 and later) and restoring only those, up to the keep-resident
/// size, instead of restoring the lowest bytes and returning the rest to the kernel; the pages
/// stay mapped, so the next instance does not fault them in again. Where the ioctl is missing
/// the default reset is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_pooling_allocation_config_pagemap_scan_set(
    config: *mut wasmtime_pooling_allocation_config_t,
    enable: bool,
) {
    let config = unsafe { &mut *(config as *mut PoolingAllocationConfig) };
    config.pagemap_scan(if enable { Enabled::Auto } else { Enabled::No });
}
