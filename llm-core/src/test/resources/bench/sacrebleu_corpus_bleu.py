"""Times the real sacreBLEU's corpus_score on raw files (optional row of BleuBench; needs sacrebleu)."""
import json
import statistics
import sys
import time

import sacrebleu
from sacrebleu.metrics import BLEU

hyp_file, ref_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(hyp_file, encoding="utf-8", newline="\n") as fh:
    hyps = [line.rstrip("\n") for line in fh]
with open(ref_file, encoding="utf-8", newline="\n") as fh:
    refs = [line.rstrip("\n") for line in fh]
times, score = [], None
for _ in range(repeats):
    metric = BLEU()  # a fresh instance: no tokenizer cache carried between runs
    t0 = time.perf_counter()
    score = metric.corpus_score(hyps, [refs])
    times.append(time.perf_counter() - t0)
print(json.dumps({"sacrebleu": sacrebleu.__version__, "python": sys.version.split()[0], "score": score.score,
                  "line": score.format(), "median_s": statistics.median(times), "min_s": min(times)}))
