#!/usr/bin/env python3
"""kill -9 at random moments of training runs, then check that the folder still samples (or
predicts) and resumes.

    Reliability/kill9.py --trials 100 [--seed 1] [--rnn PATH]

Each trial starts (or resumes) a training run in one folder per task — language model,
classifier, tagger, forecaster, anomaly detector, seq2seq, in turn — validating and writing checkpoints every few steps, kills it
with SIGKILL after a random delay (so the kill lands mid-step, mid-validation or mid-checkpoint
write), then checks: the model command works on the folder (rnn sample, classify predict, tag
predict, forecast predict, anomaly score, seq2seq translate), `--resume` for one more step succeeds, and no temporary file is left after it.
A trial passes when both work; the summary counts loadable folders.
"""
import argparse
import json
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import outcome, read_safetensors, rnn_path, run, scratch, start, tasks, write_data  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rnn")
    parser.add_argument("--max-delay", type=float, default=4.0, help="longest wait before the kill, seconds")
    args = parser.parse_args()
    rnn, rng, work = rnn_path(args.rnn), random.Random(args.seed), scratch("rnn-kill9-")
    data = write_data(f"{work}/data")
    common = ["--hidden", "16", "--epochs", "1000000", "--eval-every", "3", "--log-every", "1"]
    kinds = tasks(rnn, data, work)
    if "lm" in kinds:
        kinds["lm"]["new"] = kinds["lm"]["new"] + ["--sample-length", "20"]
    passed, failures, moments = 0, [], {}
    for trial in range(args.trials):
        kind = sorted(kinds)[trial % len(kinds)]
        new, use, train = kinds[kind]["new"], kinds[kind]["use"], kinds[kind]["train"]
        run_dir = f"{work}/{kind}"
        arguments = (new + common + ["--out", run_dir]) if not os.path.exists(f"{run_dir}/latest.safetensors") \
            else train + ["--out", run_dir, "--resume", "--max-steps", str(2**40)]
        proc = start(rnn, arguments, f"{work}/out", f"{work}/err")
        time.sleep(rng.uniform(0.05, args.max_delay))
        if proc.poll() is not None:
            failures.append(f"trial {trial} ({kind}): the run ended before the kill: {open(f'{work}/err').read()[-300:]}")
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        last = (open(f"{work}/out", errors="replace").read().strip().splitlines() or ["(nothing)"])[-1]
        moment = "validation" if ("valid" in last or "---" in last) else "step"
        moments[moment] = moments.get(moment, 0) + 1
        status, out, err = run(rnn, use(run_dir))
        used = outcome(status, err)
        # An anomaly detector killed before its first validation has no threshold yet: scoring is
        # refused with that reason (one line), and the folder must still resume.
        if used == "error" and "before its first validation" in err:
            used, moments["before the first validation"] = "ok", moments.get("before the first validation", 0) + 1
        header, _ = read_safetensors(f"{run_dir}/latest.safetensors")
        step = json.loads(header["__metadata__"]["progress"])["step"]
        leftovers_before = [n for n in os.listdir(run_dir) if ".tmp-" in n]
        status2, out2, err2 = run(rnn, train + ["--out", run_dir, "--resume", "--max-steps", str(step + 1)])
        resumed = outcome(status2, err2)
        leftovers = [n for n in os.listdir(run_dir) if ".tmp-" in n]
        if used == "ok" and resumed == "ok" and not leftovers:
            passed += 1
        else:
            failures.append(f"trial {trial} ({kind}, step {step}): use {used} {err.strip()[-200:]}; "
                            f"resume {resumed} {err2.strip()[-200:]}; leftovers {leftovers}")
            print(failures[-1], flush=True)
        if leftovers_before:
            moments["left temporary files"] = moments.get("left temporary files", 0) + 1
        if (trial + 1) % 10 == 0:
            print(f"{trial + 1} trials: {passed} loadable and resumable", flush=True)
    print(json.dumps({"trials": args.trials, "seed": args.seed, "loadable_and_resumable": passed,
                      "killed_after": moments, "failures": failures}))
    return 0 if passed == args.trials else 1


if __name__ == "__main__":
    sys.exit(main())
