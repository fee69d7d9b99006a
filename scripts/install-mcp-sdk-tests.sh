#!/usr/bin/env bash
# Installs the npm packages of the MCP SDK client tests (tests/mcp/sdk: the official MCP
# TypeScript SDK and Ajv, pinned by package-lock.json) into tests/mcp/sdk/node_modules
# (ignored by git). Idempotent and quiet when they are there. With arguments, runs them
# afterwards (CTest: install-mcp-sdk-tests.sh node --test tests/mcp/sdk/sdk.test.mjs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sdk="$here/tests/mcp/sdk"
if [ ! -f "$sdk/node_modules/.package-lock.json" ] ||
   [ "$sdk/package-lock.json" -nt "$sdk/node_modules/.package-lock.json" ]; then
  echo "installing the MCP SDK test packages (first time only)" >&2
  (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
if [ "$#" -gt 0 ]; then exec "$@"; fi
