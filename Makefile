# Pinned tool versions: `make generate` and `make lint` fetch them through the
# Go module proxy with `go run`, so a machine with only Go installed needs
# nothing else.
GO       ?= go
BUF      := $(GO) run github.com/bufbuild/buf/cmd/buf@v1.75.0

.PHONY: run test bench lint generate check-generated fuzz build build-fips

## build: bin/authsvc, static (CGO_ENABLED=0), -trimpath, version and commit stamped (scripts/build.sh, as the Dockerfile).
build:
	scripts/build.sh bin/authsvc

## build-fips: bin/authsvc-fips with GOEXPERIMENT=boringcrypto (cgo, needs gcc; linked against glibc).
build-fips:
	scripts/build.sh --fips bin/authsvc-fips

## run: the service in dev mode with the embedded backend (no Clerk account needed).
run:
	$(GO) run ./cmd/authsvc dev

## test: the lint gate (gofmt, vet, buf lint/format, generated code current), then every test with the race detector.
test: lint
	$(GO) test -race -count=1 -timeout 8m ./...

## bench: benchmarks with their baselines measured in the same run, then the ratios.
bench:
	$(GO) run ./internal/benchreport

## lint: gofmt, go vet, buf lint and buf format, and the generated code is current.
lint: check-generated
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'))" || (gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'); exit 1)
	$(GO) vet ./...
	$(BUF) lint
	$(BUF) format -d --exit-code

## generate: regenerate gen/ from proto/ with the pinned plugins.
generate:
	$(BUF) generate

check-generated: generate
	@git diff --exit-code --stat -- gen/ || (echo "gen/ is stale: run make generate and commit"; exit 1)
	@test -z "$$(git status --porcelain -- gen/)" || (git status --porcelain -- gen/; echo "gen/ has files make generate does not produce"; exit 1)
