#!/usr/bin/env bash
# Runs the Python kit's tests (unittest) against a live `authsvc dev` built
# from this checkout. Called by `make test-python` (and so `make test`).
#
# The interpreter is $PYTHON when set, else the first of Debian's
# /usr/bin/python3 and python3 on PATH that imports grpc and
# google.protobuf: Debian's python3-grpcio and python3-protobuf are what the
# committed stubs are generated for (see generate.sh), and a pyenv or venv
# python3 on PATH usually does not see them. Without one the tests are
# skipped, saying so; with CI=true that is a failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

probe='import grpc, google.protobuf; print(grpc.__version__, google.protobuf.__version__)'
py="" versions=""
for cand in ${PYTHON:-/usr/bin/python3 python3}; do
	if versions="$("$cand" -c "$probe" 2>/dev/null)"; then
		py="$cand"
		break
	fi
done
if [ -z "$py" ]; then
	msg="no python3 that imports grpc and google.protobuf (tried ${PYTHON:-/usr/bin/python3 python3}; apt-get install python3-grpcio python3-protobuf)"
	if [ "${CI:-}" = true ]; then
		echo "clients/python: FAIL: $msg" >&2
		exit 1
	fi
	echo "clients/python: SKIPPED the Python kit's tests: $msg"
	exit 0
fi

# AUTHSVC_BIN: a binary make test built already (shared with the Node kit).
bin="${AUTHSVC_BIN:-}"
if [ -z "$bin" ]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$root" && "${GO:-go}" build -o "$tmp/authsvc" ./cmd/authsvc)
	bin="$tmp/authsvc"
fi
read -r grpc_v pb_v <<<"$versions"
echo "clients/python: the Python kit's tests with $py (grpcio $grpc_v, protobuf $pb_v)"
cd "$here"
AUTHSVC_BIN="$bin" PYTHONDONTWRITEBYTECODE=1 "$py" -m unittest discover -s tests -t .
