"""The attempts rule: failed bookings spread over time, on several different weeks.

CE 10 juin 2020 n° 435594 (Tables), and for a site that does not offer the applicant's category
CE 9 juin 2022 n° 453391 (Tables) as applied by CE 18 février 2022 n° 455740: the judge may order an
appointment when the applicant proves he could not get one « malgré plusieurs tentatives n'ayant
pas été effectuées la même semaine ». In 435594 itself the applicant « ne justifiait que de quatre
captures d'écran, d'un courrier recommandé et d'un courriel », dated from Friday 13 to Wednesday
18 September 2019: five days, yet two ISO weeks, and this was held insufficient (holding: the
Conseil d'État's own analysis, conseil-etat.fr/fr/arianeweb/CE/analyse/2020-06-10/435594; facts and
dates as reported by ASH n° 3165, « Les rendez-vous en préfecture »). « Different weeks » therefore means a
spread over time, not two dates on either side of a Sunday. Orders are usually granted on
attempts spread over at least three weeks.

The rule applied here:
- blocking when the attempts cover fewer than two distinct ISO weeks (Monday to Sunday) **or**
  when fewer than seven days separate the first from the last;
- a warning under three distinct weeks or under fourteen days between the first and the last.
Courts count distinct days and weeks, not screenshots.

The sentences the client's screens show (the summary, the problems) are `mots.Texte`: French
as before for the command line, the staff and the documents, translatable on the screens
(issue 13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .dossier import Tentative
from .mots import Texte
from .problemes import Probleme

__all__ = ["SEMAINES_REQUISES", "SEMAINES_CONSEILLEES", "ECART_REQUIS_JOURS", "ECART_CONSEILLE_JOURS",
           "BilanTentatives", "bilan_des_tentatives", "bilan_des_dates", "regle_des_tentatives", "lundi",
           "tentatives_triees"]

SEMAINES_REQUISES = 2       # « pas effectuées la même semaine »: below, the requête will fail
SEMAINES_CONSEILLEES = 3    # what granted orders usually rest on
ECART_REQUIS_JOURS = 7      # first to last attempt: 435594 refused five days over two ISO weeks
ECART_CONSEILLE_JOURS = 14  # two full weeks between the first and the last attempt


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
    semaines: tuple[dt.date, ...]        # the Monday of each distinct week, in order
    premiere: dt.date | None = None      # the first attempt's date
    derniere: dt.date | None = None      # the last attempt's date

    @property
    def nombre_de_semaines(self) -> int:
        return len(self.semaines)

    @property
    def ecart_jours(self) -> int:
        """Days from the first attempt to the last (0 when they are on the same day)."""
        if self.premiere is None or self.derniere is None:
            return 0
        return (self.derniere - self.premiere).days

    @property
    def periode_jours(self) -> int:
        """The period the attempts cover, both ends counted (4 to 14 October: 11 days)."""
        return self.ecart_jours + 1 if self.premiere is not None else 0

    @property
    def suffisant(self) -> bool:
        return self.nombre_de_semaines >= SEMAINES_REQUISES and self.ecart_jours >= ECART_REQUIS_JOURS

    @property
    def conseille(self) -> bool:
        return self.nombre_de_semaines >= SEMAINES_CONSEILLEES and self.ecart_jours >= ECART_CONSEILLE_JOURS

    def constat(self) -> Texte:
        """« 3 tentatives sur 11 jours, au cours de 3 semaines différentes », without the advice."""
        if self.nombre == 0:
            return Texte("Aucune tentative pour l'instant")
        if self.nombre == 1:
            return Texte("1 tentative pour l'instant")
        if self.ecart_jours == 0:
            return Texte("{nombre} tentatives, toutes le même jour", nombre=self.nombre)
        if self.nombre_de_semaines == 1:
            return Texte("{nombre} tentatives sur {jours} jours, au cours d'une seule semaine",
                         nombre=self.nombre, jours=self.periode_jours)
        return Texte("{nombre} tentatives sur {jours} jours, au cours de {semaines} semaines différentes",
                     nombre=self.nombre, jours=self.periode_jours, semaines=self.nombre_de_semaines)

    def resume(self) -> Texte:
        """How many attempts, over how many days and weeks, and what is missing (a Texte: French,
        translatable on the screens)."""
        if self.nombre == 0:
            return Texte("Aucune tentative pour l'instant. Il en faut sur au moins deux semaines différentes, la "
                         "dernière au moins sept jours après la première ; trois semaines et quatorze jours de "
                         "préférence.")
        constat = self.constat()
        if not self.suffisant:
            return Texte("{constat}. Il en faut sur au moins deux semaines différentes, la dernière au moins sept "
                         "jours après la première. Refaites une tentative une autre semaine, à partir du {date}.",
                         constat=constat, date=self.premiere + dt.timedelta(days=ECART_REQUIS_JOURS))
        if not self.conseille:
            if self.nombre_de_semaines < SEMAINES_CONSEILLEES and self.ecart_jours < ECART_CONSEILLE_JOURS:
                return Texte("{constat}. C'est le minimum ; une tentative sur une troisième semaine, au moins "
                             "quatorze jours après la première, renforcera beaucoup la demande.", constat=constat)
            if self.nombre_de_semaines < SEMAINES_CONSEILLEES:
                return Texte("{constat}. C'est le minimum ; une tentative sur une troisième semaine renforcera "
                             "beaucoup la demande.", constat=constat)
            return Texte("{constat}. C'est le minimum ; une tentative à partir du {date}, quatorze jours après la "
                         "première, renforcera beaucoup la demande.",
                         constat=constat, date=self.premiere + dt.timedelta(days=ECART_CONSEILLE_JOURS))
        # never « c'est suffisant » (issue 14 point 3): the judges look at the spread, keep trying
        return Texte("{constat}. Continuez d'essayer chaque semaine jusqu'au dépôt : plus les essais durent, plus la "
                     "demande est solide.", constat=constat)


def bilan_des_dates(dates: Iterable[dt.date]) -> BilanTentatives:
    """The summary from the attempts' dates alone (the interview, while attempts are entered)."""
    dates = sorted(dates)
    return BilanTentatives(len(dates), tuple(sorted({lundi(jour) for jour in dates})),
                           dates[0] if dates else None, dates[-1] if dates else None)


