# Replay the branch's two commits on top of the current main.
git switch feature/pagination
git rebase main
