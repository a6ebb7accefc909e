# calsync — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
export PATH := /opt/swift/usr/bin:$(PATH)

SYSTEM_PACKAGES := libsqlite3-dev libssl-dev libyaml-dev libcurl4-openssl-dev
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
	@python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
	@command -v $(SWIFT) >/dev/null || { echo "error: swift not found (install the Swift 6 toolchain at /opt/swift or put swift on PATH)"; exit 1; }

## build: debug build of every product
build: deps
	$(SWIFT) build

## release: optimized build
release: deps
	$(SWIFT) build -c release

## test: the whole test suite (heavy suites at their small size)
test: deps
	$(SWIFT) build --build-tests
	CALSYNC_BIN=$(DEBUG_BIN)/calsync $(SWIFT) test --skip-build

## test-long: the heavy suites at full size
test-long: deps
	$(SWIFT) build --build-tests
	CALSYNC_BIN=$(DEBUG_BIN)/calsync CALSYNC_TEST_SIZE=long $(SWIFT) test --skip-build

## bench: speed and memory figures, printed
bench: release
	$(RELEASE_BIN)/calsync-bench --calsync $(RELEASE_BIN)/calsync
	$(RELEASE_BIN)/calsync-ical-bench
	$(RELEASE_BIN)/calsync-emulator-bench --clients 16 --requests 250
	$(RELEASE_BIN)/calsync-serve-bench --calsync $(RELEASE_BIN)/calsync --clients 16 --requests 1000

## demo: validate and reconcile the sample manifests, show the plan, the cards and located errors
demo: build
	@bin=$(DEBUG_BIN)/calsync; set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cp -r manifests "$$tmp/"; cd "$$tmp"; \
	echo "== calsync validate"; $$bin validate; echo; \
	echo "== calsync plan"; $$bin plan; echo; \
	echo "== calsync reconcile (exit code 3: the providers wait for OAuth consent)"; $$bin reconcile || echo "(exit code $$?)"; echo; \
	echo "== calsync status"; $$bin status; echo; \
	echo "== status/summary.md"; cat status/summary.md; echo; \
	echo "== status/acme/google-main.yaml"; cat status/acme/google-main.yaml; echo; \
	echo "== calsync reconcile again: converged, nothing written"; $$bin reconcile 2>/dev/null || echo "(exit code $$?)"; echo; \
	echo "== calsync entries: import a Google Calendar export, add one, export"; \
	$$bin entries import --tenant acme $(CURDIR)/Tests/CalsyncICalTests/Fixtures/vendors/google.ics --from 2026-10-01T00:00:00Z --to 2027-03-01T00:00:00Z; \
	$$bin entries add --tenant acme --title "Quarterly review" --start 2026-12-15T09:00:00Z --end 2026-12-15T10:30:00Z --time-zone Europe/Berlin >/dev/null; \
	$$bin entries list --tenant acme; \
	$$bin entries export --tenant acme | head -12; echo "..."; echo; \
	echo "== calsync validate on a copy with mistakes (exit code 1 expected)"; \
	sed -i 's/syncDirection: to_external/syncDirection: to-external/; s/syncInterval: 30m/syncInterval: 30s/' manifests/tenants/acme.yaml; \
	sed -i 's/tenant: globex$$/tenant: globx/' manifests/tenants/globex.yaml; \
	$$bin validate || echo "(exit code $$?)"

schema: build
	$(DEBUG_BIN)/calsync schema > calsync.schema.json

clean:
	rm -rf .build .build-* .calsync status calsync.schema.json
