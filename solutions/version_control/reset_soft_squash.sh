# Move the branch back three commits, keeping their changes staged, and commit them as one.
git reset --soft HEAD~3
git commit -m "Search books by author"
