import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import os

import pytest

from temporal_server import DevServer, find_cli  # noqa: E402


@pytest.fixture(scope="session")
def temporal_address():
    if os.environ.get("FEATMAP_TEMPORAL_ADDRESS"):
        yield os.environ["FEATMAP_TEMPORAL_ADDRESS"]
        return
    cli = find_cli()
    if cli is None:
        msg = "no Temporal CLI: set FEATMAP_TEMPORAL_BIN or run infra/local/temporal.sh install"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)  # in CI a test that needs a service fails rather than skips
        pytest.skip(msg)
    server = DevServer(cli)
    try:
        server.wait_ready()
        yield server.address
    finally:
        server.stop()
