"""An OpenAI-compatible chat-completions server for tests, bound to 127.0.0.1 on a free port:
every request is recorded and answered by a script the test sets."""
import http.server
import json
import threading
import time


class FakeOpenAI:
    """A chat-completions server: each request is recorded and answered by `self.reply`,
    a function (request dict) -> (status, body bytes[, delay seconds])."""

    def __init__(self):
        self.requests = []
        self.reply = lambda req: (500, b"no reply scripted")
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                request = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                           "raw": raw}
                try:
                    request["json"] = json.loads(raw)
                except ValueError:
                    request["json"] = None
                owner.requests.append(request)
                status, body, *delay = owner.reply(request)
                if delay:
                    time.sleep(delay[0])
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the caller gave up (the slow test)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def completion(message, finish="stop", usage=True):
    body = {"id": "chatcmpl-1", "object": "chat.completion", "model": "fake-model-1",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}]}
    if usage:
        body["usage"] = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    return json.dumps(body).encode()
