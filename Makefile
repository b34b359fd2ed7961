# Batchscape: set-up, build, serve and test.
#
#   make serve   set up (idempotent), build dist/, serve it on 127.0.0.1:$PORT (default 8000)
#   make test    set up (+ Debian chromium), clippy, cargo test --workspace, build, node --test tests/
#
# Other targets: setup, setup-test, build, lint, cargo-test, e2e, test-wasm, soak, clean, distclean, help.
# Variables: PORT (serve; a busy port falls back to a free one), CRATE (the wasm crate, default batchscape-web),
#            CARGO, NODE, NPM (tool commands).
# RUSTFLAGS is deliberately never set here: it would replace .cargo/config.toml's rustflags.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
# Steps must run in the order given (set-up before build before tests).
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory --no-builtin-rules

# cargo-installed tools (wasm-bindgen) live here; make sure they are found.
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)

CRATE ?= batchscape-web
# The JS package's name: the wasm crate's library name (dist/pkg/batchscape.js, the compute module;
# scripts/build.sh also writes batchscape_sweeps.js, batchscape_draw.js and batchscape_bench.js).
PKG := batchscape
CARGO ?= cargo
NODE ?= node
NPM ?= npm
PORT ?= 8000
export PORT CRATE PKG

DIST := dist
STAMPS := .stamps
WASM_OUT := $(DIST)/pkg/$(PKG)_bg.wasm
STATIC_STAMP := $(DIST)/.static.stamp
# Inside node_modules/, so deleting node_modules also forgets that npm ci ran.
NPM_STAMP := node_modules/.batchscape-npm-ci.stamp

# ---- source lists --------------------------------------------------------

PRUNE := \( -path ./target -o -path ./node_modules -o -path ./$(DIST) -o -path ./.git \
  -o -path ./$(STAMPS) -o -path ./tests/artifacts -o -path ./results \) -prune
# Everything that can change the wasm: all Rust sources and manifests in the
# workspace, plus every file under crate/ (include_str!/include_bytes!) and .cargo/.
RUST_SRCS := $(sort $(patsubst ./%,%,$(shell find . $(PRUNE) -o -type f \( -name '*.rs' \
  -o -name Cargo.toml -o -name Cargo.lock -o -name 'rust-toolchain*' \) -print 2>/dev/null) \
  $(shell find crate .cargo -type f 2>/dev/null)))
# The page: top-level *.html and everything in www/ (directories included, so
# that adding or deleting a file there makes the copy stale), and the digits file it fetches.
STATIC_SRCS := $(sort $(wildcard *.html) $(shell find www 2>/dev/null) crate/core/data/digits.bin)

# $(call manifest,NAME,FILES): rewrite .stamps/NAME.list only when the list of
# files changed (a file added or deleted), and expand to its path. Used as a
# prerequisite so that a deleted source also triggers a rebuild.
manifest = $(shell mkdir -p $(STAMPS) && printf '%s\n' $(2) > $(STAMPS)/$(1).list.tmp && \
  { cmp -s $(STAMPS)/$(1).list.tmp $(STAMPS)/$(1).list && rm -f $(STAMPS)/$(1).list.tmp \
  || mv -f $(STAMPS)/$(1).list.tmp $(STAMPS)/$(1).list; })$(STAMPS)/$(1).list

# ---- set-up --------------------------------------------------------------

.PHONY: setup setup-test setup-rust setup-chromium

## setup: wasm32 target, wasm-bindgen CLI (Cargo.lock's version), npm ci
setup: setup-rust $(NPM_STAMP)

## setup-test: setup + Debian's chromium and chromium-driver
setup-test: setup setup-chromium

setup-rust:
	@scripts/setup.sh rust-target wasm-bindgen

setup-chromium:
	@scripts/setup.sh chromium

$(NPM_STAMP): package-lock.json package.json
	@echo "setup: npm ci" >&2
	@$(NPM) ci --no-audit --no-fund
	@touch $@

# ---- build ---------------------------------------------------------------

.PHONY: build

## build: dist/ = wasm-bindgen output in dist/pkg + index.html, *.html, www/
build: $(WASM_OUT) $(STATIC_STAMP)

$(WASM_OUT): $(RUST_SRCS) $(call manifest,rust-srcs,$(RUST_SRCS)) | setup-rust
	@echo "build: wasm ($(CRATE)) -> $(DIST)/pkg" >&2
	@scripts/build.sh wasm

# The wasm output too: each worker bundle (dist/app/*.js) has the wasm-bindgen glue of dist/pkg inside,
# which must match the module it instantiates (a Rust-only change left stale glue: "function import
# requires a callable").
$(STATIC_STAMP): $(STATIC_SRCS) $(call manifest,static-srcs,$(STATIC_SRCS)) scripts/bundle.mjs $(WASM_OUT) | $(NPM_STAMP)
	@echo "build: page -> $(DIST)/" >&2
	@scripts/build.sh static
	@touch $@

.PHONY: single

## single: dist/batchscape.html, one self-contained file that works from file:// (page + workers bundled by esbuild, wasm inlined; scripts/single.mjs)
single: build
	@$(NODE) scripts/single.mjs $(DIST)

# ---- run -----------------------------------------------------------------

.PHONY: serve

## serve: set up, build, serve dist/ on 127.0.0.1:$PORT until Ctrl-C
serve: setup build
	@exec $(NODE) scripts/serve.mjs $(DIST)

# ---- tests ---------------------------------------------------------------

.PHONY: test lint cargo-test e2e test-wasm fuzz soak

## test: set up (+ chromium), clippy, cargo test --workspace, build, node --test tests/
test: setup-test lint cargo-test build e2e

## lint: cargo clippy on every crate (native, and the wasm boundary for wasm32), warnings are errors
lint: setup-rust
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --target wasm32-unknown-unknown -p $(CRATE) -- -D warnings

## cargo-test: native cargo test --workspace
cargo-test:
	$(CARGO) test --workspace

## e2e: node --test tests/ against the built dist/ in headless chromium
e2e: build $(NPM_STAMP) | setup-chromium
	$(NODE) --test tests/

## fuzz: the fuzzers at full count: core property tests (PROPTEST_CASES=100000 per parser property, 500 runs) and the page's URL fuzzer (FUZZ_URLS=2000); prints the counts
FUZZ_CASES ?= 100000
FUZZ_URLS ?= 2000
fuzz: build $(NPM_STAMP) | setup-chromium
	PROPTEST_CASES=$(FUZZ_CASES) FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM} $(CARGO) test -p batchscape-core --test fuzz_settings --test fuzz_runs -- --nocapture
	FUZZ_URLS=$(FUZZ_URLS) $(NODE) --test tests/fuzz-url.test.mjs

## soak: (not part of test) the memory soak at the issue's full figures, 3 000 slider changes and 100 scene switches
soak: build $(NPM_STAMP) | setup-chromium
	SOAK_CHANGES=3000 SOAK_SWITCHES=100 $(NODE) --test tests/soak.test.mjs

## test-wasm: (optional, not part of test) wasm-bindgen-test in headless chromium
test-wasm: setup-rust setup-chromium
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=/usr/bin/chromedriver \
	$(CARGO) test --target wasm32-unknown-unknown -p batchscape-core

# ---- housekeeping --------------------------------------------------------

.PHONY: clean distclean help

## clean: remove dist/, stamps and test artifacts
clean:
	rm -rf $(DIST) $(STAMPS) tests/artifacts

## distclean: clean + cargo's target/ and node_modules/
distclean: clean
	rm -rf target node_modules

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
