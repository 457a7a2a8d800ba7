#!/bin/sh
# Refuses to start while any environment value still holds the CHANGE_ME placeholder of
# docker/callplane.env.example, then runs the given command (callplane or pbx-sim).
set -eu
placeholders=$(env | grep 'CHANGE_ME' | cut -d= -f1 || true)
if [ -n "$placeholders" ]; then
  echo "callplane: these variables still hold the CHANGE_ME placeholder from callplane.env.example:" >&2
  echo "$placeholders" | sed 's/^/  /' >&2
  echo "Set real values in .env (e.g. openssl rand -hex 32) and start again." >&2
  exit 78
fi
exec "$@"
