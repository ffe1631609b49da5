#!/bin/bash
cd /tmp/exp19
for k in 16 31 64 128; do for lf in 0.02 0.05 0.1 0.2; do for lr in 0.002; do
  ./quiet.sh mf.py --split u1 --seed 42 --k $k --lf $lf --lr $lr --epochs 80 2>/dev/null | grep '^{' >> res_u1_mf.jsonl
done; done; done
