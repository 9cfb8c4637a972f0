#!/usr/bin/env bash
# Packs composemod as `npm publish` would and installs the tarball, as a user installs it, into
# the prefix given (PREFIX/bin/composemod). A fresh checkout (the GitHub Action's) gets its build
# tools first: prepack builds dist/ from the sources.
set -euo pipefail
prefix=${1:?usage: install-packed.sh PREFIX}
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
pack=$(mktemp -d)
trap 'rm -rf "$pack"' EXIT
npm pack --silent --pack-destination "$pack" >/dev/null
tarball=$(ls "$pack"/composemod-*.tgz)
npm install -g --prefix "$prefix" --no-audit --no-fund --silent "$tarball" >&2
echo "$prefix/bin/composemod"
