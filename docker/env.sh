# shellcheck shell=bash
# Sourced by the entrypoint and the moxnas CLI wrapper: secrets may be given as files
# (VAR_FILE=/run/secrets/...), the Docker and compose secrets convention, instead of plain VAR.

moxnas_load_secret_files() {
  local var file_var file
  for var in DATABASE_URL REDIS_URL MOXNAS_JWT_SECRET MOXNAS_ADMIN_PASSWORD; do
    file_var="${var}_FILE"
    file=${!file_var:-}
    [[ -n $file ]] || continue
    if [[ -n ${!var:-} ]]; then
      echo "moxnas: both $var and $file_var are set; set only one" >&2
      return 1
    fi
    if [[ ! -r $file ]]; then
      echo "moxnas: $file_var=$file is not readable" >&2
      return 1
    fi
    # Trailing newlines in secret files are not part of the secret.
    export "$var=$(<"$file")"
    unset "$file_var"
  done
}
