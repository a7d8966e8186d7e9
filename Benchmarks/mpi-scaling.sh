#!/usr/bin/env bash
# Data parallelism on this machine: `rnn bench` (the six language-model configurations,
# training) as 1 process × T threads against `mpirun -np N` ranks × T/N threads, alternated
# for ROUNDS rounds; then the time of one gradient allreduce per arena size (shared memory,
# and Open MPI's TCP transport over loopback). Prints the medians and ratios.
#
#   Benchmarks/mpi-scaling.sh [ROUNDS=3] [SECONDS=3] [N=2] [T=2]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; SECONDS_EACH=${2:-3}; N=${3:-2}; T=${4:-2}
RNN=$PWD/.build/release/rnn
OUT=$(mktemp -d /tmp/rnnkit-mpi-bench.XXXXXX)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for r in $(seq 1 "$ROUNDS"); do
    "$RNN" bench --threads "$T" --seconds "$SECONDS_EACH" --json > "$OUT/one-$r.jsonl"
    mpirun --oversubscribe -np "$N" "$RNN" bench --threads $((T / N > 0 ? T / N : 1)) --seconds "$SECONDS_EACH" --json > "$OUT/mpi-$r.jsonl"
done
mpirun --oversubscribe -np "$N" "$RNN" bench --allreduce > "$OUT/allreduce-shm.jsonl"
mpirun --oversubscribe -np "$N" --mca btl tcp,self "$RNN" bench --allreduce > "$OUT/allreduce-tcp.jsonl"
python3 - "$OUT" "$ROUNDS" "$N" "$T" <<'PY'
import json, statistics, sys, glob
out, rounds, N, T = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def load(kind):
    runs = {}
    for r in range(1, rounds + 1):
        for line in open(f'{out}/{kind}-{r}.jsonl'):
            j = json.loads(line)
            if 'config' in j: runs.setdefault(j['config'], []).append(j['tokens_per_s'])
    return runs
one, mpi = load('one'), load('mpi')
print(f'| configuration | 1 process × {T} threads, tokens/s | {N} ranks × {max(1, T // N)} thread, tokens/s | ranks / threads |')
print('|---|---:|---:|---:|')
for c in one:
    a, b = statistics.median(one[c]), statistics.median(mpi[c])
    print(f'| {c} | {a:,.0f} ({", ".join(f"{x:,}" for x in one[c])}) | {b:,.0f} ({", ".join(f"{x:,}" for x in mpi[c])}) | {b / a:.2f} |')
print()
shm = [json.loads(l) for l in open(f'{out}/allreduce-shm.jsonl')]
tcp = {j['allreduce_floats']: j for j in map(json.loads, open(f'{out}/allreduce-tcp.jsonl'))}
print(f'| floats | MiB | shared memory µs | bus GB/s | TCP loopback µs | bus GB/s |')
print('|---:|---:|---:|---:|---:|---:|')
for j in shm:
    t = tcp[j['allreduce_floats']]
    print(f"| {j['allreduce_floats']:,} | {j['allreduce_floats'] * 4 / 2**20:.2f} | {j['us']:,} | {j['bus_gb_per_s']} | {t['us']:,} | {t['bus_gb_per_s']} |")
PY
echo "raw results: $OUT"
