#!/usr/bin/env bash
# Start-up of the backupkit command through bin/backupkit from the distribution archive, as a user runs it:
# `--version`, and `list` on an empty storage. Unpacks backup-cli/target/backupkit-*.tar.gz into a temporary
# folder (build it first: mvn -B -q -pl backup-cli -am package -DskipTests), makes the class-data-sharing archive
# with one first run, then prints the best and the median wall time of RUNS runs each (default 15), with the
# load average (the figures mean little on a busy machine). Targets: --version <= 0.4 s, list <= 0.6 s.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
archive=$(ls backup-cli/target/backupkit-*.tar.gz | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$archive" -C "$work"
bin=$(echo "$work"/backupkit-*/bin/backupkit)
export XDG_CACHE_HOME=$work/cache
cd "$work"

measure() {   # label, command...
  local label=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%-34s best %5d ms   median %5d ms\n' "$label" "$(echo "$sorted" | head -1)" \
    "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")"
}

echo "java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" list --storage "file:$work/training" >/dev/null 2>&1   # first real run: writes the CDS archive
measure "backupkit --version" "$bin" --version
measure "backupkit list (empty storage)" "$bin" list --storage "file:$work/empty"
BACKUPKIT_CDS=off measure "list without the CDS archive" "$bin" list --storage "file:$work/empty"
measure "java -jar backupkit.jar list" java -jar "$work"/backupkit-*/lib/backupkit.jar list --storage "file:$work/empty"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
