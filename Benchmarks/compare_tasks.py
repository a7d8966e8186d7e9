#!/usr/bin/env python3
"""Side-by-side training of RNNKit (`rnn classify|tag train`) and its PyTorch twin
(`torch_tasks.py classify|tag`): the same model, settings, data and split.

Alternates PyTorch and RNNKit (PyTorch first) for --rounds rounds, each run a fresh process
whose peak resident memory is read with wait4, and prints one Markdown row per task: medians
of training tokens/s (training time only, real tokens, as both count them), the ratio, the
best validation metric of each run, and peak memory.

  python3 Benchmarks/compare_tasks.py --task classify [--epochs 5] [--rounds 1]
  python3 Benchmarks/compare_tasks.py --task tag [--epochs 8] [--rounds 1]
      [--rnn .build/release/rnn] [--torch-python ~/torch-peer/bin/python] [--shared ../shared] [--seed 1]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

# The twins' settings (torch_tasks.py task_classify / task_tag).
RNNKIT_ARGS = {
    "classify": ["--train", "{shared}/data/sentence_polarity/train.tsv", "--lowercase", "--min-count", "2",
                 "--cell", "lstm", "--embed", "128", "--hidden", "128", "--layers", "1", "--bidirectional",
                 "--pooling", "max", "--dropout", "0.5"],
    "tag": ["--train", "{shared}/data/conll2000/train.txt", "--lowercase", "--min-count", "2",
            "--cell", "lstm", "--embed", "100", "--hidden", "128", "--layers", "2", "--bidirectional", "--dropout", "0.5"],
}
COMMON = ["--batch", "32", "--eval-batch", "256", "--optimizer", "adam", "--lr", "0.001", "--clip", "5"]
METRIC = {"classify": ("valid_accuracy", "best_valid_accuracy_pct"), "tag": ("valid_f1", "best_valid_chunk_f1_pct")}


def peak_run(cmd):
    """Like run, but reads the peak memory with wait4 (the child is reaped by it)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err.strip()[-500:]}")
    return out, usage.ru_maxrss / 1024


def rnnkit(a):
    out = tempfile.mkdtemp(prefix="rnnkit-task-") + "/run"
    args = [x.format(shared=a.shared) for x in RNNKIT_ARGS[a.task]] + COMMON
    _, peak = peak_run([a.rnn, a.task, "train"] + args + ["--epochs", str(a.epochs), "--seed", str(a.seed),
                                                          "--out", out, "--log-every", "100000"])
    records = [json.loads(l) for l in open(out + "/metrics.jsonl")]
    speed = statistics.median(r["tokens_per_s"] for r in records)
    return {"tokens_per_s": speed, "best": max(r[METRIC[a.task][0]] for r in records), "peak_mib": peak,
            "epochs": [r[METRIC[a.task][0]] for r in records]}


def torch(a):
    out, peak = peak_run([a.torch_python, f"{a.shared}/bench/torch_tasks.py", a.task, "--epochs", str(a.epochs),
                          "--seed", str(a.seed), "--threads", "2"])
    rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    final = next(r for r in rows if "final" in r)
    key = "valid_accuracy_pct" if a.task == "classify" else "valid_chunk_f1_pct"
    return {"tokens_per_s": final["tokens_per_s"], "best": final[METRIC[a.task][1]], "peak_mib": peak,
            "epochs": [r[key] for r in rows if "epoch" in r]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", required=True, choices=["classify", "tag"])
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rnn", default=".build/release/rnn")
    p.add_argument("--torch-python", default=os.path.expanduser("~/torch-peer/bin/python"))
    p.add_argument("--shared", default="../shared")
    a = p.parse_args()
    a.epochs = a.epochs or (5 if a.task == "classify" else 8)
    t, k = [], []
    for r in range(a.rounds):
        t.append(torch(a))
        k.append(rnnkit(a))
        print(f"round {r + 1}: torch {t[-1]['tokens_per_s']:,.0f} tok/s best {t[-1]['best']} {t[-1]['epochs']}; "
              f"rnnkit {k[-1]['tokens_per_s']:,.0f} tok/s best {k[-1]['best']} {k[-1]['epochs']}", file=sys.stderr, flush=True)
    med = lambda xs, key: statistics.median(x[key] for x in xs)
    ratios = [y["tokens_per_s"] / x["tokens_per_s"] for x, y in zip(t, k)]
    print("| task (epochs, rounds) | PyTorch tok/s | RNNKit tok/s | ratio | PyTorch best valid | RNNKit best valid | PyTorch peak MiB | RNNKit peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {a.task} ({a.epochs}, {a.rounds}) | {med(t, 'tokens_per_s'):,.0f} | {med(k, 'tokens_per_s'):,.0f} | "
          f"{statistics.median(ratios):.2f}× | {med(t, 'best'):.2f} | {med(k, 'best'):.2f} | "
          f"{med(t, 'peak_mib'):,.0f} | {med(k, 'peak_mib'):,.0f} |")


if __name__ == "__main__":
    main()
