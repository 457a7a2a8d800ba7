#!/usr/bin/env bash
# Renders this folder's templates: ./render.sh OUTDIR | ./render.sh --list
# (the logic lives in docker/render-pbx-config.sh, shared with the other PBX's folder).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/../docker/render-pbx-config.sh" "$here" "$@"
