# vmsa: bit-exact AArch64 translation tables. See README.md.
#   make demo    build the bundled per-process page size example, dump it, translate
#   make test    install what is missing, build, run every test (conformance under QEMU included)
#   make bench   the hot paths against the in-binary C reference (release build)

SWIFT        ?= swift
OUT          ?= out
DEBUG_BIN     = .build/debug/vmsa
RELEASE_BIN   = .build/release/vmsa
# Debian packages the probes and the conformance legs need.
APT_PACKAGES  = gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user qemu-system-arm

.PHONY: all deps build release test demo bench clean

all: build

# Installs only what is missing, so a second run costs nothing.
deps:
	@missing=""; \
	command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing="yes"; \
	command -v qemu-aarch64 >/dev/null 2>&1 || missing="yes"; \
	command -v qemu-system-aarch64 >/dev/null 2>&1 || missing="yes"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $(APT_PACKAGES)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@$(SWIFT) package resolve

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

demo: build
	@mkdir -p $(OUT)
	$(DEBUG_BIN) decode 0x0068000000000fc3
	$(DEBUG_BIN) tcr decode 0x00400034b5503510
	$(DEBUG_BIN) geometry --granule 64k --va-bits 48

bench: release
	$(RELEASE_BIN) bench

clean:
	rm -rf .build $(OUT)
