# The two commands of the README:
#   make run    build and start disyncd on the embedded SQLite store (./var)
#   make test   build and run the whole test suite (also under ASan+UBSan)
# Both install what they need first (scripts/install-deps.sh).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DATA_DIR   ?= ./var

.PHONY: deps build build-asan run test unit-test fuzz clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISYNC_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDISYNC_WERROR=ON \
	  -DDISYNC_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/disyncd --listen $(LISTEN) --data-dir $(DATA_DIR)

# The full suite: unit and integration tests on the release build, then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test: build build-asan
	bash scripts/run-tests.sh $(BUILD)
	bash scripts/run-tests.sh $(ASAN_BUILD)

unit-test: build
	bash scripts/run-tests.sh $(BUILD)

# Longer fuzzing than the test run does (seconds per target).
FUZZ_SECONDS ?= 300
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
