#!/usr/bin/env bash
# Creates the sync server's PostgreSQL role and database, owned by the role,
# reached over the local socket with peer authentication (no password): the
# role has the name of the service's system user. Rerunning changes nothing.
# Usage: sudo deploy/server/setup-postgres.sh [ROLE [DATABASE]]
set -euo pipefail
role=${1:-toolkiosk-server}
db=${2:-toolkiosk}

psql() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Variables (:'x' literals, :"x" identifiers) are quoted by psql itself; they
# work on standard input only, not with -c.
if [ -z "$(psql -tA -v role="$role" <<< "SELECT 1 FROM pg_roles WHERE rolname = :'role'")" ]; then
    psql -v role="$role" <<< 'CREATE ROLE :"role" LOGIN;'
fi
if [ -z "$(psql -tA -v db="$db" <<< "SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
    psql -v role="$role" -v db="$db" <<< 'CREATE DATABASE :"db" OWNER :"role";'
fi
echo "PostgreSQL: database $db owned by role $role."
echo "Set TOOLKIOSK_DATABASE_URL=postgresql:///$db in /etc/toolkiosk-server/server.env"
