#!/usr/bin/env bash
# The calsync lifecycle on one machine: the sample manifests reconciled against calsync-emulator,
# the providers authorized through the emulator's automatic consent, reconciled again, and shown.
# Usage: examples/demo/demo.sh BIN_DIR   (the directory holding calsync and calsync-emulator)
set -euo pipefail
bin_dir=${1:?usage: demo.sh BIN_DIR}
repo=$(cd "$(dirname "$0")/../.." && pwd)
calsync="$bin_dir/calsync"
work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cp -r "$repo/manifests" "$work/"
cd "$work"

step() { printf '\n== %s\n' "$*"; }

step "calsync-emulator: Google Calendar, Microsoft Graph and both OAuth servers on a free port"
"$bin_dir/calsync-emulator" --port 0 --fixture "$repo/examples/demo/emulator.json" >emulator.out 2>emulator.err &
emulator_pid=$!
for _ in $(seq 1 100); do grep -q '^export CALSYNC_MICROSOFT_LOGIN_BASE_URL' emulator.out 2>/dev/null && break; sleep 0.1; done
head -1 emulator.out
eval "$(grep '^export ' emulator.out)"

# The secrets the manifests reference, and a fresh token-sealing key.
export ACME_GOOGLE_CLIENT_SECRET=acme-google-demo-secret ACME_MS_CLIENT_SECRET=acme-ms-demo-secret
export GLOBEX_GOOGLE_CLIENT_SECRET=globex-google-demo-secret
export CALENDAR_OAUTH_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)

step "calsync validate"
"$calsync" validate

step "calsync plan"
"$calsync" plan

step "calsync reconcile (exit code 3: the providers wait for OAuth consent)"
"$calsync" reconcile || echo "(exit code $?)"

authorize() {
  local ref=$1 out="$work/authorize-${1//\//-}.out"
  "$calsync" authorize "$ref" --no-browser --timeout 30s >"$out" &
  local pid=$!
  for _ in $(seq 1 100); do grep -q '^http' "$out" 2>/dev/null && break; sleep 0.1; done
  # A browser: open the authorization URL; the emulator consents and redirects to calsync's loopback listener.
  curl -s -o /dev/null -L "$(head -1 "$out")"
  wait "$pid"
}

step "calsync authorize (each provider's consent, through the emulator's automatic consent)"
for ref in acme/google-main acme/outlook-rooms globex/outlook-main; do
  echo "\$ calsync authorize $ref --no-browser"
  authorize "$ref"
done

step "calsync reconcile: calendars checked at the vendors"
"$calsync" reconcile || echo "(exit code $?)"

step "calsync status"
"$calsync" status

step "status/summary.md"
cat status/summary.md

step "status/acme/google-main.yaml"
cat status/acme/google-main.yaml

step "calsync drift: the vendors agree with the state"
"$calsync" drift || echo "(exit code $?)"

step "calsync entries: import a Google Calendar export, add one, export"
"$calsync" entries import --tenant acme "$repo/Tests/CalsyncICalTests/Fixtures/vendors/google.ics" \
  --from 2026-10-01T00:00:00Z --to 2027-03-01T00:00:00Z
"$calsync" entries add --tenant acme --title "Quarterly review" --start 2026-12-15T09:00:00Z \
  --end 2026-12-15T10:30:00Z --time-zone Europe/Berlin >/dev/null
"$calsync" entries list --tenant acme
"$calsync" entries export --tenant acme | head -12
echo "..."

step "calsync validate on a copy with mistakes (exit code 1 expected)"
sed -i 's/syncDirection: to_external/syncDirection: to-external/; s/syncInterval: 30m/syncInterval: 30s/' manifests/tenants/acme.yaml
sed -i 's/tenant: globex$/tenant: globx/' manifests/tenants/globex.yaml
"$calsync" validate || echo "(exit code $?)"
