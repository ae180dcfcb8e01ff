"""A room's fan-out on the in-process bus, with stand-in viewers: no database, no Redis, no domain."""

import asyncio
import dataclasses
import threading
import time

from apps.realtime import bus, rooms, stomp
from apps.realtime.presence import LocalPresence, Presence
from apps.realtime.websocket import websocket_text_frame


class FakeViewer:
    """Records what the room delivers; subscribed to ``topics`` with the given subscription ids."""

    def __init__(self, presence_key: str, **by_topic: tuple[str, ...]) -> None:
        self.presence_key = presence_key
        self.by_topic = {"chat": (), "events": (), **by_topic}
        self.deliveries: list[tuple[str, bytes | None]] = []
        self.pulses = 0

    def deliver(self, text: str, wire: bytes | None = None) -> None:
        self.deliveries.append((text, wire))

    def pulse(self, now: float) -> None:
        self.pulses += 1

    def frames(self) -> list[stomp.Frame]:
        return [frame for text, _ in self.deliveries for frame in stomp.parse(text)]


class RecordingTicker:
    def __init__(self, room: rooms.Room) -> None:
        self.room = room
        self.seen: list[Presence] = []

    async def tick(self, presence: Presence) -> None:
        self.seen.append(presence)


def make_spec(
    local_bus: bus.LocalBus, *, coalesce=(0.0, 0), catch_up=None, recent=None, name="test"
) -> rooms.RoomSpec:
    return rooms.RoomSpec(
        name=name,
        topics=("chat", "events"),
        destination=lambda room_id, topic: f"/topic/test.{room_id}.{topic}",
        channel=lambda room_id: f"test:room:{room_id}",
        bus=lambda: local_bus,
        presence=LocalPresence,
        coalesce=lambda: coalesce,
        tallies=("likes",),
        ticker=RecordingTicker,
        catch_up=catch_up,
        recent=recent,
    )


def event(text: str, *, topic: str = "chat", seq: int | None = None) -> dict:
    found = {
        "topic": topic,
        "body": rooms.message_body({"type": "message", "text": text}),
        "message_id": text,
    }
    if seq is not None:
        found["seq"] = seq
    return found


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)


def test_a_published_event_reaches_every_subscriber_with_its_own_subscription_id():
    """One event: encoded once per set of subscription ids, the WebSocket frame built alongside; a viewer not
    subscribed to the topic gets nothing."""
    local_bus = bus.LocalBus()
    spec = make_spec(local_bus)
    a, b, c = (
        FakeViewer("u:1", chat=("s1",)),
        FakeViewer("u:2", chat=("s1",)),
        FakeViewer("u:3", chat=("x", "y")),
    )
    idle = FakeViewer("u:4", events=("e",))

    async def scenario():
        room = None
        for viewer in (a, b, c, idle):
            room = await rooms.room_join(spec, 7, viewer)
        local_bus.publish("test:room:7", event("안녕"))
        await settle()
        for viewer in (a, b, c, idle):
            await rooms.room_leave(spec, 7, viewer)
        return room

    rooms.rooms_reset()
    asyncio.run(scenario())

    [(text_a, wire_a)] = a.deliveries
    assert a.deliveries == b.deliveries
    assert wire_a == websocket_text_frame(text_a)
    [frame] = a.frames()
    assert frame.headers["subscription"] == "s1"
    assert frame.headers["destination"] == "/topic/test.7.chat"
    assert frame.headers["message-id"] == "안녕"
    assert [f.headers["subscription"] for f in c.frames()] == ["x", "y"]
    assert idle.deliveries == []


def test_events_read_together_go_out_as_one_websocket_message_and_a_large_room_waits_a_window():
    """Two events published back to back reach a viewer in one delivery; with a coalescing window, events a
    moment apart do too, in order."""

    async def scenario(coalesce, gap: float) -> FakeViewer:
        local_bus = bus.LocalBus()
        spec = make_spec(local_bus, coalesce=coalesce)
        viewer = FakeViewer("u:1", chat=("s",))
        await rooms.room_join(spec, 1, viewer)
        local_bus.publish("test:room:1", event("one"))
        if gap:
            await asyncio.sleep(gap)
        local_bus.publish("test:room:1", event("two"))
        await settle(0.3)
        await rooms.room_leave(spec, 1, viewer)
        return viewer

    rooms.rooms_reset()
    together = asyncio.run(scenario((0.0, 0), 0))
    rooms.rooms_reset()
    apart = asyncio.run(scenario((0.0, 0), 0.05))
    rooms.rooms_reset()
    window = asyncio.run(scenario((0.2, 1), 0.05))

    assert len(together.deliveries) == 1
    assert [f.headers["message-id"] for f in together.frames()] == ["one", "two"]
    assert len(apart.deliveries) == 2
    assert len(window.deliveries) == 1
    assert [f.headers["message-id"] for f in window.frames()] == ["one", "two"]


