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
receiver_pid=""
cleanup() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null
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

control="${CALSYNC_GOOGLE_BASE_URL%/google}/_control"

# A stand-in for the ops team's Slack: prints each notification calsync delivers.
python3 - >receiver.port <<'PY' &
import http.server, json, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print("  ops-slack received: " + json.loads(body).get("text", ""), file=sys.stderr, flush=True)
        self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_port, flush=True)
server.serve_forever()
PY
receiver_pid=$!
for _ in $(seq 1 50); do [ -s receiver.port ] && break; sleep 0.1; done
export CALSYNC_OPS_SLACK_WEBHOOK="http://127.0.0.1:$(cat receiver.port)/ops"
export ACME_AUDIT_WEBHOOK_URL="http://127.0.0.1:$(cat receiver.port)/audit" ACME_AUDIT_WEBHOOK_SECRET=demo-signing-secret

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

step "calsync reconcile: calendars checked, events synced in each provider's direction"
"$calsync" reconcile || echo "(exit code $?)"
echo "acme's schedule now holds the two events seeded in its Google calendar:"
"$calsync" entries list --tenant acme

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

step "calsync sync acme/google-main: the new entries go to Google (counts: pulled, pushed, deleted, conflicts, errors)"
"$calsync" sync acme/google-main
google_events() { curl -s "$control/google/calendars/calendar@acme.example/events" | python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin)["items"] if e.get("status") != "cancelled"]))'; }
echo "events in the Google calendar: $(google_events)"

step "A conflict: the same event edited on both sides, conflictPolicy: manual (exit code 3 expected)"
board=$("$calsync" entries list --tenant acme -o json | python3 -c 'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["title"] == "Board meeting"][0]["id"])')
"$calsync" entries update "$board" --tenant acme --location "Room 4" >/dev/null
event=$(curl -s "$control/google/calendars/calendar@acme.example/events" | python3 -c 'import json,sys; print([e for e in json.load(sys.stdin)["items"] if e.get("summary") == "Board meeting"][0]["id"])')
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/json' -d '{"location": "Main hall"}' \
  "$control/google/calendars/calendar@acme.example/events/$event"
"$calsync" sync acme/google-main || echo "(exit code $?)"
sleep 0.5
"$calsync" conflicts list --tenant acme
mapping=$("$calsync" conflicts list --tenant acme -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["conflicts"][0]["mapping"])')
echo "\$ calsync conflicts resolve $mapping --keep local --tenant acme"
"$calsync" conflicts resolve "$mapping" --keep local --tenant acme
"$calsync" sync acme/google-main
echo "status/events.jsonl:"
cat status/events.jsonl

step "calsync validate on a copy with mistakes (exit code 1 expected)"
sed -i 's/syncDirection: to_external/syncDirection: to-external/; s/syncInterval: 30m/syncInterval: 30s/' manifests/tenants/acme.yaml
sed -i 's/tenant: globex$/tenant: globx/' manifests/tenants/globex.yaml
"$calsync" validate || echo "(exit code $?)"
