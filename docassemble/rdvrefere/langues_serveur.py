"""The interface's language on a docassemble server (issue 13): the docassemble layer of
langues.py. The client interview lists it in its `modules:`."""

from __future__ import annotations

import datetime as dt
import html

from docassemble.base.util import get_language, url_action, word

from .dates import date_longue
from .langues import LANGUE_DES_DOCUMENTS, LANGUES, langue_valide
from .mots import Texte, traduire

__all__ = ["langue_valide", "liens_de_langue", "tr", "date_pour_ecran", "Texte"]


def date_pour_ecran(jour: dt.date) -> str:
    """A date in the page's language: « 5 octobre 2026 », « 5 October 2026 », in Arabic with its
    month's Arabic name and Western digits, as babel writes them."""
    langue = langue_valide(get_language())
    if langue == LANGUE_DES_DOCUMENTS:
        return date_longue(jour)
    from babel.dates import format_date  # noqa: PLC0415 (docassemble's own dependency)
    return format_date(jour, format="long", locale=langue)


def tr(texte: object) -> str:
    """A sentence made in Python (a mots.Texte, or a plain French str) in the page's language."""
    return traduire(texte, word, date_pour_ecran)


def liens_de_langue() -> str:
    """« Français · English · العربية »: each language in its own name and script, a link to
    switch to it (the current one is not a link). HTML for a screen's `pre:` or `subquestion:`."""
    actuelle = langue_valide(get_language())
    liens = []
    for langue in LANGUES.values():
        nom = html.escape(langue.nom)
        attributs = f'lang="{langue.code}" dir="{langue.sens}"'
        if langue.code == actuelle:
            liens.append(f'<strong {attributs} aria-current="true">{nom}</strong>')
        else:
            adresse = html.escape(url_action("changer_de_langue", langue=langue.code), quote=True)
            liens.append(f'<a href="{adresse}" hreflang="{langue.code}" {attributs}>{nom}</a>')
    return ('<nav class="rdv-langues" aria-label="Langue · Language · اللغة">'
            + " · ".join(liens) + "</nav>")
