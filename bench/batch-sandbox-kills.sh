#!/usr/bin/env bash
# Kill sweep of `keel batch run` in the default mode (no OPENAI_API_KEY, no --base-url: the embedded
# emulator, its files and batches kept in .keel/sandbox). Launches the CLI jar on a generated input,
# SIGKILLs it after a seeded random delay, again and again, then lets a last run finish and accounts
# for everything:
#   - every custom_id has exactly one terminal state (succeeded or manual), none pending;
#   - results rows = succeeded items;
#   - batches kept by the sandbox: none created twice for one (chunk, round, redo) - duplicates=0;
#   - no rerun failed with a 404 (a forgotten file or batch).
# Prints one line per kill (the phase it landed in, from the ledger) and a summary.
#
#   bench/batch-sandbox-kills.sh [KILLS] [ITEMS] [SEED]     (defaults: 24 450 20261202)
#
# Needs: a JDK >= 21, sqlite3 and jq; the CLI jar (cli/target/keel-cli.jar, built with
# `mvn -B -q -pl cli -am package -DskipTests` when missing; KEEL_JAR overrides). Work folder: a
# fresh temporary directory (kept and printed). Exit 0 when every check holds, 1 otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../bin/lib/common.sh
. "$ROOT/bin/lib/common.sh"
KILLS=${1:-24}
ITEMS=${2:-450}
SEED=${3:-20261202}
JAVA_HOME=$(find_jdk) || exit 2
for tool in sqlite3 jq; do
  command -v "$tool" >/dev/null || { echo "batch-sandbox-kills: needs $tool (apt-get install $tool)" >&2; exit 2; }
done
jar=${KEEL_JAR:-$ROOT/cli/target/keel-cli.jar}
if [ ! -f "$jar" ]; then
  echo "batch-sandbox-kills: building $jar ..." >&2
  (cd "$ROOT" && mvn -B -q -pl cli -am package -DskipTests) >&2
fi

work=$(mktemp -d -t keel-kills.XXXXXX)
cd "$work"
for i in $(seq 1 "$ITEMS"); do
  printf '{"custom_id":"job-%d","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"Classify item %d","max_output_tokens":20}}\n' "$i" "$i"
done > input.jsonl

# exec: the background job's pid is then the JVM's own, so SIGKILL hits the run, not a wrapper shell.
keel() {
  exec env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u KEEL_REQUIRE_API_KEY \
    KEEL_SANDBOX_FAULTS='POST /v1/batches=batch:partial@0.3;*=latency:20ms..60ms' KEEL_LOG_LEVEL=WARN \
    "$JAVA_HOME/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 -jar "$jar" batch run input.jsonl --max-items 15 "$@"
}

# The phase a kill landed in: start-up or planning when the killed launch had not yet started its
# emulator (its log says so), else the step of the chunk the ledger changed last: an upload or create intent, a
# batch created and being polled, a collection (replay for a chunk of a later round), or planning
# when no chunk has moved yet.
phase() {
  local log=$1 db=.keel/keel.db
  if ! grep -q 'using the embedded emulator' "$log"; then
    # Planning (and the resume check) come before the emulator starts.
    if grep -q -e 'keel: planned' -e 'keel: resuming run' "$log"; then echo plan; else echo startup; fi
    return
  fi
  [ -f "$db" ] || { echo plan; return; }
  local q
  q=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT state, round,
      CASE WHEN finished_at IS NOT NULL THEN 'collect'
           WHEN submitted_at IS NOT NULL AND submitted_at >= COALESCE(intent_at, 0) THEN 'poll'
           ELSE 'intent' END,
      MAX(COALESCE(finished_at, 0), COALESCE(submitted_at, 0), COALESCE(intent_at, 0)) AS t
      FROM keel_batch_chunk ORDER BY t DESC LIMIT 1" 2>/dev/null) || { echo plan; return; }
  IFS='|' read -r state round step t <<<"$q"
  if [ -z "$q" ] || [ "${t:-0}" = 0 ]; then echo plan
  elif [ "$round" != 0 ]; then echo replay
  elif [ "$step" = collect ]; then echo collect
  elif [ "$step" = poll ]; then echo poll
  elif [ "$state" = UPLOADING ]; then echo upload
  else echo create
  fi
}

