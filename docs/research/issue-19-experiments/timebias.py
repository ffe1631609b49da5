from data19 import *
from bias import fit_bias
import itertools
tr, va, te = time_split()
def prep(train, parts):
    e = Enc(train); return e, e.enc(train), [e.enc(p) for p in parts]
def firstday_w(U, T, alpha):
    # weight rows on a user's first rating day by alpha, others 1
    first = {}
    for u, t in zip(U, T): first[u] = min(first.get(u, t), t)
    f = np.array([first[u] for u in U]); return np.where(T - f < 86400, alpha, 1.0)
def recency_w(T, half_days):
    return 0.5 ** ((T.max() - T) / 86400.0 / half_days)
for label, train, parts in (('train-only', tr, (va, te)), ('train+val', tr + va, (te,))):
    e, (U, I, Y, T), P = prep(train, parts)
    res = []
    for lu, li in itertools.product([10, 25, 100, 300, 1e9], [0.5, 1, 2, 5, 10]):
        for wname, w in (('none', None),) + tuple(('first%.0f' % a, firstday_w(U, T, a)) for a in (3, 10)) + tuple(('rec%d' % h, recency_w(T, h)) for h in (30, 90)):
            mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, lu, li, w=w)
            r = [rmse(mu + bu[p[0]] + bi[p[1]], p[2]) for p in P]
            res.append((r, lu, li, wname))
    if label == 'train-only':
        res.sort(key=lambda x: x[0][0])
        for r in res[:8]: print(label, 'val %.4f test %.4f' % tuple(r[0]), r[1:])
        for wn in ('none', 'first3', 'first10', 'rec30', 'rec90'):
            b = min([x for x in res if x[3] == wn], key=lambda x: x[0][0]); print(' best', wn, 'val %.4f test %.4f' % tuple(b[0]), b[1:])
    else:
        for r in res:
            if (r[1], r[2]) in ((100, 1), (100, 0.5), (300, 1)): print(label, 'test %.4f' % r[0][0], r[1:])
