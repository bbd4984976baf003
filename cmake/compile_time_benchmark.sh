#!/usr/bin/env bash
# relata's compile-time benchmark: compiles tests/compile_time/benchmark.cpp in six variants
# (only the headers; 1 model + 1 query; 10 and 20 models without queries; 20 models with 50
# and 100 queries) and compiles and links tests/compile_time/one_model.cpp (the one-model
# program: one model, create_all, a Session add/get/commit, one typed select) and compiles
# tests/compile_time/many_models.cpp with 0, 10, 25 and 50 generated models beside its base
# model (each mapped, created, written through a Session and queried) at each
# optimization level, several times, and prints the median wall-clock seconds, CPU seconds
# (user + system) and peak resident memory of the compiler (and linker) per variant, then the
# cost per model and per query derived from the differences (per generated model over 1-10,
# 11-25 and 26-50: linear growth shows as equal costs).
#
#   compile_time_benchmark.sh <tests/compile_time dir> <work dir> <compiler> [compiler arguments...]
#                             [--link <libraries...>]
#
# The compiler arguments carry the language standard, include directories and definitions
# (the CMake target relata_compile_time_benchmark passes those of relata::sqlite plus
# CMAKE_CXX_FLAGS); the arguments after --link (fmt and SQLite) link the one-model program.
# Environment:
#   RELATA_COMPILE_TIME_RUNS      runs per variant and level, the median is reported (default 3)
#   RELATA_COMPILE_TIME_LEVELS    ';'-separated optimization flags (default "-O0;-O2")
#   RELATA_COMPILE_TIME_VARIANTS  space-separated subset of the variant names below (default all)
set -euo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: $0 <tests/compile_time dir> <work dir> <compiler> [compiler arguments...]" >&2
    exit 2
fi
source_dir=$(cd "$1" && pwd)
work_dir=$2
compiler=$3
shift 3
compiler_arguments=()
link_arguments=()
while [[ $# -gt 0 && "$1" != "--link" ]]; do
    compiler_arguments+=("$1")
    shift
done
if [[ $# -gt 0 ]]; then
    shift
    link_arguments=("$@")
fi
runs=${RELATA_COMPILE_TIME_RUNS:-3}
IFS=';' read -r -a levels <<<"${RELATA_COMPILE_TIME_LEVELS:--O0;-O2}"

# name models queries
all_variants=(
    "headers 0 0"
    "baseline 1 1"
    "models_10 10 0"
    "models_20 20 0"
    "queries_50 20 50"
    "queries_100 20 100"
    "one_model 1 -"
    "generated_0 1 -"
    "generated_10 11 -"
    "generated_25 26 -"
    "generated_50 51 -"
)
selected=${RELATA_COMPILE_TIME_VARIANTS:-headers baseline models_10 models_20 queries_50 queries_100 one_model generated_0 generated_10 generated_25 generated_50}

mkdir -p "$work_dir"
stopwatch="$work_dir/measure"
if [[ ! -x "$stopwatch" || "$source_dir/measure.cpp" -nt "$stopwatch" ]]; then
    "$compiler" -std=c++17 -O2 -o "$stopwatch" "$source_dir/measure.cpp"
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

version=$("$compiler" --version | head -n 1)
echo "relata compile-time benchmark: $version"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, median of $runs runs; arguments: ${compiler_arguments[*]}"

declare -A wall cpu memory
for level in "${levels[@]}"; do
    echo
    echo "== $level"
    printf '%-12s %6s %7s %9s %9s %14s\n' variant models queries "wall s" "CPU s" "peak RSS MiB"
    for entry in "${all_variants[@]}"; do
        read -r name models queries <<<"$entry"
        [[ " $selected " == *" $name "* ]] || continue
        walls=() cpus=() memories=()
        for ((run = 1; run <= runs; ++run)); do
            result="$work_dir/$name.result"
            log="$work_dir/$name.log"
            read -r -a level_flags <<<"$level"  # a level may hold several flags ("-O0 -g")
            if [[ "$name" == one_model ]]; then
                # A whole program: compile and link (the linker's time and memory count too).
                command=("$compiler" "${compiler_arguments[@]}" "${level_flags[@]}" "$source_dir/one_model.cpp"
                    -o "$work_dir/$name" "${link_arguments[@]}")
            elif [[ "$name" == generated_* ]]; then
                # many_models.cpp: a base model plus 0, 10, 25 or 50 generated ones, each
                # mapped, created, written through a Session and queried.
                command=("$compiler" "${compiler_arguments[@]}" "${level_flags[@]}"
                    -DRELATA_COMPILE_TIME_GENERATED="${name#generated_}"
                    -c "$source_dir/many_models.cpp" -o "$work_dir/$name.o")
            else
                command=("$compiler" "${compiler_arguments[@]}" "${level_flags[@]}"
                    -DRELATA_COMPILE_TIME_MODELS="$models" -DRELATA_COMPILE_TIME_QUERIES="$queries"
                    -c "$source_dir/benchmark.cpp" -o "$work_dir/$name.o")
            fi
            if ! "$stopwatch" "$result" "${command[@]}" >"$log" 2>&1; then
                echo "compiling $name failed:" >&2
                cat "$log" >&2
                exit 1
            fi
            read -r w c m <"$result"
            walls+=("$w") cpus+=("$c") memories+=("$m")
        done
        wall[$level,$name]=$(printf '%s\n' "${walls[@]}" | median)
        cpu[$level,$name]=$(printf '%s\n' "${cpus[@]}" | median)
        memory[$level,$name]=$(printf '%s\n' "${memories[@]}" | median | awk '{ printf "%.0f", $1 / 1024 }')
        printf '%-12s %6s %7s %9.2f %9.2f %14s\n' "$name" "$models" "$queries" \
            "${wall[$level,$name]}" "${cpu[$level,$name]}" "${memory[$level,$name]}"
    done

    # Cost of one model or query: the difference between two variants over the count added.
    cost() {  # label from to count
        local from=$2 to=$3 count=$4
        [[ -n "${cpu[$level,$from]:-}" && -n "${cpu[$level,$to]:-}" ]] || return 0
        awk -v label="$1" -v c0="${cpu[$level,$from]}" -v c1="${cpu[$level,$to]}" \
            -v m0="${memory[$level,$from]}" -v m1="${memory[$level,$to]}" -v n="$count" \
            'BEGIN { printf "%-34s %+7.3f CPU s %+7.1f MiB\n", label, (c1 - c0) / n, (m1 - m0) / n }'
    }
    echo "-- per model / per query (CPU seconds and peak RSS, from the medians)"
    cost "per model, models 1-10:" headers models_10 10
    cost "per model, models 11-20:" models_10 models_20 10
    cost "per query, queries 1-50:" models_20 queries_50 50
    cost "per query, queries 51-100:" queries_50 queries_100 50
    cost "per generated model, 1-10:" generated_0 generated_10 10
    cost "per generated model, 11-25:" generated_10 generated_25 15
    cost "per generated model, 26-50:" generated_25 generated_50 25
done
