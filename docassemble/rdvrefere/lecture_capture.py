"""Reading an attempt's capture (issue 11 point 3): the date and time it shows, and the site's message.

`lire_capture(chemin)` runs Tesseract (the Debian binary, with its French data) on a screenshot or
a photo, or reads the text of a PDF's first page (pdftotext; an image PDF is rendered with
pdftoppm and read like a screenshot). `comparer(lecture, date_declaree)` turns the reading into
French warnings: no date visible, a date that contradicts the declared one. The warnings and
`resume` are `mots.Texte` (French, translatable on the client's screens, issue 13); what was read
on the capture stays as it was read.

The reading only ever informs: it never raises, never blocks, and reads nothing (an empty
`LectureCapture`, `lu=False`) when Tesseract or poppler is missing, the file is not an image or a
PDF, or the program fails or takes too long. The binaries are called with `subprocess` (no Python
wrapper: pytesseract would only write temporary files around the same command).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .dates import date_longue, heure_fr
from .mots import Texte

__all__ = ["DateLue", "LectureCapture", "lire_capture", "lire_captures", "comparer", "resume", "ocr_disponible"]

# Images are reduced to at most this width, and this many pixels, before OCR: a phone capture
# (1170 × 2532) read at full size takes twice as long and reads no better. Small images are enlarged
# up to LARGEUR_MIN (Tesseract reads poorly below ~20 px a letter).
LARGEUR_MAX = 900
LARGEUR_MIN = 700
PIXELS_MAX = 3_000_000
PIXELS_A_DECODER_MAX = 60_000_000   # larger images are not decoded at all (the upload check refuses them)
DELAI_S = 20          # a stuck Tesseract or poppler is abandoned (the reading is then empty)
MESSAGE_MAX = 300     # characters of the site's message kept


@dataclass(frozen=True)
class DateLue:
    """A date read on the capture, as written: the year may be missing (« lundi 12 oct. »)."""

    jour: int
    mois: int
    annee: int | None
    texte: str

    def au_plus_pres(self, reference: dt.date) -> dt.date | None:
        """The calendar date it means: with its year, or, without one, the year that puts it
        nearest to `reference`. None for an impossible date (31/02)."""
        annees = [self.annee] if self.annee else [reference.year - 1, reference.year, reference.year + 1]
        possibles = []
        for annee in annees:
            try:
                possibles.append(dt.date(annee, self.mois, self.jour))
            except ValueError:
                continue
        return min(possibles, key=lambda d: abs((d - reference).days)) if possibles else None

    def en_clair(self) -> str:
        """« 12 octobre 2026 », or « 12 octobre (sans année) »."""
        valeur = self.pour_texte()
        return date_longue(valeur) if isinstance(valeur, dt.date) else valeur

    def pour_texte(self) -> dt.date | str:
        """The date as a `Texte`'s value: a date (written in the page's language), « 12 octobre
        (sans année) » (a Texte), or the text as read when it is no calendar date."""
        if self.annee:
            try:
                return dt.date(self.annee, self.mois, self.jour)
            except ValueError:
                return self.texte
        mois = _MOIS_TEXTE[self.mois - 1]
        if self.jour == 1:
            return Texte("1er {mois} (sans année)", mois=mois)
        return Texte("{jour} {mois} (sans année)", jour=self.jour, mois=mois)


@dataclass(frozen=True)
class LectureCapture:
    """What was read on one capture (or several, merged by `lire_captures`)."""

    fichiers: tuple[str, ...] = ()     # names as the client knows them, for the messages
    lu: bool = False                   # a reading was possible (OCR or PDF text ran)
    methode: str = ""                  # "ocr", "texte du PDF" or ""
    texte: str = ""                    # the text read, cleaned of OCR noise
    dates: tuple[DateLue, ...] = ()
    heures: tuple[dt.time, ...] = ()
    message: str = ""                  # the site's message: its most relevant line(s)
    duree_s: float = 0.0
    raison: str = ""                   # why nothing could be read (for the logs), when lu is False

    @property
    def vide(self) -> bool:
        return not (self.texte or self.dates or self.heures or self.message)


def ocr_disponible() -> bool:
    """Tesseract is installed on this machine."""
    return shutil.which("tesseract") is not None


# --- reading ----------------------------------------------------------------------------------

def lire_capture(chemin: str | os.PathLike, nom: str | None = None) -> LectureCapture:
    """Read one capture (image or PDF). Never raises: a file that cannot be read gives an empty
    reading with `lu=False` and its `raison`."""
    debut = time.perf_counter()
    chemin = Path(chemin)
    nom = nom or chemin.name
    try:
        texte, methode = _texte_du_fichier(chemin)
    except _Illisible as exc:
        return LectureCapture(fichiers=(nom,), raison=str(exc), duree_s=time.perf_counter() - debut)
    except Exception as exc:  # noqa: BLE001 - the reading must never break the interview
        return LectureCapture(fichiers=(nom,), raison=f"{type(exc).__name__}: {exc}",
                              duree_s=time.perf_counter() - debut)
    return analyser(texte, nom=nom, methode=methode, duree_s=time.perf_counter() - debut)


def lire_captures(fichiers: list[tuple[str | os.PathLike, str | None]]) -> LectureCapture:
    """Read an attempt's captures [(path, name)…] and merge the readings: a date visible on any
    of them counts (the advice is a second capture of the calendar)."""
    lectures = [lire_capture(chemin, nom) for chemin, nom in fichiers]
    if not lectures:
        return LectureCapture()
    lues = [lecture for lecture in lectures if lecture.lu]
    return LectureCapture(
        fichiers=tuple(nom for lecture in lectures for nom in lecture.fichiers),
        lu=bool(lues),
        methode=", ".join(dict.fromkeys(lecture.methode for lecture in lues)),
        texte="\n\n".join(lecture.texte for lecture in lues if lecture.texte),
        dates=tuple(d for lecture in lues for d in lecture.dates),
        heures=tuple(h for lecture in lues for h in lecture.heures),
        message=next((lecture.message for lecture in lues if lecture.message), ""),
        duree_s=sum(lecture.duree_s for lecture in lectures),
        raison="; ".join(lecture.raison for lecture in lectures if lecture.raison),
    )


def analyser(texte: str, nom: str = "", methode: str = "ocr", duree_s: float = 0.0) -> LectureCapture:
    """The dates, times and message in a text already read."""
    propre = _nettoyer(texte)
    return LectureCapture(fichiers=(nom,) if nom else (), lu=True, methode=methode, texte=propre,
                          dates=dates_du_texte(propre), heures=heures_du_texte(propre),
                          message=message_du_texte(propre), duree_s=duree_s)


class _Illisible(Exception):
    pass


def _texte_du_fichier(chemin: Path) -> tuple[str, str]:
    with open(chemin, "rb") as f:
        tete = f.read(8)
    if tete.startswith(b"%PDF"):
        return _texte_du_pdf(chemin)
    from PIL import Image, ImageOps, UnidentifiedImageError  # noqa: PLC0415
    _heif()
    try:
        with Image.open(chemin) as image:
            if image.width * image.height > PIXELS_A_DECODER_MAX:   # read before the upload check refuses it
                raise _Illisible(f"image trop grande ({image.width} × {image.height})")
            image.seek(0)
            image.draft("L", (LARGEUR_MAX, LARGEUR_MAX * image.height // max(1, image.width)))  # JPEG: decoded small
            image = ImageOps.exif_transpose(image)
            return _ocr(image), "ocr"
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise _Illisible(f"pas une image lisible : {exc}") from exc


def _heif() -> None:
    try:
        import pillow_heif  # noqa: PLC0415
        pillow_heif.register_heif_opener()
    except Exception:  # noqa: BLE001 - HEIC photos are then simply not read
        pass


def _texte_du_pdf(chemin: Path) -> tuple[str, str]:
    """A PDF's first page: its text if it has some (pdftotext), else the page rendered and read."""
    if shutil.which("pdftotext") is None:
        raise _Illisible("pdftotext absent")
    sortie = _executer(["pdftotext", "-q", "-f", "1", "-l", "1", "-enc", "UTF-8", str(chemin), "-"])
    texte = sortie.decode("utf-8", "replace")
    if sum(c.isalpha() for c in texte) >= 20:
        return texte, "texte du PDF"
    if shutil.which("pdftoppm") is None:
        raise _Illisible("pdftoppm absent")
    png = _executer(["pdftoppm", "-q", "-f", "1", "-l", "1", "-scale-to-x", str(LARGEUR_MAX), "-scale-to-y", "-1",
                     "-gray", "-png", str(chemin)])
    from PIL import Image  # noqa: PLC0415
    with Image.open(io.BytesIO(png)) as image:
        return _ocr(image), "ocr"


