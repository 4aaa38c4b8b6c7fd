# `git log --oneline` shows the cache commit just below the newest one: undo it
# with a new commit, then publish (a plain push: the history only grows).
git revert --no-edit HEAD~1
git push origin main
