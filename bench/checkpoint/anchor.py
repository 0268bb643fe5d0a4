"""Anchor of the checkpoint bench: the same tensors (read from the Java checkpoint's safetensors) written with
torch.save, and the file uploaded to the same S3 server with boto3. Prints one JSON line per file."""
import json, os, struct, sys, time
import boto3, numpy as np, torch

for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    head = json.loads(raw[8:8 + n]); base = 8 + n
    sd = {k: torch.from_numpy(np.frombuffer(raw[base + v["data_offsets"][0]:base + v["data_offsets"][1]], dtype=np.float32).reshape(v["shape"]).copy())
          for k, v in head.items() if k != "__metadata__"}
    out = path + ".pt"
    ts = []
    for _ in range(5):
        t0 = time.perf_counter(); torch.save(sd, out); ts.append(time.perf_counter() - t0)
    res = {"file": path, "bytes": os.path.getsize(out), "torch_save_s": sorted(ts)[2]}
    ep = os.environ.get("FEATMAP_S3_ENDPOINT")
    if ep:
        s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
        us = []
        for i in range(5):
            t0 = time.perf_counter(); s3.upload_file(out, "featmap", f"bench/ckpt-anchor/{os.path.basename(out)}"); us.append(time.perf_counter() - t0)
        s3.delete_object(Bucket="featmap", Key=f"bench/ckpt-anchor/{os.path.basename(out)}")
        res["boto3_upload_s"] = sorted(us)[2]
    print(json.dumps(res))
