#!/bin/bash
cd /tmp/exp19
run() { ./quiet.sh mf.py --seed 42 "$@" 2>/dev/null | grep '^{' >> res_oov.jsonl; }
run --split time --refit 1 --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --oov 0.2 --save time_svdpp_oov
run --split time --refit 1 --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --save time_svdpp
run --split u1 --k 31 --lf 0.1 --ly 0.02 --svdpp 1 --init 0.01 --oov 0.2 --save svdppoov_u1_s42
run --split time --refit 1 --k 16 --lf 0.1 --lb 0.01 --save time_mf_lb01
