#!/usr/bin/env bash
# CI: the README's quick start and install lines, as written, in a fresh clone of this
# repository's HEAD: every command of the README's blocks marked `<!-- ci: ... -->`, in order,
# each in its own shell started in the clone, failing on the first that fails. The clone sits
# beside this checkout, so that the tests find ../shared as they do here; `npm install -g` goes
# to a temporary prefix (npm_config_prefix), whose bin comes first on the PATH.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
clone=$(mktemp -d "$(dirname "$repo")/composemod-clean-clone.XXXXXX")
prefix=$(mktemp -d)
trap 'rm -rf "$clone" "$prefix"' EXIT
git clone --quiet "$repo" "$clone"
export npm_config_prefix="$prefix" PATH="$prefix/bin:$PATH"
mapfile -t commands < <(node "$repo/scripts/doc-blocks.cjs" --ci "$repo/README.md")
[ "${#commands[@]}" -gt 0 ] || { echo "readme-install: no ci block in README.md"; exit 1; }
for command in "${commands[@]}"; do
  echo "readme-install: \$ $command"
  (cd "$clone" && bash -eo pipefail -c "$command")
done
[ "$(command -v composemod)" = "$prefix/bin/composemod" ] || { echo "composemod is not the one installed"; exit 1; }
echo "readme-install: ${#commands[@]} commands of README.md ran as written in a clean clone"
