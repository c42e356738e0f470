"""French dates and times as a court writes them: « 1er septembre 2026 », « 14 h 30 »."""

from __future__ import annotations

import datetime as dt

__all__ = ["date_longue", "date_courte", "heure_fr", "jour_et_date"]

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
