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

## generate: regenerate gen/ from proto/ with the pinned plugins.
generate:
	$(BUF) generate

check-generated: generate
	@git diff --exit-code --stat -- gen/ || (echo "gen/ is stale: run make generate and commit"; exit 1)
	@test -z "$$(git status --porcelain -- gen/)" || (git status --porcelain -- gen/; echo "gen/ has files make generate does not produce"; exit 1)

## test-node: the Node kit's tests (clients/node) against a live `authsvc dev`; skipped with a line when node/npm are missing, a failure under CI=true.
.PHONY: test-node generate-node check-generated-node
test: test-node
NODE_OK = command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'
test-node:
	@if { $(NODE_OK); }; then \
		cd clients/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test; \
	elif [ "$$CI" = true ]; then \
		echo "test-node: FAIL: clients/node needs Node.js >= 20 and npm, required with CI=true"; exit 1; \
	else \
		echo "test-node: SKIPPED: clients/node needs Node.js >= 20 and npm (not found)"; \
	fi

## generate-node: regenerate clients/node/src/gen/ when clients/node/node_modules holds the pinned protoc-gen-es.
generate: generate-node
generate-node:
	@if [ -x clients/node/node_modules/.bin/protoc-gen-es ]; then $(BUF) generate --template buf.gen.node.yaml; \
	else echo "generate: clients/node/src/gen/ not regenerated (run npm ci in clients/node first)"; fi

check-generated: check-generated-node
check-generated-node: generate-node
	@git diff --exit-code --stat -- clients/node/src/gen/ || (echo "clients/node/src/gen/ is stale: run make generate and commit"; exit 1)
	@test -z "$$(git status --porcelain -- clients/node/src/gen/)" || (git status --porcelain -- clients/node/src/gen/; echo "clients/node/src/gen/ has files make generate does not produce"; exit 1)
