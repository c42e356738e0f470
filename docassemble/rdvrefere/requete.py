"""The requête and the inventaire as Word documents and PDF.

The Word templates (`templates/requete.docx`, `templates/inventaire.docx`, made by
`scripts/make_templates.py`, editable in Word) are rendered with docxtpl from the context built
by `redaction` — plain values, no docassemble import — so that the command line, the interview
and the staff screens produce the same documents. The DOCX is kept for editing; the PDF is made
by LibreOffice through the package's one converter (`bureautique.convertir_documents`: private
profile per process, timeout, process group killed on timeout), fonts embedded. A DOCX edited by staff
becomes a PDF again through `pdf_depuis_docx`. `pdfs_depuis_docx` converts several rendered DOCX
in one LibreOffice run (the bundle renders the requête and the inventaire with `docx_requete` and
`docx_inventaire`, then converts both at once: one LibreOffice start-up instead of two).

Rendering uses Jinja's autoescape and a strict environment: a value is placed, never evaluated,
so user text such as « {{ x }} », « <script> » or « & » appears literally; an undefined variable
in an edited template is an error (`ModeleInvalide`), not a silent blank.

Templates are looked up in the installed package (`docassemble.rdvrefere.data.templates`, where
the wheel puts `templates/`), falling back to the source tree's `templates/` folder.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from .dossier import Dossier
from .bureautique import ConversionEchouee, convertir_documents
from .numerotation import Piece
from .problemes import Probleme
from .redaction import avertissements_requete, contexte_inventaire, contexte_requete

__all__ = ["contexte_requete", "contexte_inventaire", "avertissements_requete", "rendre_requete",
           "rendre_inventaire", "docx_requete", "docx_inventaire", "pdf_depuis_docx", "pdfs_depuis_docx", "modele",
           "ModeleInvalide", "DocxIllisible", "PdfImpossible", "Probleme",
           "MODELE_REQUETE", "MODELE_INVENTAIRE"]

MODELE_REQUETE = "requete.docx"
MODELE_INVENTAIRE = "inventaire.docx"
_DOSSIER_SOURCE = Path(__file__).resolve().parents[2] / "templates"


class ModeleInvalide(RuntimeError):
    """A template is missing or its Jinja is wrong (e.g. after an edit in Word). `str()` is French."""


class DocxIllisible(ValueError):
    """An uploaded « edited » file is not a Word document. `str()` is French."""


class PdfImpossible(RuntimeError):
    """LibreOffice could not make the PDF (missing, failed, timed out). `str()` is French."""


def _en_pdf(docx: Path, pdf: Path) -> Path:
    """`docx` → `pdf` through LibreOffice, in a private working folder."""
    pdf, = pdfs_depuis_docx([(docx, pdf)])
    return pdf


def pdfs_depuis_docx(paires: Sequence[tuple[Path, Path]]) -> list[Path]:
    """Each `(docx, pdf)` pair: `docx` → `pdf`, all in ONE LibreOffice run (one start-up), e.g. the
    requête and the inventaire of a bundle. Raises `PdfImpossible` naming the first document that
    could not be converted (as `rendre_requete`/`rendre_inventaire` would); PDFs are moved into
    place only when every one was made."""
    paires = [(Path(docx), Path(pdf)) for docx, pdf in paires]
    if not paires:
        return []
    with tempfile.TemporaryDirectory(prefix="rdv-lo-") as chantier:
        try:
            produits = convertir_documents([(docx, "docx") for docx, _ in paires], Path(chantier))
        except ConversionEchouee as exc:
            docx = paires[exc.index or 0][0]
            raise PdfImpossible(f"Le document « {docx.name} » n'a pas pu être converti en PDF : {exc.raison}. "
                                "Le fichier Word reste disponible ; réessayez, ou enregistrez-le en PDF depuis "
                                "votre traitement de texte.") from None
        for produit, (_, pdf) in zip(produits, paires):
            pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(produit, pdf)
    return [pdf for _, pdf in paires]


def modele(nom: str) -> bytes:
    """The bytes of a template: from the installed package, else from the source tree."""
    try:
        ressource = resources.files("docassemble.rdvrefere.data.templates").joinpath(nom)
        if ressource.is_file():
            return ressource.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    chemin = _DOSSIER_SOURCE / nom
    if chemin.is_file():
        return chemin.read_bytes()
    raise ModeleInvalide(f"Le modèle « {nom} » est introuvable (ni dans le paquet installé, ni dans {_DOSSIER_SOURCE}). "
                         "Régénérez-le avec « python scripts/make_templates.py ».")


def _rendre(nom_modele: str, contexte: dict, chemin: Path, *, titre: str, auteur: str) -> Path:
    gabarit = DocxTemplate(io.BytesIO(modele(nom_modele)))
    environnement = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    try:
        gabarit.render(contexte, jinja_env=environnement, autoescape=True)
    except jinja2.TemplateError as exc:
        ligne = f" (ligne {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise ModeleInvalide(f"Le modèle « {nom_modele} » contient une erreur{ligne} : {exc.message or exc}. "
                             "Corrigez la balise en cause ou régénérez le modèle.") from None
    # Set after rendering: docxtpl renders the properties as templates, user text must not be.
    proprietes = gabarit.docx.core_properties
    proprietes.title, proprietes.author, proprietes.language = titre[:250], auteur[:250], "fr-FR"
    proprietes.last_modified_by = "rdvrefere"
    chemin.parent.mkdir(parents=True, exist_ok=True)
    gabarit.save(chemin)
    return chemin


def docx_requete(dossier: Dossier, pieces: list[Piece], chemin: Path, *, aujourd_hui: dt.date | None = None) -> Path:
    """Write the requête as DOCX only (no LibreOffice): for previews and fast tests."""
    contexte = contexte_requete(dossier, pieces, aujourd_hui=aujourd_hui or dt.date.today())
    return _rendre(MODELE_REQUETE, contexte, Path(chemin), titre=f"Requête en référé mesures utiles — "
                   f"{contexte['nom_complet']}", auteur=contexte["nom_complet"])


def docx_inventaire(dossier: Dossier, pieces: list[Piece], pages: dict[int, int], chemin: Path) -> Path:
    """Write the inventaire as DOCX only (no LibreOffice)."""
    contexte = contexte_inventaire(dossier, pieces, pages)
    return _rendre(MODELE_INVENTAIRE, contexte, Path(chemin), titre=f"Inventaire des pièces — "
                   f"{dossier.requerant.nom_complet}", auteur=dossier.requerant.nom_complet)


def rendre_requete(dossier: Dossier, pieces: list[Piece], dossier_sortie: Path, *,
                   aujourd_hui: dt.date | None = None, nom: str = "Requete") -> tuple[Path, Path]:
    """Write `{nom}.docx` (to edit) and `{nom}.pdf` (to file) in `dossier_sortie`; return both paths.
    `pieces` is `numeroter(dossier)`; every « pièce n° N » of the text comes from it."""
    docx = docx_requete(dossier, pieces, Path(dossier_sortie) / f"{nom}.docx", aujourd_hui=aujourd_hui)
    return docx, _en_pdf(docx, docx.with_suffix(".pdf"))


def rendre_inventaire(dossier: Dossier, pieces: list[Piece], pages: dict[int, int], dossier_sortie: Path, *,
                      nom: str = "Inventaire") -> tuple[Path, Path]:
    """Write `{nom}.docx` and `{nom}.pdf`: the inventory of the pièces (R. 412-2 CJA), with the page
    counts `pages` (numéro → pages; « — » when a number is missing)."""
    docx = docx_inventaire(dossier, pieces, pages, Path(dossier_sortie) / f"{nom}.docx")
    return docx, _en_pdf(docx, docx.with_suffix(".pdf"))


def pdf_depuis_docx(docx: Path, pdf: Path) -> Path:
    """Remake a PDF from a DOCX edited in Word (staff upload): checks that it is a Word document
    (`DocxIllisible` otherwise), converts it through LibreOffice and writes it at `pdf`."""
    docx, pdf = Path(docx), Path(pdf)
    if not docx.is_file():
        raise DocxIllisible(f"Le fichier « {docx.name} » est introuvable.")
    if not zipfile.is_zipfile(docx):
        raise DocxIllisible(f"Le fichier « {docx.name} » n'est pas un document Word (.docx) : enregistrez-le au "
                            "format « Document Word (*.docx) » puis déposez-le à nouveau.")
    try:
        with zipfile.ZipFile(docx) as archive:
            if "word/document.xml" not in archive.namelist():
                raise DocxIllisible(f"Le fichier « {docx.name} » n'est pas un document Word (.docx) : il ne contient "
                                    "pas de texte Word. Enregistrez-le au format « Document Word (*.docx) ».")
    except zipfile.BadZipFile:
        raise DocxIllisible(f"Le fichier « {docx.name} » est endommagé : enregistrez-le de nouveau depuis Word.") from None
    return _en_pdf(docx, pdf)