def _ocr(image) -> str:
    """Tesseract on a greyscale image reduced (or enlarged) to a sensible size."""
    if not ocr_disponible():
        raise _Illisible("tesseract absent")
    from PIL import Image  # noqa: PLC0415
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        fond = Image.new("RGBA", image.size, "white")      # transparent pixels read as white, not black
        image = Image.alpha_composite(fond, image.convert("RGBA"))
    image = image.convert("L")
    largeur, hauteur = image.size
    if largeur < 2 or hauteur < 2:
        raise _Illisible("image vide")
    echelle = min(LARGEUR_MAX / largeur, (PIXELS_MAX / (largeur * hauteur)) ** 0.5)
    if largeur < LARGEUR_MIN:
        echelle = min(LARGEUR_MIN / largeur, (PIXELS_MAX / (largeur * hauteur)) ** 0.5)
    if abs(echelle - 1) > 0.05:
        image = image.resize((max(1, round(largeur * echelle)), max(1, round(hauteur * echelle))),
                             Image.Resampling.LANCZOS)
    tampon = io.BytesIO()
    image.save(tampon, "PNG", compress_level=1)
    sortie = _executer(["tesseract", "stdin", "stdout", "-l", _langues(), "--psm", "3"], tampon.getvalue(),
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return sortie.decode("utf-8", "replace")


@lru_cache(maxsize=1)
def _langues() -> str:
    """French (its model also reads an English phone's « Mon 12 Oct »: adding eng would only slow
    each reading); English alone on a server without the French data."""
    try:
        sortie = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=DELAI_S, check=False)
        langues = set(sortie.stdout.decode("utf-8", "replace").split())
    except (OSError, subprocess.SubprocessError):
        langues = set()
    return "fra" if "fra" in langues or not langues else "eng"


