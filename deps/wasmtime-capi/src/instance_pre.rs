//! A component pre-instantiated against a linker: every import is resolved once, when the
//! component is loaded, instead of by name on every call (`wasmtime_component_linker_instantiate`).
use std::mem::size_of;
use wasmtime_c_api::wasmtime::component::{Component, Instance, InstancePre, Linker};
use wasmtime_c_api::{
    WasmtimeStoreContextMut, WasmtimeStoreData, wasmtime_component_linker_t, wasmtime_component_t,
    wasmtime_error_t,
};

// Single-field wrappers of the Wasmtime types: with equal sizes the field is at offset 0.
const _: () = assert!(size_of::<wasmtime_component_t>() == size_of::<Component>());
const _: () = assert!(size_of::<wasmtime_component_linker_t>() == size_of::<Linker<WasmtimeStoreData>>());

#[allow(non_camel_case_types)]
pub struct asterai_instance_pre_t(InstancePre<WasmtimeStoreData>);

fn error(e: wasmtime_c_api::wasmtime::Error) -> Option<Box<wasmtime_error_t>> {
    Some(Box::new(wasmtime_error_t::from(e)))
}

/// Resolves `component`'s imports in `linker` and stores the result in `out`. The linker may
/// be deleted afterwards; the pre-instance keeps what it needs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_component_instance_pre_new(
    linker: *const wasmtime_component_linker_t,
    component: *const wasmtime_component_t,
    out: *mut *mut asterai_instance_pre_t,
) -> Option<Box<wasmtime_error_t>> {
    let linker = unsafe { &*(linker as *const Linker<WasmtimeStoreData>) };
    let component = unsafe { &*(component as *const Component) };
    match linker.instantiate_pre(component) {
        Ok(pre) => {
            unsafe { *out = Box::into_raw(Box::new(asterai_instance_pre_t(pre))) };
            None
        }
        Err(e) => error(e),
    }
}

/// Instantiates the pre-instance in the store of `context`.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_component_instance_pre_instantiate(
    pre: &asterai_instance_pre_t,
    context: WasmtimeStoreContextMut<'_>,
    instance_out: &mut Instance,
) -> Option<Box<wasmtime_error_t>> {
    match pre.0.instantiate(context) {
        Ok(instance) => {
            *instance_out = instance;
            None
        }
        Err(e) => error(e),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn asterai_component_instance_pre_delete(pre: Option<Box<asterai_instance_pre_t>>) {
    drop(pre);
}
