"""The register of dossiers transmis on a docassemble server (docassemble layer of registre.py).

- The register lives in the server's own PostgreSQL (the `db:` of docassemble's configuration),
  in the package's tables; the setting `rdvrefere registre:` (an SQLAlchemy URL) moves it
  elsewhere (the headless test harness uses SQLite). One engine (a connection pool) per
  process: nothing else is kept in memory, so several web servers and Celery workers share it.
- Files leave the register only through `ouvrir_contenu`: the bytes are copied into a private
  file of the *current* session (the client's own, or the staff member's), then served by
  docassemble to that session alone.
"""

from __future__ import annotations

import threading

from docassemble.base.functions import this_thread
from docassemble.base.util import DAFile, get_config, user_info, user_logged_in

from .registre import Registre
from .transmission import nom_de_fichier_sur

__all__ = ["registre", "session_courante", "proprietaire_de_la_session", "restriction_des_variables_active", "ouvrir_contenu", "fichier_prive"]

_verrou = threading.Lock()
_registres: dict[str, Registre] = {}


def _url() -> tuple[str, dict]:
    propre = get_config("rdvrefere registre")
    if propre:
        return str(propre), {}
    from docassemble.base.sql import alchemy_url, connect_args  # noqa: PLC0415 - server only
    return alchemy_url("db"), connect_args("db") or {}


def registre() -> Registre:
    """The server's register (created on first use in this process)."""
    url, arguments = _url()
    with _verrou:
        if url not in _registres:
            from sqlalchemy import create_engine  # noqa: PLC0415
            _registres[url] = Registre(create_engine(url, connect_args=arguments, pool_pre_ping=True))
        return _registres[url]


def session_courante() -> str:
    """The session key of the request being answered (never a value the browser sent as data)."""
    return str(this_thread.current_info.get("session") or "")


def proprietaire_de_la_session() -> tuple[int, str] | None:
    """(signed-in user id, current session key): the key under which what is kept outside an
    encrypted session is filed (reminders, the staff's follow-up); None when nobody is signed in."""
    if not user_logged_in() or not session_courante():
        return None
    return int(user_info().id), session_courante()


def restriction_des_variables_active() -> bool:
    """Whether the server refuses POSTed variables that are not fields of the screen shown."""
    return bool(get_config("restrict input variables", False))


def ouvrir_contenu(sha: str, nom: str, deja_ouverts: dict) -> DAFile:
    """A private DAFile of the current session holding the register's content `sha`, named
    `nom`; `deja_ouverts` (a dict kept in the session) avoids copying the same file twice."""
    cle = f"{sha}/{nom}"
    if cle not in deja_ouverts:
        deja_ouverts[cle] = fichier_prive(registre().contenu(sha), nom)
    return deja_ouverts[cle]


def fichier_prive(octets: bytes, nom: object, variable: str | None = None) -> DAFile:
    """A new private file of the current session holding `octets`, named `nom` (made safe);
    `variable`: its name in the interview, when it is an answer."""
    fichier = DAFile(variable) if variable else DAFile()
    if not variable:
        fichier.set_random_instance_name()
    fichier.initialize(filename=nom_de_fichier_sur(nom))
    fichier.write(octets, binary=True)
    fichier.set_attributes(private=True, persistent=False)
    fichier.commit()
    return fichier
