"""From the user's uploads to the PDF of each pièce: check, convert, stamp, keep under the size cap.

Plain Python, no docassemble import (the docassemble layer hands plain paths down).

Rules implemented here:
- one pièce, one PDF file (CJA R. 414-5, décret n° 2020-1245): ``convertir_en_pdf`` writes all
  the files of a pièce, in order, into one PDF; a « série homogène » may get an index page
  (``page_de_garde``) listing what it holds;
- Télérecours citoyens takes PDF and word-processing files, not images (CAA Versailles,
  « Télérecours citoyens – en pratique »): everything becomes PDF;
- 32 Mo at most per file on the portal: ``Limites.taille_max_fichier`` keeps a margin, and
  ``ajuster_taille`` recompresses images before refusing.

Every refusal is a ``FichierRefuse`` whose French message names the file and the pièce and
says what to do; the message is a ``mots.Texte`` (the French ``str``, that also keeps its template
and values: the client's screens show it in the client's language, issue 13). Inputs are only
ever read; outputs appear complete or not at all.

The files of a pièce are examined, and its images converted, by a few threads (Pillow and
LibreOffice release the GIL; ``RDVREFERE_THREADS=1`` keeps everything in the calling thread).
Pages are still added in the files' order and, when several files are refused, the first in
order is reported, as when they are handled one after the other.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pikepdf
from PIL import Image

from . import images
from .bureautique import ConversionEchouee, convertir_documents
from .memoire import MemoireBornee
from .mots import Texte, phrase_a_envoyer
from .tampon import attribut_herite, police, tamponner
from .types_fichiers import (CONSEILS, EXTENSION_USUELLE, EXTENSIONS, GENRES_ACCEPTES, GENRES_IMAGE, GENRES_TEXTE,
                             categorie, description, detecter, pages_declarees)

__all__ = [
    "Limites", "FichierRefuse", "InfoFichier", "examiner_fichier", "convertir_en_pdf", "essayer_la_conversion",
    "tamponner", "ajuster_taille", "taille_en_mo", "GENRES_ACCEPTES", "TYPES_ACCEPTES", "EXTENSIONS_ACCEPTEES",
]

TYPES_ACCEPTES = ("un PDF, une photo ou une capture d'écran (JPEG, PNG, HEIC, WebP, GIF, TIFF), "
                  "ou un document texte (Word .docx ou .doc, OpenDocument .odt, RTF)")
EXTENSIONS_ACCEPTEES = tuple(EXTENSIONS)     # for the upload widget's « accept » list
# What a refusal tells the client to send instead: the common words only, the full list of formats
# (TYPES_ACCEPTES) stays beside the upload field (issue 14 point 8).
DEPOSEZ_PLUTOT = Texte("Déposez plutôt une photo, un PDF ou un document Word.")
_MIO = 1024 * 1024


@dataclass(frozen=True)
class Limites:
    """Settings, with defaults from the portal's rules (see telerecours-citoyens.md)."""
    taille_max_fichier: int = 30 * _MIO   # bytes per output file; the portal takes 32 Mo
    nombre_max_fichiers: int = 99         # whole deposit [unconfirmed], checked by the bundle
    pixels_max: int = 80_000_000          # refuse decompression bombs before decoding
    delai_conversion: float = 120.0       # seconds for LibreOffice on one pièce's documents


class FichierRefuse(Exception):
    """A file that cannot become (part of) a pièce.

    ``fichier``: its path; ``piece``: e.g. « pièce n° 3 », or a label, or ''; ``message``: a
    complete French sentence naming the file and the pièce, ready to show (a ``mots.Texte``:
    a screen shows it through ``tr()``, in the client's language); ``motif``: a short
    code for programs ('introuvable', 'vide', 'type', 'extension', 'mot_de_passe',
    'endommage', 'trop_grande', 'conversion', 'taille'). Picklable (background tasks)."""

    def __init__(self, message: str, fichier: Path, piece: str = "", motif: str = ""):
        super().__init__(message, str(fichier), piece, motif)
        self.message, self.fichier, self.piece, self.motif = message, Path(fichier), piece, motif

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class InfoFichier:
    chemin: Path
    genre: str     # 'pdf','jpeg','png','webp','gif','tiff','heif','docx','odt','rtf','doc'
    pages: int     # pages it will produce (images: printed frames); for word-processing files
                   # the count their metadata declares, 0 when unknown before conversion


def _le_fichier(nom: str, piece: str) -> Texte:
    """The subject of a refusal: « Le fichier « scan.jpg » (pièce n° 3) »."""
    if piece:
        return Texte("Le fichier « {nom} » ({piece})", nom=nom, piece=piece)
    return Texte("Le fichier « {nom} »", nom=nom)