def _executer(commande: list[str], entree: bytes | None = None, env: dict | None = None) -> bytes:
    try:
        resultat = subprocess.run(commande, input=entree, capture_output=True, timeout=DELAI_S, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise _Illisible(f"{commande[0]} : plus de {DELAI_S} s") from exc
    except OSError as exc:
        raise _Illisible(f"{commande[0]} : {exc}") from exc
    if resultat.returncode != 0:
        raise _Illisible(f"{commande[0]} : code {resultat.returncode} "
                         f"{resultat.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return resultat.stdout


# --- analysis ---------------------------------------------------------------------------------

def _sans_accents(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c)).lower()


def _nettoyer(texte: str) -> str:
    """The lines that look like words: OCR of a picture or of noise gives lines of stray signs."""
    lignes = []
    for ligne in texte.replace("\x0c", "\n").splitlines():
        ligne = " ".join(ligne.split())
        utiles = sum(c.isalnum() for c in ligne)
        mots = re.findall(r"[^\W_]{2,}", ligne)
        if utiles >= 3 and utiles >= 0.6 * len(ligne.replace(" ", "")) and (
                any(len(m) >= 3 for m in mots) or re.search(r"\d{1,2}\s*[:h/.]\s*\d{2}", ligne)):
            lignes.append(ligne)
        elif lignes and lignes[-1]:
            lignes.append("")        # a paragraph break, kept to join a sentence cut over two lines
    return "\n".join(lignes).strip()


# a date read without its year: its month's name, in the page's language
_MOIS_TEXTE = (Texte("janvier"), Texte("février"), Texte("mars"), Texte("avril"), Texte("mai"), Texte("juin"),
               Texte("juillet"), Texte("août"), Texte("septembre"), Texte("octobre"), Texte("novembre"),
               Texte("décembre"))
# accents removed, lower case: French full names and abbreviations, English ones too
_MOIS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aou": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
_NOMS_MOIS = "|".join(sorted(_MOIS, key=len, reverse=True))
_JOURS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|" \
         r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?"
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_NUMERIQUE = re.compile(r"(?<![\d/.:-])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d:]|[/.-]\d)")
_JOUR_MOIS = re.compile(rf"(?<![\w])(?:{_JOURS}\s+)?(1er|\d{{1,2}})\s*({_NOMS_MOIS})\b\.?(?:\s*,?\s*(\d{{4}}))?")
_MOIS_JOUR = re.compile(rf"(?<![\w])(?:{_JOURS}\s+)?({_NOMS_MOIS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*,?\s*(\d{{4}}))?")


def dates_du_texte(texte: str) -> tuple[DateLue, ...]:
    """The dates written in the text: 12/10/2026, 12.10.26, 2026-10-12, 12 octobre 2026,
    « lundi 12 oct. », « Mon 12 Oct », « October 12, 2026 »; with or without the year. A bare
    « 12/10 » counts only with a slash and a two-digit month (12.10 may be a price, 3/4 a fraction)."""
    simple = _sans_accents(texte)
    trouvees: list[tuple[int, DateLue]] = []
    pris: list[tuple[int, int]] = []

    def ajouter(debut: int, fin: int, jour: int, mois: int, annee: int | None) -> None:
        if any(debut < f and d < fin for d, f in pris):
            return
        if annee is not None and annee < 100:
            annee += 2000
        if not (1 <= mois <= 12 and 1 <= jour <= 31) or (annee is not None and not 1990 <= annee <= 2100):
            return
        lue = DateLue(jour, mois, annee, texte[debut:fin].strip())
        if lue.au_plus_pres(dt.date(annee or 2024, mois, 1)) is None:   # 31/02 (2024: 29/02 possible)
            return
        pris.append((debut, fin))
        trouvees.append((debut, lue))

    for m in _ISO.finditer(simple):
        ajouter(m.start(), m.end(), int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for m in _JOUR_MOIS.finditer(simple):
        jour = 1 if m.group(1) == "1er" else int(m.group(1))
        ajouter(m.start(), m.end(), jour, _MOIS[m.group(2)], int(m.group(3)) if m.group(3) else None)
    for m in _MOIS_JOUR.finditer(simple):
        if m.group(1) in {"mar", "mai", "may"} and not m.group(3):
            continue          # « mar 12 » is Tuesday the 12th, « mai 3 » rarely a date without a year
        ajouter(m.start(), m.end(), int(m.group(2)), _MOIS[m.group(1)], int(m.group(3)) if m.group(3) else None)
    for m in _NUMERIQUE.finditer(simple):
        if m.group(4) is None and (m.group(2) != "/" or len(m.group(3)) != 2):
            continue          # without a year, only « 12/10 », « 5/09 »: not 12.50 (a price), not 3/4
        ajouter(m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4)) if m.group(4) else None)
    return tuple(lue for _, lue in sorted(trouvees, key=lambda t: t[0]))


