#!/usr/bin/env bash
# moxnas-ct.sh: on a Proxmox VE host, create an LXC container for MoxNAS from a release artifact
# (npm run package) and install it, or upgrade the MoxNAS in one. See docs/deployment.md.
#
#   moxnas-ct.sh --artifact moxnas-0.1.0-linux-x64.tar.gz        # 1 core, 512 MiB, 4 GiB, Debian 13
#   var_cpu=2 var_ram=1024 moxnas-ct.sh --artifact https://example.org/moxnas-0.1.0-linux-x64.tar.gz --sha256 HEX
#   moxnas-ct.sh update 120 --artifact moxnas-0.2.0-linux-x64.tar.gz
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_DIR
readonly LOG_FILE=${MOXNAS_CT_LOG:-/var/log/moxnas-ct.log}
# Overridable so the script can be exercised away from a real Proxmox host.
readonly PVE_LXC_DIR=${MOXNAS_PVE_LXC_DIR:-/etc/pve/lxc}
readonly MODULES_LOAD_DIR=${MOXNAS_MODULES_LOAD_DIR:-/etc/modules-load.d}
readonly NFS_APPARMOR_PROFILE=lxc-container-default-with-nfsd
# Where --artifact defaults from: the output of npm run package in this checkout.
readonly RELEASE_DIR=${MOXNAS_CT_RELEASE_DIR:-$REPO_DIR/dist/release}
# Where install.sh keeps the first admin password (its DATA_DIR).
readonly PASSWORD_FILE=/var/lib/moxnas/initial-admin-password
# What is pushed into the container, and removed from it once the installer has run.
readonly CT_ARTIFACT=/root/moxnas-artifact.tar.gz
readonly CT_SOURCE=/root/moxnas-src.tar.gz
readonly CT_INSTALLER=/root/moxnas-install.sh
readonly CT_NODE_DIST=/root/node-dist.tar.xz

# The defaults, each overridable with its community-scripts variable (a flag wins over both).
ACTION=create
CT_ID=${var_ctid:-}
CT_HOSTNAME=${var_hostname:-moxnas}
TEMPLATE=${var_template:-}
STORAGE=${var_storage:-local-lvm}
TEMPLATE_STORAGE=${var_template_storage:-local}
CORES=${var_cpu:-1}
MEMORY=${var_ram:-512}
SWAP=${var_swap:-512}
DISK=${var_disk:-4}
OS=${var_os:-debian}
OS_VERSION=${var_version:-13}
UNPRIVILEGED=${var_unprivileged:-1}
BRIDGE=${var_bridge:-vmbr0}
IP=${var_net:-dhcp}
NFS=0
MOUNTS=()
ARTIFACT=
ARTIFACT_SHA256=
SOURCE=
NODE_DIST=
SSH_KEYS=
DRY_RUN=0
WORK_DIR=

