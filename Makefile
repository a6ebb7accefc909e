# calsync — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
export PATH := /opt/swift/usr/bin:$(PATH)

SYSTEM_PACKAGES := libsqlite3-dev libssl-dev libyaml-dev libcurl4-openssl-dev curl
DEBUG_BIN = $(shell $(SWIFT) build --show-bin-path)
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)

.PHONY: all deps build release test test-long bench demo schema clean

all: build

## deps: install missing system packages (apt-get, non-interactive, only when missing)
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends python3-jsonschema python3-yaml >/dev/null; }
	@command -v $(SWIFT) >/dev/null || { echo "error: swift not found (install the Swift 6 toolchain at /opt/swift or put swift on PATH)"; exit 1; }

## build: debug build of every product
build: deps
	$(SWIFT) build

## release: optimized build
release: deps
	$(SWIFT) build -c release

# Swift Testing starts every test at once unless told otherwise; each test holds servers, sockets and
# child processes, so an unbounded run passes the open-file limit of many CI hosts (1,024) and stalls.
TEST_WIDTH ?= 16
TEST_ENV = CALSYNC_BIN=$(DEBUG_BIN)/calsync SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH)

## test: the whole test suite (heavy suites at their small size)
test: deps
	$(SWIFT) build --build-tests
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; $(TEST_ENV) $(SWIFT) test --skip-build

## test-long: the heavy suites at full size
test-long: deps
	$(SWIFT) build --build-tests
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; $(TEST_ENV) CALSYNC_TEST_SIZE=long $(SWIFT) test --skip-build

## bench: speed and memory figures, printed
bench: release
	$(RELEASE_BIN)/calsync-bench --calsync $(RELEASE_BIN)/calsync
	$(RELEASE_BIN)/calsync-ical-bench
	$(RELEASE_BIN)/calsync-emulator-bench --clients 16 --requests 250
	$(RELEASE_BIN)/calsync-serve-bench --calsync $(RELEASE_BIN)/calsync --clients 16 --requests 5000

## demo: reconcile the sample manifests against calsync-emulator, authorize, reconcile again, show the result
demo: build
	@examples/demo/demo.sh $(DEBUG_BIN)

schema: build
	$(DEBUG_BIN)/calsync schema > calsync.schema.json

clean:
	rm -rf .build .build-* .calsync status calsync.schema.json
