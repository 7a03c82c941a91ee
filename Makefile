# The two commands: `make run` runs every suite against the embedded mock and
# writes reports/junit.xml; `make test` runs all tests (vet, format, unit
# tests, the whole suite against the embedded mock, the deviation tests) under
# the race detector.
GO ?= go
BIN := bin/conformance

.PHONY: run test build vet fmt-check unit bench clean sensitivity release soak

run:
	$(GO) run ./cmd/conformance run --report-dir reports

# -vet=off: the vet target, which test depends on, has just run every vet
# check, a superset of the ones go test would run again. -ldflags=-w: the
# test binaries are linked without DWARF (debuggers' data; stack traces and
# race reports come from the runtime's own tables), a quarter of the time
# spent linking the 38 race-instrumented binaries. -p 6: several packages'
# tests mostly wait (a browser, a Retry-After, a script polling a job), so
# six binaries at a time keep both cores busy where two would leave them
# idle; at four, the long packages held every slot and the short ones
# queued behind them while the cores idled (BENCHMARKS.md, "The two
# commands").
#
# go test starts the packages' tests in the order it is given them: the ones
# that take longest come first (internal/cli alone is about 60% of the CPU),
# so the many short ones fill the cores at the end instead of three long
# ones running on after everything else (BENCHMARKS.md, "The two
# commands"). A package missing from this list still runs, through ./...
TEST_FIRST := ./internal/cli ./internal/mock/epm ./internal/exchange ./suites ./internal/runner ./internal/report ./internal/ociimage
test: vet fmt-check
	$(GO) test -race -count=1 -vet=off -ldflags=-w -p 6 -timeout 15m $(TEST_FIRST) ./...

# Without -trimpath every build-cache entry of this module's own packages
# names the clone's directory, so a fresh clone compiles them all again
# (race-instrumented, plain for vet, plain for the command the tests run)
# although the cache holds the same code. -gcflags=all=-dwarf=false: the
# compiler writes no DWARF (debuggers' data, which -ldflags=-w drops at the
# link anyway; stack traces, test failures' lines and race reports come
# from the runtime's own tables): an eighth less CPU for every package
# compiled, about 30 s of a run with an empty build cache (BENCHMARKS.md,
# "The two commands"). Exported, so the go builds the tests start get both
# and find vet's compilations in the cache.
vet test: export GOFLAGS += -trimpath -gcflags=all=-dwarf=false

build:
	$(GO) build -o $(BIN) ./cmd/conformance

# CGO_ENABLED=0: the packages vet compiles are then the ones the tests'
# static builds of the command reuse (internal/cli's children, the
# container image's binary), one plain compilation of the tree instead of
# two when the build cache is empty. The race-instrumented tests need cgo
# and keep the default.
vet:
	CGO_ENABLED=0 $(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Runs every deviation over its whole scope and every harmless change over
# the whole suite, and rewrites internal/deviate/sensitivity.json and
# SENSITIVITY.md from what they found; `make test` checks both against it.
sensitivity:
	CONFORMANCE_SENSITIVITY_WRITE=1 $(GO) test -count=1 -timeout 30m -run '^TestSensitivity$$' ./internal/cli/

# Every benchmark, each figure next to its ceiling measured in the same run
# (BENCHMARKS.md); under 10 minutes on 2 cores.
bench:
	GO=$(GO) sh bench/run.sh

# Release tools, pinned; `go run` fetches and builds them through the Go
# module proxy, so a machine with Go needs nothing else.
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.17.0

# The four binaries (linux/amd64, linux/arm64, darwin/arm64, windows/amd64),
# archives and checksums.txt into dist/ (.goreleaser.yaml), then the
# container image, non-root and static, as an OCI layout in dist/image.
# Without a release tag on HEAD it is a snapshot named after the commit.
release:
	CONFORMANCE_COMMIT=$$(git rev-parse HEAD) CONFORMANCE_SHORT_COMMIT=$$(git rev-parse --short=7 HEAD) \
	$(GORELEASER) release --clean $$(git describe --exact-match --tags HEAD >/dev/null 2>&1 && echo --skip=publish || echo --snapshot)
	$(GO) run ./internal/ociimage/build --dist dist --out dist/image
	@cat dist/checksums.txt

clean:
	rm -rf bin dist reports/*.xml reports/*.json reports/*.yaml reports/*.html reports/*.md

# The whole suite under --procs 4 ten times over, every outcome compared
# with the first run's (make test runs it twice).
soak:
	CONFORMANCE_TEST_PROCS_REPEAT=10 $(GO) test -count=1 -timeout 30m -run '^TestProcsRunsAgree$$' -v ./internal/cli/
