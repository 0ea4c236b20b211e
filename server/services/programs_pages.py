"""What the program pages show: the catalog (``/programs``) with the choices of its filter, read in one
unit of work. Who sees which program and whether a visitor is eligible stay in
:mod:`server.services.programs`."""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.schemas.programs import ProgramOut, ProgramQuery
from server.services import programs


@dataclass(frozen=True, slots=True)
class Catalog:
    """The programs the filter found, and every specialty the filter offers."""

    programs: list[ProgramOut]
    specialties: list[str]


async def catalog(uows: UnitOfWorkFactory, actor: Actor | None, query: ProgramQuery) -> Catalog:
    """The published programs matching ``query`` (as :func:`programs.list_programs` finds them) and
    the specialties to filter by."""
    async with uows() as uow:
        found = await programs.find_programs(uow, actor, query)
        return Catalog(programs=found, specialties=await uow.programs.specialties())


async def specialties(uows: UnitOfWorkFactory) -> list[str]:
    """Every specialty the catalog's filter offers (for the page shown again after a bad filter)."""
    async with uows() as uow:
        return await uow.programs.specialties()
