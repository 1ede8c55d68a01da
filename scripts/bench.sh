#!/usr/bin/env bash
# The whole-run benchmark of docs/performance.md.
#
# Usage: scripts/bench.sh [SIZE...]            (default sizes: 2000 20000)
#        PDF_COPIES=0 scripts/bench.sh [SIZE...] (text corpora only)
#
# For each size it generates (or reuses) a corpus of SIZE distinct reports with
# examples/gen_corpus.rs, checks on a sample that cnbudget reads the generated files like their
# templates, and then, on the same files with the page cache warm, times RUNS runs each of
#   - the floor: one ripgrep pass that finds every decimal number in the corpus, and
#   - cnbudget run -q -i CORPUS -o OUT on a fresh OUT (every file parsed), under GNU time for
#     its CPU time and peak RSS, and then again over that OUT (every file from its cache),
# and prints the medians as a Markdown table.
#
# Then, unless PDF_COPIES=0, it builds (or reuses) a PDF corpus of PDF_COPIES copies of each
# real PDF in data/pdf/ (one subfolder per copy; cnbudget parses every copy, identical bytes
# or not), counts its pages with pdfinfo, and times RUNS runs each of
#   - the floor: `pdftotext -layout` of every PDF to /dev/null, JOBS at a time (xargs -P), and
#   - cnbudget run -q -i PDFCORPUS -o OUT on a fresh OUT, under GNU time,
# and prints the medians as a second table, "PDF input" (pages/s, reports/s).
#
# Last come the machine it ran on and the Parquet layout of the largest text run's output:
# ready to paste into docs/performance.md.
# The report is also saved as $BENCH_DIR/results-<date>.md.
#
# Environment:
#   BENCH_DIR  where corpora and outputs go (default /tmp/cnbudget-bench; outside the repo)
#   RUNS       runs of each command per size, median reported (default 3)
#   SEED       gen_corpus seed (default 1); a corpus is reused for the same size and seed,
#              unless gen_corpus was rebuilt since
#   JOBS       cnbudget --jobs and pdftotext processes at once (default: all CPUs, as
#              ripgrep uses)
#   PDF_COPIES copies of each PDF of data/pdf/ in the PDF corpus (default 20; 0 skips the
#              PDF section); a corpus is reused for the same number of copies
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/cnbudget-bench}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
JOBS=${JOBS:-$(nproc)}
PDF_COPIES=${PDF_COPIES:-20}
PDF_SOURCE=data/pdf
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2000 20000)
# Every decimal number, counted match by match: the least work any parser of these files does.
FLOOR_PATTERN='[0-9]+\.[0-9]+'
REPORT_GLOB='*.{txt,md,json}'

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

apt_install() { apt-get install -y -qq "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1"; }; }

# What the benchmark needs beyond the Rust toolchain, installed the ordinary way if missing.
ensure_tools() {
    if ! command -v rg >/dev/null; then
        log "installing ripgrep"
        apt_install ripgrep || cargo install --locked ripgrep || die "cannot install ripgrep"
    fi
    if [ ! -x /usr/bin/time ]; then
        log "installing GNU time"
        apt_install time || die "cannot install GNU time (/usr/bin/time)"
    fi
    if [ "$PDF_COPIES" -gt 0 ] && ! { command -v pdftotext && command -v pdfinfo; } >/dev/null; then
        log "installing poppler-utils (pdftotext, pdfinfo)"
        apt_install poppler-utils || die "cannot install poppler-utils"
    fi
    python3 -c 'import pyarrow' 2>/dev/null || python3 -m pip install -q pyarrow || die "cannot install pyarrow"
}

# The median and the highest of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
highest() { printf '%s\n' "$@" | sort -g | tail -1; }

now() { date +%s.%N; }

# Generates the corpus unless a complete one (its manifest is written last) is there, made by
# the current generator.
corpus_for() {
    local n=$1 dir="$BENCH_DIR/corpus-$1-seed$SEED"
    if [ ! -f "$dir/manifest.tsv" ] || [ "$(($(wc -l <"$dir/manifest.tsv") - 1))" -ne "$n" ] \
        || [ target/release/examples/gen_corpus -nt "$dir/manifest.tsv" ]; then
        log "generating $n reports in $dir"
        rm -rf "$dir"
        target/release/examples/gen_corpus --n "$n" --seed "$SEED" --out "$dir" >&2
    else
        log "reusing $dir"
    fi
    python3 scripts/check_corpus.py "$dir" --sample 48 >&2 || die "cnbudget reads $dir unlike its templates"
    echo "$dir"
}

