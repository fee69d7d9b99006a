//! http-fetch in Rust: the wasi:http imports are wit-bindgen's Rust bindings, generated from the
//! WIT folder `asterai build` gives the crate (the project's world plus the WASI packages it
//! imports). Resources are dropped child first (a body's stream before the body, a response's
//! body before the response), as the component model requires; Rust's scopes do that here.

use exports::asterai_examples::http_fetch::fetch::{Guest, Summary};
use sha2::{Digest, Sha256};
use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, IncomingBody, Method, OutgoingRequest, Scheme};
use wasi::io::streams::StreamError;

// generate_all: the wasi: interfaces the world imports get bindings here too.
wit_bindgen::generate!({ world: "http-fetch", generate_all });

const BAD_URL: &str = "bad URL: expected http://HOST[:PORT]/PATH or https://...";

/// The WIT name of a wasi:http error-code case, as the C version reports it.
fn error_name(code: &ErrorCode) -> &'static str {
    match code {
        ErrorCode::DnsTimeout => "DNS-timeout",
        ErrorCode::DnsError(_) => "DNS-error",
        ErrorCode::DestinationNotFound => "destination-not-found",
        ErrorCode::DestinationUnavailable => "destination-unavailable",
        ErrorCode::DestinationIpProhibited => "destination-IP-prohibited",
        ErrorCode::DestinationIpUnroutable => "destination-IP-unroutable",
        ErrorCode::ConnectionRefused => "connection-refused",
        ErrorCode::ConnectionTerminated => "connection-terminated",
        ErrorCode::ConnectionTimeout => "connection-timeout",
        ErrorCode::ConnectionReadTimeout => "connection-read-timeout",
        ErrorCode::ConnectionWriteTimeout => "connection-write-timeout",
        ErrorCode::ConnectionLimitReached => "connection-limit-reached",
        ErrorCode::TlsProtocolError => "TLS-protocol-error",
        ErrorCode::TlsCertificateError => "TLS-certificate-error",
        ErrorCode::TlsAlertReceived(_) => "TLS-alert-received",
        ErrorCode::HttpRequestDenied => "HTTP-request-denied",
        ErrorCode::HttpRequestLengthRequired => "HTTP-request-length-required",
        ErrorCode::HttpRequestBodySize(_) => "HTTP-request-body-size",
        ErrorCode::HttpRequestMethodInvalid => "HTTP-request-method-invalid",
        ErrorCode::HttpRequestUriInvalid => "HTTP-request-URI-invalid",
        ErrorCode::HttpRequestUriTooLong => "HTTP-request-URI-too-long",
        ErrorCode::HttpRequestHeaderSectionSize(_) => "HTTP-request-header-section-size",
        ErrorCode::HttpRequestHeaderSize(_) => "HTTP-request-header-size",
        ErrorCode::HttpRequestTrailerSectionSize(_) => "HTTP-request-trailer-section-size",
        ErrorCode::HttpRequestTrailerSize(_) => "HTTP-request-trailer-size",
        ErrorCode::HttpResponseIncomplete => "HTTP-response-incomplete",
        ErrorCode::HttpResponseHeaderSectionSize(_) => "HTTP-response-header-section-size",
        ErrorCode::HttpResponseHeaderSize(_) => "HTTP-response-header-size",
        ErrorCode::HttpResponseBodySize(_) => "HTTP-response-body-size",
        ErrorCode::HttpResponseTrailerSectionSize(_) => "HTTP-response-trailer-section-size",
        ErrorCode::HttpResponseTrailerSize(_) => "HTTP-response-trailer-size",
        ErrorCode::HttpResponseTransferCoding(_) => "HTTP-response-transfer-coding",
        ErrorCode::HttpResponseContentCoding(_) => "HTTP-response-content-coding",
        ErrorCode::HttpResponseTimeout => "HTTP-response-timeout",
        ErrorCode::HttpUpgradeFailed => "HTTP-upgrade-failed",
        ErrorCode::HttpProtocolError => "HTTP-protocol-error",
        ErrorCode::LoopDetected => "loop-detected",
        ErrorCode::ConfigurationError => "configuration-error",
        ErrorCode::InternalError(_) => "internal-error",
    }
}

/// Takes the URL apart into scheme, authority and path (with the query); None for anything but
/// http(s):// with a host.
fn split_url(url: &str) -> Option<(Scheme, &str, &str)> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else {
        (Scheme::Https, url.strip_prefix("https://")?)
    };
    let (authority, path) = rest.find('/').map_or((rest, "/"), |at| rest.split_at(at));
    (!authority.is_empty()).then_some((scheme, authority, path))
}

/// Reads the whole body: its size and SHA-256, and its first `max_bytes` bytes.
fn read_body(body: IncomingBody, max_bytes: u32) -> Result<(u64, String, Vec<u8>), String> {
    let mut hash = Sha256::new();
    let mut head = Vec::new();
    let mut size = 0u64;
    {
        let stream = body.stream().map_err(|()| "the response body stream was already taken")?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    hash.update(&chunk);
                    size += chunk.len() as u64;
                    let take = chunk.len().min(max_bytes as usize - head.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(_)) => {
                    return Err("the connection failed while reading the body".into())
                }
            }
        }
    }
    drop(IncomingBody::finish(body));
    let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((size, sha256, head))
}

struct HttpFetch;

impl Guest for HttpFetch {
    fn get(url: String, max_bytes: u32) -> Result<Summary, String> {
        let (scheme, authority, path) = split_url(&url).ok_or(BAD_URL)?;
        let request = OutgoingRequest::new(Fields::new());
        let set = request.set_method(&Method::Get).is_ok()
            && request.set_scheme(Some(&scheme)).is_ok()
            && request.set_authority(Some(authority)).is_ok()
            && request.set_path_with_query(Some(path)).is_ok();
        if !set {
            return Err("bad URL: wasi:http rejected its host or path".into());
        }
        // `handle` takes the request; a refusal may come from it or from the response future.
        let future = outgoing_handler::handle(request, None).map_err(|e| error_name(&e))?;
        let got = loop {
            match future.get() {
                Some(got) => break got,
                None => future.subscribe().block(),
            }
        };
        drop(future);
        let response = got
            .map_err(|()| "the response was already taken")?
            .map_err(|e| error_name(&e))?;
        let content_type = {
            let headers = response.headers();
            let values = headers.get("content-type");
            values.first().map(|v| String::from_utf8_lossy(v).into_owned())
        };
        let body = response.consume().map_err(|()| "the response body was already consumed")?;
        let (size, sha256, head) = read_body(body, max_bytes)?;
        Ok(Summary {
            status: response.status(),
            content_type,
            size,
            sha256,
            // Each maximal invalid subpart becomes one U+FFFD, as in the WHATWG decoder.
            head: String::from_utf8_lossy(&head).into_owned(),
        })
    }
}

export!(HttpFetch);
