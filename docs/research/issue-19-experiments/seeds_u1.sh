#!/bin/bash
cd /tmp/exp19
for s in 42 1 2; do
  ./quiet.sh mf.py --split u1 --seed $s --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --save svdpp_u1_s$s 2>/dev/null | grep '^{' >> res_seeds_u1.jsonl
  ./quiet.sh mf.py --split u1 --seed $s --save mf_u1_s$s 2>/dev/null | grep '^{' >> res_seeds_u1.jsonl
  ./quiet.sh autorec.py --split u1 --seed $s --lam 200 --lr 0.0001 --save ar_u1_s$s 2>/dev/null | grep '^{' >> res_seeds_u1.jsonl
done
