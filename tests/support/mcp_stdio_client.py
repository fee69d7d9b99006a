"""A line-delimited JSON-RPC MCP client of `asterai serve` on stdio, for the Python tests: it
declares the capabilities it is given and answers the server's requests to the client
(sampling/createMessage, elicitation/create) with handlers the test supplies."""
import json
import subprocess


class McpError:
    """A handler's answer that is a JSON-RPC error (a refusal)."""

    def __init__(self, code, message):
        self.code, self.message = code, message


class McpStdioClient:
    def __init__(self, argv, env, capabilities=None, check=None):
        """Starts `argv` (asterai serve ...) and initializes a session. `check(text)` sees every
        line the server writes, and its stderr at the end (e.g. to look for a leaked secret)."""
        self.check = check or (lambda text: None)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.next_id = 0
        self.notifications = []
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": capabilities or {},
                                    "clientInfo": {"name": "asterai-test", "version": "0"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message):
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def request(self, method, params, handlers=None):
        """Sends a request and returns its result, answering the server's requests meanwhile
        with `handlers` ({method: function(params) -> result or McpError}); notifications are
        kept in `self.notifications`."""
        self.next_id += 1
        my_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": my_id, "method": method, "params": params})
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"the server ended: {self.proc.stderr.read()}")
            self.check(line)
            message = json.loads(line)
            if message.get("id") == my_id and "method" not in message:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]
            if "method" in message and "id" in message:
                handler = (handlers or {}).get(message["method"])
                if handler is None:
                    raise AssertionError(f"an unexpected request from the server: {message}")
                answer = handler(message["params"])
                if isinstance(answer, McpError):
                    self.send({"jsonrpc": "2.0", "id": message["id"],
                               "error": {"code": answer.code, "message": answer.message}})
                else:
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": answer})
            elif "method" in message:
                self.notifications.append(message)

    def notified(self, method):
        return [n["params"] for n in self.notifications if n["method"] == method]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.check(self.proc.stderr.read())
        self.proc.stderr.close()
        self.proc.stdout.close()