def _refus(chemin: Path, piece: str, motif: str, message: Texte) -> FichierRefuse:
    return FichierRefuse(message, fichier=chemin, piece=piece, motif=motif)


def taille_en_mo(octets: int) -> Texte:
    """A size as people read it: « 62 Ko », « 0,5 Mo », « 9,4 Mo », « 30 Mo » (Mo of 1 024 × 1 024
    bytes, the unit of Limites.taille_max_fichier; Ko of 1 024 bytes). Never « 0 Mo »: under 0,1 Mo
    the size is in Ko, and under 1 Ko it reads « moins de 1 Ko » (issue 14 point 8). Every message
    and screen uses this one. A mots.Texte (the unit is translated; the number keeps its comma)."""
    if octets < _MIO / 10:
        if octets == 0:
            return Texte("{n} Ko", n=0)
        if octets < 1024:
            return Texte("moins de 1 Ko")
        return Texte("{n} Ko", n=round(octets / 1024))
    valeur = octets / _MIO
    texte = f"{valeur:.2f}" if valeur < 1 else f"{valeur:.1f}" if valeur < 100 else f"{valeur:.0f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return Texte("{n} Mo", n=texte.replace(".", ","))


# -- PDF reading ----------------------------------------------------------------------------

class _PdfIllisible(Exception):
    pass


def _ouvrir_pdf(chemin: Path) -> pikepdf.Pdf:
    """Open a PDF and read every page; raises pikepdf.PasswordError or _PdfIllisible.
    A PDF with only an owner password opens like any other (qpdf ignores restrictions)."""
    with open(chemin, "rb") as f:
        f.seek(max(0, os.path.getsize(chemin) - 1024))
        if b"%%EOF" not in f.read():
            # readers require %%EOF in the last 1024 bytes; its absence means a cut download
            raise _PdfIllisible("incomplet")
    try:
        doc = pikepdf.open(chemin)
    except pikepdf.PasswordError:
        raise
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as e:
        raise _PdfIllisible(str(e)) from e
    try:
        if len(doc.pages) == 0:
            raise _PdfIllisible("aucune page")
        for page in doc.pages:
            _lire_page(page)
    except _PdfIllisible:
        doc.close()
        raise
    except Exception as e:   # qpdf raises PdfError, RuntimeError, KeyError on broken objects
        doc.close()
        raise _PdfIllisible(str(e)) from e
    return doc


def _lire_page(page: pikepdf.Page) -> None:
    obj = page.obj
    if "/Contents" in obj.keys():
        contenus = obj.get("/Contents")
        flux = list(contenus) if isinstance(contenus, pikepdf.Array) else [contenus]
        for s in flux:
            if not isinstance(s, pikepdf.Stream):
                raise _PdfIllisible("contenu de page manquant")
            s.read_bytes()
    ressources = attribut_herite(obj, "/Resources")
    for xobjet in (ressources.get("/XObject", {}) if isinstance(ressources, pikepdf.Dictionary) else {}).values():
        if not isinstance(xobjet, pikepdf.Stream):
            raise _PdfIllisible("image ou objet de page manquant")
        xobjet.read_raw_bytes()


def _aplatir_formulaires(doc: pikepdf.Pdf) -> None:
    """Filled form fields and visible annotations become plain page content, so what the
    court sees is what the user saw (copied pages lose the document's form dictionary)."""
    if not any("/Annots" in page.obj for page in doc.pages):
        return
    with contextlib.suppress(Exception):     # best effort: an odd form stays as it is
        if "/AcroForm" in doc.Root:
            doc.generate_appearance_streams()
        doc.flatten_annotations("screen")


# -- checking one upload ----------------------------------------------------------------------

# Inside one bundle build the same file is examined several times (the dossier check, the
# pièce's conversion, the index page of a série): ``_examens_memorises`` keeps, for the
# duration of a ``with`` block, the result of each examination that accepted the file, keyed
# by the file's identity and modification stamps (a changed file is examined again).
# Refusals are never kept: they are raised again, with the caller's wording.
_EXAMENS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rdvrefere_examens", default=None)

# Outside such a block, the acceptances are kept for the process, under the same key, at most
# ACCEPTES_MAX of them (the oldest forgotten first): on the server the same uploads are examined
# on their screen, then at every rendering of the review (the dossier check), and a 12 MP
# photo's decode was a fifth of the web process's CPU under load (issue 15, py-spy). A file
# whose content changes gets new stamps (ctime cannot be set back), so it is examined again.
ACCEPTES_MAX = 4096
_ACCEPTES_DU_PROCESSUS: MemoireBornee[tuple[str, int]] = MemoireBornee(ACCEPTES_MAX)


