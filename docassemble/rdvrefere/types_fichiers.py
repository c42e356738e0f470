"""What a file really is, from its content (magic bytes), never from its extension.

Plain Python, no docassemble import. Used by ``conversion.examiner_fichier``.
"""
from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .mots import Texte

__all__ = [
    "GENRES_ACCEPTES", "GENRES_IMAGE", "GENRES_TEXTE", "EXTENSIONS", "EXTENSION_USUELLE", "CONSEILS", "Detection",
    "TYPES_MIME", "ACCEPT_TELEVERSEMENT", "FORMATS_ACCEPTES",
    "detecter", "categorie", "description", "pages_declarees",
]

GENRES_IMAGE = frozenset({"jpeg", "png", "webp", "gif", "tiff", "heif"})
GENRES_TEXTE = frozenset({"docx", "odt", "rtf", "doc"})
GENRES_ACCEPTES = frozenset({"pdf"}) | GENRES_IMAGE | GENRES_TEXTE

# Extensions the user may give, and the genre each one announces.
EXTENSIONS = {
    ".pdf": "pdf",
    ".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".jfif": "jpeg",
    ".png": "png", ".webp": "webp", ".gif": "gif", ".tif": "tiff", ".tiff": "tiff",
    ".heic": "heif", ".heif": "heif", ".hif": "heif",
    ".docx": "docx", ".odt": "odt", ".rtf": "rtf", ".doc": "doc",
}

# MIME types that browsers give the files of each accepted genre.
TYPES_MIME = {
    "pdf": ("application/pdf",),
    "jpeg": ("image/jpeg",), "png": ("image/png",), "webp": ("image/webp",), "gif": ("image/gif",),
    "tiff": ("image/tiff",),
    "heif": ("image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    "odt": ("application/vnd.oasis.opendocument.text",),
    "rtf": ("application/rtf", "text/rtf"),
    "doc": ("application/msword",),
}

# The `accept` list of every upload field: each extension of an accepted genre (for the file
# picker) and each MIME type (docassemble's check in the browser compares MIME types only).
ACCEPT_TELEVERSEMENT = ",".join(
    [ext for ext, genre in EXTENSIONS.items() if genre in GENRES_ACCEPTES]
    + [mime for genre in sorted(GENRES_ACCEPTES) for mime in TYPES_MIME[genre]])

# The same list, for the client, beside the upload fields.
FORMATS_ACCEPTES = Texte("PDF, photo ou capture d'écran (JPEG, HEIC, PNG, WebP, GIF, TIFF), "
                         "document Word (.docx, .doc), OpenDocument (.odt) ou RTF")

# The extension to suggest when a file's name does not match its content.
EXTENSION_USUELLE = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "webp": ".webp", "gif": ".gif",
                     "tiff": ".tif", "heif": ".heic", "docx": ".docx", "odt": ".odt", "rtf": ".rtf",
                     "doc": ".doc"}

# French description, with article, of every genre this module can name (a mots.Texte: the
# refusal messages that name it are shown in the client's language).
_DESCRIPTIONS = {
    "pdf": Texte("un document PDF"),
    "jpeg": Texte("une image JPEG"),
    "png": Texte("une image PNG"),
    "webp": Texte("une image WebP"),
    "gif": Texte("une image GIF"),
    "tiff": Texte("une image TIFF"),
    "heif": Texte("une photo HEIC (format des iPhone)"),
    "docx": Texte("un document Word (.docx)"),
    "odt": Texte("un document OpenDocument (.odt)"),
    "rtf": Texte("un document RTF"),
    "doc": Texte("un document Word ancien format (.doc)"),
    "zip": Texte("une archive ZIP"),
    "archive": Texte("une archive compressée"),
    "exe": Texte("un programme (fichier exécutable)"),
    "video": Texte("une vidéo"),
    "audio": Texte("un enregistrement sonore"),
    "texte_brut": Texte("un fichier texte brut (.txt)"),
    "html": Texte("une page web (HTML)"),
    "tableur": Texte("un tableur (Excel ou Calc)"),
    "presentation": Texte("une présentation (PowerPoint ou Impress)"),
    "courriel": Texte("un courriel enregistré"),
    "office_chiffre": Texte("un document Office protégé par un mot de passe"),
    "office": Texte("un document Microsoft Office d'un type non pris en charge"),
    "bmp": Texte("une image BMP"),
    "svg": Texte("une image SVG"),
    "avif": Texte("une image AVIF"),
    "inconnu": Texte("un fichier d'un type inconnu"),
}

