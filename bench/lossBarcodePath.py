"""The loss-barcode path optimisation of analysis/analyses/lossBarcode/pathOptimizer.ts in PyTorch (CPU), for
bench/lossBarcode.ts: same algorithm (straight line of M points, interior points moved by minibatch gradients
with half of each neighbour-tangent component removed, midpoints inserted every `insertEvery` iterations into
the `insertCount` segments whose midpoint has the highest minibatch loss, barrier = max over the final
polyline with `interpolate` points per segment on the evaluation set, and the straight line likewise), same
data, endpoints, minibatch order and float32 arithmetic. All points of a path are evaluated in one batched
pass (stacked weights, batched matmul), as in our engine.

Usage: python3 lossBarcodePath.py  (reads one JOB.json path per stdin line, answers one JSON line per job:
{"ms", "barrier", "straight", "points"}; data files are loaded once per path, outside the timing)
"""
import json
import sys
import time

import numpy as np
import torch

JOBS = {}


def load(path):
    if path in JOBS:
        return JOBS[path]
    job = json.load(open(path))
    D = job["D"]
    g = {
        "job": job,
        "X": torch.from_numpy(np.fromfile(job["trainX"], dtype=np.float32).reshape(-1, D)),
        "Y": torch.from_numpy(np.fromfile(job["trainY"], dtype=np.int32).astype(np.int64)),
        "EX": torch.from_numpy(np.fromfile(job["evalX"], dtype=np.float32).reshape(-1, D)),
        "EY": torch.from_numpy(np.fromfile(job["evalY"], dtype=np.int32).astype(np.int64)),
        "batches": torch.from_numpy(np.fromfile(job["batches"], dtype=np.int32).astype(np.int64)).reshape(job["iterations"], -1),
        "A": torch.from_numpy(np.fromfile(job["thetaA"], dtype=np.float32)),
        "B": torch.from_numpy(np.fromfile(job["thetaB"], dtype=np.float32)),
    }
    JOBS[path] = g
    return g



ACT = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda z: z}


def unpack(theta):
    """[P, dim] -> per layer (W [P, in, out], b [P, 1, out] or None), views in the parameter layout of mlpBatch.ts."""
    out, at = [], 0
    for i, o, bias, act in layers:
        W = theta[:, at:at + i * o].reshape(-1, i, o)
        at += i * o
        b = None
        if bias:
            b = theta[:, at:at + o].reshape(-1, 1, o)
            at += o
        out.append((W, b, act))
    return out


def losses(theta, x, y):
    """Mean cross-entropy of every point [P] on the samples x [n, D]."""
    h = x.unsqueeze(0)
    for W, b, act in unpack(theta):
        h = torch.matmul(h, W)
        if b is not None:
            h = h + b
        h = ACT[act](h)
    P = theta.shape[0]
    return torch.nn.functional.cross_entropy(h.reshape(-1, C), y.repeat(P), reduction="none").reshape(P, -1).mean(1)


def loss_and_grad(theta, it):
    t = theta.detach().requires_grad_(True)
    idx = batches[it]
    l = losses(t, X[idx], Y[idx])
    (g,) = torch.autograd.grad(l.sum(), t)
    return l.detach(), g


def evaluate(theta, chunk):
    with torch.no_grad():
        out = []
        for s in range(0, theta.shape[0], chunk):
            part = theta[s:s + chunk]
            tot = torch.zeros(part.shape[0])
            for f in range(0, EX.shape[0], job["batch"]):
                xb, yb = EX[f:f + job["batch"]], EY[f:f + job["batch"]]
                tot += losses(part, xb, yb) * xb.shape[0]
            out.append(tot / EX.shape[0])
        return torch.cat(out)


def polyline(path, k):
    per = k + 1
    pts = []
    for s in range(path.shape[0] - 1):
        for j in range(per):
            pts.append(path[s] + (j / per) * (path[s + 1] - path[s]))
    pts.append(path[-1])
    return torch.stack(pts)


def optimise():
    M = job["points"]
    s = torch.linspace(0, 1, M).unsqueeze(1)
    path = A.unsqueeze(0) + s * (B - A).unsqueeze(0)
    for it in range(job["iterations"]):
        interior = path[1:-1]
        _, g = loss_and_grad(interior, it)
        seg = path[1:] - path[:-1]
        tau = seg / seg.norm(dim=1, keepdim=True).clamp_min(1e-30)
        tl, tr = tau[:-1], tau[1:]
        gp = g - 0.5 * ((g * tl).sum(1, keepdim=True) * tl + (g * tr).sum(1, keepdim=True) * tr)
        path = torch.cat([path[:1], interior - job["lr"] * gp, path[-1:]])
        if (it + 1) % job["insertEvery"] == 0 and it + 1 < job["iterations"]:
            room = min(job["insertCount"], job["maxPoints"] - path.shape[0])
            if room > 0:
                mids = 0.5 * (path[1:] + path[:-1])
                with torch.no_grad():
                    ml = losses(mids, X[batches[it]], Y[batches[it]])
                chosen = sorted(torch.argsort(-ml, stable=True)[:room].tolist(), reverse=True)
                for c in chosen:
                    path = torch.cat([path[:c + 1], mids[c:c + 1], path[c + 1:]])
    k = job["interpolate"]
    chunk = job["maxPoints"]
    barrier = evaluate(polyline(path, k), chunk).max().item()
    straight = A.unsqueeze(0) + torch.linspace(0, 1, path.shape[0]).unsqueeze(1) * (B - A).unsqueeze(0)
    sbarrier = evaluate(polyline(straight, k), chunk).max().item()
    return barrier, sbarrier, path.shape[0]


for line in sys.stdin:
    g = load(line.strip())
    job, X, Y, EX, EY, batches, A, B = g["job"], g["X"], g["Y"], g["EX"], g["EY"], g["batches"], g["A"], g["B"]
    layers, C = job["layers"], job["classes"]  # layers: [in, out, bias, activation]
    torch.set_num_threads(job["threads"])
    t0 = time.perf_counter()
    barrier, straight, points = optimise()
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "barrier": barrier, "straight": straight, "points": points}), flush=True)
