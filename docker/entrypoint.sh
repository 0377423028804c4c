#!/usr/bin/env bash
# MoxNAS container entrypoint. `serve` (the default) prepares the state directories the app and the
# daemons expect on a fresh container and runs the app; anything else is executed as given
# (for example: docker compose run --rm app moxnas doctor).
set -euo pipefail

# shellcheck source=docker/env.sh
. /usr/local/lib/moxnas/env.sh
moxnas_load_secret_files

if [[ ${1:-serve} != serve ]]; then
  exec "$@"
fi

for var in DATABASE_URL MOXNAS_JWT_SECRET; do
  if [[ -z ${!var:-} ]]; then
    echo "moxnas: $var is not set (see .env.example); refusing to start without it" >&2
    exit 1
  fi
done

# /run and the log dirs are empty in a new container; the packages expect these to exist.
install -d -m 700 "${MOXNAS_DATA_DIR:-/var/lib/moxnas}"
install -d -m 755 /run/samba /var/log/samba /var/cache/samba /var/lib/samba
install -d -m 700 /var/lib/samba/private
install -d -m 755 /var/run/vsftpd/empty

cd /opt/moxnas
# Same V8 flag as the systemd unit (bench/README.md, memory).
exec node --max-semi-space-size=4 dist/api/apps/api/src/main.js
