#!/usr/bin/env bash
# moxnas-ct.sh: on a Proxmox VE host, create an LXC container for MoxNAS, start it, push the
# installer and the source into it and run the installer. See docs/deployment.md.
#
#   moxnas-ct.sh --id 120 --template local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst \
#                --mount /tank/media:/srv/media
#   moxnas-ct.sh --id 121 --nfs --ip 192.168.1.50/24,192.168.1.1 --dry-run
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_DIR
readonly LOG_FILE=${MOXNAS_CT_LOG:-/var/log/moxnas-ct.log}
# Overridable so the script can be exercised away from a real Proxmox host.
readonly PVE_LXC_DIR=${MOXNAS_PVE_LXC_DIR:-/etc/pve/lxc}
readonly MODULES_LOAD_DIR=${MOXNAS_MODULES_LOAD_DIR:-/etc/modules-load.d}
readonly NFS_APPARMOR_PROFILE=lxc-container-default-with-nfsd

CT_ID=
CT_HOSTNAME=moxnas
TEMPLATE=
STORAGE=local-lvm
CORES=2
MEMORY=2048
SWAP=512
DISK=16
BRIDGE=vmbr0
IP=dhcp
NFS=0
MOUNTS=()
SOURCE=
NODE_DIST=
SSH_KEYS=
DRY_RUN=0

usage() {
  cat <<'EOF'
Usage: moxnas-ct.sh [options]

Creates a Debian LXC container for MoxNAS on this Proxmox VE host, starts it, and runs the
MoxNAS installer inside it.

Container:
  --id N                 Container id (default: the next free id from pvesh)
  --hostname NAME        Hostname (default: moxnas)
  --template VOLID       OS template, e.g. local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst
                         (default: the newest Debian 13, else 12, standard template in `pveam list local`)
  --storage NAME         Storage for the root disk (default: local-lvm)
  --cores N              CPU cores (default: 2)
  --memory MIB           Memory in MiB (default: 2048; the build needs at least 1024)
  --swap MIB             Swap in MiB (default: 512)
  --disk GIB             Root disk size in GiB (default: 16, at least 8)
  --bridge NAME          Network bridge (default: vmbr0)
  --ip dhcp|CIDR[,GW]    IPv4 address: dhcp (default), or e.g. 192.168.1.50/24,192.168.1.1
  --mount HOST:CT        Bind-mount a host directory into the container (repeatable: mp0, mp1, ...)
  --ssh-public-keys FILE Authorized keys for root in the container (no password is set)
  --nfs                  Make the container able to serve NFS: privileged, AppArmor profile
                         lxc-container-default-with-nfsd, nfsd loaded on the host

Installation:
  --source FILE          MoxNAS source tarball to install (default: this checkout, packed with tar)
  --node-dist FILE       Node.js linux-x64 .tar.xz from nodejs.org, unpacked to /opt/node in the
                         container; needed for Debian 12 templates (nodejs 18). Debian 13 needs none.

  --dry-run              Print every command instead of running it (nothing is changed)
  -h, --help             Show this help

Exit codes: 0 success, 1 a command failed, 2 bad arguments.
EOF
}

# ---------------------------------------------------------------------------------------------

say() {
  printf '%s\n' "$*"
  if [[ $DRY_RUN == 0 ]]; then printf '%s %s\n' "$(date '+%F %T')" "$*" >>"$LOG_FILE"; fi
}

bad_usage() {
  printf 'moxnas-ct.sh: %s\n\n' "$1" >&2
  usage >&2
  exit 2
}

die() {
  printf 'ERROR: %s\n' "$*" >&2
  if [[ $DRY_RUN == 0 ]]; then
    printf '%s ERROR: %s\n' "$(date '+%F %T')" "$*" >>"$LOG_FILE"
    printf 'The log is %s\n' "$LOG_FILE" >&2
  fi
  exit 1
}

trap 'die "command failed at line $LINENO: $BASH_COMMAND"' ERR

# Shell-quotes only what needs it, so printed commands are exact and copy-pasteable.
quote() {
  local a out=()
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  printf '%s' "${out[*]}"
}

