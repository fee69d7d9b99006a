# Shared helpers for the registry scripts: start a server on a free loopback port with a
# throwaway root, create a user and key, and stop everything on exit.
#   ASTERAI_REGISTRY_BIN: a binary with the `registry` command group — the asterai-registry
#   test harness CMake builds, or `asterai` itself; defaults to `asterai` on PATH.

REGISTRY_BIN="${ASTERAI_REGISTRY_BIN:-}"
if [[ -z "$REGISTRY_BIN" ]]; then
  if command -v asterai >/dev/null 2>&1; then REGISTRY_BIN="asterai"; else
    echo "set ASTERAI_REGISTRY_BIN to the asterai-registry binary (built by cmake)" >&2; exit 2
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/asterai-registry.XXXXXX")"
SERVER_PID=""
EXTRA_PIDS=()  # other servers a script starts; stopped on exit too
cleanup_registry() {
  for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup_registry EXIT

registry() { "$REGISTRY_BIN" registry --root "$WORK/root" "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry [serve flags…]: sets REGISTRY (host:port) and waits until it answers.
start_registry() {
  local port; port="$(free_port)"
  REGISTRY="127.0.0.1:$port"
  "$REGISTRY_BIN" registry --root "$WORK/root" serve --listen "$REGISTRY" "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://$REGISTRY/v2/"; then return 0; fi
    sleep 0.1
  done
  echo "registry did not start:" >&2; cat "$WORK/server.log" >&2; return 1
}

# new_user NAME: creates the user and prints a fresh API key.
new_user() {
  registry user create "$1" >/dev/null
  registry key issue "$1" --label scripts 2>/dev/null
}
