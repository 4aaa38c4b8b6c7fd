#!/usr/bin/env bash
# Time from a fresh clone to the first exercise on screen with the README's
# command (`cargo run`), in a tmux pane. Run from the repository root; it
# clones the committed HEAD into a temp folder, so uncommitted work is not
# measured. The cargo registry cache of this machine is kept (the download of
# crates is the network's time, not ours); the build is cold.
set -euo pipefail
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)"; exit 2; }
repo=$(pwd)
work=$(mktemp -d)
trap 'tmux kill-session -t fresh 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$repo" "$work/backlings"
cd "$work/backlings"
start=$(date +%s.%N)
tmux new-session -d -s fresh -x 120 -y 50 "cargo run; sleep 600"
while ! tmux capture-pane -p -t fresh | grep -q "Edit:"; do
  sleep 0.2
  if (( $(echo "$(date +%s.%N) - $start > 900" | bc) )); then echo "no exercise on screen after 15 min"; exit 1; fi
done
on_screen=$(date +%s.%N)
printf 'clone → first exercise on screen: %.1f s\n' "$(echo "$on_screen - $start" | bc)"
# How long the background build of the exercise package then takes.
while tmux capture-pane -p -t fresh | grep -q "first build"; do sleep 0.5; done
printf 'clone → background build of the exercise package done: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
tmux send-keys -t fresh q
