#!/bin/sh
# The one release build of authsvc, shared by `make build`, `make build-fips`,
# Dockerfile and Dockerfile.fips, so that the image holds exactly the binary
# the tests check (deploy/container_test.go runs this script too).
#
#   scripts/build.sh OUT          static pure-Go binary (CGO_ENABLED=0)
#   scripts/build.sh --fips OUT   GOEXPERIMENT=boringcrypto, cgo, linked against glibc
#
# VERSION and REVISION come from the environment when set (a container build
# has no .git: pass them as build arguments), else from git (the Go build
# info's own VCS stamp misses git worktrees and is off under
# GOFLAGS=-buildvcs=false); without either, "devel" and "unknown".
set -eu

fips=0
if [ "${1:-}" = "--fips" ]; then fips=1; shift; fi
out=${1:?usage: scripts/build.sh [--fips] OUT}
GO=${GO:-go}
pkg=github.com/authsvc/authsvc/internal/buildinfo

if [ -z "${VERSION:-}" ]; then
	VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo devel)
fi
ldflags="-s -w -X $pkg.version=$VERSION"
if [ -z "${REVISION:-}" ] && REVISION=$(git rev-parse HEAD 2>/dev/null); then
	if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		REVISION=$REVISION-dirty
	fi
fi
if [ -n "${REVISION:-}" ]; then
	ldflags="$ldflags -X $pkg.revision=$REVISION"
fi

if [ "$fips" = 1 ]; then
	export CGO_ENABLED=1 GOEXPERIMENT=boringcrypto
else
	export CGO_ENABLED=0
fi
exec "$GO" build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/authsvc
