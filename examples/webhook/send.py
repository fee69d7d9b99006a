#!/usr/bin/env python3
"""Sends one GitHub-style webhook delivery to URL, signed with SECRET, and prints the answer.

usage: send.py URL SECRET [--forge] [--event NAME] [--body TEXT | --body-file PATH]

The body (default: a small JSON "ping" payload) is POSTed with
`x-hub-signature-256: sha256=<HMAC-SHA256 of the body under SECRET, hex>` and
`x-github-event: NAME` (default: ping). --forge signs with another secret instead, as a forger
would. It connects directly, ignoring any proxy settings (the receiver is usually one you
run yourself, on loopback). Prints the status on the first line and the response body after it; exits 0 when the
request got any HTTP answer (whatever its status), 1 when it got none.
"""

import argparse
import hashlib
import hmac
import sys
import urllib.error
import urllib.request


def main() -> int:
    parser = argparse.ArgumentParser(description="Send a signed webhook delivery.")
    parser.add_argument("url")
    parser.add_argument("secret")
    parser.add_argument("--forge", action="store_true", help="sign with a wrong secret")
    parser.add_argument("--event", default="ping", help="the x-github-event header")
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", help="the body, as text")
    body.add_argument("--body-file", help="the body, from a file")
    args = parser.parse_args()

    if args.body_file is not None:
        with open(args.body_file, "rb") as f:
            payload = f.read()
    elif args.body is not None:
        payload = args.body.encode()
    else:
        payload = b'{"zen":"Keep it logically awesome.","hook_id":1}'
    key = (args.secret + "-forged" if args.forge else args.secret).encode()
    signature = "sha256=" + hmac.new(key, payload, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        args.url,
        data=payload,
        method="POST",
        headers={
            "content-type": "application/json",
            "x-github-event": args.event,
            "x-hub-signature-256": signature,
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as e:  # a 4xx or 5xx is an answer too
        status, answer = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        print(f"send.py: no answer from {args.url}: {e}", file=sys.stderr)
        return 1
    print(status)
    sys.stdout.write(answer.decode("utf-8", "replace"))
    if not answer.endswith(b"\n"):
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
