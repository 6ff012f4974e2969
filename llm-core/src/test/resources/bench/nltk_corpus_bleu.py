"""Times nltk's corpus_bleu on pre-tokenized files (one segment per line, tokens separated by spaces).
Used by dev.tuneline.llm.bench.BleuBench; prints one JSON line."""
import json
import statistics
import sys
import time

import nltk
from nltk.translate.bleu_score import corpus_bleu

hyp_file, ref_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(hyp_file, encoding="utf-8", newline="\n") as fh:
    hyps = [line.rstrip("\n").split(" ") if line.strip() else [] for line in fh]
with open(ref_file, encoding="utf-8", newline="\n") as fh:
    refs = [[line.rstrip("\n").split(" ") if line.strip() else []] for line in fh]
assert len(hyps) == len(refs), (len(hyps), len(refs))
times, score = [], None
for _ in range(repeats):
    t0 = time.perf_counter()
    score = corpus_bleu(refs, hyps)
    times.append(time.perf_counter() - t0)
print(json.dumps({"nltk": nltk.__version__, "python": sys.version.split()[0], "score": score,
                  "median_s": statistics.median(times), "min_s": min(times), "times_s": times}))
