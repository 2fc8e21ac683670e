#!/usr/bin/env bash
# Run inside a Secret Service session, e.g.:
#   XDG_RUNTIME_DIR=/tmp/xdg dbus-run-session -- bash -c 'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"; cli/scripts/manual-e2e.sh'
# Needs `cargo build -p wallet-server -p wallet-cli` (binaries in $CARGO_TARGET_DIR, default /work/target).
# Manual end-to-end: real server, real Secret Service (gnome-keyring), two homes = two devices.
set -u
T=${CARGO_TARGET_DIR:-/work/target}/debug
W=$T/wallet
work=$(mktemp -d)
$T/wallet-server serve --db $work/server.db --listen 127.0.0.1:0 --sandbox > $work/server.log 2>&1 &
SPID=$!
for i in $(seq 50); do grep -q "listening on" $work/server.log && break; sleep 0.2; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' $work/server.log | head -1)
echo "server: $URL"
export WALLET_SERVER=$URL
A=$work/a; B=$work/b
PHONE=13812345678; PW='correct-Horse-battery-staple-93'
otp() { $T/wallet-server otp outbox --phone "+86$PHONE" --server $URL --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"][0]["code"])'; }
run() { echo "\$ wallet $*"; "$W" "$@"; echo "  (exit $?)"; }

echo "== signup on A"
echo "$PW" | run --home $A --json signup --phone $PHONE --name 李明 --id-number 11010519491231002X --password-stdin
run --home $A --json verify --code "$(otp)"
ls -la $A; echo "keyring entries:"; secret-tool search --all service wallet 2>&1 | grep -c "^label" 
echo "sqlite3 on the encrypted file:"; python3 -c "import sqlite3;c=sqlite3.connect('$A/wallet.db');print(c.execute('select count(*) from sqlite_master').fetchall())" 2>&1 | tail -1
run --home $A whoami
echo "== login on B (after the per-phone SMS interval)"; sleep 31
echo "$PW" | run --home $B --json --device-name "B laptop" login --phone $PHONE --password-stdin
run --home $B --json verify --code "$(otp)"
run --home $A --json devices
run --home $A devices
BID=$($W --home $B --json whoami | python3 -c 'import json,sys; print(json.load(sys.stdin)["device_id"])')
BPID=$(cat $B/profile.id); echo "B key entry before: $(secret-tool lookup service wallet username store-key:$BPID | wc -c) bytes"
echo "== A revokes B ($BID)"
run --home $A --json devices revoke $BID
echo "== B's next command"
run --home $B --json whoami
ls -la $B; echo "B key entry after: $(secret-tool lookup service wallet username store-key:$BPID | wc -c) bytes"
run --home $B --json whoami
run --home $B --lang zh-CN whoami
echo "== A logs out"
run --home $A --json logout
ls -la $A
run --home $A --json whoami
kill $SPID
