#!/usr/bin/env bash
# Installs or upgrades the Vipps MobilePay POS agent on Raspberry Pi OS Bookworm (or any
# Debian 12 with systemd), from a BUILT artifact made by systemd/build-artifact.sh: compiled
# dist/ plus production node_modules. TypeScript is never compiled on the Pi.
#
#   sudo ./install.sh pos-agent-0.1.0+g1a2b3c4-linux-arm64-node22.tar.gz
#   sudo ./install.sh /path/to/unpacked/artifact
#   sudo ./install.sh --rollback          # back to the previous release
#   sudo ./install.sh --list
#
# Idempotent: running it again with the same artifact changes nothing. It never overwrites
# the config (/etc/pos-agent/pos-agent.yaml), the secrets (/etc/pos-agent/secrets/) or the
# udev rules (/etc/udev/rules.d/99-pos-agent.rules) once they exist.
#
# Layout:
#   /opt/pos-agent/releases/<version>/   one directory per installed release, with the daemon's
#                                        code cache made there (pos-agent code-cache)
#   /opt/pos-agent/current -> releases/<version>   what the service runs
#   /opt/pos-agent/previous -> releases/<version>  what --rollback returns to
#   /usr/local/lib/{systemd/system,sysusers.d,modules-load.d}/…  unit, user, drivers
#   /usr/local/bin/pos-agent             the technician's CLI
#   /var/lib/pos-agent/backups/<time>-<version>/  the journal, copied before every switch
#
# --root DIR (or DESTDIR=DIR) installs into DIR instead of /, for building SD-card images and
# for tests: nothing outside DIR is touched, no running service is started or stopped.
#
# Exit codes: 0 done, 64 usage, 65 bad artifact, 69 missing prerequisite (node, systemd
# tools), 70 internal failure, 77 not root.
set -euo pipefail

PROG=install.sh
ROOT=${DESTDIR:-/}
NODE=""
ENABLE=1
START=1
REINSTALL=0
NODE_CHECK=1
KEEP=3
KEEP_BACKUPS=5
ACTION=install
ARTIFACT=""

say() { printf '%s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() {
  local code=$1
  shift
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit "$code"
}

usage() {
  cat <<'EOF'
usage: install.sh [options] ARTIFACT     install or upgrade (a .tar.gz or a directory)
       install.sh [options] --rollback   switch back to the previous release
       install.sh [options] --list       list the installed releases
options:
  --root DIR          install under DIR instead of / (also: DESTDIR=DIR); touches no running system
  --node PATH         node for the service and the CLI (default /usr/bin/node, else node on PATH)
  --no-enable         do not enable the service at boot
  --no-start          do not start or restart the service
  --reinstall         replace a release directory that is already installed
  --skip-node-check   do not check node's version and ABI against the artifact (cross-builds)
  --keep N            installed releases to keep (default 3, at least 2)
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || { usage >&2; exit 64; }; ROOT=$2; shift 2 ;;
    --root=*) ROOT=${1#--root=}; shift ;;
    --node) [ $# -ge 2 ] || { usage >&2; exit 64; }; NODE=$2; shift 2 ;;
    --node=*) NODE=${1#--node=}; shift ;;
    --no-enable) ENABLE=0; shift ;;
    --no-start) START=0; shift ;;
    --reinstall) REINSTALL=1; shift ;;
    --skip-node-check) NODE_CHECK=0; shift ;;
    --keep) [ $# -ge 2 ] || { usage >&2; exit 64; }; KEEP=$2; shift 2 ;;
    --rollback) ACTION=rollback; shift ;;
    --list) ACTION=list; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 64 ;;
    *) [ -z "$ARTIFACT" ] || { usage >&2; exit 64; }; ARTIFACT=$1; shift ;;
  esac
done

