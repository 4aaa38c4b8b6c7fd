#!/bin/sh
# Save-to-verdict latency of git checks: how long after a git command the
# learner waits for the verdict. Prints medians, and ratios against baselines
# measured in the same run on the same machine:
#   - one `git status` in the sandbox (the cost of a single git process);
#   - `backlings list` (the runner starting and loading the pack, no check).
#
# Usage: bench/git_check.sh [RUNS]   (default 31; uses target/debug/backlings,
# or $BACKLINGS; build it first with `cargo build`)
set -eu
RUNS=${1:-31}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BACKLINGS:-$ROOT/target/debug/backlings}
[ -x "$BIN" ] || { echo "no $BIN: run \`cargo build\` first" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp -r "$ROOT/tests/fixtures/git/examples" "$TMP/examples"
cp -r "$ROOT/tests/fixtures/git/checks" "$TMP/checks"
export HOME="$TMP/home" NO_COLOR=1
mkdir -p "$HOME"

now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Wall time of a command, in microseconds, RUNS times.
wall() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        start=$(now_us); "$@" >/dev/null 2>&1 || true; end=$(now_us)
        echo $((end - start)); i=$((i + 1))
    done
}

# The check's own duration, as `run --json` reports it (ms).
reported() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        "$BIN" --pack "$1" run "$2" --json | sed -n 's/.*"duration_ms": \([0-9]*\).*/\1/p'
        i=$((i + 1))
    done
}

# Build the sandboxes once (setup is not part of a check).
"$BIN" --pack "$TMP/examples" run publish_feature >/dev/null || true
"$BIN" --pack "$TMP/checks" run all_pass >/dev/null || true
# Half-solved, so that some checks pass and some fail, as while learning.
git -C "$TMP/examples/.backlings/sandboxes/publish_feature/work" merge --quiet --no-ff --no-edit search

status_us=$(cd "$TMP/examples/.backlings/sandboxes/publish_feature/work" && wall git status --porcelain=v2 | median)
list_us=$(wall "$BIN" --pack "$TMP/examples" list | median)
run13_us=$(wall "$BIN" --pack "$TMP/examples" run publish_feature --json | median)
check13_ms=$(reported "$TMP/examples" publish_feature | median)
run30_us=$(wall "$BIN" --pack "$TMP/checks" run all_pass --json | median)
# Setup, for scale (once per exercise, and on reset): 13 steps.
reset_us=$(wall "$BIN" --pack "$TMP/examples" reset find_the_bug | median)
check30_ms=$(reported "$TMP/checks" all_pass | median)

ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

echo "git check latency, median of $RUNS runs ($(git --version), $(nproc) cores)"
echo "  baseline: one git status                   $(ms "$status_us")"
echo "  baseline: backlings list (start + load)    $(ms "$list_us")"
echo "  13 checks: check alone (duration_ms)       ${check13_ms} ms  = $(ratio $((check13_ms * 1000)) "$status_us") one git status"
echo "  13 checks: backlings run, whole process    $(ms "$run13_us")  = list + $(ms $((run13_us - list_us)))"
echo "  30 checks: check alone (duration_ms)       ${check30_ms} ms  = $(ratio $((check30_ms * 1000)) "$status_us") one git status"
echo "  30 checks: backlings run, whole process    $(ms "$run30_us")  = list + $(ms $((run30_us - list_us)))"
echo "  setup: backlings reset (13 steps)          $(ms "$reset_us")"
