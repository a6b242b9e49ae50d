#!/usr/bin/env bash
# Benchmark of `rg-crm dashboards import` (run by hand, not in CI).
#
# Imports the three CRM dashboards (ops/metabase/dashboards/crm/) for TENANTS tenants (default 10) into the fake
# Metabase of the tests, run as a server of its own (Tests/FakeMetabaseServer: the same Swift fake, same contract,
# counting requests by method), and prints per tenant the requests of the first import and of a no-op re-import,
# and the wall time of each. Target (issue 10): a no-op re-import sends GETs only.
#
# Then the same dashboards with metabase-sync (PyPI, in a venv under this run's temporary folder): its state tree is
# exported from a fake holding one tenant's import, applied to a fresh fake (first import) and applied again (no-op),
# and its requests are counted the same way. Target: fewer requests for rg-crm than `metabase-sync apply`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TENANTS=${TENANTS:-10}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rg-dashboards-bench.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

RGCRM=$(scripts/build.sh 2>/dev/null)
swift build -c release --product fake-metabase >&2
FAKE=$(swift build -c release --show-bin-path)/fake-metabase
KEY=mb_bench_key

now() { date +%s%N; }

start_fake() {  # start_fake NAME DATABASES → sets URL
    FAKE_METABASE_API_KEY=$KEY FAKE_METABASE_DATABASES="$2" "$FAKE" > "$WORK/$1.url" &
    PIDS+=($!)
    for _ in $(seq 100); do [ -s "$WORK/$1.url" ] && break; sleep 0.05; done
    URL=$(head -1 "$WORK/$1.url")
}
counts() { curl -fsS "$1/__fake/counts" | python3 -c '
import json, sys
c = json.load(sys.stdin)
print(" ".join(f"{m} {c.get(m, 0)}" for m in ("GET", "POST", "PUT")), "total", sum(c.values()))'; }
reset() { curl -fsS -X POST "$1/__fake/reset-counts" > /dev/null; }

databases=$(for i in $(seq -w 1 "$TENANTS"); do printf 'rentguy-crm-t%s,' "$i"; done)
start_fake main "$databases"
MAIN=$URL
echo "rg-crm dashboards import, $TENANTS tenants, fake Metabase at $MAIN"
printf '%-6s  %-40s %8s  %-40s %8s\n' tenant "first import (requests)" "ms" "no-op re-import (requests)" "ms"
first_total=0 noop_total=0 first_ms=0 noop_ms=0
for i in $(seq -w 1 "$TENANTS"); do
    run() {
        METABASE_URL=$MAIN METABASE_API_KEY=$KEY "$RGCRM" dashboards import --tenant "t$i" --tenant-name "Tenant $i" \
            --state-dir "$WORK/state" > "$WORK/out.txt"
    }
    reset "$MAIN"; start=$(now); run; first=$(( ($(now) - start) / 1000000 )); first_counts=$(counts "$MAIN")
    reset "$MAIN"; start=$(now); run; noop=$(( ($(now) - start) / 1000000 )); noop_counts=$(counts "$MAIN")
    grep -q "^dashboards t$i: unchanged$" "$WORK/out.txt" || { echo "re-import of t$i was not a no-op" >&2; exit 1; }
    # The target: a no-op re-import sends GETs only.
    case "$noop_counts" in *"POST 0 PUT 0 "*) ;; *) echo "re-import of t$i wrote: $noop_counts" >&2; exit 1 ;; esac
    printf '%-6s  %-40s %8s  %-40s %8s\n' "t$i" "$first_counts" "$first" "$noop_counts" "$noop"
    first_total=$(( first_total + ${first_counts##* } )); noop_total=$(( noop_total + ${noop_counts##* } ))
    first_ms=$(( first_ms + first )); noop_ms=$(( noop_ms + noop ))
done
rg_first=$(( first_total / TENANTS )); rg_first_ms=$(( first_ms / TENANTS ))
rg_noop=$(( noop_total / TENANTS )); rg_noop_ms=$(( noop_ms / TENANTS ))
echo "per tenant (mean): first import $rg_first requests, $rg_first_ms ms;" \
    "no-op re-import $rg_noop requests (GETs only), $rg_noop_ms ms"

echo
echo "metabase-sync apply on the same three dashboards (one tenant's)"
if ! { python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" install --quiet metabase-sync; } > "$WORK/pip.log" 2>&1; then
    echo "metabase-sync could not be installed from PyPI:"; tail -3 "$WORK/pip.log"; echo 'no comparison with metabase-sync: the benchmark is incomplete' >&2; exit 1
fi
SYNC=$WORK/venv/bin/metabase-sync
start_fake source rentguy-crm-t01
SOURCE=$URL
METABASE_URL=$SOURCE METABASE_API_KEY=$KEY "$RGCRM" dashboards import --tenant t01 --tenant-name "Tenant 01" \
    --state-dir "$WORK/source-state" > /dev/null
mkdir -p "$WORK/sync"
sync_run() {  # sync_run URL COMMAND…
    local url=$1; shift
    (cd "$WORK/sync" && METABASE_URL=$url METABASE_API_KEY=$KEY "$SYNC" "$@") > "$WORK/sync.log" 2>&1
}
if ! sync_run "$SOURCE" export; then
    echo "metabase-sync export failed against the fake:"; tail -5 "$WORK/sync.log"; echo 'no comparison with metabase-sync: the benchmark is incomplete' >&2; exit 1
fi
echo "exported: $(find "$WORK/sync" -name '*.sql' | wc -l) card files, $(find "$WORK/sync" -name 'dashboard.yaml' | wc -l) dashboards"
start_fake target rentguy-crm-t01
TARGET=$URL
reset "$TARGET"; start=$(now)
if ! sync_run "$TARGET" apply; then
    echo "metabase-sync apply failed against the fake:"; tail -5 "$WORK/sync.log"; echo 'no comparison with metabase-sync: the benchmark is incomplete' >&2; exit 1
fi
first=$(( ($(now) - start) / 1000000 )); first_counts=$(counts "$TARGET")
reset "$TARGET"; start=$(now)
sync_run "$TARGET" apply || { echo "second metabase-sync apply failed:"; tail -5 "$WORK/sync.log"; echo 'no comparison with metabase-sync: the benchmark is incomplete' >&2; exit 1; }
noop=$(( ($(now) - start) / 1000000 )); noop_counts=$(counts "$TARGET")
printf '%-14s  %-40s %8s  %-40s %8s\n' metabase-sync "$first_counts" "$first" "$noop_counts" "$noop"
# Ratios, rg-crm over metabase-sync (below 1: rg-crm does less), and the target: fewer requests than metabase-sync.
ratio() { python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print(f"{a / b:.2f}" if b else "n/a")' "$1" "$2"; }
echo "rg-crm / metabase-sync: first import $(ratio "$rg_first" "${first_counts##* }")x requests," \
    "$(ratio "$rg_first_ms" "$first")x time; no-op $(ratio "$rg_noop" "${noop_counts##* }")x requests," \
    "$(ratio "$rg_noop_ms" "$noop")x time"
if [ "$rg_first" -lt "${first_counts##* }" ] && [ "$rg_noop" -lt "${noop_counts##* }" ]; then
    echo "target met: fewer requests than metabase-sync apply, first import and no-op"
else
    echo "target NOT met: rg-crm sends as many requests as metabase-sync or more"; exit 1
fi
