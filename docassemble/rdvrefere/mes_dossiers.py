"""A client's dossiers (issue 10 point 1): which session to reopen when the client comes back, and
how the list « Mes dossiers » names and dates each dossier.

Plain Python, no docassemble import: `mes_dossiers_serveur.py` reads the sessions through
docassemble (`interview_list`) and the register, then asks these functions; the tests call them
directly (tests/test_mes_dossiers.py). The words made here are mots.Texte (their French as
before), shown in the client's language by the list (issue 13); what the client typed is a str.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .juridictions import COLLECTIVITES_NON_COUVERTES, JuridictionInconnue, juridiction
from .mots import Texte
from .personnel import (APPROUVE, DEPOSE, EN_COURS, EXECUTEE, EXECUTION_DEMANDEE, ORDONNANCE_RECUE, PRET_A_RELIRE,
                        REJETEE)

__all__ = ["SessionDuClient", "Fiche", "nouveau_demande", "session_a_rouvrir", "date_heure_francaise",
           "nom_du_dossier", "lieu_du_dossier", "etat_du_dossier", "fiches_du_client", "PARIS"]

PARIS = ZoneInfo("Europe/Paris")
_OUI = ("1", "true", "oui", "yes", "on")
# each status in the client's words (personnel.STATUTS; « prêt à relire » is said by etat_du_dossier)
_ETATS = {EN_COURS: Texte("en cours"), APPROUVE: Texte("approuvé"), DEPOSE: Texte("déposé"),
          # after the filing: the staff's words (issue 12)
          ORDONNANCE_RECUE: Texte("ordonnance reçue"), EXECUTION_DEMANDEE: Texte("exécution demandée"),
          EXECUTEE: Texte("exécutée"), REJETEE: Texte("rejetée")}


@dataclass(frozen=True)
class SessionDuClient:
    """One session of the client interview, as docassemble lists it for the signed-in user.
    `modifiee` and `commencee` are UTC (docassemble stores naive UTC datetimes)."""
    cle: str
    modifiee: dt.datetime | None = None
    commencee: dt.datetime | None = None
    proprietaire: int | None = None      # `client.proprietaire` (garde_client.yml), when set
    prenoms: str = ""
    nom: str = ""
    departement: str = ""
    statut: str | None = None            # the register's status (personnel.STATUTS), None if never sent


@dataclass(frozen=True)
class Fiche:
    """What the list shows for one dossier, none escaped yet: `titre` as the client typed it (a
    Texte when there is no name yet), `lieu` French (a département's name), the rest Texte (a
    str equal to the French)."""
    cle: str
    titre: str
    lieu: str
    etat: str
    modifiee_le: str
    commencee_le: str


def nouveau_demande(arguments: Mapping[str, object]) -> bool:
    """Whether the address asks for a new dossier: `nouveau=1` (« Commencer un nouveau
    dossier ») or docassemble's `new_session=1`."""
    return any(str(arguments.get(cle) or "").strip().lower() in _OUI for cle in ("nouveau", "new_session"))


def _instant(valeur: dt.datetime | None) -> dt.datetime:
    if valeur is None:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return valeur if valeur.tzinfo else valeur.replace(tzinfo=dt.timezone.utc)


def session_a_rouvrir(sessions: Iterable[SessionDuClient], courante: str, moi: int | None) -> str | None:
    """The key of the session a client coming back should land in: among the signed-in user's
    sessions of the client interview other than the current one, the most recently changed
    whose owner is this user. None when there is none (or nobody is signed in)."""
    if moi is None:
        return None
    candidates = [s for s in sessions
                  if s.cle and s.cle != courante and s.proprietaire in (None, moi)]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (_instant(s.modifiee), _instant(s.commencee))).cle


def date_heure_francaise(instant: dt.datetime | None, fuseau: ZoneInfo = PARIS) -> str:
    """« 3 décembre 2026 à 14 h 05 », in French time (a naive datetime is UTC); '' if unknown.
    A Texte: the screen writes the date and the hour in the client's language."""
    if instant is None:
        return ""
    local = _instant(instant).astimezone(fuseau)
    return Texte("{date} à {heure} h {minutes}", date=local.date(), heure=local.hour, minutes=f"{local.minute:02d}")


def nom_du_dossier(prenoms: object, nom: object) -> str:
    """« Awa Diallo »: the applicant as typed; « Dossier sans nom » before the identity screen."""
    texte = " ".join(" ".join(str(v or "").split()) for v in (prenoms, nom)).strip()
    return texte or Texte("Dossier sans nom")


def lieu_du_dossier(code: object) -> str:
    """« Seine-Saint-Denis (93) »; '' before the question, or for an unknown code."""
    texte = str(code or "").strip()
    if not texte:
        return ""
    try:
        j = juridiction(texte)
    except JuridictionInconnue:
        nom = COLLECTIVITES_NON_COUVERTES.get(texte)
        return f"{nom} ({texte})" if nom else ""
    return f"{j.departement} ({j.code})"


def etat_du_dossier(statut: str | None, relecture: bool = True) -> str:
    """The dossier's state in the client's words: « en cours » (not sent to the team yet),
    « en relecture » (sent, not approved; « prêt à déposer » when the association does not
    review), « approuvé », « déposé »."""
    if statut == PRET_A_RELIRE:
        return Texte("en relecture") if relecture else Texte("prêt à déposer")
    return _ETATS.get(statut, _ETATS[EN_COURS])


def fiches_du_client(sessions: Iterable[SessionDuClient], moi: int | None, relecture: bool = True,
                     fuseau: ZoneInfo = PARIS) -> list[Fiche]:
    """The list « Mes dossiers »: the user's own dossiers, the most recently changed first."""
    if moi is None:
        return []
    siennes = [s for s in sessions if s.cle and s.proprietaire in (None, moi)]
    siennes.sort(key=lambda s: (_instant(s.modifiee), _instant(s.commencee)), reverse=True)
    return [Fiche(cle=s.cle, titre=nom_du_dossier(s.prenoms, s.nom), lieu=lieu_du_dossier(s.departement),
                  etat=etat_du_dossier(s.statut, relecture),
                  modifiee_le=date_heure_francaise(s.modifiee, fuseau),
                  commencee_le=date_heure_francaise(s.commencee, fuseau))
            for s in siennes]
