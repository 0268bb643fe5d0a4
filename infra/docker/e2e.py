"""Helpers of infra/docker/test.sh that look into the running stack (docker exec; no credentials needed).

  e2e.py victim DOCKER PROJECT BUCKET/PREFIX TIMEOUT
      Waits until a train node has an epoch checkpoint in the store (its index, checkpoints/train-<key>/manifest.json,
      read through the S3 API, lists an epoch) and is not committed yet (no train/<key>/manifest.json),
      finds the worker container whose /work holds that node's scratch (the one training it), freezes it
      (docker pause), checks again that the node is not committed, and kills it; prints
      "<container id> <key> <epochs in the index>". A node committed in the meantime (at toy size the store's
      index lags the training, so the last epochs can finish between the probe and the kill) unfreezes the
      container and the wait goes on for another node. Exit 1 if none within TIMEOUT seconds (or when the file
      /proc/<RUN_PID> of $RUN_PID is gone: the sweep ended).
  e2e.py history DOCKER TEMPORAL_CID KEY VICTIM
      Reads every workflow's history from the Temporal container and checks the train activity of node KEY: its
      one started event (Temporal records a retried activity's start with its outcome: the last attempt) has
      attempt > 1 and a worker identity that is not VICTIM's, and the activity completed. Prints what it found.
"""
import base64
import json
import os
import subprocess
import sys
import time


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def containers(docker, project, service):
    r = run(docker, "ps", "-q", "--no-trunc", "--filter", f"label=com.docker.compose.project={project}",
            "--filter", f"label=com.docker.compose.service={service}")
    return r.stdout.split()


# Run inside the MLflow container (its Python has boto3 and the stack's S3 credentials, env_file): the S3 API as
# the workers see it. Prints "<key> <epochs>" for each train node whose checkpoint index lists an epoch and
# that is not committed.
STORE_PROBE = """
import json, sys, boto3
bucket, prefix = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url="http://s3:80")
def get(k):
    try:
        return s3.get_object(Bucket=bucket, Key=k)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
r = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "checkpoints/train-")
for o in r.get("Contents", []):
    rest = o["Key"][len(prefix + "checkpoints/train-"):]
    if not rest.endswith("/manifest.json") or rest.count("/") != 1:
        continue
    key = rest.split("/")[0]
    m = get(o["Key"])
    try:
        epochs = (json.loads(m or b"{}").get("summary") or {}).get("epochs", "")
    except ValueError:
        continue
    if epochs and get(prefix + "train/" + key + "/manifest.json") is None:
        print(key, epochs)
"""


def victim(docker, project, store, timeout):
    bucket, _, prefix = store.partition("/")
    mlflow = containers(docker, project, "mlflow")[0]
    run_pid = os.environ.get("RUN_PID")
    end = time.time() + timeout
    while time.time() < end:
        if run_pid and not os.path.exists(f"/proc/{run_pid}"):
            break
        probe = run(docker, "exec", mlflow, "python3", "-c", STORE_PROBE, bucket, prefix.rstrip("/") + "/")
        for line in probe.stdout.splitlines():
            key, epochs = line.split()
            for c in containers(docker, project, "worker-cpu"):
                if run(docker, "exec", c, "test", "-d", f"/work/train/{key}").returncode != 0:
                    continue
                if run(docker, "pause", c).returncode != 0:
                    continue
                again = run(docker, "exec", mlflow, "python3", "-c", STORE_PROBE, bucket, prefix.rstrip("/") + "/")
                if key not in again.stdout.split():
                    run(docker, "unpause", c)  # committed before it froze: not a resume test
                    print(f"e2e: train/{key[:12]} committed before the kill; waiting for another", file=sys.stderr)
                    break
                # frozen, not committed: kill it (an engine that refuses to kill a paused container gets it unpaused
                # first, a window of milliseconds)
                if run(docker, "kill", c).returncode != 0:
                    run(docker, "unpause", c)
                    if run(docker, "kill", c).returncode != 0:
                        return 1
                print(c, key, epochs)
                return 0
        time.sleep(0.5)
    return 1


def history(docker, temporal, key, victim_id):
    def tctl(*a):
        r = run(docker, "exec", temporal, "temporal", "--address", "127.0.0.1:7233", *a, "-o", "json")
        return json.loads(r.stdout or "null")

    for wf in tctl("workflow", "list") or []:
        ev = (tctl("workflow", "show", "-w", wf["execution"]["workflowId"]) or {}).get("events") or []
        sched = set()
        for e in ev:
            a = e.get("activityTaskScheduledEventAttributes")
            if not a or a["activityType"]["name"] != "train":
                continue
            for p in (a.get("input") or {}).get("payloads") or []:
                try:
                    task = json.loads(base64.b64decode(p.get("data", "")))
                except ValueError:
                    continue
                if isinstance(task, dict) and task.get("key") == key:
                    sched.add(e["eventId"])
        if not sched:
            continue
        started = [e["activityTaskStartedEventAttributes"] for e in ev
                   if e.get("eventType") == "EVENT_TYPE_ACTIVITY_TASK_STARTED"
                   and e["activityTaskStartedEventAttributes"]["scheduledEventId"] in sched]
        done = [e for e in ev if e.get("eventType") == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"
                and e["activityTaskCompletedEventAttributes"]["scheduledEventId"] in sched]
        print(f"  train {key[:12]} in {wf['execution']['workflowId']}: "
              + ", ".join(f'attempt {a.get("attempt", 1)} on {a.get("identity")}' for a in started)
              + f"; completed: {bool(done)}")
        last = started[-1] if started else {}
        ok = bool(done) and int(last.get("attempt", 1)) > 1 and victim_id[:12] not in last.get("identity", "")
        return 0 if ok else 1
    print(f"  no train activity of node {key} in any workflow's history")
    return 1


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "victim":
        sys.exit(victim(args[0], args[1], args[2], float(args[3])))
    if cmd == "history":
        sys.exit(history(*args))
    sys.exit(f"unknown command {cmd}")
