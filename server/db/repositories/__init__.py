"""Repositories: the queries the services need, one module per feature and one class per aggregate,
reached through the unit of work (:mod:`server.db.uow`)."""
