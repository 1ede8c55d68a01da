#!/usr/bin/env bash
# Installs what the tests need beyond Rust: poppler-utils (pdftotext, for PDF input) and the
# Python readers the tests read the output with (DuckDB, polars, pyarrow).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pdftotext >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y poppler-utils || { $sudo apt-get update && $sudo apt-get install -y poppler-utils; }
fi
python3 -m pip install --quiet -r tests/python/requirements.txt
