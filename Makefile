# Pinned tool versions: `make generate` and `make lint` build them once with
# the Go toolchain into $(TOOLS) (one binary per version, reused by every later
# run and by parallel jobs), so a machine with only Go installed needs nothing
# else. Delete $(TOOLS) to rebuild them.
GO          ?= go
TOOLS       ?= $(CURDIR)/.tools
BUF_VERSION := v1.75.0
BUF         := $(TOOLS)/buf-$(BUF_VERSION)

.PHONY: run test bench lint generate check-generated fuzz build build-fips image
.PHONY: test-go test-deploy test-python lint-gofmt lint-vet lint-buf lint-buf-format loadtest

## run: the service in dev mode with the embedded backend (no Clerk account needed).
run:
	$(GO) run ./cmd/authsvc dev

## test: the lint gate (gofmt, vet, buf lint/format, generated code current), every test with the race detector, the deployment checks (deploy/) and the client kits' tests, run side by side.
test:
	@$(MAKE) --no-print-directory -j4 --output-sync=target lint test-go test-deploy test-python test-node

test-go:
	$(GO) test -race -count=1 -timeout 8m ./...

# deploy/ is its own module (Kubernetes types, kustomize): manifests decoded
# strictly, the overlay rendered, the Dockerfile's build run and its binary
# checked static. No -race: these tests share no state between goroutines,
# and the race build of k8s.io/api would only make the gate slower.
test-deploy: lint-vet
	cd deploy && $(GO) vet ./... && $(GO) test -count=1 -timeout 8m ./...

## test-python: the Python kit's tests (clients/python) against a live authsvc dev; skipped, saying so, without a python3 that imports grpc (CI=true: a failure).
test-python: test-bin
	@GO="$(GO)" AUTHSVC_BIN=$(TESTBIN) clients/python/test.sh

# test-bin is the authsvc binary the client kits' tests run, built once and in
# the configuration lint-vet already compiled (CGO_ENABLED=0, -trimpath), so a
# cold make test compiles the dependencies once for it, vet and deploy/'s image
# build together instead of once each.
TESTBIN := $(TOOLS)/authsvc-test
.PHONY: test-bin
test-bin: lint-vet
	@mkdir -p $(TOOLS)
	CGO_ENABLED=0 $(GO) build -trimpath -o $(TESTBIN) ./cmd/authsvc

## build: bin/authsvc, static (CGO_ENABLED=0), -trimpath, version and commit stamped (scripts/build.sh, as the Dockerfile).
build:
	scripts/build.sh bin/authsvc

## build-fips: bin/authsvc-fips with GOEXPERIMENT=boringcrypto (cgo, needs gcc; linked against glibc).
build-fips:
	scripts/build.sh --fips bin/authsvc-fips

## image: the container image authsvc:$(VERSION) (needs a Docker daemon); FIPS=1 builds Dockerfile.fips.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
image:
	docker build -f Dockerfile$(if $(FIPS),.fips) --build-arg VERSION=$(VERSION) \
		--build-arg REVISION=$(shell git rev-parse HEAD 2>/dev/null) -t authsvc:$(VERSION)$(if $(FIPS),-fips) .

## bench: benchmarks with their baselines measured in the same run, then the ratios (the FIPS row needs cgo).
bench:
	$(GO) run ./internal/benchreport

## loadtest: capacity, latency and soak figures of the service on loopback, beside their targets (~4 min; SOAK=10m for longer).
loadtest:
	$(GO) run ./internal/loadtest

## lint: gofmt, go vet, buf lint and buf format, and the generated code is current (in parallel under make -j).
lint: lint-gofmt lint-vet lint-buf lint-buf-format check-generated

lint-gofmt:
	@test -z "$$(gofmt -l . | grep -v '^gen/')" || (gofmt -l . | grep -v '^gen/'; exit 1)

# vet with the release build's settings (CGO_ENABLED=0, -trimpath; the module
# has no cgo files, so no check is lost): the packages it compiles are then the
# ones scripts/build.sh links, and deploy/'s image build test reuses them from
# the build cache instead of compiling everything a third time.
lint-vet:
	CGO_ENABLED=0 $(GO) vet -trimpath ./...

lint-buf: $(BUF)
	$(BUF) lint

lint-buf-format: $(BUF)
	$(BUF) format -d --exit-code