case "$KEEP" in '' | *[!0-9]*) die 64 "--keep needs a number" ;; esac
[ -z "$NODE" ] || [[ "$NODE" =~ ^/[A-Za-z0-9._/+-]+$ ]] || die 64 "--node needs an absolute path (letters, digits, . _ / + -)"
[ "$KEEP" -ge 2 ] || die 64 "--keep must be at least 2 (current and previous)"
[ "$ACTION" != install ] || [ -n "$ARTIFACT" ] || { usage >&2; exit 64; }
[ "$ACTION" = install ] || [ -z "$ARTIFACT" ] || { usage >&2; exit 64; }

ROOT=${ROOT%/}
LIVE=0 # 1 when installing onto the running system: then systemctl/udevadm act on it
if [ -z "$ROOT" ]; then LIVE=1; fi
if [ "$LIVE" = 0 ]; then
  [ -d "$ROOT" ] || die 64 "--root $ROOT: no such directory"
  ROOT=$(cd "$ROOT" && pwd -P)
  [ "$ROOT" != / ] || { ROOT=""; LIVE=1; }
fi
IS_ROOT=0
if [ "$(id -u)" = 0 ]; then IS_ROOT=1; fi
if [ "$LIVE" = 1 ] && [ "$IS_ROOT" = 0 ] && [ "$ACTION" != list ]; then
  die 77 "run as root (sudo $0 …), or use --root DIR to install into a directory"
fi

OPT=$ROOT/opt/pos-agent
RELEASES=$OPT/releases
UNIT_DIR=$ROOT/usr/local/lib/systemd/system
STATE=$ROOT/var/lib/pos-agent
CONF_DIR=$ROOT/etc/pos-agent

# --- small helpers --------------------------------------------------------------------

