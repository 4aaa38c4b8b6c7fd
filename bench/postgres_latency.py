#!/usr/bin/env python3
"""Per-check latency of SQL exercises on PostgreSQL beside SQLite, in the same
run, and the cost of the PostgreSQL cluster's first start.

1. Warm, per save, in watch mode: two watchers run in pseudo-terminals, one
   with `--sql-engine sqlite`, one with `--sql-engine postgres`, each on its
   own copy of tests/fixtures/postgres at exercise `both_engines` (the same
   query exercise on both engines, with a hidden fixture: four database
   loads per check). Round after round each gets a save (two wrong answers in
   turn, so every save changes the screen), timed from the write to the
   redraw showing the new verdict. The saves come 1 s apart, a learner's
   pace at the fastest, which gives PostgreSQL's clone worker its time.
2. Whole processes, with farm-bench when installed: `run both_engines` on
   PostgreSQL (server start + check + shutdown) against the same on SQLite;
   and a run that first makes the cluster (initdb) against one that finds it.

usage: bench/postgres_latency.py [ROUNDS]   (from the repository root, after
       `cargo build`; default 30 rounds)
"""
import os
import pathlib
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "backlings"
FIXTURE = ROOT / "tests" / "fixtures" / "postgres"
EXERCISE = "exercises/postgresql/both_engines.sql"
# Two wrong answers with different verdicts: each save changes the screen.
ANSWERS = [
    (b"SELECT name FROM products;\n", b"2 extra rows"),
    (b"SELECT name FROM products WHERE id = 1;\n", b"1 extra row"),
]


def fresh_pack(work, name):
    pack = pathlib.Path(work) / name
    shutil.copytree(FIXTURE, pack)
    (pack / ".backlings").mkdir()
    (pack / ".backlings" / "state.toml").write_text('version = 1\ncurrent = "both_engines"\n')
    return pack


class Watcher:
    def __init__(self, pack, engine):
        self.pack = pack
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["NO_COLOR"] = "1"
            os.environ["TERM"] = "xterm"
            os.execv(str(BIN), [str(BIN), "--pack", str(pack), "--sql-engine", engine])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        self.data = b""

    def wait_for(self, text, timeout=60):
        """Time at which a complete frame (not "checking") shows `text`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if not ready:
                continue
            self.data += os.read(self.fd, 65536)
            last = self.data.split(b"\x1b[H")[-1]
            if text in last and b"checking" not in last and last.endswith(b"\x1b[J"):
                self.data = b""
                return time.perf_counter()
        raise SystemExit(f"no verdict with {text!r} on screen; last bytes: {self.data[-300:]!r}")

    def stop(self):
        os.write(self.fd, b"q")
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def watch_rounds(work, rounds):
    packs = {e: fresh_pack(work, f"watch-{e}") for e in ("sqlite", "postgres")}
    watchers = {e: Watcher(p, e) for e, p in packs.items()}
    samples = {e: [] for e in watchers}
    try:
        for engine, w in watchers.items():
            w.wait_for(b"FAIL")
        for i in range(rounds):
            content, shows = ANSWERS[i % 2]
            for engine, w in watchers.items():
                path = packs[engine] / EXERCISE
                time.sleep(1.0)
                start = time.perf_counter()
                with open(path, "wb") as f:
                    f.write(content)
                samples[engine].append(w.wait_for(shows) - start)
    finally:
        for w in watchers.values():
            w.stop()
    return samples


def farm_bench(a, b, runs=15):
    if shutil.which("farm-bench") is None:
        return "farm-bench is not installed: skipped"
    out = subprocess.run(
        ["farm-bench", "-n", str(runs), "--timeout", "600", "--vs", b, "--", *a],
        capture_output=True, text=True)
    return out.stdout + out.stderr


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    if not BIN.exists():
        raise SystemExit("no target/debug/backlings: run `cargo build` first")
    with tempfile.TemporaryDirectory() as work:
        # As root the server runs as the postgres user, which must pass
        # through the folders above the pack (the runner refuses to change
        # folders outside the pack).
        os.chmod(work, 0o711)
        samples = watch_rounds(work, rounds)
        print(f"watch mode, save to verdict, {rounds} saves each, 1 s apart, exercise both_engines:")
        for engine, times in samples.items():
            ms = sorted(t * 1000 for t in times)
            print(f"  {engine:8}  median {statistics.median(ms):6.1f} ms   "
                  f"min {ms[0]:6.1f}   max {ms[-1]:6.1f}")
        warm = fresh_pack(work, "warm")
        first = fresh_pack(work, "first")
        run = [str(BIN), "--pack"]
        # The warm pack's cluster exists after one run.
        subprocess.run(run + [str(warm), "--sql-engine", "postgres", "run", "both_engines"],
                       capture_output=True)
        print("\nA = `run both_engines` on PostgreSQL (server start, check, shutdown), "
              "B = the same on SQLite:")
        print(farm_bench(run + [str(warm), "--sql-engine", "postgres", "run", "both_engines"],
                         f"{BIN} --pack {warm} --sql-engine sqlite run both_engines"))
        print("A = the same run on a pack without a cluster (initdb first), "
              "B = on a pack whose cluster exists:")
        print(farm_bench(
            ["sh", "-c", f"rm -rf '{first}/.backlings/postgres' && exec '{BIN}' --pack '{first}' "
                         "--sql-engine postgres run both_engines"],
            f"{BIN} --pack {warm} --sql-engine postgres run both_engines", runs=8))


if __name__ == "__main__":
    main()
