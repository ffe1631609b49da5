#!/bin/bash
cd /tmp/exp19
run() { ./quiet.sh mf.py --split u1 --seed 42 --epochs 150 --svdpp 1 --init 0.01 "$@" 2>/dev/null | grep '^{' >> res_u1_mf3.jsonl; }
run --k 31 --lf 0.1 --ly 0.05
run --k 31 --lf 0.1 --ly 0.03
run --k 31 --lf 0.1 --ly 0.01
run --k 31 --lf 0.1 --ly 0.02 --lb 0.02
run --k 31 --lf 0.1 --ly 0.02 --lb 0.1
