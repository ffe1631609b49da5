"""Backfitting ridge: y ~ mu + bu[u] + bi[i] + sum_f X_f @ w_f   (X_f: dense row-feature blocks, each own L2).
Biases: closed form  sum(resid)/(lambda + count).  Blocks: ridge normal equations  (X'X + lam*n_rows_scale I) w = X'r.
Block lambda is per-row-sum scale: penalty lam*||w||^2 added to sum of squared errors (same scale as bias lambdas)."""
import numpy as np
from common import *

def fit(U, I, Y, nu, ni, lu, li, blocks=(), it=30, fix_mu=None, w=None):
    w = np.ones(len(Y)) if w is None else w
    mu = np.average(Y, weights=w) if fix_mu is None else fix_mu
    bu = np.zeros(nu + 1); bi = np.zeros(ni + 1)
    ws = [np.zeros(X.shape[1]) for X, lam in blocks]
    XtX = [(X * w[:, None]).T @ X + lam * np.eye(X.shape[1]) for X, lam in blocks]
    extra = np.zeros_like(Y, dtype=np.float64)
    for _ in range(it):
        for k, (X, lam) in enumerate(blocks):
            extra -= X @ ws[k]
            r = Y - mu - bu[U] - bi[I] - extra
            ws[k] = np.linalg.solve(XtX[k], X.T @ (w * r))
            extra += X @ ws[k]
        bi[:ni] = np.bincount(I, w * (Y - mu - bu[U] - extra), ni + 1)[:ni] / (li + np.bincount(I, w, ni + 1)[:ni])
        bu[:nu] = np.bincount(U, w * (Y - mu - bi[I] - extra), nu + 1)[:nu] / (lu + np.bincount(U, w, nu + 1)[:nu])
    return mu, bu, bi, ws

def predict(model, U, I, Xs):
    mu, bu, bi, ws = model
    p = mu + bu[U] + bi[I]
    for X, w in zip(Xs, ws): p = p + X @ w
    return p
