"""POST /forget erases the conversation; GET /partner and GET /static/<file>."""
from __future__ import annotations

import asyncio

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ExpiringInMemoryTrackerStore
from connectors.conversations import forget_conversation
from connectors.widget_channel import STATIC_DIR
from tests.support.widget_server import CHARITY, POLICE, STRANGER, StubAgent
from tests.widget.test_messages import assert_kind_error

MINE, OTHER = "conversation-mine", "conversation-other"


def agent_that_saves() -> StubAgent:
    """Keeps each message in the real tracker store, wrapped as Rasa's Agent wraps it."""
    store = FailSafeTrackerStore(ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1))

    async def save(message: UserMessage) -> None:
        tracker = await store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, metadata=message.metadata, input_channel=message.input_channel))
        await store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, "Noted.")

    return StubAgent(reply=save, tracker_store=store, lock_store=InMemoryLockStore())


def test_forget_erases_the_conversation_and_only_that_one(make_server):
    server = make_server(agent=agent_that_saves())
    store = server.agent.tracker_store
    for conversation in (MINE, OTHER):
        assert server.post("/message", {"conversation_id": conversation, "text": "hello"}).status_code == 200
    assert server.run(store.retrieve(MINE)) is not None

    response = server.post("/forget", {"conversation_id": MINE})
    assert response.status_code == 200
    assert response.json() == {"forgotten": True}
    assert response.headers["Access-Control-Allow-Origin"] == POLICE
    assert server.run(store.retrieve(MINE)) is None
    assert server.run(store.retrieve(OTHER)) is not None
    assert set(server.run(store.keys())) == {OTHER}

    # Forgetting again, or a conversation never had, is not an error.
    assert server.post("/forget", {"conversation_id": MINE}).json() == {"forgotten": True}


def test_forget_is_refused_for_other_origins_and_bad_requests(make_server):
    server = make_server(agent=agent_that_saves())
    server.post("/message", {"conversation_id": MINE, "text": "hello"})
    for origin in (STRANGER, None):
        assert_kind_error(server.post("/forget", {"conversation_id": MINE}, origin=origin), 403, "origin_not_allowed")
    assert_kind_error(server.post("/forget", data=b"{oops"), 400, "invalid_json")
    assert_kind_error(server.post("/forget", {"conversation_id": "no"}), 400, "invalid_conversation_id")
    assert server.run(server.agent.tracker_store.retrieve(MINE)) is not None


def test_the_expiring_store_forgets_at_once():
    store = ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1)

    async def scenario() -> None:
        await store.save(DialogueStateTracker.from_events(MINE, [UserUttered("hello")]))
        await store.save(DialogueStateTracker.from_events(OTHER, [UserUttered("hello")]))
        store.forget(MINE)
        store.forget("never-seen")
        assert await store.retrieve(MINE) is None
        assert list(await store.keys()) == [OTHER]
        assert MINE not in store._last_used

    asyncio.run(scenario())


def test_forget_conversation_works_with_rasas_own_stores(tmp_path):
    domain = Domain.empty()
    stores = [
        InMemoryTrackerStore(domain),
        FailSafeTrackerStore(InMemoryTrackerStore(domain)),
        SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "trackers.db")),
    ]

    async def scenario(store: TrackerStore) -> None:
        for conversation in (MINE, OTHER):
            await store.save(DialogueStateTracker.from_events(conversation, [UserUttered("hello")]))
        assert await forget_conversation(store, MINE) is True
        assert await store.retrieve(MINE) is None
        assert await store.retrieve(OTHER) is not None

    for store in stores:
        asyncio.run(scenario(store))


def test_an_unknown_store_is_sent_an_empty_conversation_and_the_operator_warned(caplog):
    class OverwritingStore(TrackerStore):
        def __init__(self) -> None:
            super().__init__(Domain.empty())
            self.saved = {}

        async def save(self, tracker: DialogueStateTracker) -> None:
            self.saved[tracker.sender_id] = list(tracker.events)

        async def retrieve(self, sender_id):
            return None

        async def keys(self):
            return self.saved.keys()

    store = OverwritingStore()
    store.saved[MINE] = ["something"]
    assert asyncio.run(forget_conversation(store, MINE)) is False
    assert store.saved[MINE] == []
    assert "OverwritingStore" in caplog.text and "forget(sender_id)" in caplog.text


# ---- GET /partner -------------------------------------------------------------------------


def test_partner_describes_the_site_the_widget_runs_on(server):
    police = server.get("/partner", origin=POLICE)
    assert police.status_code == 200
    assert police.json() == {"id": "warwickshire-police", "display_name": "Warwickshire Police", "colour": "#1d3c6e"}
    assert police.headers["Access-Control-Allow-Origin"] == POLICE
    charity = server.get("/partner", origin=CHARITY).json()
    assert charity["id"] == "safe-haven-charity" and set(charity) == {"id", "display_name", "colour"}
    for origin in (STRANGER, None):
        assert_kind_error(server.get("/partner", origin=origin), 403, "origin_not_allowed")


# ---- GET /static/<file> ---------------------------------------------------------------------


@pytest.fixture
def static_server(make_server, tmp_path):
    (tmp_path / "widget.js").write_text("console.log('widget');")
    (tmp_path / "widget.css").write_text(".w{}")
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "close.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "page.html").write_text("<script>alert(1)</script>")
    (tmp_path / ".gitkeep").write_text("")
    (tmp_path.parent / "secret.js").write_text("TOP-SECRET-CONTENT")
    return make_server(static_dir=tmp_path)


def test_static_files_are_served_with_their_content_type(static_server):
    for name, content_type, text in (
        ("widget.js", "text/javascript; charset=utf-8", "console.log('widget');"),
        ("widget.css", "text/css; charset=utf-8", ".w{}"),
        ("icons/close.svg", "image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ):
        response = static_server.get(f"/static/{name}", origin=None)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.text == text
    # Loaded by a partner page (as a module script, say): CORS for partners only.
    # Public files, fetched with CORS as module scripts: readable from any page, never with credentials.
    for origin in (CHARITY, STRANGER):
        headers = static_server.get("/static/widget.js", origin=origin).headers
        assert headers["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in headers


def test_only_known_kinds_of_file_inside_the_folder_are_served(static_server):
    for name in ("page.html", ".gitkeep", "missing.js", "../secret.js", "..%2Fsecret.js", "%2e%2e/secret.js",
                 "icons/../../secret.js", "icons", "/etc/passwd"):
        response = requests.get(f"{static_server.url}/static/{name}", timeout=10)
        assert response.status_code == 404, name
        assert "TOP-SECRET-CONTENT" not in response.text


def test_the_widget_files_live_in_connectors_widget_static():
    assert STATIC_DIR.name == "widget_static" and STATIC_DIR.parent.name == "connectors"
    assert STATIC_DIR.is_dir()


def test_only_the_site_a_conversation_was_held_on_may_erase_it(make_server):
    server = make_server(agent=agent_that_saves())
    store = server.agent.tracker_store
    assert server.post("/message", {"conversation_id": MINE, "text": "hello"}, origin=POLICE).status_code == 200

    from_another_partner = server.post("/forget", {"conversation_id": MINE}, origin=CHARITY)
    assert from_another_partner.status_code == 200
    assert from_another_partner.json() == {"forgotten": False}
    assert server.run(store.retrieve(MINE)) is not None

    assert server.post("/forget", {"conversation_id": MINE}, origin=POLICE).json() == {"forgotten": True}
    assert server.run(store.retrieve(MINE)) is None