# What to do instead, for the types people actually try to upload (mots.Texte, as above).
CONSEILS = {
    "zip": Texte("ouvrez l'archive et déposez chacun des fichiers qu'elle contient"),
    "archive": Texte("ouvrez l'archive et déposez chacun des fichiers qu'elle contient"),
    "video": Texte("faites des captures d'écran des passages utiles et déposez-les"),
    "audio": Texte("décrivez son contenu par écrit (date, heure, ce qui a été dit)"),
    "html": Texte("ouvrez la page, choisissez « Imprimer » puis « Enregistrer au format PDF », et déposez le PDF"),
    "texte_brut": Texte("copiez le texte dans un document Word ou LibreOffice, ou enregistrez-le en PDF"),
    "courriel": Texte("ouvrez le courriel, choisissez « Imprimer » puis « Enregistrer au format PDF », "
                      "et déposez le PDF"),
    "tableur": Texte("enregistrez-le au format PDF depuis votre tableur, et déposez le PDF"),
    "presentation": Texte("enregistrez-la au format PDF, et déposez le PDF"),
    "bmp": Texte("enregistrez-la en JPEG ou en PNG, ou faites-en une capture d'écran"),
    "svg": Texte("enregistrez-la en PNG ou en PDF"),
    "avif": Texte("enregistrez-la en JPEG ou en PNG, ou faites-en une capture d'écran"),
}

_HEIF_MARQUES = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AUDIO_MARQUES = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}


@dataclass(frozen=True)
class Detection:
    genre: str                 # a key of _DESCRIPTIONS
    endommage: bool = False    # recognised, but the container itself is unreadable (zip)


def description(genre: str) -> Texte:
    """« un document PDF », « une image JPEG »…: the genre in French, with its article (a Texte)."""
    return _DESCRIPTIONS.get(genre, _DESCRIPTIONS["inconnu"])


def categorie(genre: str | None) -> str | None:
    """'pdf', 'image' or 'texte' for accepted genres; the genre itself otherwise."""
    if genre == "pdf":
        return "pdf"
    if genre in GENRES_IMAGE:
        return "image"
    if genre in GENRES_TEXTE:
        return "texte"
    return genre


