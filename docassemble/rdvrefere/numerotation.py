"""The one place that numbers the pièces.

`numeroter(dossier)` decides the order of the pièces and derives, for each, its number, its
label, its file name, its stamp and the « pièce n° N » the requête cites. The inventory, the
stamps, the file names, the requête, the guide and the manifest all ask it; nothing else counts.

Order (R. 412-2 CJA: continuous, increasing numbers, explicit labels):
0. pièce n° 1 is the proof that no decision exists, which Télérecours' mandatory « Acte
   attaqué » slot takes (as practice numbers the contested decision n° 1): the written request
   to the préfecture that went unanswered (a registered letter first), failing that the first
   pièce of attempts — the whole série of the first week with its index page (one attempt with
   `regroupement="tentative"`), never a capture split from its série; the other pièces follow
   in the order below (identity and séjour right after it);
1. identity (`pieces` of catégorie « identite »), then situation of stay (« sejour »), then
   address (« domicile »): who the applicant is and why this préfet and this court. A pièce
   without a catégorie (or « autre ») is classified from its label by `categorie_de_piece`,
   the one place that does it (numbering, `check` and the requête all use the result);
2. the failed attempts, in chronological order, one pièce per ISO week (« série homogène »,
   R. 414-5, with an index page when it holds several attempts) or one per attempt;
3. the démarches towards the préfecture, by date;
4. the evidence of urgency, in the order given;
5. the other pièces, in the order given.
Only what has files becomes a pièce.

File names (R. 414-5; Télérecours rules in telerecours-citoyens.md): `NN_Label.pdf`, NN the
number with a leading zero below 10, the label folded to ASCII letters, digits, « - » and « _ »
(no accents, no « % / & . »), at most 80 characters before « .pdf », cut at a word and never
ending on a dangling short word (« de la », « du », « d' », « et », « pour »…).
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
           "categorie_de_piece", "couper_au_mot", "LONGUEUR_MAX_NOM", "Regroupement", "MOTS_CLES_CATEGORIE"]

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


def _sans_accents(texte: str) -> str:
    """Lower case, no accents, typographic apostrophe as « ' »: for comparing words."""
    texte = unicodedata.normalize("NFKD", texte.replace("\u2019", "'").replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in texte if not unicodedata.combining(c)).lower()


# Words a cut label must not end on (issue 9, point 16): articles, prepositions, conjunctions,
# possessives, compared without accents (« à » is « a »); « d' » and « l' » are cut off too.
MOTS_PENDANTS = frozenset({
    "de", "la", "le", "les", "du", "des", "d", "l", "un", "une", "et", "ou", "a", "au", "aux", "en", "pour",
    "par", "sur", "sous", "avec", "sans", "dans", "chez", "vers", "entre", "contre", "selon", "depuis",
    "qui", "que", "qu", "dont", "son", "sa", "ses", "mon", "ma", "mes", "leur", "leurs", "ce", "cette", "ces",
})


