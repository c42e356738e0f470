"""The interface's language on a docassemble server (issue 13): the docassemble layer of
langues.py. The client interview lists it in its `modules:`."""

from __future__ import annotations

import datetime as dt
import html

from docassemble.base.util import (action_menu_item, current_context, get_language, set_language, set_parts,
                                   set_user_info, update_word_collection, url_action, user_info, user_logged_in,
                                   word)

from .langues import LANGUE_DES_DOCUMENTS, LANGUES, date_dans, langue_valide, traduction_installee
from .mots import Texte, traduire

__all__ = ["langue_valide", "liens_de_langue", "tr", "date_pour_ecran", "Texte", "langue_du_compte",
           "retenir_la_langue", "appliquer_la_langue", "menu_de_langue", "NOM_DU_CHOIX"]

# the language choice named in each language at once: whoever cannot read the page's can find it
NOM_DU_CHOIX = "Langue · Language · اللغة"


def _charger_les_mots() -> None:
    """docassemble's word() in every language the package ships, from the same files as the
    interviews' `translations:` block: docassemble's own phrases (buttons, form checks) and the
    package's sentences made in Python. Done when an interview first imports this module, in each
    process, so the server's `words:` list need not name the files (it still serves docassemble's
    pages outside the interviews, such as signing in)."""
    for code in LANGUES:
        if code != LANGUE_DES_DOCUMENTS:
            fichier = traduction_installee(code)
            update_word_collection(code, {**fichier.cibles("en"), **fichier.cibles("fr")})


_charger_les_mots()

# Each client interview's name in the page's header and the browser's tab (its `metadata:` is
# read in French only): (title, short title), by the interview's file name.
TITRES = {
    "rdvrefere.yml": (Texte("Obtenir un rendez-vous en préfecture par le juge"), Texte("RDV préfecture")),
    "rdv_ordonnance.yml": (Texte("Après l'ordonnance du juge"), Texte("Après l'ordonnance")),
    "rdv_mes_dossiers.yml": (Texte("Mes dossiers"), Texte("Mes dossiers")),
    "rdv_rappels.yml": (Texte("Arrêter les rappels"), Texte("Rappels")),
}


def langue_du_compte() -> str:
    """The language the signed-in client chose last (kept in their docassemble account by
    retenir_la_langue), French otherwise: the interview after the ordonnance and « Mes dossiers »
    open in the language the client chose in the référé's interview."""
    if not user_logged_in():
        return LANGUE_DES_DOCUMENTS
    return langue_valide(getattr(user_info(), "language", None))


def retenir_la_langue(code: str) -> None:
    """Keep the client's choice in their account (a checked code only)."""
    if user_logged_in():
        set_user_info(language=langue_valide(code))


def appliquer_la_langue(code: object) -> str:
    """Show this request in `code` (checked: French when it is not one of LANGUES), the
    interview's title included. Returns the language used."""
    langue = langue_valide(code)
    set_language(langue)
    fichier = str(current_context().filename or "").rsplit("/", 1)[-1]
    titre, court = TITRES.get(fichier, TITRES["rdvrefere.yml"])
    set_parts(title=tr(titre), short=tr(court), tab=tr(court))
    return langue


def date_pour_ecran(jour: dt.date) -> str:
    """A date in the page's language (langues.date_dans): « 5 octobre 2026 », « 5 October 2026 »."""
    return date_dans(langue_valide(get_language()))(jour)


def tr(texte: object) -> str:
    """A sentence made in Python (a mots.Texte, or a plain French str) in the page's language."""
    return traduire(texte, word, date_pour_ecran)


def menu_de_langue() -> dict:
    """The menu's item that opens the language choice (rdv_langue.yml), on every client screen."""
    return action_menu_item(NOM_DU_CHOIX, "choix_de_langue")


def liens_de_langue() -> str:
    """« Français · العربية · English »: each language in its own name and script, a link to
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
    return ('<nav class="rdv-langues" aria-label="' + NOM_DU_CHOIX + '">'
            + " · ".join(liens) + "</nav>")
