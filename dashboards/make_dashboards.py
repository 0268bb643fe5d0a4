#!/usr/bin/env python3
"""Writes the Grafana dashboards of this folder (run it after editing; commit the JSON).

Every metric a panel queries must be exported by a worker: workers/.../DashboardMetricsTest checks it.
"""
import json
from pathlib import Path

# Every panel, query and variable names its datasource through the variable $datasource, so the dashboards
# work with any Prometheus datasource (provisioned as in provisioning/datasources, or picked after an
# import in the UI), not only one whose uid is "prometheus". DashboardJsonTest checks it.
DS = {"type": "prometheus", "uid": "${datasource}"}
DS_VAR = {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
          "refresh": 1, "regex": "", "hide": 0, "current": {}}


def var(name, query, label):
    return {"name": name, "label": label, "type": "query", "datasource": DS, "query": query,
            "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1}


def panel(pid, title, kind, targets, x, y, w=12, h=8, unit=None, desc=None, options=None, minmax=None):
    defaults = {}
    if unit:
        defaults["unit"] = unit
    if minmax:
        defaults["min"], defaults["max"] = minmax
    p = {"id": pid, "title": title, "type": kind, "datasource": DS, "gridPos": {"x": x, "y": y, "w": w, "h": h},
         "targets": [{"refId": chr(65 + i), "datasource": DS, "expr": e, "legendFormat": l}
                     for i, (e, l) in enumerate(targets)],
         "fieldConfig": {"defaults": defaults, "overrides": []}, "options": options or {}}
    if desc:
        p["description"] = desc
    return p


def dash(uid, title, panels, variables, tags):
    return {"uid": uid, "title": title, "tags": ["featmap"] + tags, "timezone": "browser", "schemaVersion": 39,
            "version": 1, "editable": True, "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
            "templating": {"list": [DS_VAR] + variables}, "panels": panels, "annotations": {"list": []}}


S = 'sweep=~"$sweep"'
sweeps = dash("featmap-sweeps", "FeatMap — sweep progress", [
    panel(1, "Progress by stage", "bargauge",
          [(f'max by (stage) (featmap_nodes_done{{{S}}}) / clamp_min(max by (stage) (featmap_nodes_planned{{{S}}}), 1)', "{{stage}}")],
          0, 0, unit="percentunit", minmax=(0, 1), options={"orientation": "horizontal", "displayMode": "gradient"},
          desc="Nodes done (computed or found in the store) over nodes planned, per stage, from the sweep workflow's status query."),
    panel(2, "Nodes done / planned", "timeseries",
          [(f'sum(max by (sweep, stage) (featmap_nodes_done{{{S}}}))', "done"),
           (f'sum(max by (sweep, stage) (featmap_nodes_planned{{{S}}}))', "planned")], 12, 0),
    panel(3, "Failed or skipped nodes by stage", "timeseries",
          [(f'max by (stage) (featmap_nodes_failed{{{S}}})', "{{stage}}")], 0, 8,
          desc="Nodes that failed, or were skipped because an input failed."),
    panel(4, "Served from the cache by stage", "timeseries",
          [(f'max by (stage) (featmap_nodes_cached{{{S}}}) / clamp_min(max by (stage) (featmap_nodes_done{{{S}}}), 1)', "{{stage}}")],
          12, 8, unit="percentunit",
          desc="Share of done nodes the sweep found already committed in the store (never scheduled)."),
    panel(5, "Node runner cache hits / misses per minute", "timeseries",
          [('sum by (stage) (rate(featmap_cache_hits_total[$__rate_interval])) * 60', "hit {{stage}}"),
           ('sum by (stage) (rate(featmap_cache_misses_total[$__rate_interval])) * 60', "computed {{stage}}")], 0, 16,
          desc="The workers' own cache check: a hit here is a node that was committed after the sweep scheduled it (a retry, a second sweep)."),
], [var("sweep", "label_values(featmap_nodes_planned, sweep)", "sweep")], ["progress"])

thr = dash("featmap-throughput", "FeatMap — throughput", [
    panel(1, "Images per second by stage", "timeseries", [('sum by (stage) (featmap_images_per_second)', "{{stage}}")], 0, 0,
          desc="Last throughput each worker reported (a node's image count over its wall time, or a live rate), summed over workers."),
    panel(2, "Samples per second by stage", "timeseries", [('sum by (stage) (featmap_samples_per_second)', "{{stage}}")], 12, 0),
    panel(3, "Nodes finished per minute", "timeseries",
          [('sum by (stage, cached) (rate(featmap_node_duration_seconds_count[$__rate_interval])) * 60', "{{stage}} cached={{cached}}")], 0, 8),
    panel(4, "Node duration p50 / p95 (computed nodes)", "timeseries", [
        ('histogram_quantile(0.5, sum by (le, stage) (rate(featmap_node_duration_seconds_bucket{cached="false"}[$__rate_interval])))', "p50 {{stage}}"),
        ('histogram_quantile(0.95, sum by (le, stage) (rate(featmap_node_duration_seconds_bucket{cached="false"}[$__rate_interval])))', "p95 {{stage}}")],
          12, 8, unit="s"),
    panel(5, "Mean node duration", "timeseries",
          [('sum by (stage) (rate(featmap_node_duration_seconds_sum{cached="false"}[$__rate_interval])) / clamp_min(sum by (stage) (rate(featmap_node_duration_seconds_count{cached="false"}[$__rate_interval])), 1e-9)', "{{stage}}")],
          0, 16, unit="s"),
], [], ["throughput"])

Q = 'task_queue=~"$queue"'
act = dash("featmap-activities", "FeatMap — activities (Temporal)", [
    panel(1, "Activity latency p95 by stage and queue", "timeseries",
          [(f'histogram_quantile(0.95, sum by (le, activity_type, task_queue) (rate(temporal_activity_execution_latency_seconds_bucket{{{Q}}}[$__rate_interval])))', "{{activity_type}} @ {{task_queue}}")],
          0, 0, unit="s", desc="Temporal SDK: time an activity attempt ran in the worker (activity_type is the stage)."),
    panel(2, "Activity failures by stage and queue", "timeseries",
          [(f'sum by (activity_type, task_queue) (increase(temporal_activity_execution_failed_total{{{Q}}}[$__rate_interval]))', "{{activity_type}} @ {{task_queue}}")],
          12, 0, desc="Failed attempts (retried ones included). The series appears with the first failure."),
    panel(3, "Schedule-to-start latency p95 by queue (backlog)", "timeseries",
          [(f'histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_activity_schedule_to_start_latency_seconds_bucket{{{Q}}}[$__rate_interval])))', "{{task_queue}}")],
          0, 8, unit="s", desc="How long activities wait for a worker: grows when a pool is too small."),
    panel(4, "Activity attempts per minute by stage", "timeseries",
          [(f'sum by (activity_type) (rate(temporal_activity_execution_latency_seconds_count{{{Q}}}[$__rate_interval])) * 60', "{{activity_type}}")], 12, 8),
    panel(5, "Scheduled-to-succeeded latency (mean) by stage", "timeseries",
          [(f'sum by (activity_type) (rate(temporal_activity_succeed_endtoend_latency_seconds_sum{{{Q}}}[$__rate_interval])) / clamp_min(sum by (activity_type) (rate(temporal_activity_succeed_endtoend_latency_seconds_count{{{Q}}}[$__rate_interval])), 1e-9)', "{{activity_type}}")],
          0, 16, unit="s"),
    panel(6, "Workflows completed per minute", "timeseries",
          [('sum by (workflow_type) (rate(temporal_workflow_completed_total[$__rate_interval])) * 60', "{{workflow_type}}")], 12, 16),
], [var("queue", "label_values(temporal_activity_execution_latency_seconds_count, task_queue)", "queue")], ["temporal"])

W = 'task_queue=~"$queue"'
wk = dash("featmap-workers", "FeatMap — workers and GPUs", [
    panel(1, "Activity slots in use by queue", "timeseries",
          [(f'sum by (task_queue) (temporal_worker_task_slots_used{{worker_type="ActivityWorker", {W}}})', "used {{task_queue}}"),
           (f'sum by (task_queue) (temporal_worker_task_slots_available{{worker_type="ActivityWorker", {W}}})', "free {{task_queue}}")],
          0, 0, desc="A GPU worker has one slot per GPU; all used and a growing schedule-to-start latency mean the pool is too small."),
    panel(2, "Worker CPU", "timeseries", [('process_cpu_usage', "process {{instance}}"), ('system_cpu_usage', "system {{instance}}")],
          12, 0, unit="percentunit"),
    panel(3, "Worker JVM heap", "timeseries", [('sum by (instance) (jvm_memory_used_bytes{area="heap"})', "{{instance}}")], 0, 8, unit="bytes"),
    panel(4, "GPU memory in use", "timeseries", [('featmap_gpu_memory_bytes', "{{instance}} gpu {{gpu}}")], 12, 8, unit="bytes",
          desc="From nvidia-smi on GPU workers; CPU workers export no GPU series."),
    panel(5, "GPU utilisation", "timeseries", [('featmap_gpu_utilization_ratio', "{{instance}} gpu {{gpu}}")], 0, 16,
          unit="percentunit", minmax=(0, 1)),
    panel(6, "Worker uptime", "stat", [('process_uptime_seconds', "{{instance}}")], 12, 16, unit="s"),
], [var("queue", "label_values(temporal_worker_task_slots_available, task_queue)", "queue")], ["workers"])

here = Path(__file__).resolve().parent
for name, d in [("featmap-sweeps", sweeps), ("featmap-throughput", thr), ("featmap-activities", act), ("featmap-workers", wk)]:
    (here / f"{name}.json").write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
