"""Each Celery worker process gets its own PostgreSQL connections (issue 15).

docassemble's worker opens database connections in Celery's parent process, at start-up
(`docassemble.webapp.worker` runs `startup.initialize`), and Celery's prefork pool then forks
its children: measured with `ss -tnp`, the parent and both children held the very same two
sockets to PostgreSQL. Two processes talking on one socket garble the protocol: the Celery log
showed « error with status PGRES_TUPLES_OK and no message from the libpq », « lost
synchronization with server » and ResourceClosedError in docassemble's own tasks and in the
bundle's background action, and with 8 clients at once 2 bundles never came back.

The fix is SQLAlchemy's documented one for pools inherited over fork: in each child, right after
the fork, `engine.dispose(close=False)` drops the inherited connections from the child's pool
without closing them (they are the parent's), so the child opens its own on first use.
docassemble's worker imports this module through the `celery modules` directive
(scripts/server.sh). The same hook plugs in the uploads' examinations shared with the web
workers in Redis (conversion_serveur.partager_les_examens).
"""

from __future__ import annotations

import os

from celery.signals import worker_process_init

__all__ = ["connexions_propres_au_processus", "moteurs_de_docassemble"]


def moteurs_de_docassemble() -> list:
    """The SQLAlchemy engines docassemble has created in this process: Flask-SQLAlchemy's, and
    the one behind `docassemble.webapp.db`'s session factory once it is built."""
    from docassemble.webapp import db as sessions_hors_flask  # noqa: PLC0415
    from docassemble.webapp.extensions import db  # noqa: PLC0415
    from docassemble.webapp.flask_app import flaskapp  # noqa: PLC0415
    with flaskapp.app_context():
        moteurs = list(db.engines.values())
    fabrique = getattr(sessions_hors_flask, "_SessionLocal", None)
    if fabrique is not None and fabrique.kw.get("bind") is not None:
        moteurs.append(fabrique.kw["bind"])
    return moteurs


@worker_process_init.connect
def connexions_propres_au_processus(**_arguments) -> None:
    """Run by Celery in each child process, just after the fork; says so in the Celery log."""
    heritees = 0
    for moteur in moteurs_de_docassemble():
        heritees += moteur.pool.checkedin()
        moteur.dispose(close=False)
    print(f"rdvrefere: Celery process {os.getpid()} left its parent's {heritees} database "
          "connection(s) alone and opens its own", flush=True)
    # and shares the uploads' examinations with the web workers, in Redis (issue 15)
    from .conversion_serveur import partager_les_examens  # noqa: PLC0415
    partager_les_examens()
