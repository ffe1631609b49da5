from data19 import *
import itertools, sys

def fit_bias(u, i, y, nu, ni, lu, li, it=15, w=None):
    mu = y.mean() if w is None else np.average(y, weights=w)
    w = np.ones_like(y) if w is None else w
    bu = np.zeros(nu + 1); bi = np.zeros(ni + 1)
    for _ in range(it):
        bi[:ni] = np.bincount(i, w * (y - mu - bu[u]), ni + 1)[:ni] / (li + np.bincount(i, w, ni + 1)[:ni])
        bu[:nu] = np.bincount(u, w * (y - mu - bi[i]), nu + 1)[:nu] / (lu + np.bincount(u, w, nu + 1)[:nu])
    return mu, bu, bi

def run(name, tr, va, te):
    e = Enc(tr); U, I, Y, T = e.enc(tr); Uv, Iv, Yv, Tv = e.enc(va); Ut, It, Yt, Tt = e.enc(te)
    best = None
    for lu, li in itertools.product([0, 1, 2, 5, 10, 15, 25, 50, 100], [0, 1, 2, 5, 10, 25, 50, 100, 200]):
        mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, lu, li)
        v = rmse(mu + bu[Uv] + bi[Iv], Yv); t = rmse(mu + bu[Ut] + bi[It], Yt)
        if best is None or v < best[0]: best = (v, t, lu, li)
    print(name, 'tuned bias on val: val %.4f test %.4f  lu %s li %s' % best)
    mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, 10, 25)
    print(name, 'bias 10/25: val %.4f test %.4f' % (rmse(mu + bu[Uv] + bi[Iv], Yv), rmse(mu + bu[Ut] + bi[It], Yt)))
    known = Ut < e.nu
    mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, best[2], best[3])
    p = mu + bu[Ut] + bi[It]
    print(name, 'test known users %.4f (%d)  unknown %.4f (%d)' % (rmse(p[known], Yt[known]), known.sum(), rmse(p[~known], Yt[~known]), (~known).sum()))
    return best

if __name__ == "__main__":
  tr, va, te = time_split()
  b = run('time', tr, va, te)
  # refit on train+val with tuned lambdas
  trv = tr + va
  e = Enc(trv); U, I, Y, T = e.enc(trv); Ut, It, Yt, Tt = e.enc(te)
  mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, b[2], b[3])
  print('time refit train+val, tuned lambdas: test %.4f' % rmse(mu + bu[Ut] + bi[It], Yt))
  # oracle: best item-only model on test (upper bound on new-user item effects)
  e2 = Enc(te); U2, I2, Y2, _ = e2.enc(te)
  for li in [0, 5, 25]:
      mu2, bu2, bi2 = fit_bias(U2, I2, Y2, e2.nu, e2.ni, 1e9, li, it=1)
      print('oracle item-bias fit on test itself li %d: %.4f' % (li, rmse(mu2 + bi2[I2], Y2)))
  for s in (0,):
      a, bb, c = u1_split(0.05, s)
      run('u1 hold5%% s%d' % s, a, bb, c)
      # refit on all u1.base