corpus_bytes() { find "$1" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.json' \) -printf '%s\n' | awk '{ s += $1 } END { print s }'; }

# "wall_seconds cpu_seconds" for one floor pass. CPU time (user + system) is reported beside
# wall time because it is far less disturbed by other work on a shared machine.
floor_once() {
    local start stats wall
    stats=$(mktemp)
    start=$(now)
    /usr/bin/time -f '%U %S' -o "$stats" \
        rg --count-matches --no-messages -g "$REPORT_GLOB" "$FLOOR_PATTERN" "$1" >/dev/null
    wall=$(awk -v end="$(now)" -v start="$start" 'BEGIN { printf "%.4f", end - start }')
    awk -v wall="$wall" '{ print wall, $1 + $2 }' "$stats"
    rm -f "$stats"
}

# "wall_seconds cpu_seconds peak_rss_kib" for one cnbudget run. With "fresh", on a new output
# folder: every file is parsed. Otherwise over the previous run's output, whose cache gives
# back every unchanged file: the nightly case.
cnbudget_once() {
    local corpus=$1 out=$2 mode=$3 stats
    stats=$(mktemp)
    [ "$mode" = fresh ] && rm -rf "$out"
    /usr/bin/time -v -o "$stats" target/release/cnbudget run -q --jobs "$JOBS" -i "$corpus" -o "$out"
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
        /User time|System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 }
        END { print wall, cpu, rss }' "$stats"
    rm -f "$stats"
}

# Times the floor and cnbudget RUNS times each on one corpus; prints one table row.
bench_size() {
    local n=$1 corpus out bytes load_start
    local f_wall=() f_cpu=() c_wall=() c_cpu=() rss=() warm=() fw fc w c r ww
    corpus=$(corpus_for "$n")
    out="$BENCH_DIR/out-$n"
    bytes=$(corpus_bytes "$corpus")
    load_start=$(load)
    log "$n reports, $bytes bytes; warming the page cache; load: $load_start"
    find "$corpus" -type f -exec cat {} + >/dev/null
    for ((i = 1; i <= RUNS; i++)); do
        read -r fw fc < <(floor_once "$corpus")
        read -r w c r < <(cnbudget_once "$corpus" "$out" fresh)
        read -r ww _ _ < <(cnbudget_once "$corpus" "$out" rerun)
        log "run $i/$RUNS: rg ${fw}s (CPU ${fc}s), cnbudget ${w}s (CPU ${c}s), ${r} KiB; rerun ${ww}s"
        f_wall+=("$fw") f_cpu+=("$fc") c_wall+=("$w") c_cpu+=("$c") rss+=("$r") warm+=("$ww")
    done
    fw=$(median "${f_wall[@]}")
    fc=$(median "${f_cpu[@]}")
    w=$(median "${c_wall[@]}")
    c=$(median "${c_cpu[@]}")
    r=$(highest "${rss[@]}")
    ww=$(median "${warm[@]}")
    local out_bytes summary
    # The datasets only: the cache (.cache) is the run's, not the readers'.
    out_bytes=$(du -sb --exclude=.cache "$out" | cut -f1)
    summary=$(run_summary "$out")
    awk -v n="$n" -v b="$bytes" -v w="$w" -v c="$c" -v r="$r" -v o="$out_bytes" -v fw="$fw" -v fc="$fc" \
        -v ww="$ww" -v s="$summary" -v l="${load_start%% *} → $(load)" 'BEGIN {
        # GNU time counts CPU in 10 ms steps: a small floor may take "0".
        cpu_ratio = fc > 0 ? sprintf("%.1f", c / fc) : "n/a"
        printf "| %d | %.1f | %.2f | %.0f | %.1f | %.2f | %.1f | %.1f | %.3f | %.2f | %.1f | %s | %.2f | %s | %s |\n",
            n, b / 1e6, w, n / w, b / 1e6 / w, c, r / 1024, o / 1e6, fw, fc, w / fw, cpu_ratio, ww, s, l }'
}

# "ok/partial/failed | facts" of the run that wrote OUT.
run_summary() {
    python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print("%(ok)d/%(partial)d/%(failed)d | %(facts)d" % s)' "$1/run.json"
}

