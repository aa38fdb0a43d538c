# vmsa: bit-exact AArch64 translation tables. See README.md.
#   make demo    build the bundled per-process page size example, dump it, translate
#   make test    install what is missing, build, run every test (conformance under QEMU included)
#   make bench   the hot paths against the in-binary C reference (release build)
#   make scale   build 1 TiB of 4K pages and replay 10^8 operations: ns per entry/op, peak RSS (long)

SWIFT        ?= swift
OUT          ?= out
DEBUG_BIN     = .build/debug/vmsa
RELEASE_BIN   = .build/release/vmsa
# Debian packages the probes, the conformance legs and `make scale` (GNU time) need.
APT_PACKAGES  = gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user qemu-system-arm xxd cpio time

.PHONY: all deps build release probes test conformance demo bench scale fuzz fuzz-build fuzz-merge man docs clean

all: build

# Installs only what is missing, so a second run costs nothing.
deps:
	@missing=""; \
	command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing="yes"; \
	command -v qemu-aarch64 >/dev/null 2>&1 || missing="yes"; \
	command -v qemu-system-aarch64 >/dev/null 2>&1 || missing="yes"; \
	command -v xxd >/dev/null 2>&1 || missing="yes"; \
	command -v cpio >/dev/null 2>&1 || missing="yes"; \
	[ -x /usr/bin/time ] || missing="yes"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $(APT_PACKAGES)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@$(SWIFT) package resolve
	@# Debian's arm64 kernels and busybox for the real-kernel leg, downloaded
	@# once into .cache/guests (never installed); a second run costs nothing.
	@guest/fetch.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The AArch64 probes (asm/), cross-compiled; the conformance tests and
# `vmsa conform` find them in .build-probes.
PROBES_DIR = $(CURDIR)/.build-probes

probes: deps
	$(MAKE) -C asm OUT=$(PROBES_DIR)

# Unit, property and CLI tests, the QEMU legs in ConformanceTests, the
# real-kernel leg (Debian kernels booted under QEMU, captured and checked;
# on its own so that its guests do not share the cores with other tests),
# then the whole seeded conformance matrix under QEMU.
test: deps probes
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip RealKernelTests
	$(SWIFT) test --filter RealKernelTests
	$(DEBUG_BIN) conform

conformance: build probes
	$(DEBUG_BIN) conform

# The per-process page size example: a 4K kernel half (TTBR1) and a 64K
# process half (TTBR0), built, dumped and translated.
DEMO_LAYOUT = examples/layouts/per-process-64k.json
DEMO_IMAGE  = $(OUT)/demo.img

demo: build
	@mkdir -p $(OUT)
	$(DEBUG_BIN) build $(DEMO_LAYOUT) -o $(DEMO_IMAGE)
	$(DEBUG_BIN) dump $(DEMO_IMAGE) --format ptdump
	$(DEBUG_BIN) translate $(DEMO_IMAGE) 0xffff000000001000 0xffff800080001234 0x400010 0x610000 0x20001234 0x800000
	$(DEBUG_BIN) translate $(DEMO_IMAGE) 0x400010 0x600000 0xffff000000001000 --access w --el 0
	$(DEBUG_BIN) replay examples/traces/clean-64k.jsonl --granule 64k --report
	$(DEBUG_BIN) replay examples/traces/fallback.jsonl --granule 64k --report
	@# What would 64K give a real process on this machine? (PFNs need root.)
	@sleep 30 & pid=$$!; $(DEBUG_BIN) trace $$pid | $(DEBUG_BIN) replay - --granule 64k --report 2>/dev/null; kill $$pid

bench: release
	$(RELEASE_BIN) bench

# vmsa build of 1 GiB to 1 TiB of 4K pages (a 2 GiB image, in $TMPDIR, removed
# after) and vmsa replay of 10^6 to 10^8 synthetic operations streamed from
# vmsa trace --synthetic: ns per entry or operation and peak RSS against the
# tables (scripts/scale.sh; GNU time for the RSS). Some 25 minutes; not part of test.
scale: release
	VMSA=$(RELEASE_BIN) bash scripts/scale.sh

