# The two commands of the README:
#   make run    build and start disyncd on the embedded SQLite store (./var)
#   make test   build and run the whole test suite (also under ASan+UBSan and
#               TSan), then fuzz each parser for a bounded time
# Both install what they need first (scripts/install-deps.sh).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DATA_DIR   ?= ./var

.PHONY: deps build build-asan build-tsan run test unit-test tsan-test fuzz bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISYNC_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDISYNC_WERROR=ON \
	  -DDISYNC_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j $(JOBS)

build-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDISYNC_WERROR=ON \
	  -DDISYNC_SANITIZE=thread
	cmake --build $(TSAN_BUILD) -j $(JOBS)

# The suite under ThreadSanitizer.
tsan-test: build-tsan
	bash scripts/run-tests.sh $(TSAN_BUILD)

run: build
	$(BUILD)/bin/disyncd --listen $(LISTEN) --data-dir $(DATA_DIR)

# The full suite: unit and integration tests on the release build, the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer and under
# ThreadSanitizer, then every fuzzer for a bounded time.
TEST_FUZZ_SECONDS ?= 60
test: build build-asan build-tsan
	bash scripts/run-tests.sh $(BUILD)
	bash scripts/run-tests.sh $(ASAN_BUILD)
	bash scripts/run-tests.sh $(TSAN_BUILD)
	bash scripts/fuzz.sh $(TEST_FUZZ_SECONDS)

unit-test: build
	bash scripts/run-tests.sh $(BUILD)

# Longer fuzzing than the test run does (seconds per target).
FUZZ_SECONDS ?= 300
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The benchmarks (bench/README.md): one table, under 5 minutes.
bench: build
	bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) build-fuzz