_HEURE = re.compile(r"(?<![\d:/.])([01]?\d|2[0-3])\s?(?::|h|H)\s?([0-5]\d)(?![\d/])")


def heures_du_texte(texte: str) -> tuple[dt.time, ...]:
    """The times written in the text: « 14:32 », « 14 h 32 », « 14h32 »."""
    heures = []
    for m in _HEURE.finditer(texte):
        heure = dt.time(int(m.group(1)), int(m.group(2)))
        if heure not in heures:
            heures.append(heure)
    return tuple(heures)


# Words of a booking site's refusal, accents removed: (word, weight). « rendez-vous » alone is the
# page's title as often as its message, hence its lower weight.
_MOTS_DU_MESSAGE = (
    ("aucun", 2), ("aucune", 2), ("creneau", 2), ("creneaux", 2), ("disponible", 2), ("indisponible", 2),
    ("plus de plage", 2), ("plage horaire", 2), ("reessayer", 2), ("recommencer", 2), ("ulterieurement", 2),
    ("plus tard", 2), ("complet", 2), ("n'existe", 2), ("impossible", 2), ("erreur", 2), ("service", 2),
    ("pas de rendez", 2), ("no appointment", 2), ("not available", 2), ("try again", 2),
    ("rendez-vous", 1), ("rendez vous", 1), ("veuillez", 1), ("demande", 1),
)


