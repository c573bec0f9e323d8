#!/usr/bin/env bash
# Install the Debian packages the pipeline needs beyond Python. Add a package to the list below with a comment
# saying what needs it; the script installs only what is missing and checks each package afterwards.
set -euo pipefail

packages=(
    tesseract-ocr tesseract-ocr-eng tesseract-ocr-ara   # OCR of scanned PDF pages (pipeline/extract)
    chromium                                             # browser tests of the web app (tests/test_web_browser.py)
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 # WeasyPrint: PDF evidence dossiers (pipeline/cite/dossier.py)
    fonts-dejavu-core                                    # a font with Latin and Arabic glyphs for the PDF dossier
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "system-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get here; install these Debian packages by hand: ${missing[*]}" >&2
    exit 1
fi
echo "system-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || { echo "system-deps: $package did not install" >&2; exit 1; }
done
tesseract --list-langs 2>/dev/null | grep -qx ara || { echo "system-deps: tesseract lacks Arabic data" >&2; exit 1; }
