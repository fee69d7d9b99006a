//! Outgoing HTTP that reaches public addresses only, for hosts that run other people's code
//! (a cloud node): the host name is resolved here, every address that is not public unicast
//! (loopback, private, link-local such as a cloud's metadata service, CGNAT, multicast,
//! documentation and reserved ranges, and IPv6 forms embedding such an IPv4 address) is
//! dropped, and the connection goes to a checked address itself. Checking the name and then
//! letting another resolver connect would let a name answer a public address to the check and
//! a private one to the connection (DNS rebinding); here there is one resolution.
use crate::http_filter::Sent;
use bytes::Bytes;
use http::uri::Scheme;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use std::ffi::{CStr, c_char};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// wasi:http's default when the guest sets no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

fn v4_is_public(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT), 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, 198.18/15
        || a >= 240) // reserved, 240/4
}

fn v6_is_public(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_is_public(v4); // ::ffff:a.b.c.d
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
        let o = ip.octets();
        return v4_is_public(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation, 2001:db8::/32
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard, 100::/64
        || (s[0] == 0x2002) // 6to4: embeds an IPv4 address of either kind
        || s[0..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated) and the rest of ::/96
}

/// Non-public networks the host lets requests reach anyway (a node operator's choice).
static REACHABLE: RwLock<Vec<(IpAddr, u8)>> = RwLock::new(Vec::new());

fn in_network(ip: IpAddr, (network, prefix): (IpAddr, u8)) -> bool {
    match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Whether a request may connect to `ip`: a public address, or one in a reachable network.
pub fn reachable(ip: IpAddr) -> bool {
    let public = match ip {
        IpAddr::V4(v4) => v4_is_public(v4),
        IpAddr::V6(v6) => v6_is_public(v6),
    };
    public
        || REACHABLE
            .read()
            .map(|r| r.iter().any(|&n| in_network(ip, n)))
            .unwrap_or(false)
}

fn text_of<'a>(text: *const c_char) -> &'a str {
    if text.is_null() {
        return "";
    }
    unsafe { CStr::from_ptr(text) }.to_str().unwrap_or("")
}

/// True when `address` (an IPv4 or IPv6 address, NUL-terminated) may be connected to: a
/// public unicast address or one in an added network; false for text that is not an address.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_ip_is_public(address: *const c_char) -> bool {
    text_of(address).parse::<IpAddr>().map(reachable).unwrap_or(false)
}

/// Adds the network `ADDRESS` or `ADDRESS/PREFIX` to the reachable ones; false (nothing added)
/// when the text is not one.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_ip_reachable_add(network: *const c_char) -> bool {
    let text = text_of(network);
    let (address, prefix) = text.split_once('/').map_or((text, None), |(a, p)| (a, Some(p)));
    let Ok(ip) = address.parse::<IpAddr>() else {
        return false;
    };
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix.map(|p| p.parse::<u8>()) {
        None => bits,
        Some(Ok(p)) if p <= bits => p,
        Some(_) => return false,
    };
    REACHABLE.write().map(|mut r| r.push((ip, prefix))).is_ok()
}

/// Forgets every added network.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_ip_reachable_clear() {
    if let Ok(mut r) = REACHABLE.write() {
        r.clear();
    }
}

trait Stream: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static> Stream for T {}

struct Timeouts {
    connect: Duration,
    first_byte: Duration,
    between_bytes: Duration,
}

impl Timeouts {
    fn of(options: Option<RequestOptions>) -> Timeouts {
        let pick = |t: Option<Duration>| t.unwrap_or(DEFAULT_TIMEOUT);
        Timeouts {
            connect: pick(options.and_then(|o| o.connect_timeout)),
            first_byte: pick(options.and_then(|o| o.first_byte_timeout)),
            // A zero interval would make tokio panic; a nanosecond is as good as zero.
            between_bytes: pick(options.and_then(|o| o.between_bytes_timeout)).max(Duration::from_nanos(1)),
        }
    }
}

