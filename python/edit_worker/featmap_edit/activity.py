"""The `edit` activity (the Java contract's activity type of Stage.EDIT) for mode `generate` (spec §2.7).

Argument: a NodeTask as JSON ({sweep, sweepRunId, nodeId, stage, key, paramsJson, inputs, storeUri});
result: a NodeResult ({nodeId, key, cached, computeMillis, summary, failures}). Outputs go to
`<store>/edit/<key>/augmented_<split>/<class>/qwen_gs_1_infsteps_10/<ID>_<short>.<ext>` plus
`<ID>_resized.<ext>`, then `manifest.json` last (the layout GenerativeEditImport writes).
"""
from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from . import dataset
from .pipeline import EditPipeline
from .store import MANIFEST, LocalStore, NodeManifest, _SEGMENT

LOG = logging.getLogger(__name__)

QWEN_DIR = "qwen_gs_1_infsteps_10"  # GenerativeEditImport.QWEN_DIR (spec §1.5)
EDIT_CODE_VERSION = 1  # Stage.EDIT's code version (core/.../stage/Stage.java): same node, same manifest
RESIZED = "resized"
NEGATIVE_PROMPT = " "  # a single space (spec §2.7)
BAD_INPUT = "org.featmap.core.contract.BadInputException"  # in the Java workflow's do-not-retry list


def bad_input(msg: str) -> ApplicationError:
    return ApplicationError(msg, type=BAD_INPUT, non_retryable=True)


@dataclass(frozen=True)
class EditJob:
    source: dataset.SourceImage
    prompt_name: str
    prompt_text: str


def _param(params: dict, node: str, key: str, default: Any = None) -> Any:
    v = params.get(key, default)
    if v is None:
        raise bad_input(f"{node}: missing param '{key}'")
    return v


def run_edit_node(task: dict, pipeline: EditPipeline, progress: Callable[[int, int, str], None],
                  checkpoint: Optional[str]) -> dict:
    """Computes one edit node (or returns it from the store); `progress(done, total, checkpoint)` per edit."""
    node, stage, key = task["nodeId"], task["stage"], task["key"]
    if stage != "edit":
        raise bad_input(f"{node}: this worker serves stage 'edit' only, got '{stage}'")
    try:
        store = LocalStore.from_uri(task["storeUri"])
        store.node_dir(stage, key)
    except ValueError as e:
        raise bad_input(f"{node}: {e}") from e
    existing = store.manifest(stage, key)
    if existing is not None:
        if store.intact(existing):
            return _result(task, existing, cached=True)
        LOG.warning("%s: cached outputs are corrupt; recomputing", node)
        store.delete(stage, key)

    params = json.loads(task["paramsJson"])
    mode = _param(params, node, "mode")
    if mode != "generate":
        raise bad_input(f"{node}: edit mode '{mode}' is not served here; the Python edit worker runs mode 'generate' "
                        "(imports run on the Java worker)")
    split = _param(params, node, "split")
    fmt = _param(params, node, "format", "jpg")
    size = int(_param(params, node, "target_size", 288))
    per_class = int(_param(params, node, "images_per_class"))
    steps = int(_param(params, node, "steps", 10))
    cfg = float(_param(params, node, "true_cfg_scale", 4.5))
    seed = int(_param(params, node, "seed", 42))
    token_env = str(params.get("hf_token_env") or "HF_TOKEN")
    prompts = _param(params, node, "prompts")
    if not prompts:
        raise bad_input(f"{node}: param 'prompts' is empty")
    for p in prompts:
        if not _SEGMENT.fullmatch(str(p.get("name", ""))) or not p.get("text"):
            raise bad_input(f"{node}: prompt {p!r} needs a 'name' of letters, digits, _ and a non-empty 'text'")

    root = _dataset_root(task, params, store)
    try:
        classes = dataset.scan_split(root, split, int(params.get("num_classes", -1)))
    except (OSError, ValueError) as e:
        raise bad_input(f"{node}: {e}") from e
    # spec §2.7: the first images_per_class of each class (here in file-name order, §11 B16), then per image
    # the prompts in config order; one generator for the node, in this order.
    jobs = [EditJob(src, p["name"], p["text"]) for _, imgs in classes for src in imgs[:per_class] for p in prompts]
    if not jobs:
        raise bad_input(f"{node}: no source images in split {split} of {root}")

    t0 = time.monotonic()
    generator = pipeline.new_generator(seed)
    start = 0
    failed_sources: dict[str, str] = {}
    if checkpoint:
        ck = json.loads(checkpoint)
        start = int(ck["next"])
        failed_sources = dict(ck.get("failed", {}))
        pipeline.restore_generator(generator, base64.b64decode(ck["generator"]))
        LOG.info("%s: resuming at edit %d of %d", node, start, len(jobs))

    def rel(src: dataset.SourceImage, name: str) -> str:
        return f"augmented_{split}/{src.class_name}/{QWEN_DIR}/{src.id}_{name}.{fmt}"

    resized_cache: dict[str, Any] = {}
    for i in range(start, len(jobs)):
        job = jobs[i]
        src = job.source
        if src.id not in failed_sources:
            try:
                if src.id not in resized_cache:
                    resized_cache.clear()
                    img = dataset.resize_crop(dataset.load_rgb(src.file), size)
                    store.put_bytes(stage, key, rel(src, RESIZED), dataset.encode(img, fmt))
                    resized_cache[src.id] = img
            except IOError as e:
                failed_sources[src.id] = str(e)
        if src.id not in failed_sources:
            try:
                edited = pipeline.edit(resized_cache[src.id], job.prompt_text, negative_prompt=NEGATIVE_PROMPT, steps=steps,
                                       true_cfg_scale=cfg, generator=generator, token_env=token_env)
            except PermissionError as e:
                raise bad_input(f"{node}: {e}") from e
            store.put_bytes(stage, key, rel(src, job.prompt_name), dataset.encode(edited, fmt))
        ck = json.dumps({"next": i + 1, "failed": failed_sources,
                         "generator": base64.b64encode(pipeline.generator_state(generator)).decode("ascii")})
        progress(i + 1, len(jobs), ck)

    if len(failed_sources) == len({j.source.id for j in jobs}):
        raise bad_input(f"{node}: none of the source images could be read: {next(iter(failed_sources.values()))}")
    expected = []
    per_edit: dict[str, int] = {}
    for j in jobs:
        if j.source.id in failed_sources:
            continue
        expected.append(rel(j.source, RESIZED))
        expected.append(rel(j.source, j.prompt_name))
        per_edit[j.prompt_name] = per_edit.get(j.prompt_name, 0) + 1
    expected = sorted(set(expected))
    _remove_strays(store.node_dir(stage, key), set(expected))
    artifacts = {r: store.ref_of(stage, key, r) for r in expected}
    summary = {"images": str(len({j.source.id for j in jobs}) - len(failed_sources)), "edits": str(sum(per_edit.values()))}
    for name, n in per_edit.items():
        summary["edits." + name] = str(n)
    m = NodeManifest(stage, key, EDIT_CODE_VERSION, artifacts, summary, list(failed_sources.values()),
                     int((time.monotonic() - t0) * 1000))
    store.commit(m)  # last: the commit marker
    return _result(task, m, cached=False)


