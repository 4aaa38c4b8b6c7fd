#!/bin/sh
# Save-to-verdict latency of git checks: how long after a git command the
# learner waits for the verdict. Prints medians, and ratios against baselines
# measured in the same run on the same machine:
#   - one `git status` in the sandbox (the cost of a single git process);
#   - `backlings --version` (the runner starting, nothing else);
#   - `backlings list` (the runner starting and loading the pack, no check).
# The measurements are interleaved, one of each per round, so that a machine
# busy with other work slows all of them alike.
#
# Usage: bench/git_check.sh [ROUNDS]   (default 31; uses target/debug/backlings,
# or $BACKLINGS; build it first with `cargo build`)
set -eu
ROUNDS=${1:-31}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BACKLINGS:-$ROOT/target/debug/backlings}
[ -x "$BIN" ] || { echo "no $BIN: run \`cargo build\` first" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp -r "$ROOT/tests/fixtures/git/examples" "$TMP/examples"
cp -r "$ROOT/tests/fixtures/git/checks" "$TMP/checks"
export HOME="$TMP/home" NO_COLOR=1
mkdir -p "$HOME" "$TMP/times"
EXAMPLES="$TMP/examples"
CHECKS="$TMP/checks"
WORK="$EXAMPLES/.backlings/sandboxes/publish_feature/work"

now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Append the wall time (µs) of a command to times/NAME.
timed() {
    name=$1; shift
    start=$(now_us); "$@" >/dev/null 2>&1 || true; end=$(now_us)
    echo $((end - start)) >>"$TMP/times/$name"
}

# Append the check's own duration (ms), as `run --json` reports it, and the
# wall time of that whole process (µs).
checked() {
    name=$1 pack=$2 exercise=$3
    start=$(now_us)
    "$BIN" --pack "$pack" run "$exercise" --json >"$TMP/out.json" || true
    end=$(now_us)
    echo $((end - start)) >>"$TMP/times/$name.run"
    sed -n 's/.*"duration_ms": \([0-9]*\).*/\1/p' "$TMP/out.json" >>"$TMP/times/$name.check"
}

# Build the sandboxes once (setup is not part of a check).
"$BIN" --pack "$EXAMPLES" run publish_feature >/dev/null || true
"$BIN" --pack "$CHECKS" run all_pass >/dev/null || true
# Half-solved, so that some checks pass and some fail, as while learning.
git -C "$WORK" merge --quiet --no-ff --no-edit search

round=0
while [ $round -lt "$ROUNDS" ]; do
    timed status git -C "$WORK" status --porcelain=v2
    timed version "$BIN" --version
    timed list "$BIN" --pack "$EXAMPLES" list
    checked c13 "$EXAMPLES" publish_feature
    checked c39 "$CHECKS" all_pass
    # Setup, for scale (once per exercise, and on reset): 13 steps.
    timed reset "$BIN" --pack "$EXAMPLES" reset find_the_bug
    round=$((round + 1))
done

status=$(median "$TMP/times/status")
list=$(median "$TMP/times/list")
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

echo "git check latency, median of $ROUNDS interleaved rounds ($(git --version), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo "  baseline: one git status                   $(ms "$status")"
echo "  baseline: backlings --version (start)      $(ms "$(median "$TMP/times/version")")"
echo "  baseline: backlings list (start + load)    $(ms "$list")"
for n in 13 39; do
    check=$(median "$TMP/times/c$n.check")
    run=$(median "$TMP/times/c$n.run")
    echo "  $n checks: the check (duration_ms)         ${check} ms  = $(ratio $((check * 1000)) "$status") one git status"
    echo "  $n checks: backlings run, whole process    $(ms "$run")  = list + $(ms $((run - list)))"
done
echo "  setup: backlings reset (13 steps)          $(ms "$(median "$TMP/times/reset")")"
