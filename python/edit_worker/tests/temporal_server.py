"""A Temporal dev server for the tests: $FEATMAP_TEMPORAL_ADDRESS if set, else the Temporal CLI's
`server start-dev` (binary from $FEATMAP_TEMPORAL_BIN, PATH, or infra/local/.run/bin) on a free loopback port."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def find_cli():
    for c in (os.environ.get("FEATMAP_TEMPORAL_BIN"), shutil.which("temporal"), REPO / "infra/local/.run/bin/temporal"):
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return str(c)
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevServer:
    def __init__(self, cli):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(self.port),
             "--namespace", "default", "--log-level", "error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, seconds=90):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"temporal dev server exited with {self.proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"temporal dev server not reachable on {self.address} after {seconds}s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
