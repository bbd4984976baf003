#!/usr/bin/env bash
# Instructions, not seconds: runs each SQLite workload of relata_benchmarks once under
# valgrind's callgrind, counting only what run_relata / run_hand execute (the workload itself,
# not the table setup), and prints relata / hand-written per workload as a Markdown table.
# Instruction counts repeat exactly for one binary and input whatever else the machine does,
# so this reads the code's own overhead on a shared or noisy machine; it does not see what
# costs time without instructions (cache misses, page faults, system calls waiting on I/O),
# so the time ratios of relata_benchmarks remain the figure that matters. SQLite only: it runs
# in the process, where callgrind sees all of it (PostgreSQL's server work would be missed).
#
#   tests/benchmarks/instruction_counts.sh <relata_benchmarks> [scale] [workload-regex] [engine]
#
# scale multiplies every size (default 0.1: 10,000 rows instead of 100,000; the Session's
# costs are linear, so ratios change little with size); engine is sqlite (default) or
# sqlite-wal. Needs valgrind (Debian package valgrind). Takes a few minutes.
set -euo pipefail

binary=${1:?usage: $0 <relata_benchmarks> [scale] [workload-regex] [engine]}
scale=${2:-0.1}
pattern=${3:-.}
engine=${4:-sqlite}
command -v valgrind >/dev/null || { echo "instruction_counts.sh: valgrind is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Instructions counted inside functions whose name matches $1, for the benchmark named $2.
count() {
    local frame=$1 name=$2
    valgrind --tool=callgrind --toggle-collect="$frame" --callgrind-out-file="$work/out" \
        "$binary" --relata_engines="$engine" --relata_scale="$scale" --relata_repetitions=1 --relata_warmup=0 \
        --relata_directory="$work" --benchmark_filter="^$name\$" >/dev/null 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/err"
}

mapfile -t workloads < <("$binary" --relata_engines="$engine" --benchmark_list_tests=true 2>/dev/null |
    sed -n "s|^\([a-z_]*\)/$engine/relata/.*|\1|p" | grep -E -- "$pattern")
[[ ${#workloads[@]} -gt 0 ]] || { echo "instruction_counts.sh: no workload matches '$pattern'" >&2; exit 1; }

echo "| workload ($engine, scale $scale) | relata / hand-written instructions | relata | hand-written |"
echo "|---|---|---:|---:|"
for w in "${workloads[@]}"; do
    relata=$(count '*run_relata<*' "$w/$engine/relata/.*")
    hand=$(count '*run_hand<*' "$w/$engine/hand/.*")
    awk -v w="$w" -v r="$relata" -v h="$hand" \
        'BEGIN { printf "| %s | **%.2fx** | %.1f M | %.1f M |\n", w, (h > 0 ? r / h : 0), r / 1e6, h / 1e6 }'
done
