"""The JSON API's request and response types, one module per feature (the same feature names as
``server/handlers/api/`` and ``server/services/``); shared bases and bounded types in :mod:`.base`."""
