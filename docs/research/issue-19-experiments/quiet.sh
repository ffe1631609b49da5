#!/bin/bash
# wait while the coordinator's quiet flag exists, then run the command niced with one thread
while [ -e /tmp/marquee-quiet ]; do sleep 20; done
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 CUDA_VISIBLE_DEVICES=
exec nice -n 19 /work/main/.marquee/python-tf/bin/python "$@"