def test_a_replayable_event_is_delivered_once():
    """An event with a ``seq`` already fanned out (a catch-up racing the subscription) is skipped."""
    local_bus = bus.LocalBus()
    spec = make_spec(local_bus)
    viewer = FakeViewer("u:1", chat=("s",))

    async def scenario():
        await rooms.room_join(spec, 2, viewer)
        for text, seq in (("a", 1), ("b", 2), ("a", 1), ("c", None), ("c", None)):
            local_bus.publish("test:room:2", event(text, seq=seq))
        await settle()
        await rooms.room_leave(spec, 2, viewer)

    rooms.rooms_reset()
    asyncio.run(scenario())

    assert [f.headers["message-id"] for f in viewer.frames()] == ["a", "b", "c", "c"]


class BreakingBus(bus.LocalBus):
    """The in-process bus whose first subscription breaks after its first event, as Redis restarting does."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = 0

    def subscription(self, channel: str):
        self.opened += 1
        subscription = super().subscription(channel)
        if self.opened == 1:
            events = subscription.events

            async def breaking():
                async for item in events():
                    yield item
                    raise ConnectionError("gone")

            subscription.events = breaking
        return subscription


def test_a_broken_subscription_is_made_again_and_catches_up_what_it_missed(monkeypatch):
    """After a break the room subscribes again and fans out the catch-up's events it has not delivered."""
    monkeypatch.setattr(rooms, "RESUBSCRIBE_FIRST_SECONDS", 0.01)
    breaking_bus = BreakingBus()
    asked: list[tuple[int, float, int]] = []

    async def catch_up(room_id: int, *, since: float, after_seq: int) -> list[dict]:
        asked.append((room_id, since, after_seq))
        return [event("first", seq=1), event("missed", seq=2)]

    spec = make_spec(breaking_bus, catch_up=catch_up)
    viewer = FakeViewer("u:1", chat=("s",))

    async def scenario():
        await rooms.room_join(spec, 3, viewer)
        breaking_bus.publish("test:room:3", event("first", seq=1))
        await settle(0.2)
        breaking_bus.publish("test:room:3", event("after", seq=3))
        await settle()
        await rooms.room_leave(spec, 3, viewer)

    rooms.rooms_reset()
    asyncio.run(scenario())

    assert breaking_bus.opened == 2
    assert [(room_id, after_seq) for room_id, _since, after_seq in asked] == [(3, 1)]
    assert [f.headers["message-id"] for f in viewer.frames()] == ["first", "missed", "after"]


def test_a_publish_from_another_thread_reaches_the_room():
    """Services publish from worker threads; the in-process bus hands the event to the room's loop."""
    local_bus = bus.LocalBus()
    spec = make_spec(local_bus)
    viewer = FakeViewer("u:1", chat=("s",))

    async def scenario():
        await rooms.room_join(spec, 4, viewer)
        thread = threading.Thread(target=local_bus.publish, args=("test:room:4", event("from a thread")))
        thread.start()
        await asyncio.to_thread(thread.join)
        await settle()
        await rooms.room_leave(spec, 4, viewer)

    rooms.rooms_reset()
    asyncio.run(scenario())

    assert [f.headers["message-id"] for f in viewer.frames()] == ["from a thread"]


