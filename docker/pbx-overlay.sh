#!/bin/sh
# Lays callplane's rendered PBX config over a PBX image's own config directory, then runs the PBX.
#   pbx-overlay.sh SRC DEST -- command [args...]
# SRC holds the files render.sh produced (asterisk-config/ or freeswitch-config/), DEST is the PBX's
# config directory (/etc/asterisk, /etc/freeswitch). Copied files take DEST's owner, so a PBX that
# drops root privileges can still read them. For FreeSWITCH, vars.xml gets the include line for
# callplane_vars.xml once. POSIX sh: PBX images rarely ship bash.
set -eu
if [ $# -lt 4 ] || [ "$3" != "--" ]; then
  echo "usage: $0 SRC DEST -- command [args...]" >&2
  exit 2
fi
src=$1
dest=$2
shift 3
[ -d "$src" ] || { echo "pbx-overlay: $src does not exist (did the *-config service run?)" >&2; exit 1; }
mkdir -p "$dest"
owner=$(stat -c '%u:%g' "$dest")
(cd "$src" && find . -type f ! -name '*.callplane-orig') | while IFS= read -r f; do
  mkdir -p "$dest/$(dirname "$f")"
  cp "$src/$f" "$dest/$f"
  chown "$owner" "$dest/$f"
  chmod 0640 "$dest/$f"
  echo "pbx-overlay: $dest/${f#./}"
done
include='<X-PRE-PROCESS cmd="include" data="callplane_vars.xml"/>'
if [ -f "$src/callplane_vars.xml" ] && [ -f "$dest/vars.xml" ] && ! grep -q 'data="callplane_vars.xml"' "$dest/vars.xml"; then
  # Insert before the closing </include> of vars.xml (its last line in the vanilla file).
  sed -i "s|</include>|  $include\n</include>|" "$dest/vars.xml"
  echo "pbx-overlay: added the callplane_vars.xml include to $dest/vars.xml"
fi
exec "$@"