usage() {
  cat <<'USAGE'
Usage: moxnas-ct.sh [options]              create a container and install MoxNAS in it
       moxnas-ct.sh update ID [options]    upgrade MoxNAS in container ID (rolled back on failure)

Creates an unprivileged Debian LXC container on this Proxmox VE host, starts it and installs a
MoxNAS release artifact in it: no npm and no build in the container, apt is its only network.

Release:
  --artifact FILE|URL     moxnas-<version>-linux-x64.tar.gz from `npm run package`. Its checksum is
                          FILE.sha256 beside it, or --sha256; an https:// URL needs --sha256.
                          Default: the newest one in dist/release/ of this checkout.
  --sha256 HEX            The artifact's SHA-256.
  --source FILE           Build from a source tarball inside the container instead of an artifact
                          (npm registry needed there, at least 1024 MiB of memory).

Container (create)       flag                    environment            default
  id                     --id N                  var_ctid               next free id (pvesh)
  hostname               --hostname NAME         var_hostname           moxnas
  CPU cores              --cores N               var_cpu                1
  memory (MiB)           --memory MIB            var_ram                512
  swap (MiB)             --swap MIB              var_swap               512
  root disk (GiB)        --disk GIB              var_disk               4
  template OS            --os NAME               var_os                 debian
  template release       --os-version N          var_version            13 (or 12)
  unprivileged           --unprivileged 0|1      var_unprivileged       1
  root disk storage      --storage NAME          var_storage            local-lvm (checked with pvesm)
  template storage       --template-storage NAME var_template_storage   local
  template               --template VOLID        var_template           newest debian-<release>-standard
                                                                        in pveam list, else downloaded
  bridge                 --bridge NAME           var_bridge             vmbr0
  IPv4                   --ip dhcp|CIDR[,GW]     var_net                dhcp
  --mount HOST:CT         Bind-mount a host directory into the container (repeatable: mp0, mp1, ...)
  --ssh-public-keys FILE  Authorized keys for root in the container (no password is set)
  --nfs                   Make the container able to serve NFS: privileged, AppArmor profile
                          lxc-container-default-with-nfsd, nfsd loaded on the host
  --node-dist FILE        Node.js linux-x64 .tar.xz from nodejs.org, unpacked to /opt/node in the
                          container: Debian 12's nodejs is 18, MoxNAS needs 20.19+. Debian 13 needs none.

  --dry-run               Print every command instead of running it (nothing is changed)
  -h, --help              Show this help

Exit codes: 0 success, 1 a command failed, 2 bad arguments.
USAGE
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
# Every file this script makes on the host lives in WORK_DIR, which goes in every case.
trap '[[ -z $WORK_DIR ]] || rm -rf "$WORK_DIR"' EXIT

# Shell-quotes only what needs it, so printed commands are exact and copy-pasteable.
quote() {
  local a out=()
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  printf '%s' "${out[*]}"
}

# Prints a command, then runs it unless --dry-run; its output goes to the terminal and the log.
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
# Arguments.

need_value() { [[ $# -ge 2 && -n $2 && $2 != --* ]] || bad_usage "$1 needs a value"; }

parse_args() {
  if [[ ${1:-} == update ]]; then
    ACTION=update
    [[ $# -ge 2 && $2 != -* ]] || bad_usage "update needs the container id: moxnas-ct.sh update ID"
    CT_ID=$2
    shift 2
  fi
  while (($#)); do
    case $1 in
      --id | --hostname | --template | --storage | --template-storage | --cores | --memory | --swap | --disk | --os | --os-version | \
        --unprivileged | --bridge | --ip | --mount | --artifact | --sha256 | --source | --node-dist | --ssh-public-keys)
        need_value "$@"
        if [[ $ACTION == update && $1 != --artifact && $1 != --sha256 && $1 != --node-dist ]]; then
          bad_usage "$1 does not apply to update (only --artifact, --sha256, --node-dist, --dry-run)"
        fi
        case $1 in
          --id) CT_ID=$2 ;;
          --hostname) CT_HOSTNAME=$2 ;;
          --template) TEMPLATE=$2 ;;
          --storage) STORAGE=$2 ;;
          --template-storage) TEMPLATE_STORAGE=$2 ;;
          --cores) CORES=$2 ;;
          --memory) MEMORY=$2 ;;
          --swap) SWAP=$2 ;;
          --disk) DISK=$2 ;;
          --os) OS=$2 ;;
          --os-version) OS_VERSION=$2 ;;
          --unprivileged) UNPRIVILEGED=$2 ;;
          --bridge) BRIDGE=$2 ;;
          --ip) IP=$2 ;;
          --mount) MOUNTS+=("$2") ;;
          --artifact) ARTIFACT=$2 ;;
          --sha256) ARTIFACT_SHA256=${2,,} ;;
          --source) SOURCE=$2 ;;
          --node-dist) NODE_DIST=$2 ;;
          --ssh-public-keys) SSH_KEYS=$2 ;;
        esac
        shift 2
        ;;
      --nfs)
        [[ $ACTION == create ]] || bad_usage "--nfs does not apply to update"
        NFS=1 && shift
        ;;
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

