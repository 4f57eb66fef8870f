#!/usr/bin/env bash
# benches/gen_floor.sh: `seisei gen` of a synthetic platform written from nothing, on disk,
# against its physical floor measured in the same run: `cp -r` of the same generated tree
# followed by `sync`. Prints one Markdown row per size with both times and their ratio, and
# the peak memory of `gen`. Each measurement starts after a `sync`, so no earlier writeback
# is charged to it.
#
# Usage: benches/gen_floor.sh              sizes 2000 and 10000, 4 runs each (mean; the
#                                          order of the two commands alternates)
#        SIZES="2000" RUNS=6 benches/gen_floor.sh
# The work directory is under ${TMPDIR:-/tmp}, which must be on disk (not tmpfs) for the
# figures to mean anything.

set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=${SIZES-2000 10000}
runs=${RUNS:-4}
target_dir=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo build --release --quiet --bin seisei --example synth)
seisei=$target_dir/release/seisei
synth=$target_dir/release/examples/synth
work=$(mktemp -d "${TMPDIR:-/tmp}/seisei-floor.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

now() { date +%s%N; }
mean() { awk '{s += $1} END {printf "%.0f", s / NR}'; }

echo "| stacks | files | gen, every file new | cp -r + sync | ratio | gen peak memory |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  "$synth" --stacks "$n" --out "$work/spec" 2>/dev/null
  "$seisei" --quiet gen --spec "$work/spec/platform.yaml" >/dev/null
  files=$(find "$work/spec/generated" -type f | wc -l)
  # The tree `cp` copies: the same files, kept aside while `gen` writes its own.
  rm -rf "$work/tree"; cp -r "$work/spec/generated" "$work/tree"
  gen_times=() cp_times=()
  # Whichever writes first after the trees are deleted pays for ext4's search past the
  # inodes it just freed (`recently_deleted`, seconds of kernel time at 10,000 stacks); the
  # second writer does not. So the order alternates, each command goes first in half of the
  # runs, and the means are compared.
  for run in $(seq "$runs"); do
    rm -rf "$work/spec/generated" "$work/copy"; sync
    for step in 1 2; do
      if (( (run + step) % 2 == 0 )); then
        rm -rf "$work/spec/generated"; sync
        t0=$(now); "$seisei" --quiet gen --spec "$work/spec/platform.yaml" >/dev/null; t1=$(now)
        gen_times+=($(( (t1 - t0) / 1000000 )))
      else
        rm -rf "$work/copy"; sync
        t0=$(now); cp -r "$work/tree" "$work/copy"; sync; t1=$(now)
        cp_times+=($(( (t1 - t0) / 1000000 )))
      fi
      sync
    done
  done
  g=$(printf '%s\n' "${gen_times[@]}" | mean)
  c=$(printf '%s\n' "${cp_times[@]}" | mean)
  rm -rf "$work/spec/generated"; sync
  mem=n/a
  if /usr/bin/time -v true >/dev/null 2>&1; then
    mem=$( { /usr/bin/time -v "$seisei" --quiet gen --spec "$work/spec/platform.yaml" >/dev/null; } 2>&1 \
      | awk -F: '/Maximum resident/ {printf "%.0f MB", $2/1024}')
  fi
  echo "| $n | $files | $g ms | $c ms | $(awk -v g="$g" -v c="$c" 'BEGIN {printf "%.2f", g/c}') | $mem |"
  rm -rf "$work/spec" "$work/copy" "$work/tree"
done
