#!/usr/bin/env python3
"""Side-by-side training of RNNKit (`rnn caption train --data fashion-grid`) and its PyTorch twin
(`torch_tasks.py caption`): 2×2 grids of Fashion-MNIST items (56×56), conv 16/32, embeddings 32,
hidden 128, attention 64, λ = 1, batch 64, Adam 1e-3, clip 5 — the twin's settings, which are
also `rnn caption train`'s defaults for the fashion grid.

Alternates PyTorch and RNNKit (PyTorch first) for --rounds rounds and prints one Markdown row:
medians of training images/s (training time only, validation and data loading excluded), the
ratio, and the last round's validation exact-caption, word-accuracy and localisation percentages.
Needs Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).

  python3 Benchmarks/compare_caption.py [--epochs 1] [--train-images 3200] [--valid-images 500]
      [--rounds 1] [--threads 2 (PyTorch's; RNNKit uses every core)] [--rnn .build/release/rnn] [--torch-python ~/torch-peer/bin/python]
      [--shared ../shared] [--seed 1]
"""
import argparse, json, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import alternate, run  # noqa: E402


def rnnkit(a):
    out = tempfile.mkdtemp(prefix="rnnkit-cap-") + "/run"
    run([a.rnn, "caption", "train", "--data", "fashion-grid", "--train-size", str(a.train_images),
         "--valid-size", str(a.valid_images), "--epochs", str(a.epochs), "--seed", str(a.seed),
         "--out", out])
    records = [json.loads(l) for l in open(out + "/metrics.jsonl")]
    last = records[-1]
    # tokens_per_s of a caption run counts training images per second of training time.
    return {"images_per_s": statistics.median(r["tokens_per_s"] for r in records),
            "exact": last["valid_exact_match"], "words": last["valid_token_accuracy"],
            "located": last["valid_localization"]}


def torch(a):
    out = run([a.torch_python, f"{a.shared}/bench/torch_tasks.py", "caption", "--epochs", str(a.epochs),
               "--train-images", str(a.train_images), "--valid-images", str(a.valid_images),
               "--seed", str(a.seed), "--threads", str(a.threads)])
    final = next(json.loads(l) for l in out.splitlines() if l.startswith("{") and "final" in json.loads(l))
    return {"images_per_s": final["images_per_s"], "exact": final["last_valid_exact_pct"],
            "words": final["last_valid_token_accuracy_pct"], "located": final["last_valid_localisation_pct"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--train-images", type=int, default=3200)
    p.add_argument("--valid-images", type=int, default=500)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rnn", default=".build/release/rnn")
    p.add_argument("--torch-python", default=os.path.expanduser("~/torch-peer/bin/python"))
    p.add_argument("--shared", default="../shared")
    a = p.parse_args()
    runs, med = alternate(a.rounds, lambda: torch(a), lambda: rnnkit(a), "images_per_s", "images/s")
    t, k = runs["torch"][-1], runs["rnnkit"][-1]
    print("| epochs × images | PyTorch images/s | RNNKit images/s | ratio | exact % (PyTorch / RNNKit) "
          "| word accuracy % | localisation % |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {a.epochs} × {a.train_images:,} | {med['torch']:,.0f} | {med['rnnkit']:,.0f} | "
          f"{med['rnnkit'] / med['torch']:.2f}× | {t['exact']} / {k['exact']} | {t['words']} / {k['words']} | "
          f"{t['located']} / {k['located']} |")


if __name__ == "__main__":
    main()
