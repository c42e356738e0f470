"""Images (photos, screenshots, scans) to one-page PDFs fitted to A4.

Plain Python, no docassemble import. Used by ``conversion``.

- Photos are turned upright from their EXIF orientation, fitted to an A4 page (portrait or
  landscape like the image) with margins, and kept legible (about 200 dpi for photos, up to
  300 dpi for screenshots and scans, never reduced below what the source has).
- A JPEG that needs nothing (upright, RGB or grey, not oversized) is embedded as it is, byte
  for byte (img2pdf): no second lossy compression.
- Everything else is decoded once, one image (one frame) at a time, and re-encoded: JPEG for
  photos; for screenshots and scans lossless PNG (a palette when few colours), unless JPEG is
  much smaller.
- Sizes are checked from the header before anything is decoded (decompression bombs).
"""
from __future__ import annotations

import contextlib
import io
import re
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

import img2pdf
from PIL import Image, ImageOps

try:                                   # HEIC/HEIF photos from iPhones
    import pillow_heif
    pillow_heif.register_heif_opener()
except ImportError:                    # pragma: no cover - declared in setup.py
    pillow_heif = None

__all__ = [
    "A4", "MARGE", "ImageIllisible", "ImageTropGrande", "ouvrir", "nombre_de_pages",
    "pages_pdf", "verifier", "dpi_sur_a4", "reencoder", "a_plat", "jpeg",
]

A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))   # points, portrait
MARGE = img2pdf.mm_to_pt(10)                           # around the image on its page
DPI_PHOTO = 200         # target for photos: legible, light (a 12 MP photo needs no more)
DPI_CAPTURE = 300       # screenshots and scans keep more: text must stay crisp
DPI_MAX_TEL_QUEL = 300  # a JPEG at or below this on its page is embedded untouched
QUALITE_JPEG = 80

_ORIENTATION = 0x0112
# what Pillow and its plugins raise on truncated or corrupt data
ERREURS_DE_DECODAGE = (OSError, SyntaxError, ValueError, EOFError, RuntimeError, TypeError, KeyError,
                       IndexError, struct.error, zlib.error, UserWarning)


_STRICT_VERROU = threading.Lock()
_strict_actifs: list = []          # [catch_warnings, count] while some thread is inside _strict


@contextlib.contextmanager
def _strict() -> Iterator[None]:
    """Pillow only warns on a TIFF cut short: make that an error. Our own pixel check replaces
    Pillow's decompression-bomb warning. Warning filters are process-wide and images are
    converted by several threads: the first thread in installs the filters, the last one out
    restores them (nested ``catch_warnings`` from two threads would restore them too early)."""
    with _STRICT_VERROU:
        if not _strict_actifs:
            garde = warnings.catch_warnings()
            garde.__enter__()
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.filterwarnings("error", message="Truncated File Read")
            _strict_actifs[:] = [garde, 0]
        _strict_actifs[1] += 1
    try:
        yield
    finally:
        with _STRICT_VERROU:
            _strict_actifs[1] -= 1
            if not _strict_actifs[1]:
                garde = _strict_actifs[0]
                _strict_actifs.clear()
                garde.__exit__(None, None, None)


class ImageIllisible(Exception):
    """The image cannot be decoded (truncated, corrupt, unsupported variant)."""


class ImageTropGrande(Exception):
    """The image has more pixels than allowed (checked from the header, before decoding)."""

    def __init__(self, largeur: int | None, hauteur: int | None, pixels: int | None = None):
        super().__init__(f"{largeur}x{hauteur}")
        self.largeur, self.hauteur = largeur, hauteur
        self.pixels = pixels if pixels is not None else (largeur or 0) * (hauteur or 0) or None


def dpi_sur_a4(largeur: int, hauteur: int) -> float:
    """Resolution an image of this pixel size has once fitted, with margins, on an A4 page
    turned like the image (what img2pdf does with ``_MISE_EN_PAGE``)."""
    page_l, page_h = (A4[1], A4[0]) if largeur > hauteur else A4
    echelle = min((page_l - 2 * MARGE) / largeur, (page_h - 2 * MARGE) / hauteur)   # pt per pixel
    return 72 / echelle


