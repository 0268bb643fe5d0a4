"""The edit worker against a real Temporal server, with the diffusion model replaced by a small
deterministic image function. Proves the plumbing only: queue, store I/O, names, seeds, retries,
manifest last. It says nothing about the edits a real model makes."""
import asyncio
import hashlib
import json
import logging
import os
import random
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from temporalio.client import Client, WorkflowFailureError
from temporalio.worker import Worker

from edit_workflow import BAD_INPUT, EditOnce
from featmap_edit.activity import EditActivities, QWEN_DIR
from featmap_edit.store import LocalStore, NodeManifest, MANIFEST

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "ml/src/test/resources/fixtures/images"
TOKEN_ENV = "FEATMAP_TEST_EDIT_TOKEN"
TOKEN = "tok-" + uuid.uuid4().hex  # stands in for a Hugging Face token
SYNTH_KEY = "a" * 64
EDIT_KEY = "b" * 64
PROMPTS = [{"name": "Make_red", "text": "Make it red."}, {"name": "Make_blue", "text": "Make it blue, please."}]


class FakePipeline:
    """EditPipeline stand-in: one draw from the shared generator per call, written into the output pixels."""

    def __init__(self, store_node: Path, fail_on_call=None):
        self.calls = []
        self.fail_on_call = fail_on_call
        self.store_node = store_node

    def new_generator(self, seed):
        return random.Random(seed)

    def generator_state(self, g):
        return json.dumps(g.getstate()).encode()

    def restore_generator(self, g, state):
        v, internal, gauss = json.loads(state)
        g.setstate((v, tuple(internal), gauss))

    def edit(self, image, prompt, *, negative_prompt, steps, true_cfg_scale, generator, token_env):
        assert not (self.store_node / MANIFEST).exists(), "manifest written before the last edit"
        assert os.environ[token_env] == TOKEN
        self.calls.append((prompt, image.getpixel((0, 0))))
        if len(self.calls) == self.fail_on_call:
            raise RuntimeError("injected failure")
        assert image.size == (288, 288) and negative_prompt == " "
        out = Image.new("RGB", (64, 64), (generator.randrange(256), len(prompt), image.getpixel((0, 0))[0]))
        out.putpixel((1, 0), (steps, int(true_cfg_scale * 10), 0))
        return out


def make_store(tmp: Path) -> Path:
    """A committed synth-like dataset node: 2 classes x 3 images; 00005 is a zero-byte file."""
    store = LocalStore(tmp / "store")
    ds = store.node_dir("synth", SYNTH_KEY)
    for cls, ids in (("001_a", ["00001", "00002", "00003"]), ("002_b", ["00004", "00005", "00006"])):
        d = ds / "images" / "train" / cls
        d.mkdir(parents=True)
        for n, i in enumerate(ids):
            if i == "00001":
                shutil.copy(FIXTURES / "in_landscape_400x300.png", d / f"{i}.png")
            elif i == "00005":
                (d / f"{i}.png").write_bytes(b"")
            else:
                Image.new("RGB", (320 + 10 * n, 300), (40 * n, 200, int(i) * 20)).save(d / f"{i}.png")
    store.commit(NodeManifest("synth", SYNTH_KEY, 1, {}, {}, [], 0))
    return tmp / "store"


def task(store: Path, **params) -> dict:
    p = {"dataset": "T", "split": "train", "mode": "generate", "prompts": PROMPTS, "images_per_class": 2, "steps": 10,
         "true_cfg_scale": 4.5, "seed": 42, "format": "png", "num_classes": -1, "target_size": 288,
         "hf_token_env": TOKEN_ENV}
    p.update(params)
    return {"sweep": "t", "sweepRunId": None, "nodeId": "edit/T/train", "stage": "edit", "key": EDIT_KEY,
            "paramsJson": json.dumps(p, sort_keys=True),
            "inputs": [{"role": "dataset", "nodeId": "synth/T", "stage": "synth", "key": SYNTH_KEY}],
            "storeUri": store.as_uri()}


async def run_flow(address, queue, t, pipeline):
    client = await Client.connect(address)
    wf_queue = "edit-test-wf-" + uuid.uuid4().hex[:8]
    with ThreadPoolExecutor(max_workers=2) as pool:
        async with Worker(client, task_queue=queue, activities=[EditActivities(pipeline).edit], activity_executor=pool), \
                Worker(client, task_queue=wf_queue, workflows=[EditOnce]):
            h = await client.start_workflow(EditOnce.run, args=[queue, t], id="edit-" + uuid.uuid4().hex,
                                            task_queue=wf_queue)
            try:
                return await h.result(), await h.fetch_history()
            except WorkflowFailureError as e:
                return e, await h.fetch_history()


