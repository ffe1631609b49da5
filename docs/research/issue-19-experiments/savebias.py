import numpy as np, itertools, sys
from data19 import *
from bias import fit_bias
split = sys.argv[1]; seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
tr, va, te = time_split() if split == 'time' else u1_split(0.05, seed)
def fitpred(train, lu, li, parts):
    e = Enc(train); U, I, Y, T = e.enc(train); mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, lu, li)
    return [np.clip(mu + bu[x[0]] + bi[x[1]], 1, 5) for x in (e.enc(p) for p in parts)]
yv = np.array([r[2] for r in va]); yt = np.array([r[2] for r in te])
best = min(((rmse(fitpred(tr, lu, li, [va])[0], yv), lu, li) for lu, li in itertools.product([0, 1, 2, 5, 10, 15, 25, 50, 100, 300], [0, 0.5, 1, 2, 5, 10, 25, 50, 100])))
pv, pt = fitpred(tr, best[1], best[2], [va, te]); out = dict(val=pv, test=pt)
if split == 'time': out['test_refit'] = fitpred(tr + va, best[1], best[2], [te])[0]
print(split, 'tuned bias', best, 'test %.4f' % rmse(pt, yt), 'refit %.4f' % rmse(out['test_refit'], yt) if 'test_refit' in out else '')
np.savez('bias_%s_s%d' % (split, seed), **out)