def couper_au_mot(texte: str, longueur: int, separateur: str = " ") -> str:
    """`texte` cut to at most `longueur` characters at a word boundary (mid-word only if no
    boundary lies in its second half), then stripped of trailing dangling short words
    (« de la », « du », « d' »…) so that a label never ends on one. Unchanged if short enough."""
    if len(texte) <= longueur:
        return texte
    coupe = texte[:longueur]
    if texte[longueur] != separateur and separateur in coupe[longueur // 2:]:
        coupe = coupe[: coupe.rindex(separateur)]
    mots = re.split(f"({re.escape(separateur)}+)", coupe.strip(separateur + "-"))
    while len(mots) > 2:
        dernier = re.split(r"['\u2019]", mots[-1])
        if _sans_accents(mots[-1]) in MOTS_PENDANTS:
            mots = mots[:-2]
        elif len(dernier) > 1 and _sans_accents(dernier[-1]) in MOTS_PENDANTS | {""}:
            mots = mots[:-2]        # « d'accueil » cut to « d' »
        else:
            break
    return "".join(mots).strip(separateur + "-'\u2019,;:")


def nom_de_fichier(numero: int, libelle: str) -> str:
    """`NN_Label.pdf`, at most LONGUEUR_MAX_NOM characters before the extension, cut at a word,
    never ending on a dangling short word (« …_de_la.pdf »)."""
    prefixe = f"{numero:02d}_"
    label = couper_au_mot(libelle_ascii(libelle), LONGUEUR_MAX_NOM - len(prefixe), "_")
    return f"{prefixe}{label.strip('_-') or 'Piece'}.pdf"


def _court(texte: str, longueur: int = 60) -> str:
    """A short form of free text for a label: first sentence, cut at a word, never on « de la »."""
    texte = " ".join(texte.split()).split(". ")[0].rstrip(".")
    if len(texte) <= longueur:
        return texte
    return couper_au_mot(texte, longueur) + "…"


# --- Category of a pièce -----------------------------------------------------------------
# A pièce given without a catégorie (or as « autre ») is classified from its label, so that it is
# numbered with its kind and cited where it proves something (issue 9, point 9). Keywords are
# compared without accents or case, on whole words; the keyword found first in the label decides
# (« Passeport avec visa » is identity, « Visa long séjour (passeport) » is séjour).
# Left out on purpose: a bare « titre » (titre de propriété, de transport…) and « avis
# d'imposition », which proves resources more often than the address.
MOTS_CLES_CATEGORIE: dict[str, tuple[str, ...]] = {
    "identite": ("passeport", "carte d'identite", "carte nationale d'identite", "piece d'identite",
                 "document d'identite", "acte de naissance", "extrait de naissance", "extrait d'acte de naissance",
                 "copie integrale de naissance", "jugement suppletif", "carte consulaire"),
    "sejour": ("titre de sejour", "carte de sejour", "carte de resident", "recepisse", "visa", "vls-ts", "aps",
               "autorisation provisoire de sejour", "attestation de prolongation", "attestation de depot",
               "attestation de demande d'asile", "document de circulation", "dcem", "carte pluriannuelle",
               "titre actuel", "titre en cours"),
    "domicile": ("justificatif de domicile", "preuve de domicile", "facture", "quittance", "bail",
                 "contrat de location", "attestation d'hebergement", "hebergement", "domiciliation",
                 "election de domicile", "taxe d'habitation", "assurance habitation"),
}
_MOTIFS_CATEGORIE = [(categorie, re.compile(rf"(?<![\w-]){re.escape(mot)}(?![\w-])"))
                     for categorie, mots in MOTS_CLES_CATEGORIE.items() for mot in mots]


def categorie_de_piece(libelle: str, categorie: str | None = None) -> str:
    """The catégorie a pièce of `pieces` is numbered and cited under: the one given, unless it is
    missing or « autre », then the one its label names (`MOTS_CLES_CATEGORIE`), else « autre »."""
    if categorie and categorie != "autre":
        return categorie
    texte = _sans_accents(libelle or "")
    trouvees = [(motif.search(texte).start(), rang, cat) for rang, (cat, motif) in enumerate(_MOTIFS_CATEGORIE)
                if motif.search(texte)]
    return min(trouvees)[2] if trouvees else "autre"


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
    categories = [categorie_de_piece(p.libelle, p.categorie) for p in dossier.pieces]
    for categorie in ("identite", "sejour", "domicile"):
        brouillons += [{"libelle": p.libelle, "categorie": categorie, "fichiers": tuple(p.fichiers),
                        "sources": (f"pieces[{i}]",)}
                       for i, p in enumerate(dossier.pieces, 1) if categories[i - 1] == categorie]
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
                   for i, p in enumerate(dossier.pieces, 1) if categories[i - 1] == "autre"]

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
    takes the proof that none exists. Returns the index of that draft pièce: the preferred
    démarche, else the first pièce of attempts — a whole weekly série, as `_brouillons_tentatives`
    grouped it (issue 9, point 17), or the first attempt with `regroupement="tentative"`."""
    demarches = [(i, b) for i, b in enumerate(brouillons) if b["categorie"] == "demarche"]
    if demarches:
        i, _ = min(demarches, key=lambda paire: (_PREFERENCE_ACTE.index(paire[1]["nature"]), paire[1]["date"]))
        return i
    return next((i for i, b in enumerate(brouillons) if b["categorie"] == "tentatives"), None)


def piece_de(pieces: list[Piece], source: str) -> Piece | None:
    """The pièce that holds a dossier element (« tentatives[2] »), if any."""
    return next((p for p in pieces if source in p.sources), None)

