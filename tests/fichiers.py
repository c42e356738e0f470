"""Test-file factory: real, deterministic files made on demand in a given folder.

Shared by every test module (``from fichiers import jpeg_photo, pdf, ...``).
Each function writes the file at ``path`` and returns ``path`` as a ``Path``.
No network, no fixture files in the repository: everything is drawn here.
"""
from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "jpeg_photo", "jpeg_cmyk", "png_capture", "png_transparente", "png_entete_geante",
    "webp", "gif", "tiff_multipage", "heic_photo",
    "pdf", "pdf_password", "pdf_owner_only", "pdf_pivote", "pdf_formulaire",
    "docx", "odt", "rtf", "doc",
    "truncated", "empty", "zip_archive", "exe", "mp4", "texte", "sha256",
]

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _police(taille: int) -> ImageFont.ImageFont:
    if _DEJAVU.exists():
        return ImageFont.truetype(str(_DEJAVU), taille)
    return ImageFont.load_default(taille)


def _bruit(taille: tuple[int, int], graine: int = 7) -> Image.Image:
    """Deterministic grey noise tile (sensor-like grain, so JPEG sizes look like real photos)."""
    tuile = Image.frombytes("L", (256, 256), random.Random(graine).randbytes(256 * 256))
    fond = Image.new("L", taille)
    for x in range(0, taille[0], 256):
        for y in range(0, taille[1], 256):
            fond.paste(tuile, (x, y))
    return fond


