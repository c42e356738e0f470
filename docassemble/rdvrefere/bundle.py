"""Build the filing bundle: requête, numbered and stamped pièces, inventaire, guide, manifest, zip.

One engine, two kinds of requête: `construire(dossier, …)` checks and numbers a référé dossier;
`assembler(pieces, tribunal, sortie, Redaction(…))` builds the bundle of any numbered pièces with
the requête, inventaire and guide the `Redaction` writes (execution.py: the demande d'exécution).

The bundle is built in a temporary folder beside the destination and moved into place only when
every file is written and within the portal's limits: a failed build leaves no half-written
bundle that looks complete, and never changes an input file.

Speed. The pièces are built by a few threads (``RDVREFERE_THREADS``, default: the CPU count,
at most ``FILS_MAX``; 1 builds everything in the calling thread, in order). Threads, not
processes: the engine also runs inside Celery's prefork workers, which cannot fork. The
output does not depend on the number of threads: each pièce is its own file, the manifest
lists them in order, and when several pièces fail the one reported is the first in order, as
in a build one pièce at a time. The requête and the inventaire go through LibreOffice in one
run, started as soon as the pièces holding word-processing documents are done: the other
pièces' page counts are known in advance (files examined, index pages laid out) and checked
against the built pièces at the end (the inventaire is made again if one differs). Every file
is examined once per build (``conversion._examens_memorises``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

from . import __version__
from . import conversion
from .conversion import (FichierRefuse, Limites, ajuster_taille, convertir_en_pdf, examiner_fichier, taille_en_mo,
                         tamponner)
from .dossier import Dossier
from .guide import etapes_du_depot, guide_en_texte
from .juridictions import Juridiction, juridiction
from .numerotation import Piece, Regroupement, numeroter
from .problemes import Probleme, erreurs
from .requete import docx_inventaire, docx_requete, pdfs_depuis_docx
from .tampon import police
from .types_fichiers import GENRES_TEXTE
from .verification import verifier

__all__ = ["DossierNonDeposable", "Fichier", "Manifeste", "Redaction", "assembler", "construire", "page_de_garde",
           "NOM_ZIP"]

NOM_ZIP = "Depot_Telerecours.zip"
NOM_GUIDE = "Guide_depot.txt"
FILS_MAX = 4              # threads building pièces (beyond that, memory grows and disks wait)


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
    # a pièce's lowest image resolution, in pixels per inch of the printed page (the image's
    # pixels over the page's size: a lower bound, the image is drawn inside the margins); None
    # when the pièce holds no image (issue 15: photos are never below 150 dpi on A4)
    dpi_min: int | None = None


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


def sha256_du_fichier(chemin: Path | str) -> str:
    """sha256 of a file, read by blocks (the manifest's, the register's)."""
    empreinte = hashlib.sha256()
    with Path(chemin).open("rb") as flux:
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
                   sha256_du_fichier(destination), piece.numero, piece.libelle, piece.acte_attaque,
                   _dpi_min(destination))


def _dpi_min(chemin: Path) -> int | None:
    """The lowest resolution of the images of a PDF, per page: pixels over the page's size
    (read from the PDF's objects, nothing decoded)."""
    import pikepdf  # noqa: PLC0415

    def images(ressources, vues: set) -> list:
        trouvees = []
        xobjets = ressources.get("/XObject") if ressources is not None else None
        for _, objet in (xobjets.items() if xobjets is not None else []):
            if objet.objgen in vues:
                continue
            vues.add(objet.objgen)
            if objet.get("/Subtype") == "/Image":
                trouvees.append(objet)
            elif objet.get("/Subtype") == "/Form":
                trouvees += images(objet.get("/Resources"), vues)
        return trouvees

    plus_bas = None
    with pikepdf.open(chemin) as doc:
        for page in doc.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            pouces = (abs(x1 - x0) / 72, abs(y1 - y0) / 72)
            for image in images(page.obj.get("/Resources"), set()):
                largeur, hauteur = int(image.get("/Width", 0)), int(image.get("/Height", 0))
                if largeur <= 1 or hauteur <= 1:
                    continue
                # the image fills the page along its longer side (rotated images are drawn sideways)
                dpi = max(largeur, hauteur) / max(pouces)
                plus_bas = dpi if plus_bas is None else min(plus_bas, dpi)
    return round(plus_bas) if plus_bas is not None else None


def _decrire(role: str, chemin: Path, **autres) -> Fichier:
    pages = _pages(chemin) if chemin.suffix == ".pdf" else None
    return Fichier(role, chemin.name, pages, chemin.stat().st_size, sha256_du_fichier(chemin), **autres)


def _nombre_de_fils() -> int:
    """Threads for the pièces: ``RDVREFERE_THREADS`` if set (1: no thread at all), else the CPU
    count, at most FILS_MAX."""
    try:
        demande = int(os.environ.get("RDVREFERE_THREADS", "0"))
    except ValueError:
        demande = 0
    if demande > 0:
        return demande
    return max(1, min(FILS_MAX, os.cpu_count() or 1))


def _dans_le_contexte(fonction):
    """`fonction`, each call run in a copy of the caller's context (the build's memory of examined
    files), as a context cannot be entered by two threads at once."""
    contexte = contextvars.copy_context()
    return lambda *a, **k: contexte.copy().run(fonction, *a, **k)


def _a_des_documents(piece: Piece) -> bool:
    """Whether the pièce holds word-processing files (LibreOffice; page count known only after)."""
    try:
        return any(examiner_fichier(f, piece=piece.reference).genre in GENRES_TEXTE for f in piece.fichiers)
    except FichierRefuse:
        return True        # its conversion will fail and say why: do not guess its pages


def _poids(piece: Piece) -> int:
    """Rough cost of building a pièce (bytes read), to start the longest ones first."""
    total = 0
    for fichier in piece.fichiers:
        try:
            total += Path(fichier).stat().st_size
        except OSError:
            pass
    return total


def _pages_prevues(piece: Piece) -> int | None:
    """The page count the pièce will have, from its files (pages or printed frames) and its
    index page; None when it cannot be known before building it."""
    if _a_des_documents(piece):
        return None
    try:
        lignes = page_de_garde(piece)
        pages = sum(examiner_fichier(f, piece=piece.reference).pages for f in piece.fichiers)
        if lignes:
            with pikepdf.open(io.BytesIO(conversion._page_de_garde(lignes))) as index:
                pages += len(index.pages)
        return pages
    except Exception:
        return None


def _refus_de_la_piece(piece: Piece, refus: FichierRefuse) -> DossierNonDeposable:
    return DossierNonDeposable([Probleme(piece.sources[0], refus.message)])


def _piece_ou_refus(piece: Piece, chantier: Path, limites: Limites) -> Fichier:
    try:
        return _construire_piece(piece, chantier, limites)
    except FichierRefuse as refus:
        raise _refus_de_la_piece(piece, refus) from None


def _construire_les_pieces(pieces: list[Piece], chantier: Path, limites: Limites, fils: int,
                           redaction=None) -> tuple[list[Fichier], object]:
    """Build every pièce into `chantier`, with `fils` threads; the Fichier of each, in order, and
    the future of `redaction`. The first failing pièce IN ORDER is the one reported (as
    DossierNonDeposable, as when built one at a time); pièces after a failed one are not started.
    `redaction(futures, arret)`, if given, runs in its own thread beside the pièces (it may wait
    for some of them); when this returns or raises, no thread is working in `chantier` any more."""
    if fils <= 1:
        return [_piece_ou_refus(piece, chantier, limites) for piece in pieces], None
    premier_echec = [len(pieces)]
    verrou = threading.Lock()

    def tache(i: int) -> Fichier:
        if i > premier_echec[0]:
            return None            # an earlier pièce failed: that one will be reported
        try:
            return _construire_piece(pieces[i], chantier, limites)
        except BaseException:
            with verrou:
                premier_echec[0] = min(premier_echec[0], i)
            raise

    # LibreOffice pièces first (the inventaire waits for their page counts), then the heaviest
    ordre = sorted(range(len(pieces)), key=lambda i: (not _a_des_documents(pieces[i]), -_poids(pieces[i]), i))
    ouvriers = ThreadPoolExecutor(max_workers=fils, thread_name_prefix="rdvrefere-piece")
    a_cote = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rdvrefere-redaction") if redaction else None
    futures = [None] * len(pieces)
    arret = threading.Event()
    try:
        for i in ordre:
            futures[i] = ouvriers.submit(_dans_le_contexte(tache), i)
        speculation = a_cote.submit(_dans_le_contexte(redaction), futures, arret) if a_cote else None
        resultats = []
        for piece, future in zip(pieces, futures):         # the first failure in order is raised
            try:
                resultats.append(future.result())
            except FichierRefuse as refus:
                raise _refus_de_la_piece(piece, refus) from None
        return resultats, speculation
    except BaseException:
        arret.set()
        raise
    finally:
        ouvriers.shutdown(wait=True, cancel_futures=True)     # nothing writes in `chantier` after this
        if a_cote:
            a_cote.shutdown(wait=True, cancel_futures=True)


def construire(dossier: Dossier, sortie: Path | str, *, aujourd_hui: dt.date | None = None,
               limites: Limites | None = None, regroupement: Regroupement = "semaine",
               libelles: dict[str, str] | None = None) -> Manifeste:
    """Write the whole bundle into `sortie` (replaced only on success) and return its manifest.
    Raises DossierNonDeposable with the reasons when the dossier cannot be filed as it is.
    `libelles` are staff labels for computed pièces (see numerotation.numeroter)."""
    with conversion._examens_memorises():
        return _construire(dossier, sortie, aujourd_hui=aujourd_hui, limites=limites, regroupement=regroupement,
                           libelles=libelles)


def _examiner_d_avance(dossier: Dossier, fils: int) -> None:
    """Examine every file with `fils` threads, so that the dossier check (one file after the
    other) finds them already examined. Refusals are left to the check, which words them."""
    def examiner(fichier):
        try:
            examiner_fichier(fichier)
        except Exception:
            pass
    fichiers = sorted({Path(f) for _, f in dossier.tous_les_fichiers()}, key=lambda f: -_taille(f))
    with ThreadPoolExecutor(max_workers=fils, thread_name_prefix="rdvrefere-examen") as ouvriers:
        list(ouvriers.map(_dans_le_contexte(examiner), fichiers))


def _taille(chemin: Path) -> int:
    try:
        return chemin.stat().st_size
    except OSError:
        return 0


def _construire(dossier: Dossier, sortie: Path | str, *, aujourd_hui: dt.date | None,
                limites: Limites | None, regroupement: Regroupement, libelles: dict[str, str] | None) -> Manifeste:
    aujourd_hui = aujourd_hui or dt.date.today()
    limites = limites or Limites()
    fils = _nombre_de_fils()
    if fils > 1:
        police(), police(gras=True)          # register the fonts once, before the threads
        _examiner_d_avance(dossier, fils)
    problemes = verifier(dossier, aujourd_hui=aujourd_hui, limites=limites)
    if erreurs(problemes):
        raise DossierNonDeposable(erreurs(problemes))

    pieces = numeroter(dossier, regroupement=regroupement, libelles=libelles)
    tribunal = juridiction(dossier.departement)
    redaction = Redaction(
        requete=lambda chemin: docx_requete(dossier, pieces, chemin, aujourd_hui=aujourd_hui),
        inventaire=lambda pages, chemin: docx_inventaire(dossier, pieces, pages, chemin),
        guide=lambda requete: guide_en_texte(etapes_du_depot(pieces, tribunal, requete=requete)))
    return _assembler(pieces, tribunal, sortie, redaction, limites=limites,
                      avertissements=[str(p) for p in problemes], fils=fils)


@dataclass(frozen=True)
class Redaction:
    """What one kind of requête writes around the engine's pièces (the référé's: `construire`; the
    demande d'exécution's: execution.py). Each callable closes over its own dossier and pièces."""

    requete: Callable[[Path], object]                      # write the requête as DOCX at this path
    inventaire: Callable[[dict[int, int], Path], object]   # write the inventaire as DOCX (numéro → pages)
    guide: Callable[[str], str]                            # the filing guide's text, given the requête's PDF name


def assembler(pieces: list[Piece], tribunal: Juridiction, sortie: Path | str, redaction: Redaction, *,
              limites: Limites | None = None, avertissements: list[str] | tuple[str, ...] = ()) -> Manifeste:
    """The engine for any kind of requête: build the numbered, stamped pièces, the requête and the
    inventaire (DOCX and PDF), the guide, the manifest and the zip into `sortie` (replaced only on
    success) and return the manifest. The caller has checked its own dossier and numbered the
    pièces (`Piece`, numerotation.py: names, stamps, references). Raises DossierNonDeposable when a
    file cannot become a pièce or a file is over the portal's limits."""
    limites = limites or Limites()
    fils = _nombre_de_fils()
    nombre = len(pieces) + 1  # the requête is a file of the deposit too
    if nombre > limites.nombre_max_fichiers:
        raise DossierNonDeposable([Probleme(
            "pieces", f"{nombre} fichiers à déposer : Télérecours citoyens en accepte au plus "
                      f"{limites.nombre_max_fichiers}. Regroupez des pièces.")])
    with conversion._examens_memorises():
        if fils > 1:
            police(), police(gras=True)      # register the fonts once, before the threads
        return _assembler(pieces, tribunal, sortie, redaction, limites=limites, avertissements=list(avertissements),
                          fils=fils)


def _assembler(pieces: list[Piece], tribunal: Juridiction, sortie: Path | str, redaction: Redaction, *,
               limites: Limites, avertissements: list[str], fils: int) -> Manifeste:
    sortie = Path(sortie).resolve()
    sortie.parent.mkdir(parents=True, exist_ok=True)
    chantier = Path(tempfile.mkdtemp(prefix=f".{sortie.name}.en-cours-", dir=sortie.parent))
    requete_docx, requete_pdf = chantier / "Requete.docx", chantier / "Requete.pdf"
    inventaire_docx, inventaire_pdf = chantier / "Inventaire.docx", chantier / "Inventaire.pdf"

    def rediger(futures, arret: threading.Event) -> dict[int, int] | None:
        """Beside the pièces: the requête and the inventaire (pages of the pièces foreseen, or
        waited for when they hold documents) through ONE LibreOffice run. Returns the page
        counts used, or None when it stopped early (a pièce failed)."""
        redaction.requete(requete_docx)
        pages = {}
        for piece, future in zip(pieces, futures):
            prevues = _pages_prevues(piece)
            if prevues is None:
                fichier = future.result()          # raises if that pièce failed: stop here
                if fichier is None:
                    return None
                prevues = fichier.pages
            pages[piece.numero] = prevues
        if arret.is_set():
            return None
        redaction.inventaire(pages, inventaire_docx)
        pdfs_depuis_docx([(requete_docx, requete_pdf), (inventaire_docx, inventaire_pdf)])
        return pages

    try:
        manifeste = Manifeste(tribunal.tribunal, tribunal.autorite, dt.datetime.now().isoformat(timespec="seconds"),
                              __version__, avertissements=list(avertissements))
        fichiers_pieces, speculation = _construire_les_pieces(pieces, chantier, limites, fils,
                                                              redaction=rediger if fils > 1 else None)
        pages = {f.numero: f.pages for f in fichiers_pieces}
        faits = None
        if speculation is not None:
            try:
                faits = speculation.result()
            except Exception:
                faits = None                      # done again below, where its error (if any) is raised
        if faits is None:
            redaction.requete(requete_docx)
            redaction.inventaire(pages, inventaire_docx)
            pdfs_depuis_docx([(requete_docx, requete_pdf), (inventaire_docx, inventaire_pdf)])
        elif faits != pages:                      # a foreseen page count was wrong: the inventaire again
            redaction.inventaire(pages, inventaire_docx)
            pdfs_depuis_docx([(inventaire_docx, inventaire_pdf)])
        manifeste.fichiers += [_decrire("requete", requete_pdf), _decrire("requete_docx", requete_docx)]
        manifeste.fichiers += fichiers_pieces
        manifeste.fichiers += [_decrire("inventaire", inventaire_pdf), _decrire("inventaire_docx", inventaire_docx)]
        guide = chantier / NOM_GUIDE
        guide.write_text(redaction.guide(requete_pdf.name), encoding="utf-8")
        manifeste.fichiers.append(_decrire("guide", guide))

        trop_gros = [f for f in manifeste.fichiers if f.role in {"requete", "piece"} and f.octets > limites.taille_max_fichier]
        if trop_gros:
            raise DossierNonDeposable([Probleme("", f"{f.fichier} pèse {taille_en_mo(f.octets)}, au-delà de la limite "
                                                    f"de {taille_en_mo(limites.taille_max_fichier)}.") for f in trop_gros])
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
