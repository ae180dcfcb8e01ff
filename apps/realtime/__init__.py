"""Realtime rooms over WebSocket, knowing nothing of what a room is about. It imports no TriMarket module.

- ``stomp``: the STOMP 1.2 codec (frames, escaping, heart-beats, a buffered parser); no I/O.
- ``connection``: ``StompConnection``, a Channels consumer speaking STOMP 1.2 to one client of one room
  (heart-beats, receipts, refusals that keep the connection open, backpressure and close codes, direct socket
  writes under uvicorn's websockets-sansio, the ASGI send elsewhere). A domain subclasses it.
- ``rooms``: ``RoomSpec`` (a kind of room, declared and ``register``-ed by the domain: topics, destinations,
  bus channel, catch-up, ticker) and ``Room``, a process's part of one room (fan-out, coalescing, presence
  and tallies, the ticker and the pulse).
- ``bus``: the one fan-out path between processes: ``bus_get(url).publish(channel, event)``, Redis pub/sub or,
  without Redis, in-process; rooms subscribe on the same bus.
- ``presence``: viewers and tallies shared by every process (a Redis sorted set and counters) or local.
- ``websocket``: WebSocket frames for direct writes, and which ASGI server's socket may take them.
"""
