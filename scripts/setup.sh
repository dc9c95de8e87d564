#!/usr/bin/env bash
# Sets up what the project needs, idempotently and fast on a second run.
#
#   scripts/setup.sh run    Python environments only (the embedded default needs nothing else)
#   scripts/setup.sh test   the same, plus the Debian packages the tests start (PostgreSQL)
#
# Each virtualenv lives in a cache directory named by a hash of its Python
# version and requirement files, so an unchanged environment is reused in
# seconds and a changed one is rebuilt beside it. `.venv/rasa` and `.venv/erp`
# in the repository are symlinks to the current ones.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$root/.env" ]; then set -a; . "$root/.env"; set +a; fi
cache=${HISAAB_CACHE:-$HOME/.cache/hisaab}
mode=${1:-run}

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_debian_packages MODE: installs what is missing, checked by a file each
# package ships. `run` needs fonts for Devanagari PDFs (and colour emoji for the
# simulator's buttons in Chromium), tesseract (with its orientation data) for bill
# photos and poppler for PDF bills and PDF text; `test` adds the servers and tools
# the tests start (PostgreSQL, Redis, Chromium for the browser tests).
ensure_debian_packages() {
  local mode=$1 missing=() entry
  local wanted=(
    "fonts-noto-core:/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"
    "fonts-noto-color-emoji:/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
    "tesseract-ocr:/usr/bin/tesseract"
    "tesseract-ocr-hin:/usr/share/tesseract-ocr/5/tessdata/hin.traineddata"
    "tesseract-ocr-nep:/usr/share/tesseract-ocr/5/tessdata/nep.traineddata"
    "tesseract-ocr-osd:/usr/share/tesseract-ocr/5/tessdata/osd.traineddata"
    "poppler-utils:/usr/bin/pdftoppm"
  )
  if [ "$mode" = test ]; then
    wanted+=(
      "postgresql-15:/usr/lib/postgresql/15/bin/initdb"
      "postgresql-client-15:/usr/lib/postgresql/15/bin/psql"
      "redis-server:/usr/bin/redis-server"
      "chromium:/usr/bin/chromium"
    )
  fi
  for entry in "${wanted[@]}"; do
    [ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# Prints the path of a Python interpreter of the given minor version (3.10, 3.11).
find_python() {
  local version=$1 prefix
  if command -v pyenv >/dev/null 2>&1 && prefix=$(pyenv prefix "$version" 2>/dev/null); then
    echo "$prefix/bin/python$version"
  elif command -v "python$version" >/dev/null 2>&1; then
    command -v "python$version"
  else
    log "Python $version is required (pyenv install $version, or your distribution's python$version)"
    exit 1
  fi
}

# ensure_venv NAME PYTHON_VERSION: builds .venv/NAME from requirements/NAME.in pinned by NAME.lock.
ensure_venv() {
  local name=$1 version=$2 python key dir
  python=$(find_python "$version")
  key=$( { "$python" --version 2>&1; cat "$root/requirements/$name.in" "$root/requirements/$name.lock"; } \
         | sha256sum | cut -c1-16)
  dir="$cache/venvs/$name-$key"
  if [ ! -f "$dir/.complete" ]; then
    log "building the $name environment (Python $version) in $dir"
    rm -rf "$dir"
    mkdir -p "$cache/venvs"
    "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --upgrade pip wheel
    "$dir/bin/python" -m pip install -q -r "$root/requirements/$name.in" -c "$root/requirements/$name.lock"
    touch "$dir/.complete"
  fi
  mkdir -p "$root/.venv"
  ln -sfn "$dir" "$root/.venv/$name"
}

case "$mode" in
  run|test) ensure_debian_packages "$mode" ;;
  *) log "usage: $0 run|test"; exit 2 ;;
esac
ensure_venv erp 3.11
ensure_venv rasa 3.10
