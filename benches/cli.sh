#!/usr/bin/env bash
# benches/cli.sh: whole-process timings of `seisei check` and `seisei gen` (a no-op run) on
# synthetic platforms of 10, 100, 1,000 and 10,000 stacks and on the repository's own
# platform.yaml, with peak memory and, as a physical reference, `diff -r` of the generated
# tree against a copy of itself. Prints a Markdown table on stdout; progress goes to stderr.
#
# Usage: benches/cli.sh                      every size
#        SIZES="10 100" benches/cli.sh       chosen sizes (SIZES="" for the Seisei platform only)
#        RUNS=20 benches/cli.sh              runs per command at every size (default: 30 up
#                                            to 100 stacks, 10 at 1,000, 3 above)
#        HYPERFINE=none benches/cli.sh       the date loop even where hyperfine is installed
#        HOSTS1_SIZES="1000" benches/cli.sh  sizes of the `validate --hosts 1` table (default
#                                            1000 10000; "" skips it)
#
# gen on disk against `cp -r` + `sync` is benches/gen_floor.sh.
#
# Timings use hyperfine when it is installed (`apt-get install -y hyperfine`), otherwise a
# loop over a clock (bash's $EPOCHREALTIME, or `date +%s%N`) and the median of the runs.
# Peak memory needs GNU time (`/usr/bin/time -v`, package `time`); without it the column
# reads n/a. Everything happens in a temporary directory that is removed on exit; of the
# checkout, only cargo's target directory is written.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=${SIZES-10 100 1000 10000}
target_dir=${CARGO_TARGET_DIR:-$root/target}
seisei=$target_dir/release/seisei
synth=$target_dir/release/examples/synth

work=$(mktemp -d "${TMPDIR:-/tmp}/seisei-bench.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }

log "building the release binary and the generator"
(cd "$root" && cargo build --release --quiet --bin seisei --example synth)

have_hyperfine=false
hyperfine=${HYPERFINE:-hyperfine}
if command -v "$hyperfine" >/dev/null 2>&1; then
  have_hyperfine=true
else
  log "hyperfine not found: timing with a clock loop (apt-get install -y hyperfine for better statistics)"
fi
have_gnu_time=false
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
  have_gnu_time=true
else
  log "GNU time not found: peak memory will read n/a (apt-get install -y time)"
fi

runs_for() { # stacks -> number of runs
  if [[ -n ${RUNS:-} ]]; then echo "$RUNS"
  elif (($1 <= 100)); then echo 30
  elif (($1 <= 1000)); then echo 10
  else echo 3
  fi
}

# timing RUNS CMD...: prints the median wall time of CMD and its mean CPU time (user + system),
# in milliseconds. CPU time barely moves when other work shares the machine, wall time does;
# the loop fallback cannot see CPU time and prints n/a. The command must succeed; its output
# is discarded.
timing() {
  local runs=$1; shift
  if $have_hyperfine; then
    local csv=$work/hyperfine.csv warmup=2
    ((runs < 10)) && warmup=1
    # -N runs the command without a shell, so the shell's start-up is not counted.
    "$hyperfine" -N --style none --warmup "$warmup" --runs "$runs" --export-csv "$csv" \
      -- "$(printf '%q ' "$@")" >/dev/null
    # Columns: command,mean,stddev,median,user,system,min,max (seconds).
    awk -F, 'NR == 2 { printf "%.1f %.1f\n", $4 * 1000, ($5 + $6) * 1000 }' "$csv"
  else
    local i start end
    "$@" >/dev/null 2>&1 # warm the page cache, as hyperfine's warm-up does
    for ((i = 0; i < runs; i++)); do
      start=$(now_us)
      "$@" >/dev/null 2>&1
      end=$(now_us)
      echo $((end - start))
    done | sort -n | awk '{ v[NR] = $1 } END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.1f n/a\n", m / 1000 }'
  fi
}

# now_us: a wall clock in microseconds. $EPOCHREALTIME (bash 5) costs no process; `date`
# costs a fork and exec, about a millisecond, on both ends of every run.
now_us() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo "${t#0}"
  else
    echo $(($(date +%s%N) / 1000))
  fi
}

# peak_rss CMD...: maximum resident set size of CMD, in MB.
peak_rss() {
  if ! $have_gnu_time; then echo "n/a"; return; fi
  /usr/bin/time -v "$@" 2>&1 >/dev/null |
    awk -F': ' '/Maximum resident set size/ { printf "%.1f MB\n", $2 / 1024 }'
}

