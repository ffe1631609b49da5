import numpy as np, itertools
from blend import load, blend
from data19 import rmse
combos = [['svdpp', 'ar'], ['mf', 'ar'], ['svdpp', 'ar', 'knn'], ['svdpp', 'mf', 'ar', 'knn'], ['svdpp', 'knn']]
for c in combos:
    rows = []
    for s in (42, 1, 2):
        Pv, Pt, yv, yt = load('u1', s, ['%s_u1_s%d' % (n, s) for n in c])
        w, v, t = blend(Pv, Pt, yv, yt)
        rows.append((v, t, w))
    print('%-28s' % '+'.join(c), 'val', ' '.join('%.4f' % r[0] for r in rows), '| test', ' '.join('%.4f' % r[1] for r in rows),
          '| mean %.4f sd %.4f' % (np.mean([r[1] for r in rows]), np.std([r[1] for r in rows], ddof=1)), '| w(s42)', np.round(rows[0][2], 3))
