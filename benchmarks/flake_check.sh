#!/bin/sh
# The test suite is not flaky under load: it passes RUNS times in a row (default 5) while
# another process keeps one core busy. Stops at the first failing run and exits with its code.
#
#   benchmarks/flake_check.sh            # 5 runs of `nox -s tests`
#   benchmarks/flake_check.sh 3 -- -x    # 3 runs; what follows -- goes to pytest
#
# The one-line equivalent (docs/testing.md):
#   (while :; do :; done) & busy=$!; for i in 1 2 3 4 5; do nox -s tests || break; done; kill $busy
set -u

runs=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    runs=$1
    shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

# The load: one busy loop at the same priority as the tests (not niced), for the whole check.
sh -c 'while :; do :; done' &
busy=$!
trap 'kill "$busy" 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

i=1
while [ "$i" -le "$runs" ]; do
    echo "flake check: run $i of $runs, one core kept busy (pid $busy)"
    nox -s tests -- "$@"
    code=$?
    if [ "$code" -ne 0 ]; then
        echo "flake check: run $i of $runs FAILED (exit $code)"
        exit "$code"
    fi
    i=$((i + 1))
done
echo "flake check: $runs of $runs runs passed with one core kept busy"