class AcceptationsPartagees(Protocol):
    """Acceptances shared by the server's processes (the web workers and Celery): the server
    plugs one in with `partager_les_acceptations` (conversion_serveur.py, in Redis). Keys are
    the hex digest of the process memory's key; values (genre, pages)."""

    def lire(self, empreinte: str) -> tuple[str, int] | None: ...

    def garder(self, empreinte: str, valeur: tuple[str, int]) -> None: ...


_PARTAGEES: AcceptationsPartagees | None = None
# after a failure of the shared memory (Redis down: redis-py retries for seconds), the process
# does without it for this long, rather than wait at every file
PAUSE_APRES_PANNE_S = 60.0
_partagees_en_panne_jusqu_a = 0.0


def partager_les_acceptations(partagees: AcceptationsPartagees | None) -> None:
    """Behind the process's own acceptances, ask `partagees` too (None: the process's only).
    On the server a photo is examined on its screen by one web worker, and the review may be
    rendered by the other: without a shared memory, each decoded it (issue 15)."""
    global _PARTAGEES, _partagees_en_panne_jusqu_a
    _PARTAGEES, _partagees_en_panne_jusqu_a = partagees, 0.0


def _partagees_utilisables() -> AcceptationsPartagees | None:
    return _PARTAGEES if time.monotonic() >= _partagees_en_panne_jusqu_a else None


def _panne_des_partagees() -> None:
    global _partagees_en_panne_jusqu_a
    _partagees_en_panne_jusqu_a = time.monotonic() + PAUSE_APRES_PANNE_S


def _empreinte_de_cle(cle: tuple) -> str:
    return hashlib.sha256(repr(cle).encode("utf-8")).hexdigest()


class _MemoireDuProcessus:
    """The process's acceptances, with the dict methods examiner_fichier uses, thread-safe;
    behind them the shared ones, if plugged. A shared memory that fails is only a miss."""

    def get(self, cle: tuple) -> tuple[str, int] | None:
        connu = _ACCEPTES_DU_PROCESSUS.get(cle)
        if connu is not None:
            return connu
        partagees = _partagees_utilisables()
        if partagees is None:
            return None
        try:
            connu = partagees.lire(_empreinte_de_cle(cle))
        except Exception:  # noqa: BLE001 - Redis unreachable: the file is examined, as without it
            _panne_des_partagees()
            return None
        if connu is not None:
            connu = (str(connu[0]), int(connu[1]))
            _ACCEPTES_DU_PROCESSUS.garder(cle, connu)
        return connu

    def __setitem__(self, cle: tuple, valeur: tuple[str, int]) -> None:
        _ACCEPTES_DU_PROCESSUS.garder(cle, valeur)
        partagees = _partagees_utilisables()
        if partagees is not None:
            try:
                partagees.garder(_empreinte_de_cle(cle), valeur)
            except Exception:  # noqa: BLE001 - kept by this process only
                _panne_des_partagees()


@contextlib.contextmanager
def _examens_memorises():
    jeton = _EXAMENS.set({}) if _EXAMENS.get() is None else None
    try:
        yield
    finally:
        if jeton is not None:
            _EXAMENS.reset(jeton)


def examiner_fichier(chemin: Path, *, piece: str = "", limites: Limites = Limites(),
                     nom: str | None = None) -> InfoFichier:
    """Fast check of one upload, to run when it arrives. Refuses (``FichierRefuse``) an empty,
    truncated or corrupt file, a password-protected PDF, content that does not match the
    extension, an unsupported type, an image over ``limites.pixels_max`` (from its header,
    before decoding). Accepts PDFs with only an owner password. Only reads the file.
    ``nom``: the name to show, when ``chemin`` is a storage name (docassemble uploads)."""
    chemin = Path(chemin)
    memoire = _EXAMENS.get()
    if memoire is None:
        memoire = _MemoireDuProcessus()
    try:
        etat = chemin.stat()
        # the name shown only words a refusal; of it, only the extension can change the outcome
        # (the upload screen gives the client's name, the dossier check the stored file's)
        extension = Path(nom or chemin.name).suffix.lower()
        cle = (str(chemin.resolve()), extension, limites.pixels_max, etat.st_dev, etat.st_ino,
               etat.st_size, etat.st_mtime_ns, etat.st_ctime_ns)
    except (OSError, RuntimeError):
        return _examiner(chemin, piece, limites, nom)
    connu = memoire.get(cle)
    if connu is None:
        info = _examiner(chemin, piece, limites, nom)
        memoire[cle] = (info.genre, info.pages)
        return info
    return InfoFichier(chemin, *connu)


