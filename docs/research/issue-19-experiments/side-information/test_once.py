"""ONE-TIME TEST EVALUATION of the configuration chosen on validation (and the tuned baseline, for reference)."""
from final_grid import side2
from gated import *
Ut, It, Yt, Tt = d.Te; kt = Ut < e.nu
XtK = side2(d.TrT, T, 'gy+count'); XvK = side2(d.VaT, Tv, 'gy+count'); XeK = side2(d.TeT, Tt, 'gy+count')
XtN = side2(d.TrT, T, 'gy+age'); XvN = side2(d.VaT, Tv, 'gy+age'); XeN = side2(d.TeT, Tt, 'gy+age')
mK = fit(U, I, Y, e.nu, e.ni, 100, 10, [(x, 100) for x in XtK])
mN = fit(U, I, Y, e.nu, e.ni, 1e12, 10, list(zip(XtN, [30, 30, 100])))
m0 = fit(U, I, Y, e.nu, e.ni, 100, 1)
pv = np.where(known, predict(mK, Uv, Iv, XvK), predict(mN, Uv, Iv, XvN))
pt = np.where(kt, predict(mK, Ut, It, XeK), predict(mN, Ut, It, XeN))
p0v = predict(m0, Uv, Iv, []); p0t = predict(m0, Ut, It, [])
print('chosen   val %.4f | TEST %.4f (known users %.4f, unseen %.4f)' % (rmse(pv, Yv), rmse(pt, Yt), rmse(pt[kt], Yt[kt]), rmse(pt[~kt], Yt[~kt])))
print('baseline val %.4f | TEST %.4f (known users %.4f, unseen %.4f)' % (rmse(p0v, Yv), rmse(p0t, Yt), rmse(p0t[kt], Yt[kt]), rmse(p0t[~kt], Yt[~kt])))
print('mean pred on unseen-user test rows: chosen %.3f baseline %.3f actual %.3f' % (np.clip(pt[~kt],1,5).mean(), np.clip(p0t[~kt],1,5).mean(), Yt[~kt].mean()))
print('K weights: genre', np.round(mK[3][0], 3), 'year', np.round(mK[3][1], 3), 'count', np.round(mK[3][2], 3), 'mu %.4f' % mK[0])
print('N weights: genre', np.round(mN[3][0], 3), 'year', np.round(mN[3][1], 3), 'age', np.round(mN[3][2], 3))
