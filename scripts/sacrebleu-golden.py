#!/usr/bin/env python3
"""Regenerates llm-core/src/test/resources/metrics/sacrebleu_golden.json: expected outputs of the real
sacreBLEU 2.6.0 (Python API and CLI) on corpora built deterministically from ../shared/data, which
dev.tuneline.llm.metrics.SacreBleuGoldenTest compares against the Java implementation.

Needs a Python with sacrebleu==2.6.0 (pip install sacrebleu==2.6.0), run from the repository root:
    PY=/path/to/venv/bin/python; $PY scripts/sacrebleu-golden.py
The project itself never needs Python; this only refreshes the committed test data.
"""
import json
import logging
import os
import platform
import random
import subprocess
import sys
import tempfile

import regex
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
OUT = os.path.join(ROOT, "llm-core", "src", "test", "resources", "metrics", "sacrebleu_golden.json")


def perturb(words, rng, vocab):
    out = []
    i = 0
    while i < len(words):
        r = rng.random()
        if r < 0.08:
            pass  # drop
        elif r < 0.16:
            out.append(rng.choice(vocab))  # substitute
        elif r < 0.21 and i + 1 < len(words):
            out.extend([words[i + 1], words[i]])  # swap
            i += 1
        else:
            out.append(words[i])
        i += 1
    return " ".join(out)


def code_corpus(n):
    """Non-empty output lines (>= 4 words) of the CodeAlpaca files; hyp and 2nd ref are perturbed copies."""
    lines = []
    for f in ("code_alpaca_2k.json", "codealpaca_new_3500.json"):
        for row in json.load(open(os.path.join(SHARED, "sft", f), encoding="utf-8")):
            for line in row["output"].split("\n"):
                if len(line.split()) >= 4:
                    lines.append(" ".join(line.split()))
    lines = lines[:n]
    rng = random.Random(7)
    vocab = sorted({w for l in lines for w in l.split()})
    hyps = [perturb(l.split(), rng, vocab) for l in lines]
    ref2 = [perturb(l.split(), rng, vocab) if i % 7 else None for i, l in enumerate(lines)]
    return {"hyps": hyps, "refs": [lines, ref2]}


