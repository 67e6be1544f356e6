#!/bin/sh
# postgres container init (docker-entrypoint-initdb.d, first start on an empty
# volume only): make each service's own database and user with the same
# script `make run` uses, mounted at /opt/mentornet/create-databases by
# docker-compose.yml.  The init server listens on its socket only.
# Safe to be run or sourced (the entrypoint sources .sh files that are not
# executable): no exec, no exit, no set -e.
ADMIN_DATABASE_URL="postgresql://${POSTGRES_USER:-postgres}@/postgres?host=/var/run/postgresql" \
    sh /opt/mentornet/create-databases
