#!/usr/bin/env bash
# Installs the official MCP Python SDK of the SDK client tests (tests/mcp/sdk/python, pinned with
# hashes in requirements.txt) into a virtual environment at VENV (a build folder). Idempotent
# and quiet when it is there and current. With more arguments, runs them afterwards with the
# environment's python first on PATH (CTest: install-mcp-python-sdk.sh VENV python3 sdk_test.py).
set -euo pipefail
[ "$#" -ge 1 ] || { echo "usage: install-mcp-python-sdk.sh VENV [COMMAND...]" >&2; exit 2; }
venv=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
requirements="$here/tests/mcp/sdk/python/requirements.txt"
stamp="$venv/.requirements.txt"
if [ ! -f "$stamp" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "installing the MCP Python SDK for the tests into $venv (first time only)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --only-binary=:all: -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
if [ "$#" -gt 0 ]; then PATH="$venv/bin:$PATH" exec "$@"; fi
