#!/usr/bin/env bash
# Render an `osdose verify --worksheet` page in headless Chromium and save a screenshot,
# to check that the worksheet displays in a real browser (it loads nothing from outside).
#
# Usage: scripts/worksheet-screenshot.sh [ORDER.yaml] [OUT.png]
#   defaults: tests/verify/data/order-ddp-epi-cycle3.yaml and worksheet.png
# Needs: chromium (Debian: apt-get install -y chromium) and osdose installed (make test).
set -euo pipefail
cd "$(dirname "$0")/.."
order="${1:-tests/verify/data/order-ddp-epi-cycle3.yaml}"
out="${2:-worksheet.png}"
osdose="${OSDOSE:-.venv/bin/osdose}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "worksheet-screenshot: no chromium found (apt-get install -y chromium)" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify exits 1 when a check fails; the worksheet is written either way.
"$osdose" verify "$order" --round --worksheet "$work/worksheet.html" >/dev/null || [ $? -eq 1 ]
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$work/profile" \
    --window-size=1100,1900 --screenshot="$out" "file://$work/worksheet.html" 2>/dev/null
test -s "$out"
echo "screenshot written to $out"
