#!/usr/bin/env bash
# Runs every fuzz target of the module for N executions each (default
# 1000000), two targets at a time with one worker each, and prints one line
# per target: package, target, executions, seconds, result.
# Usage: scripts/fuzz-all.sh [N] [package patterns…, e.g. ./verifier/...]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
shift || true
patterns=("${@:-./...}")
log=${FUZZ_LOG_DIR:-$(mktemp -d)}
run() {
	local dir=$1 name=$2
	local out="$log/$(basename "$dir")-$name.log"
	local start=$SECONDS
	if (cd "$dir" && go test -run '^$' -fuzz "^${name}\$" -fuzztime "${n}x" -parallel 1 . >"$out" 2>&1); then
		res=ok
	else
		res=FAIL
	fi
	execs=$(grep -o 'execs: [0-9]*' "$out" | tail -1 | grep -o '[0-9]*')
	printf '%-40s %-26s %10s execs %5ds %s\n' "${dir#$PWD/}" "$name" "${execs:-?}" $((SECONDS - start)) "$res"
}
jobs=()
for dir in $(go list -f '{{.Dir}}' "${patterns[@]}"); do
	for name in $(grep -h -o '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		run "$dir" "$name" &
		jobs+=($!)
		if (( ${#jobs[@]} >= 2 )); then wait "${jobs[0]}"; jobs=("${jobs[@]:1}"); fi
	done
done
wait
echo "logs in $log"
