"""Reading an attempt's capture (issue 11 point 3): real Tesseract on phone-size captures rendered
here with Pillow and a TrueType font (DejaVu Sans, from Debian), the warnings, the PDF cases, a
server without Tesseract, and the interview's use of it (headless)."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import unicodedata
from pathlib import Path

import img2pdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas

from docassemble.rdvrefere.lecture_capture import (LectureCapture, comparer, dates_du_texte, heures_du_texte,
                                                   lire_capture, lire_captures, message_du_texte, resume)

POLICES = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
           Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")]
POLICE = next((p for p in POLICES if p.exists()), None)

besoin_ocr = pytest.mark.skipif(shutil.which("tesseract") is None or POLICE is None,
                                reason="Tesseract (tesseract-ocr-fra) ou une police TrueType manque")


def simple(texte: str) -> str:
    """Accents off, lower case: Tesseract may drop an accent, never the word."""
    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c)).lower()


def capture_telephone(chemin: Path, lignes: list[str], *, barre: str = "14:32", taille=(1170, 2532)) -> Path:
    """A phone screenshot: status bar with the time (white on dark), the site's banner, the text."""
    largeur, hauteur = taille
    image = Image.new("RGB", taille, "white")
    dessin = ImageDraw.Draw(image)
    petite, normale = ImageFont.truetype(str(POLICE), 44), ImageFont.truetype(str(POLICE), 52)
    dessin.rectangle((0, 0, largeur, 130), fill=(20, 20, 20))
    dessin.text((60, 40), barre, fill="white", font=petite)
    dessin.rectangle((0, 130, largeur, 330), fill=(0, 0, 145))
    dessin.text((60, 200), "Préfecture de la Seine-Saint-Denis", fill="white", font=petite)
    for n, ligne in enumerate(lignes):
        dessin.text((60, 450 + n * 90), ligne, fill="black", font=normale)
    image.save(chemin, "PNG")
    return chemin


MESSAGE = ["Prendre un rendez-vous", "Aucun créneau disponible.", "Veuillez réessayer plus tard."]


# --- real OCR on rendered captures ----------------------------------------------------------------

@besoin_ocr
def test_date_time_and_message_are_read(tmp_path):
    chemin = capture_telephone(tmp_path / "capture.png", [*MESSAGE, "", "Le 12/10/2026"])
    lecture = lire_capture(chemin)
    assert lecture.lu and lecture.methode == "ocr"
    assert [d.au_plus_pres(dt.date(2026, 10, 12)) for d in lecture.dates] == [dt.date(2026, 10, 12)]
    assert dt.time(14, 32) in lecture.heures
    assert "aucun creneau disponible" in simple(lecture.message)
    assert "reessayer plus tard" in simple(lecture.message)
    assert "prendre un rendez-vous" not in simple(lecture.message)   # the page's title is not the message
    assert comparer(lecture, dt.date(2026, 10, 12), dt.time(14, 30)) == []
    assert comparer(lecture, dt.date(2026, 10, 13)) == []           # a day apart: midnight, time zones
    texte = resume(lecture)
    assert texte.startswith("Nous avons lu sur la capture « capture.png » : « ")
    assert "12 octobre 2026" in texte and "14 h 32" in texte


@besoin_ocr
@pytest.mark.parametrize("ecrit, attendu, annee", [
    ("lundi 12 oct.", dt.date(2026, 10, 12), False),
    ("12 octobre 2026", dt.date(2026, 10, 12), True),
    ("2026-10-12", dt.date(2026, 10, 12), True),
    ("Mon 12 Oct", dt.date(2026, 10, 12), False),
])
def test_french_and_phone_date_formats_are_read(tmp_path, ecrit, attendu, annee):
    chemin = capture_telephone(tmp_path / "c.png", [ecrit, *MESSAGE[1:]], barre="9:41")
    lecture = lire_capture(chemin)
    assert [d.au_plus_pres(attendu) for d in lecture.dates] == [attendu], lecture.texte
    assert (lecture.dates[0].annee is not None) is annee
    assert dt.time(9, 41) in lecture.heures


