//! A call deadline for the host functions that block. Epoch interruption stops wasm code
//! only; a guest waiting inside the host (`wasi:io/poll`, a blocking stream read or write)
//! would hold its call until the host returns. After WASI p2 is linked, these functions are
//! shadowed by versions that race the same future against the calling thread's deadline
//! (set by the C++ runtime around each call, which runs synchronously on that thread) and
//! trap with `DEADLINE_MESSAGE` when it passes.
use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};
use wasmtime_c_api::wasmtime::component::{HasData, Linker, Resource, ResourceTable};
use wasmtime_c_api::wasmtime::{Result, format_err};
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_component_linker_t, wasmtime_error_t};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::p2::bindings::sync::io::poll::{self, Pollable};
use wasmtime_wasi::p2::bindings::sync::io::streams::{self, InputStream, OutputStream};
use wasmtime_wasi::p2::{StreamError, StreamResult};
use wasmtime_wasi::runtime::in_tokio;
use wasmtime_wasi_io::bindings::wasi::io::poll as async_poll;
use wasmtime_wasi_io::bindings::wasi::io::streams::{
    HostInputStream as AsyncInput, HostOutputStream as AsyncOutput,
};

/// The trap text; src/runtime/traps.cpp maps it to the `timeout` kind.
const DEADLINE_MESSAGE: &str = "asterai: call deadline passed while blocked in the host";

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Sets the calling thread's deadline to `timeout_ms` from now; negative clears it.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_call_deadline_set(timeout_ms: i64) {
    let deadline = u64::try_from(timeout_ms)
        .ok()
        .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms)));
    DEADLINE.with(|d| d.set(deadline));
}

/// Runs `f` to completion as the synchronous bindings do, unless the deadline passes first.
/// Work that is already ready still completes: the future is polled before the timer.
fn bounded<R>(f: impl Future<Output = Result<R>>) -> Result<R> {
    match DEADLINE.with(|d| d.get()) {
        None => in_tokio(f),
        Some(at) => in_tokio(async move {
            match tokio::time::timeout_at(at.into(), f).await {
                Ok(result) => result,
                Err(_) => Err(format_err!("{DEADLINE_MESSAGE}")),
            }
        }),
    }
}

fn bounded_stream<R>(f: impl Future<Output = StreamResult<R>>) -> StreamResult<R> {
    match bounded(async { Ok(f.await) }) {
        Ok(result) => result,
        Err(trap) => Err(StreamError::Trap(trap)),
    }
}

/// The resource table seen through the deadline.
struct Bounded<'a>(&'a mut ResourceTable);

struct HasBoundedIo;
impl HasData for HasBoundedIo {
    type Data<'a> = Bounded<'a>;
}

impl poll::Host for Bounded<'_> {
    fn poll(&mut self, pollables: Vec<Resource<Pollable>>) -> Result<Vec<u32>> {
        bounded(async_poll::Host::poll(self.0, pollables))
    }
}

impl poll::HostPollable for Bounded<'_> {
    fn ready(&mut self, pollable: Resource<Pollable>) -> Result<bool> {
        poll::HostPollable::ready(self.0, pollable)
    }
    fn block(&mut self, pollable: Resource<Pollable>) -> Result<()> {
        bounded(async_poll::HostPollable::block(self.0, pollable))
    }
    fn drop(&mut self, pollable: Resource<Pollable>) -> Result<()> {
        poll::HostPollable::drop(self.0, pollable)
    }
}

impl streams::Host for Bounded<'_> {
    fn convert_stream_error(&mut self, err: StreamError) -> Result<streams::StreamError> {
        streams::Host::convert_stream_error(self.0, err)
    }
}

impl streams::HostInputStream for Bounded<'_> {
    fn drop(&mut self, stream: Resource<InputStream>) -> Result<()> {
        streams::HostInputStream::drop(self.0, stream)
    }
    fn read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        streams::HostInputStream::read(self.0, stream, len)
    }
    fn blocking_read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        bounded_stream(AsyncInput::blocking_read(self.0, stream, len))
    }
    fn skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        streams::HostInputStream::skip(self.0, stream, len)
    }
    fn blocking_skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        bounded_stream(AsyncInput::blocking_skip(self.0, stream, len))
    }
    fn subscribe(&mut self, stream: Resource<InputStream>) -> Result<Resource<Pollable>> {
        streams::HostInputStream::subscribe(self.0, stream)
    }
}

impl streams::HostOutputStream for Bounded<'_> {
    fn drop(&mut self, stream: Resource<OutputStream>) -> Result<()> {
        streams::HostOutputStream::drop(self.0, stream)
    }
    fn check_write(&mut self, stream: Resource<OutputStream>) -> StreamResult<u64> {
        streams::HostOutputStream::check_write(self.0, stream)
    }
    fn write(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        streams::HostOutputStream::write(self.0, stream, bytes)
    }
    fn blocking_write_and_flush(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        bounded_stream(AsyncOutput::blocking_write_and_flush(self.0, stream, bytes))
    }
    fn blocking_write_zeroes_and_flush(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        bounded_stream(AsyncOutput::blocking_write_zeroes_and_flush(self.0, stream, len))
    }
    fn subscribe(&mut self, stream: Resource<OutputStream>) -> Result<Resource<Pollable>> {
        streams::HostOutputStream::subscribe(self.0, stream)
    }
    fn write_zeroes(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        streams::HostOutputStream::write_zeroes(self.0, stream, len)
    }
    fn flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        streams::HostOutputStream::flush(self.0, stream)
    }
    fn blocking_flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        // As wasmtime-wasi does: the async method takes the stream as a borrow.
        bounded_stream(AsyncOutput::blocking_flush(self.0, Resource::new_borrow(stream.rep())))
    }
    fn splice(&mut self, dst: Resource<OutputStream>, src: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        streams::HostOutputStream::splice(self.0, dst, src, len)
    }
    fn blocking_splice(
        &mut self,
        dst: Resource<OutputStream>,
        src: Resource<InputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        bounded_stream(AsyncOutput::blocking_splice(self.0, dst, src, len))
    }
}

fn table(data: &mut WasmtimeStoreData) -> Bounded<'_> {
    Bounded(data.ctx().table)
}

/// Replaces the synchronous `wasi:io/poll` and `wasi:io/streams` linked by
/// `wasmtime_component_linker_add_wasip2` with the deadline-bounded versions above.
/// Call it after that function.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_component_linker_bound_wasi_io(
    linker: *mut wasmtime_component_linker_t,
) -> Option<Box<wasmtime_error_t>> {
    let linker = unsafe { &mut *(linker as *mut Linker<WasmtimeStoreData>) };
    linker.allow_shadowing(true);
    let result = poll::add_to_linker::<_, HasBoundedIo>(linker, table)
        .and_then(|()| streams::add_to_linker::<_, HasBoundedIo>(linker, table));
    linker.allow_shadowing(false);
    match result {
        Ok(()) => None,
        Err(e) => Some(Box::new(wasmtime_error_t::from(e))),
    }
}
