"""The client interview's languages (issue 13): the interface is French, English or Arabic; what
the court sees (requête, inventaire, pièce labels, letters, the guide's names) is always French.

A language is offered when the package ships its translation file, ``sources/rdvrefere-<code>.xlf``
(French is the source and needs none). Plain Python: the interview and the tests call it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Langue", "LANGUES", "LANGUE_DES_DOCUMENTS", "langue_valide", "fichier_de_traduction"]

# The language of the interview's blocks, and of every document filed in court (the tribunal
# works in French, whatever language the client reads).
LANGUE_DES_DOCUMENTS = "fr"


@dataclass(frozen=True)
class Langue:
    code: str          # docassemble's language code (set_language), the page's `lang`
    nom: str           # its own name, as its readers write it
    sens: str          # "ltr" or "rtl": the page's `dir`


LANGUES: dict[str, Langue] = {
    "fr": Langue("fr", "Français", "ltr"),
    "en": Langue("en", "English", "ltr"),
    "ar": Langue("ar", "العربية", "rtl"),
}


def langue_valide(code: object) -> str:
    """The code if it is one of LANGUES, French otherwise: a value a client sent (an action's
    argument, a replayed URL) is never used as a language as it is."""
    return code if isinstance(code, str) and code in LANGUES else LANGUE_DES_DOCUMENTS


def fichier_de_traduction(code: str) -> str:
    """The translation file's name in the package's sources folder (XLIFF 1.2)."""
    return f"rdvrefere-{code}.xlf"
