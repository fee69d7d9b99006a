"""webhook in Python: receives GitHub-style deliveries through wasi:http/incoming-handler and
accepts only those signed with the shared secret (../wit/world.wit says what each answer
means). The body is never held in memory: it is MACed as it streams in."""

import hashlib
import hmac
import json

# hmac imports warnings lazily (on its path without OpenSSL, which is this one), and
# componentize-py bundles only the modules imported while it builds: import it now.
import warnings  # noqa: F401

from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.imports import environment
from wit_world.imports.streams import StreamError_Closed
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    Method_Post,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)

MAX_BODY = 1 << 20  # larger deliveries are refused with 413
READ_CHUNK = 64 * 1024  # what one blocking-read may return
WRITE_PIECE = 4096  # what one blocking-write-and-flush may take (wasi:io/streams)
SIGNATURE_PREFIX = b"sha256="


def respond(out: ResponseOutparam, status: int, doc: dict, allow: bytes | None = None) -> None:
    """Answers `status` with `doc` as JSON; `allow` is the Allow header a 405 must carry."""
    headers = [("content-type", b"application/json")]
    if allow is not None:
        headers.append(("allow", allow))
    response = OutgoingResponse(Fields.from_list(headers))
    response.set_status_code(status)
    body = response.body()
    # The status and headers go out first; the body follows through the stream.
    ResponseOutparam.set(out, Ok(response))
    data = json.dumps(doc, separators=(",", ":")).encode()
    with body.write() as stream:
        for at in range(0, len(data), WRITE_PIECE):
            stream.blocking_write_and_flush(data[at : at + WRITE_PIECE])
    OutgoingBody.finish(body, None)


def first_header(request: IncomingRequest, name: str) -> bytes | None:
    values = request.headers().get(name)
    return values[0] if values else None


def claimed_mac(value: bytes | None) -> bytes | None:
    """The MAC a signature header names: "sha256=" and 64 hex digits; None for anything else."""
    if value is None or len(value) != len(SIGNATURE_PREFIX) + 64:
        return None
    if not value.startswith(SIGNATURE_PREFIX):
        return None
    digits = value[len(SIGNATURE_PREFIX) :]
    if not all(c in b"0123456789abcdefABCDEF" for c in digits):
        return None
    return bytes.fromhex(digits.decode("ascii"))


def mac_body(request: IncomingRequest, mac) -> int | None:
    """Feeds the body into `mac` and returns its length, stopping as soon as it is over
    MAX_BODY; None when the body cannot be read to its end."""
    body = request.consume()
    size = 0
    with body.stream() as stream:
        while size <= MAX_BODY:
            try:
                chunk = stream.blocking_read(READ_CHUNK)
            except Err as e:
                if isinstance(e.value, StreamError_Closed):
                    break  # closed: the end of the body
                return None
            mac.update(chunk)
            size += len(chunk)
    return size


def receive(request: IncomingRequest, out: ResponseOutparam) -> None:
    if not isinstance(request.method(), Method_Post):
        respond(out, 405, {"ok": False, "error": "method not allowed"}, allow=b"POST")
        return
    # An empty secret counts as none: anyone could compute a MAC under it.
    secret = dict(environment.get_environment()).get("WEBHOOK_SECRET", "")
    if not secret:
        respond(out, 500, {"ok": False, "error": "WEBHOOK_SECRET is not set"})
        return
    claimed = claimed_mac(first_header(request, "x-hub-signature-256"))
    if claimed is None:
        # Without a well-formed signature there is nothing to check the body against.
        respond(out, 401, {"ok": False, "error": "bad signature"})
        return
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha256)
    size = mac_body(request, mac)
    if size is None:
        respond(out, 400, {"ok": False, "error": "the body could not be read"})
    elif size > MAX_BODY:
        respond(out, 413, {"ok": False, "error": "body over 1 MiB"})
    elif not hmac.compare_digest(mac.digest(), claimed):  # constant time
        respond(out, 401, {"ok": False, "error": "bad signature"})
    else:
        # Header bytes past ASCII are obs-text (RFC 9110 section 5.5): Latin-1, as in C.
        event = (first_header(request, "x-github-event") or b"").decode("latin-1")
        respond(out, 200, {"ok": True, "event": event, "bytes": size})


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        receive(request, response_out)
