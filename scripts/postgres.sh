# Sourced by scripts/test and bench scripts: a throw-away PostgreSQL from Debian's packages.
#   postgres_start   installs (if needed) and starts the cluster, creates role and database,
#                    exports POSTGRES_URL
#   postgres_stop    stops the cluster again (only if postgres_start started it)

POSTGRES_ROLE=${POSTGRES_ROLE:-calgraph}
POSTGRES_DB=${POSTGRES_DB:-calgraph}
POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-calgraph}
_postgres_started=""

postgres_start() {
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    echo "== installing PostgreSQL from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start
    _postgres_started="$version"
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
  runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$POSTGRES_ROLE') THEN
    CREATE ROLE $POSTGRES_ROLE LOGIN CREATEDB PASSWORD '$POSTGRES_PASSWORD';
  ELSE
    ALTER ROLE $POSTGRES_ROLE LOGIN CREATEDB PASSWORD '$POSTGRES_PASSWORD';
  END IF;
END \$\$;
SQL
  if ! runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='$POSTGRES_DB'" | grep -q 1; then
    runuser -u postgres -- createdb -p "$port" -O "$POSTGRES_ROLE" "$POSTGRES_DB"
  fi
  export POSTGRES_URL="postgresql://$POSTGRES_ROLE:$POSTGRES_PASSWORD@127.0.0.1:$port/$POSTGRES_DB"
}

postgres_stop() {
  if [ -n "$_postgres_started" ]; then
    pg_ctlcluster "$_postgres_started" main stop || true
  fi
}