def dialog_corpus(n):
    """hh-rlhf helpful pairs: rejected answer as hypothesis, chosen answer as reference (first 60 words)."""
    hyps, refs = [], []
    with open(os.path.join(SHARED, "preference", "hh_helpful_pairs.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            hyps.append(" ".join(row["rejected"].split()[:60]))
            refs.append(" ".join(row["chosen"].split()[:60]))
            if len(hyps) == n:
                break
    return {"hyps": hyps, "refs": [refs]}


TRICKY = [
    "The cost is $1,000.50 (approx.) - i.e. 3-4 weeks, e.g. 2.5%!",
    "He said &quot;hello&quot; &amp; left &lt;quickly&gt; <skipped> then-\nreturned",
    "«Guillemets» — em dash… and “curly quotes” in ‘text’.",
    "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
    "ΟΔΟΣ ΣΑΣ Σ. Straße İstanbul ǅemal",
    "中文，标点。日本語「かぎ」！ 한국어?",
    "emoji 😀 test 👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ©®™ €5 ±2 ∑x²",
    "tabs\tand\u00a0nbsp\u2007figure\u202fnarrow\u3000ideo\u2028line\u0085nel end  \u00a0",
    "1990. The year 2000, then 3.14 and .5 or 5. and x,y ,z",
    "a/b [c] {d} ~e ^f `g` |h| @i #j 8-9 a-b",
    "",
    "   ",
    "-- ... ,,, ;;",
]


def tricky_corpus():
    hyps = TRICKY
    refs = [t.lower().replace("e", "é", 1) + " ." if t.strip() else "x" for t in TRICKY]
    return {"hyps": hyps, "refs": [refs]}


BLEU_SETTINGS = [
    {},
    {"tokenize": "intl"},
    {"tokenize": "char"},
    {"tokenize": "none"},
    {"lowercase": True},
    {"smooth_method": "floor"},
    {"smooth_method": "floor", "smooth_value": 0.05},
    {"smooth_method": "add-k"},
    {"smooth_method": "add-k", "smooth_value": 2},
    {"smooth_method": "none"},
    {"effective_order": True},
    {"max_ngram_order": 2},
    {"max_ngram_order": 6},
    {"tokenize": "intl", "lowercase": True, "smooth_method": "floor", "effective_order": True},
]

SENTENCE_SETTINGS = [
    {"effective_order": True},
    {"effective_order": True, "smooth_method": "floor"},
    {"effective_order": True, "smooth_method": "add-k"},
    {"effective_order": True, "smooth_method": "none"},
    {"effective_order": True, "tokenize": "intl"},
    {"effective_order": True, "tokenize": "char", "lowercase": True},
    {"effective_order": False},
]

CHRF_SETTINGS = [
    {},
    {"word_order": 2},
    {"whitespace": True},
    {"lowercase": True},
    {"eps_smoothing": True},
    {"beta": 3, "char_order": 4, "word_order": 1},
]

CLI_ARGS = [
    [],
    ["-f", "text"],
    ["-f", "text", "-w", "2", "-tok", "intl", "-lc"],
    ["-f", "text", "-sh"],
    ["-b"],
    ["-m", "bleu", "chrf"],
    ["-m", "bleu", "chrf", "-f", "text"],
    ["-m", "chrf", "--chrf-word-order", "2", "-f", "text"],
    ["-s", "floor", "-sv", "0.2", "-f", "text", "--force"],
    ["-sl", "-f", "text"],
]


def main():
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)
    corpora = {"code": code_corpus(250), "dialog": dialog_corpus(120), "tricky": tricky_corpus()}
    out = {
        "description": "Outputs of the real sacreBLEU 2.6.0 on corpora built from ../shared/data by "
                       "scripts/sacrebleu-golden.py (texts included); read by SacreBleuGoldenTest.",
        "generator": "scripts/sacrebleu-golden.py",
        "sacrebleu_version": sacrebleu.__version__,
        "python": platform.python_version(),
        "regex_version": regex.__version__,
        "corpora": corpora,
        "tokenizer_cases": [],
        "bleu": [],
        "sentence_bleu": [],
        "chrf": [],
        "cli": [],
    }
    for text in TRICKY + corpora["dialog"]["hyps"][:20]:
        case = {"text": text}
        for tok in ("13a", "intl", "char", "none"):
            case[tok] = BLEU(tokenize=tok).tokenizer(text.rstrip())
        out["tokenizer_cases"].append(case)

    for name, c in corpora.items():
        for s in BLEU_SETTINGS:
            m = BLEU(**s)
            sc = m.corpus_score(c["hyps"], c["refs"])
            out["bleu"].append({
                "corpus": name, "settings": s, "score": sc.score, "counts": [int(x) for x in sc.counts],
                "totals": [int(x) for x in sc.totals], "sys_len": sc.sys_len, "ref_len": sc.ref_len,
                "bp": sc.bp, "line": sc.format(), "signature": str(m.get_signature()),
                "short_signature": m.get_signature().format(short=True),
            })
        for s in SENTENCE_SETTINGS:
            m = BLEU(**s)
            scores, sigs = [], set()
            for i, h in enumerate(c["hyps"][:60]):
                refs = [r[i] for r in c["refs"] if r[i] is not None]
                scores.append(m.sentence_score(h, refs).score)
                sigs.add(str(m.get_signature()))
            out["sentence_bleu"].append({"corpus": name, "settings": s, "scores": scores, "signatures": sorted(sigs)})
        for s in CHRF_SETTINGS:
            m = CHRF(**s)
            sc = m.corpus_score(c["hyps"], c["refs"])
            out["chrf"].append({"corpus": name, "settings": s, "score": sc.score, "line": sc.format(),
                                "signature": str(m.get_signature())})

    # The CLI, on files: the code corpus with its two reference streams ('' where a reference is missing)
    code = corpora["code"]
    with tempfile.TemporaryDirectory() as d:
        paths = {}
        for fname, lines in (("hyp.txt", code["hyps"]), ("ref1.txt", code["refs"][0]),
                             ("ref2.txt", [r or "" for r in code["refs"][1]])):
            paths[fname] = os.path.join(d, fname)
            with open(paths[fname], "w", encoding="utf-8", newline="\n") as fh:
                fh.write("".join(l + "\n" for l in lines))
        env = dict(os.environ, NO_COLOR="1")
        env.pop("SACREBLEU_FORMAT", None)
        for refs in (["ref1.txt"], ["ref1.txt", "ref2.txt"]):
            for args in CLI_ARGS:
                cmd = [sys.executable, "-m", "sacrebleu"] + [paths[r] for r in refs] + ["-i", paths["hyp.txt"], "-q"] + args
                res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
                out["cli"].append({"refs": refs, "args": args, "stdout": res.stdout})

    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
