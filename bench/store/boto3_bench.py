"""The anchor of bench/store: boto3's managed transfers (upload_file / download_file, default TransferConfig:
8 MiB parts, 10 threads) on the same file and the same S3 endpoint as the Java store."""
import os, sys, time
import boto3
from botocore.config import Config

path, bucket, key = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client("s3", endpoint_url=os.environ["FEATMAP_S3_ENDPOINT"], region_name=os.environ.get("AWS_REGION", "us-east-1"),
                  config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                response_checksum_validation="when_required"))
s3.put_object(Bucket=bucket, Key=key + ".warmup", Body=b"x" * 1024)
t0 = time.perf_counter(); s3.upload_file(path, bucket, key); put = time.perf_counter() - t0
back = path + ".boto3"
t0 = time.perf_counter(); s3.download_file(bucket, key, back); get = time.perf_counter() - t0
assert os.path.getsize(back) == os.path.getsize(path)
os.remove(back)
s3.delete_object(Bucket=bucket, Key=key); s3.delete_object(Bucket=bucket, Key=key + ".warmup")
print(f"boto3_put_s={put:.3f} boto3_get_s={get:.3f} bytes={os.path.getsize(path)}")