RANDOM=$SEED
start=$(date +%s.%N)
killed=0
launches=0
declare -A phases=()
while [ "$killed" -lt "$KILLS" ] && [ "$launches" -lt $((KILLS * 4)) ]; do
  launches=$((launches + 1))
  # The first launches are cut short, so kills land in start-up and planning too.
  if [ "$launches" -le 3 ]; then delay_ms=$((700 + RANDOM % 1000)); else delay_ms=$((1500 + RANDOM % 4500)); fi
  (keel) >"launch-$launches.log" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    killed=$((killed + 1))
    p=$(phase "launch-$launches.log")
    phases[$p]=$(( ${phases[$p]:-0} + 1 ))
    echo "kill $killed after ${delay_ms} ms: $p"
  else
    wait "$pid" 2>/dev/null || true
    echo "launch $launches finished before its kill (${delay_ms} ms)"
  fi
done
set +e
(keel) >final.log 2>&1
final=$?
set -e
end=$(date +%s.%N)

run=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT run_id FROM keel_batch_run ORDER BY created_at DESC LIMIT 1")
ok=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(*) FROM keel_batch_item WHERE run_id='$run' AND state='SUCCEEDED'")
manual=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(*) FROM keel_batch_item WHERE run_id='$run' AND state='FINAL_FAIL'")
open=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(*) FROM keel_batch_item WHERE run_id='$run' AND state IN ('PENDING','SUBMITTED')")
ids=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(DISTINCT custom_id) FROM keel_batch_item WHERE run_id='$run'")
results=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(*) FROM keel_batch_result WHERE run_id='$run'")
with_batch=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT COUNT(*) FROM keel_batch_chunk WHERE run_id='$run' AND batch_id IS NOT NULL")
upstream=$(sqlite3 -cmd '.timeout 5000' .keel/keel.db "SELECT upstream FROM keel_batch_run WHERE run_id='$run'")
batches=$(cat .keel/sandbox/batches/* | jq -r --arg run "$run" \
  'select(.metadata.keel_run == $run) | "\(.metadata.keel_chunk)/\(.metadata.keel_round)/\(.metadata.keel_redo // "0")"' | sort)
created=$(printf '%s\n' "$batches" | grep -c . || true)
unique=$(printf '%s\n' "$batches" | grep . | sort -u | wc -l)
duplicates=$((created - unique))
forgot=$(cat launch-*.log final.log | grep -c -e 'No batch found' -e 'No such File' || true)

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "input: $ITEMS items, --max-items 15; seed $SEED; work folder $work"
printf 'kills: %d of %d launches; phases:' "$killed" "$launches"
for p in startup plan upload create poll collect replay; do printf ' %s=%d' "$p" "${phases[$p]:-0}"; done
echo
echo "final run: exit $final; upstream=$upstream"
echo "items: $ids distinct custom_ids, $ok succeeded, $manual manual, $open not terminal; results rows $results"
echo "batches kept by the sandbox: $created ($unique distinct chunk/round/redo), ledger chunks with a batch: $with_batch; duplicates=$duplicates"
echo "404s on rerun (forgotten file or batch): $forgot"
printf 'time: %.1f s\n' "$(echo "$end - $start" | bc)"

fail=0
[ "$final" -le 1 ] || { echo "FAIL: the final run exited $final"; fail=1; }
[ "$ids" = "$ITEMS" ] || { echo "FAIL: $ids custom_ids in the ledger, expected $ITEMS"; fail=1; }
[ $((ok + manual)) = "$ITEMS" ] && [ "$open" = 0 ] || { echo "FAIL: not every item is terminal exactly once"; fail=1; }
[ "$results" = "$ok" ] || { echo "FAIL: $results results rows for $ok succeeded items"; fail=1; }
[ "$duplicates" = 0 ] || { echo "FAIL: $duplicates batches created twice for one chunk and round"; fail=1; }
[ "$created" = "$with_batch" ] || { echo "FAIL: $created batches kept upstream vs $with_batch recorded"; fail=1; }
[ "$forgot" = 0 ] || { echo "FAIL: a rerun met a forgotten file or batch"; fail=1; }
[ "$killed" -ge 20 ] || [ "$KILLS" -lt 20 ] || { echo "FAIL: only $killed kills landed mid-run"; fail=1; }
[ "$fail" = 0 ] && echo "OK: every custom_id accounted for once, duplicates=0"
exit "$fail"
