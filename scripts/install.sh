#!/usr/bin/env bash
# MoxNAS installer: run as root inside a Debian 12/13 or Ubuntu 22.04/24.04 LXC container.
#
#   install.sh                 install, or upgrade in place (secrets and data are kept)
#   install.sh --from FILE     install from a source tarball instead of this source tree (builds it)
#   install.sh --artifact FILE|URL [--sha256 HEX]
#                              install a prebuilt release artifact (npm run package): no npm, no build
#   install.sh --uninstall     remove the app, its unit, nginx site and CLI; keep data and secrets
#   install.sh --purge         as --uninstall, and also drop the database, secrets and data
#
# Full documentation: docs/deployment.md. Everything is logged to /var/log/moxnas-install.log.
set -Eeuo pipefail
umask 022

readonly APP_DIR=/opt/moxnas
readonly ETC_DIR=/etc/moxnas
readonly ENV_FILE=$ETC_DIR/moxnas.env
readonly STATE_FILE=$ETC_DIR/install.state
readonly TLS_DIR=$ETC_DIR/tls
readonly DATA_DIR=/var/lib/moxnas
readonly UNIT_FILE=/etc/systemd/system/moxnas.service
readonly NGINX_SITE=/etc/nginx/sites-available/moxnas
readonly NGINX_LINK=/etc/nginx/sites-enabled/moxnas
readonly CLI_WRAPPER=/usr/local/bin/moxnas
readonly REDIS_CONF=/etc/redis/redis.conf
readonly REDIS_SNIPPET=/etc/redis/moxnas.conf
readonly DB_NAME=moxnas
readonly DB_USER=moxnas
readonly LOG_FILE=${MOXNAS_INSTALL_LOG:-/var/log/moxnas-install.log}
# Node.js 20.19+ (or 22.13+, 24.11+; see node_version_ok): some runtime dependencies are
# ES modules loaded with require(), which Node.js runs unflagged only from these releases on. The CLI
# wrapper's node --env-file (20.6) is older.
readonly NODE_MIN=20.19
readonly READY_TIMEOUT=${MOXNAS_READY_TIMEOUT:-120}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

MODE=install
FROM_TARBALL=
ARTIFACT=
ARTIFACT_SHA256=
RENEW_CERT=0
FORCE_REBUILD=0
NFS_CHOICE=auto

# Facts found along the way.
SYSTEMD=0
CHROOT=0
CONTAINER=none
UNPRIVILEGED=0
NFSD_KERNEL=0
INSTALL_NFS=0
NODE_BIN=
NPM_CMD=()
PG_VERSION=
PG_CLUSTER=
PG_PORT=
PG_STARTED_BY_US=0
OS_ID=
OS_VERSION=
WORK_DIR=
SRC_DIR=
UPGRADE=0
# --upgrade: refuse to install fresh. Either way an upgrade that fails after the swap rolls back.
UPGRADE_REQUESTED=0
# Set once the new release is in place: from then on a failure restores the previous one.
ROLLBACK_ARMED=0
PREVIOUS_SOURCE=
PREVIOUS_NODE=
DB_BACKUP=

usage() {
  cat <<'EOF'
Usage: install.sh [options]

Installs MoxNAS (or upgrades it in place) inside this Debian/Ubuntu LXC container:
PostgreSQL, Redis, Samba, vsftpd, nfs-kernel-server (when the container can serve NFS),
nginx with a self-signed certificate, and the app under /opt/moxnas.

Options:
  --from FILE      Install from a source tarball (.tar.gz) instead of this source tree.
  --artifact FILE|URL
                   Install a prebuilt release artifact (moxnas-<version>-linux-x64.tar.gz from
                   npm run package): neither npm nor a build runs, apt is the only network used.
                   Its checksum is FILE.sha256 beside it, or --sha256; an https:// URL needs --sha256.
  --sha256 HEX     The artifact's expected SHA-256.
  --upgrade        Upgrade an existing installation (refused where there is none). Any upgrade backs
                   up the database first and, should the new release fail to migrate, start or
                   become ready, restores the previous release and that backup.
  --uninstall      Remove the app, its systemd unit, nginx site and CLI. Keeps the database,
                   /etc/moxnas (secrets, certificate) and /var/lib/moxnas (data).
  --purge          Uninstall and also drop the database and role, remove /etc/moxnas,
                   /var/lib/moxnas and the Redis settings. Cannot be undone.
  --renew-cert     Replace the self-signed certificate (for example after an IP change).
  --rebuild        Rebuild the app even when the source has not changed.
  --nfs            Install nfs-kernel-server even if the kernel NFS server is not detected.
  --no-nfs         Do not install nfs-kernel-server.
  -h, --help       Show this help.

Environment:
  MOXNAS_NODE=/path/to/node   Node.js 20.19+ (or 22.13+, 24.11+) to use: required where the release's
                              nodejs package is older (Debian 12, Ubuntu 22.04/24.04); Debian 13's
                              nodejs is used without it.
  MOXNAS_NPM=/path/to/npm     npm to use (default: next to MOXNAS_NODE, then the system npm).
  MOXNAS_APP_PORT=8000        Loopback port of the app behind nginx (first install only).
  MOXNAS_PG_PORT=PORT         Move the local PostgreSQL cluster to this port (first install only).
  MOXNAS_REDIS_PORT=6379      Port of the local Redis (first install only).
  MOXNAS_ALLOW_UNSUPPORTED_OS=1  Try anyway on an OS release that is not listed above.

Exit codes: 0 success, 1 a step failed (see /var/log/moxnas-install.log), 2 bad arguments.
EOF
}

# ---------------------------------------------------------------------------------------------
# Output: step messages go to the terminal and the log; command output goes to the log only, and
# its tail is shown when something fails.

# Root is checked before the log file can be created (it lives in /var/log); --help needs no root.
if [[ $EUID -ne 0 ]]; then
  case " $* " in *" -h "* | *" --help "*)
    usage
    exit 0
    ;;
  esac
  echo "ERROR: run the installer as root (inside the container: pct enter <id>, then bash install.sh)" >&2
  exit 1
fi

exec 3>&1 4>&2
mkdir -p "$(dirname "$LOG_FILE")"
( umask 077 && touch "$LOG_FILE" )
chmod 600 "$LOG_FILE" 2>/dev/null || true
exec >>"$LOG_FILE" 2>&1

stamp() { date '+%Y-%m-%d %H:%M:%S'; }
say() {
  printf '%s\n' "$*" >&3
  printf '%s %s\n' "$(stamp)" "$*"
}
step() { say "==> $*"; }
note() { say "    $*"; }
warn() {
  printf 'WARNING: %s\n' "$*" >&4
  printf '%s WARNING: %s\n' "$(stamp)" "$*"
}
die() {
  printf 'ERROR: %s\n' "$*" >&4
  printf '%s ERROR: %s\n' "$(stamp)" "$*"
  if [[ $ROLLBACK_ARMED == 1 ]]; then rollback; fi
  printf 'The full log is %s\n' "$LOG_FILE" >&4
  exit 1
}

# Bad arguments: nothing was done; exit 2 like the moxnas CLI.
usage_error() {
  usage >&4
  printf '\nERROR: %s\n' "$1" >&4
  printf '%s ERROR: %s\n' "$(stamp)" "$1"
  exit 2
}

