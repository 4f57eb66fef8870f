#!/usr/bin/env bash
# benches/kill.sh: `seisei gen` on a synthetic platform killed with SIGKILL at random moments.
# Each round switches the spec between N and N-20 stacks (every file changes, twenty stacks'
# files become orphans), starts `gen`, kills it after a random delay within one run's length,
# then checks that every file is the old spec's, the new spec's or a temporary file; runs
# `gen` again (the dead run's lock must not block it), checks that the tree is exactly the new
# spec's with no temporary file and no empty folder left, and that `check` is clean.
#
# Usage: benches/kill.sh                 2,000 stacks, 20 kills
#        STACKS=500 KILLS=5 benches/kill.sh
# Prints one line per round and a summary; exits 1 on the first broken promise.
# tests/integration/kill_loop.rs runs the same at 300 stacks as part of `cargo test`.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stacks=${STACKS:-2000}
kills=${KILLS:-20}
target_dir=${CARGO_TARGET_DIR:-$root/target}
seisei=$target_dir/release/seisei
synth=$target_dir/release/examples/synth

work=$(mktemp -d "${TMPDIR:-/tmp}/seisei-kill.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

(cd "$root" && cargo build --release --quiet --bin seisei --example synth)

# The two trees, made once in scratch folders: a file of `dir` after a kill must be in one.
for n in "$stacks" "$((stacks - 20))"; do
  "$synth" --stacks "$n" --out "$work/spec-$n" >/dev/null 2>&1
  (cd "$work/spec-$n" && "$seisei" gen --quiet)
done
specs=("$work/spec-$stacks" "$work/spec-$((stacks - 20))")

dir=$work/project
mkdir -p "$dir"
cp "${specs[0]}/platform.yaml" "$dir/platform.yaml"
start=$(date +%s%N)
(cd "$dir" && "$seisei" gen --quiet)
span_ms=$((($(date +%s%N) - start) / 1000000))
log "one full gen of $stacks stacks: ${span_ms} ms; killing $kills times within that span"

# tree_of DIR: one line per file below DIR (but the spec and the lock): path and checksum.
tree_of() { (cd "$1" && find . -type f ! -name platform.yaml ! -name .seisei.lock -print0 | sort -z | xargs -0 sha256sum); }

trees=("$work/tree-0" "$work/tree-1")
tree_of "${specs[0]}" >"${trees[0]}"
tree_of "${specs[1]}" >"${trees[1]}"

mid_run=0
leftovers_seen=0
for ((round = 0; round < kills; round++)); do
  from=$((round % 2))
  to=$(((round + 1) % 2))
  cp "${specs[$to]}/platform.yaml" "$dir/platform.yaml"
  delay_ms=$((RANDOM % (span_ms + 1)))
  (cd "$dir" && exec "$seisei" gen --quiet) &
  pid=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  if kill -KILL "$pid" 2>/dev/null; then mid_run=$((mid_run + 1)); fi
  wait "$pid" 2>/dev/null || true
  tree_of "$dir" >"$work/now"
  temps=$(grep -c 'seisei-tmp-' "$work/now" || true)
  # Lines (path and checksum) of the killed tree found in neither the old nor the new tree.
  strays=$(grep -v 'seisei-tmp-' "$work/now" | sort | comm -23 - <(sort "${trees[0]}" "${trees[1]}"))
  [[ -z $strays ]] || fail "round $round (killed after ${delay_ms} ms): neither old nor new: $strays"
  ((temps > 0)) && leftovers_seen=$((leftovers_seen + 1))
  (cd "$dir" && "$seisei" gen --quiet) || fail "round $round: the next gen failed"
  diff <(tree_of "$dir") "${trees[$to]}" >/dev/null || fail "round $round: the tree is not the new spec's after the next gen"
  empty=$(find "$dir" -mindepth 1 -type d -empty)
  [[ -z $empty ]] || fail "round $round: empty folders left after the next gen: $empty"
  (cd "$dir" && "$seisei" check --quiet) || fail "round $round: check is not clean"
  log "round $round: killed after ${delay_ms} ms, $temps temporary file(s) left, repaired, check clean"
done
echo "$kills kills of gen on $stacks stacks (one run: ${span_ms} ms): $mid_run landed mid-run, $leftovers_seen left temporary files; every file old or new each time, none left after the next gen, check clean"
