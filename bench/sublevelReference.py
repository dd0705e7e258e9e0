"""Reference for `topolens sublevel` in bench/lossBarcode.ts: scikit-learn NearestNeighbors (kd-tree in low
dimension, brute force in high) for the symmetrised k-NN graph, then 0-dim sublevel persistence by
union-find with the elder rule over the edges sorted by max(f(u), f(v)) (numpy sort, python union-find).
Reads a CSV (coordinates..., value), prints {"ms", "knnMs", "bars"} (time after loading)."""
import json
import sys
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

data = np.loadtxt(sys.argv[1], delimiter=",", comments="#")
k = int(sys.argv[2])
X, f = data[:, :-1], data[:, -1]
n = X.shape[0]
t0 = time.perf_counter()
nn = NearestNeighbors(n_neighbors=k + 1).fit(X)
_, idx = nn.kneighbors(X)
t1 = time.perf_counter()
u = np.repeat(np.arange(n), k)
v = idx[:, 1:].reshape(-1)
a, b = np.minimum(u, v), np.maximum(u, v)
edges = np.unique(a * n + b)
a, b = edges // n, edges % n
w = np.maximum(f[a], f[b])
order = np.argsort(w, kind="stable")
parent = list(range(n))
oldest = list(range(n))


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


bars = 0
for e in order.tolist():
    ru, rv = find(int(a[e])), find(int(b[e]))
    if ru == rv:
        continue
    ou, ov = oldest[ru], oldest[rv]
    elder, younger = (ou, ov) if (f[ou], ou) < (f[ov], ov) else (ov, ou)
    if w[e] > f[younger]:
        bars += 1
    parent[ru] = rv
    oldest[rv] = elder
bars += sum(1 for i in range(n) if find(i) == i)
print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "knnMs": (t1 - t0) * 1000, "bars": bars}))
