"""API: each role's dashboard in one call, the same data the dashboard pages show."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.dashboards import (
    CoordinatorDashboardOut,
    CurrentVisitorOut,
    PreceptorDashboardOut,
    ReviewQueueOut,
    VisitorDashboardOut,
)
from server.services import dashboards
from server.web.api import ApiCall
from server.web.keys import UOW


@API.route(
    "GET",
    "/dashboards/visitor",
    summary="Visitor dashboard: profile, applications, documents, what the programs require",
    tag="dashboards",
    response=VisitorDashboardOut,
)
async def get_visitor_dashboard(call: ApiCall) -> VisitorDashboardOut:
    return await dashboards.visitor_dashboard(call.request.app[UOW], call.actor)


@API.route(
    "GET",
    "/dashboards/preceptor",
    summary="Preceptor dashboard: profile, current visitors, programs taught",
    tag="dashboards",
    response=PreceptorDashboardOut,
)
async def get_preceptor_dashboard(call: ApiCall) -> PreceptorDashboardOut:
    return await dashboards.preceptor_dashboard(call.request.app[UOW], call.actor)


@API.route(
    "GET",
    "/dashboards/coordinator",
    summary="Coordinator dashboard: review queue, programs, preceptors to assign",
    tag="dashboards",
    response=CoordinatorDashboardOut,
)
async def get_coordinator_dashboard(call: ApiCall) -> CoordinatorDashboardOut:
    return await dashboards.coordinator_dashboard(call.request.app[UOW], call.actor)


@API.route(
    "GET",
    "/review-queue",
    summary="Coordinator's queue: applications, documents to verify, capacity per block",
    tag="dashboards",
    response=ReviewQueueOut,
)
async def get_review_queue(call: ApiCall) -> ReviewQueueOut:
    return await dashboards.review_queue(call.request.app[UOW], call.actor)


@API.route(
    "GET",
    "/my-visitors",
    summary="Preceptor's current visitors",
    tag="dashboards",
    response=list[CurrentVisitorOut],
)
async def get_my_visitors(call: ApiCall) -> list[CurrentVisitorOut]:
    return await dashboards.current_visitors(call.request.app[UOW](), call.actor)
