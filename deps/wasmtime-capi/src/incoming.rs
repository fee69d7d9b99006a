//! Incoming HTTP: one request handed to a component's `wasi:http/incoming-handler.handle`.
//!
//! The C++ server owns the connection. The request body is pulled through a callback on the
//! thread that runs the call (`asterai_http_request_t::read`), so the guest reads it as it
//! arrives. The response is a shared object the server reads from its own thread without
//! blocking: the head once the guest sets the response-outparam, then the body chunk by chunk
//! as the guest writes it, with a wake callback whenever either may have progressed. Body
//! bytes therefore stream in both directions with bounded buffers (wasi:http's channel of a
//! few chunks on the way out, one chunk on the way in).
use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use std::ffi::c_void;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use wasmtime_c_api::wasmtime::component::Instance;
use wasmtime_c_api::wasmtime::{Result, format_err};
use wasmtime_c_api::{WasmtimeStoreContextMut, wasmtime_error_t};
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::bindings::sync::Proxy;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{Error as HttpError, WasiHttpView};

/// One chunk the request body callback may fill.
const READ_CHUNK: usize = 64 * 1024;

#[allow(non_camel_case_types)]
/// A header: name and value as bytes, not NUL-terminated.
#[repr(C)]
pub struct asterai_http_field_t {
    pub name: *const u8,
    pub name_len: usize,
    pub value: *const u8,
    pub value_len: usize,
}

#[allow(non_camel_case_types)]
/// Fills `buf` with up to `cap` body bytes: returns how many, 0 at the end of the body, or
/// one of the negative `ASTERAI_HTTP_READ_*` codes.
pub type asterai_http_read_t = extern "C" fn(data: *mut c_void, buf: *mut u8, cap: usize) -> i64;

#[allow(non_camel_case_types)]
/// Called from any thread when the response's head or body may have progressed.
pub type asterai_http_wake_t = extern "C" fn(data: *mut c_void);

// Negative read results: -1 the client went away or broke the framing (and any other
// negative value); the two below.
/// The client did not send the next piece in time.
const READ_TIMEOUT: i64 = -2;
/// The body went past the server's size limit.
const READ_TOO_LARGE: i64 = -3;

#[allow(non_camel_case_types)]
/// The request as the server parsed it. Only borrowed for the duration of `asterai_http_handle`,
/// except `read`/`read_data`, which must stay valid until that call's store is deleted.
#[repr(C)]
pub struct asterai_http_request_t {
    pub method: *const u8,
    pub method_len: usize,
    pub https: bool,
    pub authority: *const u8,
    pub authority_len: usize,
    pub path_with_query: *const u8,
    pub path_with_query_len: usize,
    pub headers: *const asterai_http_field_t,
    pub header_count: usize,
    /// None: the request has no body.
    pub read: Option<asterai_http_read_t>,
    pub read_data: *mut c_void,
}

/// A pointer the C++ side promises to keep valid and usable from any thread.
#[derive(Clone, Copy)]
struct SendPtr(*mut c_void);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(ptr, len) } }
}