def _examiner(chemin: Path, piece: str, limites: Limites, nom: str | None) -> InfoFichier:
    nom = nom or chemin.name
    fichier = _le_fichier(nom, piece)

    def refus(motif: str, message: Texte) -> FichierRefuse:
        return _refus(chemin, piece, motif, message)

    if not chemin.is_file():
        raise refus("introuvable", Texte("{fichier} est introuvable : déposez-le à nouveau.", fichier=fichier))
    if chemin.stat().st_size == 0:
        raise refus("vide", Texte("{fichier} est vide : l'envoi a sans doute échoué. Déposez-le à nouveau.",
                                  fichier=fichier))

    detection = detecter(chemin)
    genre = detection.genre
    extension = Path(nom).suffix.lower() or chemin.suffix.lower()
    annonce = EXTENSIONS.get(extension)
    if detection.endommage and categorie(annonce) == "texte":
        raise refus("endommage", Texte("{fichier} devrait être {description} mais il est endommagé ou "
                                       "incomplet : ouvrez-le pour vérifier, puis déposez une copie complète.",
                                       fichier=fichier, description=description(annonce)))
    # Images of one format under another's extension are common (messaging apps, phones)
    # and harmless: only a change of category (PDF, image, document) is refused.
    if annonce and categorie(annonce) != categorie(genre):
        if genre in GENRES_ACCEPTES:
            vrai_nom = Path(nom).with_suffix(EXTENSION_USUELLE[genre]).name
            raise refus("extension", Texte("{fichier} porte l'extension {extension}, mais c'est en réalité "
                                           "{description}. Vérifiez que c'est le bon fichier. Si oui, "
                                           "renommez-le « {vrai_nom} » et déposez-le à nouveau.",
                                           fichier=fichier, extension=extension, description=description(genre),
                                           vrai_nom=vrai_nom))
        raise refus("extension", Texte("{fichier} porte l'extension {extension}, mais c'est en réalité "
                                       "{description}. Ce type de fichier n'est pas accepté. {deposez_plutot}",
                                       fichier=fichier, extension=extension, description=description(genre),
                                       deposez_plutot=DEPOSEZ_PLUTOT))
    if genre == "office_chiffre":
        raise refus("mot_de_passe", Texte("{fichier} est protégé par un mot de passe : ouvrez-le, enregistrez-le "
                                          "sans mot de passe ou en PDF, puis déposez la copie.", fichier=fichier))
    if genre not in GENRES_ACCEPTES:
        if genre in CONSEILS:
            raise refus("type", Texte("{fichier} est {description}. Ce type de fichier n'est pas accepté. "
                                      "{deposez_plutot} Pour ce fichier : {conseil}.",
                                      fichier=fichier, description=description(genre),
                                      deposez_plutot=DEPOSEZ_PLUTOT, conseil=CONSEILS[genre]))
        raise refus("type", Texte("{fichier} est {description}. Ce type de fichier n'est pas accepté. "
                                  "{deposez_plutot}", fichier=fichier, description=description(genre),
                                  deposez_plutot=DEPOSEZ_PLUTOT))

    if genre == "pdf":
        with _ouvrir_pdf_ou_refuser(chemin, nom, piece) as doc:
            return InfoFichier(chemin, genre, len(doc.pages))
    if genre in GENRES_IMAGE:
        try:
            return InfoFichier(chemin, genre, images.verifier(chemin, limites.pixels_max))
        except images.ImageTropGrande as e:
            raise _refus_trop_grande(chemin, nom, piece, e, limites) from None
        except images.ImageIllisible:
            raise _refus_image_illisible(chemin, nom, piece, genre) from None
    _verifier_document(chemin, genre, refus, fichier)
    return InfoFichier(chemin, genre, pages_declarees(chemin, genre))


def _ouvrir_pdf_ou_refuser(chemin: Path, nom: str, piece: str) -> pikepdf.Pdf:
    try:
        return _ouvrir_pdf(chemin)
    except pikepdf.PasswordError:
        raise _refus(chemin, piece, "mot_de_passe",
                     Texte("{fichier} est protégé par un mot de passe. Ouvrez-le, imprimez-le en PDF sans mot de "
                           "passe, puis déposez la copie.", fichier=_le_fichier(nom, piece))) from None
    except _PdfIllisible as e:
        if str(e) == "aucune page":
            raise _refus(chemin, piece, "endommage",
                         Texte("{fichier} est un PDF qui ne contient aucune page : déposez le bon fichier.",
                               fichier=_le_fichier(nom, piece))) from None
        raise _refus(chemin, piece, "endommage",
                     Texte("{fichier} est un PDF endommagé ou incomplet : il ne peut pas être lu. L'envoi a "
                           "peut-être été interrompu. Ouvrez-le pour vérifier, puis déposez une copie complète.",
                           fichier=_le_fichier(nom, piece))) from None


