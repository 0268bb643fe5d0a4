"""Anchor of bench/tracking: MLflow's own Python client records N cached child runs the way a hand-written
script would (create_run with the same tags, log_batch of the same params, set_terminated), against the same
server, four at a time as the Java side. Prints cached_nodes=N record_s=S."""
import sys, time, hashlib
from concurrent.futures import ThreadPoolExecutor
from mlflow.tracking import MlflowClient
from mlflow.entities import Param, RunTag

uri, n, exp_name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = MlflowClient(tracking_uri=uri)
exp = c.get_experiment_by_name(exp_name)
exp_id = exp.experiment_id if exp else c.create_experiment(exp_name)
sweep = c.create_run(exp_id, tags={"featmap.execution": f"py-{time.time_ns()}"}).info.run_id
params = {"stage": "train", "dataset": "STANFORD_CARS", "group": "direct", "source": "resized", "backbone": "convnext",
          "layer": "feat3", "manipulation": "rotation_90", "model": "mlp", "learning_rate": "0.001", "epochs": "30",
          "batch_size": "32"}

def one(i):
    key = hashlib.sha256(f"py-node-{i}-{sweep}".encode()).hexdigest()
    tags = {"mlflow.parentRunId": sweep, "featmap.cellKey": key, "featmap.stage": "train", "featmap.node": f"train/node-{i}",
            "featmap.cached": "true", "featmap.store": "s3://bench/store", "mlflow.runName": f"train/node-{i}",
            "mlflow.note.content": "Cached in this execution: the outputs were in the store; no tracked run computed them."}
    r = c.create_run(exp_id, tags=tags).info.run_id
    c.log_batch(r, params=[Param(k, v) for k, v in params.items()])
    c.set_terminated(r, "FINISHED")

t0 = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    list(pool.map(one, range(n)))
s = time.perf_counter() - t0
print(f"cached_nodes={n} record_s={s:.2f} ms_per_node={1000 * s / n:.1f}")
c.set_terminated(sweep, "FINISHED")
