#!/usr/bin/env bash
# Generates a module into a throwaway copy of the repository and proves it lints, type-checks
# and passes its tests (and the authorization matrix), so the generator never rots.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git -C "$root" ls-files -z | (cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$work"
ln -s "$root/node_modules" "$work/node_modules"
cd "$work"
git init -q && git add -A && git -c user.email=ci@local -c user.name=ci commit -qm base

node scripts/generate-module.mjs widgets
npx eslint src/widgets test/e2e/widgets.e2e-spec.ts test/e2e/authorization-matrix.e2e-spec.ts src/app.module.ts src/db/schema.ts
npx prettier --check src test
npx tsc --noEmit -p tsconfig.json
npx drizzle-kit generate --name should_be_empty | grep -q "No schema changes"
npm test -- test/e2e/widgets test/e2e/authorization-matrix
