# Match origin/main exactly (branch, index, tracked files), then delete the untracked leftovers.
git reset --hard origin/main
git clean -n
git clean -f
