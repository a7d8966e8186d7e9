#!/usr/bin/env bash
# Writes the seed inputs of every fuzz target into seeds/<target>/ from tiny runs of the
# built rnn (swift build first): checkpoints of every task (language model, classifier,
# tagger, forecaster, anomaly detector, seq2seq),
# their metadata entries as JSON, metrics lines, and small text, TSV, CoNLL and symbol files.
set -eu
cd "$(dirname "$0")"
RNN=${RNN:-../.build/debug/rnn}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tiny=(--hidden 4 --embed 3 --max-steps 3 --eval-every 2 --log-every 1000)
"$RNN" train --out "$work/lm" "${tiny[@]}" --batch 4 --bptt 8 --sample-length 0 --dropout 0.1 > /dev/null
"$RNN" classify train --out "$work/classify" "${tiny[@]}" --batch 8 > /dev/null
"$RNN" tag train --out "$work/tag" "${tiny[@]}" --batch 8 > /dev/null
"$RNN" forecast train --out "$work/forecast" --hidden 4 --max-steps 3 --eval-every 2 --log-every 1000 > /dev/null
"$RNN" anomaly train --out "$work/anomaly" --hidden 4 --max-steps 3 --eval-every 2 --log-every 1000 > /dev/null
"$RNN" seq2seq train --out "$work/seq2seq" --hidden 4 --embed 3 --steps 3 --eval-every 2 --log-every 1000 > /dev/null
python3 - "$work" <<'PY'
import json, os, struct, sys
work = sys.argv[1]
def put(target, name, data):
    os.makedirs(f"seeds/{target}", exist_ok=True)
    with open(f"seeds/{target}/{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
for run in ("lm", "classify", "tag", "forecast", "anomaly", "seq2seq"):
    for name in sorted(os.listdir(f"{work}/{run}")):
        path = f"{work}/{run}/{name}"
        if name.endswith(".safetensors"):
            data = open(path, "rb").read()
            short = name.replace("latest.state.", "state.").split(".")[0]
            put("fuzz-checkpoint-file", f"{run}-{short}.safetensors", data)
            put("fuzz-safetensors", f"{run}-{short}.safetensors", data)
            n = struct.unpack("<Q", data[:8])[0]
            for key, value in json.loads(data[8:8 + n]).get("__metadata__", {}).items():
                if value.startswith(("{", "[")):
                    put("fuzz-checkpoint-metadata", f"{run}-{short}-{key}.json", value)
                    if key == "training":
                        for part, inner in json.loads(value).items():
                            put("fuzz-checkpoint-metadata", f"{run}-{short}-training-{part}.json", json.dumps(inner))
        elif name == "metrics.jsonl":
            text = open(path).read()
            put("fuzz-metrics", f"{run}.jsonl", text)
            put("fuzz-checkpoint-metadata", f"{run}-metrics-line.json", text.splitlines()[0])
PY
for f in ../Tests/RNNKitTests/Fixtures/reference/dtypes.safetensors ../Tests/RNNKitTests/Fixtures/parity/03_lstm_basic.safetensors; do
    cp "$f" seeds/fuzz-safetensors/
done
mkdir -p seeds/fuzz-text seeds/fuzz-labeled-text seeds/fuzz-conll seeds/fuzz-symbols
printf 'ANNA: We must sleep near the harbour.\r\nHUGO: Where is the lantern?\n\nThe old sailor walks to the harbour.\n' > seeds/fuzz-text/scene.txt
printf 'caf\xc3\xa9 na\xc3\xafve \xe2\x80\x94 \xf0\x9f\x99\x82 \xe5\xad\x97\ttab\n' > seeds/fuzz-text/unicode.txt
printf 'pos\tnot bad at all\nneg\ta dull , tedious mess\npos\twhat a wonderful film\n\n' > seeds/fuzz-labeled-text/reviews.tsv
printf 'the DT B-NP\nman NN I-NP\nsaw VBD B-VP\nthe DT B-NP\nsaw NN I-NP\n\nthey PRP B-NP\nwatch VBP B-VP\n' > seeds/fuzz-conll/chunks.txt
printf 'the\nman\nsaw\n\n' > seeds/fuzz-conll/words.txt
printf '<pad>\n<unk>\n,\nbad\nfilm\n' > seeds/fuzz-symbols/vocabulary.txt
printf '["\\n", " ", "A", "b"]\n' > seeds/fuzz-symbols/characters.json
printf 'neg\npos\n' > seeds/fuzz-symbols/labels.txt
mkdir -p seeds/fuzz-csv seeds/fuzz-parallel-text
head -c 400 "${AIRLINE:-../../shared/data/airline/airline-passengers.csv}" > seeds/fuzz-csv/airline-head.csv 2>/dev/null || true
printf 'time,value,"quoted, name"\n2024-02-01 00:00:00,1.5,"a ""b"""\n2024-02-01 00:30:00,-2e3,x\r\n2024-02-01 01:00:00,nan,\n' > seeds/fuzz-csv/quoted.csv
printf '[{"start":"2024-02-01 00:00:00","end":"2024-02-01 01:00:00"}]' > seeds/fuzz-csv/labels.json
printf 'the old sailor\nwalks to the harbour\n\x00le vieux marin\nmarche vers le port\n' > seeds/fuzz-parallel-text/pair.txt
printf '3 march 1997\ntuesday, july 14 2026\n\x001997-03-03\n2026-07-14\n' > seeds/fuzz-parallel-text/dates.txt
ls seeds/* | head -50
