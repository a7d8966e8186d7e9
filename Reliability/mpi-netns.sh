#!/usr/bin/env bash
# Data-parallel training across "machines": two or more network namespaces on this machine,
# each with its own network stack (veth pairs on a bridge), joined only by Open MPI's TCP
# transport — the multi-host path, exercised for real without a cluster or sshd.
#
#   sudo Reliability/mpi-netns.sh [RANKS] [RNN]     (default: 2 ranks, .build/release/rnn or debug)
#
# mpirun runs in the root namespace with a hostfile of the namespaces' addresses; its rsh
# launcher is a wrapper that starts Open MPI's daemon with `ip netns exec` (and its own host
# name) instead of ssh. Shared memory is off (--mca btl tcp,self), so every byte between ranks
# crosses a veth pair. Checks, on the built-in corpus:
#   1. N ranks with the plain allreduce = one process with the same batch (losses within 1e-4);
#   2. N ranks with --deterministic-reduce = --local-shards N in one process, bit for bit
#      (losses, weights, optimizer and carried state).
# Needs root, iproute2, Open MPI (openmpi-bin) and python3. Everything is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-2}
RNN=${2:-$( [ -x .build/release/rnn ] && echo "$PWD/.build/release/rnn" || echo "$PWD/.build/debug/rnn" )}
TAG=rk$$
NET=10.77.$(( $$ % 200 + 20 ))
WORK=$(mktemp -d /tmp/rnnkit-netns.XXXXXX)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

cleanup() {
    for i in $(seq 1 "$RANKS"); do ip netns del "$TAG-$i" 2>/dev/null || true; done
    ip link del "$TAG-br" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# The network: a bridge in the root namespace (NET.1), namespace i at NET.(10+i).
ip link add "$TAG-br" type bridge
ip addr add "$NET.1/24" dev "$TAG-br"
ip link set "$TAG-br" up
: > "$WORK/hosts"
{ echo '#!/bin/sh'; echo 'host="$1"; shift'; echo 'case "$host" in'; } > "$WORK/agent"
for i in $(seq 1 "$RANKS"); do
    ns="$TAG-$i"
    ip netns add "$ns"
    ip link add "$TAG-v$i" type veth peer name eth0 netns "$ns"
    ip link set "$TAG-v$i" master "$TAG-br" up
    ip -n "$ns" addr add "$NET.$((10 + i))/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    echo "$NET.$((10 + i)) slots=1" >> "$WORK/hosts"
    echo "  $NET.$((10 + i))) ns=$ns ;;" >> "$WORK/agent"
done
{ echo '  *) echo "no namespace for $host" >&2; exit 1 ;;'; echo 'esac'
  echo 'exec ip netns exec "$ns" unshare --uts sh -c "hostname $ns; $*"'; } >> "$WORK/agent"
chmod +x "$WORK/agent"

MPIRUN=(mpirun --hostfile "$WORK/hosts" -np "$RANKS" --map-by node
        --mca plm_rsh_agent "$WORK/agent" --mca plm_rsh_no_tree_spawn 1
        --mca btl tcp,self --mca btl_tcp_if_include "$NET.0/24" --mca oob_tcp_if_include "$NET.0/24")
echo "ranks on $(sed 's/ slots=1//' "$WORK/hosts" | tr '\n' ' ')"
"${MPIRUN[@]}" sh -c 'echo "  rank $OMPI_COMM_WORLD_RANK: namespace $(hostname), $(ip -4 -o addr show eth0 | awk "{print \$4}")"'

ARGS=(train --batch 9 --max-steps 50 --eval-every 10 --hidden 32 --embed 16 --bptt 16 --sample-length 0 --threads 1)
"$RNN" "${ARGS[@]}" --out "$WORK/one" > /dev/null
"${MPIRUN[@]}" "$RNN" "${ARGS[@]}" --out "$WORK/allreduce" > "$WORK/allreduce.log"
head -1 "$WORK/allreduce.log"
"$RNN" "${ARGS[@]}" --local-shards "$RANKS" --out "$WORK/local" > /dev/null
"${MPIRUN[@]}" "$RNN" "${ARGS[@]}" --deterministic-reduce --out "$WORK/deterministic" > /dev/null

python3 - "$WORK" <<'PY'
import json, struct, sys
work = sys.argv[1]
def tensors(path):
    b = open(path, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n]); meta = h.pop('__metadata__', {})
    return {k: b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]] for k, v in h.items()}, meta
def run(name):
    latest, meta = tensors(f'{work}/{name}/latest.safetensors')
    state, _ = tensors(f'{work}/{name}/{meta["state_file"]}')
    losses = [(r['train_loss'], r['valid_loss'], r['ranks']) for r in map(json.loads, open(f'{work}/{name}/metrics.jsonl'))]
    return losses, {**latest, **{'state.' + k: v for k, v in state.items()}}
one, _ = run('one'); allreduce, _ = run('allreduce')
worst = max(abs(a - b) / max(1, abs(a)) for x, y in zip(one, allreduce) for a, b in zip(x[:2], y[:2]))
ok1 = len(one) == len(allreduce) == 5 and worst <= 1e-4
print(f'1. allreduce vs one process, 50 steps: {len(one)} validations, largest relative loss difference {worst:.2e} -> {"ok" if ok1 else "FAIL"}')
local, tl = run('local'); det, td = run('deterministic')
ok2 = [x[:2] for x in local] == [x[:2] for x in det] and tl == td
print(f'2. --deterministic-reduce vs --local-shards, 50 steps: losses and {len(tl)} tensors (weights, optimizer, carried state) '
      f'{"identical" if ok2 else "DIFFER"} -> {"ok" if ok2 else "FAIL"}; ranks recorded {sorted({x[2] for x in det})}')
sys.exit(0 if ok1 and ok2 else 1)
PY