# Prints a command, then runs it unless --dry-run; its output goes to the terminal and the log.
# Returns the command's exit code.
run_status() {
  printf '+ %s\n' "$(quote "$@")"
  [[ $DRY_RUN == 1 ]] && return 0
  printf '%s + %s\n' "$(date '+%F %T')" "$(quote "$@")" >>"$LOG_FILE"
  "$@" 2>&1 | tee -a "$LOG_FILE"
}

# As run_status, stopping the script when the command fails.
run() {
  run_status "$@" || die "this command failed (exit code $?): $(quote "$@")"
}

# As run_status, for commands whose failure is expected and harmless.
run_tolerant() {
  run_status "$@" || say "    (exit code $?; continuing)"
}

# Appends a line to a file (host configuration), printed like a command.
append_line() {
  local file=$1 line=$2
  printf '+ %s\n' "$(quote append "$line" to "$file")"
  [[ $DRY_RUN == 1 ]] && return 0
  grep -qxF "$line" "$file" 2>/dev/null || printf '%s\n' "$line" >>"$file"
}

# ---------------------------------------------------------------------------------------------

need_value() { [[ $# -ge 2 && -n $2 && $2 != --* ]] || bad_usage "$1 needs a value"; }

parse_args() {
  while (($#)); do
    case $1 in
      --id | --hostname | --template | --storage | --cores | --memory | --swap | --disk | --bridge | --ip | --mount | --source | --node-dist | --ssh-public-keys)
        need_value "$@"
        case $1 in
          --id) CT_ID=$2 ;;
          --hostname) CT_HOSTNAME=$2 ;;
          --template) TEMPLATE=$2 ;;
          --storage) STORAGE=$2 ;;
          --cores) CORES=$2 ;;
          --memory) MEMORY=$2 ;;
          --swap) SWAP=$2 ;;
          --disk) DISK=$2 ;;
          --bridge) BRIDGE=$2 ;;
          --ip) IP=$2 ;;
          --mount) MOUNTS+=("$2") ;;
          --source) SOURCE=$2 ;;
          --node-dist) NODE_DIST=$2 ;;
          --ssh-public-keys) SSH_KEYS=$2 ;;
        esac
        shift 2
        ;;
      --nfs) NFS=1 && shift ;;
      --dry-run) DRY_RUN=1 && shift ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) bad_usage "unknown argument: $1" ;;
    esac
  done
}

