"""Row feature builders (title side from catalog, request timestamp)."""
import numpy as np, datetime
DAY = 86400.0

def genre_mean(d, T):      # mean-of-genres encoding: g / |g|
    G = d.G / np.maximum(d.G.sum(1, keepdims=True), 1)
    return G[T]

def genre_flags(d, T):
    return d.G[T]

def year_bins(d, T, edges=(1930, 1950, 1960, 1970, 1980, 1990, 1994, 1996, 1997)):
    y = np.array([datetime.datetime.fromtimestamp(r, datetime.timezone.utc).year if r == r else 1995 for r in d.REL])
    b = np.digitize(y, edges)
    X = np.zeros((len(d.REL), len(edges) + 1)); X[np.arange(len(y)), b] = 1
    return X[T]

def age_bins(d, T, ts, edges_days=(90, 365, 3 * 365, 10 * 365)):
    rel = d.REL[T]
    age = (ts - np.where(np.isnan(rel), ts - 5 * 365 * DAY, rel)) / DAY
    b = np.digitize(age, edges_days)
    X = np.zeros((len(T), len(edges_days) + 1)); X[np.arange(len(T)), b] = 1
    return X

def hour_bins(ts, n=6):   # UTC hour in n bins
    h = ((ts % 86400) // 3600).astype(int) * n // 24
    X = np.zeros((len(ts), n)); X[np.arange(len(ts)), h] = 1; return X

def weekday(ts):
    w = ((ts // 86400) + 3) % 7   # 1970-01-01 = Thursday
    X = np.zeros((len(ts), 7)); X[np.arange(len(ts)), w.astype(int)] = 1; return X

def interact(A, B):
    return (A[:, :, None] * B[:, None, :]).reshape(len(A), -1)
