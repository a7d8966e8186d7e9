#!/usr/bin/env python3
"""Two trainers on one run folder: the second must be refused with one line naming the
first one's process id, and the folder must stay resumable.

    Reliability/concurrent-trainers.py --trials 10 [--seed 1] [--rnn PATH]

Each trial picks a task (every task of the CLI, in turn) and a way to collide (in turn):
  resume     a second trainer resumes the folder while the first trains it
  new        a second new run is started on the same --out while the first trains it
  together   two new runs on the same new --out, started at the same moment
Then the first (or the winner) is killed with SIGKILL at a random moment, and the folder must
resume for a step and sample/predict. The summary counts refusals that name the holder's
process id and folders left resumable.
"""
import argparse
import json
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import outcome, read_safetensors, rnn_path, run, scratch, start, tasks, wait_for, write_data  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rnn")
    args = parser.parse_args()
    rnn, rng, work = rnn_path(args.rnn), random.Random(args.seed), scratch("rnn-concurrent-")
    data = write_data(f"{work}/data")
    common = ["--hidden", "16", "--epochs", "1000000", "--eval-every", "3", "--log-every", "1"]
    kinds = tasks(rnn, data, work)
    results = {"refused_naming_pid": 0, "refused_already_holds_a_run": 0, "refused_other": 0, "both_ran": 0, "resumable": 0}
    failures = []
    for trial in range(args.trials):
        kind = sorted(kinds)[trial % len(kinds)]
        new, train, use = kinds[kind]["new"], kinds[kind]["train"], kinds[kind]["use"]
        mode = ["resume", "new", "together"][(trial // len(kinds)) % 3]
        folder = f"{work}/{kind}-{trial}"
        second = None
        first = start(rnn, new + common + ["--out", folder], f"{work}/out1", f"{work}/err1")
        if mode == "together":
            second = start(rnn, new + common + ["--out", folder], f"{work}/out2", f"{work}/err2")
            time.sleep(2)
            running = [p for p in (first, second) if p.poll() is None]
            loser = second if first in running else first
            if len(running) != 1:
                results["both_ran"] += 1
                failures.append(f"trial {trial} ({kind}, together): {len(running)} trainers running")
            loser_err = open(f"{work}/err2" if loser is second else f"{work}/err1", errors="replace").read()
            winner = running[0] if running else first
            holder = winner.pid
        else:
            wait_for(f"{work}/out1", "step 3/", first)
            arguments = train + ["--out", folder, "--resume"] if mode == "resume" else new + common + ["--out", folder]
            status, _, loser_err = run(rnn, arguments, timeout=60)
            if status == 0 or status is None:
                results["both_ran"] += 1
                failures.append(f"trial {trial} ({kind}, {mode}): the second trainer ran (status {status})")
            winner, holder = first, first.pid
        if f"(process {holder})" in loser_err and outcome(1, loser_err) == "error":
            results["refused_naming_pid"] += 1
        elif mode in ("new", "together") and "already holds a training run" in loser_err:
            results["refused_already_holds_a_run"] += 1               # refused before the lock: also right
        else:
            results["refused_other"] += 1
            failures.append(f"trial {trial} ({kind}, {mode}): refused with {loser_err.strip()[-200:]!r}")
        time.sleep(rng.uniform(0, 1.5))
        for p in (first, second):
            if p is not None and p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        step = json.loads(read_safetensors(f"{folder}/latest.safetensors")[0]["__metadata__"]["progress"])["step"]
        status, _, err = run(rnn, train + ["--out", folder, "--resume", "--max-steps", str(step + 1)])
        status2, _, err2 = run(rnn, use(folder))
        if status == 0 and status2 == 0:
            results["resumable"] += 1
        else:
            failures.append(f"trial {trial} ({kind}, {mode}): resume {status} {err.strip()[-200:]}; use {status2} {err2.strip()[-200:]}")
    print(json.dumps({"trials": args.trials, "seed": args.seed, **results, "failures": failures}))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
