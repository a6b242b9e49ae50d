#!/usr/bin/env bash
# Benchmark of `rg-crm templates clone` (run by hand, not in CI).
#
# Generates bundles of 143 and 1,430 HTML e-mail templates (brand tokens, runtime placeholders, a logo image) and
# clones each with substitution three ways, in one run:
#   rg-crm   rg-crm templates clone --tenant mrdj --from BUNDLE --to OUT   (release build)
#   floor    cp -r BUNDLE OUT, then sed -i the same eight tokens           (no checks, no escaping, no manifest)
#   copier   copier copy --defaults on the same files as a Copier template (PyPI copier, in bench/out/venv)
# Prints the best of three wall times (one for copier), the ratios and the peak memory (/usr/bin/time -v) of each.
# Targets (issue 4): rg-crm ≤ 1.5× the floor, ≥ 10× faster than copier, peak memory independent of bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
RUNS=${RUNS:-3}
mkdir -p "$OUT"

RGCRM=$(scripts/build.sh 2>/dev/null)

if [ ! -x "$OUT/venv/bin/copier" ]; then
    python3 -m venv "$OUT/venv"
    "$OUT/venv/bin/pip" install --quiet copier
fi
COPIER=$OUT/venv/bin/copier

# The mrdj values, as tenant.json has them (no characters that sed or HTML would need escaped).
PRIMARY='#111827' BACKGROUND='#F3F4F6' ACCENT='#EF4444' LOGO='https://mr-dj.rentguy.nl/assets/brand/mr-dj-logo.svg'
FONT='Inter' NAME='Mr. DJ' DOMAIN='mr-dj.rentguy.nl' SLUG='mrdj'

generate() {  # generate COUNT DIR COPIER_DIR
    python3 - "$@" <<'PY'
import os, sys, random
count, plain, copier = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(count)
for root in (plain, copier + "/template"):
    os.makedirs(root + "/img", exist_ok=True)
logo = bytes(random.getrandbits(8) for _ in range(7444))
logo = b"\x89PNG\r\n\x1a\n" + logo
open(plain + "/img/logo.png", "wb").write(logo)
open(copier + "/template/img/logo.png", "wb").write(logo)
paragraph = ("Hoi {{contact.first_name}}, bedankt voor je aanvraag voor {{event.date}} in {{event.venue}}. "
             "Wij verzorgen DJ, geluid en licht van opbouw tot afbouw; je persoonlijke pagina staat klaar. ") * 3
for index in range(count):
    body = [f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{{{{tenant.name}}}} – template {index}</title>',
            '<style>body { font-family: {{ brand.font }}, Arial; background: {{brand.background_color}}; } '
            'h1 { color: {{brand.primary_color}}; } .cta { background: {{brand.accent_color}}; }</style></head><body>',
            '<img src="{{brand.logo_url}}" alt="{{tenant.name}}" width="160">']
    for section in range(12):
        body.append(f'<h1>Sectie {section} van {{{{tenant.name}}}}</h1><p>{paragraph}</p>')
        body.append('<p><a class="cta" href="https://{{tenant.domain}}/offerte/{{proposal.token}}" '
                    'style="color: {{ brand.background_color }}">Bekijk je offerte</a></p>')
    body.append('<footer>{{tenant.name}} · {{tenant.slug}} · https://{{tenant.domain}}</footer></body></html>\n')
    text = "\n".join(body)
    name = f"templates/{index // 100:02d}/template_{index:04d}.html"
    for root, content in ((plain, text),
                          # Copier renders every {{…}} with Jinja: runtime placeholders must be written as literals.
                          (copier + "/template", text.replace("{{contact.first_name}}", "{{ '{{' }}contact.first_name}}")
                                                 .replace("{{event.date}}", "{{ '{{' }}event.date}}")
                                                 .replace("{{event.venue}}", "{{ '{{' }}event.venue}}")
                                                 .replace("{{proposal.token}}", "{{ '{{' }}proposal.token}}"))):
        os.makedirs(os.path.dirname(f"{root}/{name}"), exist_ok=True)
        open(f"{root}/{name}", "w").write(content)
open(copier + "/copier.yml", "w").write("""_subdirectory: template
_templates_suffix: ""
brand:
  type: yaml
  default: {primary_color: "#111827", background_color: "#F3F4F6", accent_color: "#EF4444", logo_url: "https://mr-dj.rentguy.nl/assets/brand/mr-dj-logo.svg", font: "Inter"}
tenant:
  type: yaml
  default: {slug: "mrdj", name: "Mr. DJ", domain: "mr-dj.rentguy.nl"}
""")
PY
}

