#!/usr/bin/env bash
# Generates a module of each kind into a throwaway copy of the repository and proves the result
# passes what CI checks (lint, types, migrations and generated OpenAPI files current, its tests
# and the authorization matrix), and that a failed generation leaves the tree as it was.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git -C "$root" ls-files -z | (cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$work"
ln -s "$root/node_modules" "$work/node_modules"
cd "$work"
git init -q && git add -A && git -c user.email=ci@local -c user.name=ci commit -qm base

echo "-- a failed generation changes nothing"
sed -i 's#  // generate:module matrix rows##' test/e2e/authorization-matrix.e2e-spec.ts
git -c user.email=ci@local -c user.name=ci commit -qam "marker lost"
if node scripts/generate-module.mjs gadgets >/dev/null 2>"$work/failure.txt"; then
  echo "the generator succeeded without its marker" >&2
  exit 1
fi
grep -q 'has lost its marker' "$work/failure.txt" || { cat "$work/failure.txt"; exit 1; }
rm "$work/failure.txt"
test -z "$(git status --porcelain)" || { git status --porcelain; echo "a failed generation left changes" >&2; exit 1; }
git reset -q --hard HEAD~1

echo "-- one module of each kind"
node scripts/generate-module.mjs widgets
node scripts/generate-module.mjs activity-events --kind log
npm run --silent lint
npx tsc --noEmit -p tsconfig.json
npx drizzle-kit generate --name should_be_empty | grep -q "No schema changes"
git add -A
npm run --silent openapi >/dev/null
git diff --exit-code --stat -- src/metadata.ts openapi.json test/client/schema.d.ts
npm test -- test/e2e/widgets test/e2e/activity-events test/e2e/authorization-matrix