def _refus_trop_grande(chemin, nom, piece, e: images.ImageTropGrande, limites: Limites) -> FichierRefuse:
    valeurs = {"fichier": _le_fichier(nom, piece), "maximum": _millions(limites.pixels_max)}
    if e.largeur:
        message = Texte("{fichier} est une image trop grande ({largeur} × {hauteur} pixels, soit {pixels} de "
                        "pixels). Le maximum est {maximum} de pixels. Réduisez sa taille ou faites-en une "
                        "capture d'écran, puis déposez-la à nouveau.",
                        largeur=e.largeur, hauteur=e.hauteur, pixels=_millions(e.pixels), **valeurs)
    elif e.pixels:
        message = Texte("{fichier} est une image trop grande ({pixels} de pixels). Le maximum est {maximum} de "
                        "pixels. Réduisez sa taille ou faites-en une capture d'écran, puis déposez-la à nouveau.",
                        pixels=_millions(e.pixels), **valeurs)
    else:
        message = Texte("{fichier} est une image trop grande. Le maximum est {maximum} de pixels. Réduisez sa "
                        "taille ou faites-en une capture d'écran, puis déposez-la à nouveau.", **valeurs)
    return _refus(chemin, piece, "trop_grande", message)


def _refus_image_illisible(chemin: Path, nom: str, piece: str, genre: str) -> FichierRefuse:
    return _refus(chemin, piece, "endommage",
                  Texte("{fichier} est {description} endommagée ou incomplète : elle ne peut pas être lue. "
                        "L'envoi a peut-être été interrompu. Déposez-la à nouveau.",
                        fichier=_le_fichier(nom, piece), description=description(genre)))


def _millions(n: int) -> Texte:
    """« 80 millions », « 1,5 million » (of pixels)."""
    if n >= 2_000_000:
        return Texte("{n} millions", n=f"{n / 1_000_000:.0f}")
    return Texte("{n} million", n=f"{n / 1_000_000:.1f}".replace(".", ","))


def _verifier_document(chemin: Path, genre: str, refus, fichier: Texte) -> None:
    """Container-level check of word-processing files (the full check is the conversion)."""
    endommage = False
    if genre in ("docx", "odt"):
        import zipfile
        try:
            with zipfile.ZipFile(chemin) as z:
                endommage = z.testzip() is not None
        except (zipfile.BadZipFile, OSError, EOFError):
            endommage = True
    elif genre == "rtf":
        with open(chemin, "rb") as f:
            f.seek(max(0, os.path.getsize(chemin) - 256))
            endommage = not f.read().rstrip(b"\x00\r\n\t ").endswith(b"}")   # cut before its last brace
    if endommage:
        raise refus("endommage", Texte("{fichier} est {description} endommagé ou incomplet (l'envoi a "
                                       "peut-être été interrompu) : ouvrez-le pour vérifier, puis déposez une "
                                       "copie complète.", fichier=fichier, description=description(genre)))


# -- converting a pièce -----------------------------------------------------------------------

