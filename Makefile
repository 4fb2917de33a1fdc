# hujiao — the two commands a newcomer needs:
#   make run    install dependencies, build, start hujiaod with demo data (SQLite, web console)
#   make test   install dependencies, build (release + ASan/UBSan), run every test
# Other targets: build, web, bench, clean, format.

SHELL := /bin/bash
JOBS  ?= $(shell nproc)
BUILD ?= build/release
ASAN  ?= build/asan
CMAKE_FLAGS ?=

.PHONY: run test deps build build-asan web test-release test-asan bench clean format

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUJIAO_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHUJIAO_WERROR=ON -DHUJIAO_SANITIZE=ON \
	  -DHUJIAO_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN) -j $(JOBS)

web: deps
	sh web/scripts/build.sh

run: build web
	./$(BUILD)/src/app/hujiaod $(if $(CONFIG),--config $(CONFIG),)

test-release: build web
	ctest --test-dir $(BUILD) --output-on-failure -j 2 --timeout 600

SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:suppressions=$(CURDIR)/tests/asan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Unit tests, then the system tests labelled "sanitized" (the malformed-SIP
# corpus and the riskiest call paths) against the sanitized daemon.
test-asan: build-asan
	$(SAN_ENV) ctest --test-dir $(ASAN) --output-on-failure -j 2 -LE 'system|slow|web' --timeout 600
	$(SAN_ENV) ctest --test-dir $(ASAN) --output-on-failure -j 2 -L sanitized --timeout 600

test: test-release test-asan

bench: build
	bash bench/run-all.sh $(BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build web/dist
