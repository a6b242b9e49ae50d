#!/usr/bin/env bash
# Seeds N tenants (default 1000) into one database with `rg-crm db seed`, then:
#   - the time per tenant (median, one process per tenant, as the platform team runs it) and of a no-op re-seed;
#   - with 1,000 leads per tenant, `SELECT … FROM crm_leads WHERE status = …` as a tenant role (row-level security)
#     against the owner's same query with an explicit tenant_id filter: plans, costs and times side by side.
# Run by hand: bench/seed.sh [tenants]. Uses scripts/pg.sh's server and a database `bench_seed` it recreates.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants="${1:-1000}"
source bench/lib.sh
url="$base/bench_seed"
export RG_CRM_ROLE_PREFIX=bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS bench_seed WITH (FORCE)" -c "CREATE DATABASE bench_seed"
psql -X -q "$RG_PG_ADMIN_URL" -tAc "SELECT rolname FROM pg_roles WHERE rolname LIKE 'bench\_%'" | while read -r role; do
  [ -n "$role" ] && psql -X -q "$RG_PG_ADMIN_URL" -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 || true
done
"$rg" db migrate --database-url "$url" >/dev/null 2>&1

# N config packs: copies of mrdj's under other slugs and domains.
python3 - "$work" "$tenants" <<'PY'
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

seed_times=()
for i in $(seq 1 "$tenants"); do
  slug=$(printf 't%04d' "$i")
  t0=$(now); "$rg" db seed --tenant "$slug" --config-dir "$work" --database-url "$url" >/dev/null; t1=$(now)
  seed_times+=($(( (t1 - t0) / 1000 )))
done
noop_times=()
for i in $(seq 1 $(( tenants < 100 ? tenants : 100 ))); do
  slug=$(printf 't%04d' "$i")
  t0=$(now); out=$("$rg" db seed --tenant "$slug" --config-dir "$work" --database-url "$url"); t1=$(now)
  [ "$out" = "tenant $slug: unchanged" ] || { echo "re-seed of $slug changed something: $out" >&2; exit 1; }
  noop_times+=($(( (t1 - t0) / 1000 )))
done

psql -X -q "$url" <<'SQL'
INSERT INTO crm.crm_leads (tenant_id, status, source, score)
SELECT t.id, (ARRAY['new', 'contacted', 'qualified', 'won', 'lost'])[1 + g % 5], 'website', g % 100
  FROM crm.crm_tenants t, generate_series(1, 1000) g;
ANALYZE crm.crm_leads;
SQL
tenant_id=$(psql -X -tA "$url" -c "SELECT id FROM crm.crm_tenants WHERE slug = 't0001'")
admin_bench="${RG_PG_ADMIN_URL/\/postgres?//bench_seed?}"
query="SELECT id, score FROM crm.crm_leads WHERE status = 'won'"
# As the tenant: a superuser session that SET ROLEs to the tenant's app role, so row-level security applies.
# Each side runs the query 21 times in one session (as a pooled connection would) and keeps the median; the
# plan shown is the last run's.
explain="EXPLAIN (ANALYZE, BUFFERS, COSTS) $query"
repeat() { for _ in $(seq 21); do echo "$1;"; done; }
tenant_runs=$( { echo "SET ROLE bench_t0001_app;"; repeat "$explain"; } | psql -X -q "$admin_bench")
owner_runs=$(repeat "$explain AND tenant_id = '$tenant_id'" | psql -X -q "$url")
last_plan() { awk '/QUERY PLAN/ {buf=""} {buf = buf $0 "\n"} END {printf "%s", buf}' <<<"$1"; }
# The same as a login role that is granted the tenant role (Metabase's connection): the policy walks memberships.
psql -X -q "$RG_PG_ADMIN_URL" -c "DROP ROLE IF EXISTS bench_login" -c "CREATE ROLE bench_login LOGIN IN ROLE bench_t0001_reader" >/dev/null
login_url="${admin_bench/user=postgres/user=bench_login}"
login_runs=$(repeat "$explain" | psql -X -q "$login_url")
tenant_plan=$(last_plan "$tenant_runs")
owner_plan=$(last_plan "$owner_runs")
rows_tenant=$(psql -X -q -tA "$admin_bench" -c "SET ROLE bench_t0001_app" -c "SELECT count(*) FROM ($query) q")
cost() { grep -m1 -o 'cost=[0-9.]*\.\.[0-9.]*' <<<"$1" | sed 's/.*\.\.//'; }
exec_ms() { grep -o 'Execution Time: [0-9.]*' <<<"$1" | awk '{print $3}' | median; }
first_ms() { grep -m1 -o 'Execution Time: [0-9.]*' <<<"$1" | awk '{print $3}'; }

echo "== seeding $tenants tenants (one rg-crm process each) =="
printf '%-46s %10.1f ms\n' "db seed per tenant, median" "$(echo "$(printf '%s\n' "${seed_times[@]}" | median) / 1000" | bc -l)"
printf '%-46s %10.1f ms\n' "no-op re-seed per tenant, median of ${#noop_times[@]}" "$(echo "$(printf '%s\n' "${noop_times[@]}" | median) / 1000" | bc -l)"
printf '%-46s %10d\n' "crm_leads rows" "$(psql -X -tA "$url" -c 'SELECT count(*) FROM crm.crm_leads')"
echo
echo "== as tenant role bench_t0001_app (row-level security): $query ($rows_tenant rows) =="
echo "$tenant_plan"
echo "== as owner with explicit tenant_id = … =="
echo "$owner_plan"
echo
grep -q "idx_leads_tenant_status" <<<"$tenant_plan" && echo "tenant plan uses idx_leads_tenant_status: yes" || echo "tenant plan uses idx_leads_tenant_status: NO"
printf 'planner cost  tenant %s vs owner %s: ratio %.2fx (target <= 2x)\n' "$(cost "$tenant_plan")" "$(cost "$owner_plan")" "$(echo "$(cost "$tenant_plan") / $(cost "$owner_plan")" | bc -l)"
printf 'execution     tenant %s ms vs owner %s ms: ratio %.2fx (median of 21 in one session)\n' "$(exec_ms "$tenant_runs")" "$(exec_ms "$owner_runs")" "$(echo "$(exec_ms "$tenant_runs") / $(exec_ms "$owner_runs")" | bc -l)"
printf 'execution     login granted the reader role %s ms (median of 21)\n' "$(exec_ms "$login_runs")"
printf 'first query of a session: tenant %s ms vs owner %s ms (the role lookup is planned once per session)\n' "$(first_ms "$tenant_runs")" "$(first_ms "$owner_runs")"
