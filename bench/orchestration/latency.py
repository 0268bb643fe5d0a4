#!/usr/bin/env python3
"""Where a sweep's time between nodes goes on a persistent Temporal server (issue #13 6d).

Reads the event histories of a sweep and its batch workflows (`temporal workflow show -o json`, fetched here
with the Temporal CLI) and splits each node's dispatch into the parts the history can see:
  wft queue     workflow task scheduled -> started   (the workflow worker picks the task up)
  wft run       workflow task started -> completed  (workflow code, SDK and the server's write)
  act queue     activity scheduled -> started       (waits for a free worker slot, then the match)
  act prelude   activity started -> its compute began (transport to the worker, SDK, cache check, set-up)
  act epilogue  compute ended -> activity completed (publish, commit, the completion's round trip)
The compute span is the node's own (NodeResult.startedAtMillis, computeMillis), as in the sweep's summary.
usage: bench/orchestration/latency.py WORKFLOW_ID|PREFIX- [--address HOST:PORT] [--cli PATH] [--out DIR]
       (an id ending in '-' means the newest sweep whose id starts with it)
"""
import argparse, base64, json, os, statistics as st, subprocess, sys
from datetime import datetime


def ts(s):
    s = s.rstrip("Z")
    a, _, b = s.partition(".")
    return datetime.fromisoformat(a).timestamp() + float("0." + (b or "0"))


def show(cli, address, wid, run_id=None):
    cmd = [cli, "workflow", "show", "-w", wid, "--address", address, "-o", "json"]
    if run_id:
        cmd += ["-r", run_id]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["events"]


def children(events):
    for e in events:
        if e["eventType"] == "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED":
            x = e["childWorkflowExecutionStartedEventAttributes"]["workflowExecution"]
            yield x["workflowId"], x.get("runId")


def summary(name, xs):
    if not xs:
        return f"{name:13s} n=0"
    xs = sorted(xs)
    return (f"{name:13s} n={len(xs):5d}  median {st.median(xs) * 1e3:7.1f} ms  p90 {xs[int(.9 * len(xs))] * 1e3:8.1f} ms"
            f"  sum {sum(xs):8.2f} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow_id")
    ap.add_argument("--address", default="127.0.0.1:7233")
    ap.add_argument("--cli", default=os.path.expanduser("~/.cache/featmap-local/bin/temporal"))
    ap.add_argument("--out", help="also write each history here")
    a = ap.parse_args()
    wid0, rid0 = a.workflow_id, None
    if wid0.endswith("-"):
        q = f"WorkflowType='SweepWorkflow' AND WorkflowId STARTS_WITH '{wid0}'"
        out = subprocess.run([a.cli, "workflow", "list", "--address", a.address, "--query", q, "--limit", "1", "-o",
                              "json"], check=True, capture_output=True, text=True).stdout
        found = json.loads(out or "[]")
        if not found:
            print(f"no sweep whose id starts with {wid0} on {a.address}", file=sys.stderr)
            return 2
        wid0, rid0 = found[0]["execution"]["workflowId"], found[0]["execution"]["runId"]
        print(f"sweep {wid0} run {rid0}")
    todo, seen, histories = [(wid0, rid0)], set(), {}
    while todo:
        wid, rid = todo.pop()
        if wid in seen:
            continue
        seen.add(wid)
        ev = show(a.cli, a.address, wid, rid)
        histories[wid] = ev
        todo.extend(children(ev))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        for wid, ev in histories.items():
            json.dump({"events": ev}, open(os.path.join(a.out, wid.replace("/", "_") + ".json"), "w"))
    parts = {k: [] for k in ("wft queue", "wft run", "act queue", "act prelude", "act epilogue")}
    spans = []
    for ev in histories.values():
        by = {int(e["eventId"]): e for e in ev}
        for e in ev:
            t = e["eventType"]
            if t == "EVENT_TYPE_WORKFLOW_TASK_STARTED":
                s = by[int(e["workflowTaskStartedEventAttributes"]["scheduledEventId"])]
                parts["wft queue"].append(ts(e["eventTime"]) - ts(s["eventTime"]))
            elif t == "EVENT_TYPE_WORKFLOW_TASK_COMPLETED":
                s = by[int(e["workflowTaskCompletedEventAttributes"]["startedEventId"])]
                parts["wft run"].append(ts(e["eventTime"]) - ts(s["eventTime"]))
            elif t == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED":
                x = e["activityTaskCompletedEventAttributes"]
                sched, start = by[int(x["scheduledEventId"])], by[int(x["startedEventId"])]
                parts["act queue"].append(ts(start["eventTime"]) - ts(sched["eventTime"]))
                try:
                    r = json.loads(base64.b64decode(x["result"]["payloads"][0]["data"]))
                except (KeyError, IndexError, ValueError):
                    continue
                if not isinstance(r, dict) or "startedAtMillis" not in r or r.get("cached"):
                    continue
                c0 = r["startedAtMillis"] / 1e3
                c1 = c0 + r["computeMillis"] / 1e3
                parts["act prelude"].append(c0 - ts(start["eventTime"]))
                parts["act epilogue"].append(ts(e["eventTime"]) - c1)
                spans.append((c0, c1))
    print(f"{len(histories)} workflows, {len(spans)} computed nodes")
    for k, v in parts.items():
        print(summary(k, v))
    spans.sort()
    if spans:
        idle, end = 0.0, spans[0][1]
        for c0, c1 in spans[1:]:
            idle += max(0.0, c0 - end)
            end = max(end, c1)
        span = end - spans[0][0]
        print(f"between nodes (no compute running): {idle:.2f} s = {100 * idle / span:.2f} % of the span {span:.1f} s"
              f" ({1e3 * idle / len(spans):.1f} ms per node)")


if __name__ == "__main__":
    sys.exit(main())
