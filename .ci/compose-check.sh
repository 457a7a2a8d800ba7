#!/usr/bin/env bash
# Validates docker-compose.yml with Debian's docker-compose (1.29; no Docker engine needed for
# `config`), using docker/callplane.env.example for the variables. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "compose-check: installing Debian's docker-compose"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi

env_file=docker/callplane.env.example
# Every profile, so the PBX and demo services are checked too.
profiles=(--profile asterisk --profile freeswitch --profile demo)
docker-compose -f docker-compose.yml --env-file "$env_file" "${profiles[@]}" config -q
services=$(docker-compose -f docker-compose.yml --env-file "$env_file" "${profiles[@]}" config --services | sort | tr '\n' ' ')
echo "compose-check: docker-compose.yml is valid ($(docker-compose version --short)); services: $services"
