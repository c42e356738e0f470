"""A dossier transmis (issue 8): what the client sent, as the core reads it, and what staff
changed on top of it. Plain Python, no docassemble import.

The client's session is the client's alone (encrypted). When the client finishes the review,
the interview sends the dossier's data in the core's schema (`dossier.py`, the CLI's format),
with every file replaced by a reference `{"nom": "passeport.jpg", "sha256": "…"}` to a copy
kept in the server's database (`registre.py`). Staff never touch that data: their work is a
separate set of corrections applied on top of the client's latest version:

- `textes`     path → {texte, origine}: a free text the requête quotes, reworded by staff; kept
               only while the client's text at that path is still `origine`;
- `libelles`   pièce identity → label: a pièce renamed by staff;
- `retirees`   pièce identities removed from the bundle (attempts cannot be removed);
- `ajoutees`   pièces staff added: {libelle, categorie, fichiers: [references]};
- `conclusions` delai_jours, delai_rdv_jours, astreinte_euros (L. 911-1 and L. 911-3 CJA).

A pièce's identity is its category and the list of its files' sha256 (`identite_de_piece`): it
follows the content when the client sends a new version in another order, and lapses when the
content changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from .numerotation import categorie_de_piece

__all__ = ["CORRECTIONS_VIDES", "vers_json", "empreinte", "references", "appliquer", "materialiser",
           "identite_de_piece", "identite_d_element", "libelles_par_source", "lire_chemin", "ecrire_chemin", "nom_de_fichier_sur"]

CORRECTIONS_VIDES: dict = {"textes": {}, "libelles": {}, "retirees": [], "ajoutees": [], "conclusions": {}}

# Where files sit in the core's data: lists of elements that carry `fichiers`.
_LISTES_A_FICHIERS = ("tentatives", "demarches", "pieces")


def vers_json(valeur: object) -> object:
    """The interview's values as JSON: dates « 2026-10-05 », times « 09:30 » (the core reads both)."""
    if isinstance(valeur, dict):
        return {str(k): vers_json(v) for k, v in valeur.items()}
    if isinstance(valeur, list | tuple):
        return [vers_json(v) for v in valeur]
    if isinstance(valeur, dt.datetime):
        return valeur.date().isoformat()
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    if isinstance(valeur, dt.time):
        return valeur.strftime("%H:%M")
    if valeur is None or isinstance(valeur, str | int | float | bool):
        return valeur
    return str(valeur)


