# HEAD is bad, the release tag is good: let the test script judge every step.
git bisect start HEAD v1.3.0
git bisect run ./test.sh
# bisect names the first bad commit refs/bisect/bad; record it, then end the session.
git rev-parse refs/bisect/bad >> "$ANSWER_FILE"
git bisect reset
