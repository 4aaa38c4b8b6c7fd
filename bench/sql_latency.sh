#!/usr/bin/env bash
# Save-to-verdict latency of SQL exercises, split into process start and check.
#
#   bench/sql_latency.sh [BACKLINGS_BINARY] [RUNS]
#
# Default binary: target/debug/backlings, what `cargo run` gives a learner.
# Every command runs against a copy of the fixture pack tests/fixtures/sql.
# The baseline is `list` on the same pack (process start + info.toml + progress),
# measured in the same run; "check" is a command's median minus that baseline.
# Uses hyperfine when installed, else a plain loop. Prints medians in ms.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/target/debug/backlings}")
runs=${2:-60}
[ -x "$bin" ] || { echo "no binary at $bin: run \`cargo build\` first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/tests/fixtures/sql" "$work/pack"
pack=$work/pack
ex=$pack/exercises/databases
cp "$pack/solutions/databases/big_spenders.sql" "$ex/"
cp "$pack/solutions/databases/transfer.sql" "$ex/"
# A wrong answer: the failure path builds a diff table.
echo "UPDATE products SET stock = stock + 10;" > "$ex/restock.sql"
"$bin" --pack "$pack" list > /dev/null # the first run snapshots the starters

names=(
  "process start (--version)"
  "baseline: list (start + pack load)"
  "run big_spenders (query, pass, 2 fixtures)"
  "run restock (statements, fail, diff table)"
  "run transfer (statements, pass, 2 fixtures + 2 no_partial_write)"
)
commands=(
  "$bin --version"
  "$bin --pack $pack list"
  "$bin --pack $pack run big_spenders"
  "$bin --pack $pack run restock"
  "$bin --pack $pack run transfer"
)

medians=()
if command -v hyperfine > /dev/null; then
  args=()
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
  NO_COLOR=1 hyperfine -N -i --style none --warmup 5 --runs "$runs" \
    --export-json "$work/result.json" "${args[@]}" > /dev/null 2> "$work/hyperfine.log"
  while read -r m; do medians+=("$m"); done < <(
    python3 -c 'import json,sys; [print(r["median"]*1000) for r in json.load(open(sys.argv[1]))["results"]]' \
      "$work/result.json")
  tool="hyperfine $(hyperfine --version | cut -d' ' -f2), $runs runs, 5 warm-up"
else
  for cmd in "${commands[@]}"; do
    times=()
    for _ in $(seq 5); do NO_COLOR=1 $cmd > /dev/null 2>&1 || true; done
    for _ in $(seq "$runs"); do
      start=$(date +%s%N)
      NO_COLOR=1 $cmd > /dev/null 2>&1 || true
      times+=($(( $(date +%s%N) - start )))
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1e6}')
    medians+=("$median")
  done
  tool="shell loop, $runs runs, 5 warm-up"
fi

echo "SQL check latency — $(basename "$bin") at ${bin#"$root"/}; $tool; $(nproc) cores"
printf '%-66s %9s %9s %8s\n' "command" "median" "check" "ratio"
base=${medians[1]}
for i in "${!names[@]}"; do
  check=$(awk -v m="${medians[$i]}" -v b="$base" 'BEGIN { d = m - b; if (d < 0) d = 0; printf "%.1f ms", d }')
  ratio=$(awk -v m="${medians[$i]}" -v b="$base" 'BEGIN { printf "%.2fx", m / b }')
  [ "$i" -le 1 ] && check="-"
  printf '%-66s %6.1f ms %9s %8s\n' "${names[$i]}" "${medians[$i]}" "$check" "$ratio"
done
