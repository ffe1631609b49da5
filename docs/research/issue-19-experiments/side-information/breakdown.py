from common import *
d = Data(); e = d.e
U, I, Y, T = d.Tr; Uv, Iv, Yv, Tv = d.Va
mu, bu, bi = fit_bias(U, I, Y, e.nu, e.ni, 100, 1)
p = np.clip(mu + bu[Uv] + bi[Iv], 1, 5); se = (p - Yv) ** 2
print('baseline val RMSE %.4f  n=%d' % (np.sqrt(se.mean()), len(Yv)))
cnt = np.bincount(d.TrT, minlength=d.nT)[d.VaT]
bk = np.digitize(cnt, [1, 5, 20])  # 0:0, 1:1-4, 2:5-19, 3:20+
names = ['0', '1-4', '5-19', '20+']
known = Uv < e.nu
print('%-8s %-6s %7s %7s %8s %7s' % ('user', 'tcnt', 'rows%', 'n', 'SE%', 'RMSE'))
for k in (True, False):
    for b in range(4):
        m = (known == k) & (bk == b)
        if m.sum() == 0: continue
        print('%-8s %-6s %6.1f%% %7d %7.1f%% %7.4f' % ('known' if k else 'new', names[b], 100 * m.mean(), m.sum(), 100 * se[m].sum() / se.sum(), np.sqrt(se[m].mean())))
    m = known == k
    print('%-8s %-6s %6.1f%% %7d %7.1f%% %7.4f' % ('known' if k else 'new', 'all', 100 * m.mean(), m.sum(), 100 * se[m].sum() / se.sum(), np.sqrt(se[m].mean())))
print('val mean %.3f train mean %.3f' % (Yv.mean(), Y.mean()))
# test shares (no errors looked at) for context
Ut = d.Te[0]; ct = np.bincount(d.TrT, minlength=d.nT)[d.TeT]; bt = np.digitize(ct, [1, 5, 20])
print('test shares (rows only):', {('known' if k else 'new', names[b]): round(100*((Ut < e.nu) == k)[bt == b].sum()/len(Ut), 1) for k in (True, False) for b in range(4)})
