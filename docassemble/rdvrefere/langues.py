"""The client interview's languages (issue 13): the interface is French, English or Arabic; what
the court sees (requête, inventaire, pièce labels, letters, the guide's names) is always French.

A language is offered when the package ships its translation file, ``sources/rdvrefere-<code>.xlf``
(French is the source and needs none): its name and writing direction come from the Unicode CLDR.
Plain Python: the interview and the tests call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

__all__ = ["Langue", "LANGUES", "LANGUE_DES_DOCUMENTS", "langue", "langues_du_dossier", "langue_valide",
           "fichier_de_traduction"]

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


def langues_du_dossier(dossier=None) -> dict[str, Langue]:
    """French, then each language whose translation file is in `dossier` (default: the installed
    package's sources), in the order of their codes: a file added to `sources/` is a language
    offered (after `make wheel`)."""
    codes = []
    try:
        if dossier is None:
            dossier = resources.files("docassemble.rdvrefere").joinpath("data", "sources")
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
