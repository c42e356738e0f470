"""Build the filing bundle: requête, numbered and stamped pièces, inventaire, guide, manifest, zip.

The bundle is built in a temporary folder beside the destination and moved into place only when
every file is written and within the portal's limits: a failed build leaves no half-written
bundle that looks complete, and never changes an input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

from . import __version__
from .conversion import FichierRefuse, Limites, ajuster_taille, convertir_en_pdf, examiner_fichier, tamponner
from .dossier import Dossier
from .guide import etapes_du_depot, guide_en_texte
from .juridictions import juridiction
from .numerotation import Piece, Regroupement, numeroter
from .problemes import Probleme, erreurs
from .requete import rendre_inventaire, rendre_requete
from .verification import verifier

__all__ = ["DossierNonDeposable", "Fichier", "Manifeste", "construire", "page_de_garde", "NOM_ZIP"]

NOM_ZIP = "Depot_Telerecours.zip"
NOM_GUIDE = "Guide_depot.txt"


class DossierNonDeposable(Exception):
    """The dossier has blocking errors, or a file could not become a pièce: nothing was written."""

    def __init__(self, problemes: list[Probleme]):
        super().__init__("\n".join(str(p) for p in problemes))
        self.problemes = problemes


@dataclass(frozen=True)
class Fichier:
    """One file of the bundle, as the manifest lists it."""

    role: str            # requete, requete_docx, piece, inventaire, inventaire_docx, guide
    fichier: str
    pages: int | None
    octets: int
    sha256: str
    numero: int | None = None
    libelle: str | None = None
    acte_attaque: bool = False


@dataclass
class Manifeste:
    tribunal: str
    autorite: str
    cree_le: str
    version: str
    fichiers: list[Fichier] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def pieces(self) -> list[Fichier]:
        return [f for f in self.fichiers if f.role == "piece"]


def _sha256(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with chemin.open("rb") as flux:
        for bloc in iter(lambda: flux.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def _pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def page_de_garde(piece: Piece) -> list[str] | None:
    """The index page of a « série homogène » (R. 414-5 CJA): what the pièce holds, and on which
    pages, so that the numbering inside the file matches the inventory."""
    if not piece.serie:
        return None
    lignes = [f"{piece.tampon} — {piece.libelle}", f"Cette pièce regroupe {len(piece.serie)} éléments :"]
    page = 2  # the index itself is page 1
    for rang, element in enumerate(piece.serie, 1):
        nombre = sum(examiner_fichier(f, piece=piece.reference).pages for f in element.fichiers)
        etendue = f"page {page}" if nombre == 1 else f"pages {page} à {page + nombre - 1}"
        lignes.append(f"{rang}. {element.description} ({etendue})")
        page += nombre
    return lignes


def _construire_piece(piece: Piece, dossier_sortie: Path, limites: Limites) -> Fichier:
    destination = dossier_sortie / piece.nom_fichier
    nom = f"la {piece.reference} ({piece.libelle})"
    convertir_en_pdf(piece.fichiers, destination, piece=nom, limites=limites, page_de_garde=page_de_garde(piece))
    tamponner(destination, piece.tampon)
    if destination.stat().st_size > limites.taille_max_fichier:
        ajuster_taille(destination, limites=limites, piece=nom)
    return Fichier("piece", piece.nom_fichier, _pages(destination), destination.stat().st_size,
                   _sha256(destination), piece.numero, piece.libelle, piece.acte_attaque)


def _decrire(role: str, chemin: Path, **autres) -> Fichier:
    pages = _pages(chemin) if chemin.suffix == ".pdf" else None
    return Fichier(role, chemin.name, pages, chemin.stat().st_size, _sha256(chemin), **autres)


def construire(dossier: Dossier, sortie: Path | str, *, aujourd_hui: dt.date | None = None,
               limites: Limites | None = None, regroupement: Regroupement = "semaine") -> Manifeste:
    """Write the whole bundle into `sortie` (replaced only on success) and return its manifest.
    Raises DossierNonDeposable with the reasons when the dossier cannot be filed as it is."""
    aujourd_hui = aujourd_hui or dt.date.today()
    limites = limites or Limites()
    sortie = Path(sortie).resolve()
    problemes = verifier(dossier, aujourd_hui=aujourd_hui, limites=limites)
    if erreurs(problemes):
        raise DossierNonDeposable(erreurs(problemes))

    pieces = numeroter(dossier, regroupement=regroupement)
    tribunal = juridiction(dossier.departement)
    sortie.parent.mkdir(parents=True, exist_ok=True)
    chantier = Path(tempfile.mkdtemp(prefix=f".{sortie.name}.en-cours-", dir=sortie.parent))
    try:
        manifeste = Manifeste(tribunal.tribunal, tribunal.autorite, dt.datetime.now().isoformat(timespec="seconds"),
                              __version__, avertissements=[str(p) for p in problemes])
        fichiers_pieces = []
        for piece in pieces:
            try:
                fichiers_pieces.append(_construire_piece(piece, chantier, limites))
            except FichierRefuse as refus:
                raise DossierNonDeposable([Probleme(piece.sources[0], refus.message)]) from None
        docx, pdf = rendre_requete(dossier, pieces, chantier, aujourd_hui=aujourd_hui)
        manifeste.fichiers += [_decrire("requete", pdf), _decrire("requete_docx", docx)]
        manifeste.fichiers += fichiers_pieces
        pages = {f.numero: f.pages for f in fichiers_pieces}
        inventaire_docx, inventaire_pdf = rendre_inventaire(dossier, pieces, pages, chantier)
        manifeste.fichiers += [_decrire("inventaire", inventaire_pdf), _decrire("inventaire_docx", inventaire_docx)]
        guide = chantier / NOM_GUIDE
        guide.write_text(guide_en_texte(etapes_du_depot(pieces, tribunal, requete=pdf.name)), encoding="utf-8")
        manifeste.fichiers.append(_decrire("guide", guide))

        trop_gros = [f for f in manifeste.fichiers if f.role in {"requete", "piece"} and f.octets > limites.taille_max_fichier]
        if trop_gros:
            raise DossierNonDeposable([Probleme("", f"{f.fichier} pèse {f.octets / 1e6:.1f} Mo, au-delà de la limite "
                                                    f"de {limites.taille_max_fichier / 1e6:.0f} Mo.") for f in trop_gros])
        (chantier / "manifest.json").write_text(json.dumps(manifeste.as_dict(), ensure_ascii=False, indent=2),
                                                encoding="utf-8")
        _zipper(chantier, chantier / NOM_ZIP)
        _remplacer(chantier, sortie)
    except BaseException:
        shutil.rmtree(chantier, ignore_errors=True)
        raise
    return manifeste


def _zipper(dossier_source: Path, zip_path: Path) -> None:
    """Zip every file of the bundle (PDF pages are already compressed: store them)."""
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for chemin in sorted(dossier_source.iterdir()):
            if chemin != zip_path:
                compression = zipfile.ZIP_STORED if chemin.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                archive.write(chemin, chemin.name, compress_type=compression)


def _remplacer(nouveau: Path, sortie: Path) -> None:
    """Put the finished bundle at `sortie`, swapping out any previous one."""
    if sortie.exists():
        ancien = sortie.with_name(f".{sortie.name}.ancien-{os.getpid()}")
        sortie.rename(ancien)
        nouveau.rename(sortie)
        shutil.rmtree(ancien, ignore_errors=True)
    else:
        nouveau.rename(sortie)
