#!/usr/bin/env bash
# Build the project's environment from the pins, beside the one in use, and swap it in only when it works.
#   scripts/setup_venv.sh PYTHON VENV STAMP HASH
# The new environment is built in VENV.new and checked (scripts/check_env.py); then VENV.new becomes VENV
# (its scripts' first lines are rewritten to the final path) and the old one is removed. If anything fails
# or the build is interrupted, VENV is left exactly as it was. STAMP (inside the new VENV) receives HASH,
# the hash of requirements.txt and pyproject.toml the environment was built from.
set -euo pipefail
python=$1 venv=$2 stamp=$3 hash=$4
new="$venv.new" old="$venv.old"
# Under LC_ALL=C, a project path with non-ASCII letters breaks `pip install -e .` (UnicodeEncodeError).
export PYTHONUTF8=1 LC_ALL=C.UTF-8 LANG=C.UTF-8
cleanup() { rm -rf "$new"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf "$new" "$old"
"$python" -m venv "$new"
# Exactly the pins (they are the whole closure): nothing a package's optional extras would add on top
# (see requirements.in for the one extra left out).
"$new/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
"$new/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
if ! why=$("$new/bin/python" scripts/check_env.py); then
  echo "error: the new environment in $new does not work ($why); $venv was left as it was" >&2
  exit 1
fi
# Scripts name their interpreter by absolute path: point them at the final place before the swap.
here=$(pwd -P)
grep -rlIF -- "$here/$new" "$new/bin" | while IFS= read -r f; do
  sed -i "s|$here/$new|$here/$venv|g" "$f"
done
printf '%s\n' "$hash" > "$new/$(basename "$stamp")"
trap '' INT TERM  # the swap: two renames, not interrupted halfway
if [ -e "$venv" ] || [ -L "$venv" ]; then mv "$venv" "$old"; fi
mv "$new" "$venv"
rm -rf "$old"
trap - EXIT
