"""Writes numpy_permutations.json: NumPy's default_rng(seed).permutation(n) for the cases SplitsTest checks.

Run with any NumPy >= 1.17 (made with NumPy 2.4.6): python3 make_numpy_permutations.py
HF datasets' train_test_split(test_size=f, seed=s) takes eval = perm[:ceil(f*n)], train = perm[ceil(f*n):].
"""
import json
import numpy as np

CASES = [(2017, 42), (1, 42), (2, 0), (10, 0), (100, 7), (1000, 4294967296), (5000, 123456789012345), (3, 2**63 - 1)]
out = {"numpy": np.__version__,
       "cases": [{"n": n, "seed": s, "permutation": np.random.default_rng(s).permutation(n).tolist()} for n, s in CASES]}
with open("numpy_permutations.json", "w") as f:
    json.dump(out, f)
