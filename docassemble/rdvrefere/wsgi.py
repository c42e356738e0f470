"""WSGI entry point of a docassemble server running this package: docassemble's own
application (``docassemble.webapp.run:application``) behind one guard.

``/storedfile/<session key>/<number>/<name>.<ext>`` and ``/storedfiledownload/...`` serve a
session's file to anyone who knows the session key, signed in or not: docassemble only checks
that the file belongs to the session named in the address (``do_serve_stored_file``).  This
package never links to them (docassemble itself only does in SMS replies), so the guard
answers 404 to every path starting with ``/storedfile``, before docassemble sees the request.
It is the rule an operator puts in the reverse proxy, where it belongs in production::

    location ^~ /storedfile { return 404; }

Served by ``scripts/server.sh`` as ``gunicorn docassemble.rdvrefere.wsgi:application``.
Importing this module imports docassemble's application, as gunicorn's worker does once at
boot with ``docassemble.webapp.run:application`` (so it needs the server's configuration,
``DA_CONFIG_FILE``); ``GardeFichiersStockes(app)`` wraps any other WSGI application.
"""

from __future__ import annotations

import re

__all__ = ["application", "GardeFichiersStockes", "chemin_interdit"]

PREFIXE_INTERDIT = "/storedfile"
MESSAGE = "Fichier introuvable.".encode("utf-8")


def chemin_interdit(chemin: str) -> bool:
    """Whether the WSGI PATH_INFO (already percent-decoded by the server) starts with
    /storedfile, repeated slashes counting as one as in Werkzeug's routing and nginx."""
    return re.sub(r"/{2,}", "/", "/" + (chemin or "")).startswith(PREFIXE_INTERDIT)


class GardeFichiersStockes:
    """WSGI middleware: 404 for /storedfile*, everything else to the wrapped application."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if chemin_interdit(environ.get("PATH_INFO", "")):
            start_response("404 Not Found", [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(MESSAGE))),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ])
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else [MESSAGE]
        return self.app(environ, start_response)


def _docassemble():
    from docassemble.webapp.run import application as docassemble_app  # noqa: PLC0415
    return docassemble_app


application = GardeFichiersStockes(_docassemble())
