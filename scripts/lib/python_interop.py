"""Checks that Python TensorFlow serves a marquee SavedModel as marquee does (scripts/check-python-interop).

usage: python_interop.py MODEL_DIR REQUEST_JSON MARQUEE_RESPONSE_JSON [TOLERANCE]

Loads MODEL_DIR with tf.saved_model.load, calls signatures["serving_default"] on the request's instances, and
runs `saved_model_cli run` on the same inputs; compares every output (output_1 and output_2, the user's and the
title's vectors, and output_3, the rating) with `marquee predict`'s. Prints the TensorFlow version and one line per
check, and exits 1 when a value differs by more than TOLERANCE (default 1e-5)."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

model_dir, request_file, response_file = sys.argv[1], sys.argv[2], sys.argv[3]
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
instances = json.load(open(request_file))["instances"]
OUTPUTS = ("output_1", "output_2", "output_3")
answers = json.load(open(response_file))["predictions"]
marquee = {k: np.array([p[k] for p in answers], dtype=np.float64).reshape(len(answers), -1) for k in OUTPUTS}
users = np.array([i["user_id"] for i in instances])
titles = np.array([i["movie_title"] for i in instances])
timestamps = np.array([i["timestamp"] for i in instances], dtype=np.int64)


def compare(name, outputs):
    ok = True
    for k in OUTPUTS:
        got = np.asarray(outputs[k], dtype=np.float64).reshape(marquee[k].shape[0], -1) \
            if np.asarray(outputs[k]).size == marquee[k].size else None
        if got is None:
            print(f"{name} {k}: {np.asarray(outputs[k]).size} values for marquee's {marquee[k].size}: FAIL")
            ok = False
            continue
        worst = float(np.max(np.abs(got - marquee[k])))
        good = worst <= tolerance   # a NaN anywhere makes worst NaN, and this False
        print(f"{name} {k}: {marquee[k].shape[0]} x {marquee[k].shape[1]} values, largest difference from marquee "
              f"predict {worst:.2e} (tolerance {tolerance:g}): {'OK' if good else 'FAIL'}")
        ok = ok and good
    return ok


print(f"Python TensorFlow {tf.__version__}")
loaded = tf.saved_model.load(model_dir)
fn = loaded.signatures["serving_default"]
out = fn(user_id=tf.constant(users), movie_title=tf.constant(titles), timestamp=tf.constant(timestamps))
ok = compare("tf.saved_model.load + serving_default", {k: out[k].numpy() for k in OUTPUTS})

with tempfile.TemporaryDirectory() as tmp:
    inputs = os.path.join(tmp, "inputs.npz")
    np.savez(inputs, user_id=users.astype(object), movie_title=titles.astype(object), timestamp=timestamps)
    outdir = os.path.join(tmp, "out")
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    run = subprocess.run([cli, "run", "--dir", model_dir, "--tag_set", "serve", "--signature_def", "serving_default",
                          "--inputs", f"user_id={inputs}[user_id];movie_title={inputs}[movie_title];"
                                      f"timestamp={inputs}[timestamp]",
                          "--outdir", outdir], capture_output=True, text=True)
    if run.returncode != 0:
        print("saved_model_cli run: FAIL\n" + run.stderr[-2000:])
        ok = False
    else:
        ok = compare("saved_model_cli run", {k: np.load(os.path.join(outdir, k + ".npy")) for k in OUTPUTS}) and ok
sys.exit(0 if ok else 1)
