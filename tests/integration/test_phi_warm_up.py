"""The PHI guard's world gazetteer is read at start-up, in a thread, not during a visitor's first save."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Settings
from server.domain.phi.world_places import world_places
from server.web.keys import PHI_WARM_UP
from tests.support.world import FakeClock


async def test_the_app_reads_the_world_gazetteer_at_start_up(settings: Settings, clock: FakeClock) -> None:
    world_places.cache_clear()  # as in a fresh process
    app = create_app(settings, clock=clock, maintenance=False)
    async with TestClient(TestServer(app)):
        seconds = await app[PHI_WARM_UP]  # started with the app, before any request
        assert world_places.cache_info().currsize == 1
        assert seconds > 0
        assert len(world_places()) > 50_000