def empreinte(valeur: object) -> str:
    """sha256 of the canonical JSON of a value: equal data, equal fingerprint."""
    texte = json.dumps(vers_json(valeur), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def _elements_a_fichiers(donnees: dict) -> Iterable[dict]:
    for liste in _LISTES_A_FICHIERS:
        yield from (e for e in donnees.get(liste) or [] if isinstance(e, dict))
    yield from (c for c in (donnees.get("urgence") or {}).get("circonstances") or [] if isinstance(c, dict))


def references(donnees: dict) -> list[dict]:
    """Every file reference of the data, in order."""
    return [f for e in _elements_a_fichiers(donnees) for f in e.get("fichiers") or [] if isinstance(f, dict)]


# --- paths « tentatives[2].constat » ------------------------------------------------------------

_ETAPE = re.compile(r"([a-z_]+)(?:\[([1-9]\d*)\])?")  # 1-based: « [0] » is no path


def _etapes(chemin: str) -> list[tuple[str, int | None]]:
    etapes = []
    for morceau in chemin.split("."):
        trouve = _ETAPE.fullmatch(morceau)
        if not trouve:
            raise KeyError(chemin)
        etapes.append((trouve.group(1), int(trouve.group(2)) if trouve.group(2) else None))
    return etapes


def lire_chemin(donnees: dict, chemin: str) -> object:
    """The value at a 1-based path (« tentatives[2].constat »), None if absent."""
    valeur: object = donnees
    for cle, rang in _etapes(chemin):
        if not isinstance(valeur, dict):
            return None
        valeur = valeur.get(cle)
        if rang is not None:
            if not isinstance(valeur, list) or not 1 <= rang <= len(valeur):
                return None
            valeur = valeur[rang - 1]
    return valeur


def ecrire_chemin(donnees: dict, chemin: str, nouvelle: object) -> None:
    etapes = _etapes(chemin)
    parent: object = donnees
    for cle, rang in etapes[:-1]:
        parent = parent[cle] if rang is None else parent[cle][rang - 1]
    cle, rang = etapes[-1]
    if rang is None:
        parent[cle] = nouvelle
    else:
        parent[cle][rang - 1] = nouvelle


# --- staff corrections ---------------------------------------------------------------------------

_CATEGORIE_DE_LA_LISTE = {"tentatives": "tentatives", "demarches": "demarche", "circonstances": "urgence"}


def identite_de_piece(shas: Iterable[str], categorie: str) -> str:
    """A pièce's identity: its category in the numbering (numerotation.Piece.categorie) and its
    files' sha256 (« autre:3f…+9a… »). The category tells apart the same file given twice."""
    return f"{categorie}:" + "+".join(shas)


def identite_d_element(liste: str, element: dict) -> str:
    """The identity of the pièce an element of the data makes (`liste`: « pieces »,
    « tentatives », « demarches » or « circonstances »)."""
    categorie = (categorie_de_piece(str(element.get("libelle") or ""), element.get("categorie")) if liste == "pieces"
                 else _CATEGORIE_DE_LA_LISTE[liste])  # as numerotation.numeroter classifies it
    return identite_de_piece((f.get("sha256", "") for f in element.get("fichiers") or [] if isinstance(f, dict)),
                             categorie)


def appliquer(donnees: dict, corrections: dict | None) -> dict:
    """The client's data with staff corrections applied (texts, removed and added pièces,
    conclusions); a new dict, the client's is untouched. Labels are applied when numbering
    (`libelles_par_source`)."""
    resultat = copy.deepcopy(donnees)
    corrections = corrections or {}
    for chemin, correction in (corrections.get("textes") or {}).items():
        try:
            actuel = lire_chemin(resultat, chemin)
        except KeyError:
            continue
        if str(actuel or "").strip() == str(correction.get("origine") or "").strip():
            try:
                ecrire_chemin(resultat, chemin, correction.get("texte") or None)
            except (KeyError, IndexError, TypeError):  # the client's new version no longer has that element
                continue
    retirees = set(corrections.get("retirees") or [])
    if retirees:
        resultat["pieces"] = [p for p in resultat.get("pieces") or [] if identite_d_element("pieces", p) not in retirees]
        for liste, elements in (("demarches", resultat.get("demarches") or []),
                                ("circonstances", (resultat.get("urgence") or {}).get("circonstances") or [])):
            for element in elements:
                if element.get("fichiers") and identite_d_element(liste, element) in retirees:
                    element["fichiers"] = []
    resultat["pieces"] = [*(resultat.get("pieces") or []),
                          *(copy.deepcopy(p) for p in corrections.get("ajoutees") or [])]
    conclusions = {k: v for k, v in (corrections.get("conclusions") or {}).items() if v is not None}
    if corrections.get("conclusions"):
        resultat["conclusions"] = {**(resultat.get("conclusions") or {}), **conclusions}
        if "delai_rdv_jours" in corrections["conclusions"] and not corrections["conclusions"]["delai_rdv_jours"]:
            resultat["conclusions"].pop("delai_rdv_jours", None)  # staff removed it; absent: the client's stays
    return resultat


def libelles_par_source(pieces: Iterable, sha_du_chemin: dict[str, str], corrections: dict | None) -> dict[str, str]:
    """Staff labels as `numeroter(libelles=…)` wants them (first source → label), for the
    pièces (numerotation.Piece) whose files still are the ones staff renamed."""
    libelles = (corrections or {}).get("libelles") or {}
    if not libelles:
        return {}
    trouves = {}
    for piece in pieces:
        identite = identite_de_piece((sha_du_chemin.get(str(f), "?") for f in piece.fichiers), piece.categorie)
        if identite in libelles:
            trouves[piece.sources[0]] = libelles[identite]
    return trouves


# --- files ---------------------------------------------------------------------------------------

_OCTETS_MAX = 240  # file systems count a name's bytes (255 at most), not its characters


def _couper(texte: str, caracteres: int, octets: int) -> str:
    texte = texte[:caracteres]
    while len(texte.encode("utf-8")) > octets:
        texte = texte[:-1]
    return texte


def nom_de_fichier_sur(nom: object, defaut: str = "fichier") -> str:
    """A file name safe on any disk: no folder, no control character, at most 120 characters
    (and 240 bytes in UTF-8); the extension is kept (the core checks it against the content)."""
    texte = unicodedata.normalize("NFC", str(nom or "")).replace("\\", "/").split("/")[-1]
    texte = "".join(c for c in texte if c.isprintable() and c not in '<>:"|?*').strip().lstrip(".")
    if not texte:
        return defaut
    racine, point, extension = texte.rpartition(".")
    if point and len(extension) <= 10:
        suffixe = "." + extension
        return _couper(racine, 120 - len(suffixe), _OCTETS_MAX - len(suffixe.encode("utf-8"))) + suffixe
    return _couper(texte, 120, _OCTETS_MAX)


def materialiser(donnees: dict, dossier: Path, lire: Callable[[str, Path], None]) -> tuple[dict, dict[str, str]]:
    """Write every referenced file under `dossier` (`lire(sha256, destination)` writes one) and
    return (the core's data with relative paths, {absolute path: sha256})."""
    resultat = copy.deepcopy(donnees)
    dossier = Path(dossier)
    sha_du_chemin: dict[str, str] = {}
    for element in _elements_a_fichiers(resultat):
        chemins = []
        for reference in element.get("fichiers") or []:
            sha = str(reference.get("sha256") or "")
            if not re.fullmatch(r"[0-9a-f]{64}", sha):
                raise ValueError(f"référence de fichier invalide : {reference!r}")
            relatif = Path(sha[:16]) / nom_de_fichier_sur(reference.get("nom"))
            cible = dossier / relatif
            if not cible.exists():
                cible.parent.mkdir(parents=True, exist_ok=True)
                lire(sha, cible)
            sha_du_chemin[str(cible.resolve())] = sha
            chemins.append(str(relatif))
        element["fichiers"] = chemins
    return resultat, sha_du_chemin
