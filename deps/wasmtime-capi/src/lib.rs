//! Re-exports Wasmtime's C API so that this crate's static library carries every
//! `wasm_*` / `wasmtime_*` symbol the C++ runtime links against, plus the few `asterai_*`
//! extensions the C API lacks (documented in docs/building.md):
//!
//! - `asterai_store_set_limiter`: a per-store resource limiter that enforces a memory cap
//!   as a trap (a typed out-of-memory breach) and records the peak linear memory.
//! - `asterai_component_linker_add_wasi_http_filtered` + `asterai_http_filter_set`:
//!   wasi:http whose outgoing requests are checked against a host-provided callback
//!   (the runtime's allow-list) before anything is sent; the callback may also say "public
//!   addresses only", and such a request is resolved and connected here (`public_only.rs`;
//!   `asterai_ip_is_public` and `asterai_ip_reachable_*` say and set which addresses pass).
//! - `asterai_http_meter_begin` + `asterai_http_meter_end`: per-call counts of the requests
//!   sent through that filter and of their request / response body bytes.
//! - `asterai_component_linker_bound_wasi_io` + `asterai_call_deadline_set`: `wasi:io` poll
//!   and blocking stream methods that give up (a trap) when the calling thread's deadline
//!   passes, so a call's timeout also ends waits inside the host.
//! - `asterai_component_wit`: the WIT a component carries in its type information, with the
//!   docs of its `asterai-wit-docs` section (what `asterai push` attaches when no WIT folder
//!   applies).
//! - `asterai_component_instance_pre_*`: a component pre-instantiated against a linker, so a
//!   call resolves no import by name.
//! - `asterai_http_handle` + `asterai_http_response_*`: one incoming request handed to a
//!   component's `wasi:http/incoming-handler`, the body pulled from the server as the guest
//!   reads it and the response read by the server without blocking as the guest writes it.
//! - `asterai_pooling_allocation_config_pagemap_scan_set`: a freed linear memory is reset by
//!   restoring only the pages its guest wrote (Linux's PAGEMAP_SCAN), which stay mapped for
//!   the next instance.
//! - `asterai_error_is_pool_full`: whether an instantiation failed because every slot of the
//!   engine's pool is taken (nothing ran; a retry may succeed), by the error's type rather
//!   than its message.
//! - `asterai_cron_parse` + `asterai_cron_next` + `asterai_cron_delete`: a cron expression in
//!   an IANA time zone and its next run, for environment schedules (no Wasmtime involved; it
//!   lives here because this is the one Rust library the C++ build links).

pub use wasmtime_c_api::*;

mod cron;
mod cron_syntax;
mod deadline;
mod http_filter;
mod incoming;
mod instance_pre;
mod limiter;
mod pool_full;
mod pooling;
mod public_only;
mod wit_text;
