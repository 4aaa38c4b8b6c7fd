# The push is rejected: origin has a commit we lack. Replay ours on top of it, then push.
git push origin main || true
git pull --rebase origin main
git push origin main
