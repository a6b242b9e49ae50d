#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL and Redis: installs what is missing, starts the throwaway servers
# (scripts/pg.sh, scripts/redis.sh), builds, and runs `swift test`. Extra arguments go to swift test (e.g. --filter MigrationKitTests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
pg_env=$(scripts/pg.sh start)  # fails the script when the server does not start
eval "$pg_env"
redis_env=$(scripts/redis.sh start)
eval "$redis_env"
# The style the code is written in (.swift-format): swift format lint --strict fails on any departure from it;
# `swift format format -i -r Sources Tests` applies it.
swift format lint --strict -r Sources Tests
swift build --build-tests
swift test --skip-build "$@"
