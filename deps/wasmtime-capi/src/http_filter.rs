//! wasi:http with an allow-list decided by the host. The C++ runtime sets a per-thread
//! filter around each call (calls run synchronously on the calling thread); a request is
//! sent only when the filter says yes. With no filter set, every request is denied.
use std::cell::Cell;
use std::ffi::c_void;
use std::future::Future;
use std::mem::size_of;
use wasmtime_c_api::wasmtime::component::Linker;
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_component_linker_t, wasmtime_error_t};
use wasmtime_wasi_http::p2::bindings;
use wasmtime_wasi_http::{
    Error as HttpError, RequestOptions, WasiBody, WasiHttp, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};

const _: () = assert!(size_of::<wasmtime_component_linker_t>() == size_of::<Linker<WasmtimeStoreData>>());

#[allow(non_camel_case_types)]
/// `allow(data, scheme, authority) -> bool`; scheme and authority are UTF-8, not NUL-terminated.
pub type asterai_http_filter_t =
    extern "C" fn(data: *mut c_void, scheme: *const u8, scheme_len: usize, authority: *const u8, authority_len: usize) -> bool;

thread_local! {
    static FILTER: Cell<Option<(asterai_http_filter_t, *mut c_void)>> = const { Cell::new(None) };
}

/// Sets (or with a null callback, clears) the current thread's request filter.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_filter_set(filter: Option<asterai_http_filter_t>, data: *mut c_void) {
    FILTER.with(|f| f.set(filter.map(|cb| (cb, data))));
}

fn allowed(request: &http::Request<WasiBody>) -> bool {
    let scheme = request.uri().scheme_str().unwrap_or("");
    let authority = request.uri().authority().map(|a| a.as_str()).unwrap_or("");
    FILTER.with(|f| match f.get() {
        Some((cb, data)) => cb(data, scheme.as_ptr(), scheme.len(), authority.as_ptr(), authority.len()),
        None => false,
    })
}

struct FilteredHooks;

type Sent = Box<
    dyn Future<
            Output = Result<
                (http::Response<WasiBody>, Box<dyn Future<Output = Result<(), HttpError>> + Send>),
                HttpError,
            >,
        > + Send,
>;

impl WasiHttpHooks for FilteredHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> Sent {
        if !allowed(&request) {
            // The guest sees wasi:http's `HTTP-request-denied` error code; nothing is sent.
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        }
        wasmtime_wasi_http::default_hooks().send_request(request, options, fut)
    }
}

fn view(data: &mut WasmtimeStoreData) -> WasiHttpCtxView<'_> {
    let inner = WasiHttpView::http(data);
    // FilteredHooks is zero-sized: leaking a box of it allocates nothing.
    let hooks: &'static mut FilteredHooks = Box::leak(Box::new(FilteredHooks));
    WasiHttpCtxView { hooks, table: inner.table, ctx: inner.ctx }
}

/// Links wasi:http (types + outgoing-handler) whose requests pass through the filter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_component_linker_add_wasi_http_filtered(
    linker: *mut wasmtime_component_linker_t,
) -> Option<Box<wasmtime_error_t>> {
    let linker = unsafe { &mut *(linker as *mut Linker<WasmtimeStoreData>) };
    let options = bindings::LinkOptions::default();
    let result = bindings::sync::http::outgoing_handler::add_to_linker::<_, WasiHttp>(linker, view)
        .and_then(|()| bindings::sync::http::types::add_to_linker::<_, WasiHttp>(linker, &options.into(), view));
    match result {
        Ok(()) => None,
        Err(e) => Some(Box::new(wasmtime_error_t::from(e))),
    }
}
