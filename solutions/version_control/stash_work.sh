# Put the half-done work aside (-u: the new file too) and fix main on a clean tree.
git stash push -u -m "reviews: work in progress"
git switch main
cat > config/app.toml <<'TOML'
[server]
host = "127.0.0.1"
port = 8080

[database]
url = "postgres://bookshelf@localhost/bookshelf"
max_connections = 20
TOML
git commit -am "Raise the database pool to 20 connections"
# Back to the feature, with the work restored and the stash entry dropped.
git switch feature/reviews
git stash pop