def _taille_pour(largeur: int, hauteur: int, dpi: float) -> tuple[int, int]:
    """Pixel size at ``dpi`` on the fitted A4 page, never larger than the source."""
    facteur = min(1.0, dpi / dpi_sur_a4(largeur, hauteur))
    return max(1, round(largeur * facteur)), max(1, round(hauteur * facteur))


_MISE_EN_PAGE = img2pdf.get_layout_fun(pagesize=A4, border=(MARGE, MARGE),
                                       fit=img2pdf.FitMode.into, auto_orient=True)


def ouvrir(chemin: Path, pixels_max: int) -> Image.Image:
    """Open lazily (header only) and refuse oversized images before any decoding."""
    try:
        with _strict():
            img = Image.open(chemin)
    except Image.DecompressionBombError as e:   # over twice Pillow's own limit: size in the message
        pixels = re.search(r"\((\d+) pixels\)", str(e))
        raise ImageTropGrande(None, None, int(pixels.group(1)) if pixels else None) from e
    except ERREURS_DE_DECODAGE as e:
        raise ImageIllisible(str(e)) from e
    _verifier_pixels(img, pixels_max)
    return img


def _verifier_pixels(img: Image.Image, pixels_max: int) -> None:
    largeur, hauteur = img.size
    if largeur * hauteur > pixels_max:
        img.close()
        raise ImageTropGrande(largeur, hauteur)


def _cadres(img: Image.Image, pixels_max: int) -> Iterator[Image.Image]:
    """Frames to print: every page of a TIFF, the first (or primary) image otherwise."""
    if img.format == "TIFF":
        for i in range(getattr(img, "n_frames", 1)):
            try:
                img.seek(i)
            except ERREURS_DE_DECODAGE as e:
                raise ImageIllisible(str(e)) from e
            _verifier_pixels(img, pixels_max)
            yield img
    else:
        yield img


def nombre_de_pages(img: Image.Image) -> int:
    try:
        return getattr(img, "n_frames", 1) if img.format == "TIFF" else 1
    except ERREURS_DE_DECODAGE as e:       # n_frames walks every TIFF directory
        raise ImageIllisible(str(e)) from e


def verifier(chemin: Path, pixels_max: int) -> int:
    """Decode enough of the image to know it is whole; returns its page count.
    Cheap: JPEG decoded at 1/8 scale, PNG checked chunk by chunk (CRC) without decoding."""
    img = ouvrir(chemin, pixels_max)
    try:
        with _strict():
            pages = nombre_de_pages(img)
            if img.format == "PNG":
                img.verify()
                return pages
            for cadre in _cadres(img, pixels_max):
                if cadre.format in ("JPEG", "MPO"):
                    cadre.draft(cadre.mode if cadre.mode in ("RGB", "L", "CMYK") else "RGB",
                                (max(1, cadre.width // 8), max(1, cadre.height // 8)))
                cadre.load()
            return pages
    except ERREURS_DE_DECODAGE as e:
        raise ImageIllisible(str(e)) from e
    finally:
        img.close()


def _tel_quel(img: Image.Image) -> bool:
    """A JPEG that can go into the PDF untouched (img2pdf copies its bytes)."""
    if img.format != "JPEG" or img.mode not in ("RGB", "L"):
        return False
    if img.getexif().get(_ORIENTATION, 1) not in (0, 1):
        return False
    return dpi_sur_a4(*img.size) <= DPI_MAX_TEL_QUEL


def a_plat(img: Image.Image) -> Image.Image:
    """RGB, L or 1: transparency flattened onto white, CMYK and others converted."""
    if img.mode in ("RGB", "L", "1"):
        return img
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "La", "RGBa"):
        img = img.convert("RGBA" if img.mode in ("RGBA", "RGBa") else "LA")
        fond = Image.new(img.mode, img.size, (255, 255, 255, 255) if img.mode == "RGBA" else (255, 255))
        fond.alpha_composite(img)
        return fond.convert("RGB" if img.mode == "RGBA" else "L")
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):     # 16-bit scans
        img = img if img.mode == "F" else img.convert("I")
        if img.getextrema()[1] > 255:
            img = img.point(lambda v: v * (1 / 257))
        return img.convert("L")
    return img.convert("RGB")   # CMYK (Pillow undoes Adobe inversion), YCbCr, LAB, HSV


def _png(img: Image.Image) -> bytes:
    """Lossless PNG; with a palette when the image has at most 256 colours (median cut is
    exact then, and checked)."""
    couleurs = img.getcolors(256) if img.mode == "RGB" else None
    if couleurs:
        palette = img.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        if palette.convert("RGB").tobytes() == img.tobytes():
            img = palette
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=img.mode == "P")
    return buf.getvalue()


