"""Several Rounds processes ("nodes") sharing PostgreSQL and Redis.

Redis holds what the nodes must share and nothing else: each node's heartbeat (a key that expires),
which node hosts each live room (:mod:`placement`), and one inbox channel per node through which a
participant's signaling reaches the room's node when their WebSocket arrived at another (:mod:`relay`).
Records stay in PostgreSQL. Without ``ROUNDS_REDIS_URL`` none of this runs: the embedded default hosts
every room in its one process (:class:`server.cluster.node.SoloNode`).
"""
