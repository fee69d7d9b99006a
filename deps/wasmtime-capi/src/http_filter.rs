//! wasi:http with an allow-list decided by the host. The C++ runtime sets a per-thread
//! filter around each call (calls run synchronously on the calling thread); a request is
//! sent only when the filter says yes. With no filter set, every request is denied.
//! Requests that go out are metered: their count and body bytes in each direction.
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::future::Future;
use std::mem::size_of;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use wasmtime_c_api::wasmtime::component::Linker;
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_component_linker_t, wasmtime_error_t};
use wasmtime_wasi_http::p2::bindings;
use wasmtime_wasi_http::{
    Error as HttpError, RequestOptions, WasiBody, WasiHttp, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};

const _: () = assert!(size_of::<wasmtime_component_linker_t>() == size_of::<Linker<WasmtimeStoreData>>());

#[allow(non_camel_case_types)]
/// `verdict(data, scheme, authority) -> ASTERAI_HTTP_*`; scheme and authority are UTF-8, not
/// NUL-terminated.
pub type asterai_http_filter_t =
    extern "C" fn(data: *mut c_void, scheme: *const u8, scheme_len: usize, authority: *const u8, authority_len: usize) -> u8;

/// The filter's verdicts: not sent; sent; sent only to a public address (public_only.rs).
pub const ASTERAI_HTTP_DENY: u8 = 0;
pub const ASTERAI_HTTP_ALLOW: u8 = 1;
pub const ASTERAI_HTTP_ALLOW_PUBLIC_ONLY: u8 = 2;

thread_local! {
    static FILTER: Cell<Option<(asterai_http_filter_t, *mut c_void)>> = const { Cell::new(None) };
    static METER: RefCell<Option<Arc<Meter>>> = const { RefCell::new(None) };
}

#[allow(non_camel_case_types)]
/// Shared with C (see src/runtime/wasmtime_ext.h): what one call's requests moved.
#[repr(C)]
#[derive(Default)]
pub struct asterai_http_stats_t {
    /// Requests that passed the filter and were handed to the client.
    pub requests: u64,
    /// Request body bytes taken by the connection (headers not counted).
    pub bytes_sent: u64,
    /// Response body bytes read from the connection (headers not counted).
    pub bytes_received: u64,
}

/// A call's counters. Bodies are polled on the runtime's worker threads, so each request
/// captures the counters of the call that sent it (an `Arc`) rather than a thread-local.
#[derive(Default)]
struct Meter {
    requests: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
}

/// Starts metering the calling thread's requests from zero.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_meter_begin() {
    METER.with(|m| *m.borrow_mut() = Some(Arc::default()));
}

/// Stops metering on the calling thread and stores what was counted in `out` (if not null).
/// Bytes a body moves after this are not reported.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_http_meter_end(out: *mut asterai_http_stats_t) {
    let meter = METER.with(|m| m.borrow_mut().take());
    let Some(out) = (unsafe { out.as_mut() }) else { return };
    *out = match meter {
        Some(m) => asterai_http_stats_t {
            requests: m.requests.load(Ordering::Relaxed),
            bytes_sent: m.sent.load(Ordering::Relaxed),
            bytes_received: m.received.load(Ordering::Relaxed),
        },
        None => asterai_http_stats_t::default(),
    };
}

/// A body that adds the size of every data frame that passes through it to a counter.
struct Counted {
    inner: WasiBody,
    meter: Arc<Meter>,
    sent: bool,
}

impl Counted {
    fn wrap(inner: WasiBody, meter: Arc<Meter>, sent: bool) -> WasiBody {
        UnsyncBoxBody::new(Counted { inner, meter, sent })
    }
}

impl Body for Counted {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            let counter = if this.sent { &this.meter.sent } else { &this.meter.received };
            counter.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Sets (or with a null callback, clears) the current thread's request filter.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_filter_set(filter: Option<asterai_http_filter_t>, data: *mut c_void) {
    FILTER.with(|f| f.set(filter.map(|cb| (cb, data))));
}

fn verdict(request: &http::Request<WasiBody>) -> u8 {
    let scheme = request.uri().scheme_str().unwrap_or("");
    let authority = request.uri().authority().map(|a| a.as_str()).unwrap_or("");
    FILTER.with(|f| match f.get() {
        Some((cb, data)) => cb(data, scheme.as_ptr(), scheme.len(), authority.as_ptr(), authority.len()),
        None => ASTERAI_HTTP_DENY,
    })
}

struct FilteredHooks;

pub(crate) type Sent = Box<
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
        let public_only = match verdict(&request) {
            ASTERAI_HTTP_ALLOW => false,
            ASTERAI_HTTP_ALLOW_PUBLIC_ONLY => true,
            // The guest sees wasi:http's `HTTP-request-denied` error code; nothing is sent.
            _ => return Box::new(async { Err(HttpError::HttpRequestDenied) }),
        };
        let send = |request, options, fut| -> Sent {
            if public_only {
                // A request with no public address left gets `destination-IP-prohibited`.
                crate::public_only::send_to_public_address(request, options)
            } else {
                wasmtime_wasi_http::default_hooks().send_request(request, options, fut)
            }
        };
        // send_request runs on the calling thread: this is the call that sent the request.
        let Some(meter) = METER.with(|m| m.borrow().clone()) else {
            return send(request, options, fut);
        };
        meter.requests.fetch_add(1, Ordering::Relaxed);
        let request = request.map(|body| Counted::wrap(body, meter.clone(), true));
        let sent = send(request, options, fut);
        Box::new(async move {
            let (response, io) = Box::into_pin(sent).await?;
            Ok((response.map(|body| Counted::wrap(body, meter, false)), io))
        })
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
