# The merge stops on the conflict (so `|| true`): write the resolved file, mark it, commit.
git merge feature/rate-limit || true
cat > config/app.toml <<'TOML'
[server]
host = "127.0.0.1"
port = 8080
workers = 8
rate_limit_per_minute = 120

[database]
url = "sqlite://bookshelf.db"
max_connections = 5
TOML
git add config/app.toml
git commit --no-edit
