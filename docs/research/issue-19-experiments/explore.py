from data19 import *
tr, va, te = time_split()
print(len(tr), len(va), len(te))
su = {r[0] for r in tr}; sv = {r[0] for r in va}; si = {r[1] for r in tr}; siv = {r[1] for r in va}
print('test rows user in train', np.mean([r[0] in su for r in te]), 'in train+val', np.mean([r[0] in su or r[0] in sv for r in te]))
print('val rows user in train', np.mean([r[0] in su for r in va]))
print('test rows item in train', np.mean([r[1] in si for r in te]), 'train+val', np.mean([r[1] in si or r[1] in siv for r in te]))
for n, x in (('tr', tr), ('va', va), ('te', te)): print(n, np.mean([r[2] for r in x]))
a, b, c = u1_split()
print(len(a), len(b), len(c))
