"""The Redis keys and channels Rounds uses, all under one prefix so a shared Redis stays tidy."""

from __future__ import annotations

PREFIX = "rounds"
#: A set of every node id that has ever beaten (stale ids are pruned by readers).
NODES = f"{PREFIX}:nodes"


def node(node_id: str) -> str:
    """A node's heartbeat: a JSON value with an expiry, refreshed while the node lives."""
    return f"{PREFIX}:node:{node_id}"


def room(room_id: str) -> str:
    """Which node hosts a live room (its id as the value)."""
    return f"{PREFIX}:room:{room_id}"


def inbox(node_id: str) -> str:
    """The pub/sub channel a node listens on for relayed signaling."""
    return f"{PREFIX}:inbox:{node_id}"


def room_state(room_id: str) -> str:
    """A live room's snapshot (participants' places, permissions, consent) for the node that takes
    it over if its node dies."""
    return f"{PREFIX}:room:{room_id}:state"


#: A hash: room id -> when its node last saw it alive (ISO time), refreshed with each heartbeat.
ROOMS_SEEN = f"{PREFIX}:rooms:seen"

#: A token that lives as long as Redis keeps its data: a node that finds a different one (or none)
#: knows every placement and snapshot was lost (see :mod:`server.cluster.epoch`).
EPOCH = f"{PREFIX}:epoch"