# Writes stdin to $1 with mode $2 only if the content differs (keeps mtimes on re-runs).
# Returns 0 when the file was written, 1 when it was already up to date. (Called in `&&`
# and `if` contexts, where bash ignores `set -e`: every step checks itself.)
put_file() {
  local dest=$1 mode=$2 tmp
  mkdir -p "$(dirname "$dest")" || die 70 "cannot create $(dirname "$dest")"
  tmp=$(mktemp "$dest.XXXXXX") || die 70 "cannot write in $(dirname "$dest")"
  cat >"$tmp" || die 70 "cannot write $tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    [ "$(stat -c %a "$dest")" = "${mode#0}" ] || chmod "$mode" "$dest" || die 70 "cannot chmod $dest"
    return 1
  fi
  chmod "$mode" "$tmp" && mv -f "$tmp" "$dest" || die 70 "cannot install $dest"
  return 0
}

# Atomically points symlink $1 at $2 (relative target).
point_link() {
  local link=$1 target=$2
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then return 0; fi
  ln -sfn "$target" "$link.new"
  mv -Tf "$link.new" "$link"
}

# The release a link points at ("" if none).
link_release() {
  if [ -L "$1" ]; then basename "$(readlink "$1")"; fi
}

# Ids from the target's own user database (under --root the host's may differ or lack them).
group_id() { awk -F: -v g="$1" '$1 == g { print $3; exit }' "$ROOT/etc/group" 2>/dev/null; }
user_id() { awk -F: -v u="$1" '$1 == u { print $3; exit }' "$ROOT/etc/passwd" 2>/dev/null; }

# Takes user $1 out of group $2's members. Releases before the display had its own group put the
# service user in group tty, which may write to every terminal; sysusers.d only ever adds. On
# the running system with gpasswd (which locks the files); in a --root tree by rewriting its
# group and gshadow files.
leave_group() {
  local user=$1 group=$2 file
  awk -F: -v g="$group" -v u="$user" \
    '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) found = 1 } END { exit !found }' \
    "$ROOT/etc/group" 2>/dev/null || return 0
  if [ "$LIVE" = 1 ]; then
    gpasswd -d "$user" "$group" >/dev/null || die 70 "cannot take $user out of group $group: gpasswd -d $user $group"
  else
    for file in "$ROOT/etc/group" "$ROOT/etc/gshadow"; do
      [ -f "$file" ] || continue
      awk -F: -v OFS=: -v g="$group" -v u="$user" \
        '$1 == g { n = split($4, m, ","); out = ""; for (i = 1; i <= n; i++) if (m[i] != u) out = out (out == "" ? "" : ",") m[i]; $4 = out } { print }' \
        "$file" >"$file.pos-agent-tmp" && chmod --reference="$file" "$file.pos-agent-tmp" &&
        own --reference="$file" "$file.pos-agent-tmp" && mv "$file.pos-agent-tmp" "$file" ||
        die 70 "cannot rewrite ${file#"$ROOT"}"
    done
  fi
  say "removed $user from group $group"
}

# chown that only runs as root (an unprivileged --root install keeps the caller's ids).
own() {
  if [ "$IS_ROOT" = 1 ]; then chown "$@"; fi
}

build_info() { sed -n "s/^$1=//p" "$2/BUILD-INFO" | head -n 1; }

systemctl_here() {
  if [ "$LIVE" = 1 ]; then systemctl "$@"; else systemctl --root="$ROOT" "$@"; fi
}

service_active() { [ "$LIVE" = 1 ] && systemctl is-active --quiet pos-agent.service; }

# Copies the journal (every regular file at the top of the state directory) to
# backups/<UTC time>-<version>/ and keeps the newest $KEEP_BACKUPS backups. The service must
# be stopped: SQLite's -wal file is copied together with its database.
backup_journal() {
  local from_version=$1 dest files
  [ -d "$STATE" ] || return 0
  files=$(find "$STATE" -mindepth 1 -maxdepth 1 -type f | sort)
  [ -n "$files" ] || return 0
  dest=$STATE/backups/$(date -u +%Y%m%dT%H%M%SZ)-${from_version:-unknown}
  mkdir -p "$STATE/backups"
  chmod 0700 "$STATE/backups"
  local n=1 base=$dest
  while [ -e "$dest" ]; do dest=$base.$((n++)); done
  mkdir -m 0700 "$dest"
  while IFS= read -r f; do cp -p "$f" "$dest/"; done <<<"$files"
  own -R --reference="$STATE" "$STATE/backups"
  say "journal backed up to ${dest#"$ROOT"}"
  find "$STATE/backups" -mindepth 1 -maxdepth 1 -type d | sort -r | tail -n +$((KEEP_BACKUPS + 1)) | while IFS= read -r old; do
    rm -rf "$old"
  done
}

stop_for_switch() {
  STOPPED=0
  if service_active; then
    say "stopping pos-agent for the switch"
    systemctl stop pos-agent.service
    STOPPED=1
  fi
}

# Brings the service up after a change: restarts it if it was stopped for the switch or
# runs an outdated release or unit ($1 = 1), starts it if it is down and configured.
restart_after_switch() {
  local changed=$1
  [ "$LIVE" = 1 ] || return 0
  if [ "$START" = 0 ]; then
    say "not starting pos-agent (--no-start)"
    return 0
  fi
  if [ "${STOPPED:-0}" = 1 ] || { [ "$changed" = 1 ] && service_active; }; then
    say "restarting pos-agent"
    systemctl restart pos-agent.service || die 70 "pos-agent did not start: see journalctl -u pos-agent -e"
  elif ! service_active && ready_to_start; then
    say "starting pos-agent"
    systemctl start pos-agent.service || die 70 "pos-agent did not start: see journalctl -u pos-agent -e"
  else
    say "pos-agent not started yet: finish the configuration first (see below)"
  fi
}

REQUIRED_SECRETS="vipps-client-secret vipps-subscription-key vipps-webhook-secret"
ready_to_start() {
  local s
  for s in $REQUIRED_SECRETS; do [ -s "$CONF_DIR/secrets/$s" ] || return 1; done
  return 0
}

# The node the service runs: --node, else the one chosen at the last install (kept in the
# CLI wrapper), else /usr/bin/node, else the node on PATH.
node_path() {
  local chosen
  if [ -n "$NODE" ]; then printf '%s' "$NODE"; return; fi
  chosen=$(sed -n 's|^exec \(/[^ ]*\) /opt/pos-agent/current/.*|\1|p' "$ROOT/usr/local/bin/pos-agent" 2>/dev/null || true)
  if [ -n "$chosen" ]; then printf '%s' "$chosen"; return; fi
  if [ -x "$ROOT/usr/bin/node" ] || [ "$LIVE" = 0 ]; then printf '/usr/bin/node'; return; fi
  command -v node || printf '/usr/bin/node'
}

# Installs the unit, drop-ins, sysusers entry, driver list, CLI wrapper and (once) the udev
# template from release directory $1, rewriting only what changed. Sets CHANGED_UNITS,
# CHANGED_MODULES and CHANGED_RULES.
install_system_files() {
  local rel=$1
  CHANGED_UNITS=0
  CHANGED_MODULES=0
  CHANGED_RULES=0
  put_file "$UNIT_DIR/pos-agent.service" 0644 <"$rel/systemd/pos-agent.service" && CHANGED_UNITS=1
  put_file "$UNIT_DIR/systemd-time-wait-sync.service.d/pos-agent.conf" 0644 <"$rel/systemd/time-wait-sync.conf" && CHANGED_UNITS=1
  if [ "$NODE" != /usr/bin/node ]; then
    sed -n "s|^ExecStart=/usr/bin/node |ExecStart=$NODE |p" "$rel/systemd/pos-agent.service" |
      { printf '# Written by install.sh --node: the service runs %s.\n[Service]\nExecStart=\n' "$NODE"; cat; } |
      put_file "$UNIT_DIR/pos-agent.service.d/node.conf" 0644 && CHANGED_UNITS=1
  elif [ -e "$UNIT_DIR/pos-agent.service.d/node.conf" ]; then
    rm -f "$UNIT_DIR/pos-agent.service.d/node.conf"
    rmdir "$UNIT_DIR/pos-agent.service.d" 2>/dev/null || true
    CHANGED_UNITS=1
  fi
  put_file "$ROOT/usr/local/lib/sysusers.d/pos-agent.conf" 0644 <"$rel/systemd/pos-agent.sysusers.conf" || true
  put_file "$ROOT/usr/local/lib/modules-load.d/pos-agent.conf" 0644 <"$rel/systemd/pos-agent.modules-load.conf" && CHANGED_MODULES=1
  # The display's udev rule belongs to the release (the shop's rules below belong to the shop).
  # Releases before it had none: a rollback to one leaves it in place.
  if [ -f "$rel/systemd/60-pos-agent-display.rules" ]; then
    put_file "$ROOT/usr/local/lib/udev/rules.d/60-pos-agent-display.rules" 0644 <"$rel/systemd/60-pos-agent-display.rules" && CHANGED_RULES=1
  fi
  printf '#!/bin/sh\n# The pos-agent CLI of the current release (written by install.sh).\nexec %s /opt/pos-agent/current/dist/bundle/pos-agent.js "$@"\n' "$NODE" |
    put_file "$ROOT/usr/local/bin/pos-agent" 0755 || true
  if [ ! -e "$ROOT/etc/udev/rules.d/99-pos-agent.rules" ]; then
    put_file "$ROOT/etc/udev/rules.d/99-pos-agent.rules" 0644 <"$rel/systemd/99-pos-agent.rules" || true
    CHANGED_RULES=1
    say "udev rules template installed: edit /etc/udev/rules.d/99-pos-agent.rules for this shop's devices"
  fi
  return 0
}

# The daemon's code cache for release $1 (docs/operations.md, "Start-up and the code cache"):
# V8's compiled code for the daemon, made here as root with the node the service runs and the
# unit's flags, in the root-owned release directory — the daemon only reads it. Without one (a
# release before it, an image built with --skip-node-check) the daemon starts from its modules,
# slower; so a failure here is a warning.
make_code_cache() {
  local rel=$1
  [ -f "$rel/dist/daemon/pos-agent-run.cjs" ] || return 0
  if [ "$NODE_CHECK" = 0 ]; then
    say "code cache not made (--skip-node-check): run sudo pos-agent code-cache on the till"
    return 0
  fi
  "$ROOT$NODE" "$rel/dist/bundle/pos-agent.js" code-cache ||
    warn "the daemon's code cache could not be made; it starts without (sudo pos-agent code-cache tries again)"
}

# Makes the running system pick up changed files: drivers, udev rules, units.
reload_system() {
  [ "$LIVE" = 1 ] || return 0
  if [ "$CHANGED_RULES" = 1 ] || [ "$CHANGED_MODULES" = 1 ]; then
    systemctl restart systemd-modules-load.service || warn "could not load the drivers in modules-load.d; they load at the next boot"
    udevadm control --reload || true
    udevadm trigger --action=add --subsystem-match=tty --subsystem-match=usbmisc || true
  fi
  systemctl daemon-reload
}

# --- --list -------------------------------------------------------------------------------

if [ "$ACTION" = list ]; then
  cur=$(link_release "$OPT/current")
  prev=$(link_release "$OPT/previous")
  [ -d "$RELEASES" ] || { say "no release installed"; exit 0; }
  for d in "$RELEASES"/*/; do
    [ -d "$d" ] || continue
    v=$(basename "$d")
    mark="  "
    [ "$v" != "$prev" ] || mark="p "
    [ "$v" != "$cur" ] || mark="* "
    say "$mark$v"
  done
  say "(* current, p previous — install.sh --rollback switches to previous)"
  exit 0
fi

mkdir -p "$RELEASES"
exec 9>>"$OPT/.install.lock"
flock -n 9 || die 70 "another install.sh is running"
# Scratch directories of an install that was killed half-way (under the lock: none is in use).
find "$OPT" -mindepth 1 -maxdepth 1 -name '.staging.*' -exec rm -rf {} +

# --- --rollback --------------------------------------------------------------------------

if [ "$ACTION" = rollback ]; then
  cur=$(link_release "$OPT/current")
  prev=$(link_release "$OPT/previous")
  [ -n "$prev" ] && [ -d "$RELEASES/$prev" ] || die 65 "no previous release to roll back to (install.sh --list)"
  stop_for_switch
  backup_journal "$cur"
  point_link "$OPT/current" "releases/$prev"
  if [ -n "$cur" ]; then point_link "$OPT/previous" "releases/$cur"; fi
  # The unit and friends of the release now running, which may differ from the newer one's.
  NODE=$(node_path)
  install_system_files "$RELEASES/$prev"
  make_code_cache "$RELEASES/$prev"
  say "rolled back: current is now $prev (previous: ${cur:-none})"
  reload_system
  restart_after_switch 1
  exit 0
fi

# --- install: unpack and check the artifact --------------------------------------------

[ -e "$ARTIFACT" ] || die 64 "$ARTIFACT: no such file or directory"
STAGING=$(mktemp -d "$OPT/.staging.XXXXXX")
trap 'rm -rf "$STAGING"' EXIT
if [ -d "$ARTIFACT" ]; then
  cp -a "$ARTIFACT/." "$STAGING/"
else
  tar -xzf "$ARTIFACT" -C "$STAGING" --no-same-owner || die 65 "$ARTIFACT: not a readable .tar.gz"
fi
SRC=$STAGING
# A tarball holds one top directory (pos-agent-<version>/).
if [ ! -f "$SRC/BUILD-INFO" ]; then
  only=$(find "$SRC" -mindepth 1 -maxdepth 1)
  if [ "$(printf '%s\n' "$only" | wc -l)" = 1 ] && [ -f "$only/BUILD-INFO" ]; then SRC=$only; fi
fi
[ -f "$SRC/BUILD-INFO" ] || die 65 "$ARTIFACT: no BUILD-INFO — not an artifact from systemd/build-artifact.sh"
for f in dist/bundle/pos-agent.js node_modules package.json config/pos-agent.example.yaml \
  systemd/pos-agent.service systemd/pos-agent.sysusers.conf systemd/pos-agent.modules-load.conf \
  systemd/time-wait-sync.conf systemd/99-pos-agent.rules systemd/60-pos-agent-display.rules; do
  [ -e "$SRC/$f" ] || die 65 "$ARTIFACT: $f missing — not a complete artifact"
done
VERSION=$(build_info version "$SRC")
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || die 65 "$ARTIFACT: bad version '$VERSION' in BUILD-INFO"

NODE=$(node_path)
if [ "$NODE_CHECK" = 1 ]; then
  node_exec=$ROOT$NODE
  [ -x "$node_exec" ] || die 69 "node not found at $NODE: install Node.js 22 LTS (or ≥ 20.19) first, or pass --node PATH (docs/operations.md)"
  node_facts=$("$node_exec" -p 'process.versions.node + " " + process.versions.modules + " " + process.arch' 2>/dev/null) ||
    die 69 "cannot run $node_exec (another architecture? use --skip-node-check for image builds)"
  read -r node_version node_abi node_arch <<<"$node_facts"
  major=${node_version%%.*}
  rest=${node_version#*.}
  minor=${rest%%.*}
  if ! { [ "$major" = 20 ] && [ "$minor" -ge 19 ]; } && ! { [ "$major" = 22 ] && [ "$minor" -ge 12 ]; } && ! [ "$major" -ge 23 ]; then
    die 69 "node $node_version at $NODE is not supported: install Node.js 22 LTS (or ≥ 20.19)"
  fi
  want_abi=$(build_info node_abi "$SRC")
  want_arch=$(build_info arch "$SRC")
  [ "$node_abi" = "$want_abi" ] && [ "$node_arch" = "$want_arch" ] ||
    die 65 "artifact was built for $want_arch with Node ABI $want_abi, but $NODE is node $node_version ($node_arch, ABI $node_abi): its native modules (better-sqlite3, serialport) would not load. Build the artifact with the same Node major on the same architecture."
fi

# --- install: the release directory ----------------------------------------------------

CHANGED_RELEASE=0
if [ -d "$RELEASES/$VERSION" ] && [ "$REINSTALL" = 0 ]; then
  say "release $VERSION is already installed"
else
  if [ -d "$RELEASES/$VERSION" ]; then
    [ "$(link_release "$OPT/current")" != "$VERSION" ] || stop_for_switch
    rm -rf "$RELEASES/$VERSION"
  fi
  chmod 0755 "$SRC"
  mv "$SRC" "$RELEASES/$VERSION"
  touch "$RELEASES/$VERSION" # its mtime is the install time, for pruning old releases
  own -R 0:0 "$RELEASES/$VERSION"
  say "installed release $VERSION"
  CHANGED_RELEASE=1
fi
REL=$RELEASES/$VERSION

# --- install: system integration (only rewritten when the content changed) -------------

install_system_files "$REL"
make_code_cache "$REL"

# The service user and its device groups.
command -v systemd-sysusers >/dev/null || die 69 "systemd-sysusers not found (apt-get install systemd)"
if [ "$LIVE" = 1 ]; then
  systemd-sysusers /usr/local/lib/sysusers.d/pos-agent.conf
else
  mkdir -p "$ROOT/etc"
  systemd-sysusers --root="$ROOT" "$ROOT/usr/local/lib/sysusers.d/pos-agent.conf"
fi
GID=$(group_id pos-agent)
SUID=$(user_id pos-agent)
[ -n "$GID" ] && [ -n "$SUID" ] || die 70 "systemd-sysusers did not create user and group pos-agent"
leave_group pos-agent tty

# Configuration: the directory is root's; the service reads it through its group.
mkdir -p "$CONF_DIR"
if [ ! -e "$CONF_DIR/pos-agent.yaml" ]; then
  install -m 0640 "$REL/config/pos-agent.example.yaml" "$CONF_DIR/pos-agent.yaml"
  own "0:$GID" "$CONF_DIR/pos-agent.yaml"
  say "example config installed: edit /etc/pos-agent/pos-agent.yaml"
fi
if [ ! -d "$CONF_DIR/secrets" ]; then
  mkdir -m 0700 "$CONF_DIR/secrets"
  own 0:0 "$CONF_DIR/secrets"
fi
for f in "$CONF_DIR"/secrets/*; do
  [ -f "$f" ] || continue
  case "$(stat -c %a "$f")" in
    600 | 400) ;;
    *) warn "${f#"$ROOT"} has mode $(stat -c %a "$f"); make it 0600: sudo chmod 0600 ${f#"$ROOT"}" ;;
  esac
done

# The state directory exists before the first start so backups have a home; systemd's
# StateDirectory= keeps it 0700 pos-agent.
if [ ! -d "$STATE" ]; then
  mkdir -p "$STATE"
  chmod 0700 "$STATE"
  own "$SUID:$GID" "$STATE"
fi

# --- install: switch the release ---------------------------------------------------------

CUR=$(link_release "$OPT/current")
STOPPED=${STOPPED:-0}
if [ "$CUR" != "$VERSION" ]; then
  [ "$STOPPED" = 1 ] || stop_for_switch
  if [ -n "$CUR" ]; then backup_journal "$CUR"; fi
  point_link "$OPT/current" "releases/$VERSION"
  if [ -n "$CUR" ]; then point_link "$OPT/previous" "releases/$CUR"; fi
  say "current release: $VERSION${CUR:+ (previous: $CUR)}"
  CHANGED_RELEASE=1
fi

# Keep the newest $KEEP releases, never current or previous.
CUR=$(link_release "$OPT/current")
PREV=$(link_release "$OPT/previous")
find "$RELEASES" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n' | sort -rn | cut -d' ' -f2- | tail -n +$((KEEP + 1)) |
  while IFS= read -r old; do
    if [ "$old" != "$CUR" ] && [ "$old" != "$PREV" ]; then
      rm -rf "${RELEASES:?}/$old"
      say "removed old release $old"
    fi
  done

# --- install: enable and (re)start ----------------------------------------------------------

if [ "$ENABLE" = 1 ]; then
  if [ "$LIVE" = 1 ]; then systemctl daemon-reload; fi
  systemctl_here enable --quiet pos-agent.service
fi
if [ "$LIVE" = 1 ]; then
  reload_system
  if [ "$CHANGED_UNITS" = 1 ] || [ "$CHANGED_RELEASE" = 1 ]; then
    restart_after_switch 1
  else
    restart_after_switch 0
  fi
fi

cat <<EOF

pos-agent $VERSION is installed (${ROOT:-/}).
Next steps (docs/operations.md, "Install on a Pi"):
  1. Config:   sudo nano /etc/pos-agent/pos-agent.yaml   then   pos-agent config check
  2. Secrets:  one file each in /etc/pos-agent/secrets/ (root, mode 0600):
               $REQUIRED_SECRETS [mqtt-password] [loyalty-http-token]
  3. Devices:  /opt/pos-agent/current/systemd/udev-rule.sh register /dev/ttyUSB0 | sudo tee -a /etc/udev/rules.d/99-pos-agent.rules
  4. Start:    sudo systemctl restart pos-agent && journalctl -u pos-agent -f
  Technicians: sudo usermod -aG pos-agent <login>  (for pos-agent status)
               sudo usermod -aG pos-agent,pos-agent-refund <login>  (also for pos-agent refund)
EOF
