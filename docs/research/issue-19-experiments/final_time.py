"""Time split, 3 seeds: components alone and the gated blends (known user and title: blend fitted on validation;
otherwise the fallback component). 'refit' = the same recipe retrained on train+validation (epochs from the
first run, blend weights from the first run's validation)."""
import numpy as np, itertools, sys
from data19 import *
tr, va, te = time_split()
yv = np.array([r[2] for r in va]); yt = np.array([r[2] for r in te])
U1, I1 = {r[0] for r in tr}, {r[1] for r in tr}; U2, I2 = U1 | {r[0] for r in va}, I1 | {r[1] for r in va}
kv = np.array([r[0] in U1 and r[1] in I1 for r in va]); kt = np.array([r[0] in U1 and r[1] in I1 for r in te])
kt2 = np.array([r[0] in U2 and r[1] in I2 for r in te])
print('known rows: val %.3f test %.3f test(refit) %.3f' % (kv.mean(), kt.mean(), kt2.mean()))
def comp(name, s):
    z = np.load('%s_time_s%d.npz' % (name, s)); return z['val'].astype(float), z['test'].astype(float), z['test_refit'].astype(float)
def gated(names, fb, s, intercept=True):
    C = [comp(n, s) for n in names]; F = comp(fb, s)
    fill = lambda p, f: np.where(np.isnan(p), f, p)
    Pv = np.stack([fill(c[0], F[0]) for c in C], 1); Pt = np.stack([fill(c[1], F[1]) for c in C], 1); Pr = np.stack([fill(c[2], F[2]) for c in C], 1)
    if intercept:
        X = np.hstack([np.ones((kv.sum(), 1)), Pv[kv]]); w = np.linalg.lstsq(X, yv[kv], rcond=None)[0]
        f = lambda P: w[0] + P @ w[1:]
    else:
        n = 10; best = None
        for c in itertools.product(range(n + 1), repeat=len(names) - 1):
            if sum(c) > n: continue
            ww = np.array(list(c) + [n - sum(c)]) / n; r = rmse(Pv[kv] @ ww, yv[kv])
            if best is None or r < best[0]: best = (r, ww)
        w = best[1]; f = lambda P: P @ w
    pv = np.where(kv, f(Pv), F[0]); pt = np.where(kt, f(Pt), F[1]); pr = np.where(kt2, f(Pr), F[2])
    return rmse(pv, yv), rmse(pt, yt), rmse(pr, yt), w
seeds = (42, 1, 2)
for n in ('mf', 'svdpp', 'svdppoov'):
    r = [comp(n, s) for s in seeds]
    print('%-10s' % n, 'val', ' '.join('%.4f' % rmse(x[0], yv) for x in r), '| test', ' '.join('%.4f' % rmse(x[1], yt) for x in r),
          'mean %.4f' % np.mean([rmse(x[1], yt) for x in r]), '| refit', ' '.join('%.4f' % rmse(x[2], yt) for x in r), 'mean %.4f' % np.mean([rmse(x[2], yt) for x in r]))
for label, names, fb, ic in (('3C mf+svdpp+ar / mf', ['mf', 'svdpp', 'ar'], 'mf', True), ('3C convex', ['mf', 'svdpp', 'ar'], 'mf', False),
                             ('2C svdppoov+ar / svdppoov', ['svdppoov', 'ar'], 'svdppoov', True), ('2C convex', ['svdppoov', 'ar'], 'svdppoov', False),
                             ('2C mf+ar / mf', ['mf', 'ar'], 'mf', True), ('3C mf+svdppoov+ar / mf', ['mf', 'svdppoov', 'ar'], 'mf', True)):
    r = [gated(names, fb, s, ic) for s in seeds]
    print('%-26s' % label, 'val', ' '.join('%.4f' % x[0] for x in r), '| test', ' '.join('%.4f' % x[1] for x in r), 'mean %.4f' % np.mean([x[1] for x in r]),
          '| refit', ' '.join('%.4f' % x[2] for x in r), 'mean %.4f' % np.mean([x[2] for x in r]), '| w(42)', np.round(r[0][3], 3))
