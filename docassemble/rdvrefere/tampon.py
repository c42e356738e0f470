"""The tampon: « Pièce n° 3 — page 1/4 » on every page of a pièce, covering nothing.

Plain Python, no docassemble import.

Each original page becomes a form XObject, scaled uniformly into the page minus a band at the
top, and the stamp text is written in that band (extractable text, embedded DejaVu Sans so
« ° » and accents print). The page keeps its visible size and orientation (/Rotate is applied
and removed). Stamping again replaces the stamp instead of adding a second one, so a pièce can
be renumbered (R. 414-5 CJA: the numbering of the files must match the inventory).
"""
from __future__ import annotations

import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["tamponner", "police", "attribut_herite", "HAUTEUR_BANDE"]

HAUTEUR_BANDE = 22.0       # points, on an A4-sized page (scaled up for larger pages)
TAILLE_TEXTE = 9.0
_ORIGINE = Name("/RdvPageOrigine")     # the wrapped original page, in the page's resources
_MARQUE = Name("/RdvRefereTampon")     # set on stamped pages (private key, ignored by readers)
_POLICES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf")


@lru_cache(maxsize=None)
def police(gras: bool = False) -> str:
    """Name of a reportlab font that has « ° », « — » and accents: DejaVu Sans when installed,
    Helvetica otherwise (its WinAnsi encoding covers French, the degree sign and the dash)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    for chemin in _POLICES:
        if gras:
            chemin = chemin.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
        if os.path.exists(chemin):
            nom = "DejaVuSans-Bold" if gras else "DejaVuSans"
            pdfmetrics.registerFont(TTFont(nom, chemin))
            return nom
    return "Helvetica-Bold" if gras else "Helvetica"


def attribut_herite(page: pikepdf.Dictionary, cle: str):
    """A page attribute, looked up the page tree like readers do (MediaBox, Rotate... inherit)."""
    noeud, vus = page, 0
    while noeud is not None and vus < 64:
        if cle in noeud:
            return noeud[cle]
        noeud, vus = noeud.get("/Parent"), vus + 1
    return None


def _boite(valeur) -> tuple[float, float, float, float] | None:
    if valeur is None or len(valeur) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in valeur)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _appliquer(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _rect_transforme(m, rect) -> list[float]:
    x0, y0, x1, y1 = rect
    coins = [_appliquer(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in coins], [p[1] for p in coins]
    return [min(xs), min(ys), max(xs), max(ys)]


def _placement(forme: pikepdf.Object, largeur: float, hauteur: float) -> tuple[bytes, tuple]:
    """Content that draws the original page scaled uniformly into the page minus the band,
    centred; and the matrix from original page space to the new page."""
    k = max(1.0, min(largeur, hauteur) / 595.2756)
    bande = HAUTEUR_BANDE * k
    matrice = tuple(float(v) for v in forme.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    bx0, by0, bx1, by1 = _rect_transforme(matrice, _boite(forme.BBox))
    echelle = min(largeur / (bx1 - bx0), (hauteur - bande) / (by1 - by0))
    tx = (largeur - echelle * (bx1 - bx0)) / 2 - echelle * bx0
    ty = (hauteur - bande - echelle * (by1 - by0)) / 2 - echelle * by0
    contenu = f"q {echelle:.6f} 0 0 {echelle:.6f} {tx:.4f} {ty:.4f} cm {_ORIGINE} Do Q\n".encode()
    total = tuple(v * echelle for v in matrice[:4]) + (matrice[4] * echelle + tx, matrice[5] * echelle + ty)
    return contenu, total


def _envelopper(doc: pikepdf.Pdf, page: pikepdf.Page) -> tuple[float, float]:
    """Turn the page into « its original content as a form XObject » on an upright page of the
    same visible size; returns that size. Already stamped pages are reused as they are."""
    obj = page.obj
    ressources = obj.get("/Resources")
    if obj.get(_MARQUE) and ressources is not None and _ORIGINE in ressources.get("/XObject", {}):
        forme = ressources.XObject[_ORIGINE]
        x0, y0, x1, y1 = _boite(obj.MediaBox)
        obj.Resources = Dictionary(XObject=Dictionary({str(_ORIGINE): forme}))   # old stamp out
        obj.Contents = doc.make_stream(_placement(forme, x1 - x0, y1 - y0)[0])
        return x1 - x0, y1 - y0

    media = _boite(attribut_herite(obj, "/MediaBox")) or (0.0, 0.0, 595.2756, 841.8898)
    visible = _boite(attribut_herite(obj, "/CropBox")) or media
    visible = (max(visible[0], media[0]), max(visible[1], media[1]),
               min(visible[2], media[2]), min(visible[3], media[3]))
    if visible[2] <= visible[0] or visible[3] <= visible[1]:
        visible = media
    rotation = int(attribut_herite(obj, "/Rotate") or 0) % 360
    unite = float(obj.get("/UserUnit", 1) or 1)
    # the form keeps what readers show: the crop box (not the trim box qpdf would pick)
    for cle in ("/TrimBox", "/ArtBox", "/BleedBox"):
        if cle in obj:
            del obj[cle]
    obj.MediaBox = Array(list(media))
    obj.CropBox = Array(list(visible))
    obj.Rotate = rotation
    herite = attribut_herite(obj, "/Resources")
    obj.Resources = herite if herite is not None else Dictionary()
    forme = page.as_form_xobject(handle_transformations=True)
    # qpdf fills the form from the page's /Contents lazily, at save time: copy them now,
    # before the page's own contents are replaced
    forme.write(forme.read_bytes())

    largeur, hauteur = (visible[2] - visible[0]) * unite, (visible[3] - visible[1]) * unite
    if rotation in (90, 270):
        largeur, hauteur = hauteur, largeur
    for cle in ("/CropBox", "/Rotate", "/UserUnit"):
        if cle in obj:
            del obj[cle]
    obj.MediaBox = Array([0, 0, largeur, hauteur])
    obj.Resources = Dictionary(XObject=Dictionary({str(_ORIGINE): forme}))
    obj[_MARQUE] = True

    contenu, total = _placement(forme, largeur, hauteur)
    obj.Contents = doc.make_stream(contenu)

    # annotations (links left after flattening) follow the content they sit on
    for annotation in obj.get("/Annots", []):
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if "/Rect" in annotation:
            annotation.Rect = Array(_rect_transforme(total, _boite(annotation.Rect)))
        if "/QuadPoints" in annotation:
            points = [float(v) for v in annotation.QuadPoints]
            annotation.QuadPoints = Array([c for i in range(0, len(points) - 1, 2)
                                           for c in _appliquer(total, points[i], points[i + 1])])
    return largeur, hauteur


def _pdf_des_tampons(texte: str, tailles: list[tuple[float, float]]) -> bytes:
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1)
    nom_police = police()
    n = len(tailles)
    for i, (largeur, hauteur) in enumerate(tailles, start=1):
        k = max(1.0, min(largeur, hauteur) / 595.2756)
        c.setPageSize((largeur, hauteur))
        c.setFont(nom_police, TAILLE_TEXTE * k)
        c.drawRightString(largeur - 28.35 * k, hauteur - 14.5 * k, f"{texte} — page {i}/{n}")
        c.showPage()
    c.save()
    return buf.getvalue()


def tamponner(pdf: Path, texte: str) -> None:
    """Stamp every page of ``pdf``, in place, with « {texte} — page i/n » in a band at the top.

    The original content is scaled into the rest of the page (about 97 % on A4), so nothing is
    hidden. The file is rewritten atomically (temporary file in the same folder, then rename).
    """
    pdf = Path(pdf)
    fd, provisoire = tempfile.mkstemp(dir=pdf.parent, prefix=f".{pdf.stem}-", suffix=".tampon.part")
    os.close(fd)
    try:
        with pikepdf.open(pdf) as doc:
            tailles = [_envelopper(doc, page) for page in doc.pages]
            with pikepdf.open(io.BytesIO(_pdf_des_tampons(texte, tailles))) as tampons:
                for page, tampon, (largeur, hauteur) in zip(doc.pages, tampons.pages, tailles):
                    page.add_overlay(tampon, pikepdf.Rectangle(0, 0, largeur, hauteur))
                doc.save(provisoire, deterministic_id=True,
                         object_stream_mode=pikepdf.ObjectStreamMode.generate)
        os.replace(provisoire, pdf)
    except BaseException:
        Path(provisoire).unlink(missing_ok=True)
        raise