int_in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
ipv4() {
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local o
  for o in "${BASH_REMATCH[@]:1}"; do ((10#$o <= 255)) || return 1; done
}

NET0=
validate() {
  if [[ -n $CT_ID ]]; then int_in_range "$CT_ID" 100 999999999 || bad_usage "--id must be a number from 100 to 999999999 (got '$CT_ID')"; fi
  [[ $CT_HOSTNAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$ ]] ||
    bad_usage "--hostname '$CT_HOSTNAME' is not a valid host name (letters, digits, hyphens)"
  if [[ -n $TEMPLATE && ! $TEMPLATE =~ ^[A-Za-z0-9_.-]+:vztmpl/[^[:space:],]+$ && ! $TEMPLATE =~ ^/[^[:space:],]+$ ]]; then
    bad_usage "--template must be a volume id like local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst (got '$TEMPLATE')"
  fi
  [[ $STORAGE =~ ^[A-Za-z][A-Za-z0-9_.-]*$ ]] || bad_usage "--storage '$STORAGE' is not a storage name"
  int_in_range "$CORES" 1 512 || bad_usage "--cores must be a number from 1 to 512 (got '$CORES')"
  int_in_range "$MEMORY" 1024 4194304 || bad_usage "--memory must be at least 1024 MiB: building MoxNAS needs it (got '$MEMORY')"
  int_in_range "$SWAP" 0 4194304 || bad_usage "--swap must be a number of MiB (got '$SWAP')"
  int_in_range "$DISK" 8 131072 || bad_usage "--disk must be at least 8 GiB (got '$DISK')"
  [[ $BRIDGE =~ ^[A-Za-z][A-Za-z0-9_.-]{0,14}$ ]] || bad_usage "--bridge '$BRIDGE' is not an interface name"

  NET0="name=eth0,bridge=$BRIDGE"
  if [[ $IP == dhcp ]]; then
    NET0+=",ip=dhcp"
  else
    local cidr gw=
    cidr=${IP%%,*}
    [[ $IP == *,* ]] && gw=${IP#*,} && gw=${gw#gw=}
    local addr=${cidr%/*} prefix=${cidr#*/}
    if [[ $cidr != */* ]] || ! ipv4 "$addr" || ! int_in_range "$prefix" 1 32; then
      bad_usage "--ip must be dhcp or an IPv4 address with prefix and optional gateway, e.g. 192.168.1.50/24,192.168.1.1 (got '$IP')"
    fi
    if [[ -n $gw ]] && ! ipv4 "$gw"; then bad_usage "--ip gateway '$gw' is not an IPv4 address"; fi
    NET0+=",ip=$cidr"
    if [[ -n $gw ]]; then NET0+=",gw=$gw"; fi
  fi

  local m host ct
  ((${#MOUNTS[@]} <= 256)) || bad_usage "at most 256 --mount options (mp0..mp255)"
  for m in "${MOUNTS[@]}"; do
    [[ $m == *:* ]] || bad_usage "--mount needs HOST_PATH:CT_PATH (got '$m')"
    host=${m%%:*}
    ct=${m#*:}
    [[ $host == /* && $ct == /* ]] || bad_usage "--mount paths must be absolute (got '$m')"
    [[ $ct != / ]] || bad_usage "--mount cannot mount over the container's root (got '$m')"
    [[ $host != *[,=[:space:]]* && $ct != *[,=:[:space:]]* ]] || bad_usage "--mount paths cannot contain commas, '=', ':' or spaces (got '$m')"
    [[ -d $host ]] || bad_usage "--mount host path $host is not a directory on this host"
  done
  if [[ -n $SOURCE && ! -f $SOURCE ]]; then bad_usage "--source $SOURCE: no such file"; fi
  if [[ -n $NODE_DIST && ! -f $NODE_DIST ]]; then bad_usage "--node-dist $NODE_DIST: no such file"; fi
  if [[ -n $SSH_KEYS && ! -f $SSH_KEYS ]]; then bad_usage "--ssh-public-keys $SSH_KEYS: no such file"; fi
  return 0
}

# Read-only look-ups for defaults; with --dry-run they run only when the tool is there.
resolve_defaults() {
  if [[ -z $CT_ID ]]; then
    command -v pvesh >/dev/null 2>&1 || bad_usage "--id is required when pvesh is not available"
    CT_ID=$(pvesh get /cluster/nextid) || die "pvesh get /cluster/nextid failed"
  fi
  if [[ -z $TEMPLATE ]]; then
    command -v pveam >/dev/null 2>&1 || bad_usage "--template is required when pveam is not available"
    TEMPLATE=$(pveam list local 2>/dev/null | awk '{ print $1 }' | grep -E 'vztmpl/debian-13-standard_' | sort -V | tail -n 1 || true)
    [[ -n $TEMPLATE ]] || TEMPLATE=$(pveam list local 2>/dev/null | awk '{ print $1 }' | grep -E 'vztmpl/debian-12-standard_' | sort -V | tail -n 1 || true)
    [[ -n $TEMPLATE ]] || die "no Debian template in local storage: pveam update && pveam available --section system | grep debian; then pveam download local <name>"
  fi
  if [[ $TEMPLATE == *debian-12-* && -z $NODE_DIST ]]; then
    say "NOTE: Debian 12's nodejs is 18; MoxNAS needs 20+. Pass --node-dist node-v20.x-linux-x64.tar.xz (from nodejs.org),"
    say "      or use a Debian 13 template. Without it the installer stops with instructions."
  fi
}

preflight() {
  if [[ $DRY_RUN == 1 ]]; then
    say "Dry run: printing the commands; nothing is changed."
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "run as root on the Proxmox VE host"
  command -v pct >/dev/null 2>&1 || die "pct not found: run this on a Proxmox VE host"
  mkdir -p "$(dirname "$LOG_FILE")"
  touch "$LOG_FILE"
  chmod 600 "$LOG_FILE"
  if pct status "$CT_ID" >/dev/null 2>&1; then die "container $CT_ID already exists; choose another --id"; fi
}

explain() {
  if [[ $NFS == 1 ]]; then
    say "--nfs: the container is PRIVILEGED. The kernel NFS server (nfsd) does not work in a user namespace,"
    say "       so an unprivileged container cannot export NFS. It also gets the AppArmor profile"
    say "       $NFS_APPARMOR_PROFILE (which allows mounting the nfsd and rpc_pipefs filesystems), and"
    say "       this host loads the nfsd module now and at boot. Root in a privileged container is root on"
    say "       the host: use it only for trusted workloads."
  else
    say "Unprivileged container (the safe default): SMB and FTP shares work; NFS does not (use --nfs for that)."
    if ((${#MOUNTS[@]})); then
      say "Bind mounts in an unprivileged container: host uid N appears as N-100000 inside. Give the container's"
      say "users access with e.g. chown -R 100000:100000 HOST_PATH, or map ids with lxc.idmap."
    fi
  fi
}

make_source_tarball() {
  if [[ -n $SOURCE ]]; then
    TARBALL=$SOURCE
    return 0
  fi
  TARBALL=${TMPDIR:-/tmp}/moxnas-src-$CT_ID.tar.gz
  run tar -czf "$TARBALL" -C "$REPO_DIR" --exclude=node_modules --exclude=.git --exclude=.nx --exclude=.moxnas \
    --exclude=./dist --exclude=./coverage --exclude=./artifacts --exclude=./.env .
}

main() {
  parse_args "$@"
  validate
  resolve_defaults
  preflight
  explain

  local unprivileged=1 features=nesting=1
  [[ $NFS == 1 ]] && unprivileged=0
  local -a create=(pct create "$CT_ID" "$TEMPLATE"
    --hostname "$CT_HOSTNAME"
    --cores "$CORES" --memory "$MEMORY" --swap "$SWAP"
    --rootfs "$STORAGE:$DISK"
    --net0 "$NET0"
    --unprivileged "$unprivileged"
    --features "$features"
    --onboot 1)
  local i
  for i in "${!MOUNTS[@]}"; do
    create+=("--mp$i" "${MOUNTS[$i]%%:*},mp=${MOUNTS[$i]#*:}")
  done
  if [[ -n $SSH_KEYS ]]; then create+=(--ssh-public-keys "$SSH_KEYS"); fi

  say "==> Creating container $CT_ID ($CT_HOSTNAME)"
  run "${create[@]}"
  if [[ $NFS == 1 ]]; then
    append_line "$PVE_LXC_DIR/$CT_ID.conf" "lxc.apparmor.profile: $NFS_APPARMOR_PROFILE"
    run modprobe nfsd
    append_line "$MODULES_LOAD_DIR/moxnas-nfsd.conf" nfsd
  fi

  say "==> Starting it"
  run pct start "$CT_ID"
  # Waits for boot to finish; "degraded" (exit 1) is normal in many templates.
  run_tolerant pct exec "$CT_ID" -- systemctl is-system-running --wait

  say "==> Pushing MoxNAS into the container"
  make_source_tarball
  run pct push "$CT_ID" "$TARBALL" /root/moxnas-src.tar.gz
  run pct push "$CT_ID" "$REPO_DIR/scripts/install.sh" /root/moxnas-install.sh --perms 0755
  local -a env=(env)
  if [[ -n $NODE_DIST ]]; then
    run pct push "$CT_ID" "$NODE_DIST" /root/node-dist.tar.xz
    run pct exec "$CT_ID" -- mkdir -p /opt/node
    run pct exec "$CT_ID" -- tar -xJf /root/node-dist.tar.xz -C /opt/node --strip-components=1
    env+=(MOXNAS_NODE=/opt/node/bin/node)
  fi

  say "==> Running the installer in the container"
  local -a installer=(bash /root/moxnas-install.sh --from /root/moxnas-src.tar.gz)
  if [[ $NFS == 1 ]]; then installer+=(--nfs); fi
  if ((${#env[@]} > 1)); then
    run pct exec "$CT_ID" -- "${env[@]}" "${installer[@]}"
  else
    run pct exec "$CT_ID" -- "${installer[@]}"
  fi

  say ""
  if [[ $DRY_RUN == 1 ]]; then
    say "Dry run complete: no container was created."
  else
    say "Container $CT_ID is ready. The dashboard URL and the first admin password are printed above."
    say "Shell in the container: pct enter $CT_ID    Re-run the installer (upgrade): pct exec $CT_ID -- bash /root/moxnas-install.sh --from FILE"
  fi
}

main "$@"
