# Shared helpers for the project scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
# One target dir for the whole workspace (Tauri + SQLCipher builds are slow; never split it).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
# Downloaded tools (tauri-driver, kotlinc) live outside git.
export WALLET_TOOLS_DIR="${WALLET_TOOLS_DIR:-$REPO/.tools}"
mkdir -p "$WALLET_TOOLS_DIR"

log() { printf '\n\033[1;34m==> %s\033[0m\n' "$*" >&2; }

# Runs "$@" inside a private Secret Service session (its own D-Bus and an unlocked gnome-keyring),
# so tests never touch the user's real keyring and work on headless machines and CI.
with_secret_service() {
  if [[ -n "${WALLET_SECRET_SERVICE_READY:-}" ]]; then "$@"; return; fi
  if [[ -z "${XDG_RUNTIME_DIR:-}" || ! -d "${XDG_RUNTIME_DIR}" ]]; then
    XDG_RUNTIME_DIR="$(mktemp -d /tmp/wallet-xdg.XXXXXX)"; chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
  fi
  # A throwaway keyring in its own data dir, unlocked with a throwaway password. The session bus
  # starts it on the first Secret Service call through our own service file, which starts it
  # unlocked: if gnome-keyring-daemon crashes under parallel tests (it has, twice), the next
  # call starts it again on the same keyring, unlocked, instead of Debian's service file
  # starting a locked one that refuses every item.
  local keyring_home; keyring_home="$(mktemp -d /tmp/wallet-keyring.XXXXXX)"
  mkdir -p "$keyring_home/dbus-services"
  printf '#!/bin/sh\nexport XDG_DATA_HOME="%s"\nprintf wallet-session | exec gnome-keyring-daemon --unlock --foreground --components=secrets\n' \
    "$keyring_home" >"$keyring_home/secrets.sh"
  chmod +x "$keyring_home/secrets.sh"
  printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$keyring_home/secrets.sh" \
    >"$keyring_home/dbus-services/org.freedesktop.secrets.service"
  printf '%s\n' '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"' \
    ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">' '<busconfig>' \
    "  <servicedir>$keyring_home/dbus-services</servicedir>" \
    '  <include>/usr/share/dbus-1/session.conf</include>' '</busconfig>' \
    >"$keyring_home/session.conf"
  XDG_DATA_HOME="$keyring_home" dbus-run-session --config-file="$keyring_home/session.conf" -- \
    bash -c 'export WALLET_SECRET_SERVICE_READY=1; exec "$@"' bash "$@"
}

# A private, throwaway PostgreSQL 15 cluster for the provider's PostgreSQL backend tests.
# `start_private_postgres` exports WALLET_TEST_POSTGRES (postgres://postgres@127.0.0.1:PORT/postgres,
# trust auth), WALLET_PG_DIR (data dir, socket dir and server log) and WALLET_PG_BIN;
# `stop_private_postgres` stops it and deletes everything (safe to call twice).
# `with_postgres CMD...` brackets CMD with the two and returns CMD's status; CMD may be a shell
# function (`with_postgres with_secret_service cargo test ...`); it runs in a subshell.
# initdb and postgres refuse to run as root: as root they run as the `postgres` user, in a
# directory under /tmp that it owns (every parent traversable); otherwise as the current user.
export WALLET_PG_BIN="${WALLET_PG_BIN:-/usr/lib/postgresql/15/bin}"

_pg() { # runs a PostgreSQL binary from WALLET_PG_BIN as the cluster's owner, from WALLET_PG_DIR
  local bin="$WALLET_PG_BIN/$1"; shift
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$WALLET_PG_DIR" && runuser -u postgres -- "$bin" "$@")
  else
    (cd "$WALLET_PG_DIR" && "$bin" "$@")
  fi
}

