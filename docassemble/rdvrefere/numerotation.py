"""The one place that numbers the pièces.

`numeroter(dossier)` decides the order of the pièces and derives, for each, its number, its
label, its file name, its stamp and the « pièce n° N » the requête cites. The inventory, the
stamps, the file names, the requête, the guide and the manifest all ask it; nothing else counts.

Order (R. 412-2 CJA: continuous, increasing numbers, explicit labels):
0. pièce n° 1 is the proof that no decision exists, which Télérecours' mandatory « Acte
   attaqué » slot takes (as practice numbers the contested decision n° 1): the written request
   to the préfecture that went unanswered (a registered letter first), failing that the first
   pièce of attempts; the other pièces follow in the order below;
1. identity (`pieces` of catégorie « identite »), then situation of stay (« sejour »), then
   address (« domicile »): who the applicant is and why this préfet and this court;
2. the failed attempts, in chronological order, one pièce per ISO week (« série homogène »,
   R. 414-5, with an index page when it holds several attempts) or one per attempt;
3. the démarches towards the préfecture, by date;
4. the evidence of urgency, in the order given;
5. the other pièces, in the order given.
Only what has files becomes a pièce.

File names (R. 414-5; Télérecours rules in telerecours-citoyens.md): `NN_Label.pdf`, NN the
number with a leading zero below 10, the label folded to ASCII letters, digits, « - » and « _ »
(no accents, no « % / & . »), at most 80 characters before « .pdf ».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .dates import date_longue, heure_fr, jour_et_date
from .dossier import Dossier, Tentative
from .tentatives import lundi, tentatives_triees

__all__ = ["Piece", "ElementDeSerie", "numeroter", "nom_de_fichier", "libelle_ascii", "piece_de",
           "LONGUEUR_MAX_NOM", "Regroupement"]

LONGUEUR_MAX_NOM = 80  # characters before « .pdf »
Regroupement = Literal["semaine", "tentative"]

Categorie = Literal["identite", "sejour", "domicile", "tentatives", "demarche", "urgence", "autre"]


@dataclass(frozen=True)
class ElementDeSerie:
    """One item of a « série homogène »: what it is and the files that show it."""

    description: str
    fichiers: tuple[Path, ...]


@dataclass(frozen=True)
class Piece:
    """A numbered pièce and everything derived from its number."""

    numero: int
    libelle: str                    # French, with accents: inventory, requête, guide
    categorie: Categorie
    fichiers: tuple[Path, ...]      # the inputs, in order
    sources: tuple[str, ...]        # dossier paths it comes from: « tentatives[2] », « pieces[1] »
    serie: tuple[ElementDeSerie, ...] = field(default=())  # non-empty: a série with an index page
    acte_attaque: bool = False      # goes in Télérecours' mandatory « Acte attaqué » slot

    @property
    def nom_fichier(self) -> str:
        return nom_de_fichier(self.numero, self.libelle)

    @property
    def tampon(self) -> str:
        """Stamped on every page: « Pièce n° 3 »."""
        return f"Pièce n° {self.numero}"

    @property
    def reference(self) -> str:
        """As the requête cites it: « pièce n° 3 »."""
        return f"pièce n° {self.numero}"

    @property
    def nom_telerecours(self) -> str:
        """What to type in « Nommer la pièce n° X »: the file name without « .pdf »."""
        return self.nom_fichier.removesuffix(".pdf")


def libelle_ascii(libelle: str) -> str:
    """« Capture d'écran du 1er août » → « Capture_d_ecran_du_1er_aout »."""
    texte = libelle.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    texte = unicodedata.normalize("NFKD", texte)
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    texte = re.sub(r"[^A-Za-z0-9-]+", "_", texte)
    return re.sub(r"_+", "_", texte).strip("_-") or "Piece"


