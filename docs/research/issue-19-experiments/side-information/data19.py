"""Data loading and splits reproducing marquee's Splits (time: by time range 60/20/20; u1: u1.base/u1.test)."""
import numpy as np, os
D = '/work/shared/data/ml-100k'

def _titles():
    t = {}
    with open(os.path.join(D, 'u.item'), encoding='iso-8859-1') as f:
        for line in f:
            p = line.rstrip('\n').split('|')
            t[int(p[0])] = p[1]
    return t

def _genres():
    g = {}
    with open(os.path.join(D, 'u.item'), encoding='iso-8859-1') as f:
        for line in f:
            p = line.rstrip('\n').split('|')
            g[p[1]] = np.array([int(x) for x in p[5:24]], dtype=np.float32)
    return g

def _read(name):
    a = np.loadtxt(os.path.join(D, name), dtype=np.int64)
    return a  # user, item, rating, ts

def rows_as_keys(a, titles):
    return [(str(r[0]), titles[r[1]], float(r[2]), int(r[3])) for r in a]

def time_split():
    titles = _titles()
    a = _read('u.data')
    # stable sort by timestamp (ties keep input order)
    a = a[np.argsort(a[:, 3], kind='stable')]
    mn, mx = a[0, 3], a[-1, 3]
    rng = float(mx - mn)
    b1 = mn + 0.6 * rng
    b2 = mn + 0.8 * rng
    t = a[:, 3]
    tr, va, te = a[t <= b1], a[(t > b1) & (t <= b2)], a[t > b2]
    return [rows_as_keys(x, titles) for x in (tr, va, te)]

def u1_split(holdout=0.05, seed=0):
    titles = _titles()
    base, test = _read('u1.base'), _read('u1.test')
    rs = np.random.RandomState(seed)
    m = rs.rand(len(base)) < holdout
    return [rows_as_keys(x, titles) for x in (base[~m], base[m], test)]

class Enc:
    """Index users/titles from the training rows; unknown -> n (OOV)."""
    def __init__(self, train):
        self.u = {}; self.i = {}
        for u, i, r, t in train:
            self.u.setdefault(u, len(self.u)); self.i.setdefault(i, len(self.i))
        self.nu, self.ni = len(self.u), len(self.i)
    def enc(self, rows):
        u = np.array([self.u.get(r[0], self.nu) for r in rows], np.int32)
        i = np.array([self.i.get(r[1], self.ni) for r in rows], np.int32)
        y = np.array([r[2] for r in rows], np.float32)
        t = np.array([r[3] for r in rows], np.int64)
        return u, i, y, t

def rmse(p, y):
    return float(np.sqrt(np.mean((np.clip(p, 1, 5) - y) ** 2)))
