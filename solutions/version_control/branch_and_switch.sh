# The uncommitted work follows HEAD onto the new branch; commit it there.
git switch -c feature/login
git add src/login.rs src/main.rs
git commit -m "Add the login page"
