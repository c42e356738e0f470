"""The client interview on the real server, in Chromium, on a phone-sized screen: a whole case
with real uploads (a rotated photo, a screenshot, a PDF), a bad file refused with its message,
leaving and resuming, the background assembly, and the downloaded zip."""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile

import pikepdf
import pytest
import requests

from docassemble.rdvrefere.bundle import NOM_ZIP
from docassemble.rdvrefere.chantier import ouvrir_chantier

import accessibilite
import fichiers
import parcours_navigateur as nav
from server import expect_question

# axe-core on every screen of the walks (tests/accessibilite.py)
pytestmark = [pytest.mark.server, pytest.mark.usefixtures("axe_a_chaque_ecran")]

TELEPHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2}
# Markdown, Mako and HTML typed by a user must never be interpreted (docassemble itself strips tags on input)
CONSTAT = "Aucun créneau **disponible** ${ 1+1 } <b>gras</b>"


@pytest.fixture
def telephone(navigateur, request):
    """A fresh phone-sized page with its own cookies; a screenshot is kept when the test fails."""
    contexte = navigateur.new_context(**TELEPHONE)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    yield page
    rapport = getattr(request.node, "rep_call", None)
    if rapport is not None and rapport.failed:
        from server import REPO  # noqa: PLC0415
        (REPO / "out" / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPO / "out" / "screenshots" / f"{request.node.name}.png"), full_page=True)
    contexte.close()


