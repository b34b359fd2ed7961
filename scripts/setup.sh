#!/usr/bin/env bash
# Idempotent set-up steps for Batchscape. Each step checks first and does
# nothing (silently) when its tool is already in place.
#
#   scripts/setup.sh rust-target     rustup target add wasm32-unknown-unknown, if missing
#   scripts/setup.sh wasm-bindgen    cargo install wasm-bindgen-cli at Cargo.lock's version, if not installed
#   scripts/setup.sh chromium        apt-get install chromium chromium-driver, if missing
#   scripts/setup.sh wasm-bindgen-version   print the wasm-bindgen version from Cargo.lock
#
# npm ci is driven by the Makefile (stamp file in node_modules/).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) [ -d "$CARGO_BIN" ] && PATH="$CARGO_BIN:$PATH" ;;
esac
export PATH

WASM_TARGET=wasm32-unknown-unknown
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Version of the `wasm-bindgen` package (exactly that name) in Cargo.lock.
lock_wasm_bindgen_version() {
  if [ ! -f Cargo.lock ]; then
    [ -f Cargo.toml ] || die "no Cargo.toml in $(pwd)"
    log "Cargo.lock missing: cargo generate-lockfile"
    cargo generate-lockfile >&2
  fi
  local v
  v="$(awk '
    /^\[\[package\]\]/ { name = ""; next }
    /^name = / { name = $3; gsub(/"/, "", name); next }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
  ' Cargo.lock)"
  [ -n "$v" ] || die "no wasm-bindgen package in Cargo.lock (is the crate depending on wasm-bindgen?)"
  printf '%s\n' "$v"
}

step_rust_target() {
  command -v rustup >/dev/null 2>&1 || die "rustup not found: install Rust via https://rustup.rs first"
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    log "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET" >&2
  fi
}

step_wasm_bindgen() {
  local want have=""
  want="$(lock_wasm_bindgen_version)"
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
  fi
  if [ "$have" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (found: ${have:-none}); takes about 2 minutes"
    # Deliberately without --locked: the CLI's own lock file pins a crate
    # version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want" >&2
    have="$(wasm-bindgen --version | awk '{print $2}')"
    [ "$have" = "$want" ] || die "wasm-bindgen --version says $have after installing $want (is $CARGO_BIN first on PATH?)"
  fi
}

step_chromium() {
  if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "$CHROMIUM missing and not root without sudo: apt-get install chromium chromium-driver as root"
    sudo=(sudo)
  fi
  log "apt-get install chromium chromium-driver"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >&2
  [ -x "$CHROMIUM" ] || die "$CHROMIUM still missing after apt-get install"
}

[ $# -gt 0 ] || die "usage: $0 {rust-target|wasm-bindgen|chromium|wasm-bindgen-version}..."
for step in "$@"; do
  case "$step" in
    rust-target) step_rust_target ;;
    wasm-bindgen) step_wasm_bindgen ;;
    chromium) step_chromium ;;
    wasm-bindgen-version) lock_wasm_bindgen_version ;;
    *) die "unknown step: $step" ;;
  esac
done
