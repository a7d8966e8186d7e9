"""What the side-by-side comparisons (compare_seq2seq.py, compare_caption.py) share: running a
command to completion, and alternating PyTorch and RNNKit (PyTorch first) for some rounds."""
import statistics, subprocess, sys


def run(cmd):
    """The command's stdout; exits with its stderr's tail if it fails."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {p.stderr.strip()[-500:]}")
    return p.stdout


def alternate(rounds, torch, rnnkit, key, unit):
    """Runs torch() then rnnkit() `rounds` times, each returning a dict with the throughput under
    `key`; prints each round's figures to stderr. Returns (runs, medians) keyed "torch"/"rnnkit"."""
    runs = {"torch": [], "rnnkit": []}
    for n in range(1, rounds + 1):
        runs["torch"].append(torch())
        runs["rnnkit"].append(rnnkit())
        print(f"# round {n}: PyTorch {runs['torch'][-1][key]:,.1f}, RNNKit {runs['rnnkit'][-1][key]:,.1f} {unit}",
              file=sys.stderr, flush=True)
    return runs, {k: statistics.median(r[key] for r in v) for k, v in runs.items()}
