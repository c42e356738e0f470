"""Département of residence → the authority (« CONTRE »), its address and the competent tribunal administratif.

The authority is the one that issues the titre: « le titre de séjour est délivré par le préfet du
département dans lequel l'étranger a sa résidence et, à Paris, par le préfet de police » (CESEDA
R. 431-20); the tribunal is the one in whose area that authority has its seat
(CJA R. 312-1, areas fixed by R. 221-3). Data: `departements.csv` (104 rows: 101 départements and
Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, where book IV of CESEDA applies with « le
représentant de l'Etat dans la collectivité » for « le préfet »: D. 441-2, R. 442-3, R. 443-3). Its
`sources` column says where each overseas row and each address comes from; an address nobody could
source is left empty and the requête names the authority alone.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from .mots import Texte

__all__ = ["Juridiction", "JuridictionInconnue", "juridiction", "toutes_les_juridictions", "normaliser_code",
           "COLLECTIVITES_COUVERTES", "COLLECTIVITES_NON_COUVERTES"]

# Collectivities where foreigners' residence law is not CESEDA: not covered on purpose. Each has
# its own ordonnance (listed by the former CESEDA L. 111-2): n° 2000-371 du 26 avril 2000 (îles
# Wallis et Futuna), n° 2000-372 du 26 avril 2000 (Polynésie française), n° 2002-388 du 20 mars
# 2002 (Nouvelle-Calédonie). code → (name as it opens a sentence, agreement of « couvert », text).
_NON_COUVERTES = {
    "986": ("Wallis-et-Futuna", "", "l'ordonnance n° 2000-371 du 26 avril 2000 relative aux conditions "
            "d'entrée et de séjour des étrangers dans les îles Wallis et Futuna"),
    "987": ("La Polynésie française", "e", "l'ordonnance n° 2000-372 du 26 avril 2000 relative aux conditions "
            "d'entrée et de séjour des étrangers en Polynésie française"),
    "988": ("La Nouvelle-Calédonie", "e", "l'ordonnance n° 2002-388 du 20 mars 2002 relative aux conditions "
            "d'entrée et de séjour des étrangers en Nouvelle-Calédonie"),
}
COLLECTIVITES_NON_COUVERTES = {code: nom for code, (nom, _, _) in _NON_COUVERTES.items()}

# Overseas collectivities that are covered: where the applicant lives (« résidant à … »), the article
# of CESEDA that puts « le représentant de l'Etat dans la collectivité » for « le préfet » in book IV.
COLLECTIVITES_COUVERTES = {
    "975": ("à Saint-Pierre-et-Miquelon", "D. 441-2"),
    "977": ("à Saint-Barthélemy", "R. 442-3"),
    "978": ("à Saint-Martin", "R. 443-3"),
}
# « la préfecture de Saint-Barthélemy et de Saint-Martin » (décret n° 2009-907 du 24 juillet 2009),
# where « préfet » → « préfecture » cannot be derived from the authority's designation.
_PREFECTURES = {"977": "la préfecture de Saint-Barthélemy et de Saint-Martin",
                "978": "la préfecture de Saint-Barthélemy et de Saint-Martin"}


class JuridictionInconnue(ValueError):
    """The code is not one of the 104 covered; `str()` is a French sentence, `args[0]` the same as a
    mots.Texte (shown in the client's language)."""


@dataclass(frozen=True)
class Juridiction:
    code: str
    departement: str
    autorite: str          # « préfet de la Seine-Saint-Denis », « préfet de police »
    ville_tribunal: str    # « Montreuil », « la Guadeloupe », « Saint-Martin »
    adresse: str = ""      # the préfecture's postal address, when a source gives it (else "")

    @property
    def tribunal(self) -> str:
        """« Tribunal administratif de Montreuil »."""
        return f"Tribunal administratif de {self.ville_tribunal}"

    @property
    def autorite_article(self) -> str:
        """« le préfet de police », « le préfet de la Seine-Saint-Denis », « le représentant de l'État… »."""
        return f"le {self.autorite}"

    @property
    def prefecture(self) -> str:
        """« la préfecture de la Seine-Saint-Denis », « la préfecture de police »."""
        return _PREFECTURES.get(self.code) or "la " + self.autorite.replace("préfet", "préfecture", 1)

    @property
    def collectivite(self) -> bool:
        """An overseas collectivity (975, 977, 978) rather than a département."""
        return self.code in COLLECTIVITES_COUVERTES

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "departement": self.departement, "autorite": self.autorite,
                "tribunal": self.tribunal, "adresse": self.adresse}


@functools.cache
def _table() -> dict[str, Juridiction]:
    texte = resources.files("docassemble.rdvrefere").joinpath("departements.csv").read_text("utf-8")
    return {row["code"]: Juridiction(row["code"], row["departement"], row["autorite"], row["tribunal"],
                                     (row.get("adresse") or "").strip())
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
    if normalise in _NON_COUVERTES:
        nom, e, texte = _NON_COUVERTES[normalise]
        # one written template per agreement: scripts/phrases.py finds only written ones
        if e:
            message = Texte("{nom} ({code}) n'est pas couverte : le séjour des étrangers n'y relève pas du code de "
                            "l'entrée et du séjour des étrangers et du droit d'asile (CESEDA) mais de {texte}. "
                            "Adressez-vous à une association d'aide aux étrangers ou à un avocat sur place.",
                            nom=nom, code=normalise, texte=texte)
        else:
            message = Texte("{nom} ({code}) n'est pas couvert : le séjour des étrangers n'y relève pas du code de "
                            "l'entrée et du séjour des étrangers et du droit d'asile (CESEDA) mais de {texte}. "
                            "Adressez-vous à une association d'aide aux étrangers ou à un avocat sur place.",
                            nom=nom, code=normalise, texte=texte)
        raise JuridictionInconnue(message)
    if normalise in {"20"}:
        raise JuridictionInconnue(Texte("La Corse a deux départements : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse)."))
    raise JuridictionInconnue(
        Texte("« {code} » n'est pas un code de département connu (01 à 95, 2A, 2B, 971 à 978).", code=code))


def toutes_les_juridictions() -> list[Juridiction]:
    """Every covered département and collectivity, in the table's order."""
    return list(_table().values())
