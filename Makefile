# Pinned tool versions: `make generate` and `make lint` fetch them through the
# Go module proxy with `go run`, so a machine with only Go installed needs
# nothing else.
GO       ?= go
BUF      := $(GO) run github.com/bufbuild/buf/cmd/buf@v1.75.0

.PHONY: run test bench lint generate check-generated fuzz

## run: the service in dev mode with the embedded backend (no Clerk account needed).
run:
	$(GO) run ./cmd/authsvc dev

## test: the lint gate (gofmt, vet, buf lint/format, generated code current), then every test with the race detector.
test: lint
	$(GO) test -race -count=1 -timeout 8m ./...
	@$(MAKE) --no-print-directory test-python

## test-python: the Python kit's tests (clients/python) against a live authsvc dev; skipped, saying so, without a python3 that imports grpc (CI=true: a failure).
.PHONY: test-python
test-python:
	@GO="$(GO)" clients/python/test.sh

## bench: benchmarks with their baselines measured in the same run, then the ratios.
bench:
	$(GO) run ./internal/benchreport

## loadtest: capacity, latency and soak figures of the service on loopback, beside their targets (~4 min; SOAK=10m for longer).
.PHONY: loadtest
loadtest:
	$(GO) run ./internal/loadtest

## lint: gofmt, go vet, buf lint and buf format, and the generated code is current.
lint: check-generated
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'))" || (gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'); exit 1)
	$(GO) vet ./...
	$(BUF) lint
	$(BUF) format -d --exit-code

## generate: regenerate gen/ from proto/ with the pinned plugins, and the Python kit's stubs (clients/python/generate.sh: Debian's protoc 3.21.12, skipped without it).
generate:
	$(BUF) generate
	@clients/python/generate.sh

check-generated: generate
	@git diff --exit-code --stat -- gen/ || (echo "gen/ is stale: run make generate and commit"; exit 1)
	@test -z "$$(git status --porcelain -- gen/)" || (git status --porcelain -- gen/; echo "gen/ has files make generate does not produce"; exit 1)
	@git diff --exit-code --stat -- clients/python/authsvc_client/gen/ || (echo "clients/python/authsvc_client/gen/ is stale: run make generate and commit"; exit 1)
	@test -z "$$(git status --porcelain -- clients/python/authsvc_client/gen/)" || (git status --porcelain -- clients/python/authsvc_client/gen/; echo "clients/python/authsvc_client/gen/ has files make generate does not produce"; exit 1)
