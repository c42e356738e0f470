"""When a renewal was asked: the attempts' dates against the titre's expiry and CESEDA R. 431-5.

CESEDA R. 431-5, 1° (version in force since 1 May 2021, décret n° 2021-313 du 24 mars 2021):
« L'étranger qui dispose d'un document de séjour mentionné aux 2° à 8° de l'article L. 411-1
présente sa demande de titre de séjour entre le cent-vingtième jour et le soixantième jour qui
précède l'expiration de ce document de séjour lorsque sa demande porte sur un titre de séjour
figurant dans la liste mentionnée à l'article R. 431-2. Lorsque sa demande porte sur un titre de
séjour ne figurant pas dans cette liste, il présente sa demande dans le courant des deux mois
précédant l'expiration du document dont il est titulaire ; »

Reading used here:
- the list of R. 431-2 is the titres asked through the ANEF téléservice: a dossier blocked by the
  ANEF (`blocage.type == "anef"`) has the window [expiry − 120 days, expiry − 60 days]; a dossier
  blocked on a préfecture booking site has the window [expiry − 2 months, expiry];
- `date_expiration` is the titre's last day of validity: an attempt on that day is before expiry;
- what counts is the first attempt. Before the window's end (even before it opened): timely, and
  the requête may say that, for lack of an appointment, the applicant could not file before the
  titre expired. After the window's end but not after expiry (ANEF only): late under R. 431-5.
  After expiry: late. Late renewals are warned about (the judge may hold the urgency
  self-inflicted) and the requête states the dates instead (redaction.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .dossier import Dossier

__all__ = ["Fenetre", "SituationRenouvellement", "fenetre_r431_5", "situation_du_renouvellement",
           "situation_du_dossier", "attestation_anef"]

Situation = Literal["sans_objet", "dans_les_delais", "apres_le_delai", "apres_expiration"]


def _mois_avant(jour: dt.date, mois: int) -> dt.date:
    """The same day `mois` months earlier (the month's last day when it has no such day)."""
    annee, rang = divmod(jour.year * 12 + jour.month - 1 - mois, 12)
    return dt.date(annee, rang + 1, min(jour.day, calendar.monthrange(annee, rang + 1)[1]))


@dataclass(frozen=True)
class Fenetre:
    """The period R. 431-5 sets for asking the renewal."""

    debut: dt.date
    fin: dt.date
    anef: bool


def fenetre_r431_5(expiration: dt.date, *, anef: bool) -> Fenetre:
    """ANEF titres (R. 431-2 list): the 120th to the 60th day before expiry; others: the two months
    before expiry."""
    if anef:
        return Fenetre(expiration - dt.timedelta(days=120), expiration - dt.timedelta(days=60), True)
    return Fenetre(_mois_avant(expiration, 2), expiration, False)


@dataclass(frozen=True)
class SituationRenouvellement:
    situation: Situation
    expiration: dt.date | None = None
    premiere_tentative: dt.date | None = None
    fenetre: Fenetre | None = None

    @property
    def tardif(self) -> bool:
        """The first attempt came after the R. 431-5 window or after expiry."""
        return self.situation in ("apres_le_delai", "apres_expiration")


def situation_du_renouvellement(nature: str | None, expiration: dt.date | None,
                                dates_tentatives: Iterable[dt.date | None], *, anef: bool) -> SituationRenouvellement:
    """From plain values (the interview calls it before the dossier is complete)."""
    dates = [d for d in dates_tentatives if isinstance(d, dt.date)]
    if nature != "renouvellement" or not isinstance(expiration, dt.date) or not dates:
        return SituationRenouvellement("sans_objet")
    if isinstance(expiration, dt.datetime):
        expiration = expiration.date()
    premiere = min(d.date() if isinstance(d, dt.datetime) else d for d in dates)
    fenetre = fenetre_r431_5(expiration, anef=anef)
    if premiere > expiration:
        situation: Situation = "apres_expiration"
    elif premiere > fenetre.fin:
        situation = "apres_le_delai"
    else:
        situation = "dans_les_delais"
    return SituationRenouvellement(situation, expiration, premiere, fenetre)


def situation_du_dossier(dossier: Dossier) -> SituationRenouvellement:
    return situation_du_renouvellement(dossier.demande.nature, dossier.demande.date_expiration,
                                       (t.date for t in dossier.tentatives), anef=dossier.blocage.type == "anef")


def attestation_anef(dossier: Dossier) -> Literal["prolongation", "depot"] | None:
    """Which attestation an applicant blocked by the ANEF is owed once the application is filed
    (CESEDA R. 431-15-1): the « attestation de prolongation de l'instruction » for a renewal asked
    within the R. 431-5 window, else the « attestation de dépôt en ligne »; None off the ANEF (a
    récépissé). The requête asks for it (redaction.py) and the client's summary says so."""
    if dossier.blocage.type != "anef":
        return None
    if dossier.demande.nature == "renouvellement" and not situation_du_dossier(dossier).tardif:
        return "prolongation"
    return "depot"