def jpeg(img: Image.Image, qualite: int) -> bytes:
    buf = io.BytesIO()
    (img if img.mode in ("RGB", "L") else img.convert("L" if img.mode == "1" else "RGB")).save(
        buf, "JPEG", quality=qualite, optimize=True)
    return buf.getvalue()


def reencoder(img: Image.Image, *, photo: bool, qualite: int = QUALITE_JPEG) -> bytes:
    """Encoded bytes for an already flat image: JPEG for photos; for screenshots, scans and
    drawings, lossless PNG unless JPEG is much smaller (JPEG blurs the edges of text)."""
    if photo:
        return jpeg(img, qualite)
    en_png = _png(img)
    if img.mode == "1":
        return en_png
    en_jpeg = jpeg(img, qualite)
    return en_png if len(en_png) <= 1.5 * len(en_jpeg) else en_jpeg


def _page(donnees: bytes | Path) -> bytes:
    return img2pdf.convert(donnees if isinstance(donnees, bytes) else str(donnees),
                           layout_fun=_MISE_EN_PAGE, nodate=True, rotation=img2pdf.Rotation.none)


def pages_pdf(chemin: Path, *, pixels_max: int, qualite: int = QUALITE_JPEG) -> Iterator[bytes]:
    """One single-page PDF (bytes) per printed frame of the image, one frame decoded at a time."""
    img = ouvrir(chemin, pixels_max)
    try:
        for cadre in _cadres(img, pixels_max):
            if _tel_quel(cadre):
                verifier(chemin, pixels_max)         # img2pdf would copy a truncated file as is
                try:
                    page = _page(chemin)
                except Exception:   # img2pdf refuses some JPEG variants (odd markers): re-encode
                    page = None
                if page is not None:
                    yield page
                    continue
            yield _page(_decoder_et_reencoder(cadre, qualite))
    finally:
        img.close()


def _decoder_et_reencoder(cadre: Image.Image, qualite: int) -> bytes:
    photo = cadre.format in ("JPEG", "MPO", "HEIF")       # WebP, GIF, PNG...: PNG vs JPEG by size
    orientation = cadre.getexif().get(_ORIENTATION, 1)
    largeur, hauteur = cadre.size
    if orientation in (5, 6, 7, 8):             # shown sideways: compute on the displayed size
        largeur, hauteur = hauteur, largeur
    cible = _taille_pour(largeur, hauteur, DPI_PHOTO if photo else DPI_CAPTURE)
    try:
        if cadre.format in ("JPEG", "MPO"):
            # DCT scaling: decode at 1/2, 1/4... when that still gives ~90 % of the target
            demande = (int(cible[0] * 0.9), int(cible[1] * 0.9))
            if orientation in (5, 6, 7, 8):
                demande = demande[::-1]
            cadre.draft("RGB" if cadre.mode not in ("L", "CMYK") else cadre.mode, demande)
        with _strict():
            cadre.load()
    except ERREURS_DE_DECODAGE as e:
        raise ImageIllisible(str(e)) from e
    img = cadre
    if orientation not in (0, 1):
        img = ImageOps.exif_transpose(img)
    img = a_plat(img)
    if img.width > cible[0] * 1.1 or img.height > cible[1] * 1.1:
        if img.mode == "1":
            img = img.convert("L")
        img = img.resize(_taille_pour(img.width, img.height, DPI_PHOTO if photo else DPI_CAPTURE),
                         Image.Resampling.LANCZOS, reducing_gap=3.0)
    donnees = reencoder(img, photo=photo, qualite=qualite)
    if img is not cadre:
        img.close()
    return donnees