def convertir_en_pdf(fichiers: Sequence[Path], destination: Path, *, piece: str = "",
                     limites: Limites = Limites(), page_de_garde: list[str] | None = None,
                     noms: Sequence[str] | None = None) -> int:
    """Write ONE PDF at ``destination`` made of all ``fichiers`` in order (one pièce, one file:
    CJA R. 414-5), preceded, when ``page_de_garde`` is given, by an index page (title line
    first, then one line per item of the « série homogène »). Returns the page count.

    Images are fitted to A4 and kept legible, PDFs copied page by page, documents converted
    by LibreOffice; the result is recompressed if over ``limites.taille_max_fichier``.
    On failure raises ``FichierRefuse`` and leaves nothing at ``destination`` (a previous
    file there is removed: no stale pièce). Inputs are never modified.
    ``noms``: names to show in messages, when the paths are storage names."""
    fichiers = [Path(f) for f in fichiers]
    destination = Path(destination)
    noms = list(noms) if noms is not None else [f.name for f in fichiers]
    if len(noms) != len(fichiers):
        raise ValueError("noms must give one name per file")
    if not fichiers and not page_de_garde:
        raise ValueError("nothing to convert")
    if destination.resolve() in {f.resolve() for f in fichiers}:
        raise ValueError(f"destination {destination} is one of the inputs")

    provisoire: Path | None = None
    try:
        infos = _examiner_tous(fichiers, noms, piece, limites)
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, nom_provisoire = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.stem}-",
                                              suffix=".part")
        os.close(fd)
        provisoire = Path(nom_provisoire)
        with tempfile.TemporaryDirectory(prefix="rdvrefere-") as travail, contextlib.ExitStack() as ouverts:
            sortie = ouverts.enter_context(pikepdf.new())

            versions = ["1.4"]

            def ajouter(source: io.BytesIO | pikepdf.Pdf) -> None:
                doc = source if isinstance(source, pikepdf.Pdf) else pikepdf.open(source)
                versions.append(doc.pdf_version)
                sortie.pages.extend(ouverts.enter_context(doc).pages)

            # images are decoded and re-encoded by a few threads, started before LibreOffice
            # runs; their pages are still added in order, and the first failure in order raised
            a_convertir = [i for i, info in enumerate(infos) if info.genre in GENRES_IMAGE]
            fils = _fils_images(len(a_convertir))
            if fils > 1:
                ouvriers = ouverts.enter_context(_Ouvriers(fils))
                en_cours = {i: ouvriers.submit(_pages_d_image, fichiers[i], limites.pixels_max) for i in a_convertir}
            else:
                en_cours = {}
            if page_de_garde:
                ajouter(io.BytesIO(_page_de_garde(page_de_garde)))
            documents = _convertir_documents(fichiers, noms, infos, Path(travail), piece, limites)
            for i, (chemin, nom, info) in enumerate(zip(fichiers, noms, infos)):
                if info.genre == "pdf":
                    doc = _ouvrir_pdf_ou_refuser(chemin, nom, piece)
                    _aplatir_formulaires(doc)
                    ajouter(doc)
                elif info.genre in GENRES_TEXTE:
                    try:
                        ajouter(_ouvrir_pdf(documents[i]))
                    except (pikepdf.PasswordError, _PdfIllisible):
                        raise _refus_conversion(chemin, nom, piece,
                                                Texte("le PDF produit est illisible")) from None
                else:
                    try:
                        pages_image = (en_cours.pop(i).result() if i in en_cours
                                       else images.pages_pdf(chemin, pixels_max=limites.pixels_max))
                        for page in pages_image:
                            ajouter(io.BytesIO(page))
                    except images.ImageTropGrande as e:
                        raise _refus_trop_grande(chemin, nom, piece, e, limites) from None
                    except images.ImageIllisible:
                        raise _refus_image_illisible(chemin, nom, piece, info.genre) from None
            pages = len(sortie.pages)
            sortie.save(provisoire, deterministic_id=True, compress_streams=True,
                        min_version=max(versions, key=lambda v: tuple(map(int, v.split(".")))),
                        object_stream_mode=pikepdf.ObjectStreamMode.generate)
        _ajuster(provisoire, limites, piece, destination.name)
        os.replace(provisoire, destination)
        provisoire = None
        return pages
    except BaseException:
        if provisoire is not None:
            provisoire.unlink(missing_ok=True)
        destination.unlink(missing_ok=True)
        raise


def essayer_la_conversion(fichiers: Sequence[Path | str], noms: Sequence[str], piece: str,
                          limites: Limites = Limites()) -> dict:
    """Convert one upload's files as the bundle will, the PDF dropped, to learn now whether the
    pièce can be built (issue 15): {"etat": "ok", "pages": n} or {"etat": "refus", "message":
    the French refusal naming the file by `noms`}."""
    with tempfile.TemporaryDirectory(prefix="rdvrefere-essai-") as essai:
        try:
            pages = convertir_en_pdf([Path(f) for f in fichiers], Path(essai) / "essai.pdf", piece=piece,
                                     limites=limites, noms=noms)
        except FichierRefuse as refus:
            return {"etat": "refus", **phrase_a_envoyer(refus.message)}
    return {"etat": "ok", "pages": pages}


# The outcome of `essayer_la_conversion` goes through JSON (Redis, conversion_serveur.py), where a
# Texte would become its plain French: « phrase » keeps its template and values (mots.en_json), so
# that the review can still show the refusal in the client's language (mots.phrase_recue).

FILS_IMAGES_MAX = 4
# at most this many images decoded at once in the process, whatever the number of pièces being
# built (each decoded photo holds tens of Mo)
_IMAGES_EN_COURS = threading.BoundedSemaphore(max(1, min(FILS_IMAGES_MAX, os.cpu_count() or 1)))


def _fils_images(nombre: int) -> int:
    """Threads converting the images of one pièce: ``RDVREFERE_THREADS`` if set (1: none, the
    calling thread does everything), else the CPU count, at most FILS_IMAGES_MAX."""
    if nombre < 2:
        return 1
    try:
        demande = int(os.environ.get("RDVREFERE_THREADS", "0"))
    except ValueError:
        demande = 0
    fils = demande if demande > 0 else min(FILS_IMAGES_MAX, os.cpu_count() or 1)
    return max(1, min(fils, nombre))


