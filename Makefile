# make run   install what is missing, build, serve the default fixture on :8787
# make test  install, build, run every test (ctest, then the real-SDK suites)
# make bench install wrk, build, measure; prints a table and writes bench/results.json
BUILD_DIR ?= build
BUILD_TYPE ?= Release
PORT ?= 8787
FIXTURE ?= fixtures/default.json
BIN := $(BUILD_DIR)/clerk-sim

.PHONY: all bootstrap build run test test-unit test-sdk sdk-deps bench clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR)

run: build
	$(BIN) serve --port $(PORT) --fixture $(FIXTURE)

test: build test-unit test-sdk

test-unit:
	cd $(BUILD_DIR) && ctest --output-on-failure

sdk-deps:
	@scripts/bootstrap --with-node
	@cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error
	@cd examples/express-orgs && npm ci --no-audit --no-fund --loglevel=error

test-sdk: sdk-deps
	cd tests/sdk && CLERK_SIM_BIN=$(abspath $(BIN)) node --test --test-concurrency=1

bench: bootstrap
	@scripts/bootstrap --with-bench
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) --target clerk-sim
	bench/run --bin $(BIN)

clean:
	rm -rf $(BUILD_DIR)
