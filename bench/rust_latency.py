#!/usr/bin/env python3
"""Per-save latency of a rust exercise: `backlings run NAME` against the bare
`cargo test --bin NAME` on the same incremental change, in the same run.

Each round appends a comment to the exercise file (so cargo must rebuild the
target), then times one of the two commands; the two alternate so that machine
noise hits both alike. The exercise file is restored at the end.

usage: bench/rust_latency.py [NAME] [ROUNDS]      (from the repository root,
       after `cargo build`; default: domain_types, 15 rounds)
"""
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "backlings"


def exercise_file(name):
    for line_no, line in enumerate((ROOT / "info.toml").read_text().splitlines()):
        if line.strip() == f'name = "{name}"':
            block = (ROOT / "info.toml").read_text().splitlines()[line_no:line_no + 8]
            for entry in block:
                if entry.strip().startswith("files"):
                    return ROOT / entry.split('"')[1]
    sys.exit(f"no exercise {name} in info.toml")


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "domain_types"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    path = exercise_file(name)
    original = path.read_bytes()
    bare = ["cargo", "test", "--quiet", "--manifest-path", "exercises/Cargo.toml", "--bin", name]
    runner = [str(BIN), "run", name]
    listing = [str(BIN), "list"]
    samples = {"bare": [], "runner": [], "start": []}
    try:
        # Warm both paths once (the first build is not what a save costs).
        timed(bare)
        timed(runner)
        for i in range(rounds * 2):
            path.write_bytes(original + f"\n// bench edit {i}\n".encode())
            which = "bare" if i % 2 == 0 else "runner"
            samples[which].append(timed(bare if which == "bare" else runner))
            if which == "runner":
                # The runner's own start (process + loading the pack), which
                # watch mode pays once, not per save.
                samples["start"].append(timed(listing))
    finally:
        path.write_bytes(original)
    bare_ms = statistics.median(samples["bare"]) * 1000
    runner_ms = statistics.median(samples["runner"]) * 1000
    print(f"exercise: {name}, rounds: {rounds} each")
    print(f"bare `cargo test --bin {name}`: median {bare_ms:.0f} ms")
    print(f"`backlings run {name}`:        median {runner_ms:.0f} ms")
    start_ms = statistics.median(samples["start"]) * 1000
    print(f"ratio runner/bare: {runner_ms / bare_ms:.2f} (runner adds {runner_ms - bare_ms:+.0f} ms)")
    print(f"runner start (`backlings list`): median {start_ms:.0f} ms")
    watch_ms = runner_ms - start_ms
    print(f"per save in watch mode (run minus start): {watch_ms:.0f} ms, ratio {watch_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
