#!/bin/bash
cd /tmp/exp19
run() { ./quiet.sh mf.py --split time --seed 42 --refit 1 "$@" 2>/dev/null | grep '^{' >> res_time_mf.jsonl; }
run --k 16 --lf 0.1 --lb 0.01
run --k 16 --lf 0.1 --lb 0.02
run --k 16 --lf 0.1 --lb 0.1
run --k 16 --lf 0.1 --lb 0.2
run --k 16 --lf 0.1 --userday 0
run --k 0 --lf 0.1
run --k 31 --lf 0.1 --init 0.01
run --k 16 --lf 0.1 --lr 0.0005 --epochs 150
