#!/usr/bin/env bash
# Builds the libFuzzer targets (-sanitize=fuzzer,address) and runs each for a given time.
#
#   Fuzz/run.sh                     # every target, 60 s each (the bounded run for CI)
#   Fuzz/run.sh 600                 # every target, 10 minutes each
#   Fuzz/run.sh 60 fuzz-conll ...   # some targets
#
# Each target starts from its seeds (seeds/<target>/) and keeps what it finds in
# .corpus/<target>/; crashes, leaks, timeouts and out-of-memory inputs go to
# artifacts/<target>/. One summary line per target goes to stdout (inputs run, seconds,
# crashes), and the script exits 1 if any target found something. Run long campaigns
# with `nice -n 19` on shared machines. Environment: JOBS (default 1) parallel workers per
# target, RSS_MB (default 2048) the memory limit of one worker.
set -u
cd "$(dirname "$0")"
SECONDS_EACH=${1:-60}
shift || true
TARGETS=(fuzz-safetensors fuzz-checkpoint-metadata fuzz-checkpoint-file fuzz-text fuzz-labeled-text fuzz-conll
         fuzz-symbols fuzz-metrics fuzz-csv fuzz-parallel-text fuzz-idx)
[ $# -gt 0 ] && TARGETS=("$@")

# SwiftPM compiles RNNKit and the targets with coverage and ASan; each target is then linked
# with libFuzzer's main here.
FLAGS=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing)
echo "building ${TARGETS[*]} (release, -sanitize=fuzzer,address)..." >&2
if ! swift build "${FLAGS[@]}" > .build-log.txt 2>&1; then
    grep -E "error|warning: unre" .build-log.txt | head -30 >&2
    exit 2
fi
OBJ=$(swift build "${FLAGS[@]}" --show-bin-path)
BIN=.build/fuzzers
mkdir -p "$BIN"
for target in "${TARGETS[@]}"; do
    module=${target//-/_}
    if ! swiftc -sanitize=fuzzer,address "$OBJ"/RNNKit.build/*.o "$OBJ"/CRNNKernels.build/*.o \
            "$OBJ"/FuzzSupport.build/*.o "$OBJ/$module.build/"*.o -lm -lpthread -o "$BIN/$target" >> .build-log.txt 2>&1; then
        grep -E "error" .build-log.txt | head -20 >&2
        exit 2
    fi
done

failed=0
for target in "${TARGETS[@]}"; do
    mkdir -p ".corpus/$target" "artifacts/$target" "seeds/$target"
    log="artifacts/$target/last-run.log"
    "$BIN/$target" ".corpus/$target" "seeds/$target" -max_total_time="$SECONDS_EACH" -timeout=30 \
        -rss_limit_mb="${RSS_MB:-2048}" -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
        -jobs="${JOBS:-1}" -workers="${JOBS:-1}" > "$log" 2>&1
    status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
    crashes=$(ls "artifacts/$target" | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-')
    echo "$target: $runs inputs in ${SECONDS_EACH} s, $crashes crash/leak/timeout/oom artifacts, exit $status"
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then failed=1; fi
done
exit $failed