def bilan_des_tentatives(tentatives: list[Tentative]) -> BilanTentatives:
    return bilan_des_dates(t.date for t in tentatives)


def regle_des_tentatives(tentatives: list[Tentative], *, date_naissance: dt.date | None,
                         aujourd_hui: dt.date) -> list[Probleme]:
    """Errors and warnings on the attempts: dates, spread in time, screenshots."""
    problemes: list[Probleme] = []
    valables: list[Tentative] = []
    for position, tentative in tentatives_triees(tentatives):
        chemin = f"tentatives[{position}]"
        if tentative.date > aujourd_hui:
            problemes.append(Probleme(f"{chemin}.date", Texte("la date du {date} est dans le futur.",
                                                              date=tentative.date)))
            continue
        if date_naissance and tentative.date < date_naissance:
            problemes.append(Probleme(f"{chemin}.date",
                                      Texte("la date du {date} est antérieure à la naissance du requérant.",
                                            date=tentative.date)))
            continue
        if not tentative.fichiers:
            problemes.append(Probleme(f"{chemin}.fichiers",
                                      Texte("joignez la capture d'écran de cette tentative : sans elle, le juge ne "
                                            "peut pas la tenir pour prouvée.")))
        valables.append(tentative)
    bilan = bilan_des_tentatives(valables)
    if not bilan.suffisant:
        # CE 10 juin 2020, n° 435594: captures from Friday 13 to Wednesday 18 September 2019, over two
        # ISO weeks but five days, were not enough. The client reads the rule, not the case number.
        problemes.append(Probleme(
            "tentatives",
            Texte("les tentatives doivent avoir été faites sur au moins {semaines} semaines différentes. La "
                  "dernière doit avoir eu lieu au moins {jours} jours après la première. Les juges ont déjà "
                  "refusé des captures prises en cinq jours, du vendredi au mercredi suivant, même sur deux "
                  "semaines. {resume}",
                  semaines=SEMAINES_REQUISES, jours=ECART_REQUIS_JOURS, resume=bilan.resume())))
    elif not bilan.conseille:
        deux_semaines = bilan.nombre_de_semaines < SEMAINES_CONSEILLEES
        if deux_semaines and bilan.ecart_jours < ECART_CONSEILLE_JOURS:
            manque = Texte("ne couvrent que deux semaines et ne s'étendent que sur {jours} jours",
                           jours=bilan.periode_jours)
        elif deux_semaines:
            manque = Texte("ne couvrent que deux semaines")
        else:
            manque = Texte("ne s'étendent que sur {jours} jours", jours=bilan.periode_jours)
        # CE 10 juin 2020, n° 435594: captures taken in five days (Friday 13 to Wednesday 18 September
        # 2019) were not enough; three weeks and fourteen days is what the judges usually grant on.
        problemes.append(Probleme(
            "tentatives",
            Texte("les tentatives {manque}. Les juges refusent quand les tentatives sont trop rapprochées. "
                  "Ils ont déjà refusé des captures prises en cinq jours, même sur deux semaines. En général, ils "
                  "accordent le rendez-vous quand les tentatives durent au moins trois semaines et quatorze jours. "
                  "Faites une nouvelle tentative une autre semaine avant de déposer.", manque=manque),
            "avertissement"))
    return problemes
