"""Conversion of uploads into pièce PDFs: real files, no mocks.

Run: .venv/bin/python -m pytest tests/test_conversion.py -q -p no:cacheprovider
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import fichiers as f
from docassemble.rdvrefere import conversion as conversion_module
from docassemble.rdvrefere.conversion import (taille_en_mo, FichierRefuse, InfoFichier, Limites, ajuster_taille,
                                              convertir_en_pdf, examiner_fichier, tamponner)
from docassemble.rdvrefere.tampon import HAUTEUR_BANDE

A4 = (595.2756, 841.8898)
PIECE = "pièce n° 7"


# -- helpers ---------------------------------------------------------------------------------

def images_du_pdf(pdf: Path) -> list[pikepdf.Stream]:
    """Image XObjects in page order (nested forms included, e.g. after stamping)."""
    trouvees = []

    def parcourir(ressources):
        for obj in (ressources.get("/XObject", {}) if ressources is not None else {}).values():
            if obj.get("/Subtype") == "/Image":
                trouvees.append(obj)
            elif obj.get("/Subtype") == "/Form":
                parcourir(obj.get("/Resources"))

    doc = pikepdf.open(pdf)
    _OUVERTS.append(doc)          # the objects die with their Pdf: keep it open for the test
    for page in doc.pages:
        parcourir(page.obj.get("/Resources"))
    return trouvees


_OUVERTS: list[pikepdf.Pdf] = []


def ppi(pdf: Path) -> list[tuple[float, float]]:
    """(x-ppi, y-ppi) of every image as placed on its page, from poppler's pdfimages."""
    sortie = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(c[12]), float(c[13])) for c in (l.split() for l in sortie.splitlines()[2:]) if len(c) > 13]


def texte(pdf: Path, page: int | None = None) -> str:
    options = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *options, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def mots(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, yMin, yMax) on a page, y measured from the top in points."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    motif = r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>'
    return [(mot, float(y0), float(y1)) for y0, y1, mot in re.findall(motif, html)]


def nombre_de_pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def tailles_de_page(pdf: Path) -> list[tuple[float, float]]:
    with pikepdf.open(pdf) as doc:
        return [(float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1])) for p in doc.pages]


def est_a4(taille) -> bool:
    l, h = sorted(taille)
    return abs(l - A4[0]) < 1 and abs(h - A4[1]) < 1


def empreintes(chemins) -> dict[Path, str]:
    return {Path(c): f.sha256(c) for c in chemins}


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    """Files shared by several tests (the 12 MP photos are the slow ones to draw)."""
    d = tmp_path_factory.mktemp("sources")
    return {
        "photo12": f.jpeg_photo(d / "photo 12 MP.jpg", size=(4000, 3000)),
        "photo12_o6": f.jpeg_photo(d / "IMG_0042.JPG", size=(4000, 3000), orientation=6),
        "texte3": f.pdf(d / "courrier.pdf", pages=3, text="Courrier"),
        "capture": f.png_capture(d / "capture.png"),
    }


# -- each type converts -------------------------------------------------------------------------

FABRIQUES = [
    ("photo.jpg", "jpeg", 1, lambda p: f.jpeg_photo(p, size=(1600, 1200))),
    ("capture.png", "png", 1, lambda p: f.png_capture(p)),
    ("image.webp", "webp", 1, lambda p: f.webp(p)),
    ("anime.gif", "gif", 1, lambda p: f.gif(p, frames=3)),
    ("scan.tiff", "tiff", 3, lambda p: f.tiff_multipage(p, pages=3)),
    ("IMG_1234.HEIC", "heif", 1, lambda p: f.heic_photo(p, size=(800, 600))),
    ("document.pdf", "pdf", 3, lambda p: f.pdf(p, pages=3)),
    ("cmjn.jpg", "jpeg", 1, lambda p: f.jpeg_cmyk(p)),
    ("transparente.png", "png", 1, lambda p: f.png_transparente(p)),
]


@pytest.mark.parametrize("nom,genre,pages,fabrique", FABRIQUES, ids=[x[0] for x in FABRIQUES])
def test_chaque_type_devient_un_pdf_valide(tmp_path, nom, genre, pages, fabrique):
    source = fabrique(tmp_path / nom)
    avant = empreintes([source])
    info = examiner_fichier(source, piece=PIECE)
    assert info == InfoFichier(source, genre, pages)
    sortie = tmp_path / "sortie" / "07_Piece.pdf"
    assert convertir_en_pdf([source], sortie, piece=PIECE) == pages
    with pikepdf.open(sortie) as doc:           # a valid PDF, every page readable
        assert len(doc.pages) == pages
        assert not doc.is_encrypted
        for page in doc.pages:
            page.obj.Contents.read_bytes()
    if genre != "pdf":
        assert all(est_a4(t) for t in tailles_de_page(sortie))
        for image in images_du_pdf(sortie):     # RGB/grey/palette only, nothing transparent or CMYK
            assert "/SMask" not in image and image.ColorSpace != "/DeviceCMYK"
    assert empreintes([source]) == avant
    assert [p.name for p in sortie.parent.iterdir()] == ["07_Piece.pdf"]    # no leftovers


