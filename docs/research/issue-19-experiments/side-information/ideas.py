import sys, itertools, json
from fit import *
from feats import *
d = Data(); e = d.e
U, I, Y, T = d.Tr; Uv, Iv, Yv, Tv = d.Va
def ev(blocks_tr, blocks_va, lu=100, li=1, it=30):
    m = fit(U, I, Y, e.nu, e.ni, lu, li, [(X, lam) for X, lam in blocks_tr], it=it)
    return rmse(predict(m, Uv, Iv, blocks_va), Yv), m
known = Uv < e.nu
cnt = np.bincount(d.TrT, minlength=d.nT)[d.VaT]; rare = cnt < 20
def parts(m, blocks_va):
    p = np.clip(predict(m, Uv, Iv, blocks_va), 1, 5)
    return 'newU %.4f knownU %.4f rare(<20) %.4f' % (rmse(p[~known], Yv[~known]), rmse(p[known], Yv[known]), rmse(p[rare], Yv[rare]))
v, m = ev([], []); print('baseline (100,1) val %.4f |' % v, parts(m, []))
which = sys.argv[1] if len(sys.argv) > 1 else 'prior'
if which == 'prior':
    for name, fn in (('gmean', genre_mean), ('gflags', genre_flags)):
        for lam in (10, 100, 1000):
            for li in (1, 5, 25):
                v, m = ev([(fn(d, d.TrT), lam)], [fn(d, d.VaT)], li=li); print(name, 'lam', lam, 'li', li, 'val %.4f' % v, '|', parts(m, [fn(d, d.VaT)]))
    for lam in (10, 100, 1000):
        for li in (1, 5, 25):
            Xt = [genre_flags(d, d.TrT), year_bins(d, d.TrT)]; Xv = [genre_flags(d, d.VaT), year_bins(d, d.VaT)]
            v, m = ev([(x, lam) for x in Xt], Xv, li=li); print('gflags+year lam', lam, 'li', li, 'val %.4f' % v, '|', parts(m, Xv))
if which == 'age':
    GY_t = [genre_flags(d, d.TrT), year_bins(d, d.TrT)]; GY_v = [genre_flags(d, d.VaT), year_bins(d, d.VaT)]
    for edges in ((90, 365, 1095, 3650), (30, 90, 180, 365, 1095, 3650), (180, 365, 730, 1825, 3650, 7300)):
        At = age_bins(d, d.TrT, T, edges); Av = age_bins(d, d.VaT, Tv, edges)
        print('edges', edges, 'train bin counts', At.sum(0).astype(int), 'val', Av.sum(0).astype(int))
        for lam in (10, 100, 1000):
            v, m = ev([(At, lam)], [Av]); print(' age only lam', lam, 'val %.4f' % v, '|', parts(m, [Av]), 'w', np.round(m[3][0], 3))
            v, m = ev([(x, 100) for x in GY_t] + [(At, lam)], GY_v + [Av], li=5); print(' prior(gflags+year,100,li5)+age lam', lam, 'val %.4f' % v, '|', parts(m, GY_v + [Av]))
    edges = (90, 365, 1095, 3650)
    At = age_bins(d, d.TrT, T, edges); Av = age_bins(d, d.VaT, Tv, edges)
    for lam in (100, 1000):
        v, m = ev([(x, 100) for x in GY_t] + [(At, 100), (interact(At, genre_flags(d, d.TrT)), lam)], GY_v + [Av, interact(Av, genre_flags(d, d.VaT))], li=5)
        print(' prior+age+age x genre lam', lam, 'val %.4f' % v, '|', parts(m, GY_v))
if which == 'time':
    GY_t = [genre_flags(d, d.TrT), year_bins(d, d.TrT)]; GY_v = [genre_flags(d, d.VaT), year_bins(d, d.VaT)]
    for name, fn in (('hour6', lambda t: hour_bins(t, 6)), ('hour24', lambda t: hour_bins(t, 24)), ('weekday', weekday)):
        for lam in (10, 100, 1000):
            v, m = ev([(fn(T), lam)], [fn(Tv)]); print(name, 'lam', lam, 'val %.4f' % v, 'w', np.round(m[3][0], 3))
def count_bins(d, T, edges=(1, 5, 10, 20, 50, 100, 200)):
    c = np.bincount(d.TrT, minlength=d.nT)   # training-period count per catalog title (known at model build time)
    b = np.digitize(c, edges); X = np.zeros((d.nT, len(edges) + 1)); X[np.arange(d.nT), b] = 1
    return X[T]
if which == 'more':
    GY_t = [genre_flags(d, d.TrT), year_bins(d, d.TrT)]; GY_v = [genre_flags(d, d.VaT), year_bins(d, d.VaT)]
    for lam in (10, 100, 1000):
        for li in (1, 5, 10):
            Xt = GY_t + [count_bins(d, d.TrT)]; Xv = GY_v + [count_bins(d, d.VaT)]
            v, m = ev([(x, lam) for x in Xt], Xv, li=li); print('gflags+year+count lam', lam, 'li', li, 'val %.4f' % v, '|', parts(m, Xv), 'cw', np.round(m[3][2], 2))
    for lu, li in ((100, 1), (100, 5), (50, 5), (300, 5), (1e9, 5)):
        v, m = ev([(x, 100) for x in GY_t], GY_v, lu=lu, li=li); print('prior lu', lu, 'li', li, 'val %.4f' % v, '|', parts(m, GY_v))
    # gated: known users from prior model (100,5); new users from a model with other lu/li, and stretch c on title part
    mk = fit(U, I, Y, e.nu, e.ni, 100, 5, [(x, 100) for x in GY_t])
    pk = predict(mk, Uv, Iv, GY_v)
    for lu, li in ((100, 5), (1e9, 5), (1e9, 10), (1e9, 25)):
        mn = fit(U, I, Y, e.nu, e.ni, lu, li, [(x, 100) for x in GY_t])
        t_part = predict(mn, Uv, Iv, GY_v) - mn[0] - mn[1][Uv]
        for c in (0.8, 0.9, 1.0, 1.1, 1.2):
            p = np.where(known, pk, mn[0] + c * t_part)
            print('gated new-user lu', lu, 'li', li, 'stretch', c, 'val %.4f' % rmse(p, Yv), 'newU %.4f' % rmse(p[~known], Yv[~known]))
