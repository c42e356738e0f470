"""Département of residence → the authority (« CONTRE ») and the competent tribunal administratif.

The authority is the one that issues the titre: « le titre de séjour est délivré par le préfet du
département dans lequel l'étranger a sa résidence et, à Paris, par le préfet de police » (CESEDA
R. 431-20); the tribunal is the one in whose area that authority has its seat
(CJA R. 312-1, areas fixed by R. 221-3). Data: `departements.csv` (101 rows).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

__all__ = ["Juridiction", "JuridictionInconnue", "juridiction", "toutes_les_juridictions", "normaliser_code"]

# Collectivities where foreigners' residence law differs: not covered on purpose.
COLLECTIVITES_NON_COUVERTES = {
    "975": "Saint-Pierre-et-Miquelon",
    "977": "Saint-Barthélemy",
    "978": "Saint-Martin",
    "986": "Wallis-et-Futuna",
    "987": "la Polynésie française",
    "988": "la Nouvelle-Calédonie",
}


class JuridictionInconnue(ValueError):
    """The code is not one of the 101 départements covered; `str()` is a French sentence."""


@dataclass(frozen=True)
class Juridiction:
    code: str
    departement: str
    autorite: str          # « préfet de la Seine-Saint-Denis », « préfet de police »
    ville_tribunal: str    # « Montreuil », « la Guadeloupe »

    @property
    def tribunal(self) -> str:
        """« Tribunal administratif de Montreuil »."""
        return f"Tribunal administratif de {self.ville_tribunal}"

    @property
    def autorite_article(self) -> str:
        """« le préfet de police », « le préfet de la Seine-Saint-Denis »."""
        return f"le {self.autorite}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "departement": self.departement, "autorite": self.autorite,
                "tribunal": self.tribunal}


@functools.cache
def _table() -> dict[str, Juridiction]:
    texte = resources.files("docassemble.rdvrefere").joinpath("departements.csv").read_text("utf-8")
    return {row["code"]: Juridiction(row["code"], row["departement"], row["autorite"], row["tribunal"])
            for row in csv.DictReader(io.StringIO(texte))}


def normaliser_code(code: str | int) -> str:
    """« 1 », 1, « 01 » → « 01 »; « 2a » → « 2A »."""
    texte = str(code).strip().upper()
    if texte.isdigit() and len(texte) == 1:
        texte = "0" + texte
    return texte


def juridiction(code: str | int) -> Juridiction:
    """The authority and tribunal for a département code; JuridictionInconnue otherwise."""
    normalise = normaliser_code(code)
    try:
        return _table()[normalise]
    except KeyError:
        pass
    if normalise in COLLECTIVITES_NON_COUVERTES:
        raise JuridictionInconnue(
            f"{COLLECTIVITES_NON_COUVERTES[normalise]} ({normalise}) n'est pas couvert : le droit du séjour "
            "y relève de textes particuliers. Adressez-vous à une association ou à un avocat sur place.")
    if normalise in {"20"}:
        raise JuridictionInconnue("La Corse a deux départements : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse).")
    raise JuridictionInconnue(
        f"« {code} » n'est pas un code de département connu (01 à 95, 2A, 2B, 971 à 974, 976).")


def toutes_les_juridictions() -> list[Juridiction]:
    """Every covered département, in the table's order."""
    return list(_table().values())