def _examiner_tous(fichiers: list[Path], noms: list[str], piece: str, limites: Limites) -> list[InfoFichier]:
    """``examiner_fichier`` on each file, by a few threads; the first refusal in order is raised."""
    fils = _fils_images(len(fichiers))
    if fils <= 1:
        return [examiner_fichier(f, piece=piece, limites=limites, nom=n) for f, n in zip(fichiers, noms)]
    with _Ouvriers(fils) as ouvriers:
        futures = [ouvriers.submit(contextvars.copy_context().run, examiner_fichier, f, piece=piece,
                                   limites=limites, nom=n) for f, n in zip(fichiers, noms)]
        return [future.result() for future in futures]


def _pages_d_image(chemin: Path, pixels_max: int) -> list[bytes]:
    with _IMAGES_EN_COURS:
        return list(images.pages_pdf(chemin, pixels_max=pixels_max))


class _Ouvriers(ThreadPoolExecutor):
    """On leaving (failure included): conversions not started are dropped, running ones awaited."""

    def __init__(self, fils: int):
        super().__init__(max_workers=fils, thread_name_prefix="rdvrefere-image")

    def __exit__(self, *exc):
        self.shutdown(wait=True, cancel_futures=True)
        return False


def _refus_conversion(chemin: Path, nom: str, piece: str, raison: str) -> FichierRefuse:
    """``raison``: a Texte, or bureautique's plain French (shown as it is)."""
    return _refus(chemin, piece, "conversion",
                  Texte("{fichier} n'a pas pu être converti en PDF : {raison}. Ouvrez-le dans votre traitement "
                        "de texte, enregistrez-le au format PDF, puis déposez le PDF.",
                        fichier=_le_fichier(nom, piece), raison=raison))


def _convertir_documents(fichiers, noms, infos, travail: Path, piece: str, limites: Limites) -> dict[int, Path]:
    """All the word-processing files of the pièce in one LibreOffice run: index -> PDF."""
    indices = [i for i, info in enumerate(infos) if info.genre in GENRES_TEXTE]
    if not indices:
        return {}
    try:
        pdfs = convertir_documents([(fichiers[i], infos[i].genre) for i in indices], travail,
                                   delai=limites.delai_conversion)
    except ConversionEchouee as e:
        i = indices[e.index] if e.index is not None else indices[0]
        raise _refus_conversion(fichiers[i], noms[i], piece, e.raison) from None
    return dict(zip(indices, pdfs))


