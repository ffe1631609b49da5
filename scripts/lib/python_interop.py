"""Checks that Python TensorFlow serves a marquee SavedModel as marquee does (scripts/check-python-interop).

usage: python_interop.py MODEL_DIR REQUEST_JSON MARQUEE_RESPONSE_JSON [TOLERANCE]

Loads MODEL_DIR with tf.saved_model.load, calls signatures["serving_default"] on the request's instances, and
runs `saved_model_cli run` on the same inputs; compares both with `marquee predict`'s output_3. Prints one line
per check and exits 1 when a rating differs by more than TOLERANCE (default 1e-5)."""
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
marquee = np.array([p["output_3"][0] for p in json.load(open(response_file))["predictions"]], dtype=np.float64)
users = np.array([i["user_id"] for i in instances])
titles = np.array([i["movie_title"] for i in instances])
timestamps = np.array([i["timestamp"] for i in instances], dtype=np.int64)


def compare(name, ratings):
    ratings = np.asarray(ratings, dtype=np.float64).reshape(-1)
    if ratings.shape != marquee.shape:
        print(f"{name}: {ratings.shape[0]} ratings for {marquee.shape[0]} instances: FAIL")
        return False
    worst = float(np.max(np.abs(ratings - marquee)))
    ok = worst <= tolerance
    print(f"{name}: {len(ratings)} ratings, largest difference from marquee predict {worst:.2e} "
          f"(tolerance {tolerance:g}): {'OK' if ok else 'FAIL'}")
    return ok


loaded = tf.saved_model.load(model_dir)
fn = loaded.signatures["serving_default"]
out = fn(user_id=tf.constant(users), movie_title=tf.constant(titles), timestamp=tf.constant(timestamps))
ok = compare("tf.saved_model.load + serving_default", out["output_3"].numpy())

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
        ok = compare("saved_model_cli run", np.load(os.path.join(outdir, "output_3.npy"))) and ok
sys.exit(0 if ok else 1)
