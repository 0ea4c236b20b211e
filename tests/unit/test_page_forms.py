"""The page forms' one refusal path (server.handlers.pages.forms.try_form): what is shown again, with
which error, and what goes on to the error page."""

from __future__ import annotations

import pytest
from aiohttp import web
from pydantic import BaseModel

from server.domain.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized
from server.handlers.pages.forms import try_form


class Week(BaseModel):
    week: int


async def _shown(exc: DomainError) -> web.StreamResponse:
    return web.Response(text=f"{type(exc).__name__}:{exc.field}:{exc.message}", status=exc.status)


async def test_a_refusal_shows_the_form_again_with_its_status() -> None:
    async def attempt() -> web.StreamResponse:
        raise Conflict("Already done.")

    response = await try_form(attempt, _shown)

    assert isinstance(response, web.Response)
    assert (response.status, response.text) == (409, "Conflict:None:Already done.")


async def test_a_pydantic_error_is_shown_as_an_invalid_naming_the_field() -> None:
    async def attempt() -> web.StreamResponse:
        Week.model_validate({"week": "soon"})
        return web.Response(text="accepted")

    response = await try_form(attempt, _shown)

    assert isinstance(response, web.Response)
    assert response.status == 422
    assert response.text is not None and response.text.startswith("Invalid:week:'week':")


@pytest.mark.parametrize("error", [Unauthorized("Log in."), Forbidden("Not yours."), NotFound("Gone.")])
async def test_login_role_and_existence_refusals_go_to_the_error_page(error: DomainError) -> None:
    async def attempt() -> web.StreamResponse:
        raise error

    with pytest.raises(type(error)):
        await try_form(attempt, _shown)


async def test_a_form_may_show_more_refusals_itself() -> None:
    async def attempt() -> web.StreamResponse:
        raise NotFound("No such block.")

    response = await try_form(attempt, _shown, passes=(Unauthorized,))

    assert response.status == 404


async def test_the_redirect_of_an_accepted_form_is_not_a_refusal() -> None:
    async def attempt() -> web.StreamResponse:
        raise web.HTTPSeeOther("/done")

    with pytest.raises(web.HTTPSeeOther):
        await try_form(attempt, _shown)


async def test_an_accepted_form_answers_with_the_attempt() -> None:
    async def attempt() -> web.StreamResponse:
        return web.Response(text="accepted")

    response = await try_form(attempt, _shown)

    assert isinstance(response, web.Response) and response.text == "accepted"
