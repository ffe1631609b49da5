"""New-user model N: item-only fit + genre/year prior, with row weights that make training rows look like new users."""
import sys
from gated import *
nu_cnt = np.bincount(U, minlength=e.nu + 1)
order = np.lexsort((np.arange(len(U)), T, U))          # by user, then time (stable)
rank = np.empty(len(U), int); 
starts = np.r_[0, np.cumsum(np.bincount(U[order], minlength=e.nu))[:-1]]
rank[order] = np.arange(len(U)) - starts[U[order]]
print('rank check', rank.min(), rank.max(), nu_cnt[:5])
res = []
for liN in (5, 10):
    for wname, w in [('none', None)] + [('usereq b%.2f' % b, nu_cnt[U] ** -b) for b in (0.25, 0.5, 1.0)] + \
            [('first%d x%g' % (k, a), np.where(rank < k, a, 1.0)) for k in (20, 50) for a in (3, 10)] + [('only first%d' % k, (rank < k) * 1.0) for k in (50, 100)]:
        r = run('gy', 100, 100, 5, 30, liN, wN=w)
        print('N li', liN, wname, 'val %.4f known %.4f new %.4f' % r[:3]); sys.stdout.flush()