def test_documents_texte_convertis_en_une_fois_dans_l_ordre(tmp_path):
    sources = [f.docx(tmp_path / "courrier.docx", "Courrier à la préfecture"),
               f.odt(tmp_path / "attestation.odt", "Attestation sur l'honneur"),
               f.rtf(tmp_path / "releve.rtf", "Relevé des tentatives")]
    avant = empreintes(sources)
    assert [examiner_fichier(s).genre for s in sources] == ["docx", "odt", "rtf"]
    sortie = tmp_path / "sortie.pdf"
    assert convertir_en_pdf(sources, sortie, piece=PIECE) == 3
    assert "Courrier à la préfecture" in texte(sortie, 1)
    assert "Attestation sur l'honneur" in texte(sortie, 2)
    assert "Relevé des tentatives" in texte(sortie, 3)
    assert empreintes(sources) == avant
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attestation.odt", "courrier.docx", "releve.rtf",
                                                           "sortie.pdf"]   # no LibreOffice lock files


def test_doc_ancien_format(tmp_path):
    source = f.doc(tmp_path / "ancien.doc", "Ancien courrier")
    assert examiner_fichier(source).genre == "doc"
    sortie = tmp_path / "ancien.pdf"
    assert convertir_en_pdf([source], sortie) >= 1
    assert "Ancien courrier" in texte(sortie)


def test_docx_illisible_pour_libreoffice_est_refuse(tmp_path):
    import zipfile
    source = tmp_path / "faux.docx"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("[Content_Types].xml", "<pas du xml")
        z.writestr("word/document.xml", "<<<")
    sortie = tmp_path / "faux.pdf"
    with pytest.raises(FichierRefuse) as e:
        convertir_en_pdf([source], sortie, piece=PIECE)
    assert e.value.motif == "conversion"
    assert "« faux.docx » (pièce n° 7)" in e.value.message and "enregistrez-le au format PDF" in e.value.message
    assert not sortie.exists()


def test_plusieurs_fichiers_gardent_leur_ordre(tmp_path, sources):
    premier = f.pdf(tmp_path / "premier.pdf", pages=2, text="Premier")
    dernier = f.pdf(tmp_path / "dernier.pdf", pages=1, text="Dernier")
    sortie = tmp_path / "piece.pdf"
    assert convertir_en_pdf([premier, sources["capture"], dernier], sortie) == 4
    assert "Premier - page 1" in texte(sortie, 1) and "Premier - page 2" in texte(sortie, 2)
    assert texte(sortie, 3).strip() == ""                       # the screenshot (an image)
    assert "Dernier - page 1" in texte(sortie, 4)


