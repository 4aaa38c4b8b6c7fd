# `git log --oneline`: the approved commit is one below the tip. Tag it, not HEAD,
# then push the tag by name (pushing a branch does not send tags).
git tag -a v1.2.0 -m "Release 1.2.0" HEAD~1
git push origin v1.2.0
