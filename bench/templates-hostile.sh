#!/usr/bin/env bash
# Benchmark of the two hostile template inputs of issue 15 (run by hand, not in CI), each against its floor, in one run:
#   nested MJML   rg-crm templates check on `<mjml><mj-body>` + N `<mj-section>` (N = 10k, 40k, 200k; 2.4 MB at
#                 200k), never closed (every section is a finding) and closed (well-formed), against the floor of
#                 reading the same bytes (cat) and xmllint --huge --noout on the well-formed file (libxml2-utils).
#   ZIP clone     rg-crm templates clone --from a 10,000-entry ZIP (deflated HTML with brand tokens) into a new folder,
#                 against unzip -q of the same archive (unzip does no rendering, checking or manifest).
# Prints the best of $RUNS wall times and the ratio to the floor. Targets: time linear in N (the ratio to cat flat
# as N grows), the ZIP clone within a small factor of unzip.
# Run from anywhere: [RUNS=3] bench/templates-hostile.sh. Everything it makes goes to bench/out/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/hostile
RUNS=${RUNS:-3}
for tool in xmllint unzip python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y libxml2-utils unzip python3)" >&2; exit 1; }
done
rm -rf "$OUT"
mkdir -p "$OUT"
RGCRM=$(scripts/build.sh 2>/dev/null)

best() {  # best COMMAND… → the best wall time of $RUNS runs, in seconds (any exit status: findings exit 1)
    local best=""
    for _ in $(seq "$RUNS"); do
        rm -rf "$OUT/target"
        local start end wall
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$wall; fi
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / (b > 0.0005 ? b : 0.0005)}'; }

echo "== templates check on nested MJML (best of $RUNS)"
printf '%-9s %-10s %-30s %9s %9s\n' sections bytes tool seconds "× floor"
for count in 10000 40000 200000; do
    for shape in open closed; do
        dir=$OUT/mjml-$count-$shape
        mkdir -p "$dir/email"
        python3 - "$count" "$shape" "$dir/email/nested.mjml" <<'PY'
import sys
count, shape, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
text = "<mjml><mj-body>" + "<mj-section>" * count
if shape == "closed":
    text += "</mj-section>" * count + "</mj-body></mjml>"
open(path, "w").write(text)
PY
    done
    open=$OUT/mjml-$count-open closed=$OUT/mjml-$count-closed
    bytes=$(wc -c <"$open/email/nested.mjml")
    catTime=$(best cat "$open/email/nested.mjml")
    xmlTime=$(best xmllint --huge --noout "$closed/email/nested.mjml")
    openTime=$(best "$RGCRM" templates check --tenant mrdj --path "$open")
    closedTime=$(best "$RGCRM" templates check --tenant mrdj --path "$closed")
    printf '%-9s %-10s %-30s %9s %9s\n' "$count" "$bytes" "cat (floor)" "$catTime" "1.0"
    printf '%-9s %-10s %-30s %9s %9s\n' "$count" "" "xmllint --huge (closed)" "$xmlTime" "$(ratio "$xmlTime" "$catTime")"
    printf '%-9s %-10s %-30s %9s %9s\n' "$count" "" "rg-crm check (never closed)" "$openTime" "$(ratio "$openTime" "$catTime")"
    printf '%-9s %-10s %-30s %9s %9s\n' "$count" "" "rg-crm check (closed)" "$closedTime" "$(ratio "$closedTime" "$catTime")"
    echo "          rg-crm / xmllint (closed): $(ratio "$closedTime" "$xmlTime")×"
done

echo
# The ZIP case writes 10,000 files a run: on ext4, creating them right after deleting the last run's spends seconds
# in the kernel for any tool (inode allocation skips recently deleted inodes), which swamps the comparison; so the
# targets go to tmpfs when there is one (TARGETS=DIR to choose).
TARGETS=${TARGETS:-$( [ -d /dev/shm ] && echo "/dev/shm/rg-crm-bench-$$" || echo "$OUT")}
mkdir -p "$TARGETS"
trap 'rm -rf "/dev/shm/rg-crm-bench-$$"' EXIT
echo "== templates clone of a 10,000-entry ZIP into $TARGETS (best of $RUNS)"
python3 - "$OUT/bundle.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for index in range(10000):
        body = (f"<html><body style=\"background: {{{{brand.background_color}}}}\"><h1>{{{{tenant.name}}}} {index}</h1>"
                f"<p>Hoi {{{{contact.first_name}}}}, welkom bij {{{{tenant.name}}}}.</p>"
                f"<a href=\"https://{{{{tenant.domain}}}}/offerte/{index}\">Bekijk</a></body></html>\n")
        archive.writestr(f"templates/{index // 100:02d}/template_{index:05d}.html", body)
PY
zipBytes=$(wc -c <"$OUT/bundle.zip")
OUT=$TARGETS  # best() clears $OUT/target before each run
unzipTime=$(best unzip -q "$ROOT/bench/out/hostile/bundle.zip" -d "$OUT/target")
cloneTime=$(best "$RGCRM" templates clone --tenant mrdj --from "$ROOT/bench/out/hostile/bundle.zip" --to "$OUT/target")
rm -rf "$OUT/target"
"$RGCRM" templates clone --tenant mrdj --from "$ROOT/bench/out/hostile/bundle.zip" --to "$OUT/target" >/dev/null
files=$(find "$OUT/target" -type f -name '*.html' | wc -l)
[ "$files" -eq 10000 ] || echo "WARNING: the clone wrote $files files, not 10000" >&2
printf '%-30s %9s %9s\n' tool seconds "× unzip"
printf '%-30s %9s %9s\n' "unzip -q ($zipBytes bytes)" "$unzipTime" "1.0"
printf '%-30s %9s %9s\n' "rg-crm templates clone" "$cloneTime" "$(ratio "$cloneTime" "$unzipTime")"
