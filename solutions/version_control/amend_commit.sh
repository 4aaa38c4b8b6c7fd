# Stage the forgotten file, then replace the last commit: its changes + the template, new message.
git add templates/reset_password.html
git commit --amend -m "Add password reset endpoint"
