"""Linear blend fitted on validation (least squares with intercept) of saved component predictions."""
import sys, numpy as np
from data19 import *
def load(split, seed, names, holdout=0.05, key='test'):
    tr, va, te = u1_split(holdout, seed) if split == 'u1' else time_split()
    yv = np.array([r[2] for r in va], np.float32); yt = np.array([r[2] for r in te], np.float32)
    Pv, Pt = [], []
    for n in names:
        z = np.load(n + '.npz', allow_pickle=True); Pv.append(z['val'].astype(np.float64)); Pt.append(z[key].astype(np.float64))
    # first component is the fallback for NaN (unknown user/title) in the others
    for k in range(1, len(Pv)):
        Pv[k] = np.where(np.isnan(Pv[k]), Pv[0], Pv[k]); Pt[k] = np.where(np.isnan(Pt[k]), Pt[0], Pt[k])
    return np.stack(Pv, 1), np.stack(Pt, 1), yv, yt
def blend(Pv, Pt, yv, yt):
    Xv = np.hstack([np.ones((len(yv), 1)), Pv]); Xt = np.hstack([np.ones((len(yt), 1)), Pt])
    w = np.linalg.lstsq(Xv, yv, rcond=None)[0]
    return w, rmse(Xv @ w, yv), rmse(Xt @ w, yt)
if __name__ == '__main__':
    split, seed = sys.argv[1], int(sys.argv[2]); names = sys.argv[3:]
    Pv, Pt, yv, yt = load(split, seed, names)
    for k, n in enumerate(names): print('%-20s val %.4f test %.4f' % (n, rmse(Pv[:, k], yv), rmse(Pt[:, k], yt)))
    w, v, t = blend(Pv, Pt, yv, yt)
    print('blend w', np.round(w, 3), 'val %.4f test %.4f' % (v, t))
