#!/usr/bin/env bash
# Runs the tracer's tests on every CPython 3.11+ found on this machine:
# Debian's /usr/bin/python3 and pyenv's 3.11 and later. Absent ones are skipped.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

passed=0
failed=0
for python in /usr/bin/python3 /root/.pyenv/versions/3.1[1-9]*/bin/python3; do
  [[ -x "$python" ]] || continue
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || continue
  printf '\n== %s (%s)\n' "$python" "$("$python" --version 2>&1)"
  if "$python" -m unittest discover -s tracer/tests; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
printf '\ninterpreters: %d passed, %d failed\n' "$passed" "$failed"
((passed > 0 && failed == 0))