on_error() {
  local code=$1 line=$2 cmd=$3
  trap - ERR
  printf '%s ERROR: command failed with exit code %s at line %s: %s\n' "$(stamp)" "$code" "$line" "$cmd"
  {
    printf 'ERROR: the installer stopped at line %s (exit code %s): %s\n' "$line" "$code" "$cmd"
    printf 'Last lines of %s:\n' "$LOG_FILE"
    tail -n 25 "$LOG_FILE" | sed 's/^/    /'
  } >&4
  if [[ $ROLLBACK_ARMED == 1 ]]; then rollback; fi
  exit "$code"
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

cleanup() {
  local code=$?
  if [[ $PG_STARTED_BY_US == 1 ]]; then
    # Without systemd nothing would stop it: leave the machine as we found it.
    printf '%s stopping PostgreSQL %s/%s started for the installation\n' "$(stamp)" "$PG_VERSION" "$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop || true
  fi
  if [[ -n $WORK_DIR && -d $WORK_DIR ]]; then rm -rf "$WORK_DIR"; fi
  if [[ $code -ne 0 && -d $APP_DIR.new ]]; then rm -rf "$APP_DIR.new"; fi
  exit "$code"
}
trap cleanup EXIT

# Runs a command with its output in the log only, naming it on failure.
quiet() {
  printf '%s $ %s\n' "$(stamp)" "$*"
  "$@"
}

# ---------------------------------------------------------------------------------------------
# Small helpers.

have() { command -v "$1" >/dev/null 2>&1; }

random_secret() { openssl rand -hex "$1"; }

# Value of KEY in the env file (last assignment wins, as for systemd), or empty.
env_get() {
  local key=$1
  [[ -f $ENV_FILE ]] || return 0
  sed -n "s/^${key}=//p" "$ENV_FILE" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/'
}

# Appends KEY=VALUE unless KEY is already set: re-runs never overwrite what exists.
env_ensure() {
  local key=$1 value=$2
  if ! grep -q "^${key}=" "$ENV_FILE"; then
    printf '%s=%s\n' "$key" "$value" >>"$ENV_FILE"
    printf '%s added %s to %s\n' "$(stamp)" "$key" "$ENV_FILE"
  fi
}

state_get() {
  [[ -f $STATE_FILE ]] || return 0
  sed -n "s/^$1=//p" "$STATE_FILE" | tail -n 1
}

state_set() {
  local key=$1 value=$2 tmp
  mkdir -p "$ETC_DIR"
  tmp=$(mktemp "$ETC_DIR/.install.state.XXXXXX")
  if [[ -f $STATE_FILE ]]; then grep -v "^${key}=" "$STATE_FILE" >"$tmp" || true; fi
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$STATE_FILE"
}

# Renders a template: every {{ name }} is replaced by the value given as name=value. The templates
# use only plain variables, so they stay valid nunjucks (libs/render) while bash can fill them.
render() {
  local template=$1 out=$2
  shift 2
  [[ -f $template ]] || die "template $template is missing from the release"
  local -a vars=()
  local pair
  for pair in "$@"; do
    vars+=("MOXNAS_TPL_${pair%%=*}=${pair#*=}")
  done
  local tmp
  tmp=$(mktemp "$(dirname "$out")/.moxnas-render.XXXXXX")
  # shellcheck disable=SC2016 # an awk program, not shell expansions
  env "${vars[@]}" awk '
    {
      line = $0
      out = ""
      while (match(line, /\{\{ *[A-Za-z_][A-Za-z0-9_]* *\}\}/)) {
        token = substr(line, RSTART, RLENGTH)
        name = token
        gsub(/[{} ]/, "", name)
        key = "MOXNAS_TPL_" name
        if (!(key in ENVIRON)) { printf "template variable %s has no value\n", name > "/dev/stderr"; exit 3 }
        out = out substr(line, 1, RSTART - 1) ENVIRON[key]
        line = substr(line, RSTART + RLENGTH)
      }
      print out line
    }' "$template" >"$tmp" || { rm -f "$tmp"; die "could not render $template"; }
  chmod 644 "$tmp"
  mv -f "$tmp" "$out"
}

version_at_least() { # version_at_least MAJOR.MINOR.PATCH MIN_MAJOR MIN_MINOR
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1
  ((major > $2 || (major == $2 && minor >= $3)))
}

# Is this Node.js version (MAJOR.MINOR.PATCH, no prefix) one the app runs on? 20.19+, 22.13+ or
# 24.11+: require(esm) is unflagged from 20.19/22.12, and TypeORM supports exactly these lines
# (its engines: ^20.19.0 || ^22.13.0 || >=24.11.0); odd releases are not supported.
node_version_ok() {
  local major
  major=${1%%.*}
  [[ $major =~ ^[0-9]+$ ]] || return 1
  case $major in
    20) version_at_least "$1" 20 19 ;;
    22) version_at_least "$1" 22 13 ;;
    24) version_at_least "$1" 24 11 ;;
    *) ((major > 24)) ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Preflight.

parse_args() {
  while (($#)); do
    case $1 in
      --from)
        [[ $# -ge 2 && -n $2 ]] || usage_error "--from needs a tarball path"
        FROM_TARBALL=$2
        shift
        ;;
      --from=*) FROM_TARBALL=${1#--from=} ;;
      --artifact)
        [[ $# -ge 2 && -n $2 ]] || usage_error "--artifact needs a file or an https:// URL"
        ARTIFACT=$2
        shift
        ;;
      --artifact=*) ARTIFACT=${1#--artifact=} ;;
      --sha256)
        [[ $# -ge 2 && -n $2 ]] || usage_error "--sha256 needs a hex digest"
        ARTIFACT_SHA256=$2
        shift
        ;;
      --sha256=*) ARTIFACT_SHA256=${1#--sha256=} ;;
      --uninstall) [[ $MODE == purge ]] || MODE=uninstall ;;
      --purge) MODE=purge ;;
      --renew-cert) RENEW_CERT=1 ;;
      --rebuild) FORCE_REBUILD=1 ;;
      --upgrade) UPGRADE_REQUESTED=1 ;;
      --nfs) NFS_CHOICE=yes ;;
      --no-nfs) NFS_CHOICE=no ;;
      -h | --help)
        usage >&3
        exit 0
        ;;
      *) usage_error "unknown option: $1" ;;
    esac
    shift
  done
  if [[ -n $FROM_TARBALL && $MODE != install ]]; then usage_error "--from only applies to an installation"; fi
  if [[ -n $ARTIFACT && $MODE != install ]]; then usage_error "--artifact only applies to an installation"; fi
  if [[ -n $ARTIFACT && -n $FROM_TARBALL ]]; then usage_error "--from and --artifact exclude each other"; fi
  if [[ -n $ARTIFACT_SHA256 && -z $ARTIFACT ]]; then usage_error "--sha256 only applies with --artifact"; fi
  if [[ $UPGRADE_REQUESTED == 1 && $MODE != install ]]; then usage_error "--upgrade excludes --uninstall and --purge"; fi
  if [[ -n $ARTIFACT_SHA256 ]]; then
    ARTIFACT_SHA256=${ARTIFACT_SHA256,,}
    [[ $ARTIFACT_SHA256 =~ ^[0-9a-f]{64}$ ]] || usage_error "--sha256 must be 64 hex digits"
  fi
  if [[ $ARTIFACT == *://* ]]; then
    [[ $ARTIFACT == https://* ]] || usage_error "--artifact URL must be https://"
    [[ -n $ARTIFACT_SHA256 ]] || usage_error "--artifact with a URL needs --sha256 (the digest from the release's .sha256 file)"
  fi
}

check_root() {
  [[ $EUID -eq 0 ]] || die "run the installer as root (inside the container: pct enter <id>, then bash install.sh)"
}

check_os() {
  [[ -r /etc/os-release ]] || die "cannot read /etc/os-release: is this Debian or Ubuntu?"
  local id version codename
  # shellcheck source=/dev/null
  id=$(. /etc/os-release && printf '%s' "${ID:-}")
  # shellcheck source=/dev/null
  version=$(. /etc/os-release && printf '%s' "${VERSION_ID:-}")
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  OS_ID=$id
  OS_VERSION=${version:-$codename}
  case "$id:$version" in
    debian:12 | debian:13) ;;
    ubuntu:22.04 | ubuntu:24.04)
      note "OS: Ubuntu $version uses the same package names as Debian; redis-server (and nodejs) come from"
      note "    the universe component, which must be enabled."
      ;;
    debian:)
      # Debian testing has no VERSION_ID until release.
      [[ $codename == trixie ]] || unsupported_os "$id" "$codename"
      ;;
    *) unsupported_os "$id" "$version" ;;
  esac
  note "OS: $id $OS_VERSION"
}