# Builds the PDF corpus unless a complete one (its manifest, "path<TAB>pages" per file, is
# written last) is there, newer than every PDF it copies. Copy K of each PDF goes into
# copy-K/: the same bytes under another path are another report to cnbudget, parsed again.
pdf_corpus() {
    local dir="$BENCH_DIR/pdf-corpus-$PDF_COPIES" sources=() pages=() f k i
    mapfile -t sources < <(find "$PDF_SOURCE" -maxdepth 1 -type f -name '*.pdf' | sort)
    [ ${#sources[@]} -gt 0 ] || die "no PDFs in $PDF_SOURCE"
    if [ -f "$dir/manifest.tsv" ] && [ "$(wc -l <"$dir/manifest.tsv")" -eq $((${#sources[@]} * PDF_COPIES)) ] \
        && [ -z "$(find "$PDF_SOURCE" -maxdepth 1 -name '*.pdf' -newer "$dir/manifest.tsv")" ]; then
        log "reusing $dir"
    else
        log "copying ${#sources[@]} PDFs $PDF_COPIES times into $dir"
        rm -rf "$dir"
        for f in "${sources[@]}"; do
            pages+=("$(pdfinfo "$f" | awk '/^Pages:/ { print $2 }')")
            [ -n "${pages[-1]}" ] || die "pdfinfo cannot count the pages of $f"
        done
        for ((k = 1; k <= PDF_COPIES; k++)); do
            mkdir -p "$dir/copy-$k"
            cp "${sources[@]}" "$dir/copy-$k/"
        done
        for ((k = 1; k <= PDF_COPIES; k++)); do
            for i in "${!sources[@]}"; do
                printf 'copy-%d/%s\t%d\n' "$k" "$(basename "${sources[$i]}")" "${pages[$i]}"
            done
        done >"$dir/manifest.tsv.tmp"
        mv "$dir/manifest.tsv.tmp" "$dir/manifest.tsv"
    fi
    echo "$dir"
}

# "wall_seconds cpu_seconds" for one pdftotext pass over every PDF, JOBS at a time, with the
# arguments cnbudget gives it (src/extract.rs): the least work any reader of these PDFs does.
pdftotext_once() {
    local start stats wall
    stats=$(mktemp)
    start=$(now)
    find "$1" -type f -name '*.pdf' -print0 \
        | /usr/bin/time -f '%U %S' -o "$stats" xargs -0 -P "$JOBS" -I{} pdftotext -layout -enc UTF-8 {} - >/dev/null
    wall=$(awk -v end="$(now)" -v start="$start" 'BEGIN { printf "%.4f", end - start }')
    awk -v wall="$wall" '{ print wall, $1 + $2 }' "$stats"
    rm -f "$stats"
}

# Times the pdftotext floor and cnbudget RUNS times each on the PDF corpus; prints one row.
bench_pdf() {
    local corpus out files pages bytes load_start parsed
    local f_wall=() f_cpu=() c_wall=() c_cpu=() rss=() fw fc w c r
    corpus=$(pdf_corpus)
    out="$BENCH_DIR/out-pdf-$PDF_COPIES"
    files=$(wc -l <"$corpus/manifest.tsv")
    pages=$(awk -F'\t' '{ s += $2 } END { print s }' "$corpus/manifest.tsv")
    bytes=$(find "$corpus" -type f -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s }')
    load_start=$(load)
    log "$files PDFs, $pages pages, $bytes bytes; warming the page cache; load: $load_start"
    find "$corpus" -type f -exec cat {} + >/dev/null
    for ((i = 1; i <= RUNS; i++)); do
        read -r fw fc < <(pdftotext_once "$corpus")
        read -r w c r < <(cnbudget_once "$corpus" "$out" fresh)
        log "run $i/$RUNS: pdftotext ${fw}s (CPU ${fc}s), cnbudget ${w}s (CPU ${c}s), ${r} KiB"
        f_wall+=("$fw") f_cpu+=("$fc") c_wall+=("$w") c_cpu+=("$c") rss+=("$r")
    done
    # Every copy must have been read and parsed, none skipped as a duplicate or taken from a cache.
    parsed=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["files"], s["cache"]["parsed"], s["rows"]["documents"])' "$out/run.json")
    [ "$parsed" = "$files $files $files" ] || die "cnbudget did not parse each of the $files PDFs once (files, parsed, documents: $parsed)"
    fw=$(median "${f_wall[@]}")
    fc=$(median "${f_cpu[@]}")
    w=$(median "${c_wall[@]}")
    c=$(median "${c_cpu[@]}")
    r=$(highest "${rss[@]}")
    awk -v n="$files" -v p="$pages" -v b="$bytes" -v w="$w" -v c="$c" -v r="$r" -v fw="$fw" -v fc="$fc" \
        -v s="$(run_summary "$out")" -v l="${load_start%% *} → $(load)" 'BEGIN {
        printf "| %d | %d | %.1f | %.3f | %.2f | %.2f | %.2f | %.0f | %.1f | %.1f | %.2f | %.2f | %s | %s |\n",
            n, p, b / 1e6, fw, fc, w, c, p / w, n / w, r / 1024, w / fw, c / fc, s, l }'
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

machine() {
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' (with uncommitted changes)')"
    echo "- CPU: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "- memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- $(rustc --version), $(rg --version | head -1)$([ "$PDF_COPIES" -gt 0 ] && echo ", $(pdftotext -v 2>&1 | head -1)"), cnbudget --jobs $JOBS, $RUNS runs per command (median wall and CPU time, highest peak RSS); CPU s = user + system"
}

parquet_layout() {
    python3 - "$1" <<'EOF'
import os, sys
import pyarrow.parquet as pq

root = sys.argv[1]
datasets = {}
for dirpath, _, files in os.walk(root):
    for name in files:
        if name.endswith(".parquet"):
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            datasets.setdefault(rel.split(os.sep)[0], []).append(os.path.join(dirpath, name))
print("| dataset | files | rows | row groups per file (min–max) | rows per row group (max) | MB | compression | encodings | statistics |")
print("|---|---:|---:|---|---:|---:|---|---|---|")
for name, paths in sorted(datasets.items()):
    rows = groups_max = group_rows = size = 0
    groups, codecs, encodings, stats = [], set(), set(), set()
    for p in paths:
        md = pq.ParquetFile(p).metadata
        rows += md.num_rows
        groups.append(md.num_row_groups)
        size += os.path.getsize(p)
        for g in range(md.num_row_groups):
            rg = md.row_group(g)
            group_rows = max(group_rows, rg.num_rows)
            for c in range(rg.num_columns):
                col = rg.column(c)
                codecs.add(col.compression)
                encodings.update(col.encodings)
                if not col.is_stats_set:
                    stats.add("missing on some column chunks")
                elif col.statistics.has_min_max:
                    stats.add("min/max, null count")
                elif col.statistics.null_count == rg.num_rows:
                    stats.add("null count only where all null")
                else:
                    stats.add("no min/max on some column chunks")
    print(f"| {name} | {len(paths)} | {rows:,} | {min(groups)}–{max(groups)} | {group_rows:,} | {size / 1e6:.1f} | "
          f"{', '.join(sorted(codecs))} | {', '.join(sorted(encodings))} | {', '.join(sorted(stats))} |")
EOF
}

main() {
    ensure_tools
    log "building (release)"
    cargo build --release --locked --quiet --bin cnbudget --example gen_corpus
    mkdir -p "$BENCH_DIR"
    local report rows=() pdf_row="" largest=0
    for n in "${SIZES[@]}"; do
        rows+=("$(bench_size "$n")")
        [ "$n" -gt "$largest" ] && largest=$n
    done
    [ "$PDF_COPIES" -gt 0 ] && pdf_row=$(bench_pdf)
    report=$(
        echo "### Whole run"
        echo
        echo "| reports | MB | wall s | reports/s | MB/s | CPU s | peak RSS MiB | output MB | rg floor wall s | rg floor CPU s | ratio cnbudget / floor (wall) | ratio (CPU) | rerun wall s (cache) | ok/partial/failed | facts | load avg: 1 min at start → 1/5/15 min at end |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"
        printf '%s\n' "${rows[@]}"
        echo
        if [ -n "$pdf_row" ]; then
            echo "### PDF input"
            echo
            echo "The $(find "$PDF_SOURCE" -maxdepth 1 -type f -name '*.pdf' | wc -l) PDFs of $PDF_SOURCE/, $PDF_COPIES copies of each (each copy is parsed); the floor is \`pdftotext -layout\` of every file, $JOBS at a time."
            echo
            echo "| files | pages | MB | pdftotext floor wall s | pdftotext floor CPU s | cnbudget wall s | CPU s | pages/s | reports/s | peak RSS MiB | ratio cnbudget / pdftotext (wall) | ratio (CPU) | ok/partial/failed | facts | load avg: 1 min at start → 1/5/15 min at end |"
            echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"
            echo "$pdf_row"
            echo
        fi
        machine
        echo
        echo "### Parquet layout at $largest reports"
        echo
        parquet_layout "$BENCH_DIR/out-$largest"
    )
    echo "$report"
    echo "$report" >"$BENCH_DIR/results-$(date -u +%Y%m%dT%H%M%S).md"
}

main
