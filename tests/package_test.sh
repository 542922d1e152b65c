#!/usr/bin/env bash
# The .deb as a user gets it: made by CPack from this build, unpacked with
# `dpkg-deb -x` into a scratch root (no root needed), and run from there: the
# command line, a screenshot of the window under Xvfb, the tracer, the shell
# completion.
#
#   tests/package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "package test: $*" >&2
  exit 1
}

# ---- The package ----

cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2
  fail "cpack failed"
}
debs=("$tmp"/out/*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one .deb, found: ${debs[*]}"
deb=${debs[0]}
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *python3* && $depends == *libc6* && $depends == *libglfw3* ]] ||
  fail "Depends should name python3 and the libraries the binary links: $depends"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
(cd "$root" && ls usr/bin/loopscope usr/share/loopscope/tracer/loopscope_trace.py \
  usr/share/loopscope/tracer/loopscope_tracer/runner.py usr/share/loopscope/assets/loopscope.svg \
  usr/share/loopscope/lessons/harness.py usr/share/loopscope/lessons/03_gather/lesson.py \
  usr/share/applications/*.desktop usr/share/icons/hicolor/scalable/apps/loopscope.svg \
  usr/share/metainfo/*.metainfo.xml usr/share/bash-completion/completions/loopscope \
  usr/share/doc/loopscope/copyright usr/share/doc/loopscope/changelog.gz >/dev/null) ||
  fail "files missing from the package"
[[ -z $(cd "$root" && find . -name __pycache__ -o -path '*/tracer/tests*') ]] ||
  fail "byte code or the tracer's tests in the package"

# ---- The unpacked program, with a home of its own ----

bin=$root/usr/bin/loopscope
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"

"$bin" list >"$tmp/list.txt" || fail "loopscope list failed"
grep -q gather "$tmp/list.txt" || fail "loopscope list does not list the gather lesson"

"$bin" run --strategy gather --durations 1s,2s,3s --json >"$tmp/run.json" || fail "loopscope run failed"
python3 - "$tmp/run.json" <<'EOF' || fail "loopscope run: wrong answer"
import json, sys
summary = json.load(open(sys.argv[1]))
assert summary["makespan_s"] == 3.0, summary["makespan_s"]
assert summary["peak_concurrency"] == 3, summary["peak_concurrency"]
EOF

xvfb-run -a -s '-screen 0 1280x800x24' "$bin" --screenshot "$tmp/shot.png" --lesson gather --size 1280x800 ||
  fail "the screenshot failed"
python3 - "$tmp/shot.png" <<'EOF' || fail "the screenshot is not a 1280x800 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
assert struct.unpack(">II", data[16:24]) == (1280, 800), struct.unpack(">II", data[16:24])
EOF

# ---- The tracer, as the app launches it ----

PYTHONDONTWRITEBYTECODE=1 python3 "$root/usr/share/loopscope/tracer/loopscope_trace.py" --out "$tmp/trace.jsonl" \
  -- "$src/examples/gather.py" >/dev/null || fail "the installed tracer failed"
grep -q '"done"' "$tmp/trace.jsonl" || fail "the installed tracer saw no task end"
# The installed binary finds the installed tracer, and the lessons' twins.
PYTHONDONTWRITEBYTECODE=1 "$bin" trace --json "$src/examples/gather.py" 2>/dev/null | grep -q '"makespan_s": 2.0' ||
  fail "loopscope trace did not run the installed tracer"
PYTHONDONTWRITEBYTECODE=1 "$bin" run --lesson gather --cpython >/dev/null || fail "run --lesson gather --cpython failed"

# ---- Bash completion ----

PATH=$root/usr/bin:$PATH bash -c '
  source "$1"
  complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _loopscope
    echo "${COMPREPLY[*]}"
  }
  [[ $(complete_words loopscope ru) == run ]] || exit 1
  [[ $(complete_words loopscope run --stra) == --strategy ]] || exit 1
  [[ $(complete_words loopscope run --lesson sem) == semaphore ]] || exit 1
' _ "$root/usr/share/bash-completion/completions/loopscope" || fail "bash completion"

echo "package test: $(basename "$deb") ($(stat -c %s "$deb") bytes) unpacked and ran: passed"