unsupported_os() {
  if [[ ${MOXNAS_ALLOW_UNSUPPORTED_OS:-0} == 1 ]]; then
    warn "$1 $2 is not a supported release; continuing because MOXNAS_ALLOW_UNSUPPORTED_OS=1"
  else
    die "$1 $2 is not supported: use Debian 12/13 or Ubuntu 22.04/24.04 (or set MOXNAS_ALLOW_UNSUPPORTED_OS=1 to try anyway)"
  fi
}

detect_environment() {
  # sd_booted(3): systemd is the running init exactly when this directory exists.
  if [[ -d /run/systemd/system ]]; then SYSTEMD=1; fi
  if have systemd-detect-virt && systemd-detect-virt --quiet --chroot; then
    CHROOT=1
  elif [[ -r /proc/1/root && "$(stat -Lc %d:%i / 2>/dev/null)" != "$(stat -Lc %d:%i /proc/1/root/ 2>/dev/null)" ]]; then
    CHROOT=1
  fi
  local virt=
  if have systemd-detect-virt; then virt=$(systemd-detect-virt --container 2>/dev/null || true); fi
  if [[ -z $virt || $virt == none ]] && [[ -r /proc/1/environ ]]; then
    virt=$(tr '\0' '\n' </proc/1/environ 2>/dev/null | sed -n 's/^container=//p' | head -n 1 || true)
  fi
  if [[ -z $virt || $virt == none ]] && [[ -r /run/systemd/container ]]; then virt=$(head -n 1 /run/systemd/container); fi
  if [[ -e /dev/.lxc-boot-id && ( -z $virt || $virt == none ) ]]; then virt=lxc; fi
  case $virt in
    lxc | lxc-libvirt) CONTAINER=lxc ;;
    '' | none) CONTAINER=none ;;
    *) CONTAINER=$virt ;;
  esac
  # Outside a user namespace the map is the identity "0 0 4294967295".
  if [[ -r /proc/self/uid_map ]] && ! awk 'NR == 1 && $1 == 0 && $2 == 0 && $3 == 4294967295 { ok = 1 } END { exit !(ok && NR == 1) }' /proc/self/uid_map; then
    UNPRIVILEGED=1
  fi
  # /proc/fs/nfsd exists as an empty mount point on every kernel; only a registered nfsd
  # filesystem (module loaded on the host) means the kernel NFS server can run.
  if grep -qw nfsd /proc/filesystems 2>/dev/null || [[ -e /proc/fs/nfsd/exports ]]; then NFSD_KERNEL=1; fi

  if [[ $CHROOT == 1 ]]; then note "Running in a chroot."; fi
  if [[ $SYSTEMD == 1 ]]; then
    note "Service manager: systemd is PID 1: services are enabled and started."
  else
    note "Service manager: systemd is not PID 1: services are installed but not started; once started,"
    note "  the app supervises smbd, vsftpd and the NFS daemons itself (process driver)."
  fi
  case "$CONTAINER:$UNPRIVILEGED" in
    lxc:1)
      note "Container: unprivileged LXC."
      note "  NFS: the kernel NFS server cannot run in an unprivileged container; NFS shares stay"
      note "       unavailable. Create a privileged container with scripts/pve/moxnas-ct.sh --nfs if you need NFS."
      note "  ACLs: POSIX ACLs work where the filesystem supports them, but uids are shifted by the"
      note "       container's idmap: host files on bind mounts owned by uids outside the map show up as"
      note "       nobody/nogroup and are not writable until they are chowned to the mapped range (100000+)."
      ;;
    lxc:0)
      note "Container: privileged LXC."
      note "  NFS: possible when the Proxmox host has the nfsd module loaded and the container's AppArmor"
      note "       profile allows mounting nfsd (scripts/pve/moxnas-ct.sh --nfs sets this up)."
      note "  ACLs: full POSIX ACLs; uids are the same as on the host."
      ;;
    none:*) note "Container: none detected." ;;
    *) note "Container: $CONTAINER$([[ $UNPRIVILEGED == 1 ]] && printf ' (user namespace)')." ;;
  esac
}

decide_nfs() {
  case $NFS_CHOICE in
    yes)
      INSTALL_NFS=1
      [[ $NFSD_KERNEL == 1 ]] || warn "installing nfs-kernel-server on request, but the kernel NFS server is not available here yet"
      ;;
    no)
      INSTALL_NFS=0
      note "NFS: skipped (--no-nfs)."
      ;;
    auto)
      if [[ $UNPRIVILEGED == 1 ]]; then
        INSTALL_NFS=0
        note "NFS: skipping nfs-kernel-server: an unprivileged container cannot run the kernel NFS server."
      elif [[ $NFSD_KERNEL == 0 ]]; then
        INSTALL_NFS=0
        note "NFS: skipping nfs-kernel-server: the kernel has no nfsd loaded (on the Proxmox host: modprobe nfsd;"
        note "     then re-run this installer, or pass --nfs to install it anyway)."
      else
        INSTALL_NFS=1
      fi
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Packages and Node.js.

apt_get() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a quiet apt-get -y -q \
    -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

