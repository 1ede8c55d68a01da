#!/usr/bin/env bash
# Paired runs: this tree's release binary against another commit's, on the same corpora.
#
# Usage: scripts/ab.sh BASE [SIZE...]     (BASE: a commit or branch; default sizes 2000 20000)
#
# The machine's speed drifts (other jobs, a shared VM): a CPU time measured today and one
# measured last week can differ by a quarter with no change to the code. This script takes
# that out of a comparison: it builds BASE in a worktree of its own, then runs the two
# binaries in turn, ROUNDS rounds, on the corpora scripts/bench.sh generates, each run on a
# fresh output under GNU time; it prints every run's CPU time (user + system) and user time,
# the medians and their change, and the peak RSS of each. The user time is the steadier figure
# for a change to the code: on this VM the system time of the same run moves between 0.4 and
# 2.2 s at 2,000 reports with the kernel's own work (page reclaim), whichever binary runs. Last, it checks with scripts/same_output.py that both binaries
# wrote the same data for each size: a speed-up must not move a figure.
#
# Environment: BENCH_DIR (default /tmp/cnbudget-bench), ROUNDS (default 3), SEED (default 1),
# JOBS (default: all CPUs). The BASE build goes to $BENCH_DIR/ab-target (kept for next time).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${1:?usage: scripts/ab.sh BASE [SIZE...]}
shift
BENCH_DIR=${BENCH_DIR:-/tmp/cnbudget-bench}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-1}
JOBS=${JOBS:-$(nproc)}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2000 20000)

log() { printf 'ab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed: apt-get install time"
base_rev=$(git rev-parse --short "$BASE^{commit}") || die "no commit $BASE"
new_rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo +changes)"

# The two binaries, copied out so that a later build cannot swap one under the runs.
mkdir -p "$BENCH_DIR"
worktree="$BENCH_DIR/ab-worktree"
git worktree remove --force "$worktree" 2>/dev/null || rm -rf "$worktree"
git worktree add --quiet --detach --force "$worktree" "$base_rev"
log "building $base_rev (in $worktree)"
(cd "$worktree" && CARGO_TARGET_DIR="$BENCH_DIR/ab-target" cargo build --release --locked --quiet --bin cnbudget)
cp "$BENCH_DIR/ab-target/release/cnbudget" "$BENCH_DIR/ab-base"
git worktree remove --force "$worktree"
log "building this tree ($new_rev)"
cargo build --release --locked --quiet --bin cnbudget --example gen_corpus
cp target/release/cnbudget "$BENCH_DIR/ab-new"

corpus_for() {
    local n=$1 dir="$BENCH_DIR/corpus-$1-seed$SEED"
    if [ ! -f "$dir/manifest.tsv" ] || [ "$(($(wc -l <"$dir/manifest.tsv") - 1))" -ne "$n" ]; then
        log "generating $n reports in $dir"
        rm -rf "$dir"
        target/release/examples/gen_corpus --n "$n" --seed "$SEED" --out "$dir" >&2
    fi
    echo "$dir"
}

# "cpu_seconds user_seconds peak_rss_mib" of one run of binary $1 on corpus $2 into a fresh $3.
run_once() {
    local stats
    stats=$(mktemp)
    rm -rf "$3"
    /usr/bin/time -f '%U %S %M' -o "$stats" "$1" run -q --jobs "$JOBS" -i "$2" -o "$3"
    awk '{ printf "%.2f %.2f %.1f\n", $1 + $2, $1, $3 / 1024 }' "$stats"
    rm -f "$stats"
}

percent() { awk -v b="$1" -v n="$2" 'BEGIN { printf "%+.1f %%", (n - b) / b * 100 }'; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rows=()
for n in "${SIZES[@]}"; do
    corpus=$(corpus_for "$n")
    find "$corpus" -type f -exec cat {} + >/dev/null # a warm page cache for both
    base_cpu=() new_cpu=() base_user=() new_user=() base_rss=() new_rss=()
    for ((i = 1; i <= ROUNDS; i++)); do
        read -r c u r < <(run_once "$BENCH_DIR/ab-base" "$corpus" "$BENCH_DIR/ab-out-base-$n")
        base_cpu+=("$c") base_user+=("$u") base_rss+=("$r")
        read -r c u r < <(run_once "$BENCH_DIR/ab-new" "$corpus" "$BENCH_DIR/ab-out-new-$n")
        new_cpu+=("$c") new_user+=("$u") new_rss+=("$r")
        log "$n reports, round $i/$ROUNDS: $base_rev ${base_cpu[-1]} CPU s (user ${base_user[-1]}), ${base_rss[-1]} MiB; $new_rev ${new_cpu[-1]} CPU s (user ${new_user[-1]}), ${new_rss[-1]} MiB"
    done
    same=$(python3 scripts/same_output.py "$BENCH_DIR/ab-out-base-$n" "$BENCH_DIR/ab-out-new-$n" | tail -1)
    change=$(percent "$(median "${base_cpu[@]}")" "$(median "${new_cpu[@]}")")
    user_change=$(percent "$(median "${base_user[@]}")" "$(median "${new_user[@]}")")
    rows+=("| $n | ${base_cpu[*]} | ${new_cpu[*]} | $change | ${base_user[*]} | ${new_user[*]} | $user_change | $(printf '%s\n' "${base_rss[@]}" | sort -g | tail -1) | $(printf '%s\n' "${new_rss[@]}" | sort -g | tail -1) | ${same#same output: } |")
done

echo "### Paired runs: $new_rev against $base_rev"
echo
echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $ROUNDS rounds, --jobs $JOBS, load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| reports | $base_rev CPU s | $new_rev CPU s | median change | $base_rev user s | $new_rev user s | median change (user) | $base_rev peak RSS MiB | $new_rev peak RSS MiB | same output |"
echo "|---:|---|---|---:|---|---|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
