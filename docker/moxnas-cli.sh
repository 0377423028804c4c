#!/usr/bin/env bash
# moxnas: the admin CLI inside the container, with the same environment as the app
# (docker compose exec app moxnas status).
set -euo pipefail
# shellcheck source=docker/env.sh
. /usr/local/lib/moxnas/env.sh
moxnas_load_secret_files
cd /opt/moxnas
exec node dist/cli/apps/cli/src/main.js "$@"
