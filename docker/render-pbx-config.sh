#!/usr/bin/env bash
# Renders callplane's bundled PBX config templates into a target directory.
#
#   render-pbx-config.sh TEMPLATE_DIR OUTDIR   render every *.conf / *.xml template of TEMPLATE_DIR into OUTDIR
#   render-pbx-config.sh TEMPLATE_DIR --list   print the variables the templates need, one per line
#
# asterisk-config/render.sh and freeswitch-config/render.sh call this with their own folder.
#
# Only placeholders of the form ${CALLPLANE_NAME} are substituted, from environment variables of
# the same name. The PBX's own variables (${EXTEN}, $${domain}, ${callplane_did}, ...) are left
# alone. Nothing is written unless every placeholder has a non-empty value; secrets
# (*_PASSWORD, *_SECRET) must also be at least 8 characters and not a well-known default.
# Values are escaped for the target format: ';' → '\;' in Asterisk .conf files (';' starts a
# comment there), XML entities in .xml files. Existing files keep their owner and mode, and are
# copied once to NAME.callplane-orig before the first overwrite; new files get mode 0640.
set -euo pipefail
export LC_ALL=C

[[ $# -ge 1 && -d ${1:-} ]] || { echo "usage: $0 TEMPLATE_DIR OUTDIR | TEMPLATE_DIR --list" >&2; exit 2; }
here=$(cd "$1" && pwd)
shift
placeholder_re='\$\{CALLPLANE_[A-Z0-9_]*\}'
weak_secrets_re='^(ClueCon|1234|12345678|changeme|change-me|password|secret|admin)$'

usage() {
  echo "usage: $0 TEMPLATE_DIR OUTDIR | TEMPLATE_DIR --list" >&2
  exit 2
}

[[ $# -eq 1 && -n $1 ]] || usage

mapfile -t templates < <(cd "$here" && find . -type f \( -name '*.conf' -o -name '*.xml' \) | sed 's|^\./||' | sort)
if [[ ${#templates[@]} -eq 0 ]]; then
  echo "render.sh: no templates (*.conf, *.xml) found in $here" >&2
  exit 1
fi

find_placeholders() { # $1 = file → each distinct ${CALLPLANE_*} token on its own line
  local rc=0
  grep -oE "$placeholder_re" "$1" | sort -u || rc=$?
  # grep exits 1 when the file has no placeholder; anything else is a real error.
  ((rc <= 1)) || { echo "render.sh: cannot read $1" >&2; exit 1; }
}

# Variable name → the templates that use it.
declare -A used_in=()
for t in "${templates[@]}"; do
  tokens=$(find_placeholders "$here/$t")
  for token in $tokens; do
    name=${token:2:${#token}-3}
    used_in[$name]="${used_in[$name]:+${used_in[$name]}, }$t"
  done
done

if [[ $1 == --list ]]; then
  printf '%s\n' "${!used_in[@]}" | sort
  exit 0
fi
[[ $1 != -* ]] || usage
out=$1
if [[ -d $out && $(cd "$out" && pwd) == "$here" ]]; then
  echo "render.sh: OUTDIR is the template directory itself; render into the PBX's config directory instead" >&2
  exit 2
fi

problems=()
for name in $(printf '%s\n' "${!used_in[@]}" | sort); do
  value=${!name:-}
  if [[ -z $value ]]; then
    problems+=("$name is unset or empty (used in ${used_in[$name]})")
  elif [[ $value == *$'\n'* || $value == *$'\r'* ]]; then
    problems+=("$name contains a line break")
  elif [[ $value == *CHANGE_ME* ]]; then
    problems+=("$name still holds the CHANGE_ME placeholder of an example file")
  elif [[ $name == *_PASSWORD || $name == *_SECRET ]]; then
    if ((${#value} < 8)); then
      problems+=("$name is shorter than 8 characters")
    elif [[ $value =~ $weak_secrets_re ]]; then
      problems+=("$name is a well-known default ('$value'); choose a real secret")
    fi
  fi
done
if ((${#problems[@]} > 0)); then
  echo "render.sh: refusing to render, nothing was written:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  echo "Set the variables above (e.g. export them or 'set -a; . ./my.env; set +a') and run again." >&2
  exit 1
fi

escape_for() { # $1 = template path, $2 = raw value → escaped value on stdout
  local v=$2
  case $1 in
    *.xml)
      v=${v//'&'/'&amp;'}; v=${v//'<'/'&lt;'}; v=${v//'>'/'&gt;'}
      v=${v//'"'/'&quot;'}; v=${v//"'"/'&apos;'} ;;
    *.conf) v=${v//';'/'\;'} ;;
  esac
  printf '%s' "$v"
}

mkdir -p "$out"
for t in "${templates[@]}"; do
  content=$(cat "$here/$t"; printf x)
  content=${content%x}
  for name in "${!used_in[@]}"; do
    token="\${$name}"
    [[ $content == *"$token"* ]] || continue
    value=$(escape_for "$t" "${!name}")
    content=${content//"$token"/"$value"}
  done
  target="$out/$t"
  mkdir -p "$(dirname "$target")"
  if [[ -e $target ]]; then
    [[ -e $target.callplane-orig ]] || cp -p "$target" "$target.callplane-orig"
    printf '%s' "$content" >"$target"
  else
    tmp=$(mktemp "$target.XXXXXX")
    printf '%s' "$content" >"$tmp"
    chmod 0640 "$tmp"
    mv "$tmp" "$target"
  fi
  echo "rendered $target"
done