/// The request body, pulled from the server one chunk per frame.
struct RequestBody {
    read: Option<(asterai_http_read_t, SendPtr)>,
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = self.get_mut();
        let Some((read, data)) = this.read else { return Poll::Ready(None) };
        let mut buf = BytesMut::zeroed(READ_CHUNK);
        // Blocks the calling thread (the call's), never an event loop: the server bounds the
        // wait by its body deadline and what is left of the call's timeout.
        let n = read(data.0, buf.as_mut_ptr(), buf.len());
        if n > 0 {
            buf.truncate((n as usize).min(READ_CHUNK));
            return Poll::Ready(Some(Ok(Frame::data(buf.freeze()))));
        }
        this.read = None;
        Poll::Ready(match n {
            0 => None,
            READ_TIMEOUT => Some(Err(HttpError::ConnectionReadTimeout)),
            READ_TOO_LARGE => Some(Err(HttpError::HttpRequestBodySize(None))),
            _ => Some(Err(HttpError::ConnectionTerminated)),
        })
    }

    fn is_end_stream(&self) -> bool {
        self.read.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[derive(Default)]
enum Head {
    #[default]
    Pending,
    Ready {
        status: u16,
        fields: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// The guest set an `error-code` instead of a response.
    Failed(String),
    /// The guest dropped the outparam without setting it.
    Missing,
}

#[derive(Default)]
struct BodyState {
    body: Option<HyperOutgoingBody>,
    /// The chunk last handed out; kept alive until the next poll.
    chunk: Bytes,
    error: String,
}

/// The wake callback, cleared when the C++ side deletes the response.
struct WakeTarget(Mutex<Option<(asterai_http_wake_t, SendPtr)>>);

impl Wake for WakeTarget {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        // Called under the lock, so delete cannot return while a wake is running.
        if let Some((wake, data)) = *lock(&self.0) {
            wake(data.0);
        }
    }
}

struct Shared {
    head: Mutex<Head>,
    body: Mutex<BodyState>,
    wake: Arc<WakeTarget>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn deliver(&self, result: std::result::Result<http::Response<HyperOutgoingBody>, ErrorCode>) {
        match result {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let fields = parts
                    .headers
                    .iter()
                    .map(|(name, value)| (name.as_str().as_bytes().to_vec(), value.as_bytes().to_vec()))
                    .collect();
                lock(&self.body).body = Some(body);
                *lock(&self.head) = Head::Ready { status: parts.status.as_u16(), fields };
            }
            Err(code) => *lock(&self.head) = Head::Failed(format!("{code:?}")),
        }
        self.wake.wake_by_ref();
    }
}

#[allow(non_camel_case_types)]
pub struct asterai_http_response_t(Arc<Shared>);

/// The outparam's side of the response: when the guest drops the outparam unset, the
/// response becomes `Missing` instead of pending forever.
struct Outparam {
    shared: Arc<Shared>,
    set: bool,
}

impl Drop for Outparam {
    fn drop(&mut self) {
        if !self.set {
            *lock(&self.shared.head) = Head::Missing;
            self.shared.wake.wake_by_ref();
        }
    }
}

/// A response for one request; `wake(data)` is called from any thread as it progresses, never
/// after `asterai_http_response_delete` returned.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_new(wake: asterai_http_wake_t, data: *mut c_void) -> *mut asterai_http_response_t {
    let shared = Shared {
        head: Mutex::default(),
        body: Mutex::default(),
        wake: Arc::new(WakeTarget(Mutex::new(Some((wake, SendPtr(data)))))),
    };
    Box::into_raw(Box::new(asterai_http_response_t(Arc::new(shared))))
}

#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_delete(response: Option<Box<asterai_http_response_t>>) {
    if let Some(response) = response {
        *lock(&response.0.wake.0) = None;
    }
}

/// 0: not set yet; 1: set, `status` filled in; 2: the guest set an error code (see
/// `asterai_http_response_error`); 3: the guest dropped the outparam without setting it.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_head(response: &asterai_http_response_t, status: &mut u16) -> i32 {
    match &*lock(&response.0.head) {
        Head::Pending => 0,
        Head::Ready { status: s, .. } => {
            *status = *s;
            1
        }
        Head::Failed(_) => 2,
        Head::Missing => 3,
    }
}

/// The header at `index` of a set response; false past the last. The bytes stay valid until
/// the response is deleted.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_field(
    response: &asterai_http_response_t,
    index: usize,
    out: &mut asterai_http_field_t,
) -> bool {
    let head = lock(&response.0.head);
    let Head::Ready { fields, .. } = &*head else { return false };
    let Some((name, value)) = fields.get(index) else { return false };
    *out = asterai_http_field_t {
        name: name.as_ptr(),
        name_len: name.len(),
        value: value.as_ptr(),
        value_len: value.len(),
    };
    true
}

/// Why the response failed (head 2) or its body broke (poll 3); empty otherwise. Valid until
/// the next call on the response.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_error(
    response: &asterai_http_response_t,
    text: &mut *const u8,
    len: &mut usize,
) {
    let head = lock(&response.0.head);
    let message: &[u8] = match &*head {
        Head::Failed(m) => m.as_bytes(),
        _ => {
            let body = lock(&response.0.body);
            // The message lives in the body state, which outlives this call.
            let (p, l) = (body.error.as_ptr(), body.error.len());
            *text = p;
            *len = l;
            return;
        }
    };
    *text = message.as_ptr();
    *len = message.len();
}

