"""HTML pages, one module per feature; :mod:`.site` holds the shared template context, home, login
and logout and adds every module's routes; :mod:`.forms` is the form plumbing every form handler uses."""
