#!/usr/bin/env bash
# The main job end to end on a local default: installs what is missing, starts the throwaway PostgreSQL,
# builds rg-crm, then onboards Mr. DJ: checks its config pack, applies the CRM schema, seeds the tenant, lints its
# workflows, clones and checks its branded templates (into the git-ignored .rg-crm/demo/), lists tenants, and ends
# with the tenant's smoke suite (read-only), which must be green.
# Safe to run again: a second run applies nothing and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
pg_env=$(scripts/pg.sh start)  # fails the script when the server does not start
eval "$pg_env"
rg=$(scripts/build.sh)
set -x
"$rg" config check --tenant mrdj
"$rg" db migrate
"$rg" db status
"$rg" db seed --tenant mrdj
"$rg" lint --tenant mrdj
"$rg" templates clone --tenant mrdj --to .rg-crm/demo/mrdj/automation
"$rg" templates check --tenant mrdj --path .rg-crm/demo/mrdj/automation
"$rg" tenant list
"$rg" smoke --tenant mrdj --automation .rg-crm/demo/mrdj/automation
