#!/usr/bin/env bash
# Runs the README's "Use" block verbatim, as a new user would: from a folder holding `build`
# (the build tree), with a fresh ASTERAI_HOME; the block starts its own loopback registry and
# server. Fails on the first command that fails and names it.
# Usage: readme_use_test.sh REPO_ROOT BUILD_DIR
set -euo pipefail
repo=$1
build=$2
work=$(mktemp -d)
cleanup() {
  # The block's background servers (registry, serve) belong to its process group.
  [ -n "${block_pid:-}" ] && kill -- -"$block_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

awk '/^## Use/{in_use=1} in_use && /^```sh/{on=1; next} on && /^```/{exit} on{print}' \
  "$repo/README.md" >"$work/use.sh"
[ -s "$work/use.sh" ] || { echo "FAIL: no sh block under '## Use' in README.md"; exit 1; }

ln -s "$build" "$work/build"
export ASTERAI_HOME="$work/home" DOCKER_CONFIG="$work/docker"
unset ASTERAI_REGISTRY ASTERAI_SECRET_KEY
cd "$work"
# -x prints each command as it runs, so a failure names its line; set -m gives the block a
# process group of its own for the cleanup.
set +e
set -m
bash -euo pipefail -x use.sh </dev/null >"$work/out.log" 2>&1 &
block_pid=$!
wait "$block_pid"
rc=$?
set +m
if [ "$rc" -ne 0 ]; then
  tail -n 40 "$work/out.log"
  echo "FAIL: the README's Use block stopped with exit code $rc at the last command above"
  exit 1
fi
echo "README Use block: every command succeeded"