@besoin_ocr
def test_time_written_the_french_way_is_read(tmp_path):
    chemin = capture_telephone(tmp_path / "c.png", ["Demande faite le 5 octobre 2026 à 14 h 32", *MESSAGE[1:]],
                               barre="")
    lecture = lire_capture(chemin)
    assert lecture.heures == (dt.time(14, 32),)
    assert comparer(lecture, dt.date(2026, 10, 5), dt.time(14, 32)) == []
    avertissements = comparer(lecture, dt.date(2026, 10, 5), dt.time(9, 0))
    assert len(avertissements) == 1 and "14 h 32" in avertissements[0] and "9 h 00" in avertissements[0]


@besoin_ocr
def test_capture_without_a_date_gives_the_advice(tmp_path):
    chemin = capture_telephone(tmp_path / "sans_date.png", MESSAGE)
    lecture = lire_capture(chemin, "Capture du soir.png")
    assert lecture.dates == () and "aucun creneau" in simple(lecture.message)
    [avertissement] = comparer(lecture, dt.date(2026, 10, 12))
    assert "aucune date" in avertissement and "« Capture du soir.png »" in avertissement
    for conseil in ("horloge de l'ordinateur", "page du site", "calendrier"):
        assert conseil in avertissement


@besoin_ocr
def test_date_contradicting_the_declared_one_names_both(tmp_path):
    chemin = capture_telephone(tmp_path / "c.png", [*MESSAGE, "05/10/2026"])
    [avertissement] = comparer(lire_capture(chemin), dt.date(2026, 10, 20))
    assert "5 octobre 2026" in avertissement and "20 octobre 2026" in avertissement
    assert "« c.png »" in avertissement


@besoin_ocr
def test_a_second_capture_of_the_calendar_gives_the_date(tmp_path):
    """The advice for phones: the site's page, then the calendar; the attempt's captures count together."""
    site = capture_telephone(tmp_path / "site.png", MESSAGE)
    calendrier = capture_telephone(tmp_path / "calendrier.png", ["mardi 13 octobre 2026"], barre="14:33")
    lecture = lire_captures([(site, None), (calendrier, None)])
    assert lecture.fichiers == ("site.png", "calendrier.png")
    assert "aucun creneau" in simple(lecture.message)
    assert comparer(lecture, dt.date(2026, 10, 13)) == []


@besoin_ocr
def test_small_and_large_captures_are_read(tmp_path):
    """A capture far smaller (old phone) or taller (scrolling capture) than usual."""
    grande = capture_telephone(tmp_path / "grande.png", [*MESSAGE, "12/10/2026"], taille=(1440, 6000))
    assert [d.jour for d in lire_capture(grande).dates] == [12]
    petite = Image.open(capture_telephone(tmp_path / "p.png", [*MESSAGE, "12/10/2026"]))
    petite.resize((480, 1040)).save(tmp_path / "petite.png")
    assert [d.jour for d in lire_capture(tmp_path / "petite.png").dates] == [12]


@besoin_ocr
def test_garbage_gives_an_empty_reading_and_no_exception(tmp_path):
    bruit = Image.frombytes("L", (800, 1200), random.Random(3).randbytes(800 * 1200))
    bruit.save(tmp_path / "bruit.png")
    lecture = lire_capture(tmp_path / "bruit.png")
    assert lecture.lu and not lecture.dates and not lecture.heures and not lecture.message
    blanche = tmp_path / "blanche.jpg"
    Image.new("RGB", (1170, 2532), "white").save(blanche)
    assert lire_capture(blanche).vide
    assert "aucune date" in comparer(lire_capture(blanche), dt.date(2026, 10, 1))[0]
    (tmp_path / "faux.png").write_bytes(b"ceci n'est pas une image")
    (tmp_path / "vide.png").write_bytes(b"")
    for chemin in (tmp_path / "faux.png", tmp_path / "vide.png", tmp_path / "absent.png"):
        lecture = lire_capture(chemin)
        assert not lecture.lu and lecture.vide and lecture.raison
        assert comparer(lecture, dt.date(2026, 10, 1)) == [] and resume(lecture) == ""