# libFuzzer: each target runs FUZZ_SECONDS, or FUZZ_RUNS executions when set
# (a campaign), on a scratch work corpus (out/fuzz/NAME) seeded from
# Fuzz/corpus/NAME; a crashing input lands in out/fuzz/ and fails the run.
# `make fuzz-merge` then adds the work corpus's new coverage to the seeds.
#
# Built optimised (a debug build spends its time in unspecialised generics,
# not in the code under test) with assertions kept and ASan and coverage on
# every module.
FUZZ_SECONDS ?= 30
FUZZ_RUNS    ?=
FUZZ_TARGETS ?= Descriptor JSON Layout Image Words Trace Core
FUZZ_BUILD    = .build-fuzz
FUZZ_BIN      = $(FUZZ_BUILD)/release
# FUZZ_TIMEBOX caps a campaign's seconds (it stops short of FUZZ_RUNS then).
FUZZ_TIMEBOX ?=
# No allocation and free stacks kept per heap block: recording one (an
# unwind and a hash per malloc) took about a tenth of every execution.
# Detection is the same and a report still gives the faulting access's
# stack; rerun the artifact (.build-fuzz/release/FuzzNAME out/fuzz/name-crash-*)
# without ASAN_OPTIONS for the allocation and free stacks too.
FUZZ_ASAN_OPTIONS ?= malloc_context_size=0
FUZZ_LIMIT    = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS) $(if $(FUZZ_TIMEBOX),-max_total_time=$(FUZZ_TIMEBOX)),-max_total_time=$(FUZZ_SECONDS))
FUZZ_RUNTIME  = $(firstword $(wildcard $(dir $(realpath $(shell command -v swiftc)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_FLAGS    = -c release -Xswiftc -assert-config -Xswiftc Debug \
                -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
                -Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++

fuzz-build:
	@test -n "$(FUZZ_RUNTIME)" || { echo "make fuzz: libclang_rt.fuzzer_no_main not found next to swiftc"; exit 1; }
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_BUILD) $(FUZZ_FLAGS)

fuzz: fuzz-build
	@mkdir -p $(OUT)/fuzz; status=0; \
	for t in $(FUZZ_TARGETS); do \
	  name=$$(echo $$t | tr A-Z a-z); work=$(OUT)/fuzz/$$name; rm -rf $$work $(OUT)/fuzz/$$name-*; mkdir -p $$work; \
	  start=$$(date +%s); \
	  ASAN_OPTIONS=$(FUZZ_ASAN_OPTIONS) $(FUZZ_BIN)/Fuzz$$t $$work Fuzz/corpus/$$name $(FUZZ_LIMIT) \
	    -artifact_prefix=$(OUT)/fuzz/$$name- -print_final_stats=1 > $(OUT)/fuzz/$$name.log 2>&1 || status=1; \
	  seconds=$$(( $$(date +%s) - start )); \
	  runs=$$(grep -m1 'stat::number_of_executed_units' $(OUT)/fuzz/$$name.log | awk '{print $$2}'); \
	  rate=$$(grep -m1 'stat::average_exec_per_sec' $(OUT)/fuzz/$$name.log | awk '{print $$2}'); \
	  crashes=$$(ls $(OUT)/fuzz/$$name-crash-* $(OUT)/fuzz/$$name-leak-* $(OUT)/fuzz/$$name-timeout-* $(OUT)/fuzz/$$name-oom-* 2>/dev/null | wc -l); \
	  echo "fuzz $$name: $${runs:-0} executions, $${rate:-0} exec/s, $${seconds}s, $$crashes findings"; \
	done; exit $$status

# Adds to each seed corpus the work-corpus inputs that reach new coverage
# (libFuzzer's -set_cover_merge=1 keeps the seeds and adds a small set of
# inputs that together reach every new feature).
fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  name=$$(echo $$t | tr A-Z a-z); before=$$(ls Fuzz/corpus/$$name | wc -l); \
	  $(FUZZ_BIN)/Fuzz$$t -set_cover_merge=1 Fuzz/corpus/$$name $(OUT)/fuzz/$$name > $(OUT)/fuzz/$$name-merge.log 2>&1 || \
	    { tail -20 $(OUT)/fuzz/$$name-merge.log; echo "make fuzz-merge: $$name failed"; exit 1; }; \
	  echo "fuzz-merge $$name: $$before -> $$(ls Fuzz/corpus/$$name | wc -l) inputs, $$(du -sk Fuzz/corpus/$$name | cut -f1) KiB"; \
	done

# DocC archives of the library products (swift-docc-plugin), built with
# warnings as errors, and each one's documentation coverage.
DOC_TARGETS = VMSA VMSATables LinuxTables GuestCapture VMSAJSON

docs: deps
	@for t in $(DOC_TARGETS); do \
	  out=$$($(SWIFT) package generate-documentation --target $$t --warnings-as-errors \
	    --experimental-documentation-coverage --coverage-summary-level brief 2>&1) || \
	    { echo "$$out" | tail -20; echo "make docs: $$t failed"; exit 1; }; \
	  echo "$$out" | sed -n '/Abstract/,/^$$/p' | sed "s/^/$$t: /"; \
	done
	@echo "make docs: archives in .build/plugins/Swift-DocC/outputs/"

# The manual page, from the command definitions (swift-argument-parser's
# generate-manual plugin; it builds the tool in release mode first).
MAN_DIR = $(OUT)/man

man: deps
	@mkdir -p $(MAN_DIR)
	$(SWIFT) package --allow-writing-to-directory $(MAN_DIR) generate-manual --output-directory $(MAN_DIR)
	@echo "make man: wrote $(MAN_DIR)/vmsa.1 (read it with: man -l $(MAN_DIR)/vmsa.1)"

clean:
	rm -rf .build $(OUT)
