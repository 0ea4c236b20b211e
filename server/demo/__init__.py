"""The demo: accounts, programs and a finished rotation, written through the services (``rounds demo``).

``load`` creates the demo's people and programs, ``history`` plays the finished rotation whose story
(people, dates, texts) is ``story``, and ``under_way`` the first two weeks of the rotation in progress.
The names the CLI and the tests use are exported here.
"""

from server.demo.load import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo, print_logins, refresh_demo_huddle

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "load_demo", "print_logins", "refresh_demo_huddle"]
