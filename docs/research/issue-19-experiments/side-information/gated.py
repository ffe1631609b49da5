"""Gated model: known user -> model K (biases + side-info prior); unseen user -> model N (item-only fit, lu = inf, + prior)."""
import sys
from fit import *
from feats import *
from ideas_lib import count_bins
d = Data(); e = d.e
U, I, Y, T = d.Tr; Uv, Iv, Yv, Tv = d.Va
known = Uv < e.nu
cnt = np.bincount(d.TrT, minlength=d.nT)[d.VaT]; rare = cnt < 20
def side(Tix, kind):
    if kind == 'none': return []
    X = [genre_flags(d, Tix), year_bins(d, Tix)]
    if 'count' in kind: X.append(count_bins(d, Tix))
    return X
def run(kind, lamK, luK, liK, lamN, liN, wN=None, quiet=False):
    Xt, Xv = side(d.TrT, kind), side(d.VaT, kind)
    mK = fit(U, I, Y, e.nu, e.ni, luK, liK, [(x, lamK) for x in Xt])
    mN = fit(U, I, Y, e.nu, e.ni, 1e12, liN, [(x, lamN) for x in Xt], w=wN)
    p = np.where(known, predict(mK, Uv, Iv, Xv), predict(mN, Uv, Iv, Xv))
    return rmse(p, Yv), rmse(p[known], Yv[known]), rmse(p[~known], Yv[~known]), p
if __name__ == '__main__':
    which = sys.argv[1]
    if which == 'gateonly':
        for liN in (1, 2, 5, 10, 25, 50):
            print('no side info, gated; K=(100,1), N li', liN, 'val %.4f known %.4f new %.4f' % run('none', 0, 100, 1, 0, liN)[:3])
    if which == 'grid':
        best = None
        for kind in ('gy', 'gy+count'):
            for lamN in (10, 30, 100, 300):
                for liN in (2, 5, 10, 20):
                    r = run(kind, 100, 100, 10 if 'count' in kind else 5, lamN, liN)
                    print(kind, 'N lam', lamN, 'li', liN, 'val %.4f known %.4f new %.4f' % r[:3])
