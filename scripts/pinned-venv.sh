#!/usr/bin/env bash
# A Python venv holding pinned packages, made once: scripts/pinned-venv.sh DIR PACKAGE==VERSION...
# A venv is not relocatable (its scripts' shebangs name the directory it was made in), so it is
# marked complete with its own path and its package list: a venv moved or copied from elsewhere,
# or made for other pins, is made again in place instead of failing with "cannot execute".
set -euo pipefail
venv="$1"
shift
want="$venv $*"
if [[ "$(cat "$venv/.complete" 2>/dev/null || true)" != "$want" ]]; then
  printf '\n== install %s into %s\n' "$*" "$venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
  printf '%s\n' "$want" >"$venv/.complete"
fi
