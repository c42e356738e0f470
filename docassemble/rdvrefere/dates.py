"""French dates, times and small numbers as a court writes them: « 1er septembre 2026 », « 14 h 30 »,
« onze jours »."""

from __future__ import annotations

import datetime as dt

__all__ = ["date_longue", "date_courte", "heure_fr", "heure_insecable", "jour_et_date", "en_lettres"]

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def date_longue(jour: dt.date) -> str:
    """« 1er septembre 2026 », « 12 octobre 2026 »."""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{quantieme} {MOIS[jour.month - 1]} {jour.year}"


def jour_et_date(jour: dt.date) -> str:
    """« lundi 1er septembre 2026 »."""
    return f"{JOURS[jour.weekday()]} {date_longue(jour)}"


def date_courte(jour: dt.date) -> str:
    """« 01/09/2026 »."""
    return jour.strftime("%d/%m/%Y")


def heure_fr(heure: dt.time) -> str:
    """« 14 h 30 », « 9 h 05 »."""
    return f"{heure.hour} h {heure.minute:02d}"


def heure_insecable(heure: dt.time) -> str:
    """« 9 h 02 » with no-break spaces, so that a table cell never wraps a time."""
    return heure_fr(heure).replace(" ", "\u00a0")


_UNITES = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
           "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf")
_DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _moins_de_cent(n: int) -> str:
    if n < 20:
        return _UNITES[n]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):                       # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        reste = 10 + unite
        liaison = " et " if dizaine == 7 and unite == 1 else "-"
        return f"{base}{liaison}{_UNITES[reste]}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{_UNITES[unite]}"
    if unite == 0:
        return _DIZAINES[dizaine]
    return f"{_DIZAINES[dizaine]}{' et ' if unite == 1 else '-'}{_UNITES[unite]}"


def en_lettres(n: int) -> str:
    """A whole number from 0 to 999 in French words (traditional spelling: « vingt et un »,
    « quatre-vingts », « deux cents », « cent un »); larger numbers stay in digits."""
    if not 0 <= n < 1000:
        return str(n)
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        return _moins_de_cent(reste)
    tete = "cent" if centaines == 1 else f"{_UNITES[centaines]} cent"
    if reste == 0:
        return tete if centaines == 1 else tete + "s"
    return f"{tete} {_moins_de_cent(reste)}"
