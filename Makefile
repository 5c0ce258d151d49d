# newsdesk: the two commands a publisher needs.
#   make run    install missing packages, build, create the demo site, serve it
#   make test   install what the tests need, build (also with ASan+UBSan), run every test
PORT ?= 8080
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
DEMO_DB ?= $(BUILD)/demo.db
ASAN_CC ?= clang

.PHONY: all build run test test-unit test-asan deps deps-test bench soak memcheck fuzz format check-src clean

all: build

deps:
	@tools/install-deps build

deps-test:
	@tools/install-deps test
	@if [ ! -d tests/browser/node_modules/playwright-core ] || \
	    [ ! -d tests/browser/node_modules/axe-core ]; then \
		cd tests/browser && npm ci --no-audit --no-fund; fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# The demo import is idempotent and quick: run it every time, so an empty or
# stale demo database is filled and its dates move to now.
run: build
	$(BUILD)/newsdesk demo --db $(DEMO_DB)
	$(BUILD)/newsdesk serve --db $(DEMO_DB) --listen 127.0.0.1:$(PORT)

# The whole suite: unit and end-to-end tests on the normal build, then the
# same under AddressSanitizer + UndefinedBehaviorSanitizer (leaks included).
test: deps-test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DND_BUILD_TESTS=ON
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	$(MAKE) test-asan

# The sanitizer build uses clang, so every change is compiled warning-free by
# both gcc (above) and clang.
test-asan: deps-test
	CC=$(ASAN_CC) cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DND_SANITIZE=ON -DND_BUILD_TESTS=ON
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

bench: build
	bench/run

# Ten minutes of mixed traffic with an editor publishing (tests/soak/run;
# SOAK_SECONDS=60 make soak for a quick look). Not part of `make test`.
soak: build
	tests/soak/run

# Every unit test program under valgrind's memcheck, in build-memcheck.
memcheck: deps-test
	tools/memcheck

# libFuzzer on every parser of untrusted input (fuzz/, docs/internals/fuzz.md),
# one target after the other, FUZZ_SECONDS each on its seed corpus. Built in
# the sanitizer build; new inputs and crashes stay in build-asan/fuzz/.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= route cookie mustache markdown jsonl wire sanitize query coding
fuzz: deps-test
	CC=$(ASAN_CC) cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DND_SANITIZE=ON -DND_BUILD_TESTS=ON
	cmake --build build-asan -j $(JOBS) --target $(addprefix nd_fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz/$$t: $(FUZZ_SECONDS) s"; \
		fuzz/run build-asan/fuzz/nd_fuzz_$$t fuzz/corpus/$$t build-asan/fuzz $(FUZZ_SECONDS) \
			|| { echo "fuzz/$$t: crash, input in build-asan/fuzz/crashes/$$t/"; exit 1; }; \
	done

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'fuzz/*.c')

check-src:
	tools/check-src

# A test cluster left running by an interrupted ctest lives outside the
# build dir (tests/pg/cluster): stop it before its pointer goes.
clean:
	@for d in $(BUILD)/pg build-asan/pg; do [ ! -f $$d/run ] || tests/pg/cluster stop $$d; done
	rm -rf $(BUILD) build-asan build-memcheck
