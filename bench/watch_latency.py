#!/usr/bin/env python3
"""Per-save latency in watch mode, for in-place and rename-style saves, against
the bare `cargo test --bin NAME` of the same change, in the same run; and the
watcher's idle memory.

The watcher runs in a pseudo-terminal (80x24) on exercise NAME (a rust
exercise whose starter fails). Each round appends a comment to the exercise's
file — in place (open, truncate, write: `cp`, most IDEs' "safe write" off) or
by writing a temp file and renaming it over (vim's and most editors'
default) — and times from the write to the screen's new verdict; it also
counts the "checking" frames drawn for that save (one check per save: 1).
The bare cargo call of the same kind of change alternates with the watcher's
rounds (the watcher stopped with SIGSTOP meanwhile), so machine noise hits
both alike. The exercise file is restored.

usage: bench/watch_latency.py [NAME] [ROUNDS]   (from the repository root,
       after `cargo build` and one build of the exercise package;
       default: domain_types, 15 rounds)
"""
import os
import pathlib
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import fcntl
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "backlings"
VERDICT = re.compile(rb"(FAIL|PASS|ERROR|TIMEOUT) ")


def exercise_file(name):
    lines = (ROOT / "info.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip() == f'name = "{name}"':
            for entry in lines[i:i + 8]:
                if entry.strip().startswith("files"):
                    return ROOT / entry.split('"')[1]
    sys.exit(f"no exercise {name} in info.toml")


class Watcher:
    def __init__(self, name):
        state = ROOT / ".backlings" / "state.toml"
        self.saved_state = state.read_bytes() if state.exists() else None
        state.parent.mkdir(exist_ok=True)
        state.write_text(f'version = 1\ncurrent = "{name}"\n')
        self.state = state
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["NO_COLOR"] = "1"
            os.environ["TERM"] = "xterm"
            os.execv(str(BIN), [str(BIN), "--pack", str(ROOT)])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def read_until_verdict(self, timeout=120):
        """Bytes until a redraw that shows a verdict and no "checking"."""
        data = b""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            data += chunk
            # A frame starts with the cursor home sequence.
            frames = data.split(b"\x1b[H")
            last = frames[-1]
            if VERDICT.search(last) and b"checking" not in last and last.endswith(b"\x1b[J"):
                # Checks shown: runs of "checking" frames between verdicts
                # (a check cancelled for a newer save and restarted is one run).
                runs, inside = 0, False
                for frame in frames:
                    checking = b"checking" in frame
                    runs += checking and not inside
                    inside = checking
                return time.perf_counter(), runs
        raise SystemExit("no verdict on screen")

    def rss_kb(self):
        status = pathlib.Path(f"/proc/{self.pid}/status").read_text()
        fields = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return fields["VmRSS"], fields["RssAnon"], fields["RssFile"]

    def stop(self):
        os.write(self.fd, b"q")
        time.sleep(0.5)
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        if self.saved_state is None:
            self.state.unlink()
        else:
            self.state.write_bytes(self.saved_state)


def save(path, content, rename):
    if rename:
        temp = path.with_name("." + path.name + ".bench~")
        temp.write_bytes(content)
        os.rename(temp, path)
    else:
        with open(path, "wb") as f:
            f.write(content)


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "domain_types"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    path = exercise_file(name)
    original = path.read_bytes()
    bare = ["cargo", "test", "--quiet", "--manifest-path", "exercises/Cargo.toml", "--bin", name]
    samples = {"bare": [], "in place": [], "rename": []}
    frames = {"in place": [], "rename": []}
    watcher = Watcher(name)
    try:
        watcher.read_until_verdict()
        time.sleep(2)
        idle = watcher.rss_kb()
        counter = 0
        for _ in range(rounds):
            for kind in ("bare", "in place", "rename"):
                counter += 1
                content = original + f"\n// bench save {counter}\n".encode()
                if kind == "bare":
                    # The watcher is stopped meanwhile (its inotify events wait
                    # in the kernel), so cargo alone builds this change.
                    os.kill(watcher.pid, signal.SIGSTOP)
                    save(path, content, rename=False)
                    start = time.perf_counter()
                    subprocess.run(bare, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    samples[kind].append(time.perf_counter() - start)
                    os.kill(watcher.pid, signal.SIGCONT)
                    watcher.read_until_verdict()
                    continue
                start = time.perf_counter()
                save(path, content, rename=(kind == "rename"))
                end, checking = watcher.read_until_verdict()
                samples[kind].append(end - start)
                frames[kind].append(checking)
    finally:
        path.write_bytes(original)
        watcher.stop()
    base = statistics.median(samples["bare"])
    print(f"exercise {name}, {rounds} rounds, medians:")
    for kind, values in samples.items():
        median = statistics.median(values)
        extra = ""
        if kind in frames:
            extra = f"  checks shown per save: median {statistics.median(frames[kind]):.0f}, max {max(frames[kind])}"
        print(f"  {kind:9} {median * 1000:7.0f} ms  ratio {median / base:.2f}{extra}")
    print(f"idle memory: VmRSS {idle[0]} (anonymous {idle[1]}, file-backed {idle[2]})")


if __name__ == "__main__":
    main()
