#!/usr/bin/env python3
"""Side-by-side training of RNNKit (`rnn seq2seq train`) and its PyTorch twin
(`torch_tasks.py seq2seq`) on ../shared/data/morph: 1-layer LSTM 256, embeddings 64, Luong
general attention with input feeding, batches of 64 random pairs, Adam 1e-3, clip 5.

Alternates PyTorch and RNNKit (PyTorch first) for --rounds rounds and prints one Markdown row:
medians of training target tokens/s (training time only; both count the non-PAD target tokens,
<eos> included), the ratio, and the best greedy exact match against tgt.valid.2017.

  python3 Benchmarks/compare_seq2seq.py [--steps 3000] [--eval-every 500] [--rounds 1]
      [--rnn .build/release/rnn] [--torch-python ~/torch-peer/bin/python] [--shared ../shared] [--seed 1]
"""
import argparse, json, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import alternate, run  # noqa: E402


def rnnkit(a):
    m = f"{a.shared}/data/morph"
    out = tempfile.mkdtemp(prefix="rnnkit-s2s-") + "/run"
    run([a.rnn, "seq2seq", "train", "--source", f"{m}/src.train", "--target", f"{m}/tgt.train", "--valid-source", f"{m}/src.valid",
         "--valid-target", f"{m}/tgt.valid.2017", "--level", "word", "--cell", "lstm", "--embed", "64", "--hidden", "256",
         "--attention", "luong", "--score", "general", "--batch", "64", "--optimizer", "adam", "--lr", "0.001", "--clip", "5",
         "--steps", str(a.steps), "--eval-every", str(a.eval_every), "--seed", str(a.seed), "--out", out, "--log-every", "100000"])
    records = [json.loads(l) for l in open(out + "/metrics.jsonl")]
    return {"tokens_per_s": statistics.median(r["tokens_per_s"] for r in records),
            "exact": max(r["valid_exact_match"] for r in records), "out": out}


def torch(a):
    out = run([a.torch_python, f"{a.shared}/bench/torch_tasks.py", "seq2seq", "--steps", str(a.steps), "--eval-every",
               str(a.eval_every), "--seed", str(a.seed), "--threads", "2"])
    final = next(json.loads(l) for l in out.splitlines() if l.startswith("{") and "final" in json.loads(l))
    return {"tokens_per_s": final["tokens_per_s"], "exact": final["best_valid_2017_exact_pct"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rnn", default=".build/release/rnn")
    p.add_argument("--torch-python", default=os.path.expanduser("~/torch-peer/bin/python"))
    p.add_argument("--shared", default="../shared")
    a = p.parse_args()
    runs, med = alternate(a.rounds, lambda: torch(a), lambda: rnnkit(a), "tokens_per_s", "tokens/s")
    print("| steps | PyTorch tokens/s | RNNKit tokens/s | ratio | PyTorch best exact % | RNNKit best exact % |")
    print("|---|---|---|---|---|---|")
    print(f"| {a.steps} | {med['torch']:,.0f} | {med['rnnkit']:,.0f} | {med['rnnkit'] / med['torch']:.2f}× | "
          f"{runs['torch'][-1]['exact']} | {runs['rnnkit'][-1]['exact']} |")


if __name__ == "__main__":
    main()