# measure LABEL DIR: times check, gen and diff -r on DIR/platform.yaml and its output tree,
# which must be up to date, and prints one table row.
measure() {
  local label=$1 dir=$2 spec=$2/platform.yaml
  local out=$dir/generated copy=$dir/generated.copy
  "$seisei" check --spec "$spec" >/dev/null ||
    { log "seisei check fails on $spec before timing"; exit 1; }
  rm -rf -- "$copy"
  cp -a -- "$out" "$copy"
  local stacks files runs result check check_cpu gen diff ratio rss
  stacks=$(find "$out" -name docker-compose.yml | wc -l)
  files=$(find "$out" -type f | wc -l)
  runs=$(runs_for "$stacks")
  log "$label: $stacks stacks, $files files, $runs runs per command"
  # Assignments, not process substitutions, so that a failing run stops the script.
  result=$(timing "$runs" "$seisei" check --spec "$spec")
  read -r check check_cpu <<<"$result"
  result=$(timing "$runs" "$seisei" gen --spec "$spec")
  read -r gen _ <<<"$result"
  result=$(timing "$runs" diff -r "$out" "$copy")
  read -r diff _ <<<"$result"
  ratio=$(awk -v a="$check" -v b="$diff" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')
  rss=$(peak_rss "$seisei" check --spec "$spec")
  [[ $check_cpu == n/a ]] || check_cpu="$check_cpu ms"
  printf '| %s | %s | %s | %s ms | %s | %s ms | %s ms | %s | %s |\n' \
    "$label" "$stacks" "$files" "$check" "$check_cpu" "$gen" "$diff" "$ratio" "$rss"
}

# Other work on the machine inflates wall times; the load average says how quiet it was.
echo "<!-- $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load average $(cut -d' ' -f1-3 /proc/loadavg); hyperfine: $have_hyperfine -->"
echo
echo "| size | stacks | files | check median | check CPU | gen median (no-op) | diff -r median | check / diff -r | peak RSS (check) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

# The repository's own platform, on a copy so that a no-op `gen` cannot touch the checkout.
# The copy holds every tracked file, for documents the spec may regenerate regions of.
mkdir -p "$work/seisei"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Files deleted but not yet committed are skipped, not fatal.
  (cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work/seisei" -- 2>/dev/null) || true
fi
cp -- "$root/platform.yaml" "$work/seisei/platform.yaml"
"$seisei" gen --spec "$work/seisei/platform.yaml" >/dev/null
# The kernel writes freshly generated files back to disk in the background for many seconds;
# timed runs sharing the disk with that writeback read 20-40% slower. Flush it first.
sync
measure "Seisei platform" "$work/seisei"

for n in $sizes; do
  "$synth" --stacks "$n" --out "$work/$n" 2>/dev/null
  log "synthetic $n: seisei gen"
  "$seisei" gen --spec "$work/$n/platform.yaml" >/dev/null
  sync
  measure "synthetic $n" "$work/$n"
  rm -rf -- "${work:?}/$n"
  sync
done

# validate with every router on one host (`synth --hosts 1`) beside validate of the same
# number of stacks on their usual hosts, in the same run: the route conflict analysis must not
# grow with the number of routers sharing a host (HOSTS1_SIZES="" skips it).
hosts1_sizes=${HOSTS1_SIZES-1000 10000}
if [[ -n $hosts1_sizes ]]; then
  echo
  echo "| stacks | validate, --hosts 1 | validate, usual hosts | ratio | peak RSS (--hosts 1) |"
  echo "|---:|---:|---:|---:|---:|"
  for n in $hosts1_sizes; do
    "$synth" --stacks "$n" --hosts 1 --out "$work/h$n" 2>/dev/null
    "$synth" --stacks "$n" --out "$work/u$n" 2>/dev/null
    runs=$(runs_for "$n")
    log "validate at $n stacks, one host and usual hosts: $runs runs each"
    result=$(timing "$runs" "$seisei" --quiet validate --spec "$work/h$n/platform.yaml")
    read -r one _ <<<"$result"
    result=$(timing "$runs" "$seisei" --quiet validate --spec "$work/u$n/platform.yaml")
    read -r usual _ <<<"$result"
    ratio=$(awk -v a="$one" -v b="$usual" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    rss=$(peak_rss "$seisei" --quiet validate --spec "$work/h$n/platform.yaml")
    printf '| %s | %s ms | %s ms | %s | %s |\n' "$n" "$one" "$usual" "$ratio" "$rss"
    rm -rf -- "${work:?}/h$n" "${work:?}/u$n"
  done
fi
echo
echo "<!-- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) -->"
