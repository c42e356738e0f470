"""Staff see the journey (issue 11 point 6) on a docassemble server: the docassemble layer of suivi.py.

- The client interview (rdv_suivi.yml, an `initial` block after the session's guard) calls
  `noter_la_visite(client)` on every request: it builds the record from this session's own values
  (name, département, the plan's « manque » by parcours_serveur.plan_du_client) and the account's
  e-mail, and writes it (one upsert in `rdvrefere_suivi`, the register's database) only when it
  changed or on the first visit of the day. The owner is the signed-in user and the session the
  current one (never a posted value), and only in a session that user owns: a forged POST cannot
  make a row for anyone else. A failure is logged, never shown: the client's interview goes on.
- The staff screen (staff.yml) reads the list through staff_objects.tableau_en_preparation().
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from docassemble.base.util import log, user_info

from .interview_objects import _defini
from .parcours_serveur import plan_du_client
from .suivi import Suivi, Visite, empreinte, en_preparation, noter_visite

__all__ = ["noter_la_visite", "visite_du_client", "suivis_en_preparation"]


def _texte(valeur) -> str:
    return valeur.strip() if isinstance(valeur, str) else ""


def _proprietaire(client) -> tuple[int, str] | None:
    """(signed-in user, current session), only in a session that user owns (garde_client.yml)."""
    from .registre_serveur import proprietaire_de_la_session  # noqa: PLC0415
    proprietaire = proprietaire_de_la_session()
    if proprietaire is None or _defini(client, "proprietaire") != proprietaire[0]:
        return None   # `client.proprietaire` is set by the guard on the session's first request
    return proprietaire


def visite_du_client(client, aujourd_hui: dt.date | None = None) -> Visite:
    """The record from the session's answers so far (nothing asked) and the account's e-mail."""
    r = _defini(client, "requerant")
    nom = " ".join(p for p in (_texte(_defini(r, "prenoms")), _texte(_defini(r, "nom")).upper()) if p)
    return Visite(nom=nom, departement=_texte(_defini(client, "departement")),
                  courriel=_texte(getattr(user_info(), "email", "")), telephone=_texte(_defini(r, "telephone")),
                  manque=tuple(m.texte for m in plan_du_client(client, aujourd_hui).manque))


def noter_la_visite(client) -> None:
    """Record this visit (see the module's docstring). Never raises."""
    try:
        proprietaire = _proprietaire(client)
        if proprietaire is None:
            return
        aujourd_hui = dt.date.today()
        visite = visite_du_client(client, aujourd_hui)
        # a new transmission changes `empreinte_transmise`: the next visit looks at the register again
        jeton = f"{empreinte(visite, aujourd_hui)}|{_defini(client, 'empreinte_transmise')}"
        if _defini(client, "suivi_empreinte") == jeton:
            return
        from .registre_serveur import registre  # noqa: PLC0415
        le_registre = registre()
        transmis = le_registre.du_client(*proprietaire) is not None
        noter_visite(le_registre.engine, proprietaire, dataclasses.replace(visite, transmis=transmis))
        client.suivi_empreinte = jeton
    except Exception as exc:  # noqa: BLE001 - the database may be unreachable: the interview goes on
        log(f"rdvrefere: visit not recorded: {exc!r}")


def suivis_en_preparation() -> list[Suivi]:
    """The sessions in preparation (suivi.en_preparation), for the staff screen (staff_objects checks who asks)."""
    from .registre_serveur import registre  # noqa: PLC0415
    return en_preparation(registre().engine)   # registre() has created the register's tables
