#!/usr/bin/env bash
# Batch builds on a generated rust-only pack: `backlings check` and
# `backlings dev check`, cold (empty exercises/target) and warm, beside bare
# cargo doing the same builds in the same run, with the target dir's size.
#
#   bench/rust_batch.sh [N]       N exercises (default 90), bench/gen_rust_pack.py
#   RUNS=3                        warm samples per measure (medians printed)
#   OLD_BIN=path                  also time that runner's dev check, on the
#                                 legacy manifest it reads (no `test = false`):
#                                 e.g. a build of the commit before the change
#
# Bare cargo for `check` is what the learner's check needs and no more: the
# test harnesses of the test-mode exercises (`cargo build --tests
# --keep-going`: the manifest marks the rest `test = false`) and the programs
# of the run-mode ones (`cargo build --keep-going --bin …`). Also shown: a
# plain `cargo build --keep-going --bin …` of every learner target.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-90}
RUNS=${RUNS:-3}
BIN=${BIN:-$ROOT/target/debug/backlings}
(cd "$ROOT" && cargo build --quiet 2>/dev/null || cargo build)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$ROOT/bench/gen_rust_pack.py" "$work/pack" "$N"
python3 "$ROOT/bench/gen_rust_pack.py" "$work/legacy" "$N" --legacy-manifest
pack=$work/pack

now() { date +%s.%N; }
# Seconds one command takes (its output and status are not the subject).
timed() { local s; s=$(now); "$@" >/dev/null 2>&1 || true; printf '%.2f' "$(echo "$(now) - $s" | bc)"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
size_mb() { du -sm "$1/exercises/target" | cut -f1; }
cold() { rm -rf "$1/exercises/target"; }

run_bins=$(python3 - "$pack" <<'PY'
import sys, tomllib
d = tomllib.load(open(sys.argv[1] + "/info.toml", "rb"))
print(" ".join("--bin " + e["name"] for e in d["exercises"] if e.get("rust", {}).get("mode") == "run"))
PY
)
all_bins=$(python3 - "$pack" <<'PY'
import sys, tomllib
d = tomllib.load(open(sys.argv[1] + "/info.toml", "rb"))
print(" ".join("--bin " + e["name"] for e in d["exercises"]))
PY
)
manifest=$pack/exercises/Cargo.toml
export CARGO_TARGET_DIR=$pack/exercises/target
bare_check() {
  cargo build --quiet --manifest-path "$manifest" --tests --keep-going
  # shellcheck disable=SC2086
  cargo build --quiet --manifest-path "$manifest" --keep-going $run_bins
}
bare_build_all() {
  # shellcheck disable=SC2086
  cargo build --quiet --manifest-path "$manifest" --keep-going $all_bins
}
check() { "$BIN" --pack "$pack" check --json; }
dev_check() { "$BIN" --pack "$pack" dev check --json; }

echo "pack: $N exercises ($(grep -c 'mode = "run"' "$pack/info.toml") of mode run), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| what | cold s | target dir MB | warm s (median of $RUNS) |"
echo "|---|---|---|---|"
row() {
  local label=$1; shift
  cold "$pack"; local c; c=$(timed "$@"); local mb; mb=$(size_mb "$pack")
  local w=(); for _ in $(seq "$RUNS"); do w+=("$(timed "$@")"); done
  echo "| $label | $c | $mb | $(median "${w[@]}") |"
}
row "bare cargo: the builds check needs" bare_check
row "backlings check" check
row "bare cargo build --bin (every learner target)" bare_build_all
row "backlings dev check" dev_check
# The figures mean something only if the verdicts are right.
"$BIN" --pack "$pack" dev check >/dev/null 2>&1 || echo "!! backlings dev check does not find the generated pack sound"
if [ -n "${OLD_BIN:-}" ]; then
  old_dev_check() { "$OLD_BIN" --pack "$work/legacy" dev check --json; }
  old_check() { "$OLD_BIN" --pack "$work/legacy" check --json; }
  pack=$work/legacy
  export CARGO_TARGET_DIR=$pack/exercises/target
  row "OLD_BIN check (legacy manifest)" old_check
  row "OLD_BIN dev check (legacy manifest)" old_dev_check
  "$OLD_BIN" --pack "$pack" dev check >/dev/null 2>&1 || echo "!! OLD_BIN dev check does not find the legacy pack sound"
fi
