"""Browser client: jinja2 templates and plain static files (no build step)."""
