"""`python -m benchmarks.authz`: run it (see the package's description)."""

import asyncio

from benchmarks.authz.main import main

asyncio.run(main())
