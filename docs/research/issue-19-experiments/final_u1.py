"""u1, 3 seeds (the seed also draws the 5% validation hold-out of u1.base): components and blends fitted on it."""
import numpy as np, itertools
from blend import load, blend
from data19 import *
seeds = (42, 1, 2)
def line(label, vals):
    v = [x[0] for x in vals]; t = [x[1] for x in vals]
    print('%-30s val %s | test %s | mean %.4f sd %.4f' % (label, ' '.join('%.4f' % x for x in v), ' '.join('%.4f' % x for x in t), np.mean(t), np.std(t, ddof=1)))
# tuned bias baseline per seed
from bias import fit_bias
res = []
for s in seeds:
    tr, va, te = u1_split(0.05, s); e = Enc(tr); U, I, Y, T = e.enc(tr); V = e.enc(va); Te = e.enc(te)
    best = min(((rmse(m + bu[V[0]] + bi[V[1]], V[2]), lu, li) for lu, li in itertools.product([0, 1, 2, 5, 10, 25, 50, 100], [0, 1, 2, 5, 10, 25, 50])
                for m, bu, bi in [fit_bias(U, I, Y, e.nu, e.ni, lu, li)]))
    # refit on all of u1.base with the chosen lambdas (as the project's baselines are fitted on the whole u1.base)
    tb, _, te2 = u1_split(0.0, s); e2 = Enc(tb); U2, I2, Y2, _ = e2.enc(tb); T2 = e2.enc(te)
    m, bu, bi = fit_bias(U2, I2, Y2, e2.nu, e2.ni, best[1], best[2])
    res.append((best[0], rmse(m + bu[T2[0]] + bi[T2[1]], T2[2])))
line('tuned bias (lambda on val)', res)
for n in ('mf', 'svdpp', 'svdppoov', 'ar', 'knn'):
    r = []
    for s in seeds:
        Pv, Pt, yv, yt = load('u1', s, ['svdpp_u1_s%d' % s, '%s_u1_s%d' % (n, s)])
        r.append((rmse(Pv[:, 1], yv), rmse(Pt[:, 1], yt)))
    line(n + (' (NaN->svdpp)' if n == 'ar' else ''), r)
for c in (['svdpp', 'ar'], ['svdppoov', 'ar'], ['mf', 'ar'], ['mf', 'svdpp', 'ar'], ['mf', 'svdppoov', 'ar'], ['svdpp', 'ar', 'knn']):
    r = []; rc = []
    for s in seeds:
        Pv, Pt, yv, yt = load('u1', s, ['%s_u1_s%d' % (n, s) for n in c])
        w, v, t = blend(Pv, Pt, yv, yt); r.append((v, t))
        n = 10; best = None
        for cc in itertools.product(range(n + 1), repeat=len(c) - 1):
            if sum(cc) > n: continue
            ww = np.array(list(cc) + [n - sum(cc)]) / n; vv = rmse(Pv @ ww, yv)
            if best is None or vv < best[0]: best = (vv, rmse(Pt @ ww, yt))
        rc.append(best)
    line('linear ' + '+'.join(c), r); line('convex ' + '+'.join(c), rc)