def test_whole_case_on_a_phone_with_uploads_bad_file_resume_and_zip(serveur, navigateur, telephone, tmp_path):
    photo = fichiers.jpeg_photo(tmp_path / "passeport.jpg", size=(2000, 1500), orientation=6)
    capture1 = fichiers.png_capture(tmp_path / "capture-5-oct.png", size=(390, 844))
    capture2 = fichiers.png_capture(tmp_path / "capture-14-oct.png", size=(390, 844))
    capture3 = fichiers.png_capture(tmp_path / "capture-21-oct.png", size=(390, 844))
    lettre = fichiers.pdf(tmp_path / "lettre-recommandee.pdf", pages=2)
    faux = tmp_path / "capture.pdf"
    faux.write_bytes(b"PK\x03\x04 ceci est une archive zip")

    cliente = serveur.create_user(email=f"awa.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
    serveur.login(telephone, cliente)
    nav.identite(telephone, serveur, "Diallo", "Awa")
    nav.jusqua_tentatives(telephone)

    # a bad file is refused on its own screen, with the engine's message naming it
    nav.tentative(telephone, 1, "2026-10-05", "09:02", faux, CONSTAT)
    erreur = telephone.locator(".da-has-error, .invalid-feedback, .alert-danger").first
    erreur.wait_for()
    assert "capture.pdf" in telephone.locator("#daform").inner_text()
    # the refused file is not kept: the screen drawn again does not offer it as « Déjà joint »
    telephone.reload()
    nav.question(telephone, "Tentative n° 1")
    assert "Déjà joint" not in telephone.locator("#daquestion").inner_text()
    nav.tentative(telephone, 1, "2026-10-05", "09:02", capture1, CONSTAT)
    nav.question(telephone, "Avez-vous fait une autre tentative ?")
    texte = telephone.locator("#daquestion").inner_text().replace("’", "'")  # docassemble curls apostrophes
    assert "1 tentative pour l'instant" in texte
    assert "Aucun créneau **disponible** ${ 1+1 }" in texte  # shown literally, not interpreted
    assert telephone.locator("#daquestion td b, #daquestion td strong").count() == 0
    nav.oui_non(telephone, True)
    nav.tentative(telephone, 2, "2026-10-14", "10:00", capture2, CONSTAT)
    nav.question(telephone, "Avez-vous fait une autre tentative ?")
    assert "2 tentatives sur 10 jours, au cours de 2 semaines différentes" in telephone.locator("#daquestion").inner_text()

    # leave, come back in another browser: the same place, nothing lost
    autre = navigateur.new_context(**TELEPHONE)
    try:
        page = autre.new_page()
        page.set_default_timeout(30_000)
        serveur.login(page, cliente)
        page.goto(serveur.url + "/interviews")  # « Mes dossiers »: the dossier, named, to resume
        page.get_by_role("link", name=re.compile("Reprendre")).first.click()
        nav.question(page, "Avez-vous fait une autre tentative ?")
        assert "2 tentatives sur 10 jours, au cours de 2 semaines différentes" in page.locator("#daquestion").inner_text()
        nav.oui_non(page, True)
        nav.tentative(page, 3, "2026-10-21", "11:40", capture3, CONSTAT)
        nav.question(page, "Avez-vous fait une autre tentative ?")
        # going back rewinds the answers, but never loses an upload: the file is kept
        page.locator("#dabackbutton, .dabackicon, button.dabackbutton").first.click()
        nav.question(page, "Tentative n° 3")
        assert "Déjà joint : capture-21-oct.png" in page.locator("#daquestion").inner_text()
        assert nav.champ(page, "Date de la tentative").input_value() == "2026-10-21"
        nav.continuer(page)
        nav.question(page, "Avez-vous fait une autre tentative ?")
        assert "3 tentatives sur 17 jours, au cours de 3 semaines différentes" in page.locator("#daquestion").inner_text()
        telephone = page
        nav.oui_non(telephone, False)

        nav.de_la_demarche_a_l_aide(telephone, lettre=lettre, piece_identite=photo, aide=True)
        assert nav.champ(telephone, "Délai pour que le préfet vous donne une date de rendez-vous (en jours)").input_value() == "15"
        assert nav.champ(telephone, "Ville où vous signez").input_value() == "Montreuil"
        nav.continuer(telephone)

        nav.question(telephone, "Vérifiez votre dossier")
        relecture = telephone.locator("#daquestion").inner_text()
        # the pièce's French name, quoted: it stays French in every language (issue 13)
        assert re.search(r"1\.\s+«\s*Lettre recommandée avec AR à la préfecture du 16 octobre 2026\s*»", relecture), relecture
        assert "Bloquant" not in relecture
        nav.continuer(telephone)

        nav.question(telephone, re.compile("Votre dossier (se prépare|est en relecture)"))
        # the team reviews dossiers (the default): the client is told so, and gets no file to
        # file before the approval (issue 10, point 11)
        expect_question(telephone, "Votre dossier est en relecture", timeout=120_000)
        texte = telephone.locator("#daquestion").inner_text()
        assert "Télécharger" not in texte and "Déposer sur Télérecours" not in texte
        assert telephone.get_by_role("link", name=re.compile("Voir si mon dossier est approuvé")).count() == 1
        assert telephone.evaluate("document.documentElement.scrollWidth") <= TELEPHONE["viewport"]["width"]
    finally:
        autre.close()

    # the team receives the dossier: built from what was transmitted, as the staff's « Régénérer »
    # builds it, it is the bundle checked below (the approval and its download: test_staff_e2e)
    session = next(s["session"] for s in serveur.api("GET", f"/api/user/{cliente.id}/interviews").json()["items"]
                   if s["filename"].endswith("rdvrefere.yml"))
    registre = serveur.registre()
    transmis = registre.du_client(cliente.id, session)
    assert transmis is not None, "the dossier was not transmitted to the team"
    ouvrir_chantier(registre, transmis).construire(tmp_path / "depot")
    archive = zipfile.ZipFile(tmp_path / "depot" / NOM_ZIP)

    noms = archive.namelist()
    manifeste = json.loads(archive.read("manifest.json"))
    pieces = [f for f in manifeste["fichiers"] if f["role"] == "piece"]
    assert [p["numero"] for p in pieces] == list(range(1, len(pieces) + 1))
    assert pieces[0]["fichier"].startswith("01_Lettre_recommandee") and pieces[0]["acte_attaque"]
    assert {"Requete.pdf", "Requete.docx", "Inventaire.pdf", "Guide_depot.txt"} <= set(noms)
    identite = next(p for p in pieces if p["libelle"].startswith("Pièce d'identité"))
    with pikepdf.open(io.BytesIO(archive.read(identite["fichier"]))) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.Height > image.Width  # the EXIF-rotated photo came out upright
    guide = archive.read("Guide_depot.txt").decode("utf-8")
    assert "Tribunal administratif de Montreuil" in guide and "Acte attaqué" in guide


def test_a_client_cannot_read_another_clients_file_by_number(serveur, navigateur, tmp_path):
    """The bundle's files are private to the session that made them."""
    anonyme = requests.get(serveur.url + "/uploadedfile/1/file.pdf", timeout=30, allow_redirects=False)
    assert anonyme.status_code in (302, 403, 404)
