#!/bin/bash
cd /tmp/exp19
while pgrep -f grid7.sh >/dev/null; do sleep 5; done
for s in 42 1 2; do
  ./quiet.sh mf.py --split time --seed $s --refit 1 --save mf_time_s$s 2>/dev/null | grep '^{' >> res_seeds_time.jsonl
  ./quiet.sh mf.py --split time --seed $s --refit 1 --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --save svdpp_time_s$s 2>/dev/null | grep '^{' >> res_seeds_time.jsonl
  ./quiet.sh mf.py --split time --seed $s --refit 1 --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --oov 0.2 --save svdppoov_time_s$s 2>/dev/null | grep '^{' >> res_seeds_time.jsonl
  ./quiet.sh autorec.py --split time --seed $s --lam 200 --lr 0.0001 --save ar_time_s$s 2>/dev/null | grep '^{' >> res_seeds_time.jsonl
  ep=$(tail -1 res_seeds_time.jsonl | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['best_epoch'])")
  ./quiet.sh autorec.py --split time --seed $s --lam 200 --lr 0.0001 --trainval 1 --fixed $ep --save ar_time_refit_s$s 2>/dev/null | grep '^{' >> res_seeds_time.jsonl
  ./quiet.sh -c "
import numpy as np
a=np.load('ar_time_s$s.npz'); b=np.load('ar_time_refit_s$s.npz')
np.savez('ar_time_s$s', val=a['val'], test=a['test'], test_refit=b['test'])"
done
