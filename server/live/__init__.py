"""The bridge between the web server and the live-session engine in ``sessions/``: the WebSocket
channel, and the observer that writes attendance, consent and the end of a visit to the database."""
