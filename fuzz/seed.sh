#!/usr/bin/env bash
# Seeds the parse_document fuzz corpus with the head of every bundled report (a leading
# 0x00 byte selects plain text, 0x01 the page-array JSON reader; see the target).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse_document
for f in ../data/corpus/*.txt ../data/corpus/*.md; do
    [ -e "$f" ] || continue
    { printf '\x00'; head -c 20000 "$f"; } > "corpus/parse_document/$(basename "${f%.*}")"
done
for f in ../data/corpus/*.json; do
    [ -e "$f" ] || continue
    { printf '\x01'; cat "$f"; } > "corpus/parse_document/$(basename "${f%.*}")"
done
