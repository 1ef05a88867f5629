#!/usr/bin/env bash
# Builds the staff handbook with MkDocs' successors, to see how far each is from building it unchanged:
# ProperDocs (a drop-in fork of MkDocs 1.6) and Zensical (by Material's authors). Each gets its own venv
# (.venv-properdocs, .venv-zensical) with infohus at its current pins beside it. Informational: CI calls it as
# `make compat || true`; it prints one line per engine and the first lines of a failure, and exits 1 if either
# engine fails. Nothing is written outside those venvs and a temporary folder, which is removed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/infohus-compat.XXXXXXXX")
export NO_MKDOCS_2_WARNING=1

# The handbook's config building into a folder of its own, never into site/. Zensical wants both the config and
# the output inside the project, so both are new, randomly named in the checkout (made here and removed on
# exit; nothing already there is touched).
CONFIG=$(mktemp "$ROOT/.infohus-compat.XXXXXXXX.yml")
OUTPUT=$(mktemp -d "$ROOT/.infohus-compat-site.XXXXXXXX")
trap 'rm -rf -- "$WORK" "$OUTPUT"; rm -f -- "$CONFIG"' EXIT
{ cat mkdocs.yml; printf 'site_dir: %s/site\n' "$OUTPUT"; } > "$CONFIG"

status=0
engine() {  # engine NAME PACKAGE COMMAND...
  local name=$1 package=$2; shift 2
  local venv="$ROOT/.venv-$name" log="$WORK/$name.log" setup="$WORK/$name-setup.log"
  rm -rf -- "$OUTPUT/site"
  if ! { test -x "$venv/bin/python" || python3 -m venv "$venv"; } >"$setup" 2>&1 \
     || ! timeout 600 "$venv/bin/python" -m pip install --quiet -e "$ROOT" "$package" >>"$setup" 2>&1; then
    echo "$name: could not be installed"; grep -v '^WARNING: Location' "$setup" | tail -5 | sed 's/^/    /'
    status=1; return
  fi
  local version; version=$("$venv/bin/python" -m pip show "$package" 2>/dev/null | sed -n 's/^Version: //p')
  local command=$1; test -x "$venv/bin/$command" && command="$venv/bin/$command"
  if timeout 300 "$command" "${@:2}" >"$log" 2>&1 && test -f "$OUTPUT/site/kontakter/index.html"; then
    local pages; pages=$(find "$OUTPUT/site" -name index.html | wc -l)
    echo "$name $version: built the handbook ($pages pages)"
  else
    echo "$name $version: FAILED to build the handbook; the last lines:"
    { grep -E '^ +File "' "$log" | tail -1; grep -v '^INFO' "$log" | grep -E '^[A-Za-z_.]*(Error|Exception)\b' | tail -2; } \
      | sed 's/^ */    /'
    status=1
  fi
}

# Zensical runs no MkDocs plugin, so it gets what `infohus build` hands MkDocs: the pages as infohus rendered them
# and the settings from the data, in a config of their own (scripts/compat_zensical.py).
ZCONFIG=$(mktemp "$ROOT/.infohus-compat-zensical.XXXXXXXX.yml")
trap 'rm -rf -- "$WORK" "$OUTPUT"; rm -f -- "$CONFIG" "$ZCONFIG"' EXIT

echo "Building the handbook with MkDocs' successors (informational, allowed to fail):"
engine properdocs properdocs properdocs build --quiet -f "$CONFIG"
engine zensical zensical bash -c '"$0" scripts/compat_zensical.py "$1" "$2" && "${0%/python}/zensical" build -f "$2"' \
  "$ROOT/.venv-zensical/bin/python" "$OUTPUT" "$ZCONFIG"
exit $status
