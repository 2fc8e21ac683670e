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
  # A throwaway keyring in its own data dir, unlocked with a throwaway password.
  local keyring_home; keyring_home="$(mktemp -d /tmp/wallet-keyring.XXXXXX)"
  XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
    eval "$(printf wallet-session | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
    export GNOME_KEYRING_CONTROL
    export WALLET_SECRET_SERVICE_READY=1
    exec "$@"' bash "$@"
}
