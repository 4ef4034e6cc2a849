"""A local S3-protocol server for the tests and benchmarks of the S3 store: moto's
`ThreadedMotoServer` (the S3 API over real HTTP, objects in this process's memory) on a free
port of 127.0.0.1, in a thread of this process, stopped on the way out. No cloud account, no
container; any credentials are accepted."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

# Credentials the server accepts (it checks none); a client still needs some to sign with.
ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"


@contextmanager
def s3_server() -> Iterator[str]:
    """The server's endpoint URL (http://127.0.0.1:<port>) while it runs."""
    from moto.server import ThreadedMotoServer  # loads flask and moto's S3: only when asked for

    # werkzeug logs every request at INFO (and 404s of HEAD as errors of the client's making).
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        werkzeug.setLevel(level)
