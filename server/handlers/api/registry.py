"""The one registry every API handler module adds its operations to."""

from server.web.api import ApiRegistry

API = ApiRegistry()
