# `git log --oneline release/1.1`: the fix is one below the branch's tip. Copy only it,
# recording where it came from (-x).
git switch main
git cherry-pick -x release/1.1~1