def _dataset_root(task: dict, params: dict, store: LocalStore) -> Path:
    ins = [i for i in task.get("inputs", []) if i["role"] == "dataset"]
    if len(ins) > 1:
        raise bad_input(f"{task['nodeId']}: expected one input 'dataset', found {len(ins)}")
    if ins:
        i = ins[0]
        if store.manifest(i["stage"], i["key"]) is None:
            raise ApplicationError(f"{task['nodeId']}: input {i['nodeId']} is not committed")
        return store.node_dir(i["stage"], i["key"])
    root = params.get("root")
    if not root:
        raise bad_input(f"{task['nodeId']}: needs an input 'dataset' or a param 'root'")
    return Path(root)


def _remove_strays(node_dir: Path, keep: set[str]) -> None:
    """Temporary files of a crashed write and outputs no longer expected (e.g. a source that failed on retry)."""
    for p in sorted(node_dir.rglob("*")):
        if p.is_file() and p.name != MANIFEST and p.relative_to(node_dir).as_posix() not in keep:
            p.unlink()


def _result(task: dict, m: NodeManifest, cached: bool) -> dict:
    return {"nodeId": task["nodeId"], "key": task["key"], "cached": cached,
            "computeMillis": 0 if cached else m.compute_millis, "summary": dict(m.summary), "failures": list(m.failures)}


class EditActivities:
    """Holds the pipeline (loaded once per worker process) and exposes the activity named `edit`."""

    def __init__(self, pipeline: EditPipeline):
        self.pipeline = pipeline

    @activity.defn(name="edit")
    def edit(self, task: dict) -> dict:
        info = activity.info()
        checkpoint = None
        if info.heartbeat_details:
            beat = info.heartbeat_details[0]
            checkpoint = beat.get("checkpoint") if isinstance(beat, dict) else None

        def progress(done: int, total: int, ck: str) -> None:
            # Same shape as the Java worker's heartbeat details (StageActivitiesImpl.Beat).
            activity.heartbeat({"done": done, "total": total, "checkpoint": ck})
            if activity.is_cancelled():
                raise CancelledError(f"{task['nodeId']}: cancelled after {done} of {total} edits")

        LOG.info("%s: attempt %d%s", task.get("nodeId"), info.attempt, " (resuming)" if checkpoint else "")
        return run_edit_node(task, self.pipeline, progress, checkpoint)
