#!/usr/bin/env bash
# Builds rg-crm the way it ships: release, with the Swift runtime and Foundation linked in statically, so the binary
# is one file to copy into a container image and starts in about half the time (no dynamic Swift libraries to load
# and bind). The C libraries (libpq, libyaml, libcurl) stay the system's shared ones.
# Prints the binary's path on stdout; the build's own output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rg-crm --static-swift-stdlib >&2
echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/rg-crm"
