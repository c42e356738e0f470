"""The attempts rule: failed bookings spread over several different weeks.

CE 10 juin 2020 n° 435594 and CE 18 février 2022 n° 455740: the judge may order an appointment
when the applicant proves he could not get one « malgré plusieurs tentatives n'ayant pas été
effectuées la même semaine ». In 435594, four screenshots taken over five days were not enough;
orders are usually granted on attempts spread over at least three weeks. Courts count distinct
weeks (ISO weeks here, Monday to Sunday), not screenshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import date_longue
from .dossier import Tentative
from .problemes import Probleme

__all__ = ["SEMAINES_REQUISES", "SEMAINES_CONSEILLEES", "BilanTentatives", "bilan_des_tentatives",
           "bilan_des_dates", "regle_des_tentatives", "lundi", "tentatives_triees"]

SEMAINES_REQUISES = 2     # « pas effectuées la même semaine »: below, the requête will fail
SEMAINES_CONSEILLEES = 3  # what granted orders usually rest on


def lundi(jour: dt.date) -> dt.date:
    """The Monday of the ISO week holding `jour`."""
    return jour - dt.timedelta(days=jour.weekday())


def tentatives_triees(tentatives: list[Tentative]) -> list[tuple[int, Tentative]]:
    """(1-based position in the dossier, attempt), in chronological order."""
    return sorted(enumerate(tentatives, start=1), key=lambda paire: (paire[1].date, paire[1].heure))


@dataclass(frozen=True)
class BilanTentatives:
    """Where the applicant stands, for the live display and the checks."""

    nombre: int
    semaines: tuple[dt.date, ...]   # the Monday of each distinct week, in order

    @property
    def nombre_de_semaines(self) -> int:
        return len(self.semaines)

    @property
    def suffisant(self) -> bool:
        return self.nombre_de_semaines >= SEMAINES_REQUISES

    @property
    def conseille(self) -> bool:
        return self.nombre_de_semaines >= SEMAINES_CONSEILLEES

    def resume(self) -> str:
        """One French sentence: how many attempts and weeks, and what is missing."""
        if self.nombre == 0:
            return ("Aucune tentative pour l'instant. Il en faut sur au moins deux semaines différentes, "
                    "trois de préférence.")
        tentatives = "tentative" if self.nombre == 1 else "tentatives"
        semaines = "semaine différente" if self.nombre_de_semaines == 1 else "semaines différentes"
        texte = f"{self.nombre} {tentatives} sur {self.nombre_de_semaines} {semaines}."
        if not self.suffisant:
            return texte + " Il en faut sur au moins deux semaines différentes : refaites une tentative une autre semaine."
        if not self.conseille:
            return texte + " C'est le minimum ; une tentative sur une troisième semaine renforcera beaucoup la demande."
        return texte + " C'est suffisant."


def bilan_des_dates(dates: Iterable[dt.date]) -> BilanTentatives:
    """The summary from the attempts' dates alone (the interview, while attempts are entered)."""
    dates = list(dates)
    return BilanTentatives(len(dates), tuple(sorted({lundi(jour) for jour in dates})))


def bilan_des_tentatives(tentatives: list[Tentative]) -> BilanTentatives:
    return bilan_des_dates(t.date for t in tentatives)


def regle_des_tentatives(tentatives: list[Tentative], *, date_naissance: dt.date | None,
                         aujourd_hui: dt.date) -> list[Probleme]:
    """Errors and warnings on the attempts: dates, weeks, screenshots."""
    problemes: list[Probleme] = []
    valables: list[Tentative] = []
    for position, tentative in tentatives_triees(tentatives):
        chemin = f"tentatives[{position}]"
        if tentative.date > aujourd_hui:
            problemes.append(Probleme(f"{chemin}.date", f"la date du {date_longue(tentative.date)} est dans le futur."))
            continue
        if date_naissance and tentative.date < date_naissance:
            problemes.append(Probleme(f"{chemin}.date",
                                      f"la date du {date_longue(tentative.date)} est antérieure à la naissance du requérant."))
            continue
        if not tentative.fichiers:
            problemes.append(Probleme(f"{chemin}.fichiers",
                                      "joignez la capture d'écran de cette tentative : sans elle, le juge ne peut pas "
                                      "la tenir pour prouvée."))
        valables.append(tentative)
    bilan = bilan_des_tentatives(valables)
    if not bilan.suffisant:
        problemes.append(Probleme(
            "tentatives",
            f"les tentatives doivent avoir été faites sur au moins {SEMAINES_REQUISES} semaines différentes "
            f"(CE 10 juin 2020, n° 435594) ; {bilan.resume()}"))
    elif not bilan.conseille:
        problemes.append(Probleme(
            "tentatives",
            "les tentatives ne couvrent que deux semaines. Les juges refusent quand les tentatives sont trop "
            "rapprochées (dans l'affaire n° 435594, quatre captures prises en cinq jours n'ont pas suffi) et "
            "accordent en général le rendez-vous sur des tentatives étalées sur au moins trois semaines : "
            "faites une nouvelle tentative une autre semaine avant de déposer.", "avertissement"))
    return problemes
