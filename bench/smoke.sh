#!/usr/bin/env bash
# `rg-crm smoke` against seeded tenants (every group but dashboards, which need Metabase):
#   - one tenant, then N tenants (default 50) one after the other, one rg-crm process each: wall time per tenant
#     (goal: under 1 s) and peak RSS;
#   - every tenant has 2,000 contacts and 2,000 leads, so that a check which scanned a table, or a tenant's rows,
#     would show in the times (the checks read the catalog and probe indexes only).
# Run by hand: bench/smoke.sh [tenants]. Uses scripts/pg.sh's server and a database `bench_smoke` it recreates.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants="${1:-50}"
source "${RG_BENCH_LIB:-bench/lib.sh}"
url="$base/bench_smoke"
export RG_CRM_ROLE_PREFIX=benchsmoke
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS bench_smoke WITH (FORCE)" -c "CREATE DATABASE bench_smoke"
psql -X -q "$RG_PG_ADMIN_URL" -tAc "SELECT rolname FROM pg_roles WHERE rolname LIKE 'benchsmoke\_%'" | sort -r | while read -r role; do
  [ -n "$role" ] && psql -X -q "$RG_PG_ADMIN_URL" -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 || true
done
"$rg" db migrate --database-url "$url" >/dev/null 2>&1

# N config packs (copies of mrdj's under other slugs and domains), each seeded and cloned.
python3 - "$work" "$tenants" <<'PY'
import json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
tenant = json.load(open("configs/tenants/mrdj/tenant.json"))
crm = open("configs/tenants/mrdj/crm.json").read()
for i in range(1, count + 1):
    slug = f"s{i:04d}"
    os.makedirs(f"{work}/configs/{slug}")
    tenant.update(slug=slug, name=f"Tenant {i}", domain=f"{slug}.rentguy.nl")
    json.dump(tenant, open(f"{work}/configs/{slug}/tenant.json", "w"))
    open(f"{work}/configs/{slug}/crm.json", "w").write(crm)
PY
for i in $(seq 1 "$tenants"); do
  slug=$(printf 's%04d' "$i")
  "$rg" db seed --tenant "$slug" --config-dir "$work/configs" --database-url "$url" >/dev/null
  "$rg" templates clone --tenant "$slug" --config-dir "$work/configs" --to "$work/clones/$slug" >/dev/null
done
psql -X -q "$url" <<'SQL'
INSERT INTO crm.crm_contacts (tenant_id, first_name, email)
SELECT t.id, 'Contact ' || g, t.slug || '-' || g || '@example.com' FROM crm.crm_tenants t, generate_series(1, 2000) g;
INSERT INTO crm.crm_leads (tenant_id, status, source, score)
SELECT t.id, (ARRAY['new', 'contacted', 'qualified', 'won', 'lost'])[1 + g % 5], 'website', g % 100
  FROM crm.crm_tenants t, generate_series(1, 2000) g;
ANALYZE crm.crm_contacts;
ANALYZE crm.crm_leads;
SQL

groups=(--only config --only db --only isolation --only templates --only workflows)
# One smoke run: wall time in microseconds and peak RSS in KiB, "µs KiB"; a run that is not green stops the bench.
smoke() {
  local slug=$1 t0 t1 rss
  t0=$(now)
  /usr/bin/time -f '%M' -o "$work/rss" "$rg" smoke --tenant "$slug" --config-dir "$work/configs" \
    --automation "$work/clones/$slug" --database-url "$url" "${groups[@]}" >"$work/out" 2>&1 \
    || { cat "$work/out" >&2; echo "smoke of $slug was not green" >&2; exit 1; }
  t1=$(now)
  rss=$(tail -1 "$work/rss")
  echo "$(( (t1 - t0) / 1000 )) $rss"
}

smoke s0001 >/dev/null  # warm the server's caches and the file system
# Sequential scans one smoke run causes, per table, with the rows they read (the server's statistics, flushed when
# the run's sessions end): on the 100,000-row tables there must be none.
scans() {
  psql -X -q -tA "$url" -c "SELECT relname || ' ' || seq_scan || ' ' || seq_tup_read FROM pg_stat_user_tables WHERE schemaname = 'crm' ORDER BY 1"
}
sleep 1; before=$(scans)
smoke s0002 >/dev/null
sleep 1; after=$(scans)
scan_report=$(join <(echo "$before") <(echo "$after") | awk '$4 > $2 {printf "  %-28s %3d seq scan(s), %8d row(s) read\n", $1, $4 - $2, $5 - $3}')
read -r one_us one_rss < <(smoke s0001)
times=(); peak=0
t_all0=$(now)
for i in $(seq 1 "$tenants"); do
  read -r us rss < <(smoke "$(printf 's%04d' "$i")")
  times+=("$us"); (( rss > peak )) && peak=$rss
done
t_all1=$(now)

ms() { echo "$1 / 1000" | bc -l; }
echo "== rg-crm smoke, every group but dashboards ($(grep -c '✓' "$work/out") checks passed per tenant) =="
printf '%-48s %10.1f ms   peak RSS %6.1f MiB\n' "one tenant" "$(ms "$one_us")" "$(echo "$one_rss / 1024" | bc -l)"
printf '%-48s %10.1f ms\n' "$tenants tenants in a row, median per tenant" "$(ms "$(printf '%s\n' "${times[@]}" | median)")"
printf '%-48s %10.1f ms\n' "$tenants tenants in a row, slowest" "$(ms "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)")"
echo "sequential scans caused by one run (tables of 50 tenants x 2,000 contacts and leads):"
echo "${scan_report:-  none}"
printf '%-48s %10.1f s    peak RSS %6.1f MiB\n' "$tenants tenants in a row, total" "$(echo "($t_all1 - $t_all0) / 1000000000" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
