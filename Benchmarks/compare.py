#!/usr/bin/env python3
"""Side-by-side throughput of RNNKit (`rnn bench`) and PyTorch (torch_rnn_bench.py).

Runs every configuration in both, alternating (PyTorch, RNNKit, PyTorch, RNNKit, ...) for
--rounds rounds, each run in a fresh process whose peak resident memory is read with wait4.
Prints one Markdown table of medians: tokens/s, ratio, GFLOP/s and peak memory.

  python3 Benchmarks/compare.py --torch-python ~/torch-peer/bin/python \
      --torch-script ../shared/bench/torch_rnn_bench.py --rnn .build/release/rnn \
      [--rounds 3] [--seconds 5] [--mode train|infer] [--threads 2] [--only NAME]
"""
import argparse, json, os, statistics, subprocess, sys

CONFIGS = ["char-lstm-256", "char-gru-256", "char-rnn-256", "char-lstm-2x512", "ptb-small-lstm", "ptb-medium-lstm"]


def measure(cmd):
    """Runs cmd in a fresh process; returns its configuration's JSON object plus `peak_mib`,
    the process's peak resident memory (from wait4)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err.strip()[-500:]}")
    rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    result = next(r for r in rows if "config" in r)
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["sgemm1024"] = next((r["sgemm1024_gflops"] for r in rows if "sgemm1024_gflops" in r), float("nan"))
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--torch-python", default=os.path.expanduser("~/torch-peer/bin/python"))
    p.add_argument("--torch-script", default="../shared/bench/torch_rnn_bench.py")
    p.add_argument("--rnn", default=".build/release/rnn")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--mode", default="train", choices=["train", "infer"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", default=None)
    a = p.parse_args()
    configs = [a.only] if a.only else CONFIGS
    samples = {c: {"torch": [], "rnnkit": []} for c in configs}
    for r in range(a.rounds):
        for c in configs:
            common = ["--only", c, "--seconds", str(a.seconds), "--mode", a.mode, "--threads", str(a.threads)]
            samples[c]["torch"].append(measure([a.torch_python, a.torch_script] + common))
            samples[c]["rnnkit"].append(measure([a.rnn, "bench"] + common))
            t, k = samples[c]["torch"][-1], samples[c]["rnnkit"][-1]
            print(f"round {r + 1} {c}: torch {t['tokens_per_s']} tok/s, rnnkit {k['tokens_per_s']} tok/s",
                  file=sys.stderr, flush=True)
    med = lambda xs, key: statistics.median(x[key] for x in xs)
    print(f"| config ({a.mode}, {a.threads} threads) | PyTorch tok/s | RNNKit tok/s | ratio | "
          "PyTorch GFLOP/s | RNNKit GFLOP/s | RNNKit ÷ its SGEMM 1024³ | PyTorch peak MiB | RNNKit peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in configs:
        t, k = samples[c]["torch"], samples[c]["rnnkit"]
        ratios = [x["tokens_per_s"] / y["tokens_per_s"] for x, y in zip(k, t)]
        print(f"| {c} | {med(t, 'tokens_per_s'):,.0f} | {med(k, 'tokens_per_s'):,.0f} | "
              f"{statistics.median(ratios):.2f}× | {med(t, 'gflops'):.1f} | {med(k, 'gflops'):.1f} | "
              f"{statistics.median(x['gflops'] / x['sgemm1024'] for x in k):.0%} | "
              f"{med(t, 'peak_mib'):,.0f} | {med(k, 'peak_mib'):,.0f} |")
    print(f"\nSGEMM 1024³ medians: PyTorch {med([x for c in configs for x in samples[c]['torch']], 'sgemm1024'):.1f}, "
          f"RNNKit {med([x for c in configs for x in samples[c]['rnnkit']], 'sgemm1024'):.1f} GFLOP/s")


if __name__ == "__main__":
    main()