def detecter(chemin: Path) -> Detection:
    """Genre of the file from its first bytes (and, for zip and OLE2 containers, their member names)."""
    with open(chemin, "rb") as f:
        tete = f.read(4096)
    if b"%PDF-" in tete[:1024]:            # PDF readers accept junk before the header
        return Detection("pdf")
    if tete.startswith(b"\xff\xd8\xff"):
        return Detection("jpeg")
    if tete.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detection("png")
    if tete[:6] in (b"GIF87a", b"GIF89a"):
        return Detection("gif")
    if tete[:4] == b"RIFF" and tete[8:12] == b"WEBP":
        return Detection("webp")
    if tete[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return Detection("tiff")
    if tete[4:8] == b"ftyp":
        return Detection(_genre_ftyp(tete))
    if tete.startswith(b"PK\x03\x04") or tete.startswith(b"PK\x05\x06"):
        return _genre_zip(chemin)
    if tete.startswith(b"{\\rtf"):
        return Detection("rtf")
    if tete.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Detection(_genre_ole(chemin))
    if tete.startswith(b"MZ") or tete.startswith(b"\x7fELF") or tete[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
        return Detection("exe")
    if tete.startswith(b"BM") and len(tete) > 14 and struct.unpack("<I", tete[2:6])[0] > 14:
        return Detection("bmp")
    if tete[:4] == b"RIFF" and tete[8:12] in (b"WAVE",):
        return Detection("audio")
    if tete[:4] == b"RIFF" and tete[8:12] == b"AVI ":
        return Detection("video")
    if tete.startswith(b"\x1a\x45\xdf\xa3"):                       # Matroska / WebM
        return Detection("video")
    if tete.startswith((b"ID3", b"OggS", b"fLaC", b"#!AMR")) or tete[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf1"):
        return Detection("audio")
    if tete.startswith((b"7z\xbc\xaf\x27\x1c", b"Rar!", b"\x1f\x8b", b"BZh", b"\xfd7zXZ")):
        return Detection("archive")
    return Detection(_genre_texte(tete))


def _genre_ftyp(tete: bytes) -> str:
    taille = struct.unpack(">I", tete[:4])[0]
    boite = tete[8:min(max(taille, 16), len(tete))]
    marques = {boite[:4]} | {boite[i:i + 4] for i in range(8, len(boite) - 3, 4)}
    if marques & {b"avif", b"avis"}:
        return "avif"
    if marques & _HEIF_MARQUES:
        return "heif"
    if boite[:4] in _AUDIO_MARQUES:
        return "audio"
    return "video"


def _genre_zip(chemin: Path) -> Detection:
    try:
        with zipfile.ZipFile(chemin) as z:
            noms = set(z.namelist())
            if "mimetype" in noms:
                mime = z.read("mimetype").decode("ascii", "replace").strip()
                if mime == "application/vnd.oasis.opendocument.text":
                    return Detection("odt")
                if "spreadsheet" in mime:
                    return Detection("tableur")
                if "presentation" in mime:
                    return Detection("presentation")
            if "word/document.xml" in noms:
                return Detection("docx")
            if "xl/workbook.xml" in noms:
                return Detection("tableur")
            if "ppt/presentation.xml" in noms:
                return Detection("presentation")
            return Detection("zip")
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return Detection("zip", endommage=True)


def _genre_ole(chemin: Path) -> str:
    """Legacy Office (OLE2 compound file): tell Word from Excel, Outlook and encrypted OOXML
    by the UTF-16 stream names in the file's directory."""
    with open(chemin, "rb") as f:
        data = f.read(64 * 1024 * 1024)

    def a(nom: str) -> bool:
        return nom.encode("utf-16-le") in data

    if a("EncryptedPackage"):          # a password-protected docx/xlsx is stored this way
        return "office_chiffre"
    if a("WordDocument"):
        return "doc"
    if a("Workbook") or a("Book"):
        return "tableur"
    if a("PowerPoint Document"):
        return "presentation"
    if a("__substg1.0_"):
        return "courriel"
    return "office"


def _genre_texte(tete: bytes) -> str:
    if b"\x00" in tete:
        return "inconnu"
    try:
        texte = tete.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(tete) - 4:    # not just a character cut at the end of the sample
            try:
                texte = tete.decode("cp1252")
            except UnicodeDecodeError:
                return "inconnu"
        else:
            texte = tete[:e.start].decode("utf-8")
    debut = texte.lstrip("\ufeff \t\r\n").lower()
    if debut.startswith(("<!doctype html", "<html")) or "<html" in debut[:1024]:
        return "html"
    if "<svg" in debut[:1024]:
        return "svg"
    if re.match(r"(received|from|return-path|mime-version|message-id|delivered-to):", debut):
        return "courriel"
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in texte):
        return "inconnu"
    return "texte_brut"


def pages_declarees(chemin: Path, genre: str) -> int:
    """Page count that a word-processing file declares in its metadata; 0 when unknown.
    (Only a conversion knows for sure: layout depends on fonts.)"""
    try:
        if genre == "docx":
            with zipfile.ZipFile(chemin) as z:
                xml = z.read("docProps/app.xml").decode("utf-8", "replace")
            m = re.search(r"<Pages>(\d+)</Pages>", xml)
        elif genre == "odt":
            with zipfile.ZipFile(chemin) as z:
                xml = z.read("meta.xml").decode("utf-8", "replace")
            m = re.search(r'meta:page-count="(\d+)"', xml)
        else:
            return 0
        return int(m.group(1)) if m else 0
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return 0