def _photo_droite(taille: tuple[int, int], texte: str = "HAUT") -> Image.Image:
    """An upright photo-like RGB image: gradient, shapes, grain, a red band at the top with text."""
    l, h = taille
    img = Image.merge("RGB", (
        Image.linear_gradient("L").resize((l, h)),
        Image.radial_gradient("L").resize((l, h)),
        Image.linear_gradient("L").rotate(90).resize((l, h)),
    ))
    d = ImageDraw.Draw(img)
    u = max(1, min(l, h) // 20)
    d.rectangle((0, 0, l, max(2, h // 12)), fill=(220, 20, 20))           # top marker
    d.ellipse((l // 4, h // 3, l // 4 + 4 * u, h // 3 + 4 * u), fill=(20, 160, 40))
    d.rectangle((l // 2, h // 2, l // 2 + 5 * u, h // 2 + 3 * u), outline=(0, 0, 0), width=max(1, u // 6))
    d.text((u, h // 12 + u), texte, fill=(0, 0, 0), font=_police(max(10, 2 * u)))
    d.text((u, h // 2), "Préfecture — rendez-vous indisponible", fill=(255, 255, 255), font=_police(max(10, u)))
    grain = _bruit(taille)
    return Image.blend(img, Image.merge("RGB", (grain, grain, grain)), 0.12)


# EXIF orientation -> transpose that *stores* an upright image so that exif_transpose restores it
_STOCKAGE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def jpeg_photo(path, size=(4000, 3000), orientation=None, *, quality=90, progressive=False,
               mode="RGB") -> Path:
    """A camera-like JPEG. ``size`` is the stored pixel size; with an EXIF ``orientation``
    the pixels are stored rotated/flipped so that the *displayed* image is upright
    (red band at its top)."""
    path = Path(path)
    l, h = size
    droite_taille = (h, l) if orientation in (5, 6, 7, 8) else (l, h)
    img = _photo_droite(droite_taille)
    if orientation and orientation != 1:
        img = img.transpose(_STOCKAGE[orientation])
    assert img.size == tuple(size)
    if mode != "RGB":
        img = img.convert(mode)
    kwargs = {"quality": quality, "progressive": progressive}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(path, "JPEG", **kwargs)
    return path


def jpeg_cmyk(path, size=(1200, 900)) -> Path:
    """A CMYK JPEG (as produced by some scanners and print workflows)."""
    return jpeg_photo(path, size, mode="CMYK")


def png_capture(path, size=(1170, 2532), *, lignes=None) -> Path:
    """A phone screenshot: white background, a blue bar, a few lines of black text."""
    path = Path(path)
    l, h = size
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, l, h // 14), fill=(0, 0, 145))
    police = _police(max(10, l // 22))
    lignes = lignes or [
        "Prendre un rendez-vous",
        "Aucun créneau disponible.",
        "Veuillez réessayer plus tard.",
        "12/03/2025 09:01",
    ]
    for i, ligne in enumerate(lignes):
        d.text((l // 20, h // 8 + i * (l // 12)), ligne, fill="black", font=police)
    img.save(path, "PNG")
    return path


def png_transparente(path, size=(800, 600)) -> Path:
    """An RGBA PNG whose left half is fully transparent (must come out white)."""
    path = Path(path)
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rectangle((size[0] // 2, 0, size[0], size[1]), fill=(30, 60, 200, 255))
    d.text((size[0] // 2 + 10, 10), "Opaque", fill=(255, 255, 255, 255), font=_police(24))
    img.save(path, "PNG")
    return path


def _chunk_png(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_entete_geante(path, size=(20_000, 20_000)) -> Path:
    """A tiny file whose PNG header declares a huge image (decompression bomb shape).
    Decoding it would need width × height × 3 bytes; it must be refused from the header."""
    path = Path(path)
    l, h = size
    ihdr = struct.pack(">IIBBBBB", l, h, 8, 2, 0, 0, 0)
    # one row of data only: any decoder that tries will fail or allocate the whole image
    idat = zlib.compress(b"\x00" + b"\xff" * (3 * min(l, 1000)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk_png(b"IHDR", ihdr) + _chunk_png(b"IDAT", idat)
                     + _chunk_png(b"IEND", b""))
    return path


def webp(path, size=(1200, 900)) -> Path:
    path = Path(path)
    _photo_droite(size).save(path, "WEBP", quality=80, method=0)
    return path


def gif(path, size=(600, 400), frames=1) -> Path:
    path = Path(path)
    images = [png_like.convert("P", palette=Image.Palette.ADAPTIVE)
              for png_like in (_photo_droite(size, texte=f"Image {i + 1}") for i in range(frames))]
    images[0].save(path, "GIF", save_all=frames > 1, append_images=images[1:], duration=500)
    return path


def tiff_multipage(path, pages=3, size=(1240, 1754)) -> Path:
    """A multi-page TIFF like a scanner writes (each page a greyscale A4 at 150 dpi)."""
    path = Path(path)
    images = []
    for i in range(pages):
        img = Image.new("L", size, 255)
        d = ImageDraw.Draw(img)
        d.text((100, 100), f"Page scannée {i + 1}", fill=0, font=_police(60))
        d.rectangle((100, 300, size[0] - 100, 320 + 40 * i), fill=0)
        images.append(img)
    images[0].save(path, "TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate",
                   dpi=(150, 150))
    return path


def tiff_scan(path, octets: int = 19_500_000) -> Path:
    """An uncompressed greyscale TIFF of about `octets` bytes, as a scanner at 300 dpi writes it
    (A4 pages of 2480×3508 pixels, as many as needed, the last one shorter)."""
    path = Path(path)
    largeur, hauteur = 2480, 3508
    pages, reste = [], octets
    while reste > 0:
        h = min(hauteur, max(16, reste // largeur))
        img = Image.new("L", (largeur, h), 255)
        d = ImageDraw.Draw(img)
        d.text((150, 150), f"Page scannée {len(pages) + 1}", fill=0, font=_police(80))
        if h > 440:
            d.rectangle((150, 400, largeur - 150, 440), fill=0)
        pages.append(img)
        reste -= largeur * h
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:], compression=None, dpi=(300, 300))
    return path


def heic_photo(path, size=(1600, 1200), orientation=None) -> Path:
    """An iPhone-like HEIC photo (pillow-heif encoder). With an EXIF ``orientation`` the pixels
    are given sideways and pillow-heif records the turn (irot), as iPhones do."""
    import pillow_heif
    pillow_heif.register_heif_opener()
    path = Path(path)
    l, h = size
    img = _photo_droite((h, l) if orientation in (5, 6, 7, 8) else (l, h))
    kwargs = {}
    if orientation and orientation != 1:
        img = img.transpose(_STOCKAGE[orientation])
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(path, "HEIF", quality=70, **kwargs)
    return path


def pdf(path, pages=3, text="Document de test", *, size=None) -> Path:
    """A text PDF (reportlab, invariant output). Page i carries « {text} — page i »."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    if not hasattr(path, "write"):
        path = Path(path)
    c = canvas.Canvas(path if hasattr(path, "write") else str(path), pagesize=size or A4, invariant=1)
    l, h = size or A4
    for i in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        # text right at the top edge and the bottom edge: a stamp must not cover it
        c.drawString(40, h - 16, f"{text} - haut {i}")
        c.drawString(72, h / 2, f"{text} - page {i}")
        c.drawString(40, 6, f"{text} - bas {i}")
        c.showPage()
    c.save()
    return path


def pdf_password(path, user_password="secret", owner_password="proprietaire") -> Path:
    """A PDF that needs a password to open (user password)."""
    import pikepdf
    path = Path(path)
    buf = io.BytesIO()
    pdf(buf, pages=2, text="Document protégé")
    with pikepdf.open(io.BytesIO(buf.getvalue())) as doc:
        doc.save(path, encryption=pikepdf.Encryption(user=user_password, owner=owner_password))
    return path


def pdf_owner_only(path, owner_password="proprietaire") -> Path:
    """A PDF with only an owner password (restrictions, opens without a password)."""
    import pikepdf
    path = Path(path)
    buf = io.BytesIO()
    pdf(buf, pages=2, text="Document restreint")
    with pikepdf.open(io.BytesIO(buf.getvalue())) as doc:
        doc.save(path, encryption=pikepdf.Encryption(
            user="", owner=owner_password,
            allow=pikepdf.Permissions(extract=False, modify_other=False, print_highres=False)))
    return path


def pdf_pivote(path, rotate=90) -> Path:
    """A one-page PDF whose page has /Rotate and a CropBox not at the origin."""
    import pikepdf
    path = Path(path)
    buf = io.BytesIO()
    pdf(buf, pages=1, text="Page pivotée")
    with pikepdf.open(io.BytesIO(buf.getvalue())) as doc:
        page = doc.pages[0]
        page.obj.Rotate = rotate
        page.obj.CropBox = pikepdf.Array([0, 0, 595.2756, 841.8898])
        doc.save(path)
    return path


def pdf_formulaire(path) -> Path:
    """A PDF with a filled text field and a link annotation (forms like CERFA)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    path = Path(path)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawString(72, 780, "Formulaire")
    c.acroForm.textfield(name="nom", value="Valeur saisie", x=72, y=700, width=300, height=24)
    c.linkURL("https://www.example.org/", (72, 600, 300, 620))
    c.drawString(72, 605, "Lien")
    c.showPage()
    c.save()
    return path


# -- word-processing files -------------------------------------------------------------

def docx(path, text="Courrier à la préfecture") -> Path:
    import docx as python_docx
    path = Path(path)
    d = python_docx.Document()
    d.core_properties.created = d.core_properties.modified = __import__("datetime").datetime(2025, 1, 1)
    d.add_heading("Courrier", level=1)
    for ligne in str(text).splitlines() or [""]:
        d.add_paragraph(ligne)
    d.save(path)
    return path


def _zip_fixe(path: Path, membres: list[tuple[str, bytes, int]]) -> None:
    """Write a zip with fixed timestamps (deterministic bytes)."""
    with zipfile.ZipFile(path, "w") as z:
        for nom, data, compression in membres:
            info = zipfile.ZipInfo(nom, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = compression
            z.writestr(info, data)


def odt(path, text="Attestation sur l'honneur") -> Path:
    """A minimal hand-written OpenDocument text (mimetype first and stored, as the spec requires)."""
    path = Path(path)
    paragraphes = "".join(f"<text:p>{ligne}</text:p>" for ligne in str(text).splitlines() or [""])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{paragraphes}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    _zip_fixe(path, [
        ("mimetype", b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("content.xml", content.encode(), zipfile.ZIP_DEFLATED),
        ("META-INF/manifest.xml", manifest.encode(), zipfile.ZIP_DEFLATED),
    ])
    return path


def rtf(path, text="Relevé des tentatives") -> Path:
    """A hand-written RTF (accents as \\'xx escapes in cp1252)."""
    path = Path(path)

    def echappe(s: str) -> str:
        out = []
        for ch in s:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                try:
                    out.append("\\'%02x" % ch.encode("cp1252")[0])
                except UnicodeEncodeError:
                    out.append("\\u%d?" % ord(ch))
        return "".join(out)

    corps = "".join(f"{echappe(l)}\\par\n" for l in str(text).splitlines() or [""])
    path.write_bytes(("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n"
                      "\\f0\\fs24 " + corps + "}\n").encode("ascii"))
    return path


def doc(path, text="Ancien document Word") -> Path:
    """A legacy .doc, made by LibreOffice from a docx (slow: a few seconds)."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        source = docx(Path(tmp) / "source.docx", text)
        profil = Path(tmp) / "profil"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profil}", "--headless", "--norestore",
                        "--convert-to", "doc", "--outdir", tmp, str(source)],
                       check=True, capture_output=True, timeout=180)
        shutil.copyfile(Path(tmp) / "source.doc", path)
    return path


# -- damaged and unsupported files ---------------------------------------------------------

def truncated(path_of_existing, dest, fraction: float = 0.5) -> Path:
    """Copy of an existing file cut at ``fraction`` of its length (interrupted download)."""
    data = Path(path_of_existing).read_bytes()
    dest = Path(dest)
    dest.write_bytes(data[: max(1, int(len(data) * fraction))])
    return dest


def empty(path) -> Path:
    path = Path(path)
    path.write_bytes(b"")
    return path


def zip_archive(path) -> Path:
    path = Path(path)
    _zip_fixe(path, [("lisezmoi.txt", b"bonjour", zipfile.ZIP_DEFLATED)])
    return path


def exe(path) -> Path:
    """Bytes shaped like a Windows executable (MZ header, PE signature); never run."""
    path = Path(path)
    entete = bytearray(b"MZ" + b"\x00" * 126)
    entete[0x3C:0x40] = struct.pack("<I", 0x80)
    path.write_bytes(bytes(entete) + b"PE\x00\x00" + b"\x00" * 256)
    return path


def mp4(path) -> Path:
    """Bytes shaped like an MP4 video (ftyp box, brand isom)."""
    path = Path(path)
    path.write_bytes(struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
                     + struct.pack(">I", 8) + b"free" + b"\x00" * 64)
    return path


def texte(path, text="Notes prises au téléphone avec la préfecture.\n") -> Path:
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def sha256(path) -> str:
    import hashlib
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
