# Ignore the build folder and the secrets, then untrack .env (the file stays on disk).
printf 'target/\n.env\n' >> .gitignore
git rm --cached .env
git add .gitignore
git commit -m "Stop tracking .env and ignore build output"
