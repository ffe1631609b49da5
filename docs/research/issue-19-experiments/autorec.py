"""I-AutoRec: each title's vector of user ratings -> sigmoid hidden -> identity output; masked MSE + L2.
Adam on mini-batches of titles, early stopping on validation RMSE (rows with a known user and title)."""
import argparse, time, json
import numpy as np
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1); tf.config.threading.set_inter_op_parallelism_threads(1)
from data19 import *
ap = argparse.ArgumentParser()
ap.add_argument('--split', default='u1'); ap.add_argument('--seed', type=int, default=42)
ap.add_argument('--holdout', type=float, default=0.05)
ap.add_argument('--hidden', type=int, default=500); ap.add_argument('--lam', type=float, default=30.0)
ap.add_argument('--lr', type=float, default=0.001); ap.add_argument('--batch', type=int, default=64)
ap.add_argument('--epochs', type=int, default=400); ap.add_argument('--patience', type=int, default=15)
ap.add_argument('--trainval', type=int, default=0); ap.add_argument('--fixed', type=int, default=0)
ap.add_argument('--save', default=''); ap.add_argument('--user', type=int, default=0)
a = ap.parse_args()
tr, va, te = u1_split(a.holdout, a.seed) if a.split == 'u1' else time_split()
if a.trainval: tr = tr + va
e = Enc(tr); U, I, Y, T = e.enc(tr); V = e.enc(va); Te = e.enc(te)
nu, ni = e.nu, e.ni
if a.user:
    # U-AutoRec: swap the roles (rows are users)
    U, I = I, U; V = (V[1], V[0]) + V[2:]; Te = (Te[1], Te[0]) + Te[2:]; nu, ni = ni, nu
R = np.zeros((ni, nu), np.float32); M = np.zeros((ni, nu), np.float32)
R[I, U] = Y; M[I, U] = 1
rs = np.random.RandomState(a.seed); tf.random.set_seed(a.seed)
def glorot(i, o): l = np.sqrt(6 / (i + o)); return rs.uniform(-l, l, (i, o)).astype(np.float32)
Wv = tf.Variable(glorot(nu, a.hidden)); bv = tf.Variable(np.zeros(a.hidden, np.float32))
Wo = tf.Variable(glorot(a.hidden, nu)); bo = tf.Variable(np.zeros(nu, np.float32))
vs = [Wv, bv, Wo, bo]
opt = tf.keras.optimizers.Adam(a.lr)
Rt, Mt = tf.constant(R), tf.constant(M)
def recon(r): return tf.matmul(tf.sigmoid(tf.matmul(r, Wv) + bv), Wo) + bo
@tf.function
def step(idx):
    r = tf.gather(Rt, idx); m = tf.gather(Mt, idx)
    frac = tf.cast(tf.shape(idx)[0], tf.float32) / ni
    with tf.GradientTape() as g:
        out = recon(r)
        loss = tf.reduce_sum(m * tf.square(out - r)) + frac * a.lam / 2 * (tf.reduce_sum(tf.square(Wv)) + tf.reduce_sum(tf.square(Wo)))
    opt.apply_gradients(zip(g.gradient(loss, vs), vs))
@tf.function
def full(): return recon(Rt)
def pr(X, F):
    u, i = X[0], X[1]; ok = (u < nu) & (i < ni)
    p = np.full(len(u), np.nan, np.float32); p[ok] = np.clip(F[i[ok], u[ok]], 1, 5); return p
best, bestep, stale, snap = 9, 0, 0, None
order = np.arange(ni); t0 = time.time()
for ep in range(1, (a.fixed or a.epochs) + 1):
    rs.shuffle(order)
    for s in range(0, ni, a.batch): step(order[s:s + a.batch])
    if a.fixed: continue
    F = full().numpy(); p = pr(V, F); ok = ~np.isnan(p)
    v = float(np.sqrt(np.mean((p[ok] - V[2][ok]) ** 2)))
    if v < best - 1e-5: best, bestep, stale, snap = v, ep, 0, [x.numpy() for x in vs]
    else:
        stale += 1
        if stale >= a.patience: break
if snap: [x.assign(s) for x, s in zip(vs, snap)]
F = full().numpy(); pt = pr(Te, F); ok = ~np.isnan(pt)
res = dict(vars(a), val_known=round(best, 4), test_known=round(float(np.sqrt(np.mean((pt[ok] - Te[2][ok]) ** 2))), 4),
           test_known_frac=round(float(ok.mean()), 3), best_epoch=bestep, secs=round(time.time() - t0, 1))
print(json.dumps(res), flush=True)
if a.save: np.savez(a.save, val=pr(V, F), test=pt)
