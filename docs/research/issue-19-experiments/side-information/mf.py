"""Biases + user-day bias + MF (+ SVD++ implicit) trained like marquee's Trainer: Adam, mini-batches,
per-row L2, early stopping on validation RMSE with best-weights restore. Saves val/test predictions."""
import argparse, time, json, os
import numpy as np
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1); tf.config.threading.set_inter_op_parallelism_threads(1)
from data19 import *

ap = argparse.ArgumentParser()
ap.add_argument('--split', default='u1'); ap.add_argument('--seed', type=int, default=42)
ap.add_argument('--holdout', type=float, default=0.05)
ap.add_argument('--k', type=int, default=16); ap.add_argument('--lb', type=float, default=0.05)
ap.add_argument('--lf', type=float, default=0.1); ap.add_argument('--ly', type=float, default=-1)
ap.add_argument('--svdpp', type=int, default=0); ap.add_argument('--userday', type=int, default=1)
ap.add_argument('--lr', type=float, default=0.002); ap.add_argument('--batch', type=int, default=256)
ap.add_argument('--epochs', type=int, default=60); ap.add_argument('--patience', type=int, default=4)
ap.add_argument('--init', type=float, default=0.05)
ap.add_argument('--refit', type=int, default=0, help='time split: after choosing epochs, retrain on train+val for that many epochs')
ap.add_argument('--save', default=''); ap.add_argument('--oov', type=float, default=0)
a = ap.parse_args()
if a.ly < 0: a.ly = a.lf

if a.split == 'u1':
    tr, va, te = u1_split(a.holdout, a.seed)
else:
    tr, va, te = time_split()

def train(tr, va, te, fixed_epochs=None, seed=a.seed):
    e = Enc(tr); U, I, Y, T = e.enc(tr); V = e.enc(va) if va else None; Te = e.enc(te)
    nu, ni = e.nu + 1, e.ni + 1
    rs = np.random.RandomState(seed); tf.random.set_seed(seed)
    mu0 = float(Y.mean())
    # user-day table
    keys = U.astype(np.int64) * 1000000 + T // 86400
    uk = np.unique(keys); nd = len(uk) + 1
    def dayidx(u, t):
        k = u.astype(np.int64) * 1000000 + t // 86400
        p = np.searchsorted(uk, k); p = np.minimum(p, len(uk) - 1)
        return np.where((uk[p] == k) & (u < e.nu), p, nd - 1).astype(np.int32)
    D = dayidx(U, T)
    def rows(m, s):
        x = rs.normal(0, s, (m, a.k)).astype(np.float32); x[-1] = 0; return x
    mu = tf.Variable(mu0); bu = tf.Variable(np.zeros(nu, np.float32)); bi = tf.Variable(np.zeros(ni, np.float32))
    bd = tf.Variable(np.zeros(nd, np.float32))
    P = tf.Variable(rows(nu, a.init)); Q = tf.Variable(rows(ni, a.init))
    vs = [mu, bu, bi, bd, P, Q]
    if a.svdpp:
        Yv = tf.Variable(rows(ni, a.init) * 0); vs.append(Yv)
        N = np.zeros((nu, ni), np.float32)
        N[U, I] = 1
        N /= np.maximum(1, np.sqrt(N.sum(1, keepdims=True)))
        N = tf.constant(N)
    opt = tf.keras.optimizers.Adam(a.lr)
    def pred(u, i, d):
        pu = tf.gather(P, u)
        if a.svdpp: pu = pu + tf.matmul(tf.gather(N, u), Yv)
        qi = tf.gather(Q, i)
        p = mu + tf.gather(bu, u) + tf.gather(bi, i) + tf.reduce_sum(pu * qi, 1)
        if a.userday: p = p + tf.gather(bd, d)
        return p
    @tf.function(reduce_retracing=True)
    def step(u, i, d, y):
        with tf.GradientTape() as g:
            p = pred(u, i, d)
            mse = tf.reduce_mean(tf.square(p - y))
            bb = tf.square(tf.gather(bu, u)) + tf.square(tf.gather(bi, i))
            if a.userday: bb = bb + tf.square(tf.gather(bd, d))
            reg = a.lb * tf.reduce_mean(bb)
            reg += a.lf * tf.reduce_mean(tf.reduce_sum(tf.square(tf.gather(P, u)), 1) + tf.reduce_sum(tf.square(tf.gather(Q, i)), 1))
            if a.svdpp:
                reg += a.ly * tf.reduce_mean(tf.reduce_sum(tf.square(tf.matmul(tf.gather(N, u), Yv)), 1))
            loss = mse + reg
        gr = g.gradient(loss, vs)
        opt.apply_gradients(zip(gr, vs))
        return mse
    @tf.function(reduce_retracing=True)
    def predict(u, i, d): return pred(u, i, d)
    def pr(X):
        u, i, y, t = X; return np.clip(predict(u, i, dayidx(u, t)).numpy(), 1, 5)
    best, bestep, stale, snap, curve = 9, 0, 0, None, []
    n = len(Y); order = np.arange(n)
    t0 = time.time()
    for ep in range(1, (fixed_epochs or a.epochs) + 1):
        rs.shuffle(order)
        for s in range(0, n, a.batch):
            b = order[s:s + a.batch]
            if a.oov > 0:
                m = rs.rand(len(b)) < a.oov
                step(np.where(m, e.nu, U[b]).astype(np.int32), I[b], np.where(m, nd - 1, D[b]).astype(np.int32), Y[b])
            else:
                step(U[b], I[b], D[b], Y[b])
        if fixed_epochs: continue
        v = rmse(pr(V), V[2]); curve.append(v)
        if v < best - 1e-5:
            best, bestep, stale = v, ep, 0; snap = [x.numpy() for x in vs]
        else:
            stale += 1
            if stale >= a.patience: break
    if snap is not None:
        for x, s in zip(vs, snap): x.assign(s)
    out = dict(val=pr(V) if V else None, test=pr(Te), best_epoch=bestep, val_rmse=best, secs=time.time() - t0, epochs=ep)
    return out

r = train(tr, va, te)
res = dict(vars(a), val=r['val_rmse'], test=rmse(r['test'], np.array([x[2] for x in te])), best_epoch=r['best_epoch'], secs=round(r['secs'], 1))
if a.refit and a.split == 'time':
    r2 = train(tr + va, None, te, fixed_epochs=r['best_epoch'])
    res['test_refit'] = rmse(r2['test'], np.array([x[2] for x in te]))
print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()}), flush=True)
if a.save:
    np.savez(a.save, val=r['val'], test=r['test'], **({'test_refit': r2['test']} if a.refit and a.split == 'time' else {}))
