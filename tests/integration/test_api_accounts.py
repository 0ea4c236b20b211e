"""Accounts over the API: login and logout, the login cookie, throttling, CSRF, profiles."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.services import accounts
from server.services.accounts import FREE_ATTEMPTS, FREE_ATTEMPTS_PER_IP
from tests.integration.api_helpers import row_counts, snapshot
from tests.support.client import DEMO_PASSWORD, Api
from tests.support.world import FakeClock, World

LOGIN = "/api/v1/auth/login"


def set_cookies(response: Any) -> dict[str, str]:
    """The Set-Cookie headers of a response, by cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.getall("Set-Cookie", [])}


async def raw_login(api: Api, email: str, password: str) -> Any:
    if not api.csrf:
        await api.refresh_csrf()
    return await api.client.post(
        LOGIN, json={"email": email, "password": password}, headers={"X-CSRF-Token": api.csrf}
    )


# --- login and logout -----------------------------------------------------------------------------


async def test_login_sets_an_httponly_samesite_cookie_and_a_new_csrf_token(
    world: World, make_api: Any
) -> None:
    api = await make_api()
    anonymous_token = await api.refresh_csrf()
    response = await raw_login(api, world.student.email, DEMO_PASSWORD)
    assert response.status == 200
    body = await response.json()
    assert body["user"] == {
        "id": world.student.user_id,
        "email": world.student.email,
        "role": "visitor",
        "full_name": world.student.full_name,
        "time_zone": None,  # not chosen: pages use the browser's zone
    }
    assert body["csrf_token"] != anonymous_token
    cookie = set_cookies(response)["rounds_login"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in cookie.lower()
    assert "path=/" in cookie.lower()
    assert "secure" not in attributes  # tests run on plain HTTP; ROUNDS_SECURE_COOKIES turns it on
    api.csrf = body["csrf_token"]
    state = await api.get("/auth/session")
    assert state["user"]["email"] == world.student.email
    assert state["csrf_token"] == body["csrf_token"]
    assert (await api.get("/me"))["visitor"]["training_status"] == "student"


async def test_behind_https_the_cookies_are_secure(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    app = create_app(replace(settings, secure_cookies=True), clock=clock, maintenance=False)
    async with TestClient(TestServer(app)) as client:
        session = await client.get("/api/v1/auth/session")
        anonymous = set_cookies(session)["rounds_anon"]
        # The test client speaks plain HTTP, so it keeps Secure cookies to itself: send it by hand.
        cookie_header = anonymous.split(";", 1)[0].split(": ", 1)[-1]
        response = await client.post(
            LOGIN,
            json={"email": world.student.email, "password": DEMO_PASSWORD},
            headers={"X-CSRF-Token": (await session.json())["csrf_token"], "Cookie": cookie_header},
        )
        assert response.status == 200, await response.text()
        for cookie in (anonymous, set_cookies(response)["rounds_login"]):
            attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
            assert {"secure", "httponly"} <= attributes, cookie


async def test_email_is_matched_without_regard_to_case_or_spaces(world: World, make_api: Any) -> None:
    api = await make_api()
    response = await raw_login(api, "  Student@EXAMPLE.org ", DEMO_PASSWORD)
    assert response.status == 200, await response.text()


async def test_wrong_password_and_unknown_email_are_the_same_401(world: World, make_api: Any) -> None:
    api = await make_api()
    wrong = await raw_login(api, world.student.email, "not-the-password")
    unknown = await raw_login(api, "nobody@example.org", DEMO_PASSWORD)
    for response in (wrong, unknown):
        assert response.status == 401
        assert "rounds_login" not in set_cookies(response)
    assert (await wrong.json()) == (await unknown.json())
    assert (await wrong.json())["error"]["code"] == "unauthorized"
    assert (await api.get("/auth/session"))["user"] is None
    await api.get("/me", expect=401)


async def test_logout_revokes_the_login_on_the_server(world: World, make_api: Any) -> None:
    api = await make_api(world.coordinator.email)
    token = api.client.session.cookie_jar.filter_cookies(api.client.make_url("/"))["rounds_login"].value
    response = await api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": api.csrf})
    assert response.status == 204
    assert "max-age=0" in set_cookies(response)["rounds_login"].lower()
    await api.get("/me", expect=401)
    # Someone who kept a copy of the cookie gets nothing from it either.
    replay = await make_api()
    response = await replay.client.get("/api/v1/me", headers={"Cookie": f"rounds_login={token}"})
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_a_login_ends_after_its_lifetime(world: World, make_api: Any, clock: FakeClock) -> None:
    api = await make_api(world.student.email)
    clock.advance(days=13)
    await api.get("/me")
    clock.advance(days=1, seconds=1)
    await api.get("/me", expect=401)


async def test_two_browsers_have_two_logins(world: World, make_api: Any) -> None:
    laptop = await make_api(world.student.email)
    phone = await make_api(world.student.email)
    await laptop.post("/auth/logout", expect=204)
    await laptop.get("/me", expect=401)
    await phone.get("/me")


# --- throttling -----------------------------------------------------------------------------------


async def test_repeated_failures_are_slowed_down_until_the_wait_passes(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    api = await make_api()
    for _ in range(FREE_ATTEMPTS):
        assert (await raw_login(api, world.student.email, "wrong-password!")).status == 401
    # Even the right password must wait now: the wait is per account, not per guess.
    throttled = await raw_login(api, world.student.email, DEMO_PASSWORD)
    assert throttled.status == 429
    assert throttled.headers["Retry-After"] == "1"
    body = await throttled.json()
    assert body["error"]["code"] == "too_many_requests"
    assert "1 seconds" in body["error"]["message"]
    clock.advance(seconds=1)
    assert (await raw_login(api, world.student.email, "wrong-again!")).status == 401
    # Each further failure doubles the wait.
    throttled = await raw_login(api, world.student.email, DEMO_PASSWORD)
    assert throttled.status == 429
    assert throttled.headers["Retry-After"] == "2"
    clock.advance(seconds=1)
    assert (await raw_login(api, world.student.email, DEMO_PASSWORD)).status == 429
    clock.advance(seconds=1)
    assert (await raw_login(api, world.student.email, DEMO_PASSWORD)).status == 200
    # A success clears the slate: the next mistake is a plain 401 again.
    other = await make_api()
    assert (await raw_login(other, world.student.email, "wrong-password!")).status == 401
    assert (await raw_login(other, world.student.email, DEMO_PASSWORD)).status == 200


async def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_one_after_another(
    world: World, make_api: Any
) -> None:
    browsers = [await make_api() for _ in range(2 * FREE_ATTEMPTS)]
    for browser in browsers:
        await browser.refresh_csrf()
    responses = await asyncio.gather(
        *(raw_login(browser, world.student.email, f"guess-number-{i}") for i, browser in enumerate(browsers))
    )
    statuses = sorted(response.status for response in responses)
    assert statuses == [401] * FREE_ATTEMPTS + [429] * FREE_ATTEMPTS


async def test_other_accounts_are_not_slowed_by_one_accounts_failures(world: World, make_api: Any) -> None:
    api = await make_api()
    for _ in range(FREE_ATTEMPTS + 1):
        await raw_login(api, world.student.email, "wrong-password!")
    assert (await raw_login(api, world.graduate.email, DEMO_PASSWORD)).status == 200


async def test_failures_older_than_the_window_are_forgotten(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    api = await make_api()
    for _ in range(FREE_ATTEMPTS + 3):
        clock.advance(minutes=1)
        await raw_login(api, world.student.email, "wrong-password!")
    assert (await raw_login(api, world.student.email, DEMO_PASSWORD)).status == 429
    clock.advance(minutes=15, seconds=1)
    assert (await raw_login(api, world.student.email, DEMO_PASSWORD)).status == 200


async def test_one_address_guessing_many_accounts_is_slowed_down(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    api = await make_api()
    for i in range(FREE_ATTEMPTS_PER_IP):
        response = await raw_login(api, f"guess{i}@example.org", "wrong-password!")
        assert response.status == 401
    throttled = await raw_login(api, world.coordinator.email, DEMO_PASSWORD)
    assert throttled.status == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    clock.advance(seconds=int(throttled.headers["Retry-After"]))
    assert (await raw_login(api, world.coordinator.email, DEMO_PASSWORD)).status == 200


# --- CSRF -----------------------------------------------------------------------------------------

UNSAFE = [
    ("POST", "/programs"),
    ("PUT", "/me/visitor-profile"),
    ("PATCH", "/me/visitor-profile"),
    ("DELETE", "/applications/1"),
    ("POST", "/auth/logout"),
]


async def test_every_unsafe_method_needs_the_csrf_token(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    api = await make_api(world.student.email)
    before = await row_counts(uows)
    for method, path in UNSAFE:
        for headers in (
            {},
            {"X-CSRF-Token": ""},
            {"X-CSRF-Token": "0" * 64},
            {"X-CSRF-Token": api.csrf[:-1]},
        ):
            response = await api.client.request(method, "/api/v1" + path, json={}, headers=headers)
            body = await response.json()
            assert response.status == 403, (method, path, headers, body)
            assert body["error"]["code"] == "forbidden"
            assert "CSRF" in body["error"]["message"]
    assert await row_counts(uows) == before
    await api.get("/me")  # the POST /auth/logout above did not log out
    # With the token the same requests reach their handlers.
    assert (await api.call("PATCH", "/me/visitor-profile", json={}))[0] == 405
    assert (await api.call("PUT", "/me/visitor-profile", json={}))[0] == 200


async def test_a_token_from_another_login_is_refused(world: World, make_api: Any) -> None:
    student = await make_api(world.student.email)
    graduate = await make_api(world.graduate.email)
    status, _ = await student.call(
        "PUT", "/me/visitor-profile", json={"school": "X"}, headers={"X-CSRF-Token": graduate.csrf}
    )
    assert status == 403
    # The token changes at login: the one from before the login is stale afterwards.
    api = await make_api()
    before = await api.refresh_csrf()
    await api.login(world.student.email)
    status, _ = await api.call("PUT", "/me/visitor-profile", json={}, headers={"X-CSRF-Token": before})
    assert status == 403
    # And another login of the same person has another token.
    again = await make_api(world.student.email)
    assert again.csrf != student.csrf
    status, _ = await student.call(
        "PUT", "/me/visitor-profile", json={}, headers={"X-CSRF-Token": again.csrf}
    )
    assert status == 403


async def test_a_cross_origin_request_is_refused_even_with_the_token(world: World, make_api: Any) -> None:
    api = await make_api(world.student.email)
    own_origin = str(api.client.make_url("/")).rstrip("/")
    for origin in ("https://evil.example", "null", own_origin.replace("127.0.0.1", "localhost")):
        status, body = await api.call(
            "PUT", "/me/visitor-profile", json={"school": "Evil"}, headers={"Origin": origin}
        )
        assert status == 403, origin
    status, body = await api.call(
        "PUT", "/me/visitor-profile", json={"school": "Home"}, headers={"Origin": own_origin}
    )
    assert status == 200
    assert body["visitor"]["school"] == "Home"


async def test_an_anonymous_browser_needs_a_token_to_log_in(world: World, make_api: Any) -> None:
    api = await make_api()
    response = await api.client.post(LOGIN, json={"email": world.student.email, "password": DEMO_PASSWORD})
    assert response.status == 403
    assert "rounds_login" not in set_cookies(response)


# --- profiles -------------------------------------------------------------------------------------


async def test_each_role_reads_its_own_profile(world: World, make_api: Any) -> None:
    student = await (await make_api(world.student.email)).get("/me")
    assert student["user"]["role"] == "visitor"
    assert student["visitor"]["training_status"] == "student"
    assert student["preceptor"] is None
    preceptor = await (await make_api(world.preceptor.email)).get("/me")
    assert preceptor["user"]["role"] == "preceptor"
    assert preceptor["visitor"] is None
    assert set(preceptor["preceptor"]) >= {"specialty", "institution", "title", "npi", "contact_email"}
    coordinator = await (await make_api(world.coordinator.email)).get("/me")
    assert coordinator["user"]["role"] == "coordinator"
    assert coordinator["visitor"] is None and coordinator["preceptor"] is None
    await (await make_api()).get("/me", expect=401)


async def test_visitor_profile_update_keeps_fields_left_out_and_changes_eligibility(
    world: World, make_api: Any
) -> None:
    api = await make_api(world.student.email)
    out = await api.put(
        "/me/visitor-profile",
        {"school": "  Universidad Central  ", "country": "Ecuador", "graduation_year": 2027},
    )
    assert out["visitor"] == {
        "training_status": "student",
        "profession": "medicine",
        "school": "Universidad Central",
        "country": "Ecuador",
        "graduation_year": 2027,
        "step1_status": "not_taken",
    }
    program = await api.get(f"/programs/{world.step1_program_id}")
    assert program["eligibility"]["eligible"] is False
    await api.put("/me/visitor-profile", {"training_status": "graduate", "step1_status": "passed"})
    program = await api.get(f"/programs/{world.step1_program_id}")
    assert program["eligibility"] == {"eligible": True, "reasons": []}
    # null clears a field
    out = await api.put("/me/visitor-profile", {"school": None})
    assert out["visitor"]["school"] is None
    assert out["visitor"]["country"] == "Ecuador"


async def test_preceptor_profile_holds_the_letterhead_details(world: World, make_api: Any) -> None:
    api = await make_api(world.preceptor.email)
    details = {
        "specialty": "Family Medicine",
        "institution": "Lakeside Community Clinic",
        "title": "Associate Professor",
        "npi": "1234567893",
        "phone": "+1 555 0100",
        "address": "1 Clinic Way, Springfield, IL",
        "contact_email": "letters@lakeside.example.org",
    }
    out = await api.put("/me/preceptor-profile", details)
    assert out["preceptor"] == details
    assert (await api.get("/me"))["preceptor"] == details


async def test_profile_input_is_checked_and_nothing_changes_when_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    before = await snapshot(uows)
    for api, path, body, field in [
        (visitor, "/me/visitor-profile", {"graduation_year": 1800}, "graduation_year"),
        (visitor, "/me/visitor-profile", {"graduation_year": "soon"}, "graduation_year"),
        (visitor, "/me/visitor-profile", {"training_status": "resident"}, "training_status"),
        (visitor, "/me/visitor-profile", {"step1_status": "PASSED"}, "step1_status"),
        (visitor, "/me/visitor-profile", {"school": "x" * 201}, "school"),
        (visitor, "/me/visitor-profile", {"profession": "p" * 150}, "profession"),
        (visitor, "/me/visitor-profile", {"country": "c" * 120}, "country"),
        (visitor, "/me/visitor-profile", {"favourite_colour": "blue"}, "favourite_colour"),
        (preceptor, "/me/preceptor-profile", {"npi": "12345"}, "npi"),
        (preceptor, "/me/preceptor-profile", {"contact_email": "not an email"}, "contact_email"),
        (preceptor, "/me/preceptor-profile", {"specialty": "s" * 150}, "specialty"),
        (preceptor, "/me/preceptor-profile", {"title": "t" * 150}, "title"),
    ]:
        status, out = await api.call("PUT", path, json=body)
        assert status == 422, (body, status, out)
        assert out["error"]["field"] == field, (body, out)
    assert await snapshot(uows) == before


async def test_a_profile_is_only_changed_by_its_role(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    coordinator = await make_api(world.coordinator.email)
    await visitor.put("/me/preceptor-profile", {"specialty": "X"}, expect=403)
    await preceptor.put("/me/visitor-profile", {"school": "X"}, expect=403)
    await coordinator.put("/me/visitor-profile", {"school": "X"}, expect=403)
    await coordinator.put("/me/preceptor-profile", {"specialty": "X"}, expect=403)
    anonymous = await make_api()
    await anonymous.put("/me/visitor-profile", {"school": "X"}, expect=401)


class GatedHasher:
    """A password hasher whose verification waits until the test, running on the event loop, opens
    the gate: if verification ran on the loop's own thread, the loop could never open it."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.entered = threading.Event()
        self.gate = threading.Event()

    def verify(self, stored: str, password: str) -> bool:
        self.entered.set()
        if not self.gate.wait(timeout=10):
            raise AssertionError("the event loop never ran while the password was being checked")
        result: bool = self.real.verify(stored, password)
        return result

    def check_needs_rehash(self, stored: str) -> bool:
        needs: bool = self.real.check_needs_rehash(stored)
        return needs

    def hash(self, password: str) -> str:
        hashed: str = self.real.hash(password)
        return hashed


async def test_checking_a_password_blocks_neither_the_server_nor_the_database(
    world: World, make_api: Any, uows: UnitOfWorkFactory, monkeypatch: Any
) -> None:
    """Regression: argon2 (about 0.15 s of CPU by design) ran on the event loop inside the login's
    transaction, so every login stalled the whole server, live sessions included, and held a database
    connection (on SQLite, the write lock); under 200 concurrent logins the pool ran dry (503s)."""
    gated = GatedHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", gated)
    api = await make_api(None)
    login = asyncio.create_task(
        api.post("/auth/login", {"email": world.student.email, "password": DEMO_PASSWORD}, expect=200)
    )
    assert await asyncio.to_thread(gated.entered.wait, 10)  # the password check has begun
    # While the password is being checked, the server answers others and the database takes a write.
    other = await make_api(None)
    assert (await other.get("/auth/session"))["csrf_token"]
    async with uows() as uow:
        user = await uow.users.get(world.coordinator.user_id)
        assert user is not None
        await uow.users.update(replace(user, full_name="Written during a login"))
        await uow.commit()
    gated.gate.set()
    answer = await login
    assert answer["user"]["email"] == world.student.email
