#!/usr/bin/env python3
"""Mutated checkpoints through the CLI: every mutation must give a clean result (the command
works, or one 'error:' line with status 1 or 64), never a crash, a hang or a corrupted file
loaded.

    Reliability/mutate-checkpoints.py --trials 6000 [--seed 1] [--rnn PATH] [--keep DIR]

A small run of every task of the CLI (language model, classifier, tagger, forecaster, anomaly
detector, seq2seq) is trained once. Each trial copies one, mutates one of its files — best,
latest or the optimizer-state file — and runs one command on it: the task's model command
(sample, eval, score; classify/tag predict and eval; forecast predict; anomaly score; seq2seq
translate) or --resume. Mutations:
  value     a metadata entry, or one field inside its JSON, replaced by an extreme value
            (0, -1, 2^31, 2^62, 2^63-1, -2^63, 1e300, "nan", "", a long string, null, [], …) or
            removed; the file re-signed (both checksums recomputed), so the reader sees it
  tensor    a tensor's shape, dtype or offsets changed, re-signed
  flip      1-8 random bits flipped anywhere, not re-signed: must be reported, never loaded
  truncate  the file cut short or extended, not re-signed: must be reported
Failures (crash, hang, messy error, corrupted file loaded) are copied to --keep with the
command that shows them; the summary counts every outcome.
"""
import argparse
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import outcome, read_safetensors, rnn_path, run, scratch, tasks, write_data, write_signed  # noqa: E402

EXTREMES = [0, -1, 1, 2, 255, 65536, 2**31 - 1, 2**31, 2**32, 2**40, 2**53, 2**62, 2**63 - 1, -2**63, 10**30,
            0.0, -0.5, 1e-300, 1e300, 0.999999, "nan", "inf", "-inf", "", "x", "LSTM", "GRU", "word", "char",
            "a" * 5000, None, True, [], {}, [0, 1], ["a", "a"]]
STRING_VALUES = ["0", "-1", "4611686018427387904", "9223372036854775807", "99999999999999999999", "1e300", "nan",
                 "", "x", "../x", "latest.state.0.safetensors", "rnnkit.model/1", "rnnkit.training-state/1",
                 "language-model", "sequence-classifier", "sequence-tagger", "2", "00000000", "{}", "[]", "a" * 5000]


def leaves(value, path=()):
    """Every path into a JSON value (objects and arrays), the value itself included."""
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))


def replaced(value, path, new, rng):
    if not path:
        return new
    head = path[0]
    if isinstance(value, dict):
        value = dict(value)
        if len(path) == 1 and new is KeyError:
            value.pop(head, None)
        else:
            value[head] = replaced(value[head], path[1:], new, rng)
    else:
        value = list(value)
        if len(path) == 1 and new is KeyError:
            value.pop(head)
        else:
            value[head] = replaced(value[head], path[1:], new, rng)
    return value


