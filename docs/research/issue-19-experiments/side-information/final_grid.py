"""Final validation grid + additivity with model A (A's val predictions from mf.py --split time --seed 42 --lb 0.01)."""
from gated import *
def side2(Tix, ts, kind):
    X = side(Tix, kind.replace('+age', ''))
    if '+age' in kind: X.append(age_bins(d, Tix, ts))
    return X
def dbias(p, m):
    err = np.clip(p[m], 1, 5) - Yv[m]; return err.std()
if __name__ == "__main__":
    rows = []
    for kK in ('gy', 'gy+count'):
        for kN in ('gy', 'gy+age', 'gy+count'):
            for gate in (0, 1):
                liK = 10 if 'count' in kK else 5
                XtK, XvK = side2(d.TrT, T, kK), side2(d.VaT, Tv, kK)
                mK = fit(U, I, Y, e.nu, e.ni, 100, liK, [(x, 100) for x in XtK]); pK = predict(mK, Uv, Iv, XvK)
                if gate:
                    XtN, XvN = side2(d.TrT, T, kN), side2(d.VaT, Tv, kN)
                    mN = fit(U, I, Y, e.nu, e.ni, 1e12, 10, [(x, 30) for x in XtN]); pN = predict(mN, Uv, Iv, XvN)
                else:
                    if kN != kK: continue
                    pN = pK
                p = np.where(known, pK, pN)
                print('K %-9s N %-9s gate %d  val %.4f known %.4f new %.4f | debiased new %.4f' % (kK, kN, gate, rmse(p, Yv), rmse(p[known], Yv[known]), rmse(p[~known], Yv[~known]), dbias(p, ~known)))
    A = np.load('A42.npz')['val']
    print('A alone val %.4f known %.4f new %.4f | debiased new %.4f' % (rmse(A, Yv), rmse(A[known], Yv[known]), rmse(A[~known], Yv[~known]), dbias(A, ~known)))
    m0 = fit(U, I, Y, e.nu, e.ni, 100, 1); p0 = predict(m0, Uv, Iv, [])
    for name, pn in (('baseline', p0), ('prior gy (K lam100 li5)', run('gy', 100, 100, 5, 100, 5)[3]), ('gate+gy', run('gy', 100, 100, 5, 30, 10)[3])):
        h = np.where(known, A, pn)
        print('A on known users, %-26s on unseen users: val %.4f' % (name, rmse(h, Yv)))
    # rare-title view: A vs prior on unseen-user rows by title count bucket
    bk = np.digitize(cnt, [1, 5, 20]); pp = run('gy', 100, 100, 5, 100, 5)[3]
    for b, nm in enumerate(['0', '1-4', '5-19', '20+']):
        m = (~known) & (bk == b)
        print('unseen users, title count %-5s n %5d  base %.4f  A %.4f  prior %.4f' % (nm, m.sum(), rmse(p0[m], Yv[m]), rmse(A[m], Yv[m]), rmse(pp[m], Yv[m])))
