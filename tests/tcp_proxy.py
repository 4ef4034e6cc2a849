"""A TCP proxy the tests control, to put between the app and PostgreSQL.

`black_hole()` makes it behave as a silent network partition: connections stay open (no
reset, no close), but nothing they send arrives anywhere and nothing comes back, and new
connections are accepted and then left unanswered. `heal()` forwards again; connections
opened before the partition stay dead, as they would after a real one."""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.blackholed = False
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self._dead: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def black_hole(self) -> None:
        """From now on every connection, open or new, is silent."""
        self.blackholed = True
        self._dead.update(self._writers)

    def heal(self) -> None:
        self.blackholed = False

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if self.blackholed:
            # Accepted by the kernel, then nothing: like SYN-ACKs from a box that drops the rest.
            self._dead.add(writer)
            with contextlib.suppress(Exception):
                while await reader.read(65536):
                    pass
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        self._writers.append(up_writer)
        a = asyncio.create_task(self._pipe(reader, up_writer, writer))
        b = asyncio.create_task(self._pipe(up_reader, writer, writer))
        self._tasks.update((a, b))
        await asyncio.gather(a, b, return_exceptions=True)

    async def _pipe(
        self, reader: asyncio.StreamReader, to: asyncio.StreamWriter, client: asyncio.StreamWriter
    ) -> None:
        """Copy bytes until either side closes; bytes of a silenced connection are dropped."""
        try:
            while data := await reader.read(65536):
                if client in self._dead:
                    continue
                to.write(data)
                await to.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if client not in self._dead:
                to.close()
