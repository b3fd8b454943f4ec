#!/usr/bin/env bash
# Replays a regimen edit in a throwaway git repository and lints it against the commit before
# (docs/governance.md): version 1 of DDP+EPI is committed, then examples/governance/edited/ —
# cisplatin lowered to 120 mg/m², version and approval unchanged — takes its place.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
cp "$here/v1/DDP+EPI.yaml" "$repo/DDP+EPI.yaml"
cd "$repo"
git init -q
git add DDP+EPI.yaml
git -c user.name=osdose -c user.email=osdose@example.org commit -qm "DDP+EPI version 1"
cp "$here/edited/DDP+EPI.yaml" DDP+EPI.yaml
echo "+ osdose lint --base HEAD DDP+EPI.yaml"
osdose lint --base HEAD DDP+EPI.yaml