@besoin_ocr
def test_pdf_first_page_text_or_image(tmp_path):
    texte = tmp_path / "texte.pdf"
    page = canvas.Canvas(str(texte))
    page.drawString(72, 760, "Aucun creneau disponible pour votre demande.")
    page.drawString(72, 740, "Page consultee le 12/10/2026 a 14:32")
    page.showPage()
    page.drawString(72, 760, "01/01/2020")
    page.save()
    lecture = lire_capture(texte)
    assert lecture.methode == "texte du PDF" and [d.annee for d in lecture.dates] == [2026]   # page 1 only
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(img2pdf.convert(str(capture_telephone(tmp_path / "c.png", [*MESSAGE, "12/10/2026"]))))
    lecture = lire_capture(scan)
    assert lecture.methode == "ocr" and [d.jour for d in lecture.dates] == [12]
    assert "aucun creneau" in simple(lecture.message)


def test_without_tesseract_nothing_is_read_and_nothing_is_said(tmp_path, monkeypatch):
    """A server without Tesseract: no reading, no warning, no error."""
    image = tmp_path / "c.png"
    Image.new("RGB", (390, 844), "white").save(image)
    monkeypatch.setenv("PATH", str(tmp_path))
    lecture = lire_capture(image)
    assert not lecture.lu and "tesseract" in lecture.raison
    assert comparer(lecture, dt.date(2026, 10, 1)) == [] and resume(lecture) == ""


# --- the text analysis alone --------------------------------------------------------------------

@pytest.mark.parametrize("texte, attendu", [
    ("Le 12/10/2026", [(12, 10, 2026)]),
    ("12.10.26 et 2026-10-14", [(12, 10, 2026), (14, 10, 2026)]),
    ("lundi 12 oct. 14:32", [(12, 10, None)]),
    ("1er septembre 2026", [(1, 9, 2026)]),
    ("jeudi 5 fevrier", [(5, 2, None)]),            # accent lost by the OCR
    ("October 12, 2026", [(12, 10, 2026)]),
    ("12/10", [(12, 10, None)]),
    ("09:41 12.50 € 31/02/2026 3/4 de 14h32", []),  # times, a price, an impossible date, a fraction
])
def test_dates_in_text(texte, attendu):
    assert [(d.jour, d.mois, d.annee) for d in dates_du_texte(texte)] == attendu


def test_times_in_text():
    assert heures_du_texte("9:41 — 14 h 32, 8h05 ; 12/10/2026 ; 25:99") == (
        dt.time(9, 41), dt.time(14, 32), dt.time(8, 5))


def test_yearless_date_takes_the_nearest_year():
    [date] = dates_du_texte("mer. 30 déc.")
    assert date.au_plus_pres(dt.date(2027, 1, 2)) == dt.date(2026, 12, 30)
    assert date.en_clair() == "30 décembre (sans année)"


def test_message_joins_a_sentence_cut_over_two_lines():
    texte = ("Prendre un rendez-vous\n\nIl n'existe plus de plage horaire libre\npour votre demande de "
             "rendez-vous.\nVeuillez recommencer ultérieurement.\nlundi 12 oct. 2026")
    assert message_du_texte(texte) == ("Il n'existe plus de plage horaire libre pour votre demande de "
                                       "rendez-vous. Veuillez recommencer ultérieurement.")
    assert message_du_texte("Accueil\nMentions légales") == ""


def test_empty_reading_compares_to_nothing():
    assert comparer(LectureCapture(), dt.date(2026, 10, 1)) == []


# --- the interview (headless: tests/daharness.py does not run validation code, so the screen's
#     validation step is called as the server calls it) ---------------------------------------