/// The public addresses `host` stands for (an IP literal, or a name resolved once).
async fn public_addresses(host: &str, port: u16, within: Duration) -> Result<Vec<SocketAddr>, HttpError> {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let all: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => match tokio::time::timeout(within, tokio::net::lookup_host((host, port))).await {
            Err(_) => return Err(HttpError::DnsTimeout),
            Ok(Err(e)) => {
                return Err(HttpError::DnsError {
                    rcode: Some(e.to_string()),
                    info_code: None,
                });
            }
            Ok(Ok(found)) => found.collect(),
        },
    };
    let public: Vec<SocketAddr> = all.into_iter().filter(|a| reachable(a.ip())).collect();
    if public.is_empty() {
        return Err(HttpError::DestinationIpProhibited);
    }
    Ok(public)
}

/// A connection to the first address that answers, all of them within `within`.
async fn connect(addresses: &[SocketAddr], within: Duration) -> Result<TcpStream, HttpError> {
    let attempt = async {
        let mut last = None;
        for address in addresses {
            match TcpStream::connect(address).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(HttpError::Connect(last.expect("at least one address")))
    };
    tokio::time::timeout(within, attempt)
        .await
        .map_err(|_| HttpError::ConnectionTimeout)?
}

async fn tls(host: &str, tcp: TcpStream) -> Result<Box<dyn Stream>, HttpError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.into(),
    };
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let name = match literal.parse::<IpAddr>() {
        Ok(ip) => rustls::pki_types::ServerName::from(ip),
        Err(_) => rustls::pki_types::ServerName::try_from(host.to_string()).map_err(HttpError::InvalidDnsNameError)?,
    };
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(HttpError::Tls)?;
    Ok(Box::new(stream))
}

/// The response body, failing when no frame arrives within the between-bytes timeout.
struct Paced {
    incoming: hyper::body::Incoming,
    idle: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

impl Body for Paced {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let next = tokio::time::Instant::now() + self.limit;
                self.idle.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(if e.is_timeout() {
                HttpError::HttpResponseTimeout
            } else {
                HttpError::from(e)
            }))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.idle.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}

async fn send(
    mut request: http::Request<WasiBody>,
    options: Option<RequestOptions>,
) -> Result<
    (
        http::Response<WasiBody>,
        Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ),
    HttpError,
> {
    let timeouts = Timeouts::of(options);
    let secure = request.uri().scheme() == Some(&Scheme::HTTPS);
    let authority = request
        .uri()
        .authority()
        .ok_or(HttpError::HttpRequestUriInvalid)?
        .clone();
    let port = authority.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let host = authority.host().to_string();

    let addresses = public_addresses(&host, port, timeouts.connect).await?;
    let tcp = connect(&addresses, timeouts.connect).await?;
    let stream: Box<dyn Stream> = if secure { tls(&host, tcp).await? } else { Box::new(tcp) };
    let (mut sender, connection) = tokio::time::timeout(
        timeouts.connect,
        hyper::client::conn::http1::handshake(TokioIo::new(stream)),
    )
    .await
    .map_err(|_| HttpError::ConnectionTimeout)?
    .map_err(HttpError::from)?;

    // On the wire the request line carries the path only (the absolute form is for proxies).
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    *request.uri_mut() = http::Uri::builder()
        .path_and_query(path)
        .build()
        .map_err(|_| HttpError::HttpRequestUriInvalid)?;

    // The connection task moves bytes in both directions; it runs until the response body ends.
    let driver = tokio::spawn(connection);
    let response = tokio::time::timeout(timeouts.first_byte, sender.send_request(request))
        .await
        .map_err(|_| HttpError::ConnectionReadTimeout)?
        .map_err(HttpError::from)?;
    let limit = timeouts.between_bytes;
    let response = response.map(|incoming| {
        Paced {
            incoming,
            idle: Box::pin(tokio::time::sleep(limit)),
            limit,
        }
        .boxed_unsync()
    });
    let io = async move {
        match driver.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) if e.is_timeout() => Err(HttpError::HttpResponseTimeout),
            Ok(Err(e)) => Err(HttpError::from(e)),
            Err(_) => Err(HttpError::ConnectionTerminated),
        }
    };
    Ok((response, Box::new(io)))
}

/// Sends `request` to a public address only (see the module's comment).
pub fn send_to_public_address(request: http::Request<WasiBody>, options: Option<RequestOptions>) -> Sent {
    Box::new(send(request, options))
}