floor() {  # floor BUNDLE OUT
    cp -r "$1" "$2"
    find "$2" -type f -name '*.html' -exec sed -i \
        -e "s|{{ *brand\.primary_color *}}|$PRIMARY|g" -e "s|{{ *brand\.background_color *}}|$BACKGROUND|g" \
        -e "s|{{ *brand\.accent_color *}}|$ACCENT|g" -e "s|{{ *brand\.logo_url *}}|$LOGO|g" \
        -e "s|{{ *brand\.font *}}|$FONT|g" -e "s|{{ *tenant\.name *}}|$NAME|g" \
        -e "s|{{ *tenant\.domain *}}|$DOMAIN|g" -e "s|{{ *tenant\.slug *}}|$SLUG|g" {} +
}
export -f floor
export PRIMARY BACKGROUND ACCENT LOGO FONT NAME DOMAIN SLUG

measure() {  # measure LABEL COMMAND… → "seconds kilobytes" (best wall time of $RUNS, its peak RSS)
    local best="" memory="" log=$OUT/time.log label=$1
    shift
    for _ in $(seq "$RUNS"); do
        rm -rf "$OUT/target"
        local start end wall rss
        start=$(date +%s%N)
        /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$OUT/stderr.log" || { echo "$label failed:" >&2; cat "$OUT/stderr.log" "$log" >&2; exit 1; }
        end=$(date +%s%N)
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$wall; memory=$rss; fi
    done
    echo "$best $memory"
}

printf '%-7s %-12s %10s %10s %12s\n' bundle tool seconds ratio "peak RSS"
for count in 143 1430; do
    bundle=$OUT/bundle-$count copierTemplate=$OUT/copier-$count
    rm -rf "$bundle" "$copierTemplate"
    generate "$count" "$bundle" "$copierTemplate"

    read -r floorTime floorMemory < <(measure floor bash -c 'floor "$0" "$1"' "$bundle" "$OUT/target")
    read -r rgTime rgMemory < <(measure rg-crm "$RGCRM" templates clone --tenant mrdj --from "$bundle" --to "$OUT/target")
    # Same output as the floor, byte for byte (the manifest aside)?
    rm -rf "$OUT/target" "$OUT/floor-check"
    "$RGCRM" templates clone --tenant mrdj --from "$bundle" --to "$OUT/target" >/dev/null
    floor "$bundle" "$OUT/floor-check"
    diff -r -q -x .rg-crm-templates.json "$OUT/target" "$OUT/floor-check" >/dev/null || echo "WARNING: rg-crm and sed outputs differ" >&2
    read -r rerunTime rerunMemory < <(RUNS=1 measure rerun "$RGCRM" templates clone --tenant mrdj --from "$bundle" --to "$OUT/floor-check")
    # Copier is two orders of magnitude slower: one run is enough to see it.
    read -r copierTime copierMemory < <(RUNS=1 measure copier "$COPIER" copy --defaults --trust --quiet "$copierTemplate" "$OUT/target")

    ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
    printf '%-7s %-12s %10s %10s %9s KB\n' "$count" "cp+sed" "$floorTime" "1.00" "$floorMemory"
    printf '%-7s %-12s %10s %10s %9s KB\n' "$count" "rg-crm" "$rgTime" "$(ratio "$rgTime" "$floorTime")" "$rgMemory"
    printf '%-7s %-12s %10s %10s %9s KB\n' "$count" "rg-crm again" "$rerunTime" "$(ratio "$rerunTime" "$floorTime")" "$rerunMemory"
    printf '%-7s %-12s %10s %10s %9s KB\n' "$count" "copier" "$copierTime" "$(ratio "$copierTime" "$floorTime")" "$copierMemory"
    echo "        copier / rg-crm: $(ratio "$copierTime" "$rgTime")×"
done
