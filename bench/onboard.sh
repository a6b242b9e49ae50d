#!/usr/bin/env bash
# Onboards tenants end to end with `rg-crm tenant onboard` (schema, seed, login users and their secrets, templates,
# workflows) on the local stack:
#   - 1 tenant (mrdj) on an empty database: wall time, then the no-op re-run;
#   - N tenants (default 50; copies of mrdj's pack in a temporary config folder) with `--all --jobs 2`: wall time per
#     tenant, then the no-op re-run per tenant;
#   - peak RSS of each run (GNU time's maximum resident set size).
# Goals (issue 12): under 5 s per tenant, under 0.5 s per tenant for a re-run that changes nothing.
# Run by hand: bench/onboard.sh [tenants]. Uses scripts/pg.sh's server and databases bench_onboard1/bench_onboardN
# it recreates.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants="${1:-50}"
source bench/lib.sh
export RG_CRM_ROLE_PREFIX=benchonb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "bench/onboard.sh needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 1; }

fresh() {
  psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  # Logins first (members of the tenant roles), then tenant roles, then the group roles.
  psql -X -q -tA "$DATABASE_URL" -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'benchonb\_%'
      ORDER BY rolname LIKE '%\_login' DESC, rolname LIKE 'benchonb\_\_%'" | while read -r role; do
    [ -n "$role" ] && psql -X -q "$DATABASE_URL" -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 || true
  done
}

# run LABEL ARGS…: runs rg-crm with GNU time; prints "<wall ms> <peak RSS KiB>".
run() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f '%M' -o "$work/rss" "$rg" "$@" >"$work/out" 2>"$work/err" || { cat "$work/out" "$work/err" >&2; exit 1; }
  t1=$(now)
  echo "$(( (t1 - t0) / 1000000 )) $(cat "$work/rss")"
}

# One tenant.
fresh bench_onboard1
one=(tenant onboard --tenant mrdj --database-url "${base}/bench_onboard1" --state-dir "$work/state1"
  --automation-root "$work/automation1" --deploy-root "$work/deploy1")
read -r one_ms one_rss < <(run "${one[@]}")
read -r one_noop_ms one_noop_rss < <(run "${one[@]}")
grep -q "tenant mrdj: unchanged" "$work/out" || { echo "the re-run of mrdj changed something" >&2; cat "$work/out" >&2; exit 1; }

# N tenants: copies of mrdj's pack under other slugs and domains.
python3 - "$work/configs" "$tenants" <<'PY'
import json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
tenant = json.load(open("configs/tenants/mrdj/tenant.json"))
crm = open("configs/tenants/mrdj/crm.json").read()
for i in range(1, count + 1):
    slug = f"t{i:04d}"
    os.makedirs(f"{work}/{slug}")
    tenant.update(slug=slug, name=f"Tenant {i}", domain=f"{slug}.rentguy.nl")
    json.dump(tenant, open(f"{work}/{slug}/tenant.json", "w"))
    open(f"{work}/{slug}/crm.json", "w").write(crm)
PY
fresh bench_onboardn
many=(tenant onboard --all --jobs 2 --config-dir "$work/configs" --database-url "${base}/bench_onboardn"
  --state-dir "$work/staten" --automation-root "$work/automationn" --deploy-root "$work/deployn")
read -r many_ms many_rss < <(run "${many[@]}")
read -r many_noop_ms many_noop_rss < <(run "${many[@]}")
changed=$(grep -c 'changed:' "$work/out" || true)
[ "$changed" = 0 ] || { echo "the re-run of --all changed something" >&2; cat "$work/out" >&2; exit 1; }

per() { echo "$1 / $2 / 1000" | bc -l; }
echo "== tenant onboard, release build =="
printf '%-52s %8.2f s   peak RSS %6d KiB\n' "1 tenant (mrdj), empty database" "$(per "$one_ms" 1)" "$one_rss"
printf '%-52s %8.2f s   peak RSS %6d KiB\n' "1 tenant, no-op re-run" "$(per "$one_noop_ms" 1)" "$one_noop_rss"
printf '%-52s %8.2f s   peak RSS %6d KiB\n' "$tenants tenants --all --jobs 2, per tenant (wall / N)" "$(per "$many_ms" "$tenants")" "$many_rss"
printf '%-52s %8.2f s   peak RSS %6d KiB\n' "$tenants tenants, no-op re-run, per tenant" "$(per "$many_noop_ms" "$tenants")" "$many_noop_rss"
printf '%-52s %8.2f s\n' "$tenants tenants --all --jobs 2, wall" "$(per "$many_ms" 1)"
echo "goals: under 5 s per tenant, under 0.5 s per tenant for a no-op re-run"
