"""Shared: time split, encoding, title side info (genres, release date) from u.item."""
import numpy as np, os, datetime
from data19 import time_split, Enc, rmse, D
from bias import fit_bias

def title_side():
    g, rel = {}, {}
    with open(os.path.join(D, 'u.item'), encoding='iso-8859-1') as f:
        for line in f:
            p = line.rstrip('\n').split('|')
            g[p[1]] = np.array([int(x) for x in p[5:24]], dtype=np.float64)
            if p[2]:
                d = datetime.datetime.strptime(p[2], '%d-%b-%Y').replace(tzinfo=datetime.timezone.utc)
                rel[p[1]] = d.timestamp()
            else:
                rel[p[1]] = np.nan
    return g, rel

class Data:
    def __init__(self):
        self.tr, self.va, self.te = time_split()
        self.e = Enc(self.tr)
        self.Tr = self.e.enc(self.tr); self.Va = self.e.enc(self.va); self.Te = self.e.enc(self.te)
        g, rel = title_side()
        # global title table over ALL catalog titles (catalog travels with the model): index by title string
        self.titles = sorted(g)
        self.tix = {t: k for k, t in enumerate(self.titles)}
        self.G = np.array([g[t] for t in self.titles])          # [nT, 19]
        self.REL = np.array([rel[t] for t in self.titles])      # release ts (nan if unknown)
        self.TrT = np.array([self.tix[r[1]] for r in self.tr])  # catalog title index per row
        self.VaT = np.array([self.tix[r[1]] for r in self.va])
        self.TeT = np.array([self.tix[r[1]] for r in self.te])
        self.nT = len(self.titles)
