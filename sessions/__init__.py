"""The live-session engine (rooms, participants, permissions, media forwarding, signaling).

It knows nothing of HTTP or the database: ``server/`` bridges browsers into it. Built by the
live-sessions issue; the foundation only reserves its place in the layout.
"""
