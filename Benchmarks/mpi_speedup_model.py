#!/usr/bin/env python3
"""Speed-up model of synchronous data parallelism for `rnn bench`'s language-model configurations.

    python3 Benchmarks/mpi_speedup_model.py ONE.jsonl     # ONE.jsonl: `rnn bench --json` of one machine

One optimizer step on N machines (global batch B fixed, each machine B/N columns, the compute
split evenly) costs

    t(N) = t_c / N + t_ar(N),    t_ar(N) = 2(N-1)·alpha + 2(N-1)/N · 4P / beta     (ring allreduce)

with t_c the measured one-machine step (ms_per_batch), P the arena's floats, alpha the per-message
latency and beta the link bandwidth. Speed-up S(N) = t_c / t(N). With the batch grown with N
(B per machine, weak scaling) S_weak(N) = N · t_c / (t_c + t_ar(N)).
"""
import json, sys

# name: (cell gates, V, E, H, L), B — as LanguageModelBenchmark.configurations
CONFIGS = {
    'char-lstm-256': ((4, 65, 64, 256, 1), 32), 'char-gru-256': ((3, 65, 64, 256, 1), 32), 'char-rnn-256': ((1, 65, 64, 256, 1), 32),
    'char-lstm-2x512': ((4, 65, 128, 512, 2), 64), 'ptb-small-lstm': ((4, 10000, 200, 200, 2), 20),
    'ptb-medium-lstm': ((4, 10000, 650, 650, 2), 20),
}
NETWORKS = [('10 GbE (TCP)', 30e-6, 1.1e9), ('100 Gb/s InfiniBand', 2e-6, 11e9)]


def arena(gates, V, E, H, L):
    p = V * E + H * V + V
    for l in range(L):
        p += gates * H * ((E if l == 0 else H) + H + 2)
    return p


def allreduce(P, N, alpha, beta):
    return 0.0 if N == 1 else 2 * (N - 1) * alpha + 2 * (N - 1) / N * 4 * P / beta


def main():
    steps = {}
    for line in open(sys.argv[1]):
        j = json.loads(line)
        if 'config' in j:
            steps[j['config']] = j['ms_per_batch'] / 1e3
    Ns = [2, 4, 8, 16, 64]
    for net, alpha, beta in NETWORKS:
        print(f'\n{net}: alpha {alpha * 1e6:.0f} µs, beta {beta / 1e9:.1f} GB/s')
        print('| configuration | P (floats) | step, 1 machine | allreduce, N = 8 | ' + ' | '.join(f'S({n})' for n in Ns) + ' | S_weak(64) |')
        print('|---|---:|---:|---:|' + '---:|' * len(Ns) + '---:|')
        for name, (shape, B) in CONFIGS.items():
            if name not in steps:
                continue
            P, tc = arena(*shape), steps[name]
            # N > B would leave ranks without a column: not defined for the fixed batch.
            s = [tc / (tc / n + allreduce(P, n, alpha, beta)) if n <= B else None for n in Ns]
            weak = 64 * tc / (tc + allreduce(P, 64, alpha, beta))
            print(f'| {name} | {P:,} | {tc * 1e3:.1f} ms | {allreduce(P, 8, alpha, beta) * 1e3:.2f} ms | '
                  + ' | '.join('—' if x is None else f'{x:.1f}' for x in s) + f' | {weak:.0f} |')


if __name__ == '__main__':
    main()
