"""Markdown table of `rnn diagnose adding` runs: python3 adding_table.py DIR... (each DIR holds adding.json).

Columns: the settings that differ, the MSE reached, and the gradient picture at the start and the
end (the ratio ||dL/dh_0|| / ||dL/dh_{T-1}|| on the probe batch, and sigma_max of W_hh)."""
import json, sys

def ratio(snapshot):
    h = snapshot["hidden"][0][0]
    return h[0] / h[-1] if h[-1] else float("nan")

def fmt(x):
    return "0 (below Float)" if x == 0 else f"{x:.2e}"

print("| T | cell | init | lr | steps | test MSE at the end | best | ‖∂L/∂h_0‖/‖∂L/∂h_T−1‖ start → end | σ_max(W_hh) start → end |")
print("|---:|---|---|---:|---:|---:|---:|---|---|")
for d in sys.argv[1:]:
    r = json.load(open(d + "/adding.json"))
    s = r["settings"]
    name = list(r["start"]["sigma_max"])[0]
    print(f"| {s['length']} | {s['cell']} | {s['init']} | {s['lr']} | {r['end']['step']} | {r['final_test_mse']:.4f} | {r['best_test_mse']:.4f} "
          f"| {fmt(ratio(r['start']))} → {fmt(ratio(r['end']))} | {r['start']['sigma_max'][name]:.3f} → {r['end']['sigma_max'][name]:.3f} |")
