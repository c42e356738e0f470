"""WSGI entry point of a docassemble server running this package: docassemble's own
application (``docassemble.webapp.run:application``) behind two guards.

``/storedfile/<session key>/<number>/<name>.<ext>`` and ``/storedfiledownload/...`` serve a
session's file to anyone who knows the session key, signed in or not: docassemble only checks
that the file belongs to the session named in the address (``do_serve_stored_file``).  This
package never links to them (docassemble itself only does in SMS replies), so the guard
answers 404 to every path starting with ``/storedfile``, before docassemble sees the request.
It is the rule an operator puts in the reverse proxy, where it belongs in production::

    location ^~ /storedfile { return 404; }

The second guard (``garde_des_sessions``, a Flask ``before_request``) keeps a signed-in user
out of another user's session of the client interview named in the address.

Served by ``scripts/server.sh`` as ``gunicorn docassemble.rdvrefere.wsgi:application``.
Importing this module imports docassemble's application, as gunicorn's worker does once at
boot with ``docassemble.webapp.run:application`` (so it needs the server's configuration,
``DA_CONFIG_FILE``); ``GardeFichiersStockes(app)`` wraps any other WSGI application.
"""

from __future__ import annotations

import re

__all__ = ["application", "GardeFichiersStockes", "chemin_interdit", "garde_des_sessions"]

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


INTERVIEW_CLIENT = "docassemble.rdvrefere:data/questions/rdvrefere.yml"


def titulaire_de_la_session(cle: str) -> int | None:
    """The docassemble user who started a session of the client interview (the first user who
    saved it), or None."""
    from sqlalchemy import text  # noqa: PLC0415
    from docassemble.webapp.extensions import db  # noqa: PLC0415
    ligne = db.session.execute(text(
        "select user_id from userdict where key = :cle and filename = :fichier and user_id is not null "
        "order by indexno limit 1"), {"cle": cle, "fichier": INTERVIEW_CLIENT}).first()
    return int(ligne[0]) if ligne else None


def garde_des_sessions():
    """Flask `before_request` of docassemble's application: a signed-in user who names another
    user's session of the client interview in the address (`?session=<key>`) is sent to a new
    session of their own before docassemble opens that session. docassemble would otherwise
    decrypt it whenever both accounts share a password (its key is the password's MD5) and
    record a link that opens the session's files to the visitor — even for a malformed POST
    that fails before the interview's own guard (garde_client.yml) can undo it."""
    from flask import redirect, request, url_for  # noqa: PLC0415
    from flask_login import current_user  # noqa: PLC0415
    cle = request.args.get("session")
    if not cle or request.args.get("i") != INTERVIEW_CLIENT or not current_user.is_authenticated:
        return None
    titulaire = titulaire_de_la_session(cle)
    if titulaire is None or titulaire == current_user.id:
        return None
    return redirect(url_for("interview.index", i=INTERVIEW_CLIENT, new_session=1, acces_refuse=1))


# The interviews people open, read when a web worker starts. docassemble reads an interview at
# its first request in each process, and its cache has no lock: each thread of a fresh worker
# read the client interview again at once, several seconds of CPU under load (issue 15).
ENTRETIENS_PRECHARGES = tuple(f"docassemble.rdvrefere:data/questions/{nom}" for nom in (
    "rdvrefere.yml", "staff.yml", "rdv_ordonnance.yml", "rdv_rappels.yml", "rdv_mes_dossiers.yml"))


def precharger_les_entretiens() -> list[str]:
    """Read the package's interviews into docassemble's cache of this process; returns those
    that could not be read (logged: the first request will then report the error as before)."""
    from docassemble.base.interview_cache import get_interview  # noqa: PLC0415
    from docassemble.base.logger import logmessage  # noqa: PLC0415
    from docassemble.base.thread_context import empty_globals, global_context  # noqa: PLC0415
    illisibles = []
    with global_context(empty_globals()):
        for chemin in ENTRETIENS_PRECHARGES:
            try:
                get_interview(chemin)
            except Exception as erreur:  # noqa: BLE001 (a broken interview must not stop the worker)
                illisibles.append(chemin)
                logmessage(f"rdvrefere: {chemin} not preloaded: {type(erreur).__name__}: {erreur}")
    return illisibles


def _docassemble():
    from docassemble.webapp.run import application as docassemble_app  # noqa: PLC0415
    docassemble_app.before_request(garde_des_sessions)
    precharger_les_entretiens()
    # the uploads' examinations shared with the other web worker and Celery, in Redis (issue 15)
    from .conversion_serveur import partager_les_examens  # noqa: PLC0415
    partager_les_examens()
    return docassemble_app


application = GardeFichiersStockes(_docassemble())
