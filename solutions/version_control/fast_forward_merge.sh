# main has not moved since the branch started: only move the label forward.
git switch main
git merge --ff-only feature/search
