#!/usr/bin/env bash
# Save-to-verdict latency of http checks, beside the bare `cargo build` of the
# same change. For each server: append a comment to its file (a save), time
# `backlings run NAME` (incremental build + start + exchanges + stop), append
# another comment, time `cargo build --bin NAME`. Prints medians and ratios.
#
#   bench/http.sh [ROUNDS]      (default 10; run from anywhere)
#
# Works in a scratch copy of tests/fixtures/http under $TMPDIR, with axum,
# tokio, serde and serde_json added to its exercise package for the axum row
# (the first run builds them: a few minutes on 2 cores).
set -euo pipefail

ROUNDS=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${TMPDIR:-/tmp}/backlings-bench-http
# The runner as a learner gets it from `cargo run`: a debug build.
BACKLINGS=$ROOT/target/debug/backlings

(cd "$ROOT" && cargo build --quiet)

# Keep the build output between runs (the axum dependencies take minutes).
mkdir -p "$SCRATCH"
rm -rf "$SCRATCH/.backlings"
(cd "$ROOT/tests/fixtures/http" && tar cf - --exclude=exercises/target --exclude=bad_spec .) | (cd "$SCRATCH" && tar xf -)
cp "$ROOT/bench/http/axum_items.rs" "$SCRATCH/exercises/faults/axum_items.rs"
cp "$SCRATCH/solutions/servers/hello_raw.rs" "$SCRATCH/exercises/servers/hello_raw.rs"
cp "$SCRATCH/solutions/apis/notes_api.rs" "$SCRATCH/exercises/apis/notes_api.rs"
python3 - "$SCRATCH" <<'PY'
import sys, pathlib
root = pathlib.Path(sys.argv[1])
cargo = root / "exercises/Cargo.toml"
text = cargo.read_text().replace("[profile.dev]", """[dependencies]
axum = "0.8"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "signal", "time", "sync"] }

[profile.dev.package."*"]
opt-level = 3

[profile.dev]""")
cargo.write_text(text + '\n[[bin]]\nname = "axum_items"\npath = "faults/axum_items.rs"\n')
info = root / "info.toml"
spec = info.read_text().split('name = "items_ok"')[1].split("[[exercises]]")[0]
info.write_text(info.read_text() + '\n[[exercises]]\nname = "axum_items"' + spec.replace("items_ok.rs", "axum_items.rs"))
PY

now_ms() { date +%s%3N; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

save() { echo "// bench save $RANDOM$RANDOM" >> "$1"; }

bench() {
    local name=$1 file=$SCRATCH/exercises/$2 checks=() builds=()
    "$BACKLINGS" --pack "$SCRATCH" run "$name" --json > /dev/null || {
        echo "$name does not pass; fix the scratch pack first" >&2
        exit 1
    }
    for _ in $(seq "$ROUNDS"); do
        save "$file"
        local t0; t0=$(now_ms)
        "$BACKLINGS" --pack "$SCRATCH" run "$name" --json > /dev/null
        checks+=($(($(now_ms) - t0)))
        save "$file"
        t0=$(now_ms)
        cargo build --quiet --manifest-path "$SCRATCH/exercises/Cargo.toml" --bin "$name"
        builds+=($(($(now_ms) - t0)))
    done
    local check build
    check=$(printf '%s\n' "${checks[@]}" | median)
    build=$(printf '%s\n' "${builds[@]}" | median)
    printf '%-44s %8s ms %8s ms %8s ms %6s\n' "$name ($3)" "$check" "$build" "$((check - build))" \
        "$(awk -v a="$check" -v b="$build" 'BEGIN { printf "%.2f", a / b }')"
}

echo "medians of $ROUNDS saves; machine: $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-44s %11s %11s %11s %6s\n' "server" "check" "cargo build" "difference" "ratio"
bench items_ok faults/items_ok.rs "std::net, 3 exchanges"
bench hello_raw servers/hello_raw.rs "std::net raw, 7 exchanges"
bench notes_api apis/notes_api.rs "std::net + unit tests, 14 req."
bench axum_items faults/axum_items.rs "axum, 3 exchanges"

# An exercise with unit tests needs its program and its test harness: two cargo
# calls, since one cannot build both for one bin (`--bin X --tests` builds every
# bin's harness). What the second call costs, after a save:
time_cargo() {
    local file=$SCRATCH/exercises/apis/notes_api.rs samples=()
    for _ in $(seq "$ROUNDS"); do
        save "$file"
        local t0; t0=$(now_ms)
        "$@"
        samples+=($(($(now_ms) - t0)))
    done
    printf '%s\n' "${samples[@]}" | median
}
manifest=(--quiet --manifest-path "$SCRATCH/exercises/Cargo.toml")
echo
printf '%-48s %8s ms\n' "notes_api: cargo build --bin" "$(time_cargo cargo build "${manifest[@]}" --bin notes_api)"
printf '%-48s %8s ms\n' "notes_api: cargo test --no-run --bin" "$(time_cargo cargo test --no-run "${manifest[@]}" --bin notes_api)"
printf '%-48s %8s ms\n' "notes_api: both, one after the other" \
    "$(time_cargo sh -c 'cargo build "$@" --bin notes_api && cargo test --no-run "$@" --bin notes_api' sh "${manifest[@]}")"