start_private_postgres() {
  if [[ -n "${WALLET_PG_DIR:-}" && -d "${WALLET_PG_DIR}" ]]; then return 0; fi # already running
  WALLET_PG_DIR="$(mktemp -d /tmp/wallet-pg.XXXXXX)"
  export WALLET_PG_DIR
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$WALLET_PG_DIR"
  # UTF-8 with the C locale whatever the machine's LANG: text sorts and compares by bytes (code
  # points) and lower()/upper() touch ASCII only, as in SQLite.
  if ! _pg initdb -A trust -U postgres -E UTF8 --locale=C -D "$WALLET_PG_DIR/data" --no-sync \
      >"$WALLET_PG_DIR/initdb.log" 2>&1; then
    cat "$WALLET_PG_DIR/initdb.log" >&2; stop_private_postgres; return 1
  fi
  # A test cluster trades durability against an OS crash for speed: fsync and full-page writes are
  # off, so power loss can corrupt it. A crash of PostgreSQL's own processes (`pg_ctl -m
  # immediate`) loses nothing it acknowledged: commits still reach the OS before the answer
  # (synchronous_commit stays on).
  local port attempt
  for attempt in 1 2 3; do # a free port can be taken between choosing it and binding it: retry
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    local options="-p $port -k $WALLET_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off"
    if _pg pg_ctl -D "$WALLET_PG_DIR/data" -l "$WALLET_PG_DIR/log" -w -o "$options" start >/dev/null; then
      export WALLET_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
      # For tests that crash the cluster and start it again the same way.
      export WALLET_PG_OPTIONS="$options"
      log "PostgreSQL: private cluster on 127.0.0.1:$port ($WALLET_PG_DIR)"
      return 0
    fi
  done
  tail -n 20 "$WALLET_PG_DIR/log" >&2 || true
  stop_private_postgres
  return 1
}

stop_private_postgres() {
  local dir="${WALLET_PG_DIR:-}"
  if [[ -n "$dir" && -d "$dir" ]]; then
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      _pg pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  fi
  unset WALLET_PG_DIR WALLET_TEST_POSTGRES WALLET_PG_OPTIONS
}

with_postgres() {
  # Inside another with_postgres (or with WALLET_TEST_POSTGRES pointing at a server of your own):
  # use that server.
  if [[ -n "${WALLET_TEST_POSTGRES:-}" ]]; then "$@"; return; fi
  start_private_postgres || return
  # Saved so that an interrupt first stops the cluster, then is handled as the caller intended.
  local saved_traps; saved_traps="$(trap -p INT TERM HUP)"
  local sig
  for sig in INT TERM HUP; do
    # shellcheck disable=SC2064 # expand now: the signal and the caller's traps are fixed here
    trap "stop_private_postgres; trap - INT TERM HUP; $saved_traps
      kill -s $sig \$BASHPID" "$sig"
  done
  # CMD runs in a subshell with the caller's errexit setting (a `||` here would turn errexit off
  # inside a shell function), so its exit or failure comes back here as a status.
  local errexit="" status=0
  [[ $- == *e* ]] && errexit=1
  set +e
  ( [[ -n $errexit ]] && set -e; "$@" )
  status=$?
  [[ -n $errexit ]] && set -e
  trap - INT TERM HUP
  eval "$saved_traps"
  stop_private_postgres
  return "$status"
}


# Background steps. The workspace build's tail compiles one large crate at a time and leaves a
# core idle; steps that build in target dirs of their own (tools, the release SDK library) run
# beside it and fill that core. `bg_start NAME CMD...` starts one with its output in a log;
# `bg_wait NAME` waits for it and prints its log (all of it if it failed) and returns its status.
declare -A BG_PIDS=()
bg_start() {
  local name="$1"; shift
  [[ -n "${BG_DIR:-}" ]] || BG_DIR="$(mktemp -d /tmp/wallet-bg.XXXXXX)"
  log "started in the background: $name"
  ( "$@" ) >"$BG_DIR/$name.log" 2>&1 &
  BG_PIDS[$name]=$!
}
bg_wait() {
  local name="$1" status=0
  wait "${BG_PIDS[$name]}" || status=$?
  if ((status)); then
    cat "$BG_DIR/$name.log" >&2
    log "background step $name FAILED ($status)"
  else
    log "background step $name done; the end of its log:"
    tail -n 5 "$BG_DIR/$name.log" >&2
  fi
  return "$status"
}
