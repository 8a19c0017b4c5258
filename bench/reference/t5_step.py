"""PyTorch reference for `npm run bench:train`: one T5 v1.0 training step of the same shape and batch.

Same architecture as packages/model (tied embedding with dm^-0.5 output rescale, RMS norm scale-only, bias-free
Q/K/V/O of inner width nh*kv without 1/sqrt(kv) score scaling, 32-bucket relative position bias per stack shared by
its layers, ReLU FFN, final norm per stack), forward + backward + plain SGD update, float32, on the CPU.

Prints one JSON object: {"msPerStep", "threads", "torch", "blas"}. Use a torch built against OpenBLAS (Debian:
python3-torch with libopenblas0-openmp selected); with the reference BLAS the same step is ~20x slower.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def bucket(rel, bidirectional, num_buckets=32, max_distance=128):
    n = -rel
    ret = torch.zeros_like(n)
    if bidirectional:
        num_buckets //= 2
        ret += (n < 0).long() * num_buckets
        n = n.abs()
    else:
        n = n.clamp(min=0)
    max_exact = num_buckets // 2
    large = max_exact + (torch.log(n.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).long()
    large = large.clamp(max=num_buckets - 1)
    return ret + torch.where(n < max_exact, n, large)


class T5(torch.nn.Module):
    def __init__(self, el, dl, dm, ff, nh, kv, vocab):
        super().__init__()
        self.dm, self.nh, self.kv = dm, nh, kv
        inner = nh * kv
        p = lambda *shape, std: torch.nn.Parameter(torch.randn(*shape) * std)
        ones = lambda: torch.nn.Parameter(torch.ones(dm))
        attn = lambda: torch.nn.ParameterDict(dict(norm=ones(), q=p(dm, inner, std=(dm * kv) ** -0.5),
                                                   k=p(dm, inner, std=dm ** -0.5), v=p(dm, inner, std=dm ** -0.5),
                                                   o=p(inner, dm, std=inner ** -0.5)))
        ffn = lambda: torch.nn.ParameterDict(dict(norm=ones(), wi=p(dm, ff, std=dm ** -0.5), wo=p(ff, dm, std=ff ** -0.5)))
        self.embedding = p(vocab, dm, std=1.0)
        self.enc_bias = p(32, nh, std=dm ** -0.5)
        self.dec_bias = p(32, nh, std=dm ** -0.5)
        self.enc = torch.nn.ModuleList([torch.nn.ModuleDict(dict(attn=attn(), ffn=ffn())) for _ in range(el)])
        self.dec = torch.nn.ModuleList([torch.nn.ModuleDict(dict(self_attn=attn(), cross_attn=attn(), ffn=ffn()))
                                        for _ in range(dl)])
        self.enc_norm, self.dec_norm = ones(), ones()

    @staticmethod
    def norm(x, scale):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * scale

    def attend(self, w, xq, xkv, bias):
        b, tq, _ = xq.shape
        tk = xkv.shape[1]
        split = lambda x, t: x.view(b, t, self.nh, self.kv).transpose(1, 2)
        q, k, v = split(xq @ w['q'], tq), split(xkv @ w['k'], tk), split(xkv @ w['v'], tk)
        weights = torch.softmax(q @ k.transpose(-1, -2) + bias, dim=-1)
        return (weights @ v).transpose(1, 2).reshape(b, tq, -1) @ w['o']

    def position_bias(self, table, tq, tk, bidirectional):
        rel = torch.arange(tk)[None, :] - torch.arange(tq)[:, None]
        return table[bucket(rel, bidirectional)].permute(2, 0, 1)[None]

    def forward(self, enc_ids, dec_ids):
        ti, tt = enc_ids.shape[1], dec_ids.shape[1]
        key_mask = (enc_ids == 0).float()[:, None, None, :] * -1e9
        enc_bias = self.position_bias(self.enc_bias, ti, ti, True) + key_mask
        causal = torch.triu(torch.full((tt, tt), -1e9), diagonal=1)
        dec_bias = self.position_bias(self.dec_bias, tt, tt, False) + causal
        x = self.embedding[enc_ids]
        for blk in self.enc:
            h = self.norm(x, blk['attn']['norm'])
            x = x + self.attend(blk['attn'], h, h, enc_bias)
            x = x + F.relu(self.norm(x, blk['ffn']['norm']) @ blk['ffn']['wi']) @ blk['ffn']['wo']
        memory = self.norm(x, self.enc_norm)
        y = self.embedding[dec_ids]
        for blk in self.dec:
            h = self.norm(y, blk['self_attn']['norm'])
            y = y + self.attend(blk['self_attn'], h, h, dec_bias)
            y = y + self.attend(blk['cross_attn'], self.norm(y, blk['cross_attn']['norm']), memory, key_mask)
            y = y + F.relu(self.norm(y, blk['ffn']['norm']) @ blk['ffn']['wi']) @ blk['ffn']['wo']
        return (self.norm(y, self.dec_norm) * self.dm ** -0.5) @ self.embedding.t()


def main():
    ap = argparse.ArgumentParser()
    for name in ['el', 'dl', 'dm', 'ff', 'nh', 'kv', 'vocab', 'batch', 'input-length', 'target-length']:
        ap.add_argument(f'--{name}', type=int, required=True)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = T5(a.el, a.dl, a.dm, a.ff, a.nh, a.kv, a.vocab)
    enc = torch.randint(1, a.vocab, (a.batch, a.input_length))
    tgt = torch.randint(1, a.vocab, (a.batch, a.target_length))
    dec = torch.cat([torch.zeros(a.batch, 1, dtype=torch.long), tgt[:, :-1]], dim=1)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(enc, dec).reshape(-1, a.vocab), tgt.reshape(-1))
        loss.backward()
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    ms = (time.perf_counter() - t0) / a.steps * 1000
    blas = 'openblas' if 'openblas' in torch.__config__.show().lower() else 'other'
    print(json.dumps(dict(msPerStep=ms, threads=a.threads, torch=torch.__version__, blas=blas)))


if __name__ == '__main__':
    main()
