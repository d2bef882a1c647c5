#!/usr/bin/env bash
# Provides the PostgreSQL that the chat server's store tests run against (CI sets
# PRESENTER_REQUIRE_PG=1, so those tests fail instead of being skipped when it is missing).
#
# Run as root on Debian 12. Idempotent: installs the server if missing, creates and starts the
# default cluster without systemd (pg_ctlcluster), makes role presenter / password presenter and
# database presenter_test owned by it, and returns once that role can log in over TCP.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
PG_PORT=5432
PG_ROLE=presenter
PG_PASSWORD=presenter
PG_DATABASE=presenter_test

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "postgres.sh: installing postgresql"
  apt-get update -q
  apt-get install -y -q postgresql
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters --no-header | awk '{print $1 " " $2}' | grep -qx "$version main"; then
  echo "postgres.sh: creating cluster $version/main"
  pg_createcluster --port "$PG_PORT" "$version" main
fi

# Exit status 0: running; 3: stopped (anything else is a real problem).
status=0
pg_ctlcluster "$version" main status >/dev/null 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  echo "postgres.sh: starting cluster $version/main"
  pg_ctlcluster "$version" main start
fi

port=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
if [ "$port" != "$PG_PORT" ]; then
  echo "postgres.sh: cluster $version/main listens on port $port, the tests expect $PG_PORT" >&2
  exit 1
fi

for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done

as_postgres() {
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"
}

as_postgres -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;"

if [ -z "$(as_postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ]; then
  as_postgres -c "CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE"
fi

for _ in $(seq 1 30); do
  if PGPASSWORD=$PG_PASSWORD psql -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DATABASE" \
      -tA -c 'SELECT 1' >/dev/null 2>&1; then
    echo "postgres.sh: PostgreSQL $version ready: $PG_ROLE@127.0.0.1:$PG_PORT/$PG_DATABASE"
    exit 0
  fi
  sleep 1
done
echo "postgres.sh: $PG_ROLE cannot log in to $PG_DATABASE on 127.0.0.1:$PG_PORT" >&2
exit 1
