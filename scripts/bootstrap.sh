#!/usr/bin/env bash
# Installs what rg-crm needs on a fresh Debian machine: the C libraries' -dev packages, the PostgreSQL and Redis servers,
# and the Python libraries the tests validate output with: jsonschema and PyYAML (SARIF, the config and workflow
# schemas), xmlschema (JUnit reports against Jenkins' schema), tap.py (TAP 13 reports), kubernetes-validate (the
# rendered deploy manifests against Kubernetes' schemas). Quick when all is there.
# Set RG_BOOTSTRAP_UPDATE=1 to refresh apt's lists first (CI does).
set -euo pipefail
packages=(libpq-dev libyaml-dev libcurl4-openssl-dev libhiredis-dev postgresql postgresql-contrib redis-server graphviz pkg-config)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ "${RG_BOOTSTRAP_UPDATE:-0}" = 1 ] || [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: apt-get update" >&2
  $sudo apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's postgresql and redis-server packages start servers of their own (5432, 6379) where a service manager runs;
# rg-crm uses its own throwaway ones (scripts/pg.sh, scripts/redis.sh).
python3 -c 'import jsonschema, yaml, xmlschema, tap.parser, more_itertools, html5lib' 2>/dev/null ||
  python3 -m pip install -q jsonschema pyyaml xmlschema 'tap.py[yaml]' html5lib
python3 -c 'import kubernetes_validate' 2>/dev/null || python3 -m pip install -q kubernetes-validate
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (expected the toolchain at /opt/swift)" >&2; exit 2; }
