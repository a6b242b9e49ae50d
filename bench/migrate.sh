#!/usr/bin/env bash
# Times `rg-crm db migrate` of the whole schema on an empty database against `psql -1 -f` of the same up files
# in one transaction (the peer), and `rg-crm --help` start-up, in one run. Prints medians and ratios.
# Run by hand: bench/migrate.sh [runs]   (default 15). Needs scripts/pg.sh's server; starts it if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
source bench/lib.sh
ups=(db/migrations/*.up.sql)
psql_files=()
for f in "${ups[@]}"; do psql_files+=(-f "$f"); done

fresh() { psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS bench_migrate WITH (FORCE)" -c "CREATE DATABASE bench_migrate" >/dev/null; }

rg_times=(); psql_times=()
for _ in $(seq "$runs"); do
  fresh; t0=$(now); "$rg" db migrate --database-url "$base/bench_migrate" >/dev/null 2>&1; t1=$(now); rg_times+=($(( (t1 - t0) / 1000 )))
  fresh; t0=$(now); psql -X -q -1 -v ON_ERROR_STOP=1 "$base/bench_migrate" "${psql_files[@]}" >/dev/null; t1=$(now); psql_times+=($(( (t1 - t0) / 1000 )))
done
help_times=(); true_times=()
for _ in $(seq 50); do
  t0=$(now); "$rg" --help >/dev/null; t1=$(now); help_times+=($(( (t1 - t0) / 1000 )))
  t0=$(now); /bin/true; t1=$(now); true_times+=($(( (t1 - t0) / 1000 )))
done
psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS bench_migrate WITH (FORCE)" >/dev/null

rg_median=$(printf '%s\n' "${rg_times[@]}" | median)
psql_median=$(printf '%s\n' "${psql_times[@]}" | median)
help_median=$(printf '%s\n' "${help_times[@]}" | median)
true_median=$(printf '%s\n' "${true_times[@]}" | median)
printf '%-44s %10s\n' "median of $runs runs (microseconds)" ""
printf "%-44s %10d\n" "rg-crm db migrate (${#ups[@]} migrations, empty db)" "$rg_median"
printf '%-44s %10d\n' "psql -1 -f (same up files, one transaction)" "$psql_median"
printf '%-44s %10.2fx  (target <= 1.3x)\n' "ratio rg-crm / psql" "$(echo "$rg_median / $psql_median" | bc -l)"
printf '%-44s %10d  (target < 20000)\n' "rg-crm --help start-up (median of 50)" "$help_median"
printf '%-44s %10d\n' "/bin/true start-up (the floor)" "$true_median"