def _poids(ligne: str) -> int:
    simple = _sans_accents(ligne).replace("\u2019", "'")
    return sum(poids for mot, poids in _MOTS_DU_MESSAGE if re.search(rf"(?<![a-z]){re.escape(mot)}(?![a-z])", simple))


def message_du_texte(texte: str) -> str:
    """The site's message: the sentences carrying the refusal words (« Aucun créneau disponible »,
    « Veuillez réessayer plus tard »), a sentence cut over two lines joined again; at most three
    sentences and MESSAGE_MAX characters, in the page's order."""
    phrases: list[str] = []
    for paragraphe in re.split(r"\n\s*\n", texte):
        courante = ""
        for ligne in paragraphe.splitlines():
            if dates_du_texte(ligne) or heures_du_texte(ligne):
                sans = _HEURE.sub("", ligne)
                if sum(c.isalpha() for c in sans) < 15:      # a line that is only a date or a time
                    if courante:
                        phrases.append(courante)
                    courante = ""
                    continue
            suite = courante and not re.search(r"[.!?:]$", courante) and ligne[:1].islower()
            if suite:
                courante = f"{courante} {ligne}"
            else:
                if courante:
                    phrases.append(courante)
                courante = ligne
        if courante:
            phrases.append(courante)
    notees = [(p, _poids(p)) for p in phrases]
    seuil = 2 if any(poids >= 2 for _, poids in notees) else 1
    retenues = [p for p, poids in notees if poids >= seuil]
    if len(retenues) > 3:
        meilleures = sorted(retenues, key=lambda p: -_poids(p))[:3]
        retenues = [p for p in retenues if p in meilleures]
    message = " ".join(retenues)
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX].rsplit(" ", 1)[0] + "…"
    return message


# --- comparison and summary -------------------------------------------------------------------

def _noms(lecture: LectureCapture) -> Texte:
    """« la capture « c.png » », « les captures « a.png » et « b.png » » (the files' names as they are)."""
    noms = [nom for nom in lecture.fichiers if nom]
    if not noms:
        return Texte("la capture")
    if len(noms) == 1:
        return Texte("la capture « {nom} »", nom=noms[0])
    return Texte("les captures {noms} et « {dernier} »",
                 noms=_liste([f"« {nom} »" for nom in noms[:-1]]), dernier=noms[-1])


def _liste(valeurs: list[object], separateur: str = ",") -> object:
    """Values joined by « , » (or « ; »), each kept as a value: dates and Texte stay translatable."""
    liste = valeurs[-1]
    for valeur in reversed(valeurs[:-1]):
        if separateur == ";":
            liste = Texte("{premier} ; {suite}", premier=valeur, suite=liste)
        else:
            liste = Texte("{premier}, {suite}", premier=valeur, suite=liste)
    return liste


def _dates_lues(dates: Iterable[DateLue]) -> list[object]:
    """Each date once (as `en_clair` writes it), as Texte values."""
    valeurs: dict[str, object] = {}
    for date in dates:
        valeurs.setdefault(date.en_clair(), date.pour_texte())
    return list(valeurs.values())


