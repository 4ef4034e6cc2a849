"""`python -m benchmarks.peer`: run it (see the package's description)."""

import asyncio

from benchmarks.peer.main import main

asyncio.run(main())
