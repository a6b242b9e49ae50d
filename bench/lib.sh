# Shared by the bench scripts (sourced): start the throwaway PostgreSQL, build rg-crm in release, timing helpers.
# Sets: DATABASE_URL, PGPASSFILE, RG_PG_ADMIN_URL, rg (the release binary), base (DATABASE_URL without database).
pg_env=$(scripts/pg.sh start)
eval "$pg_env"
export PGOPTIONS="-c client_min_messages=warning"
rg=$(scripts/build.sh 2>/dev/null)
base="${DATABASE_URL%/*}"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%d\n", (a[NR/2]+a[NR/2+1])/2}'; }
