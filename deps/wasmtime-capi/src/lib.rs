//! Re-exports Wasmtime's C API so that this crate's static library carries every
//! `wasm_*` / `wasmtime_*` symbol the C++ runtime links against.
pub use wasmtime_c_api::*;