def _page_de_garde(lignes: list[str]) -> bytes:
    """Index page of a « série homogène »: the title, then one line per item (R. 414-5: the
    inventory says what the file holds, and the numbering inside matches it). The text is made
    smaller (down to 7 pt) to stay on ONE page, so the items start on page 2; only a very long
    list flows onto more pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas
    largeur, hauteur = A4
    marge = 48.0
    utile = largeur - 2 * marge
    titre, *elements = [str(l) for l in lignes] or [""]
    normale, grasse = police(), police(gras=True)

    def mise_en_page(corps: float):
        lignes_titre = simpleSplit(titre, grasse, corps + 3, utile)
        blocs = [simpleSplit(e, normale, corps, utile - corps) or [""] for e in elements]
        besoin = (len(lignes_titre) * (corps + 3) * 1.4 + corps
                  + sum(len(b) * corps * 1.35 + corps * 0.25 for b in blocs))
        return lignes_titre, blocs, besoin

    for corps in (11.0, 10.0, 9.0, 8.0, 7.0):
        lignes_titre, blocs, besoin = mise_en_page(corps)
        if besoin <= hauteur - 2 * marge:
            break
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    y = hauteur - marge - corps
    c.setFont(grasse, corps + 3)
    for ligne in lignes_titre:
        c.drawString(marge, y, ligne)
        y -= (corps + 3) * 1.4
    y -= corps
    for bloc in blocs:
        if y - len(bloc) * corps * 1.35 < marge:
            c.showPage()
            y = hauteur - marge - corps
        c.setFont(normale, corps)
        for j, morceau in enumerate(bloc):
            c.drawString(marge + (corps if j else 0), y, morceau)   # continuation lines indented
            y -= corps * 1.35
        y -= corps * 0.25
    c.showPage()
    c.save()
    return buf.getvalue()


# -- size cap ---------------------------------------------------------------------------------

# (JPEG quality, dpi on A4) tried in turn; never below 150 dpi: below that, text in photos
# of documents stops being reliably legible.
_PALIERS = ((70, 200), (55, 150), (40, 150))


def ajuster_taille(pdf: Path, *, limites: Limites, piece: str, nom: str | None = None) -> int:
    """Keep ``pdf`` under ``limites.taille_max_fichier`` (32 Mo per file on the portal, with a
    margin): when over, recompress its images in place (lower JPEG quality, then downscale,
    not below ~150 dpi on A4); if still over, raise ``FichierRefuse`` naming the pièce and its
    size in Mo, leaving the file as it was. Returns the final size in bytes."""
    return _ajuster(Path(pdf), limites, piece, nom or Path(pdf).name)


def _ajuster(pdf: Path, limites: Limites, piece: str, nom: str) -> int:
    taille = pdf.stat().st_size
    if taille <= limites.taille_max_fichier:
        return taille
    meilleure = taille
    for qualite, dpi in _PALIERS:
        fd, essai = tempfile.mkstemp(dir=pdf.parent, prefix=f".{pdf.stem}-", suffix=".compression.part")
        os.close(fd)
        try:
            _recompresser(pdf, Path(essai), qualite, dpi)
            nouvelle = os.path.getsize(essai)
            meilleure = min(meilleure, nouvelle)
            if nouvelle <= limites.taille_max_fichier:
                os.replace(essai, pdf)
                return nouvelle
        finally:
            Path(essai).unlink(missing_ok=True)
    designation = piece[3:] if piece.lower().startswith("la pièce") else piece
    if designation.lower().startswith("pièce"):
        # « pièce n° 3 », « pièce d'identité »: a slice of the French label, shown as it is
        sujet = Texte("La {designation}", designation=str(designation))
    elif designation:
        sujet = Texte("La pièce « {designation} »", designation=designation)
    else:
        sujet = Texte("Le fichier « {nom} »", nom=nom)
    raise FichierRefuse(
        Texte("{sujet} pèse {taille} en PDF, même après compression des images : c'est plus que les {limite} "
              "permis par fichier sur Télérecours citoyens. Retirez des pages ou des photos, ou "
              "répartissez-les en plusieurs pièces.",
              sujet=sujet, taille=taille_en_mo(meilleure), limite=taille_en_mo(limites.taille_max_fichier)),
        fichier=pdf, piece=piece, motif="taille")


def _recompresser(source: Path, cible: Path, qualite: int, dpi: int) -> None:
    """Copy of ``source`` with its large images re-encoded as JPEG at ``qualite``, at most
    ``dpi`` if the image filled an A4 page. One image decoded at a time."""
    cote_long, cote_court = dpi * 297 / 25.4, dpi * 210 / 25.4
    with pikepdf.open(source) as doc:
        masques = set()
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                for cle in ("/SMask", "/Mask"):
                    masque = obj.get(cle)
                    if isinstance(masque, pikepdf.Stream):
                        masques.add(masque.objgen)
        for obj in doc.objects:
            if (not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != "/Image"
                    or obj.objgen in masques or obj.get("/ImageMask")
                    or int(obj.get("/BitsPerComponent", 8)) != 8):
                continue
            filtre = obj.get("/Filter")
            filtres = [str(x) for x in filtre] if isinstance(filtre, pikepdf.Array) else [str(filtre)] if filtre else []
            if set(filtres) & {"/JBIG2Decode", "/CCITTFaxDecode", "/JPXDecode"}:
                continue
            brut = obj.read_raw_bytes()
            if len(brut) < 64 * 1024:
                continue
            largeur, hauteur = int(obj.Width), int(obj.Height)
            facteur = min(1.0, cote_long / max(largeur, hauteur), cote_court / min(largeur, hauteur))
            cible_taille = (max(1, round(largeur * facteur)), max(1, round(hauteur * facteur)))
            try:
                if filtres == ["/DCTDecode"]:
                    img = Image.open(io.BytesIO(brut))
                    img.draft("RGB" if img.mode not in ("L", "CMYK") else img.mode, cible_taille)
                    img.load()
                else:
                    img = pikepdf.PdfImage(obj).as_pil_image()
                img = images.a_plat(img)
            except Exception:
                continue            # an image we cannot read is left exactly as it was
            if img.mode == "1":
                continue
            if img.size != cible_taille and facteur < 1:
                img = img.resize(cible_taille, Image.Resampling.LANCZOS, reducing_gap=3.0)
            donnees = images.jpeg(img, qualite)
            if len(donnees) >= len(brut):
                continue
            espace = obj.get("/ColorSpace")
            composantes = 1 if img.mode == "L" else 3
            garder_icc = (isinstance(espace, pikepdf.Array) and len(espace) == 2 and espace[0] == "/ICCBased"
                          and int(espace[1].get("/N", 0)) == composantes)
            obj.write(donnees, filter=pikepdf.Name.DCTDecode)
            obj.Width, obj.Height = img.size
            obj.BitsPerComponent = 8
            if not garder_icc:
                obj.ColorSpace = pikepdf.Name.DeviceGray if composantes == 1 else pikepdf.Name.DeviceRGB
            for cle in ("/DecodeParms", "/Decode"):
                if cle in obj:
                    del obj[cle]
            img.close()
        doc.save(cible, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
