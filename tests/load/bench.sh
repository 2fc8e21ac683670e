#!/usr/bin/env bash
# The provider under load (issue 12): wallet-load's four scenarios at several client counts on
# SQLite, on PostgreSQL with one instance and with three, and pgbench's TPC-B-like transaction on
# the same PostgreSQL cluster at the same client counts. Release build. Prints one JSON line per
# run (also appended to $OUT) and the ledger verdict of each.
#
# Usage: tests/load/bench.sh [SECONDS] [CLIENTS...]       e.g. tests/load/bench.sh 10 8 32 64
# Env: SCENARIOS="paycode qr-pay topup transfer", BACKENDS="sqlite pg1 pg3", OUT=file.
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$REPO"
SECONDS_PER_RUN="${1:-10}"; shift || true
CLIENTS=("${@:-8 32 64}"); read -r -a CLIENTS <<<"${CLIENTS[*]}"
SCENARIOS="${SCENARIOS:-paycode qr-pay topup transfer}"
BACKENDS="${BACKENDS:-sqlite pg1 pg3}"
OUT="${OUT:-$REPO/tests/artifacts/load-$(date +%Y%m%d-%H%M%S).jsonl}"
mkdir -p "$(dirname "$OUT")"

log "release build of wallet-server and wallet-load"
cargo build --release --locked -p wallet-server -p wallet-e2e --bin wallet-server --bin wallet-load
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release"

# Limits a load run needs lifted: every client signs up from this machine's address, and the
# set-up tops each user up (the scenarios stay within the default per-payment and daily limits).
SERVE_FLAGS=(--sandbox --otp-min-interval-secs 0 --otp-per-ip-max 100000 --otp-per-phone-max 1000
  --signed-out-lookups-per-hour 100000 --flood-per-ip-per-minute 0 --reconcile-interval-secs 60)

# Every instance of a run shares one master key (stateless instances on one PostgreSQL need the
# same key; a SQLite sandbox would make its own next to the database). A throwaway one per run.
export WALLET_SERVER_MASTER_KEY="${WALLET_SERVER_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}"

# Argon2 checks run unbounded on the blocking pool today, and glibc keeps their 19 MiB blocks
# resident (10 GB after 64 PIN-paying clients): serve them from mmap so memory is given back.
export MALLOC_MMAP_THRESHOLD_=131072

PIDS=()
start_instances() { # URL_OR_PATH N -> sets SERVERS (comma list)
  local db="$1" n="$2" urls=() i out
  for ((i = 0; i < n; i++)); do
    out="$WORK/serve-$i-$RANDOM.out"
    "$BIN/wallet-server" serve --db "$db" --listen 127.0.0.1:0 "${SERVE_FLAGS[@]}" >"$out" 2>>"$WORK/server.log" &
    PIDS+=("$!")
    for _ in $(seq 200); do grep -q "listening on" "$out" 2>/dev/null && break; sleep 0.05; done
    urls+=("$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out")")
  done
  SERVERS="$(IFS=,; echo "${urls[*]}")"
}
stop_instances() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }

# CPU seconds (user + system, with reaped children) a process has used so far.
cpu_secs() {
  local f; f="$(cut -d' ' -f14-17 "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($1 + $2 + $3 + $4) / t}' <<<"$f"
}
# The cluster's postmaster: its reaped children are the backends that served a run.
postmaster_pid() { head -1 "$WALLET_PG_DIR/data/postmaster.pid" 2>/dev/null || echo 0; }

run_bench() {
  WORK="$(mktemp -d)"; trap 'stop_instances; rm -rf "$WORK"' EXIT
  local pgbench="$WALLET_PG_BIN/pgbench" pg_url="$WALLET_TEST_POSTGRES"
  local host port; host=127.0.0.1; port="${pg_url##*:}"; port="${port%%/*}"
  log "pgbench: TPC-B-like, scale 10, on the same cluster"
  psql "$pg_url" -qc "CREATE DATABASE pgbench" >/dev/null
  "$pgbench" -h "$host" -p "$port" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1
  local c tps
  for c in "${CLIENTS[@]}"; do
    tps="$("$pgbench" -h "$host" -p "$port" -U postgres -n -c "$c" -j 2 -T "$SECONDS_PER_RUN" pgbench 2>/dev/null \
      | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)"
    echo "{\"scenario\":\"pgbench-tpcb\",\"backend\":\"postgres\",\"clients\":$c,\"seconds\":$SECONDS_PER_RUN,\"ops_per_s\":${tps:-0}}" | tee -a "$OUT"
  done
  local backend scenario n db
  for backend in $BACKENDS; do
    for scenario in $SCENARIOS; do
      for c in "${CLIENTS[@]}"; do
        case "$backend" in
          sqlite) db="$WORK/load-$scenario-$c.db"; n=1 ;;
          pg1|pg3) db="${pg_url%/*}/load_${backend}_${scenario//-/_}_$c"; n="${backend#pg}"
                   psql "$pg_url" -qc "CREATE DATABASE load_${backend}_${scenario//-/_}_$c" >/dev/null ;;
        esac
        "$BIN/wallet-server" migrate --db "$db" >/dev/null
        start_instances "$db" "$n"
        local result pg_before load_cpu server_cpu=0 p
        pg_before="$(cpu_secs "$(postmaster_pid)")"
        # Where the CPU goes (2 cores shared by everything): the instances, PostgreSQL's
        # backends (reaped by the postmaster when the run's connections close) and the load
        # generator itself. Set-up (sign-ups, top-ups) is included for all three.
        local TIMEFORMAT="%U %S"
        { time result="$("$BIN/wallet-load" --server "$SERVERS" --db "$db" --scenario "$scenario" \
          --clients "$c" --seconds "$SECONDS_PER_RUN" --json --server-bin "$BIN/wallet-server" \
          2>>"$WORK/load.log")" || log "wallet-load failed: $backend $scenario $c (see below)"; } 2>"$WORK/time"
        load_cpu="$(awk '{printf "%.2f", $1 + $2}' "$WORK/time")"
        for p in "${PIDS[@]}"; do server_cpu="$(awk -v a="$server_cpu" -v b="$(cpu_secs "$p")" 'BEGIN {printf "%.2f", a + b}')"; done
        stop_instances
        # The backends exit when the instances' connections close; the postmaster reaps them.
        sleep 2
        local pg_cpu="null"
        [[ "$backend" == sqlite ]] || pg_cpu="$(awk -v a="$pg_before" -v b="$(cpu_secs "$(postmaster_pid)")" 'BEGIN {printf "%.2f", b - a}')"
        echo "${result%\}},\"backend\":\"$backend\",\"instances\":$n,\"cpu_s\":{\"servers\":$server_cpu,\"postgres\":$pg_cpu,\"load\":$load_cpu}}" | tee -a "$OUT"
      done
    done
  done
  grep -h "errors by code" "$WORK/load.log" | sort | uniq -c || true
  log "results in $OUT"
}

with_postgres run_bench