/// The next piece of the body without blocking. 0: none yet (the wake callback fires when
/// there may be); 1: `data`/`len` hold a chunk, valid until the next poll; 2: the body ended;
/// 3: the body broke (the guest trapped or aborted it).
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_body_poll(
    response: &asterai_http_response_t,
    data: &mut *const u8,
    len: &mut usize,
) -> i32 {
    let shared = &response.0;
    let mut state = lock(&shared.body);
    let state = &mut *state;
    let waker = Waker::from(shared.wake.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        let Some(body) = state.body.as_mut() else { return 2 };
        match Pin::new(body).poll_frame(&mut cx) {
            Poll::Pending => return 0,
            Poll::Ready(None) => {
                state.body = None;
                return 2;
            }
            Poll::Ready(Some(Err(e))) => {
                state.body = None;
                state.error = format!("{e:?}");
                return 3;
            }
            Poll::Ready(Some(Ok(frame))) => {
                // Trailers are not forwarded; an empty chunk is no chunk.
                let Ok(chunk) = frame.into_data() else { continue };
                if chunk.is_empty() {
                    continue;
                }
                state.chunk = chunk;
                *data = state.chunk.as_ptr();
                *len = state.chunk.len();
                return 1;
            }
        }
    }
}

/// Drops the body unread: the guest's next write fails (the client is gone), so a call does
/// not keep producing a body nobody takes until its timeout.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_response_body_abandon(response: &asterai_http_response_t) {
    let mut state = lock(&response.0.body);
    state.body = None;
    state.chunk = Bytes::new();
}

fn build_request(r: &asterai_http_request_t) -> Result<http::Request<RequestBody>> {
    let method = http::Method::from_bytes(bytes(r.method, r.method_len))?;
    let path = std::str::from_utf8(bytes(r.path_with_query, r.path_with_query_len))?;
    let authority = std::str::from_utf8(bytes(r.authority, r.authority_len))?;
    let uri = if authority.is_empty() {
        http::Uri::try_from(path)?
    } else {
        let scheme = if r.https { "https" } else { "http" };
        http::Uri::builder().scheme(scheme).authority(authority).path_and_query(path).build()?
    };
    let mut request = http::Request::builder().method(method).uri(uri);
    let fields = if r.header_count == 0 {
        &[][..]
    } else {
        unsafe { std::slice::from_raw_parts(r.headers, r.header_count) }
    };
    for f in fields {
        let name = http::HeaderName::from_bytes(bytes(f.name, f.name_len))?;
        let value = http::HeaderValue::from_bytes(bytes(f.value, f.value_len))?;
        request = request.header(name, value);
    }
    let body = RequestBody { read: r.read.map(|read| (read, SendPtr(r.read_data))) };
    request.body(body).map_err(|e| format_err!("bad request: {e}"))
}

fn handle(
    store: &mut WasmtimeStoreContextMut<'_>,
    instance: &Instance,
    request: &asterai_http_request_t,
    response: &asterai_http_response_t,
) -> Result<()> {
    let request = build_request(request)?;
    let scheme = if request.uri().scheme_str() == Some("https") { Scheme::Https } else { Scheme::Http };
    let (req, out) = {
        let mut view = WasiHttpView::http(store.data_mut());
        let req = view.new_incoming_request(scheme, request)?;
        let mut outparam = Outparam { shared: response.0.clone(), set: false };
        let out = view.new_response_outparam_from_callback(move |result| {
            outparam.set = true;
            outparam.shared.deliver(result);
        })?;
        (req, out)
    };
    let proxy = Proxy::new(&mut *store, instance)?;
    proxy.wasi_http_incoming_handler().call_handle(&mut *store, req, out)
}

/// Calls the instance's `wasi:http/incoming-handler.handle` with `request`; the response
/// arrives in `response`. An error is a trap (or the instance lacks the export).
#[unsafe(no_mangle)]
pub extern "C" fn asterai_http_handle(
    mut context: WasmtimeStoreContextMut<'_>,
    instance: &Instance,
    request: &asterai_http_request_t,
    response: &asterai_http_response_t,
) -> Option<Box<wasmtime_error_t>> {
    match handle(&mut context, instance, request, response) {
        Ok(()) => None,
        Err(e) => Some(Box::new(wasmtime_error_t::from(e))),
    }
}
