"""Is the gain level (drift) or shape? Mean prediction vs mean rating on val rows; RMSE after removing the mean error."""
from gated import *
def show(name, p):
    p = np.clip(p, 1, 5)
    for lab, m in (('new', ~known), ('known', known)):
        err = p[m] - Yv[m]
        print('%-28s %-5s mean pred %.3f mean y %.3f bias %+.3f rmse %.4f rmse-after-debias %.4f' % (name, lab, p[m].mean(), Yv[m].mean(), err.mean(), np.sqrt((err ** 2).mean()), err.std()))
m0 = fit(U, I, Y, e.nu, e.ni, 100, 1); show('baseline', predict(m0, Uv, Iv, []))
show('gate only (N li 2)', run('none', 0, 100, 1, 0, 2)[3])
show('gate+gy (K lam100 li5; N lam30 li10)', run('gy', 100, 100, 5, 30, 10)[3])
show('prior gy only (lam100 li5)', run('gy', 100, 100, 5, 100, 5)[3] * 0 + predict(fit(U, I, Y, e.nu, e.ni, 100, 5, [(x, 100) for x in side(d.TrT, 'gy')]), Uv, Iv, side(d.VaT, 'gy')))