validate_release() {
  if [[ -n $ARTIFACT && -n $SOURCE ]]; then bad_usage "--artifact and --source exclude each other"; fi
  if [[ -n $ARTIFACT_SHA256 && ! $ARTIFACT_SHA256 =~ ^[0-9a-f]{64}$ ]]; then bad_usage "--sha256 must be 64 hex digits (got '$ARTIFACT_SHA256')"; fi
  if [[ -n $ARTIFACT_SHA256 && -z $ARTIFACT ]]; then bad_usage "--sha256 only applies with --artifact"; fi
  if [[ -n $SOURCE && ! -f $SOURCE ]]; then bad_usage "--source $SOURCE: no such file"; fi
  if [[ -n $NODE_DIST && ! -f $NODE_DIST ]]; then bad_usage "--node-dist $NODE_DIST: no such file"; fi
  if [[ $ARTIFACT == http://* ]]; then bad_usage "--artifact URL must be https://"; fi
  if [[ $ARTIFACT == https://* && -z $ARTIFACT_SHA256 ]]; then bad_usage "--artifact with a URL needs --sha256 (the digest from the release's .sha256 file)"; fi
  if [[ -n $ARTIFACT && $ARTIFACT != https://* && ! -f $ARTIFACT ]]; then bad_usage "--artifact $ARTIFACT: no such file"; fi
  if [[ -z $ARTIFACT && -z $SOURCE ]]; then
    ARTIFACT=$(find "$RELEASE_DIR" -maxdepth 1 -name 'moxnas-*-linux-x64.tar.gz' 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $ARTIFACT ]] || bad_usage "--artifact is required: a release file or https:// URL (build one with npm run package)"
  fi
  return 0
}

NET0=
validate() {
  if [[ -n $CT_ID ]]; then int_in_range "$CT_ID" 100 999999999 || bad_usage "--id must be a number from 100 to 999999999 (got '$CT_ID')"; fi
  validate_release
  [[ $ACTION == create ]] || return 0
  [[ $CT_HOSTNAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$ ]] ||
    bad_usage "--hostname '$CT_HOSTNAME' is not a valid host name (letters, digits, hyphens)"
  if [[ -n $TEMPLATE && ! $TEMPLATE =~ ^[A-Za-z0-9_.-]+:vztmpl/[^[:space:],]+$ && ! $TEMPLATE =~ ^/[^[:space:],]+$ ]]; then
    bad_usage "--template must be a volume id like local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst (got '$TEMPLATE')"
  fi
  [[ $OS == debian ]] || bad_usage "--os (var_os) must be debian: MoxNAS is installed and tested on Debian 12 and 13 (got '$OS')"
  [[ $OS_VERSION == 12 || $OS_VERSION == 13 ]] || bad_usage "--os-version (var_version) must be 12 or 13 (got '$OS_VERSION')"
  [[ $UNPRIVILEGED == 0 || $UNPRIVILEGED == 1 ]] || bad_usage "--unprivileged (var_unprivileged) must be 0 or 1 (got '$UNPRIVILEGED')"
  [[ $STORAGE =~ ^[A-Za-z][A-Za-z0-9_.-]*$ ]] || bad_usage "--storage '$STORAGE' is not a storage name"
  [[ $TEMPLATE_STORAGE =~ ^[A-Za-z][A-Za-z0-9_.-]*$ ]] || bad_usage "--template-storage '$TEMPLATE_STORAGE' is not a storage name"
  int_in_range "$CORES" 1 512 || bad_usage "--cores (var_cpu) must be a number from 1 to 512 (got '$CORES')"
  if [[ -n $SOURCE ]]; then
    int_in_range "$MEMORY" 1024 4194304 || bad_usage "--memory (var_ram) must be at least 1024 MiB to build from --source (got '$MEMORY')"
  else
    int_in_range "$MEMORY" 512 4194304 || bad_usage "--memory (var_ram) must be at least 512 MiB (got '$MEMORY')"
  fi
  int_in_range "$SWAP" 0 4194304 || bad_usage "--swap (var_swap) must be a number of MiB (got '$SWAP')"
  int_in_range "$DISK" 4 131072 || bad_usage "--disk (var_disk) must be at least 4 GiB (got '$DISK')"
  [[ $BRIDGE =~ ^[A-Za-z][A-Za-z0-9_.-]{0,14}$ ]] || bad_usage "--bridge '$BRIDGE' is not an interface name"
  validate_ip
  validate_mounts
  if [[ -n $SSH_KEYS && ! -f $SSH_KEYS ]]; then bad_usage "--ssh-public-keys $SSH_KEYS: no such file"; fi
  return 0
}

validate_ip() {
  NET0="name=eth0,bridge=$BRIDGE"
  if [[ $IP == dhcp ]]; then
    NET0+=",ip=dhcp"
    return 0
  fi
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
}

validate_mounts() {
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
}

# ---------------------------------------------------------------------------------------------
# Look-ups on the host. They only read, so --dry-run runs them too (when the tool is there).

# The storages that can hold what CONTENT names (rootdir: container disks; vztmpl: templates).
storages_for() { pvesm status -content "$1" 2>/dev/null | awk 'NR > 1 { print $1 }'; }

check_storage() { # check_storage NAME CONTENT FLAG
  local name=$1 content=$2 flag=$3 list
  if ! command -v pvesm >/dev/null 2>&1; then
    [[ $DRY_RUN == 1 ]] || die "pvesm not found: run this on a Proxmox VE host"
    say "NOTE: pvesm is not available, so $flag $name was not checked"
    return 0
  fi
  list=$(storages_for "$content")
  if ! grep -qxF "$name" <<<"$list"; then
    bad_usage "$flag '$name' is not a storage for $content on this host (pvesm status -content $content lists: $(tr '\n' ' ' <<<"$list" | sed 's/ *$//; s/ /, /g'))"
  fi
}

resolve_template() {
  [[ -z $TEMPLATE ]] || return 0
  command -v pveam >/dev/null 2>&1 || bad_usage "--template is required when pveam is not available"
  local pattern="$OS-$OS_VERSION-standard_" name
  TEMPLATE=$(pveam list "$TEMPLATE_STORAGE" 2>/dev/null | awk '{ print $1 }' | grep -F "vztmpl/$pattern" | sort -V | tail -n 1 || true)
  [[ -z $TEMPLATE ]] || return 0
  check_storage "$TEMPLATE_STORAGE" vztmpl --template-storage
  say "==> No $OS $OS_VERSION template in $TEMPLATE_STORAGE: downloading the newest one"
  run pveam update
  name=$(pveam available --section system 2>/dev/null | awk '{ print $2 }' | grep "^$pattern" | sort -V | tail -n 1 || true)
  [[ -n $name ]] || die "pveam offers no $pattern* template (pveam available --section system)"
  run pveam download "$TEMPLATE_STORAGE" "$name"
  TEMPLATE=$TEMPLATE_STORAGE:vztmpl/$name
}

resolve_defaults() {
  if [[ -z $CT_ID ]]; then
    command -v pvesh >/dev/null 2>&1 || bad_usage "--id is required when pvesh is not available"
    CT_ID=$(pvesh get /cluster/nextid) || die "pvesh get /cluster/nextid failed"
  fi
  check_storage "$STORAGE" rootdir --storage
  resolve_template
  if [[ $TEMPLATE == *debian-12-* && -z $NODE_DIST ]]; then
    say "NOTE: Debian 12's nodejs is 18; MoxNAS needs 20.19+. Pass --node-dist node-v20.19.x-linux-x64.tar.xz (from nodejs.org),"
    say "      or use Debian 13 (the default). Without it the installer stops with instructions."
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
  if [[ $ACTION == create ]]; then
    if pct status "$CT_ID" >/dev/null 2>&1; then die "container $CT_ID already exists; choose another --id"; fi
  else
    local status
    status=$(pct status "$CT_ID" 2>/dev/null) || die "container $CT_ID does not exist (pct list shows the ids)"
    [[ $status == *running* ]] || die "container $CT_ID is not running ($status): pct start $CT_ID"
  fi
}

explain() {
  if [[ $NFS == 1 ]]; then
    say "--nfs: the container is PRIVILEGED. The kernel NFS server (nfsd) does not work in a user namespace,"
    say "       so an unprivileged container cannot export NFS. It also gets the AppArmor profile"
    say "       $NFS_APPARMOR_PROFILE (which allows mounting the nfsd and rpc_pipefs filesystems), and"
    say "       this host loads the nfsd module now and at boot. Root in a privileged container is root on"
    say "       the host: use it only for trusted workloads."
  elif [[ $UNPRIVILEGED == 0 ]]; then
    say "var_unprivileged=0: the container is PRIVILEGED (root in it is root on the host)."
  else
    say "Unprivileged container (the safe default): SMB and FTP shares work; NFS does not (use --nfs for that)."
    if ((${#MOUNTS[@]})); then
      say "Bind mounts in an unprivileged container: host uid N appears as N-100000 inside. Give the container's"
      say "users access with e.g. chown -R 100000:100000 HOST_PATH, or map ids with lxc.idmap."
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# The release: verified here, its own installer taken from it, both pushed into the container.

ARTIFACT_FILE=
INSTALLER=

prepare_release() {
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/moxnas-ct.XXXXXX")
  if [[ -n $SOURCE ]]; then
    [[ -f $REPO_DIR/scripts/install.sh ]] || die "--source needs scripts/install.sh beside this script's checkout"
    INSTALLER=$REPO_DIR/scripts/install.sh
    return 0
  fi
  if [[ $ARTIFACT == https://* ]]; then
    ARTIFACT_FILE=$WORK_DIR/$(basename "${ARTIFACT%%\?*}")
    run curl -fsSL --proto =https --retry 3 -o "$ARTIFACT_FILE" "$ARTIFACT"
  else
    ARTIFACT_FILE=$ARTIFACT
  fi
  INSTALLER=$WORK_DIR/install.sh
  # A dry run downloads nothing: the URL's file is not there to check.
  if [[ $DRY_RUN == 1 && ! -f $ARTIFACT_FILE ]]; then return 0; fi
  local expected=$ARTIFACT_SHA256 actual
  if [[ -z $expected ]]; then
    [[ -f $ARTIFACT_FILE.sha256 ]] || bad_usage "--artifact $ARTIFACT_FILE: no $ARTIFACT_FILE.sha256 beside it; pass --sha256 HEX"
    expected=$(awk 'NR == 1 { print tolower($1) }' "$ARTIFACT_FILE.sha256")
  fi
  actual=$(sha256sum "$ARTIFACT_FILE" | cut -d' ' -f1)
  [[ $actual == "$expected" ]] || die "$ARTIFACT_FILE: SHA-256 is $actual, expected $expected; nothing was changed"
  ARTIFACT_SHA256=$actual
  say "Artifact $(basename "$ARTIFACT_FILE"): SHA-256 $actual verified"
  # The artifact's own installer, so that the release and the script that installs it match.
  tar -xzf "$ARTIFACT_FILE" -C "$WORK_DIR" --wildcards --strip-components=2 'moxnas-*/scripts/install.sh' 2>/dev/null ||
    die "$ARTIFACT_FILE holds no moxnas-*/scripts/install.sh: is it a MoxNAS release artifact?"
}

push_and_install() {
  local -a installer=(bash "$CT_INSTALLER") cleanup=(rm -f "$CT_INSTALLER")
  if [[ -n $SOURCE ]]; then
    run pct push "$CT_ID" "$SOURCE" "$CT_SOURCE"
    installer+=(--from "$CT_SOURCE")
    cleanup+=("$CT_SOURCE")
  else
    run pct push "$CT_ID" "$ARTIFACT_FILE" "$CT_ARTIFACT"
    installer+=(--artifact "$CT_ARTIFACT" --sha256 "$ARTIFACT_SHA256")
    cleanup+=("$CT_ARTIFACT")
  fi
  run pct push "$CT_ID" "$INSTALLER" "$CT_INSTALLER" --perms 0755
  if [[ $ACTION == update ]]; then installer+=(--upgrade); fi
  if [[ $NFS == 1 ]]; then installer+=(--nfs); fi
  local -a env=()
  if [[ -n $NODE_DIST ]]; then
    run pct push "$CT_ID" "$NODE_DIST" "$CT_NODE_DIST"
    run pct exec "$CT_ID" -- mkdir -p /opt/node
    run pct exec "$CT_ID" -- tar -xJf "$CT_NODE_DIST" -C /opt/node --strip-components=1
    env=(env MOXNAS_NODE=/opt/node/bin/node)
    cleanup+=("$CT_NODE_DIST")
  fi
  say "==> Running the installer in the container"
  run pct exec "$CT_ID" -- "${env[@]}" "${installer[@]}"
  run pct exec "$CT_ID" -- "${cleanup[@]}"
}

create_container() {
  local features=nesting=1 unprivileged=$UNPRIVILEGED
  if [[ $NFS == 1 ]]; then unprivileged=0; fi
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
}

summary() {
  say ""
  if [[ $DRY_RUN == 1 ]]; then
    say "Dry run complete: nothing was changed."
    return 0
  fi
  local address
  address=$(pct exec "$CT_ID" -- hostname -I 2>/dev/null | awk '{ print $1 }' || true)
  if [[ $ACTION == update ]]; then
    say "Container $CT_ID is upgraded: https://${address:-<container address>}/"
    return 0
  fi
  say "Container $CT_ID is ready."
  say "  Dashboard:            https://${address:-<container address>}/"
  say "  First admin password: pct exec $CT_ID -- cat $PASSWORD_FILE"
  say "  Shell:                pct enter $CT_ID"
  say "  Upgrade later:        moxnas-ct.sh update $CT_ID --artifact NEW-ARTIFACT"
}

main() {
  parse_args "$@"
  validate
  if [[ $ACTION == create ]]; then resolve_defaults; fi
  preflight
  prepare_release
  if [[ $ACTION == create ]]; then
    explain
    create_container
  else
    say "==> Upgrading MoxNAS in container $CT_ID"
  fi
  say "==> Pushing the release into the container"
  push_and_install
  summary
}

main "$@"
