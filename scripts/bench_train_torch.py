#!/usr/bin/python3
"""Reference for TrainBench: the same decoder (OPT or GPT-2 layout), batch and training step in PyTorch eager.

One step = forward, next-token cross-entropy summed over labels != -100 and divided by their count,
backward, clip_grad_norm_(max_grad_norm), torch AdamW (no decay on biases / LayerNorm), zero_grad.
Prints one JSON line. Written from the HF architecture descriptions; no transformers import.
"""
import argparse
import ctypes
import ctypes.util
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads, fused, attn_dropout, resid_dropout):
        super().__init__()
        self.h, self.fused = heads, fused
        if fused:  # GPT-2 c_attn / c_proj
            self.c_attn = nn.Linear(d, 3 * d)
            self.c_proj = nn.Linear(d, d)
        else:  # OPT q/k/v/out_proj
            self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.attn_dropout, self.resid_dropout = attn_dropout, resid_dropout

    def forward(self, x, bias):
        b, t, d = x.shape
        if self.fused:
            q, k, v = self.c_attn(x).split(d, dim=2)
        else:
            q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        split = lambda a: a.view(b, t, self.h, d // self.h).transpose(1, 2)  # (B, h, T, dh)
        q, k, v = split(q), split(k), split(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.h) + bias
        probs = F.dropout(scores.softmax(-1), self.attn_dropout, self.training)
        o = (probs @ v).transpose(1, 2).reshape(b, t, d)
        o = self.c_proj(o) if self.fused else self.out_proj(o)
        return F.dropout(o, self.resid_dropout, self.training)


class Layer(nn.Module):
    def __init__(self, arch, d, heads, ffn, dropout):
        super().__init__()
        gpt2 = arch == "gpt2"
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = Attention(d, heads, gpt2, dropout if gpt2 else 0.0, dropout)
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.act = (lambda y: F.gelu(y, approximate="tanh")) if gpt2 else F.relu
        self.dropout = dropout

    def forward(self, x, bias):
        x = x + self.attn(self.ln1(x), bias)
        return x + F.dropout(self.fc2(self.act(self.fc1(self.ln2(x)))), self.dropout, self.training)


class DecoderLm(nn.Module):
    def __init__(self, arch, vocab, d, layers, heads, ffn, max_pos, dropout=0.1):
        super().__init__()
        self.arch, self.dropout = arch, dropout
        self.offset = 2 if arch == "opt" else 0
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(max_pos + self.offset, d)
        self.layers = nn.ModuleList(Layer(arch, d, heads, ffn, dropout) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        for n, p in self.named_parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)
            elif n.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, ids, mask):
        t = ids.shape[1]
        pos = (mask.cumsum(1) - 1).clamp(min=0) + self.offset  # (B, T)
        x = self.wte(ids) + self.wpe(pos)
        if self.arch == "gpt2":
            x = F.dropout(x, self.dropout, self.training)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        allowed = causal[None, None] & mask[:, None, None, :].bool()
        bias = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)
        for layer in self.layers:
            x = layer(x, bias)
        return self.ln_f(x) @ self.wte.weight.t()  # tied head (B, T, V)


def blas_core():
    for name in ("openblas", "openblas64", "blas"):
        path = ctypes.util.find_library(name)
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path)
            fn = lib.openblas_get_corename
            fn.restype = ctypes.c_char_p
            return fn().decode()
        except (OSError, AttributeError):
            continue
    return "unknown"


def gemm_gflops(n, reps=3):
    """Best of reps timed n x n x n fp32 matmuls after one warmup (the machines are shared)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2.0 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser()
    for k, v in dict(vocab=50272, hidden=256, layers=2, heads=4, ffn=1024, batch=8, seq=256, steps=4, warmup=2,
                     threads=0, gemm=0, seed=0).items():
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--arch", default="opt")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas_core": blas_core(),
           "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE")}
    if a.gemm > 0:
        out["gemm_gflops"] = gemm_gflops(a.gemm)
    if a.steps > 0:
        torch.manual_seed(a.seed)
        model = DecoderLm(a.arch, a.vocab, a.hidden, a.layers, a.heads, a.ffn, max(a.seq, 256))
        model.train()
        no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or ".ln" in n or n.startswith("ln")]
        decay = [p for n, p in model.named_parameters() if not any(p is q for q in no_decay)]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=a.lr)
        g = torch.Generator().manual_seed(a.seed)
        ids = torch.randint(0, a.vocab, (a.batch, a.seq), generator=g)
        mask = torch.ones_like(ids)
        labels = ids.clone()
        labels[:, : a.seq // 4] = -100  # a prompt without loss
        times, cpu = [], []
        for i in range(a.warmup + a.steps):
            t0, c0 = time.perf_counter(), time.process_time()
            logits = model(ids, mask)
            shift, target = logits[:, :-1].reshape(-1, a.vocab), labels[:, 1:].reshape(-1)
            keep = target != -100
            loss = F.cross_entropy(shift, target, ignore_index=-100, reduction="sum") / keep.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.max_grad_norm)
            opt.step()
            opt.zero_grad(set_to_none=True)
            loss = loss.item()
            if i >= a.warmup:
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        step = sorted(times)[len(times) // 2]  # median step
        out.update(step_times=times, step_s=step, tokens_per_s=a.batch * a.seq / step,
                   cpu_share=sum(cpu) / sum(times), last_loss=loss)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
