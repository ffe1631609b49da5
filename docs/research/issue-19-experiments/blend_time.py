"""Time split: blend fitted on validation separately for rows whose user is known / unknown to the model."""
import sys, numpy as np, itertools
from data19 import *
from blend import blend
tr, va, te = time_split()
yv = np.array([r[2] for r in va]); yt = np.array([r[2] for r in te])
ku = {r[0] for r in tr}; kuv = ku | {r[0] for r in va}
kv = np.array([r[0] in ku for r in va]); kt = np.array([r[0] in ku for r in te]); kt2 = np.array([r[0] in kuv for r in te])
names = sys.argv[1:]
Z = [np.load(n + '.npz') for n in names]
def col(key):
    P = [z[key].astype(float) for z in Z]
    P = [np.where(np.isnan(p), P[0], p) for p in P]; return np.stack(P, 1)
Pv, Pt, Pr = col('val'), col('test'), col('test_refit') if all('test_refit' in z for z in Z) else None
for k, n in enumerate(names):
    print('%-28s val %.4f test %.4f' % (n, rmse(Pv[:, k], yv), rmse(Pt[:, k], yt)), 'refit %.4f' % rmse(Pr[:, k], yt) if Pr is not None else '',
          ' | test known %.4f unknown %.4f' % (rmse(Pt[kt, k], yt[kt]), rmse(Pt[~kt, k], yt[~kt])))
def grouped(subset):
    idx = list(subset)
    pv = np.zeros(len(yv)); pt = np.zeros(len(yt)); pr = np.zeros(len(yt))
    ws = []
    for g, mv, mt, mr in ((1, kv, kt, kt2), (0, ~kv, ~kt, ~kt2)):
        X = np.hstack([np.ones((mv.sum(), 1)), Pv[mv][:, idx]]); w = np.linalg.lstsq(X, yv[mv], rcond=None)[0]; ws.append(np.round(w, 3))
        pv[mv] = X @ w; pt[mt] = np.hstack([np.ones((mt.sum(), 1)), Pt[mt][:, idx]]) @ w
        if Pr is not None: pr[mr] = np.hstack([np.ones((mr.sum(), 1)), Pr[mr][:, idx]]) @ w
    return rmse(pv, yv), rmse(pt, yt), rmse(pr, yt) if Pr is not None else float('nan'), ws
for r in range(1, len(names) + 1):
    for sub in itertools.combinations(range(len(names)), r):
        v, t, rf, ws = grouped(sub)
        print('grouped blend', [names[i] for i in sub], 'val %.4f test %.4f refit %.4f' % (v, t, rf), 'w known', ws[0], 'unknown', ws[1])

def simplex(m, step=0.1):
    n = int(round(1 / step))
    for c in itertools.product(range(n + 1), repeat=m - 1):
        if sum(c) <= n: yield np.array(list(c) + [n - sum(c)]) / n
print('convex (no intercept) blends chosen on validation per group:')
for mode in ('grouped', 'shared'):
    best = {}
    for g, mv in ((1, kv), (0, ~kv)):
        if mode == 'shared': mv = np.ones_like(kv)
        best[g] = min(simplex(len(names)), key=lambda w: rmse(Pv[mv] @ w, yv[mv]))
    pt = np.where(kt, Pt @ best[1], Pt @ best[0]); pv = np.where(kv, Pv @ best[1], Pv @ best[0])
    line = '%s w known %s unknown %s val %.4f test %.4f' % (mode, best[1], best[0], rmse(pv, yv), rmse(pt, yt))
    if Pr is not None: line += ' refit %.4f' % rmse(np.where(kt2, Pr @ best[1], Pr @ best[0]), yt)
    print(line)
