#!/usr/bin/env bash
# Build Batchscape into dist/ (the Makefile decides when each part is stale;
# this script always does the work it is asked for).
#
#   scripts/build.sh wasm     cargo build (wasm32) + wasm-bindgen of each wasm module -> dist/pkg/
#   scripts/build.sh static   index.html, other top-level *.html, www/, digits.bin -> dist/, bundled into dist/app/
#   scripts/build.sh          both
#
# RUSTFLAGS is deliberately not set: it would replace the rustflags of
# .cargo/config.toml (e.g. +simd128 for the wasm target).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) [ -d "$CARGO_BIN" ] && PATH="$CARGO_BIN:$PATH" ;;
esac
export PATH

CRATE="${CRATE:-batchscape-web}"
# The library name of the wasm crate, and so of the JS package (dist/pkg/$PKG.js).
PKG="${PKG:-batchscape}"
DIST="${DIST:-dist}"
WASM_TARGET=wasm32-unknown-unknown
# cargo honours CARGO_TARGET_DIR; default is ./target
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

# The wasm modules, one per kind of user (issue 14, first-load size): FEATURE PROFILE OUT-NAME.
#   compute  the workers' sessions, settings and own-data helpers  dist/pkg/batchscape.js
#   sweeps   the sweep pool's workers (both sweeps)                dist/pkg/batchscape_sweeps.js
#   draw     the draw worker and the SVG exports (opt-level "z")   dist/pkg/batchscape_draw.js
#   bench    bench.html's W1 and digits benchmarks                 dist/pkg/batchscape_bench.js
MODULES=(
  "compute release $PKG"
  "sweeps release-sweeps ${PKG}_sweeps"
  "draw release-draw ${PKG}_draw"
  "bench release-bench ${PKG}_bench"
)

build_wasm() {
  if [ -n "${RUSTFLAGS:-}" ]; then
    echo "build: warning: RUSTFLAGS is set in the environment; it replaces .cargo/config.toml's rustflags" >&2
  fi
  rm -rf "$DIST/pkg"
  mkdir -p "$DIST"
  local m feature profile name
  for m in "${MODULES[@]}"; do
    read -r feature profile name <<<"$m"
    cargo build --profile "$profile" --target "$WASM_TARGET" -p "$CRATE" --lib --no-default-features --features "$feature"
    wasm-bindgen --target web --remove-name-section --remove-producers-section --out-name "$name" \
      --out-dir "$DIST/pkg" "$TARGET_DIR/$WASM_TARGET/$profile/$PKG.wasm"
  done
}

build_static() {
  [ -f index.html ] || { echo "build: error: index.html missing" >&2; exit 1; }
  mkdir -p "$DIST"
  # Clear stale copies first (files deleted from the source must vanish).
  rm -rf "$DIST/www"
  find "$DIST" -maxdepth 1 -type f -name '*.html' -delete
  local f
  for f in *.html; do
    cp "$f" "$DIST/$f"
  done
  if [ -d www ]; then
    cp -r www "$DIST/www"
  fi
  # The UCI digits: the compute wasm does not embed them (issue 14); a worker fetches this file
  # only when the settings ask for dataset=digits (www/digits-data.js).
  cp crate/core/data/digits.bin "$DIST/digits.bin"
  # The page and its workers bundled into $DIST/app/ (esbuild, from npm ci); index.html loads them.
  node scripts/bundle.mjs "$DIST"
}

case "${1:-all}" in
  wasm) build_wasm ;;
  static) build_static ;;
  all) build_wasm; build_static ;;
  *) echo "usage: $0 [wasm|static|all]" >&2; exit 2 ;;
esac