def mutate(path, rng):
    """Mutates the file at `path` in place; returns (kind, description)."""
    kind = rng.choices(["value", "tensor", "flip", "truncate"], weights=[70, 10, 15, 5])[0]
    if kind in ("flip", "truncate"):
        data = bytearray(open(path, "rb").read())
        if kind == "flip":
            bits = [rng.randrange(len(data) * 8) for _ in range(rng.randint(1, 8))]
            for b in bits:
                data[b // 8] ^= 1 << (b % 8)
            what = f"flip bits {bits}"
        else:
            cut = rng.randrange(len(data))
            data = data[:cut] if rng.random() < 0.7 else data + bytes(rng.randrange(1, 64))
            what = f"length {len(data)}"
        open(path, "wb").write(bytes(data))
        return kind, what
    header, data = read_safetensors(path)
    meta = header["__metadata__"]
    if kind == "tensor":
        name = rng.choice([k for k in header if k != "__metadata__"])
        entry = header[name]
        field = rng.choice(["shape", "dtype", "data_offsets"])
        if field == "shape":
            entry["shape"] = rng.choice([[], [0], [2**31], [2**62, 2], entry["shape"][::-1], entry["shape"] + [1], [-1]])
        elif field == "dtype":
            entry["dtype"] = rng.choice(["F16", "BF16", "F64", "I64", "U8", "BOOL", "X"])
        else:
            entry["data_offsets"] = [rng.choice([0, 4, 2**40]), rng.choice([8, 2**62, entry["data_offsets"][1] + 4])]
        write_signed(path, header, data)
        return kind, f"{name}.{field} = {entry[field]}"
    key = rng.choice(sorted(meta))
    text = meta[key]
    try:
        value = json.loads(text) if text[:1] in "{[" else None
    except ValueError:
        value = None
    if value is not None and rng.random() < 0.9:
        target = rng.choice(list(leaves(value)))
        new = KeyError if (target and rng.random() < 0.1) else rng.choice(EXTREMES)
        meta[key] = json.dumps(replaced(value, target, new, rng))
        what = f"{key}{list(target)} = {'(removed)' if new is KeyError else repr(new)[:40]}"
    elif rng.random() < 0.1:
        del meta[key]
        what = f"{key} removed"
    else:
        meta[key] = rng.choice(STRING_VALUES)
        what = f"{key} = {meta[key][:40]!r}"
    write_signed(path, header, data)
    return kind, what


def commands(task, run_dir, file, data):
    """The commands a trial may run on a run folder whose `file` was mutated: the task's model
    command (and eval, for the language model) on best or latest, and --resume."""
    model = run_dir if file == "best" else f"{run_dir}/latest.safetensors"
    use = [task["use"](model)]
    if task["train"] == ["train"]:
        use += [["eval", "--model", model, "--text", data["text"]], ["score", "--model", model, "the old sailor"]]
    elif task["train"] == ["classify", "train"]:
        use += [["classify", "eval", "--model", model, "--data", data["tsv"]]]
    elif task["train"] == ["tag", "train"]:
        use += [["tag", "eval", "--model", model, "--data", data["conll"]]]
    resume = [task["train"] + ["--out", run_dir, "--resume", "--max-steps", "6"]]
    return (resume if file == "state" else use + resume)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rnn")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--keep", default=None, help="folder for failing cases (default: a temporary folder)")
    args = parser.parse_args()
    rnn, rng, work = rnn_path(args.rnn), random.Random(args.seed), scratch("rnn-mutate-")
    keep = args.keep or f"{work}-failures"
    data = write_data(f"{work}/data")
    tiny = ["--hidden", "8", "--eval-every", "2", "--log-every", "1000"]
    base = tasks(rnn, data, work)
    for kind, task in base.items():
        steps = ["--steps", "3"] if kind == "seq2seq" else ["--max-steps", "3"]
        status, _, err = run(rnn, task["new"] + tiny + steps + ["--out", f"{work}/{kind}"], timeout=600)
        assert status == 0, f"{kind} base run failed: {err}"
    counts, failures = {}, 0
    for trial in range(args.trials):
        kind = rng.choice(sorted(base))
        file = rng.choice(["best", "latest", "state"])
        folder = f"{work}/trial"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(f"{work}/{kind}", folder)
        state = json.loads(json.dumps(read_safetensors(f"{folder}/latest.safetensors")[0]))["__metadata__"]["state_file"]
        path = f"{folder}/{state}" if file == "state" else f"{folder}/{file}.safetensors"
        mutation, what = mutate(path, rng)
        command = rng.choice(commands(base[kind], folder, file, data))
        status, out, err = run(rnn, command, timeout=args.timeout)
        result = outcome(status, err)
        reads_file = not (file == "best" and "--resume" in command)     # a resume reads latest and its state only
        if result == "ok" and mutation in ("flip", "truncate") and reads_file:
            result = "corrupted-loaded"
        counts[result] = counts.get(result, 0) + 1
        if result not in ("ok", "error"):
            failures += 1
            case = f"{keep}/{trial:05d}-{result}"
            shutil.copytree(folder, case)
            with open(f"{case}/CASE.txt", "w") as f:
                f.write(f"{kind} {file}: {mutation} {what}\nrnn {' '.join(command)}\nstatus {status}\n{err[-3000:]}\n")
            print(f"trial {trial}: {result}: {kind} {file} {mutation} {what} -> rnn {' '.join(command[:2])}: {err.strip()[-200:]}",
                  flush=True)
        if (trial + 1) % 100 == 0:
            print(f"{trial + 1} trials: {counts}", flush=True)
    print(json.dumps({"trials": args.trials, "seed": args.seed, "outcomes": counts, "failures": failures,
                      "failures_kept_in": keep if failures else None}))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
