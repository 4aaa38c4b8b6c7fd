#!/usr/bin/env bash
# `backlings dev check` (one cargo build for every target, then the test
# programs run side by side) against the baseline it replaces: the same pack
# checked one exercise at a time, `backlings run NAME --json` in a loop.
#
#   bench/dev_check.sh [PACK_DIR]     default: the bundled pack
#   RUNS=5                            samples per measure (medians are printed)
#   SYNTHETIC=60                      instead, a generated pack of 60 std-only
#                                     rust exercises (dev init + dev new)
#   SKIP_REBUILT=1                    leave out the `rebuilt` state (a full pack
#                                     takes minutes per sample there)
#   FROM_SCRATCH=1                    also time one run of each from an empty
#                                     exercises/target (dependencies included)
#
# Three states of the exercise package's build:
#   warm     nothing changed since the last check;
#   rebuilt  every exercise and solution file touched: each target recompiles,
#            the dependencies are built already (an instructor after a pull);
#   scratch  exercises/target removed (FROM_SCRATCH=1; one sample each);
#   one      one exercise file touched: the instructor's edit-and-recheck loop.
# dev check does more than the loop: it checks every starter AND every
# solution, and lints the solutions with clippy; `run` checks one starter.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
BIN=${BIN:-$ROOT/target/debug/backlings}
# The runner's own warnings are not this script's subject; its errors are.
(cd "$ROOT" && cargo build --quiet 2>/dev/null || cargo build)

if [[ -n "${SYNTHETIC:-}" ]]; then
    PACK=$(mktemp -d)/pack
    trap 'rm -rf "$(dirname "$PACK")"' EXIT
    "$BIN" dev init "$PACK" --kind rust >/dev/null
    for i in $(seq 1 "$SYNTHETIC"); do
        "$BIN" --pack "$PACK" dev new "exercise_$i" --kind rust --stage basics >/dev/null
        sed -i 's/todo!("TODO(author): the reference solution")/request_line.split_whitespace().count()/' \
            "$PACK/solutions/basics/exercise_$i.rs"
    done
    echo "pack: $SYNTHETIC generated std-only rust exercises (+ the sample) in $PACK"
else
    PACK=$(cd "${1:-$ROOT}" && pwd)
    echo "pack: $PACK"
fi
# The exercises, from the runner itself (info.toml also has `name = ` lines
# inside http exchanges).
NAMES=$(NO_COLOR=1 "$BIN" --pack "$PACK" list | sed -n 's/^.*\(done\|pending\)  *[a-z]*  *\([a-z0-9_]*\)$/\2/p')
echo "machine: $(nproc) cores, $RUNS runs per measure (medians)"

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

dev_check() { "$BIN" --pack "$PACK" dev check --json >/dev/null 2>&1 || true; }
run_each() {
    for name in $NAMES; do
        "$BIN" --pack "$PACK" run "$name" --json >/dev/null 2>&1 || true
    done
}
touch_sources() {
    find "$PACK/exercises" "$PACK/solutions" -name '*.rs' -not -path '*/target/*' -exec touch {} +
}

# time_it PREPARE COMMAND: RUNS samples of COMMAND, PREPARE before each.
time_it() {
    local prepare=$1 command=$2
    for _ in $(seq 1 "$RUNS"); do
        $prepare
        local start end
        start=$(now)
        $command
        end=$(now)
        echo "$end - $start" | bc
    done | median
}
nothing() { :; }
scratch() { rm -rf "$PACK/exercises/target"; }

# dev check makes a check per starter and per solution; the loop one per exercise.
CHECKS=$("$BIN" --pack "$PACK" dev check --json 2>/dev/null | sed -n 's/^ *"checks": \([0-9]*\).*/\1/p' || true)
EXERCISES=$(echo "$NAMES" | wc -l)
echo "dev check: $CHECKS checks; run loop: $EXERCISES checks"
report() {
    local label=$1 batch=$2 loop=$3
    printf '%-8s dev check %7.2f s (%5.1f ms/check)   run loop %7.2f s (%5.1f ms/check)   loop / dev check: %4.1fx total, %4.1fx per check\n' \
        "$label" "$batch" "$(echo "1000 * $batch / $CHECKS" | bc -l)" \
        "$loop" "$(echo "1000 * $loop / $EXERCISES" | bc -l)" \
        "$(echo "$loop / $batch" | bc -l)" "$(echo "($loop / $EXERCISES) / ($batch / $CHECKS)" | bc -l)"
}

if [[ -n "${FROM_SCRATCH:-}" ]]; then
    RUNS_SAVED=$RUNS
    RUNS=1
    report scratch "$(time_it scratch dev_check)" "$(time_it scratch run_each)"
    RUNS=$RUNS_SAVED
fi
dev_check # warm up: the first build of the dependencies is not the subject
run_each
if [[ -z "${SKIP_REBUILT:-}" ]]; then
    report rebuilt "$(time_it touch_sources dev_check)" "$(time_it touch_sources run_each)"
fi
report warm "$(time_it nothing dev_check)" "$(time_it nothing run_each)"
# The instructor's loop: one exercise edited, the whole pack re-proven.
FIRST_RS=$(find "$PACK/exercises" -name '*.rs' -not -path '*/target/*' | sort | head -1)
if [[ -n "$FIRST_RS" ]]; then
    touch_one() { touch "$FIRST_RS"; }
    printf '%-8s dev check %7.2f s (one file touched: %s)\n' one "$(time_it touch_one dev_check)" \
        "${FIRST_RS#"$PACK"/}"
fi