def test_the_tick_counts_each_member_once_and_sums_tallies_and_the_last_viewer_out_stops_the_room():
    """Two connections of one member are one viewer; tallies accumulate; the room stops with its last viewer
    and its bus subscription goes with it."""
    local_bus = bus.LocalBus()
    spec = make_spec(local_bus)
    tabs = [FakeViewer("u:1"), FakeViewer("u:1")]
    other = FakeViewer("a:xyz")

    async def scenario() -> rooms.Room:
        for viewer in (*tabs, other):
            room = await rooms.room_join(spec, 5, viewer)
        room.count("likes", 3)
        await room.tick()
        room.count("likes")
        await room.tick()
        for viewer in (*tabs, other):
            await rooms.room_leave(spec, 5, viewer)
        return room

    rooms.rooms_reset()
    room = asyncio.run(scenario())

    assert [(p.viewers, p.totals["likes"], p.added.get("likes", 0)) for p in room.ticker.seen[-2:]] == [
        (2, 3, 3),
        (2, 4, 1),
    ]
    assert room.audience == 2
    assert local_bus._subscribers == {}
    assert rooms._rooms == {}


class LeavesRecorded(LocalPresence):
    left: list[str] = []

    async def leave(self, room_id: int, member: str) -> None:
        self.left.append(member)


def test_a_member_stays_present_until_the_last_of_its_connections_leaves():
    """Closing one of two tabs keeps the member in the shared presence; closing the other takes it out."""
    spec = dataclasses.replace(make_spec(bus.LocalBus()), presence=LeavesRecorded)
    tabs = [FakeViewer("u:1"), FakeViewer("u:1")]
    stays = FakeViewer("a:xyz")

    async def scenario() -> list[list[str]]:
        for viewer in (*tabs, stays):
            room = await rooms.room_join(spec, 6, viewer)
        LeavesRecorded.left = []
        seen = []
        for viewer in (tabs[0], tabs[1], stays):
            await rooms.room_leave(spec, 6, viewer)
            seen.append(list(room.presence.left))
        return seen

    rooms.rooms_reset()
    assert asyncio.run(scenario()) == [[], ["u:1"], ["u:1", "a:xyz"]]


def test_an_event_addressed_to_one_presence_key_reaches_only_that_persons_connections():
    """Both tabs of u:1 get it on their own subscription ids; u:2 and a tab of u:1 that left get nothing."""
    local_bus = bus.LocalBus()
    spec = make_spec(local_bus)
    tab, other_tab, gone = (
        FakeViewer("u:1", events=("e1",)),
        FakeViewer("u:1", events=("e9",)),
        FakeViewer("u:1", events=("e1",)),
    )
    neighbour = FakeViewer("u:2", events=("e1",))

    async def scenario():
        for viewer in (tab, other_tab, gone, neighbour):
            await rooms.room_join(spec, 7, viewer)
        await rooms.room_leave(spec, 7, gone)
        local_bus.publish("test:room:7", {**event("나만", topic="events"), "to": "u:1"})
        await settle()
        for viewer in (tab, other_tab, neighbour):
            await rooms.room_leave(spec, 7, viewer)

    rooms.rooms_reset()
    asyncio.run(scenario())

    assert [f.headers["subscription"] for f in tab.frames()] == ["e1"]
    assert [f.headers["subscription"] for f in other_tab.frames()] == ["e9"]
    assert tab.frames()[0].headers["destination"] == "/topic/test.7.events"
    assert neighbour.deliveries == []
    assert gone.deliveries == []


def test_a_kept_message_whose_publish_failed_is_swept_in_once_and_nothing_else_is_repeated():
    """A message committed after the room opened whose PUBLISH never happened reaches the viewers at the next
    sweep; what they already got live is not sent again, nor what was committed before the room opened."""
    local_bus = bus.LocalBus()
    viewer = FakeViewer("u:1", chat=("s",))
    committed: list[tuple[float, dict]] = []

    async def recent(room_id: int, *, since: float) -> list[dict]:
        return [found for at, found in committed if at >= since]

    spec = make_spec(local_bus, recent=recent)

    async def scenario():
        committed.append((time.time() - 1, event("before the room", seq=1)))
        room = await rooms.room_join(spec, 4, viewer)
        committed.append((time.time(), event("live", seq=2)))
        local_bus.publish("test:room:4", event("live", seq=2))
        committed.append((time.time(), event("publish failed", seq=3)))
        await settle()
        first = await room.sweep()
        again = await room.sweep()
        await settle()
        await rooms.room_leave(spec, 4, viewer)
        return first, again

    rooms.rooms_reset()
    first, again = asyncio.run(scenario())

    assert (first, again) == (1, 0)
    assert [frame.headers["message-id"] for frame in viewer.frames()] == ["live", "publish failed"]
