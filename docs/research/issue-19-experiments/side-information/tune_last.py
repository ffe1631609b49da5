from final_grid import side2, dbias
from gated import *
XtK, XvK = side2(d.TrT, T, 'gy+count'), side2(d.VaT, Tv, 'gy+count')
pK = predict(fit(U, I, Y, e.nu, e.ni, 100, 10, [(x, 100) for x in XtK]), Uv, Iv, XvK)
XtN, XvN = side2(d.TrT, T, 'gy+age'), side2(d.VaT, Tv, 'gy+age')
for lamN in (10, 30, 100):
    for liN in (5, 10, 20):
        for lamA in (10, 100, 1000):
            lams = [lamN, lamN, lamA]
            pN = predict(fit(U, I, Y, e.nu, e.ni, 1e12, liN, list(zip(XtN, lams))), Uv, Iv, XvN)
            p = np.where(known, pK, pN)
            print('N lam %4d li %2d agelam %4d val %.4f new %.4f debiased new %.4f' % (lamN, liN, lamA, rmse(p, Yv), rmse(p[~known], Yv[~known]), dbias(p, ~known)))
