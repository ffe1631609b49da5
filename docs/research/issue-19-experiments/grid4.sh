#!/bin/bash
cd /tmp/exp19
for a in "--lam 200 --lr 0.0001" "--lam 500 --lr 0.0001" "--user 1 --lam 100 --lr 0.0003" "--user 1 --lam 300 --lr 0.0003" "--user 1 --lam 30 --lr 0.0003"; do
 ./quiet.sh autorec.py --split u1 $a 2>/dev/null | grep '^{' >> res_u1_ar.jsonl; done