def comparer(lecture: LectureCapture, date_declaree: dt.date | None,
             heure_declaree: dt.time | None = None) -> list[Texte]:
    """French warnings about the reading against the declared date (and time), as Texte. Nothing
    when the capture could not be read at all (no OCR on this server, not an image): we say only
    what we read."""
    if not lecture.lu:
        return []
    if isinstance(date_declaree, dt.datetime):
        date_declaree = date_declaree.date()
    if isinstance(heure_declaree, dt.datetime):
        heure_declaree = heure_declaree.time()
    avertissements = []
    noms = _noms(lecture)
    if not lecture.dates:
        if lecture.texte:
            avertissements.append(Texte(
                "Nous ne voyons aucune date sur {noms}. Le juge veut voir la date de chaque tentative. "
                "Faites la capture quand la date est visible : l'horloge de l'ordinateur en bas de l'écran, "
                "une page du site où la date est écrite, ou, juste après, une seconde capture du calendrier "
                "du téléphone, à joindre avec la première.", noms=noms))
        else:
            avertissements.append(Texte(
                "Nous ne voyons aucune date sur {noms} (nous n'y avons lu aucun texte). Le juge veut voir la "
                "date de chaque tentative. Faites la capture quand la date est visible : l'horloge de "
                "l'ordinateur en bas de l'écran, une page du site où la date est écrite, ou, juste après, une "
                "seconde capture du calendrier du téléphone, à joindre avec la première.", noms=noms))
        return avertissements
    if date_declaree is None:
        return avertissements
    proches = [(d, d.au_plus_pres(date_declaree)) for d in lecture.dates]
    proches = [(d, jour) for d, jour in proches if jour is not None]
    if not proches:
        return avertissements
    lue, jour = min(proches, key=lambda p: abs((p[1] - date_declaree).days))
    ecart = abs((jour - date_declaree).days)
    if ecart > 1:
        lues = _dates_lues(d for d, _ in proches)
        if len(lues) > 1:
            avertissements.append(Texte(
                "Sur {noms}, nous lisons la date du {date} (dates lues : {dates}), mais vous avez indiqué le "
                "{declaree} pour cette tentative. Vérifiez la date de la tentative, ou joignez la capture faite "
                "ce jour-là : le juge compare les deux.",
                noms=noms, date=lue.pour_texte(), dates=_liste(lues), declaree=date_declaree))
        else:
            avertissements.append(Texte(
                "Sur {noms}, nous lisons la date du {date}, mais vous avez indiqué le {declaree} pour cette "
                "tentative. Vérifiez la date de la tentative, ou joignez la capture faite ce jour-là : le juge "
                "compare les deux.", noms=noms, date=lue.pour_texte(), declaree=date_declaree))
    elif heure_declaree is not None and lecture.heures and ecart == 0:
        minutes = heure_declaree.hour * 60 + heure_declaree.minute
        if all(abs(h.hour * 60 + h.minute - minutes) > 60 for h in lecture.heures):
            avertissements.append(Texte(
                "Sur {noms}, nous lisons l'heure {heures}, mais vous avez indiqué {heure}. Vérifiez l'heure de "
                "la tentative.", noms=noms, heures=_liste([heure_fr(h) for h in lecture.heures[:3]]),
                heure=heure_fr(heure_declaree)))
    return avertissements


def resume(lecture: LectureCapture) -> Texte | str:
    """« Nous avons lu sur la capture « c.png » : « Aucun créneau disponible » ; date : 12 octobre
    2026 ; heure : 14 h 32. » — plain text, a Texte (to show through the screens' safe helper,
    translated); '' when nothing could be read."""
    if not lecture.lu:
        return ""
    morceaux: list[object] = []
    if lecture.message:
        morceaux.append(f"« {lecture.message} »")       # the site's words, as read
    if lecture.dates:
        morceaux.append(Texte("date : {dates}", dates=_liste(_dates_lues(lecture.dates[:3]))))
    if lecture.heures:
        heures = _liste([heure_fr(h) for h in lecture.heures[:3]])
        morceaux.append(Texte("heure : {heures}", heures=heures) if len(lecture.heures) == 1
                        else Texte("heures : {heures}", heures=heures))
    if not morceaux:
        if lecture.texte:
            extrait = " ".join(lecture.texte.split())[:120]
            return Texte("Nous avons lu sur {noms} : « {extrait} », sans date ni message du site.",
                         noms=_noms(lecture), extrait=extrait)
        return Texte("Nous n'avons lu aucun texte sur {noms}.", noms=_noms(lecture))
    return Texte("Nous avons lu sur {noms} : {lu}.", noms=_noms(lecture), lu=_liste(morceaux, ";"))
