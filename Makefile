SWIFT_LOCK ?= /tmp/calsync-swift.lock

.PHONY: build test bench

build:
	flock $(SWIFT_LOCK) swift build

test:
	flock $(SWIFT_LOCK) swift test

bench:
	flock $(SWIFT_LOCK) swift build -c release --product calsync-emulator-bench
	./.build/release/calsync-emulator-bench --clients 16 --requests 250