@besoin_ocr
def test_interview_prefills_the_constat_and_shows_what_was_read(tmp_path):
    from test_interview import Parcours, session
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    capture = capture_telephone(tmp_path / "capture.png", [*MESSAGE, "05/10/2026"], barre="09:00")
    s.upload("client.tentatives[0].captures", capture, filenames=["Capture lundi.png"])
    s.set({"client.tentatives[0].date": dt.datetime(2026, 10, 14), "client.tentatives[0].heure": dt.time(9, 0),
           "client.tentatives[0].constat": ""})
    assert s.eval("lire_les_captures(client, 0)") is None
    constat = s.eval("client.tentatives[0].constat")
    assert "aucun creneau disponible" in simple(constat)
    s.answer({})
    assert s.question_text == "Avez-vous fait une autre tentative ?", s.screen()
    ecran = s.subquestion_text.replace("\\", "")       # texte_sur escapes Markdown: « lundi\\.png »
    assert "Nous avons lu sur la capture « Capture lundi.png »" in ecran
    assert "5 octobre 2026" in ecran and "14 octobre 2026" in ecran and "vous pouvez continuer" in ecran
    # the client's own words always win over the reading
    s.set({"client.tentatives[0].constat": "Le site disait : complet"})
    assert s.eval("lire_les_captures(client, 0)") is None
    assert s.eval("client.tentatives[0].constat") == "Le site disait : complet"


@besoin_ocr
def test_interview_shows_ocr_text_literally(tmp_path):
    """What the OCR reads is client material: shown escaped, never as a template or Markdown."""
    from test_interview import Parcours, session
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    capture = capture_telephone(tmp_path / "c.png", ["Aucun créneau **disponible** ${ 7*7 }", "12/10/2026"])
    s.upload("client.tentatives[0].captures", capture)
    s.set({"client.tentatives[0].date": dt.datetime(2026, 10, 12), "client.tentatives[0].heure": dt.time(14, 32),
           "client.tentatives[0].constat": ""})
    s.eval("lire_les_captures(client, 0)")
    s.answer({})
    ecran = s.subquestion_text
    assert "Nous avons lu" in ecran and "49" not in ecran and "<strong>disponible" not in ecran


def test_interview_without_tesseract_asks_for_the_constat_and_says_nothing(tmp_path, monkeypatch):
    from test_interview import Parcours, session
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    s.upload("client.tentatives[0].captures", tmp_path / "c1.png")
    s.set({"client.tentatives[0].date": dt.datetime(2026, 10, 5), "client.tentatives[0].heure": dt.time(9, 0),
           "client.tentatives[0].constat": ""})
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "Écrivez ce que le site affichait" in s.eval("lire_les_captures(client, 0)")
    s.set({"client.tentatives[0].constat": "aucun créneau"})
    assert s.eval("lire_les_captures(client, 0)") is None
    assert s.eval("lecture_pour_ecran(client, 0)") == ""
    monkeypatch.undo()
    s.answer({})
    assert s.question_text == "Avez-vous fait une autre tentative ?"


@besoin_ocr
def test_transparent_jpeg_and_huge_images(tmp_path):
    """A transparent PNG is read on white; a JPEG is read; an image too large to decode is not read."""
    source = Image.open(capture_telephone(tmp_path / "c.png", [*MESSAGE, "12/10/2026"]))
    transparente = Image.new("RGBA", (1170, 2532), (0, 0, 0, 0))     # black text on nothing: black once flattened
    dessin, police = ImageDraw.Draw(transparente), ImageFont.truetype(str(POLICE), 52)
    for n, ligne in enumerate([*MESSAGE, "12/10/2026"]):
        dessin.text((60, 450 + n * 90), ligne, fill=(0, 0, 0, 255), font=police)
    transparente.save(tmp_path / "transparente.png")
    source.save(tmp_path / "photo.jpg", quality=80)
    for nom in ("transparente.png", "photo.jpg"):
        assert [d.jour for d in lire_capture(tmp_path / nom).dates] == [12], nom
    import fichiers
    geante = lire_capture(fichiers.png_entete_geante(tmp_path / "geante.png", size=(8000, 8000)))
    assert not geante.lu and "trop grande" in geante.raison
    bombe = lire_capture(fichiers.png_entete_geante(tmp_path / "bombe.png"))
    assert not bombe.lu and bombe.raison
