#!/usr/bin/env python3
"""Two builds of `rnn bench` side by side: for each language-model configuration and mode,
runs the baseline and the candidate binary alternately (baseline first) for --rounds rounds,
each a fresh process, and prints the medians and the candidate ÷ baseline ratio. The check
for "no regression" of a change to the engine.

  python3 Benchmarks/compare_binaries.py BASELINE_RNN CANDIDATE_RNN [--rounds 5] [--seconds 3]
      [--modes train,infer] [--only NAME]
"""
import argparse, json, statistics, subprocess, sys

CONFIGS = ["char-lstm-256", "char-gru-256", "char-rnn-256", "char-lstm-2x512", "ptb-small-lstm", "ptb-medium-lstm"]


def bench(rnn, config, mode, seconds):
    out = subprocess.run([rnn, "bench", "--only", config, "--mode", mode, "--seconds", str(seconds), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return next(json.loads(l) for l in out.splitlines() if l.startswith("{") and "tokens_per_s" in l)["tokens_per_s"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("baseline")
    p.add_argument("candidate")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--modes", default="train,infer")
    p.add_argument("--only", default=None)
    a = p.parse_args()
    print("| config | mode | baseline tok/s | candidate tok/s | candidate ÷ baseline (median of per-round ratios) |")
    print("|---|---|---:|---:|---:|")
    for mode in a.modes.split(","):
        for c in [a.only] if a.only else CONFIGS:
            base, cand = [], []
            for _ in range(a.rounds):
                base.append(bench(a.baseline, c, mode, a.seconds))
                cand.append(bench(a.candidate, c, mode, a.seconds))
            ratio = statistics.median(y / x for x, y in zip(base, cand))
            print(f"| {c} | {mode} | {statistics.median(base):,.0f} | {statistics.median(cand):,.0f} | {ratio:.3f} |", flush=True)


if __name__ == "__main__":
    main()
