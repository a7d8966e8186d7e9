"""Shared helpers of the reliability campaigns: running the built `rnn` under a memory limit,
classifying how it ended, small data files, and the parts of a run folder to compare."""

import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEMORY_LIMIT = 4 << 30          # address space of each rnn process (RLIMIT_AS), to spare shared machines


def rnn_path(given=None):
    """The rnn binary: `given`, else the release build, else the debug build."""
    for path in [given, f"{ROOT}/.build/release/rnn", f"{ROOT}/.build/debug/rnn"]:
        if path and os.access(path, os.X_OK):
            return os.path.abspath(path)
    raise SystemExit("no rnn binary: run 'swift build -c release' first")


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.setpgrp()


def start(rnn, args, out, err, env=None):
    """Starts rnn with stdout and stderr going to the files `out` and `err`."""
    return subprocess.Popen([rnn] + args, stdout=open(out, "wb"), stderr=open(err, "wb"), stdin=subprocess.DEVNULL,
                            preexec_fn=_limit_memory, env=env)


def run(rnn, args, timeout=120, env=None):
    """Runs rnn to completion; returns (status, stdout, stderr); status None after a timeout."""
    proc = subprocess.Popen([rnn] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            preexec_fn=_limit_memory, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace")


def outcome(status, stderr):
    """'ok', 'error' (one 'error:' line, status 1 or 64), 'messy-error', 'crash' or 'hang'."""
    if status is None:
        return "hang"
    if status < 0 or status >= 128 or "Fatal error" in stderr or "Backtrace" in stderr or "Crash" in stderr:
        return "crash"
    if status == 0:
        return "ok"
    lines = [l for l in stderr.splitlines() if l.strip()]
    if status in (1, 64) and len(lines) == 1 and lines[0].startswith("error: "):
        return "error"
    return "messy-error"


def wait_for(path, text, proc, deadline_s=120):
    """Waits until the file at `path` contains `text` or the process ends; True if seen."""
    end = time.time() + deadline_s
    while time.time() < end:
        if text in open(path, errors="replace").read():
            return True
        if proc.poll() is not None:
            return text in open(path, errors="replace").read()
        time.sleep(0.01)
    return False


def write_data(folder):
    """Small training files for the three tasks; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    words = "the old sailor walks to the harbour before the bell rings and anna keeps the lantern near the door".split()
    lines = []
    for i in range(400):
        lines.append(" ".join(words[(i * 7 + k * 3) % len(words)] for k in range(5 + i % 6)).capitalize() + ".")
    text = "\n".join(lines) + "\n"
    tsv = "".join(f"{'pos' if i % 3 else 'neg'}\t{' '.join(words[(i + k) % len(words)] for k in range(3 + i % 5))}\n"
                  for i in range(300))
    conll, tags = [], ["B-NP", "I-NP", "B-VP", "O"]
    for i in range(200):
        conll += [f"{words[(i + k) % len(words)]} {tags[(i + k) % 4]}" for k in range(3 + i % 6)] + [""]
    paths = {"text": f"{folder}/train.txt", "tsv": f"{folder}/train.tsv", "conll": f"{folder}/train.conll",
             "words": f"{folder}/words.txt"}
    for key, content in [("text", text), ("tsv", tsv), ("conll", "\n".join(conll) + "\n"), ("words", "the\nold\nsailor\n\nanna\n")]:
        with open(paths[key], "w") as f:
            f.write(content)
    return paths


def tasks(rnn, data, work):
    """The tasks of this rnn (those its --help lists), each with: `new` (arguments of a new
    run, without --out and lengths), `train` (the train command, for --resume) and `use` (a
    command that loads a run folder's model)."""
    table = {
        "lm": {"new": ["train", "--text", data["text"], "--batch", "4", "--bptt", "16", "--embed", "8", "--dropout", "0.1"],
               "train": ["train"], "use": lambda d: ["sample", "--model", d, "--length", "20"]},
        "classify": {"new": ["classify", "train", "--train", data["tsv"], "--batch", "8", "--embed", "8", "--dropout", "0.1"],
                     "train": ["classify", "train"], "use": lambda d: ["classify", "predict", "--model", d, "the old sailor"]},
        "tag": {"new": ["tag", "train", "--train", data["conll"], "--batch", "8", "--embed", "8"],
                "train": ["tag", "train"], "use": lambda d: ["tag", "predict", "--model", d, "--input", data["words"]]},
        "forecast": {"new": ["forecast", "train", "--batch", "16"], "train": ["forecast", "train"],
                     "use": lambda d: ["forecast", "predict", "--model", d]},
        "anomaly": {"new": ["anomaly", "train", "--batch", "32"], "train": ["anomaly", "train"],
                    "use": lambda d: ["anomaly", "score", "--model", d, "--scores", f"{work}/scores.csv", "--plot", f"{work}/plot.svg"]},
        "seq2seq": {"new": ["seq2seq", "train", "--embed", "8", "--batch", "16"], "train": ["seq2seq", "train"],
                    "use": lambda d: ["seq2seq", "translate", "--model", d, "3 march 1997"]},
    }
    listed = subprocess.run([rnn, "--help"], capture_output=True, text=True).stdout
    return {k: v for k, v in table.items() if k in ("lm",) or f"  {k} " in listed}


def read_safetensors(path):
    """(header dict, data bytes) of a safetensors file."""
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def write_signed(path, header, data):
    """Writes a safetensors file with RNNKit's two checksums recomputed (crc32 over the data;
    header_crc32 over the length and header, when the header has one)."""
    meta = header.setdefault("__metadata__", {})
    meta["crc32"] = "%08x" % zlib.crc32(data)
    signed = "header_crc32" in meta
    if signed:
        meta["header_crc32"] = "00000000"

    def serialize():
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        return struct.pack("<Q", len(text)) + text
    head = serialize()
    if signed:
        meta["header_crc32"] = "%08x" % zlib.crc32(head)
        head = serialize()
    with open(path, "wb") as f:
        f.write(head + data)


def comparable_run(folder):
    """What must be equal between an interrupted-and-resumed run and an uninterrupted one:
    metrics lines without timings, best.safetensors bytes, latest's tensors and its progress
    without timings."""
    metrics = []
    for line in open(f"{folder}/metrics.jsonl"):
        record = json.loads(line)
        for key in ("tokens_per_s", "elapsed_s"):
            record.pop(key, None)
        metrics.append(record)
    header, data = read_safetensors(f"{folder}/latest.safetensors")
    progress = json.loads(header["__metadata__"]["progress"])
    for key in ("elapsed_s", "seconds_since_validation"):
        progress.pop(key, None)
    tensors = {k: (v["shape"], data[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in header.items() if k != "__metadata__"}
    best = open(f"{folder}/best.safetensors", "rb").read() if os.path.exists(f"{folder}/best.safetensors") else None
    return {"metrics": metrics, "best": best, "latest_tensors": tensors, "progress": progress,
            "sample_generator": header["__metadata__"].get("sample_generator")}


def scratch(prefix):
    """A new temporary folder (removed by the caller with shutil.rmtree)."""
    return tempfile.mkdtemp(prefix=prefix)


__all__ = ["rnn_path", "start", "run", "outcome", "wait_for", "write_data", "tasks", "read_safetensors", "write_signed",
           "comparable_run", "scratch", "shutil", "signal", "time"]