install_packages() {
  step "Installing system packages (apt)"
  apt_get update || die "apt-get update failed: check the container's network and /etc/apt/sources.list"
  local -a pkgs=(
    ca-certificates curl openssl iproute2 procps acl attr rsync openssh-client xz-utils
    postgresql redis-server samba samba-common-bin vsftpd nginx
  )
  if [[ $INSTALL_NFS == 1 ]]; then pkgs+=(nfs-kernel-server); fi
  local -a missing
  mapfile -t missing < <(apt_missing "${pkgs[@]}")
  if ((${#missing[@]})); then
    if [[ $OS_ID == ubuntu ]]; then
      local where="add universe after main on the deb lines of /etc/apt/sources.list"
      if [[ -f /etc/apt/sources.list.d/ubuntu.sources || $OS_VERSION != 22.04 ]]; then
        where="add universe to the Components: lines of /etc/apt/sources.list.d/ubuntu.sources"
      fi
      die "apt has no candidate for: ${missing[*]}. On Ubuntu, redis-server is in the universe
       component: $where (or run: add-apt-repository universe), then re-run the installer"
    fi
    die "apt has no candidate for: ${missing[*]}; check /etc/apt/sources.list (the distribution's main component is needed)"
  fi
  apt_get install --no-install-recommends "${pkgs[@]}" || die "installing packages failed (${pkgs[*]}); see the log"
  note "Installed: ${pkgs[*]}"
}

# The packages apt cannot install from the configured sources (no candidate version).
apt_missing() {
  local p
  for p in "$@"; do
    [[ -n $(apt_candidate "$p") ]] || printf '%s\n' "$p"
  done
}

# The version apt would install (epoch stripped), or empty.
apt_candidate() {
  local v
  v=$(LC_ALL=C apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
  [[ -n $v && $v != '(none)' ]] || return 0
  printf '%s' "${v#*:}"
}

node_ok() { # node_ok /path/to/node
  local v
  [[ -x $1 ]] || return 1
  v=$("$1" -p 'process.versions.node' 2>/dev/null) || return 1
  node_version_ok "$v"
}

# Is this node the distribution's nodejs package (whose npm is the separate npm package)?
node_from_distro_package() {
  local owner version
  owner=$(dpkg-query -S "$(readlink -f "$1")" 2>/dev/null | cut -d: -f1) || return 1
  [[ $owner == nodejs ]] || return 1
  version=$(dpkg-query -W -f='${Version}' nodejs 2>/dev/null) || return 1
  # NodeSource's nodejs (e.g. 20.19.0-1nodesource1) bundles npm and conflicts with Debian's.
  [[ $version != *nodesource* ]]
}

resolve_node() {
  step "Finding Node.js ${NODE_MIN}+ (or 22.13+, 24.11+)"
  local candidate
  if [[ -n ${MOXNAS_NODE:-} ]]; then
    node_ok "$MOXNAS_NODE" || die "MOXNAS_NODE=$MOXNAS_NODE is not an executable Node.js ${NODE_MIN}+ (or 22.13+, 24.11+)"
    NODE_BIN=$MOXNAS_NODE
  elif candidate=$(state_get node) && [[ -n $candidate ]] && node_ok "$candidate"; then
    NODE_BIN=$candidate # the one a previous run used
  elif candidate=$(command -v node 2>/dev/null) && node_ok "$candidate"; then
    NODE_BIN=$candidate
  else
    local apt_version
    apt_version=$(apt_candidate nodejs)
    if [[ -n $apt_version ]] && node_version_ok "${apt_version%%[+~-]*}"; then
      local -a node_pkgs=(nodejs npm)
      # A prebuilt artifact needs no npm.
      if [[ -n $ARTIFACT ]]; then node_pkgs=(nodejs); fi
      note "Installing the distribution's ${node_pkgs[*]} ($apt_version)"
      apt_get install --no-install-recommends "${node_pkgs[@]}" || die "installing ${node_pkgs[*]} from apt failed"
      if [[ $(state_get node_packages) != "nodejs npm" ]]; then state_set node_packages "${node_pkgs[*]}"; fi
      NODE_BIN=$(command -v node || command -v nodejs) || die "nodejs installed but no node binary found"
      node_ok "$NODE_BIN" || die "$NODE_BIN from the nodejs package does not run or is older than ${NODE_MIN}"
    else
      die "Node.js ${NODE_MIN}+ (or 22.13+, 24.11+) is needed and this release's nodejs package is ${apt_version:-not available}.
       Install Node.js 20.19 or newer yourself (for example the official linux-x64 tarball from
       nodejs.org unpacked to /opt/node, or NodeSource's packages), then re-run with
         MOXNAS_NODE=/opt/node/bin/node bash install.sh
       (Debian 12 and Ubuntu 22.04/24.04 need this; Debian 13's nodejs package is recent enough.)"
    fi
  fi
  NODE_BIN=$(readlink -f "$NODE_BIN")
  if [[ -n $ARTIFACT ]]; then
    note "Node.js $("$NODE_BIN" -p process.versions.node) at $NODE_BIN (a prebuilt artifact needs no npm)"
    return 0
  fi
  local node_dir npm_path=
  node_dir=$(dirname "$NODE_BIN")
  if [[ -n ${MOXNAS_NPM:-} ]]; then
    npm_path=$MOXNAS_NPM
  else
    for candidate in "$node_dir/npm" "$node_dir/../lib/node_modules/npm/bin/npm-cli.js" /usr/share/nodejs/npm/bin/npm-cli.js /usr/lib/node_modules/npm/bin/npm-cli.js "$(command -v npm 2>/dev/null || true)"; do
      if [[ -n $candidate && -e $candidate ]]; then
        npm_path=$candidate
        break
      fi
    done
  fi
  if [[ -z $npm_path && -z ${MOXNAS_NPM:-} ]] && node_from_distro_package "$NODE_BIN" && [[ -n $(apt_candidate npm) ]]; then
    # The distribution's node without its npm (nodejs was installed before, npm was not).
    note "Installing the distribution's npm for $NODE_BIN"
    apt_get install --no-install-recommends npm || die "installing npm from apt failed"
    npm_path=$(command -v npm || true)
  fi
  [[ -n $npm_path && -e $npm_path ]] || die "npm not found next to $NODE_BIN; set MOXNAS_NPM=/path/to/npm-cli.js"
  npm_path=$(readlink -f "$npm_path")
  # Run npm with our node whatever its shebang says; lifecycle scripts find node on PATH.
  NPM_CMD=("$NODE_BIN" "$npm_path")
  note "Node.js $("$NODE_BIN" -p process.versions.node) at $NODE_BIN, npm $("${NPM_CMD[@]}" --version 2>/dev/null) ($npm_path)"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL and Redis.

find_pg_cluster() {
  have pg_lsclusters || die "pg_lsclusters not found: the postgresql package did not install"
  local line
  line=$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { print; exit }')
  [[ -n $line ]] || line=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
  if [[ -z $line ]]; then
    local v
    v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
    [[ -n $v ]] || die "no PostgreSQL server version found under /usr/lib/postgresql"
    quiet pg_createcluster "$v" main || die "pg_createcluster $v main failed"
    line=$(pg_lsclusters --no-header | awk '$2 == "main" { print; exit }')
  fi
  read -r PG_VERSION PG_CLUSTER PG_PORT _ <<<"$line"
}

pg_running() { pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $4 }' | grep -q online; }

port_in_use() { # port_in_use PORT: is something already listening on it (in this network namespace)?
  if have ss; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

setup_postgres() {
  step "Setting up PostgreSQL"
  local existing_url
  existing_url=$(env_get DATABASE_URL)
  # An admin may point the app at another server; then the local cluster is not ours to manage.
  if [[ -n $existing_url && ! $existing_url =~ ^postgres(ql)?://${DB_USER}:[^@]+@(127\.0\.0\.1|localhost):[0-9]+/${DB_NAME}$ ]]; then
    note "DATABASE_URL in $ENV_FILE points elsewhere than the local $DB_USER database; leaving PostgreSQL alone"
    return 0
  fi
  find_pg_cluster
  local wanted=${MOXNAS_PG_PORT:-}
  if [[ -z $wanted && $existing_url =~ @(127\.0\.0\.1|localhost):([0-9]+)/ ]]; then wanted=${BASH_REMATCH[2]}; fi
  if [[ -n $wanted && $wanted != "$PG_PORT" ]]; then
    [[ $wanted =~ ^[0-9]+$ ]] || die "MOXNAS_PG_PORT must be a port number"
    note "Moving cluster $PG_VERSION/$PG_CLUSTER from port $PG_PORT to $wanted"
    if pg_running; then quiet pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop; fi
    quiet pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port "$wanted"
    PG_PORT=$wanted
  fi
  if ! pg_running; then
    if [[ $SYSTEMD == 1 ]]; then
      quiet systemctl enable --now postgresql || die "could not start PostgreSQL: systemctl status postgresql@${PG_VERSION}-${PG_CLUSTER}"
      quiet systemctl start "postgresql@${PG_VERSION}-${PG_CLUSTER}" || true
    else
      if port_in_use "$PG_PORT"; then
        die "port $PG_PORT is already in use, so PostgreSQL $PG_VERSION/$PG_CLUSTER cannot start.
       A chroot shares the host's network: re-run with MOXNAS_PG_PORT=<free port>."
      fi
      note "Starting PostgreSQL $PG_VERSION/$PG_CLUSTER for the installation (no systemd; it is stopped again at the end)"
      quiet pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || {
        tail -n 20 "/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log" >&4 2>/dev/null || true
        die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not start (log above)"
      }
      PG_STARTED_BY_US=1
    fi
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    pg_isready -q -p "$PG_PORT" -h /var/run/postgresql && break
    sleep 1
  done
  pg_isready -q -p "$PG_PORT" -h /var/run/postgresql || die "PostgreSQL on port $PG_PORT did not accept connections within 60 s"

  local password
  password=$(url_password "$existing_url")
  if [[ -z $password ]]; then password=$(random_secret 24); fi
  # The password travels on stdin, never in argv; failing statements are kept out of the server log.
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -h /var/run/postgresql -d postgres) <<SQL || die "creating the $DB_USER role and $DB_NAME database failed"
SET log_min_error_statement = panic;
SET log_statement = 'none';
SELECT 'CREATE ROLE ${DB_USER} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_USER}')\gexec
ALTER ROLE ${DB_USER} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}';
SELECT 'CREATE DATABASE ${DB_NAME} OWNER ${DB_USER} ENCODING ''UTF8'' LC_COLLATE ''C.UTF-8'' LC_CTYPE ''C.UTF-8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${DB_NAME}')\gexec
REVOKE ALL ON DATABASE ${DB_NAME} FROM PUBLIC;
SQL
  DB_PASSWORD=$password
  note "Database $DB_NAME and role $DB_USER ready on 127.0.0.1:$PG_PORT (PostgreSQL $PG_VERSION)"
}

url_password() { # the password part of scheme://user:password@host...
  local url=$1
  if [[ $url =~ ^[a-z]+://[^:/@]*:([^@]+)@ ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

setup_redis() {
  step "Setting up Redis"
  [[ -f $REDIS_CONF ]] || die "$REDIS_CONF not found: the redis-server package did not install"
  local existing_url password port
  existing_url=$(env_get REDIS_URL)
  password=$(url_password "$existing_url")
  if [[ -z $password && -f $REDIS_SNIPPET ]]; then password=$(sed -n 's/^requirepass //p' "$REDIS_SNIPPET" | tail -n 1); fi
  [[ -n $password ]] || password=$(random_secret 24)
  port=${MOXNAS_REDIS_PORT:-}
  if [[ -z $port && $existing_url =~ @(127\.0\.0\.1|localhost):([0-9]+) ]]; then port=${BASH_REMATCH[2]}; fi
  port=${port:-6379}
  [[ $port =~ ^[0-9]+$ ]] || die "MOXNAS_REDIS_PORT must be a port number"
  local tmp
  tmp=$(mktemp /etc/redis/.moxnas.conf.XXXXXX)
  chmod 640 "$tmp"
  cat >"$tmp" <<EOF
# Managed by MoxNAS install.sh, included at the end of $REDIS_CONF so these settings win.
# Loopback only, with a password: Redis holds sessions, rate limits and revocations.
bind 127.0.0.1
protected-mode yes
port $port
requirepass $password
EOF
  chown root:redis "$tmp" 2>/dev/null || true
  mv -f "$tmp" "$REDIS_SNIPPET"
  if ! grep -qx "include $REDIS_SNIPPET" "$REDIS_CONF"; then
    printf '\n# MoxNAS settings (bind, port, password); must stay the last line.\ninclude %s\n' "$REDIS_SNIPPET" >>"$REDIS_CONF"
  elif [[ $(grep -v '^[[:space:]]*$' "$REDIS_CONF" | tail -n 1) != "include $REDIS_SNIPPET" ]]; then
    warn "$REDIS_CONF has settings after 'include $REDIS_SNIPPET'; they override MoxNAS's bind/port/password"
  fi
  REDIS_PASSWORD=$password
  REDIS_PORT=$port
  if [[ $SYSTEMD == 1 ]]; then
    quiet systemctl enable redis-server
    quiet systemctl restart redis-server || die "redis-server did not restart with the new settings: systemctl status redis-server"
  fi
  note "Redis on 127.0.0.1:$port with a password (in $REDIS_SNIPPET, readable by root and redis only)"
}

# ---------------------------------------------------------------------------------------------
# Configuration.

write_env() {
  step "Writing $ENV_FILE"
  install -d -m 755 -o root -g root "$ETC_DIR"
  local env_existed=1
  if [[ ! -f $ENV_FILE ]]; then
    env_existed=0
    (
      umask 077
      cat >"$ENV_FILE" <<'EOF'
# MoxNAS environment: read by moxnas.service (EnvironmentFile) and the moxnas CLI.
# Secrets live here: keep this file root-only (mode 600). The installer adds missing keys on
# upgrade and never changes existing ones. Variables: docs/deployment.md and README.
EOF
    )
  fi
  chown root:root "$ENV_FILE"
  chmod 600 "$ENV_FILE"
  local app_port=${MOXNAS_APP_PORT:-8000}
  [[ $app_port =~ ^[0-9]+$ ]] || die "MOXNAS_APP_PORT must be a port number"
  if [[ -n ${DB_PASSWORD:-} ]]; then
    env_ensure DATABASE_URL "postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PG_PORT}/${DB_NAME}"
  fi
  env_ensure REDIS_URL "redis://:${REDIS_PASSWORD}@127.0.0.1:${REDIS_PORT}/0"
  env_ensure MOXNAS_DATA_DIR "$DATA_DIR"
  env_ensure MOXNAS_ETC_ROOT /
  env_ensure MOXNAS_WEB_ROOT "$APP_DIR/dist/web"
  env_ensure HOST 127.0.0.1
  env_ensure PORT "$app_port"
  env_ensure MOXNAS_TRUST_PROXY 1
  env_ensure MOXNAS_JWT_SECRET "$(random_secret 48)"
  APP_PORT=$(env_get PORT)
  if [[ $env_existed == 1 ]]; then note "$ENV_FILE kept (root-only, 600); only missing keys were added"; else
    note "$ENV_FILE created with new random secrets (root-only, 600)"
  fi
}

# ---------------------------------------------------------------------------------------------
# The application.

prepare_source() {
  if [[ -n $ARTIFACT ]]; then
    # A URL is downloaded once curl is installed (fetch_artifact); a file is checked now.
    if [[ $ARTIFACT != https://* ]]; then verify_artifact "$ARTIFACT"; fi
    return 0
  fi
  if [[ -n $FROM_TARBALL ]]; then
    [[ -f $FROM_TARBALL ]] || die "--from $FROM_TARBALL: no such file"
    WORK_DIR=$(mktemp -d /var/tmp/moxnas-src.XXXXXX)
    quiet tar -xzf "$FROM_TARBALL" -C "$WORK_DIR" --no-same-owner || die "cannot unpack $FROM_TARBALL (expected a .tar.gz)"
    SRC_DIR=$WORK_DIR
    local entries
    entries=$(find "$WORK_DIR" -mindepth 1 -maxdepth 1 | wc -l)
    if [[ ! -f $WORK_DIR/package.json && $entries -eq 1 ]]; then SRC_DIR=$(find "$WORK_DIR" -mindepth 1 -maxdepth 1 -type d); fi
  else
    SRC_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
  fi
  if [[ ! -f $SRC_DIR/package.json ]] || ! grep -q '"name": *"moxnas"' "$SRC_DIR/package.json"; then
    die "$SRC_DIR is not a MoxNAS source tree (no package.json named moxnas)"
  fi
  [[ -f $SRC_DIR/package-lock.json ]] || die "$SRC_DIR has no package-lock.json; npm ci needs it"
}

# Checks the artifact's SHA-256 (--sha256, else FILE.sha256 beside it) and unpacks it to SRC_DIR.
verify_artifact() {
  local file=$1 expected=$ARTIFACT_SHA256 actual
  [[ -f $file ]] || die "--artifact $file: no such file"
  if [[ -z $expected ]]; then
    [[ -f $file.sha256 ]] || die "--artifact $file: no $file.sha256 beside it; pass --sha256 <hex> instead"
    expected=$(awk 'NR == 1 { print tolower($1) }' "$file.sha256")
    [[ $expected =~ ^[0-9a-f]{64}$ ]] || die "$file.sha256 does not start with a SHA-256 digest"
  fi
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  [[ $actual == "$expected" ]] || die "--artifact $file: SHA-256 is $actual, expected $expected; nothing was installed"
  note "Artifact $file: SHA-256 $actual verified"
  [[ $(uname -m) == x86_64 ]] || die "the artifact is built for linux-x64; this machine is $(uname -m)"
  ARTIFACT_SHA256=$actual
  WORK_DIR=$(mktemp -d /var/tmp/moxnas-artifact.XXXXXX)
  quiet tar -xzf "$file" -C "$WORK_DIR" --no-same-owner || die "cannot unpack $file (expected a .tar.gz)"
  SRC_DIR=$(find "$WORK_DIR" -mindepth 1 -maxdepth 1 -type d -name 'moxnas-*' | head -n 1)
  [[ -n $SRC_DIR && -f $SRC_DIR/MANIFEST.sha256 ]] || die "$file is not a MoxNAS release artifact (no moxnas-*/MANIFEST.sha256)"
  (cd "$SRC_DIR" && quiet sha256sum --quiet --strict -c MANIFEST.sha256) || die "$file: files do not match its MANIFEST.sha256"
  local f
  for f in ARTIFACT dist/api/apps/api/src/main.js dist/cli/apps/cli/src/main.js dist/web/index.html templates/systemd/moxnas.service.njk; do
    [[ -f $SRC_DIR/$f ]] || die "$file has no $f"
  done
}

# Downloads an https:// artifact (curl is installed by then) and verifies it like a file.
fetch_artifact() {
  [[ $ARTIFACT == https://* ]] || return 0
  step "Downloading $ARTIFACT"
  local dir
  dir=$(mktemp -d /var/tmp/moxnas-download.XXXXXX)
  quiet curl -fsSL --proto '=https' --retry 3 -o "$dir/artifact.tar.gz" "$ARTIFACT" || { rm -rf "$dir"; die "downloading $ARTIFACT failed"; }
  verify_artifact "$dir/artifact.tar.gz"
  rm -rf "$dir"
}

# Installs the verified, unpacked artifact as the release: a copy, nothing built.
install_artifact() {
  local build=$1 fingerprint=$2 node_version=$3
  note "Copying the prebuilt release (no npm, no build)"
  cp -a "$SRC_DIR/." "$build/"
  printf 'version=%s\nsource=%s\nnode=%s\nbuilt=%s\nartifact=sha256:%s\n' \
    "$(sed -n 's/^version=//p' "$SRC_DIR/ARTIFACT" | head -n 1)" "$fingerprint" "$node_version" "$(date -u +%FT%TZ)" "$ARTIFACT_SHA256" \
    >"$build/RELEASE"
}

# What is copied into the release: the source tree minus dependencies, build output and local state.
copy_source() {
  tar -C "$1" -cf - \
    --exclude=node_modules --exclude=.git --exclude=.nx --exclude=.moxnas \
    --exclude=./dist --exclude=./coverage --exclude=./artifacts --exclude=./.env --exclude='*.log' . |
    tar -C "$2" -xf - --no-same-owner
}

source_fingerprint() {
  local tmp
  tmp=$(mktemp -d /var/tmp/moxnas-fp.XXXXXX)
  copy_source "$1" "$tmp"
  (cd "$tmp" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  rm -rf "$tmp"
}

# Runs a command in the build dir with our node first on PATH (npm lifecycle scripts call `node`)
# and Nx kept non-interactive, local and uncached.
in_build() {
  local dir=$1
  shift
  (cd "$dir" && quiet env PATH="$(dirname "$NODE_BIN"):$PATH" NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true CI=true "$@")
}

build_app() {
  step "Installing the app under $APP_DIR"
  local fingerprint node_version
  if [[ -n $ARTIFACT ]]; then fingerprint=artifact-$ARTIFACT_SHA256; else fingerprint=$(source_fingerprint "$SRC_DIR"); fi
  node_version=$("$NODE_BIN" -p process.versions.node)
  if [[ $FORCE_REBUILD == 0 && -f $APP_DIR/dist/api/apps/api/src/main.js && -f $APP_DIR/dist/cli/apps/cli/src/main.js &&
    "$(state_get source)" == "$fingerprint" && "$(state_get node_version)" == "$node_version" ]]; then
    note "The installed build matches this source and Node.js $node_version: nothing to rebuild (--rebuild forces it)"
    return 0
  fi
  local build=$APP_DIR.new
  rm -rf "$build"
  install -d -m 755 "$build"
  if [[ -n $ARTIFACT ]]; then
    install_artifact "$build" "$fingerprint" "$node_version"
  else
    build_from_source "$build" "$fingerprint" "$node_version"
  fi

  stop_app_for_upgrade
  if [[ -d $APP_DIR ]]; then backup_database; fi
  rm -rf "$APP_DIR.previous"
  if [[ -d $APP_DIR ]]; then mv "$APP_DIR" "$APP_DIR.previous"; fi
  mv "$build" "$APP_DIR"
  PREVIOUS_SOURCE=$(state_get source)
  PREVIOUS_NODE=$(state_get node_version)
  state_set source "$fingerprint"
  state_set node_version "$node_version"
  if [[ -d $APP_DIR.previous ]]; then ROLLBACK_ARMED=1; fi
  if [[ -d $APP_DIR.previous ]]; then note "The previous release is kept in $APP_DIR.previous for a manual rollback"; fi
  note "Installed $(sed -n 's/^version=//p' "$APP_DIR/RELEASE")"
}

# Builds the release from the source tree in $1: npm ci, the build, then only production dependencies.
build_from_source() {
  local build=$1 fingerprint=$2 node_version=$3
  copy_source "$SRC_DIR" "$build"
  # npm retries every package for minutes when the registry is unreachable; fail fast instead.
  in_build "$build" "${NPM_CMD[@]}" ping --loglevel=warn ||
    die "the npm registry is unreachable from this container (npm ping failed; see the log). Check DNS, proxy
       (HTTPS_PROXY) and, behind a TLS-inspecting proxy, NODE_EXTRA_CA_CERTS=/path/to/ca.pem"
  note "npm ci (all dependencies, for the build); this takes a few minutes"
  # NODE_ENV=production in the caller's environment would make npm ci skip the build tools.
  in_build "$build" env NODE_ENV=development "${NPM_CMD[@]}" ci --no-audit --no-fund --loglevel=warn ||
    die "npm ci failed; see the log (the npm registry must be reachable)"
  note "Building the API, CLI and dashboard"
  in_build "$build" "${NPM_CMD[@]}" run build || die "the build failed; see the log"
  local f
  for f in dist/api/apps/api/src/main.js dist/cli/apps/cli/src/main.js dist/web/index.html; do
    [[ -f $build/$f ]] || die "the build did not produce $f"
  done
  note "Removing build-only dependencies"
  in_build "$build" "${NPM_CMD[@]}" prune --omit=dev --no-audit --no-fund --loglevel=warn || die "npm prune failed; see the log"
  rm -rf "$build/.nx" "$build/dist/api/.tsbuildinfo" "$build/dist/cli/.tsbuildinfo"
  printf 'version=%s\nsource=%s\nnode=%s\nbuilt=%s\n' \
    "$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$build/package.json" | head -n 1)" "$fingerprint" "$node_version" "$(date -u +%FT%TZ)" \
    >"$build/RELEASE"
}

# pg_dump of the database before an upgrade swaps the release: what a rollback restores. The three
# newest are kept in $DATA_DIR/upgrade-backups.
backup_database() {
  local dir=$DATA_DIR/upgrade-backups version
  version=$(sed -n 's/^version=//p' "$APP_DIR/RELEASE" 2>/dev/null | head -n 1)
  install -d -m 700 -o root -g root "$dir"
  DB_BACKUP=$dir/$(date -u +%Y%m%dT%H%M%SZ)-${version:-unknown}.dump
  note "Backing up the database to $DB_BACKUP (restored should the upgrade fail)"
  (cd / && runuser -u postgres -- pg_dump -Fc -p "$PG_PORT" -h /var/run/postgresql -d "$DB_NAME") >"$DB_BACKUP.partial" ||
    { rm -f "$DB_BACKUP.partial"; die "pg_dump of $DB_NAME failed: the upgrade did not start, the installed release is unchanged"; }
  chmod 600 "$DB_BACKUP.partial"
  mv "$DB_BACKUP.partial" "$DB_BACKUP"
  find "$dir" -maxdepth 1 -name '*.dump' -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -f
}

restore_database() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -h /var/run/postgresql -d postgres) <<SQL || return 1
DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE);
CREATE DATABASE ${DB_NAME} OWNER ${DB_USER} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
REVOKE ALL ON DATABASE ${DB_NAME} FROM PUBLIC;
SQL
  (cd / && runuser -u postgres -- pg_restore --exit-on-error -p "$PG_PORT" -h /var/run/postgresql -d "$DB_NAME") <"$DB_BACKUP"
}

# The new release failed after it replaced the old one: put the old release and the database back,
# start it again, and stop with exit 1. Called from die and the ERR trap, once.
rollback() {
  ROLLBACK_ARMED=0
  trap - ERR
  set +e
  local failed old i
  failed=$(sed -n 's/^version=//p' "$APP_DIR/RELEASE" 2>/dev/null | head -n 1)
  say "==> The upgrade failed: rolling back to the previous release"
  if [[ $SYSTEMD == 1 ]]; then systemctl stop moxnas >/dev/null 2>&1; fi
  rm -rf "$APP_DIR.failed"
  mv "$APP_DIR" "$APP_DIR.failed" && mv "$APP_DIR.previous" "$APP_DIR"
  old=$(sed -n 's/^version=//p' "$APP_DIR/RELEASE" 2>/dev/null | head -n 1)
  state_set source "$PREVIOUS_SOURCE"
  state_set node_version "$PREVIOUS_NODE"
  if [[ -n $DB_BACKUP ]]; then
    if restore_database; then note "Database restored from $DB_BACKUP"; else
      printf 'ERROR: restoring %s failed: restore it by hand with pg_restore (see the log)\n' "$DB_BACKUP" >&4
    fi
  fi
  if [[ $SYSTEMD == 1 ]]; then
    (render_unit) || true
    systemctl restart moxnas >/dev/null 2>&1
    for ((i = 0; i < READY_TIMEOUT; i++)); do
      curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$APP_PORT/api/system/health/ready" && break
      sleep 1
    done
  fi
  printf 'ROLLED BACK: %s serves again with its database as it was before the upgrade; the failed release %s is kept in %s.\n' \
    "${old:-the previous release}" "${failed:-}" "$APP_DIR.failed" >&4
  printf '%s rolled back to %s (failed: %s)\n' "$(stamp)" "$old" "$failed"
  printf 'The full log is %s\n' "$LOG_FILE" >&4
  exit 1
}

APP_WAS_RUNNING=0
stop_app_for_upgrade() {
  if [[ $SYSTEMD == 1 ]] && systemctl is-active --quiet moxnas 2>/dev/null; then
    note "Stopping moxnas for the upgrade"
    quiet systemctl stop moxnas
    APP_WAS_RUNNING=1
  fi
}

install_cli() {
  local tmp
  tmp=$(mktemp /usr/local/bin/.moxnas.XXXXXX)
  cat >"$tmp" <<EOF
#!/bin/sh
# moxnas: the MoxNAS admin CLI. Written by install.sh; it loads the service's environment so the
# CLI sees exactly the configuration the app sees.
set -eu
env_file=$ENV_FILE
if [ ! -r "\$env_file" ]; then
  echo "moxnas: cannot read \$env_file: run as root (sudo moxnas ...)" >&2
  exit 77
fi
cd "$APP_DIR"
exec "$NODE_BIN" --env-file="\$env_file" "$APP_DIR/dist/cli/apps/cli/src/main.js" "\$@"
EOF
  chmod 755 "$tmp"
  mv -f "$tmp" "$CLI_WRAPPER"
  state_set node "$NODE_BIN"
}

prepare_data_dir() {
  install -d -m 700 -o root -g root "$DATA_DIR"
  # The app takes over these files; keep the distribution's originals once, for reference.
  local backup=$DATA_DIR/original-config f
  if [[ ! -d $backup ]]; then
    install -d -m 700 "$backup"
    for f in /etc/samba/smb.conf /etc/vsftpd.conf /etc/exports; do
      if [[ -f $f ]]; then cp -p "$f" "$backup/$(basename "$f")"; fi
    done
    note "Saved the distribution's smb.conf, vsftpd.conf and exports in $backup"
  fi
}

run_migrations() {
  step "Applying database migrations"
  "$CLI_WRAPPER" migrate >&3 2>&4 || die "moxnas migrate failed (see above); the database is unchanged past the last applied migration"
}

render_unit() {
  step "Installing the systemd unit"
  install -d -m 755 /etc/systemd/system
  render "$APP_DIR/templates/systemd/moxnas.service.njk" "$UNIT_FILE" \
    app_dir="$APP_DIR" env_file="$ENV_FILE" node="$NODE_BIN"
  if [[ $SYSTEMD == 1 ]]; then quiet systemctl daemon-reload; fi
  note "$UNIT_FILE"
}

# ---------------------------------------------------------------------------------------------
# TLS and nginx.

host_names() {
  local short fqdn
  short=$(hostname 2>/dev/null || cat /etc/hostname)
  fqdn=$(hostname -f 2>/dev/null || true)
  printf '%s\n' "$short" "$fqdn" localhost | awk 'NF && !seen[$0]++'
}

host_addresses() {
  {
    hostname -I 2>/dev/null | tr ' ' '\n'
    if have ip; then ip -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }'; fi
    printf '%s\n' 127.0.0.1 ::1
  } | grep -E '^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:]+)$' | grep -viE '^fe80:' | awk '!seen[$0]++'
}

make_certificate() {
  local cert=$TLS_DIR/moxnas.crt key=$TLS_DIR/moxnas.key
  install -d -m 700 -o root -g root "$TLS_DIR"
  local -a names addresses
  mapfile -t names < <(host_names)
  mapfile -t addresses < <(host_addresses)
  if [[ -f $cert && -f $key && $RENEW_CERT == 0 ]]; then
    local missing=() n sans
    sans=$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | tr -d ' ' | tr ',' '\n')
    # IPv6 addresses are printed expanded by openssl; names and IPv4 are compared as they are.
    for n in "${names[@]}" "${addresses[@]}"; do
      [[ $n == *:* ]] && continue
      grep -qixE "(DNS|IPAddress):${n//./\\.}" <<<"$sans" || missing+=("$n")
    done
    if ((${#missing[@]})); then
      warn "the certificate does not cover ${missing[*]}; re-run with --renew-cert to replace it"
    fi
    note "Keeping the existing certificate $cert"
    return 0
  fi
  step "Creating a self-signed TLS certificate"
  local cn conf i=0 j=0 n
  cn=${names[0]}
  conf=$(mktemp)
  {
    printf '[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n'
    printf '[dn]\nCN = %s\nO = MoxNAS (self-signed)\n' "$cn"
    printf '[v3]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n'
    printf 'extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nsubjectAltName = @alt\n[alt]\n'
    for n in "${names[@]}"; do printf 'DNS.%d = %s\n' "$((++i))" "$n"; done
    for n in "${addresses[@]}"; do printf 'IP.%d = %s\n' "$((++j))" "$n"; done
  } >"$conf"
  (
    umask 077
    quiet openssl req -x509 -new -config "$conf" -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -days 825 -keyout "$key.new" -out "$cert.new"
  ) || { rm -f "$conf"; die "openssl could not create the certificate"; }
  rm -f "$conf"
  chmod 600 "$key.new"
  chmod 644 "$cert.new"
  mv -f "$key.new" "$key"
  mv -f "$cert.new" "$cert"
  note "$cert for: ${names[*]} ${addresses[*]}"
}

render_nginx() {
  step "Configuring nginx"
  local v6_http='' v6_https=''
  # A container without IPv6 would make nginx fail to start on a [::] listen.
  if [[ -s /proc/net/if_inet6 ]]; then
    v6_http='    listen [::]:80 default_server;'
    v6_https='    listen [::]:443 ssl default_server;'
  fi
  local previous=
  if [[ -f $NGINX_SITE ]]; then
    previous=$(mktemp)
    cp -p "$NGINX_SITE" "$previous"
  fi
  render "$APP_DIR/templates/nginx/moxnas.conf.njk" "$NGINX_SITE" \
    app_port="$APP_PORT" tls_cert="$TLS_DIR/moxnas.crt" tls_key="$TLS_DIR/moxnas.key" \
    client_max_body_size=64m listen_v6_http="$v6_http" listen_v6_https="$v6_https"
  ln -sfn "$NGINX_SITE" "$NGINX_LINK"
  # Debian's default site also claims default_server on port 80.
  if [[ -L /etc/nginx/sites-enabled/default ]]; then
    rm -f /etc/nginx/sites-enabled/default
    state_set nginx_default_disabled 1
    note "Disabled nginx's default site (re-enabled by --uninstall)"
  fi
  if ! quiet nginx -t; then
    if [[ -n $previous ]]; then mv -f "$previous" "$NGINX_SITE"; else rm -f "$NGINX_SITE" "$NGINX_LINK"; fi
    die "nginx -t rejected the generated site; the previous configuration was restored (see the log)"
  fi
  if [[ -n $previous ]]; then rm -f "$previous"; fi
  note "nginx -t: configuration OK ($NGINX_SITE)"
}

render_prometheus_example() {
  local name address
  name=$(host_names | head -n 1)
  address=$(host_addresses | grep -vE '^(127\.|::1$)' | head -n 1 || true)
  render "$APP_DIR/templates/prometheus/prometheus.yml.njk" "$ETC_DIR/prometheus.example.yml" \
    tls_cert="$TLS_DIR/moxnas.crt" ca_file="/etc/prometheus/moxnas-$name.crt" server_name="$name" \
    target="${address:-$name}:443"
}

# ---------------------------------------------------------------------------------------------
# Services.

start_services() {
  step "Starting services"
  if [[ $SYSTEMD != 1 ]]; then
    note "systemd is not PID 1 here, so nothing is started. To run MoxNAS by hand:"
    if [[ -n $PG_VERSION ]]; then note "  pg_ctlcluster $PG_VERSION $PG_CLUSTER start"; fi
    note "  install -d -o redis -g redis /run/redis && runuser -u redis -- redis-server $REDIS_CONF --daemonize yes"
    note "  nginx"
    note "  cd $APP_DIR && $NODE_BIN --env-file=$ENV_FILE dist/api/apps/api/src/main.js"
    note "The app then supervises smbd, vsftpd and the NFS daemons itself (process driver)."
    return 0
  fi
  quiet systemctl enable postgresql redis-server nginx moxnas
  quiet systemctl restart moxnas || die "moxnas did not start: journalctl -u moxnas -n 50"
  if systemctl is-active --quiet nginx; then quiet systemctl reload nginx; else quiet systemctl start nginx; fi ||
    die "nginx did not start: systemctl status nginx"
  note "moxnas, nginx, postgresql and redis-server are enabled and running"
}

wait_ready() {
  [[ $SYSTEMD == 1 ]] || return 0
  step "Waiting for the app to become ready"
  local url="http://127.0.0.1:$APP_PORT/api/system/health/ready" i
  for ((i = 0; i < READY_TIMEOUT; i++)); do
    if curl -fsS -o /dev/null --max-time 3 "$url"; then
      note "Ready: $url answers 200"
      return 0
    fi
    if ! systemctl is-active --quiet moxnas; then break; fi
    sleep 1
  done
  journalctl -u moxnas -n 30 --no-pager >&4 2>/dev/null || true
  die "the app did not become ready within ${READY_TIMEOUT} s ($url). Check: journalctl -u moxnas; moxnas doctor"
}

print_summary() {
  local name address password_file=$DATA_DIR/initial-admin-password fingerprint
  name=$(host_names | head -n 1)
  address=$(host_addresses | grep -vE '^(127\.|::1$)' | head -n 1 || true)
  fingerprint=$(openssl x509 -in "$TLS_DIR/moxnas.crt" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2 || true)
  say ""
  say "MoxNAS is installed$([[ $UPGRADE == 1 ]] && printf ' (upgraded in place; data and secrets kept)')."
  say "  Dashboard:   https://${address:-$name}/   (also https://$name/)"
  say "  Certificate: self-signed, SHA-256 fingerprint $fingerprint"
  say "  Config:      $ENV_FILE (root only)   Data: $DATA_DIR   Log: $LOG_FILE"
  say "  CLI:         moxnas doctor | moxnas status | moxnas help"
  if [[ $SYSTEMD == 1 ]]; then
    local i
    # The app writes it once the database is ready (first start only).
    for ((i = 0; i < 20; i++)); do
      if [[ -s $password_file ]]; then break; fi
      sleep 1
    done
  fi
  if [[ -s $password_file ]]; then
    say "  First login: user admin, password $(head -n 1 "$password_file")"
    say "               (stored in $password_file; delete it once you have changed the password)"
  elif [[ $UPGRADE == 1 ]]; then
    say "  Log in with your existing admin account (moxnas reset-admin-password if it is lost)."
  else
    say "  First login: user admin; the app writes its one-time password to $password_file"
    say "               when it first starts$([[ $SYSTEMD == 1 ]] || printf ' (start it as shown above)')."
  fi
}

# ---------------------------------------------------------------------------------------------
# Uninstall.

uninstall() {
  step "Uninstalling MoxNAS ($MODE)"
  if [[ $SYSTEMD == 1 ]]; then
    systemctl disable --now moxnas >/dev/null 2>&1 || true
  else
    note "systemd is not PID 1: stop the app yourself if you started it by hand"
  fi
  rm -f "$UNIT_FILE"
  if [[ $SYSTEMD == 1 ]]; then quiet systemctl daemon-reload; fi
  rm -f "$NGINX_LINK" "$NGINX_SITE"
  if [[ $(state_get nginx_default_disabled) == 1 && -f /etc/nginx/sites-available/default && ! -e /etc/nginx/sites-enabled/default ]]; then
    ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
    note "Re-enabled nginx's default site"
  fi
  if [[ $SYSTEMD == 1 ]] && systemctl is-active --quiet nginx; then
    if nginx -t >/dev/null 2>&1; then quiet systemctl reload nginx; fi
  fi
  rm -f "$CLI_WRAPPER"
  rm -rf "$APP_DIR" "$APP_DIR.new" "$APP_DIR.previous" "$APP_DIR.failed"
  note "Removed $APP_DIR, $UNIT_FILE, the nginx site and $CLI_WRAPPER"

  if [[ $MODE != purge ]]; then
    say ""
    say "MoxNAS is uninstalled. Kept: the $DB_NAME database, $ETC_DIR (secrets, certificate) and $DATA_DIR."
    say "Re-running install.sh reinstalls it with the same data; install.sh --purge removes everything."
    return 0
  fi

  if have pg_lsclusters && pg_lsclusters --no-header 2>/dev/null | grep -q .; then
    find_pg_cluster
    if ! pg_running; then
      if [[ $SYSTEMD == 1 ]]; then quiet systemctl start postgresql; else
        quiet pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start && PG_STARTED_BY_US=1
      fi
    fi
    local i
    for ((i = 0; i < 30; i++)); do pg_isready -q -p "$PG_PORT" -h /var/run/postgresql && break; sleep 1; done
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -h /var/run/postgresql -d postgres) <<SQL || die "dropping the database failed"
DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE);
DROP ROLE IF EXISTS ${DB_USER};
SQL
    note "Dropped the $DB_NAME database and the $DB_USER role"
  fi
  if [[ -f $REDIS_CONF ]]; then
    sed -i -e "\|^include $REDIS_SNIPPET\$|d" -e '/^# MoxNAS settings (bind, port, password)/d' "$REDIS_CONF"
  fi
  rm -f "$REDIS_SNIPPET"
  if [[ $SYSTEMD == 1 ]]; then systemctl restart redis-server >/dev/null 2>&1 || true; fi
  local node_packages
  node_packages=$(state_get node_packages)
  rm -rf "$ETC_DIR" "$DATA_DIR"
  note "Removed $ETC_DIR, $DATA_DIR and the Redis settings"
  say ""
  say "MoxNAS is purged. The system packages stay installed; remove them with:"
  say "  apt-get purge postgresql redis-server samba vsftpd nfs-kernel-server nginx${node_packages:+ $node_packages}"
}

# ---------------------------------------------------------------------------------------------

main() {
  parse_args "$@"
  say "MoxNAS installer ($MODE), $(date -u +%FT%TZ); log: $LOG_FILE"
  check_root
  check_os
  detect_environment
  if [[ $MODE != install ]]; then
    uninstall
    return 0
  fi
  if [[ -f $APP_DIR/RELEASE ]]; then
    UPGRADE=1
    note "Existing installation found ($(sed -n 's/^version=//p' "$APP_DIR/RELEASE")): upgrading in place, keeping data and secrets."
  elif [[ $UPGRADE_REQUESTED == 1 ]]; then
    die "--upgrade: MoxNAS is not installed here ($APP_DIR/RELEASE is missing); run the installer without --upgrade to install it"
  elif [[ -f $ENV_FILE ]]; then
    note "Found $ENV_FILE from an earlier or interrupted install: its secrets are kept."
  fi
  prepare_source
  decide_nfs
  install_packages
  fetch_artifact
  resolve_node
  setup_postgres
  setup_redis
  write_env
  build_app
  install_cli
  prepare_data_dir
  run_migrations
  render_unit
  make_certificate
  render_nginx
  render_prometheus_example
  start_services
  wait_ready
  ROLLBACK_ARMED=0
  if [[ -d $APP_DIR.previous && $APP_WAS_RUNNING == 1 ]]; then note "The upgraded app is ready."; fi
  print_summary
}

main "$@"