def activity_attempts(history):
    return [e.activity_task_started_event_attributes.attempt for e in history.events
            if e.HasField("activity_task_started_event_attributes")]


def test_edits_through_temporal_with_one_retry(tmp_path, temporal_address, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    store = make_store(tmp_path)
    node = store / "edit" / EDIT_KEY
    queue = "featmap-edit-test-" + uuid.uuid4().hex[:8]  # the queue is configurable
    fake = FakePipeline(node, fail_on_call=3)
    result, history = asyncio.run(run_flow(temporal_address, queue, task(store), fake))

    # retries: the 3rd call failed once; Temporal retried; the retry resumed at that edit (7 calls, not 9)
    assert activity_attempts(history) == [2]
    assert len(fake.calls) == 7 and fake.calls[3] == fake.calls[2]
    assert result["nodeId"] == "edit/T/train" and result["key"] == EDIT_KEY and result["cached"] is False
    assert result["summary"] == {"images": "3", "edits": "6", "edits.Make_red": "3", "edits.Make_blue": "3"}
    assert len(result["failures"]) == 1 and "00005.png: empty file" in result["failures"][0]

    # names and store layout
    files = sorted(p.relative_to(node).as_posix() for p in node.rglob("*") if p.is_file())
    expected = []
    for cls, ids in (("001_a", ["00001", "00002"]), ("002_b", ["00004"])):
        for i in ids:
            expected += [f"augmented_train/{cls}/{QWEN_DIR}/{i}_{n}.png" for n in ("Make_blue", "Make_red", "resized")]
    assert files == sorted(expected + [MANIFEST])

    # seeds: one Random(42) shared by all edits in processing order (class, image, prompt), across the retry
    draws = random.Random(42)
    for cls, i in (("001_a", "00001"), ("001_a", "00002"), ("002_b", "00004")):
        d = node / "augmented_train" / cls / QWEN_DIR
        for p in PROMPTS:
            px = Image.open(d / f"{i}_{p['name']}.png").convert("RGB")
            assert px.getpixel((0, 0))[:2] == (draws.randrange(256), len(p["text"]))
            assert px.getpixel((1, 0)) == (10, 45, 0)  # steps and true_cfg_scale reached the pipeline

    # the source went through Resize(288)+CenterCrop(288) exactly as Pillow/torchvision (Java fixture)
    got = Image.open(node / "augmented_train/001_a" / QWEN_DIR / "00001_resized.png").convert("RGB")
    assert got.tobytes() == Image.open(FIXTURES / "in_landscape_400x300__resized.png").convert("RGB").tobytes()

    # manifest: last, complete, hashes right; the token is nowhere
    m = LocalStore(store).manifest("edit", EDIT_KEY)
    assert sorted(m.artifacts) == sorted(expected) and m.code_version == 1
    for rel, ref in m.artifacts.items():
        data = (node / rel).read_bytes()
        assert ref.sha256 == hashlib.sha256(data).hexdigest() and ref.bytes == len(data)
        assert ref.uri == (node / rel).as_uri()
        assert (node / MANIFEST).stat().st_mtime_ns >= (node / rel).stat().st_mtime_ns
    assert TOKEN not in caplog.text and TOKEN not in (node / MANIFEST).read_text()

    # a second run of the same node is answered from the store
    again = FakePipeline(node)
    result2, _ = asyncio.run(run_flow(temporal_address, queue, task(store), again))
    assert result2["cached"] is True and result2["computeMillis"] == 0 and again.calls == []


def test_import_mode_is_a_non_retried_bad_input(tmp_path, temporal_address, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    store = make_store(tmp_path)
    fake = FakePipeline(store / "edit" / EDIT_KEY)
    err, history = asyncio.run(run_flow(temporal_address, "featmap-edit-test-" + uuid.uuid4().hex[:8],
                                        task(store, mode="import"), fake))
    assert isinstance(err, WorkflowFailureError)
    cause = err.cause.cause
    assert cause.type == BAD_INPUT and "mode 'import'" in str(cause)
    assert activity_attempts(history) == [1] and fake.calls == []
    assert not (store / "edit" / EDIT_KEY / MANIFEST).exists()
