"""Item-based kNN with baseline (shrunk Pearson-baseline similarity on bias residuals), k neighbours among the
titles the user rated. Saves val/test predictions."""
import argparse, json, time, itertools, numpy as np
from data19 import *
from bias import fit_bias
ap = argparse.ArgumentParser(); ap.add_argument('--split', default='u1'); ap.add_argument('--seed', type=int, default=42)
ap.add_argument('--k', type=int, default=40); ap.add_argument('--shrink', type=float, default=100); ap.add_argument('--save', default='')
ap.add_argument('--lu', type=float, default=5); ap.add_argument('--li', type=float, default=5)
a = ap.parse_args()
tr, va, te = u1_split(0.05, a.seed) if a.split == 'u1' else time_split()
e = Enc(tr); U, I, Y, T = e.enc(tr); V = e.enc(va); Te = e.enc(te)
nu, ni = e.nu, e.ni
t0 = time.time()
mu, bu, bi = fit_bias(U, I, Y, nu, ni, a.lu, a.li)
Rz = np.zeros((nu, ni)); M = np.zeros((nu, ni))
Rz[U, I] = Y - mu - bu[U] - bi[I]; M[U, I] = 1
num = Rz.T @ Rz; sq = (Rz ** 2).T @ M; den = np.sqrt(sq * sq.T) + 1e-9; n = M.T @ M
S = num / den * (n - 1).clip(0) / (n - 1 + a.shrink).clip(1e-9)
np.fill_diagonal(S, 0)
rated = [np.nonzero(M[u])[0] for u in range(nu)]
def pred(X):
    u, i = X[0], X[1]; out = np.empty(len(u))
    for r in range(len(u)):
        uu, ii = u[r], i[r]
        base = mu + (bu[uu] if uu < nu else 0) + (bi[ii] if ii < ni else 0)
        if uu >= nu or ii >= ni: out[r] = base; continue
        js = rated[uu]; s = S[ii, js]
        top = np.argpartition(-s, min(a.k, len(s) - 1))[:a.k] if len(s) > a.k else np.arange(len(s))
        s, js = s[top], js[top]; pos = s > 0; s, js = s[pos], js[pos]
        out[r] = base + (s @ Rz[uu, js] / s.sum() if s.sum() > 0 else 0)
    return np.clip(out, 1, 5)
pv, pt = pred(V), pred(Te)
print(json.dumps(dict(vars(a), val=round(rmse(pv, V[2]), 4), test=round(rmse(pt, Te[2]), 4), secs=round(time.time() - t0, 1))), flush=True)
if a.save: np.savez(a.save, val=pv, test=pt)
