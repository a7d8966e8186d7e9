#!/usr/bin/env python3
"""Ctrl-C, then --resume: the resumed run must be exactly the uninterrupted one.

    Reliability/ctrlc-resume.py --trials 20 [--seed 1] [--rnn PATH]

For each task (language model, classifier, tagger, forecaster, anomaly detector, seq2seq, in
turn), an uninterrupted reference run is trained once. Each trial trains the same run in a new folder, sends SIGINT at a random moment
(a step, a validation, a checkpoint write, the final test), and — in one trial of three — a
second SIGINT 0–50 ms later, which ends the process at once. Then `--resume` with no other
option finishes the run. The trial is exact when the folder equals the reference: metrics.jsonl
(timings aside), best.safetensors byte for byte, latest's tensors, progress and generators;
and, after a single Ctrl-C, the printed step losses and samples of both parts together equal
the reference's. Trials where the run finished before the signal are repeated; a run that the
signal finds in its last moments may still complete, and its folder must then equal the reference.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import comparable_run, rnn_path, run, scratch, start, tasks, write_data  # noqa: E402

STEP = re.compile(r"step (\d+)/\d+ loss (\S+)")


def printed(output):
    """The step losses and samples a run printed."""
    losses = dict(STEP.findall(output))
    samples = [block.split("\n--------------")[0] for block in output.split("--- sample ---\n")[1:]]
    return losses, samples


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rnn")
    args = parser.parse_args()
    rnn, rng, work = rnn_path(args.rnn), random.Random(args.seed), scratch("rnn-ctrlc-")
    data = write_data(f"{work}/data")
    common = ["--hidden", "16", "--eval-every", "7", "--log-every", "1", "--seed", "5"]
    lengths = {"lm": ["--epochs", "2", "--sample-length", "25", "--test", data["text"]],
               "classify": ["--epochs", "3", "--test", data["tsv"]], "tag": ["--epochs", "3", "--test", data["conll"]],
               "forecast": ["--max-steps", "60"], "anomaly": ["--max-steps", "60"], "seq2seq": ["--steps", "60"]}
    kinds = {k: (t["new"] + lengths[k] + common, t["train"]) for k, t in tasks(rnn, data, work).items()}
    references = {}
    for kind, (arguments, _) in kinds.items():
        began = time.time()
        status, out, err = run(rnn, arguments + ["--out", f"{work}/{kind}-reference"], timeout=900)
        assert status == 0, f"{kind} reference failed: {err}"
        references[kind] = (comparable_run(f"{work}/{kind}-reference"), printed(out), time.time() - began)
    exact, trials, failures, skipped, finished = 0, 0, [], 0, 0
    while trials < args.trials:
        kind = sorted(kinds)[trials % len(kinds)]
        arguments, train = kinds[kind]
        reference, reference_output, seconds = references[kind]
        folder = f"{work}/{kind}-trial"
        shutil.rmtree(folder, ignore_errors=True)
        twice = rng.random() < 1 / 3
        proc = start(rnn, arguments + ["--out", folder], f"{work}/out", f"{work}/err")
        time.sleep(rng.uniform(0.02, seconds * 1.05))
        if proc.poll() is not None:
            skipped += 1
            continue
        proc.send_signal(signal.SIGINT)
        if twice:
            time.sleep(rng.uniform(0, 0.05))
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        proc.wait()
        trials += 1
        first = open(f"{work}/out", errors="replace").read()
        status, rest, err = run(rnn, train + ["--out", folder, "--resume"], timeout=900)
        problems = []
        # A signal that lands after the last step (the final evaluation, the last files) may leave
        # a complete run: then there is nothing to resume, and the folder itself must equal the
        # uninterrupted run's.
        completed = status == 1 and "is already complete" in err
        if completed:
            finished += 1
            got = comparable_run(folder)
            problems += [f"{part} differs (the run had completed)" for part in reference if got[part] != reference[part]]
        elif status != 0:
            problems.append(f"resume failed ({status}): {err.strip()[-300:]}")
        else:
            got = comparable_run(folder)
            problems += [f"{part} differs" for part in reference if got[part] != reference[part]]
            if not twice and proc.returncode == 130:
                (a, s1), (b, s2) = printed(first), printed(rest)
                if {**a, **b} != reference_output[0] or set(a) & set(b):
                    problems.append("printed step losses differ")
                if s1 + s2 != reference_output[1]:
                    problems.append("printed samples differ")
        if problems:
            failures.append(f"trial {trials} ({kind}, {'two signals' if twice else 'one signal'}, exit {proc.returncode}): "
                            + "; ".join(problems))
            print(failures[-1], flush=True)
        else:
            exact += 1
    print(json.dumps({"trials": trials, "seed": args.seed, "exact": exact, "finished_before_the_signal": skipped,
                      "completed_despite_the_signal": finished, "failures": failures}))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if exact == trials else 1


if __name__ == "__main__":
    sys.exit(main())
