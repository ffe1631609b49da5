#!/bin/bash
cd /tmp/exp19
while pgrep -f seeds_time.sh >/dev/null; do sleep 5; done
cp svdppoov_u1_s42.npz svdppoov_u1_s42.npz.bak
for s in 1 2; do
  ./quiet.sh mf.py --split u1 --seed $s --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --oov 0.2 --save svdppoov_u1_s$s 2>/dev/null | grep '^{' >> res_seeds_u1.jsonl
done