# -- photos ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_photo_exif_redressee(tmp_path, orientation):
    source = f.jpeg_photo(tmp_path / "photo.jpg", size=(800, 600), orientation=orientation)
    sortie = tmp_path / "photo.pdf"
    convertir_en_pdf([source], sortie)
    [image] = images_du_pdf(sortie)
    pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    attendu_portrait = orientation in (6, 8)
    assert (pil.height > pil.width) == attendu_portrait
    assert (tailles_de_page(sortie)[0][1] > tailles_de_page(sortie)[0][0]) == attendu_portrait
    r, g, b = pil.getpixel((pil.width // 2, 3))                 # the red band is at the top
    assert r > 150 and g < 90 and b < 90, (r, g, b)
    r, g, b = pil.getpixel((pil.width // 2, pil.height - 3))
    assert not (r > 150 and g < 90 and b < 90)


def test_photo_heic_tournee_redressee(tmp_path):
    source = f.heic_photo(tmp_path / "IMG_0001.HEIC", size=(400, 300), orientation=6)
    sortie = tmp_path / "photo.pdf"
    convertir_en_pdf([source], sortie)
    [image] = images_du_pdf(sortie)
    pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert pil.height > pil.width
    r, g, b = pil.getpixel((pil.width // 2, 3))
    assert r > 150 and g < 90 and b < 90, (r, g, b)


def test_photo_12_mp_tournee_incorporee_en_portrait(tmp_path, sources):
    sortie = tmp_path / "photo.pdf"
    convertir_en_pdf([sources["photo12_o6"]], sortie)
    [image] = images_du_pdf(sortie)
    assert int(image.Height) > int(image.Width)                 # 4000×3000 stored, shown portrait
    largeur, hauteur = tailles_de_page(sortie)[0]
    assert hauteur > largeur
    pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    r, g, b = pil.getpixel((pil.width // 2, 5))
    assert r > 150 and g < 90 and b < 90


def test_photo_12_mp_lisible_et_legere(tmp_path, sources):
    sortie = tmp_path / "photo.pdf"
    convertir_en_pdf([sources["photo12"]], sortie)
    [(x, y)] = ppi(sortie)
    assert 150 <= x <= 260 and 150 <= y <= 260                  # legible, not wastefully sharp
    [image] = images_du_pdf(sortie)
    assert image.Filter == "/DCTDecode"
    assert sortie.stat().st_size < sources["photo12"].stat().st_size / 4
    tamponner(sortie, "Pièce n° 1")
    assert all(v >= 150 for v in ppi(sortie)[0])                # still legible once stamped


@pytest.mark.parametrize("variante", ["baseline", "progressive", "gris"])
def test_jpeg_correct_incorpore_sans_recompression(tmp_path, variante):
    source = f.jpeg_photo(tmp_path / "scan.jpg", size=(1600, 1200), quality=85,
                          progressive=variante == "progressive", mode="L" if variante == "gris" else "RGB")
    sortie = tmp_path / "scan.pdf"
    convertir_en_pdf([source], sortie)
    [image] = images_du_pdf(sortie)
    assert image.Filter == "/DCTDecode"
    assert image.read_raw_bytes() == source.read_bytes()        # byte for byte: no second compression


def test_capture_d_ecran_sans_perte(tmp_path, sources):
    sortie = tmp_path / "capture.pdf"
    convertir_en_pdf([sources["capture"]], sortie)
    [image] = images_du_pdf(sortie)
    assert image.Filter == "/FlateDecode"                       # lossless: text stays crisp
    assert (int(image.Width), int(image.Height)) == Image.open(sources["capture"]).size
    source = Image.open(sources["capture"]).convert("RGB")
    rendu = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert rendu.tobytes() == source.tobytes()


def test_transparence_aplatie_sur_blanc(tmp_path):
    source = f.png_transparente(tmp_path / "logo.png")
    sortie = tmp_path / "logo.pdf"
    convertir_en_pdf([source], sortie)
    [image] = images_du_pdf(sortie)
    assert "/SMask" not in image and "/Mask" not in image
    pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert pil.getpixel((10, pil.height // 2)) == (255, 255, 255)       # was transparent
    assert pil.getpixel((pil.width - 10, pil.height // 2)) == (30, 60, 200)


def test_extension_d_image_trompeuse_mais_image_acceptee(tmp_path):
    """A PNG saved as .jpg (messaging apps do it) is still an image: converted by content."""
    source = f.png_capture(tmp_path / "capture.jpg", size=(600, 1300))
    assert examiner_fichier(source).genre == "png"
    assert convertir_en_pdf([source], tmp_path / "capture.pdf") == 1


# -- PDFs ---------------------------------------------------------------------------------------

def test_pdf_avec_seulement_un_mot_de_passe_proprietaire_accepte(tmp_path):
    source = f.pdf_owner_only(tmp_path / "restreint.pdf")
    assert examiner_fichier(source, piece=PIECE).pages == 2
    sortie = tmp_path / "sortie.pdf"
    assert convertir_en_pdf([source], sortie, piece=PIECE) == 2
    with pikepdf.open(sortie) as doc:
        assert not doc.is_encrypted
    assert "Document restreint - page 2" in texte(sortie, 2)


def test_formulaire_rempli_reste_visible(tmp_path):
    source = f.pdf_formulaire(tmp_path / "cerfa.pdf")
    sortie = tmp_path / "cerfa-converti.pdf"
    convertir_en_pdf([source], sortie)
    assert "Valeur saisie" in texte(sortie)
    with pikepdf.open(sortie) as doc:                          # the field became page content
        assert all(a.get("/Subtype") != "/Widget" for a in doc.pages[0].obj.get("/Annots", []))


# -- page de garde ------------------------------------------------------------------------------

def test_page_de_garde_d_une_serie_homogene(tmp_path, sources):
    lignes = ["Captures d'écran du site de la préfecture, mars 2025",
              "1. Capture du 3 mars 2025 à 9 h 01 : « Aucun créneau disponible »",
              "2. Capture du 4 mars 2025 à 9 h 02 : « Aucun créneau disponible »"]
    sortie = tmp_path / "serie.pdf"
    assert convertir_en_pdf([sources["capture"], sources["capture"]], sortie, page_de_garde=lignes) == 3
    premiere = texte(sortie, 1)
    assert "Captures d'écran du site de la préfecture, mars 2025" in premiere
    assert "1. Capture du 3 mars 2025" in premiere and "2. Capture du 4 mars 2025" in premiere
    assert est_a4(tailles_de_page(sortie)[0])


def test_page_de_garde_longue_tient_sur_une_page(tmp_path, sources):
    """The caller numbers the items from page 2: the index must stay on one page."""
    lignes = ["Captures d'écran, octobre à décembre"] + [
        f"{i}. Capture du {i} octobre 2025 à 9 h 00 : « Aucun créneau n'est disponible pour le moment » (page {i + 1})"
        for i in range(1, 61)]
    sortie = tmp_path / "serie.pdf"
    assert convertir_en_pdf([sources["capture"]], sortie, page_de_garde=lignes) == 2
    premiere = texte(sortie, 1)
    assert "1. Capture du 1 octobre" in premiere and "60. Capture du 60 octobre" in premiere


# -- tampon --------------------------------------------------------------------------------------

def test_tampon_sur_chaque_page_sans_rien_couvrir(tmp_path, sources):
    sortie = tmp_path / "07_Courrier.pdf"
    convertir_en_pdf([sources["texte3"], sources["capture"]], sortie)
    tailles = tailles_de_page(sortie)
    tamponner(sortie, "Pièce n° 3")
    assert sum(tailles_de_page(sortie), ()) == pytest.approx(sum(tailles, ()))   # same page sizes
    for i in range(1, 5):
        t = texte(sortie, i)
        assert "Pièce n° 3" in t and f"page {i}/4" in t
    for i in range(1, 4):                                       # the text pages
        t = texte(sortie, i)
        assert f"Courrier - haut {i}" in t and f"Courrier - bas {i}" in t   # at the very edges
        liste = mots(sortie, i)
        y_tampon = next(y0 for mot, y0, _ in liste if mot == "Pièce")
        tampon = [m for m in liste if abs(m[1] - y_tampon) < 0.01]
        contenu = [m for m in liste if m not in tampon]
        assert " ".join(m[0] for m in tampon) == f"Pièce n° 3 — page {i}/4"
        assert max(y1 for _, _, y1 in tampon) <= HAUTEUR_BANDE + 0.5       # stamp in the band
        assert min(y0 for _, y0, _ in contenu) >= HAUTEUR_BANDE            # content below it
        hauteur = tailles[i - 1][1]
        assert max(y1 for _, _, y1 in contenu) <= hauteur                   # and still on the page


def test_tampon_rendu_la_bande_ne_cache_rien(tmp_path):
    """Render: the photo's red top band is entirely visible below the stamp band, and the
    stamp's dark text is drawn inside that band."""
    source = f.jpeg_photo(tmp_path / "p.jpg", size=(600, 800))
    sortie = tmp_path / "p.pdf"
    convertir_en_pdf([source], sortie)
    tamponner(sortie, "Pièce n° 2")
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(sortie), str(tmp_path / "rendu")], check=True)
    rendu = Image.open(tmp_path / "rendu.png").convert("RGB")
    rouges = [y for y in range(rendu.height) if rendu.getpixel((rendu.width // 2, y))[0] > 150
              and rendu.getpixel((rendu.width // 2, y))[1] < 90]
    assert rouges and min(rouges) > HAUTEUR_BANDE
    # the stamp text is drawn in the band, right-aligned
    bande = rendu.crop((0, 0, rendu.width, int(HAUTEUR_BANDE)))
    assert bande.convert("L").getextrema()[0] < 128


def test_tampon_page_pivotee(tmp_path):
    source = f.pdf_pivote(tmp_path / "pivote.pdf", rotate=90)
    sortie = tmp_path / "sortie.pdf"
    convertir_en_pdf([source], sortie)
    tamponner(sortie, "Pièce n° 5")
    [(largeur, hauteur)] = tailles_de_page(sortie)
    assert largeur > hauteur                                    # shown landscape, as before
    with pikepdf.open(sortie) as doc:
        assert int(doc.pages[0].obj.get("/Rotate", 0)) == 0     # stamp upright: rotation applied
    t = texte(sortie)
    assert "Pièce n° 5" in t and "page 1/1" in t and "Page pivotée - page 1" in t


def test_tamponner_deux_fois_remplace_le_tampon(tmp_path, sources):
    sortie = tmp_path / "piece.pdf"
    convertir_en_pdf([sources["texte3"]], sortie)
    tamponner(sortie, "Pièce n° 3")
    premiers = mots(sortie, 2)
    tamponner(sortie, "Pièce n° 4")                             # renumbered
    t = texte(sortie)
    assert "Pièce n° 3" not in t and t.count("Pièce n° 4") == 3
    def contenu(liste):
        return [y for m in liste if m[0].startswith("Courrier") or m[0] in ("haut", "bas", "2") for y in m[1:]]
    assert contenu(mots(sortie, 2)) == pytest.approx(contenu(premiers))   # not shrunk a second time


def test_tampon_deplace_les_liens_avec_le_contenu(tmp_path):
    source = f.pdf_formulaire(tmp_path / "liens.pdf")
    sortie = tmp_path / "sortie.pdf"
    convertir_en_pdf([source], sortie)
    tamponner(sortie, "Pièce n° 1")
    with pikepdf.open(sortie) as doc:
        liens = [a for a in doc.pages[0].obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert liens
        x0, y0, x1, y1 = (float(v) for v in liens[0].Rect)
    # the original link was (72, 600, 300, 620): scaled by (841.89 - band) / 841.89, centred
    echelle = (A4[1] - HAUTEUR_BANDE) / A4[1]
    assert y0 == pytest.approx(600 * echelle, abs=0.5) and y1 == pytest.approx(620 * echelle, abs=0.5)
    assert x1 - x0 == pytest.approx(228 * echelle, abs=0.5)


# -- bad files ------------------------------------------------------------------------------------

def _pdf_tronque(d):
    return f.truncated(f.pdf(d / "entier.pdf", pages=3), d / "tronque.pdf", 0.5)


def _fin_coupee(d):
    return f.truncated(f.pdf(d / "entier.pdf", pages=3), d / "fin coupee.pdf", 0.97)


MAUVAIS = [
    ("vide.pdf", "vide", lambda d: f.empty(d / "vide.pdf"), "est vide"),
    ("vide.jpg", "vide", lambda d: f.empty(d / "vide.jpg"), "est vide"),
    ("tronque.pdf", "endommage", _pdf_tronque, "PDF endommagé ou incomplet"),
    ("fin coupee.pdf", "endommage", _fin_coupee, "PDF endommagé ou incomplet"),
    ("tronquee.jpg", "endommage", lambda d: f.truncated(f.jpeg_photo(d / "e.jpg", size=(1200, 900)),
                                                        d / "tronquee.jpg", 0.6), "image JPEG endommagée"),
    ("tronquee.png", "endommage", lambda d: f.truncated(f.png_capture(d / "e.png"), d / "tronquee.png", 0.7),
     "image PNG endommagée"),
    ("tronque.tiff", "endommage", lambda d: f.truncated(f.tiff_multipage(d / "e.tiff"), d / "tronque.tiff", 0.99),
     "image TIFF endommagée"),
    ("tronquee.heic", "endommage", lambda d: f.truncated(f.heic_photo(d / "e.heic", size=(320, 240)),
                                                         d / "tronquee.heic", 0.8), "photo HEIC"),
    ("tronque.docx", "endommage", lambda d: f.truncated(f.docx(d / "e.docx"), d / "tronque.docx", 0.8),
     "endommagé ou incomplet"),
    ("tronque.rtf", "endommage", lambda d: f.truncated(f.rtf(d / "e.rtf"), d / "tronque.rtf", 0.7),
     "document RTF endommagé"),
    ("protege.pdf", "mot_de_passe", lambda d: f.pdf_password(d / "protege.pdf"),
     "est protégé par un mot de passe. Ouvrez-le, imprimez-le en PDF sans mot de passe, puis déposez la copie"),
    ("capture.pdf", "extension", lambda d: f.png_capture(d / "capture.pdf", size=(300, 600)),
     "porte l'extension .pdf, mais c'est en réalité une image PNG. Vérifiez que c'est le bon fichier. "
     "Si oui, renommez-le « capture.png »"),
    ("photo.jpg", "extension", lambda d: f.zip_archive(d / "photo.jpg"),
     "porte l'extension .jpg, mais c'est en réalité une archive ZIP"),
    ("courrier.docx", "extension", lambda d: f.pdf(d / "courrier.docx", pages=1),
     "porte l'extension .docx, mais c'est en réalité un document PDF"),
    ("setup.exe", "type", lambda d: f.exe(d / "setup.exe"), "un programme"),
    ("pieces.zip", "type", lambda d: f.zip_archive(d / "pieces.zip"), "une archive ZIP"),
    ("appel.mp4", "type", lambda d: f.mp4(d / "appel.mp4"), "une vidéo"),
    ("notes.txt", "type", lambda d: f.texte(d / "notes.txt"), "fichier texte brut"),
    ("geante.png", "trop_grande", lambda d: f.png_entete_geante(d / "geante.png", size=(20_000, 20_000)),
     "image trop grande"),
    ("grande.png", "trop_grande", lambda d: f.png_entete_geante(d / "grande.png", size=(10_000, 8_100)),
     "10000 × 8100 pixels"),
]


@pytest.mark.parametrize("nom,motif,fabrique,extrait", MAUVAIS, ids=[m[0] for m in MAUVAIS])
def test_fichier_refuse_avec_un_message_precis(tmp_path, sources, nom, motif, fabrique, extrait):
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    mauvais = fabrique(entrees)
    assert mauvais.name == nom
    bon = shutil.copyfile(sources["texte3"], entrees / "bon.pdf")
    avant = empreintes([mauvais, bon])

    with pytest.raises(FichierRefuse) as e:
        examiner_fichier(mauvais, piece=PIECE)
    assert e.value.motif == motif
    assert f"« {nom} » ({PIECE})" in e.value.message and extrait in e.value.message
    assert e.value.fichier == mauvais and e.value.piece == PIECE
    if motif == "type":
        # the common words only; the list of formats stays beside the upload field (issue 14 point 8)
        assert "Déposez plutôt une photo, un PDF ou un document Word." in e.value.message
        assert "HEIC" not in e.value.message

    sortie = tmp_path / "sortie" / "07_Piece.pdf"
    sortie.parent.mkdir()
    with pytest.raises(FichierRefuse) as e2:
        convertir_en_pdf([bon, mauvais], sortie, piece=PIECE)
    assert e2.value.message == e.value.message
    assert not sortie.exists()
    assert list(sortie.parent.iterdir()) == []                  # no temporary file left either
    assert empreintes([mauvais, bon]) == avant                  # inputs untouched


def test_echec_ne_laisse_pas_une_ancienne_version(tmp_path, sources):
    sortie = tmp_path / "07_Piece.pdf"
    convertir_en_pdf([sources["texte3"]], sortie)
    assert sortie.exists()
    vide = f.empty(tmp_path / "vide.png")
    with pytest.raises(FichierRefuse):
        convertir_en_pdf([sources["texte3"], vide], sortie, piece=PIECE)
    assert not sortie.exists()                                  # no stale pièce mistaken for new


def test_nom_affiche_different_du_chemin(tmp_path):
    stockage = f.empty(tmp_path / "file00042")
    with pytest.raises(FichierRefuse) as e:
        examiner_fichier(stockage, piece=PIECE, nom="Capture du 3 mars.png")
    assert "« Capture du 3 mars.png » (pièce n° 7) est vide" in e.value.message


def test_destination_parmi_les_entrees_refusee(tmp_path, sources):
    source = shutil.copyfile(sources["texte3"], tmp_path / "a.pdf")
    avant = empreintes([source])
    with pytest.raises(ValueError):
        convertir_en_pdf([source], source)
    assert empreintes([source]) == avant


def test_limite_de_pixels_reglable(tmp_path):
    source = f.jpeg_photo(tmp_path / "photo.jpg", size=(1200, 900))
    with pytest.raises(FichierRefuse) as e:
        examiner_fichier(source, piece=PIECE, limites=Limites(pixels_max=1_000_000))
    assert e.value.motif == "trop_grande" and "1200 × 900 pixels" in e.value.message


# -- size cap ---------------------------------------------------------------------------------------

def test_piece_trop_lourde_recompressee_sous_la_limite(tmp_path, sources):
    photos = [shutil.copyfile(sources["photo12"], tmp_path / f"photo{i}.jpg") for i in range(3)]
    avant = empreintes(photos)
    libre = tmp_path / "sans_limite.pdf"
    convertir_en_pdf(photos, libre)
    taille_libre = libre.stat().st_size
    limite = int(taille_libre * 0.6)

    sortie = tmp_path / "05_Photos.pdf"
    assert convertir_en_pdf(photos, sortie, piece="pièce n° 5", limites=Limites(taille_max_fichier=limite)) == 3
    assert sortie.stat().st_size <= limite
    assert all(x >= 149 and y >= 149 for x, y in ppi(sortie))  # still legible
    assert empreintes(photos) == avant


def test_piece_impossible_a_alleger_refusee(tmp_path, sources):
    sortie = tmp_path / "05_Photos.pdf"
    with pytest.raises(FichierRefuse) as e:
        convertir_en_pdf([sources["photo12"]], sortie, piece="pièce n° 5",
                         limites=Limites(taille_max_fichier=20_000))
    assert e.value.motif == "taille" and e.value.piece == "pièce n° 5"
    assert e.value.message.startswith("La pièce n° 5 pèse ")
    # a limit under 0,1 Mo reads in Ko, never « 0 Mo » (issue 14 point 8)
    assert "les 20 Ko permis" in e.value.message and "Télérecours citoyens" in e.value.message
    assert not sortie.exists() and list(tmp_path.iterdir()) == []


def test_ajuster_taille_directement(tmp_path, sources):
    pdf = tmp_path / "piece.pdf"
    convertir_en_pdf([sources["photo12"]], pdf)
    octets = pdf.read_bytes()
    assert ajuster_taille(pdf, limites=Limites(), piece="pièce n° 2") == len(octets)
    assert pdf.read_bytes() == octets                           # under the cap: untouched
    limite = len(octets) * 2 // 3
    assert ajuster_taille(pdf, limites=Limites(taille_max_fichier=limite), piece="pièce n° 2") <= limite
    assert nombre_de_pages(pdf) == 1
    with pytest.raises(FichierRefuse) as e:
        ajuster_taille(pdf, limites=Limites(taille_max_fichier=10_000), piece="la pièce n° 2 (Photos)")
    assert e.value.message.startswith("La pièce n° 2 (Photos) pèse ") and pdf.exists()


def test_ajuster_taille_apres_le_tampon(tmp_path, sources):
    """The bundle stamps first, then checks the size: images inside the stamped pages'
    forms are recompressed too, and the stamp stays."""
    pdf = tmp_path / "piece.pdf"
    convertir_en_pdf([sources["photo12"], sources["photo12_o6"]], pdf)
    tamponner(pdf, "Pièce n° 6")
    limite = pdf.stat().st_size * 2 // 3
    assert ajuster_taille(pdf, limites=Limites(taille_max_fichier=limite), piece="pièce n° 6") <= limite
    assert "Pièce n° 6" in texte(pdf, 2) and "page 2/2" in texte(pdf, 2)


# -- odds and ends ------------------------------------------------------------------------------

def test_refus_transportable_entre_processus(tmp_path):
    """Background assembly (celery) pickles exceptions: nothing may be lost on the way."""
    import pickle
    with pytest.raises(FichierRefuse) as e:
        examiner_fichier(f.empty(tmp_path / "vide.pdf"), piece=PIECE)
    copie = pickle.loads(pickle.dumps(e.value))
    assert (copie.message, copie.fichier, copie.piece, copie.motif) == \
        (e.value.message, e.value.fichier, e.value.piece, e.value.motif)
    assert str(copie) == e.value.message


def test_fichier_introuvable(tmp_path):
    with pytest.raises(FichierRefuse) as e:
        examiner_fichier(tmp_path / "disparu.pdf", piece=PIECE)
    assert e.value.motif == "introuvable" and "« disparu.pdf » (pièce n° 7)" in e.value.message


def test_scan_16_bits_en_niveaux_de_gris(tmp_path):
    source = tmp_path / "scan16.png"
    img = Image.new("I;16", (400, 300), 65535)
    img.paste(Image.new("I;16", (200, 300), 0), (0, 0))      # left half black, right half white
    img.save(source)
    sortie = tmp_path / "scan16.pdf"
    convertir_en_pdf([source], sortie)
    [image] = images_du_pdf(sortie)
    pil = pikepdf.PdfImage(image).as_pil_image().convert("L")
    assert pil.getpixel((50, 150)) < 10 and pil.getpixel((350, 150)) > 245


@pytest.mark.parametrize("octets, attendu", [
    (30 * 1024 * 1024, "30 Mo"), (int(9.4 * 1024 * 1024), "9,4 Mo"), (63_000, "62 Ko"), (0, "0 Ko"),
    (500, "moins de 1 Ko"), (104_857, "102 Ko"), (104_858, "0,1 Mo"), (600_000, "0,57 Mo"),
    (150 * 1024 * 1024, "150 Mo"),
])
def test_sizes_are_written_one_way_everywhere(octets, attendu):
    assert taille_en_mo(octets) == attendu


def test_une_acceptation_gardee_par_le_processus_ne_cache_pas_un_fichier_abime_ensuite(tmp_path):
    """Issue 15: the web process keeps the files it accepted (the review checks the same uploads
    at every rendering), but a file changed in place since is examined again."""
    photo = f.jpeg_photo(tmp_path / "capture.jpg", size=(1200, 900))
    assert examiner_fichier(photo, piece=PIECE).genre == "jpeg"
    assert examiner_fichier(photo, piece=PIECE).genre == "jpeg"
    contenu = photo.read_bytes()
    with open(photo, "r+b") as meme_fichier:      # same inode, half the bytes
        meme_fichier.truncate(len(contenu) // 2)
    with pytest.raises(FichierRefuse, match="capture.jpg"):
        examiner_fichier(photo, piece=PIECE)


@pytest.fixture
def decodages(monkeypatch) -> list:
    """The images the fast check decodes (images.verifier, still run), in order."""
    vus = []
    vrai_verifier = conversion_module.images.verifier
    monkeypatch.setattr(conversion_module.images, "verifier",
                        lambda *a, **k: vus.append(a[0]) or vrai_verifier(*a, **k))
    return vus


def test_une_acceptation_sert_sous_un_autre_nom_de_meme_extension(tmp_path, decodages):
    """Issue 15: the upload screen examines a photo under the client's name, the review's dossier
    check under the stored file's name: the photo is decoded once. Under an extension of another
    kind it is examined again, and refused."""
    photo = f.jpeg_photo(tmp_path / "file.jpg", size=(1200, 900))
    assert examiner_fichier(photo, piece=PIECE, nom="Écran du 5 octobre.JPG").genre == "jpeg"
    assert examiner_fichier(photo, piece=PIECE).genre == "jpeg"
    assert len(decodages) == 1
    with pytest.raises(FichierRefuse, match="releve.pdf"):
        examiner_fichier(photo, piece=PIECE, nom="releve.pdf")


class _AcceptationsEnMemoire:
    """What the server's Redis holds (conversion_serveur.AcceptationsRedis), for one test."""

    def __init__(self, en_panne=False):
        self.valeurs, self.en_panne, self.appels = {}, en_panne, 0

    def lire(self, empreinte):
        self.appels += 1
        if self.en_panne:
            raise ConnectionError("Redis injoignable")
        return self.valeurs.get(empreinte)

    def garder(self, empreinte, valeur):
        self.appels += 1
        if self.en_panne:
            raise ConnectionError("Redis injoignable")
        self.valeurs[empreinte] = tuple(valeur)


def test_une_acceptation_partagee_sert_a_un_autre_processus(tmp_path, monkeypatch, decodages):
    """Issue 15: the web worker that renders the review, or Celery, reuses the acceptance of the
    worker that examined the upload on its screen; a refusal is never shared; a shared memory
    out of order only means examining again, and is left alone for a while (redis-py retries
    for seconds at each call when Redis is down)."""
    partagees = _AcceptationsEnMemoire()
    monkeypatch.setattr(conversion_module, "_PARTAGEES", partagees)
    monkeypatch.setattr(conversion_module, "_partagees_en_panne_jusqu_a", 0.0)
    photo = f.jpeg_photo(tmp_path / "file.jpg", size=(1200, 900))
    abimee = tmp_path / "abimee.jpg"
    abimee.write_bytes(photo.read_bytes()[:5000])
    assert examiner_fichier(photo, piece=PIECE).genre == "jpeg"
    with pytest.raises(FichierRefuse):
        examiner_fichier(abimee, piece=PIECE)
    assert len(partagees.valeurs) == 1 and str(photo) not in repr(partagees.valeurs)

    conversion_module._ACCEPTES_DU_PROCESSUS.clear()            # another process
    assert examiner_fichier(photo, piece=PIECE).pages == 1
    assert decodages == [photo, abimee]
    with pytest.raises(FichierRefuse):
        examiner_fichier(abimee, piece=PIECE)

    conversion_module._ACCEPTES_DU_PROCESSUS.clear()
    en_panne = _AcceptationsEnMemoire(en_panne=True)
    monkeypatch.setattr(conversion_module, "_PARTAGEES", en_panne)
    assert examiner_fichier(photo, piece=PIECE).genre == "jpeg"
    assert decodages == [photo, abimee, abimee, photo]
    assert en_panne.appels == 1                                   # asked once, then left alone
    autre = f.jpeg_photo(tmp_path / "autre.jpg", size=(800, 600))
    assert examiner_fichier(autre, piece=PIECE).genre == "jpeg"
    assert en_panne.appels == 1