## generate: regenerate gen/ from proto/ with the pinned plugins, and the Python kit's stubs (clients/python/generate.sh: Debian's protoc 3.21.12, skipped without it).
generate: $(BUF)
	$(BUF) generate
	@clients/python/generate.sh

# check-generated generates into a temporary folder and compares it with gen/,
# so it needs no .git (a source archive) and never rewrites gen/ under a
# parallel compile.
check-generated: $(BUF)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BUF) generate -o "$$tmp" && \
	{ diff -r gen "$$tmp/gen" >"$$tmp/diff" || { cat "$$tmp/diff"; \
	  echo "gen/ differs from what make generate produces from proto/ (\"Only in gen\": a file it does not produce): run make generate and commit"; exit 1; }; } && \
	PY_GEN_OUT="$$tmp/pygen" clients/python/generate.sh && \
	{ [ ! -d "$$tmp/pygen" ] || diff -r clients/python/authsvc_client/gen "$$tmp/pygen" >"$$tmp/pydiff" || { cat "$$tmp/pydiff"; \
	  echo "clients/python/authsvc_client/gen/ differs from what make generate produces: run make generate and commit"; exit 1; }; } && \
	if [ -x clients/node/node_modules/.bin/protoc-gen-es ]; then \
	  $(BUF) generate --template buf.gen.node.yaml -o "$$tmp/node" && \
	  { diff -r clients/node/src/gen "$$tmp/node/clients/node/src/gen" >"$$tmp/nodediff" || { cat "$$tmp/nodediff"; \
	    echo "clients/node/src/gen/ differs from what make generate produces: run make generate and commit"; exit 1; }; }; \
	elif [ "$$CI" = true ]; then echo "check-generated: clients/node/node_modules is missing (npm ci in clients/node), required with CI=true"; exit 1; \
	else echo "check-generated: clients/node/src/gen/ not checked (run npm ci in clients/node first)"; fi

# buf: when clients/node's npm devDependencies hold buf's release binary of
# the pinned version (CI's .ci/run runs npm ci first), that binary is used;
# otherwise buf is built from source with the Go toolchain, which costs a cold
# machine about 5 CPU-minutes, a quarter of a cold make test.
$(BUF):
	@mkdir -p $(TOOLS)
	@case "$$($(GO) env GOOS)-$$($(GO) env GOARCH)" in \
	  linux-amd64) plat=linux-x64;; linux-arm64) plat=linux-aarch64;; \
	  darwin-amd64) plat=darwin-x64;; darwin-arm64) plat=darwin-arm64;; *) plat=none;; esac; \
	npmbuf=clients/node/node_modules/@bufbuild/buf-$$plat/bin/buf; \
	if [ -x "$$npmbuf" ] && [ "$$("$$npmbuf" --version 2>/dev/null)" = "$(BUF_VERSION:v%=%)" ]; then \
	  cp "$$npmbuf" $@ && echo "buf $(BUF_VERSION): the release binary from clients/node/node_modules"; \
	else \
	  echo "buf $(BUF_VERSION): building from source (no matching release binary in clients/node/node_modules)"; \
	  GOBIN=$(TOOLS)/.build-buf-$(BUF_VERSION) $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION) && \
	  mv $(TOOLS)/.build-buf-$(BUF_VERSION)/buf $@ && rmdir $(TOOLS)/.build-buf-$(BUF_VERSION); \
	fi

## test-node: the Node kit's tests (clients/node) against a live `authsvc dev`; skipped with a line when node/npm are missing, a failure under CI=true.
.PHONY: test-node generate-node
NODE_OK = command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'
test-node: test-bin
	@if { $(NODE_OK); }; then \
		cd clients/node && { [ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts; } && AUTHSVC_BIN=$(TESTBIN) npm test; \
	elif [ "$$CI" = true ]; then \
		echo "test-node: FAIL: clients/node needs Node.js >= 20 and npm, required with CI=true"; exit 1; \
	else \
		echo "test-node: SKIPPED: clients/node needs Node.js >= 20 and npm (not found)"; \
	fi

## generate-node: regenerate clients/node/src/gen/ when clients/node/node_modules holds the pinned protoc-gen-es.
generate: generate-node
generate-node: $(BUF)
	@if [ -x clients/node/node_modules/.bin/protoc-gen-es ]; then $(BUF) generate --template buf.gen.node.yaml; \
	else echo "generate: clients/node/src/gen/ not regenerated (run npm ci in clients/node first)"; fi

