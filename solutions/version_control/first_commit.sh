# Stage everything the folder holds, then record it as one commit.
git add .
git commit -m "Create the bookshelf service"
