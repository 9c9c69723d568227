#!/usr/bin/env bash
# Mutation testing of the Railway provider's core (stryker.config.mjs says which files and tests).
# Stryker is installed into a prefix outside the project, so package.json, the lockfile and CI's
# `npm ci` never carry it; the prefix ($STRYKER_PREFIX, default under $TMPDIR) is reused by later
# runs. Prints Stryker's score per file and the share of mutants killed over all of them;
# MUTATION_SURVIVORS=1 also lists the survivors. About 15-20 minutes on two cores.
set -euo pipefail

STRYKER_VERSION=10.1.1
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${STRYKER_PREFIX:-${TMPDIR:-/tmp}/client-fulfillment-stryker-$STRYKER_VERSION}"

if [ ! -f "$prefix/node_modules/@stryker-mutator/vitest-runner/package.json" ]; then
  echo "Installing Stryker $STRYKER_VERSION into $prefix (outside the project)" >&2
  mkdir -p "$prefix"
  printf '{ "private": true }\n' > "$prefix/package.json"
  # Without peers: Stryker must drive the project's own vitest and typescript, linked in below.
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --legacy-peer-deps --loglevel=error \
    "@stryker-mutator/core@$STRYKER_VERSION" "@stryker-mutator/vitest-runner@$STRYKER_VERSION"
fi
for peer in vitest typescript; do ln -sfn "$repo_root/node_modules/$peer" "$prefix/node_modules/$peer"; done

# Sandboxes live outside the worktree (eslint and git never see them). A sandbox is the repo's
# root for the tests, which look for Railway's schema at ../shared/railway/schema.json: a copy
# goes there, so the simulator tests run rather than skip.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/client-fulfillment-mutation.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
sandboxes="$work_dir/sandboxes"
for schema in "$repo_root/../shared/railway/schema.json" "$repo_root/.railway-schema.json"; do
  if [ -f "$schema" ]; then
    mkdir -p "$sandboxes/shared/railway"
    cp "$schema" "$sandboxes/shared/railway/schema.json"
    break
  fi
done
if [ ! -f "$sandboxes/shared/railway/schema.json" ]; then
  echo "Railway's schema is missing, so the simulator tests would skip and their mutants survive: RAILWAY_API_TOKEN=<token> npm run railway:schema" >&2
  exit 1
fi

report="$work_dir/mutation.json"
cd "$repo_root"
RAILWAY_SCHEMA_REQUIRED=1 MUTATION_SANDBOXES="$sandboxes" MUTATION_REPORT="$report" \
  node "$prefix/node_modules/@stryker-mutator/core/bin/stryker.js" run stryker.config.mjs --logLevel warn

MUTATION_REPORT="$report" node --input-type=module <<'JS'
import { readFileSync } from "node:fs";
const { files } = JSON.parse(readFileSync(process.env.MUTATION_REPORT, "utf8"));
const killedStatuses = ["Killed", "Timeout"];
const measured = (mutants) => mutants.filter((m) => !["CompileError", "RuntimeError", "Ignored"].includes(m.status));
let killed = 0;
let total = 0;
console.log("\nKilled share (killed + timed out) / (all valid mutants):");
for (const [file, { mutants }] of Object.entries(files)) {
  const valid = measured(mutants);
  const dead = valid.filter((m) => killedStatuses.includes(m.status)).length;
  killed += dead;
  total += valid.length;
  console.log(`  ${file.padEnd(36)} ${((100 * dead) / valid.length).toFixed(1).padStart(5)} %  (${dead}/${valid.length})`);
}
console.log(`  ${"all five".padEnd(36)} ${((100 * killed) / total).toFixed(1).padStart(5)} %  (${killed}/${total})`);
if (process.env.MUTATION_SURVIVORS === "1") {
  console.log("\nSurvivors (file:line mutator → replacement):");
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const m of mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage")) {
      console.log(`  ${file}:${m.location.start.line} ${m.mutatorName} ${m.status === "NoCoverage" ? "(no coverage) " : ""}→ ${m.replacement.replace(/\s+/g, " ").slice(0, 100)}`);
    }
  }
}
JS
