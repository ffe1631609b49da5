#!/bin/bash
cd /tmp/exp19
run() { ./quiet.sh mf.py --split u1 --seed 42 --epochs 150 "$@" 2>/dev/null | grep '^{' >> res_u1_mf2.jsonl; }
run --k 31 --lf 0.1 --svdpp 1
run --k 31 --lf 0.1 --svdpp 1 --ly 0.02
run --k 31 --lf 0.1 --lr 0.0005
run --k 64 --lf 0.1 --lr 0.0005
run --k 64 --lf 0.05 --lr 0.0005
run --k 31 --lf 0.1 --lr 0.0005 --batch 1024
run --k 31 --lf 0.1 --init 0.01
run --k 31 --lf 0.1 --userday 0
