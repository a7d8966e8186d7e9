#!/usr/bin/env python3
"""Side-by-side training of RNNKit (`rnn forecast|anomaly train`) and its PyTorch twin
(`torch_tasks.py forecast|anomaly`): the same model, settings, data and split.

Alternates PyTorch and RNNKit (PyTorch first) for --rounds rounds, each a fresh process whose
peak resident memory is read with wait4, and prints one Markdown row per task: medians of
training windows/s (training time only; RNNKit's metrics.jsonl counts time steps per second,
divided here by the window length), the ratio, the quality each reached and peak memory.

  python3 Benchmarks/compare_series.py --task airline|sunspots|nab [--epochs N] [--rounds 1]
      [--rnn .build/release/rnn] [--torch-python ~/torch-peer/bin/python] [--shared ../shared] [--seed 1]

Quality: airline MAPE % (original units), sunspots MAE on the min-max-scaled values (as the
twin and Darts report it), NAB per-point ROC-AUC and flagged windows on art_daily_jumpsup.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

D = "{shared}/data"
TASKS = {  # the twin's settings (torch_tasks.py task_forecast / task_anomaly)
    "airline": dict(window=24, epochs=300, args=[
        "forecast", "train", "--csv", D + "/airline/airline-passengers.csv", "--column", "Passengers", "--time-column", "Month",
        "--window", "24", "--horizon", "12", "--test-size", "24", "--scaler", "window-mean", "--season", "12",
        "--cell", "lstm", "--hidden", "32", "--batch", "16"], twin=["forecast", "--data", "airline"]),
    "sunspots": dict(window=125, epochs=30, args=[
        "forecast", "train", "--csv", D + "/sunspots/monthly-sunspots.csv", "--column", "Sunspots", "--time-column", "Month",
        "--window", "125", "--horizon", "36", "--test-from", "1940-11", "--scaler", "minmax", "--season", "132",
        "--cell", "gru", "--hidden", "32", "--batch", "16"], twin=["forecast", "--data", "sunspots"]),
    "nab": dict(window=288, epochs=20, args=[
        "anomaly", "train", "--csv", D + "/nab/art_daily_small_noise.csv", "--time-column", "timestamp",
        "--window", "288", "--scaler", "standard", "--cell", "lstm", "--hidden", "64", "--batch", "128"], twin=["anomaly"]),
}
COMMON = ["--optimizer", "adam", "--lr", "0.001", "--clip", "0"]


def peak_run(cmd):
    """Runs cmd; returns its stdout and peak resident memory (MiB, from wait4)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err.strip()[-500:]}")
    return out, usage.ru_maxrss / 1024


def rnnkit(a, t):
    out = tempfile.mkdtemp(prefix="rnnkit-series-") + "/run"
    args = [x.format(shared=a.shared) for x in t["args"]] + COMMON
    stdout, peak = peak_run([a.rnn] + args + ["--epochs", str(a.epochs), "--seed", str(a.seed), "--out", out,
                                              "--log-every", "100000"])
    records = [json.loads(l) for l in open(out + "/metrics.jsonl")]
    speed = statistics.median(r["tokens_per_s"] for r in records if "test_loss" not in r) / t["window"]
    if a.task == "nab":
        n = f"{a.shared}/data/nab"
        scored, _ = peak_run([a.rnn, "anomaly", "score", "--model", out, "--csv", n + "/art_daily_jumpsup.csv",
                              "--labels", n + "/anomaly_windows.json"])
        s = json.loads(scored)
        quality = f"ROC-AUC {s['point_roc_auc']}, {s['flagged_windows']} flagged, {s['flagged_overlapping_label_pct']} % on the label"
    else:
        b = json.loads(stdout.strip().splitlines()[-1])
        quality = (f"MAPE {b['model_mape_pct']:.2f} % (seasonal naive {b['seasonal_naive_mape_pct']:.2f} %)" if a.task == "airline"
                   else f"scaled MAE {b['model_mae'] / 238.5:.4f} (seasonal naive {b['seasonal_naive_mae'] / 238.5:.4f})")
    return {"windows_per_s": speed, "quality": quality, "peak_mib": peak}


def torch(a, t):
    out, peak = peak_run([a.torch_python, f"{a.shared}/bench/torch_tasks.py"] + t["twin"] +
                         ["--epochs", str(a.epochs), "--seed", str(a.seed), "--threads", "2"])
    final = next(json.loads(l) for l in out.splitlines() if l.startswith("{") and "final" in json.loads(l))
    if a.task == "nab":
        quality = f"ROC-AUC {final['point_roc_auc']}, {final['flagged_windows']} flagged, {final['flagged_overlapping_label_pct']} % on the label"
    elif a.task == "airline":
        quality = f"MAPE {final['lstm_mape_pct']:.2f} % (seasonal naive {final['seasonal_naive_mape_pct']:.2f} %)"
    else:
        quality = f"scaled MAE {final['gru_mae']:.4f} (seasonal naive {final['seasonal_naive_132_mae']:.4f})"
    return {"windows_per_s": final["sequences_per_s"], "quality": quality, "peak_mib": peak}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", choices=sorted(TASKS), required=True)
    p.add_argument("--epochs", type=int)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rnn", default=".build/release/rnn")
    p.add_argument("--torch-python", default=os.path.expanduser("~/torch-peer/bin/python"))
    p.add_argument("--shared", default="../shared")
    a = p.parse_args()
    t = TASKS[a.task]
    a.epochs = a.epochs or t["epochs"]
    runs = {"torch": [], "rnnkit": []}
    for _ in range(a.rounds):
        runs["torch"].append(torch(a, t))
        runs["rnnkit"].append(rnnkit(a, t))
    med = {k: statistics.median(r["windows_per_s"] for r in v) for k, v in runs.items()}
    print(f"| task | epochs | PyTorch windows/s | RNNKit windows/s | ratio | PyTorch | RNNKit | peak MiB (PyTorch / RNNKit) |")
    print(f"|---|---|---|---|---|---|---|---|")
    print(f"| {a.task} | {a.epochs} | {med['torch']:,.1f} | {med['rnnkit']:,.1f} | {med['rnnkit'] / med['torch']:.2f}× | "
          f"{runs['torch'][-1]['quality']} | {runs['rnnkit'][-1]['quality']} | "
          f"{max(r['peak_mib'] for r in runs['torch']):.0f} / {max(r['peak_mib'] for r in runs['rnnkit']):.0f} |")


if __name__ == "__main__":
    main()
