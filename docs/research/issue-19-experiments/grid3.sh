#!/bin/bash
cd /tmp/exp19
run() { ./quiet.sh mf.py --split u1 --seed 42 --epochs 150 --svdpp 1 "$@" 2>/dev/null | grep '^{' >> res_u1_mf3.jsonl; }
run --k 31 --lf 0.1 --ly 0.005
run --k 31 --lf 0.1 --ly 0.0
run --k 31 --lf 0.1 --ly 0.02 --init 0.01
run --k 31 --lf 0.1 --ly 0.02 --lr 0.001
run --k 31 --lf 0.05 --ly 0.02
run --k 31 --lf 0.2 --ly 0.02
run --k 64 --lf 0.1 --ly 0.02
run --k 16 --lf 0.1 --ly 0.02
