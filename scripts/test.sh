#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL: installs what is missing, starts the throwaway server
# (scripts/pg.sh), builds, and runs `swift test`. Extra arguments go to swift test (e.g. --filter MigrationKitTests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
pg_env=$(scripts/pg.sh start)  # fails the script when the server does not start
eval "$pg_env"
swift build --build-tests
swift test --skip-build "$@"
