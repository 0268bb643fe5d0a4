"""Runs the edit worker: `python -m featmap_edit [--address HOST:PORT] [--namespace NS] [--task-queue Q] ...`."""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import logging

from temporalio.client import Client
from temporalio.worker import Worker

from .activity import EditActivities
from .pipeline import QwenEditPipeline

DEFAULT_QUEUE = "featmap-edit"


async def serve(address: str, namespace: str, task_queue: str, activities: EditActivities) -> None:
    client = await Client.connect(address, namespace=namespace)
    # One edit at a time per worker process: one model instance holds the GPU(s).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        worker = Worker(client, task_queue=task_queue, activities=[activities.edit], activity_executor=pool,
                        max_concurrent_activities=1)
        await worker.run()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="featmap_edit", description="FeatMap-Flow generative-edit activity worker (spec §2.7)")
    ap.add_argument("--address", default="127.0.0.1:7233")
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--task-queue", default=DEFAULT_QUEUE)
    ap.add_argument("--model", default="Qwen/Qwen-Image-Edit-2511")
    ap.add_argument("--device-map", default="cuda", help="'cuda' (one GPU) or 'balanced' (all GPUs, as the reference)")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(a.address, a.namespace, a.task_queue, EditActivities(QwenEditPipeline(a.model, a.device_map))))


if __name__ == "__main__":
    main()
