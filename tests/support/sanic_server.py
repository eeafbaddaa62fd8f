"""Any Sanic app served from a thread of the test process, on a socket the system has
already bound (so the port cannot be taken in between)."""
from __future__ import annotations

import asyncio
import threading
from typing import Any

from sanic import Sanic

from tests.support.ports import bound_socket


class InProcessServer:
    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.socket = bound_socket()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.server: Any = await self.app.create_server(sock=self.socket, return_asyncio_server=True,
                                                            access_log=False)
            await self.server.startup()
            await self.server.before_start()
            await self.server.after_start()

        self.loop.run_until_complete(start())
        self._started.set()
        self.loop.run_forever()

    def __enter__(self) -> "InProcessServer":
        self._thread.start()
        assert self._started.wait(20), "the test server did not start"
        return self

    def __exit__(self, *exc: Any) -> None:
        async def stop() -> None:
            await self.server.before_stop()
            self.server.close()
            await self.server.wait_closed()
            await self.server.after_stop()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
