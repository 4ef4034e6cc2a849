#!/usr/bin/env bash
# CI: the frontend operations in operations/ are valid against ../../schema.graphql, and a
# small client using their generated types compiles under tsc --strict. Dependencies come
# from package-lock.json (npm ci); generated files are not committed (see .gitignore).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install graphql-codegen --config codegen.ts
npx --no-install tsc -p tsconfig.json --strict --noEmit
echo "typescript client check: ok"
