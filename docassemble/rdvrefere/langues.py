"""The client interview's languages (issue 13): the interface is French, English or Arabic; what
the court sees (requête, inventaire, pièce labels, letters, the guide's names) is always French.

A language is offered when the package ships its translation file, ``sources/rdvrefere-<code>.xlf``
(French is the source and needs none): its name and writing direction come from the Unicode CLDR.
Plain Python: the interview and the tests call it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from .dates import date_longue
from .traductions import FichierDeTraduction, lire

__all__ = ["Langue", "LANGUES", "LANGUE_DES_DOCUMENTS", "langue", "langues_du_dossier", "langue_valide",
           "fichier_de_traduction", "traduction_installee", "date_dans"]

# The language of the interview's blocks, and of every document filed in court (the tribunal
# works in French, whatever language the client reads).
LANGUE_DES_DOCUMENTS = "fr"


@dataclass(frozen=True)
class Langue:
    code: str          # docassemble's language code (set_language), the page's `lang`
    nom: str           # its own name, as its readers write it
    sens: str          # "ltr" or "rtl": the page's `dir`


_FICHIER = re.compile(r"rdvrefere-([a-z]{2,3})\.xlf")


def langue(code: str) -> Langue:
    """A language by its code, named in its own language and script, with its writing direction,
    as the Unicode CLDR gives them (babel, a dependency of docassemble): « English », « العربية »,
    « Español »; the code itself when the CLDR does not know it."""
    try:
        from babel import Locale, UnknownLocaleError  # noqa: PLC0415
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            return Langue(code, code, "ltr")
        nom = locale.get_display_name(locale) or code
        return Langue(code, nom[:1].upper() + nom[1:], "rtl" if locale.character_order == "right-to-left" else "ltr")
    except ImportError:
        return Langue(code, code, "ltr")


def _sources_installees():
    """The installed package's sources folder (translation files, words)."""
    return resources.files("docassemble.rdvrefere").joinpath("data", "sources")


def langues_du_dossier(dossier=None) -> dict[str, Langue]:
    """French, then each language whose translation file is in `dossier` (default: the installed
    package's sources), in the order of their codes: a file added to `sources/` is a language
    offered (after `make wheel`)."""
    codes = []
    try:
        if dossier is None:
            dossier = _sources_installees()
        codes = sorted(m.group(1) for f in dossier.iterdir() if (m := _FICHIER.fullmatch(f.name)))
    except (FileNotFoundError, NotADirectoryError, ModuleNotFoundError):
        pass   # the source tree, not installed: French only
    return {LANGUE_DES_DOCUMENTS: langue(LANGUE_DES_DOCUMENTS),
            **{code: langue(code) for code in codes if code != LANGUE_DES_DOCUMENTS}}


LANGUES: dict[str, Langue] = langues_du_dossier()


def langue_valide(code: object) -> str:
    """The code if it is one of LANGUES, French otherwise: a value a client sent (an action's
    argument, a replayed URL) is never used as a language as it is."""
    return code if isinstance(code, str) and code in LANGUES else LANGUE_DES_DOCUMENTS


def fichier_de_traduction(code: str) -> str:
    """The translation file's name in the package's sources folder (XLIFF 1.2)."""
    return f"rdvrefere-{code}.xlf"


@functools.cache
def traduction_installee(code: str) -> FichierDeTraduction:
    """The installed package's translation file for `code`, read once per process (the screens'
    words, langues_serveur.py; the reminder mails, rappels.py). OSError when it is not there,
    traductions.FichierIllisible when it is not XLIFF."""
    with resources.as_file(_sources_installees().joinpath(fichier_de_traduction(code))) as chemin:
        return lire(chemin)


def date_dans(langue: str) -> Callable[[dt.date], str]:
    """How a date is written in `langue`: « 5 octobre 2026 » in French (dates.date_longue), else
    the CLDR's long format (babel): « 5 October 2026 », in Arabic its month's Arabic name with
    Western digits. A language the CLDR does not know gets the French date, not an error."""
    if langue_valide(langue) == LANGUE_DES_DOCUMENTS:
        return date_longue
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415 (docassemble's own dependency)
    from babel.dates import format_date  # noqa: PLC0415
    try:
        locale = Locale.parse(langue)
    except (UnknownLocaleError, ValueError):
        return date_longue
    return lambda jour: format_date(jour, format="long", locale=locale)