def nom_de_fichier(numero: int, libelle: str) -> str:
    """`NN_Label.pdf`, at most LONGUEUR_MAX_NOM characters before the extension, cut at a word."""
    prefixe = f"{numero:02d}_"
    place = LONGUEUR_MAX_NOM - len(prefixe)
    label = libelle_ascii(libelle)
    if len(label) > place:
        coupe = label[:place]
        if label[place] != "_" and "_" in coupe[place // 2:]:
            coupe = coupe[: coupe.rindex("_")]
        label = coupe.strip("_-")
    return f"{prefixe}{label}.pdf"


def _court(texte: str, longueur: int = 60) -> str:
    """A short form of free text for a label: first sentence, cut at a word."""
    texte = " ".join(texte.split()).split(". ")[0].rstrip(".")
    if len(texte) <= longueur:
        return texte
    return texte[:longueur].rsplit(" ", 1)[0] + "…"


_LIBELLE_DEMARCHE = {
    "courriel": "Courriel à la préfecture du {date}",
    "lrar": "Lettre recommandée avec AR à la préfecture du {date}",
    "contact_anef": "Demande au centre de contact citoyen de l'ANEF du {date}",
    "accueil_numerique": "Passage au point d'accueil numérique de la préfecture du {date}",
    "autre": "Démarche auprès de la préfecture du {date}",
}
# Which démarche best proves that no decision exists, for the « Acte attaqué » slot.
_PREFERENCE_ACTE = ("lrar", "courriel", "contact_anef", "accueil_numerique", "autre")


def _description_tentative(tentative: Tentative) -> str:
    return f"Tentative du {jour_et_date(tentative.date)} à {heure_fr(tentative.heure)} : {tentative.constat}"


def _brouillons_tentatives(dossier: Dossier, regroupement: Regroupement) -> list[dict]:
    groupes: dict[object, list[tuple[int, Tentative]]] = {}
    for position, tentative in tentatives_triees(dossier.tentatives):
        if tentative.fichiers:
            cle = lundi(tentative.date) if regroupement == "semaine" else position
            groupes.setdefault(cle, []).append((position, tentative))
    brouillons = []
    for groupe in groupes.values():
        if len(groupe) == 1:
            (position, tentative), = groupe
            libelle = f"Capture d'écran de la tentative du {date_longue(tentative.date)} à {heure_fr(tentative.heure)}"
            serie: tuple[ElementDeSerie, ...] = ()
        else:
            libelle = f"Captures d'écran des tentatives de la semaine du {date_longue(lundi(groupe[0][1].date))}"
            serie = tuple(ElementDeSerie(_description_tentative(t), tuple(t.fichiers)) for _, t in groupe)
        brouillons.append({
            "libelle": libelle, "categorie": "tentatives", "serie": serie,
            "fichiers": tuple(f for _, t in groupe for f in t.fichiers),
            "sources": tuple(f"tentatives[{p}]" for p, _ in groupe),
        })
    return brouillons


def numeroter(dossier: Dossier, *, regroupement: Regroupement = "semaine",
              libelles: dict[str, str] | None = None) -> list[Piece]:
    """Every pièce of the dossier, numbered 1, 2, 3… in filing order (see module docstring).
    `libelles` (source → label, e.g. {"tentatives[2]": "…"}) replaces the label of the pièce
    whose first source matches: staff relabelling a pièce whose label is computed."""
    brouillons: list[dict] = []
    for categorie in ("identite", "sejour", "domicile"):
        brouillons += [{"libelle": p.libelle, "categorie": categorie, "fichiers": tuple(p.fichiers),
                        "sources": (f"pieces[{i}]",)}
                       for i, p in enumerate(dossier.pieces, 1) if p.categorie == categorie]
    brouillons += _brouillons_tentatives(dossier, regroupement)
    demarches = sorted(enumerate(dossier.demarches, 1), key=lambda paire: paire[1].date)
    brouillons += [{"libelle": _LIBELLE_DEMARCHE[d.nature].format(date=date_longue(d.date)),
                    "categorie": "demarche", "fichiers": tuple(d.fichiers), "sources": (f"demarches[{i}]",),
                    "nature": d.nature, "date": d.date}
                   for i, d in demarches if d.fichiers]
    brouillons += [{"libelle": c.libelle or f"Justificatif : {_court(c.texte)}", "categorie": "urgence",
                    "fichiers": tuple(c.fichiers), "sources": (f"urgence.circonstances[{i}]",)}
                   for i, c in enumerate(dossier.urgence.circonstances, 1) if c.fichiers]
    brouillons += [{"libelle": p.libelle, "categorie": "autre", "fichiers": tuple(p.fichiers),
                    "sources": (f"pieces[{i}]",)}
                   for i, p in enumerate(dossier.pieces, 1) if p.categorie == "autre"]

    acte = _choisir_acte_attaque(brouillons)
    if acte is not None:
        brouillons.insert(0, brouillons.pop(acte))
    libelles = {source: texte.strip() for source, texte in (libelles or {}).items() if texte and texte.strip()}
    return [Piece(numero=numero, libelle=libelles.get(b["sources"][0], b["libelle"]), categorie=b["categorie"],
                  fichiers=b["fichiers"],
                  sources=b["sources"], serie=b.get("serie", ()), acte_attaque=(acte is not None and numero == 1))
            for numero, b in enumerate(brouillons, start=1)]


def _choisir_acte_attaque(brouillons: list[dict]) -> int | None:
    """L. 521-3 attacks no decision, yet the portal's « Acte attaqué » slot is mandatory: it
    takes the proof that none exists. Returns the index of that draft pièce."""
    demarches = [(i, b) for i, b in enumerate(brouillons) if b["categorie"] == "demarche"]
    if demarches:
        i, _ = min(demarches, key=lambda paire: (_PREFERENCE_ACTE.index(paire[1]["nature"]), paire[1]["date"]))
        return i
    return next((i for i, b in enumerate(brouillons) if b["categorie"] == "tentatives"), None)


def piece_de(pieces: list[Piece], source: str) -> Piece | None:
    """The pièce that holds a dossier element (« tentatives[2] »), if any."""
    return next((p for p in pieces if source in p.sources), None)

