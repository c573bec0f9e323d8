#!/usr/bin/env bash
# Install the Debian packages the pipeline needs beyond Python: Tesseract OCR with English and Arabic data.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-ara)

have_tesseract() {
    command -v tesseract >/dev/null 2>&1 || return 1
    langs=$(tesseract --list-langs 2>/dev/null)
    grep -qx eng <<<"$langs" && grep -qx ara <<<"$langs"
}

if have_tesseract; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "system-deps: need root (or sudo) to install: ${packages[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get here; install Tesseract with English and Arabic data by hand: ${packages[*]}" >&2
    exit 1
fi
echo "system-deps: installing ${packages[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
have_tesseract || { echo "system-deps: tesseract still lacks eng or ara data" >&2; exit 1; }
