"""The staff screens (interviews/staff.yml, issue 5) on the real server, in Chromium, with three
accounts: two clients and one staff member. Staff see both dossiers and fix one (relabel a
pièce, change the astreinte, regenerate, approve, file with a case number, download the zip);
each client sees only their own; the attacks of point 6 fail (staff URL, action URL, another
client's files and session, text typed by a client shown literally)."""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile

import pytest
import requests
from docx import Document
from playwright.sync_api import expect

import fichiers
import parcours_navigateur as nav

pytestmark = pytest.mark.server
expect.set_options(timeout=30_000)

# Text a client may type: HTML, an image with onerror, Markdown, Mako, docassemble markup
PIEGE = "Attestation <script>window.PIRATE=1</script><img src=x onerror=\"window.PIRATE=2\"> **gras** ${ 7*7 } [BR]"
NOUVEAU_LIBELLE = "Attestation d'hébergement de M. Sow"
STAFF = "staff.yml"
# unique names: the server may hold the dossiers of earlier runs
MARQUE = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
NOM1, NOM2 = f"Diallo-{MARQUE}", f"Hélène-{MARQUE}"
AFFICHE1, AFFICHE2 = f"Awa DIALLO-{MARQUE.upper()}", f"Zoé HÉLÈNE-{MARQUE.upper()}"


def _dossier_complet(page, serveur, dossier):
    """Client 1: the whole interview, up to the bundle, with a pièce whose label is a trap."""
    captures = [fichiers.png_capture(dossier / f"capture-{i}.png", size=(390, 844)) for i in (1, 2, 3)]
    lettre = fichiers.pdf(dossier / "lettre.pdf", pages=1)
    passeport = fichiers.pdf(dossier / "passeport.pdf", pages=1)
    attestation = fichiers.pdf(dossier / "attestation.pdf", pages=1)
    nav.identite(page, serveur, NOM1, "Awa")
    nav.jusqua_tentatives(page)
    for numero, (date, capture) in enumerate(zip(("2026-10-05", "2026-10-14", "2026-10-21"), captures), 1):
        nav.tentative(page, numero, date, "09:30", capture, "Aucun créneau <b>disponible</b> ${ 1+1 }")
        nav.question(page, "Avez-vous fait une autre tentative ?")
        nav.oui_non(page, numero < 3)
    nav.de_la_demarche_a_l_aide(page, lettre=lettre, piece_identite=passeport, autre_piece=(PIEGE, attestation),
                                aide=False)
    page.wait_for_load_state("networkidle")
    nav.champ(page, "Délai pour que le préfet vous donne une date de rendez-vous (en jours)").fill("15")
    nav.champ(page, "Délai maximal avant le rendez-vous lui-même (en jours, facultatif)").fill("30")
    nav.champ(page, "Astreinte par jour de retard (en euros)").fill("100")
    nav.continuer(page)
    page.wait_for_timeout(1500)
    if "Ce que vous demandez" in page.locator("#daMainQuestion").inner_text():
        raise AssertionError(page.locator("#daform").inner_text())
    nav.question(page, "Vérifiez votre dossier")
    nav.continuer(page)
    nav.question(page, re.compile("Votre dossier (se prépare|est prêt)|Il manque"))
    assert "Il manque" not in page.locator("#daMainQuestion").inner_text(), page.locator("#daquestion").inner_text()
    nav.question(page, re.compile("Votre dossier est prêt"))


def _cookies(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def _get(page, url, **kwargs):
    return requests.get(url, cookies=_cookies(page), timeout=60, **kwargs)


@pytest.fixture(scope="module")
def comptes(serveur):
    jeton = secrets.token_hex(4)
    return {
        "client1": serveur.create_user(f"awa.{jeton}@example.org", "Motdepasse-123!"),
        "client2": serveur.create_user(f"zoe.{jeton}@example.org", "Motdepasse-123!"),
        "equipe": serveur.create_user(f"juriste.{jeton}@asso.example.org", "Motdepasse-123!",
                                      privileges=("user", "rdvrefere_personnel")),
    }


@pytest.fixture(scope="module")
def contextes(navigateur, serveur, comptes):
    """One logged-in browser context per account; any JavaScript alert or a global set by an
    injected script is a failure."""
    pages = {}
    for nom, compte in comptes.items():
        contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = contexte.new_page()
        page.set_default_timeout(60_000)
        page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"dialogue JavaScript : {d.message}")))
        serveur.login(page, compte)
        pages[nom] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def partage():
    """What the staff test leaves for the later tests of this module (the zip URL staff made)."""
    return {}


@pytest.fixture(scope="module")
def dossiers(contextes, serveur, comptes, tmp_path_factory):
    """Client 1 finishes a dossier (prêt à relire, bundle built); client 2 has just started."""
    _dossier_complet(contextes["client1"], serveur, tmp_path_factory.mktemp("client1"))
    page2 = contextes["client2"]
    nav.identite(page2, serveur, NOM2, "Zoé")
    nav.question(page2, "Votre naissance et votre nationalité")
    sessions = {}
    for nom in ("client1", "client2"):
        liste = serveur.api("GET", f"/api/user/{comptes[nom].id}/interviews").json()["items"]
        sessions[nom] = next(s["session"] for s in liste if s["filename"].endswith("rdvrefere.yml"))
    return sessions


def _filtrer(page, nom=None):
    """Set the name filter, submit the list's filter and wait for docassemble's answer (the form
    is sent with Ajax and the page redrawn)."""
    page.wait_for_load_state("networkidle")
    if nom is not None:
        nav.champ(page, "Nom du requérant").fill(nom)
        expect(nav.champ(page, "Nom du requérant")).to_have_value(nom)
    page.evaluate("document.querySelector('#daform').dataset.ancien = '1'")
    page.get_by_role("button", name="Filtrer").click()
    # docassemble redraws the screen from its Ajax answer: wait for the new form
    page.wait_for_function("() => { const f = document.querySelector('#daform'); return f && !f.dataset.ancien; }")


def _staff_list(page, serveur):
    page.goto(serveur.interview_url(STAFF))
    nav.question(page, "Dossiers des clients")
    return page.locator("table.rdv-dossiers")


def _ouvrir(page, nom):
    page.locator("table.rdv-dossiers a", has_text=nom).click()
    nav.question(page, re.compile("Dossier de"))


def _action(page, libelle):
    page.get_by_role("link", name=libelle).first.click()
    page.wait_for_load_state()


def test_staff_list_filter_search_and_fix_one_dossier(contextes, serveur, dossiers, comptes, partage):
    page = contextes["equipe"]
    tableau = _staff_list(page, serveur)
    texte = tableau.inner_text()
    assert AFFICHE1 in texte and AFFICHE2 in texte
    ligne = tableau.locator("tr", has_text=AFFICHE1).inner_text()
    assert "93 — Seine-Saint-Denis" in ligne and "3 sur 3 semaines" in ligne and "prêt à relire" in ligne
    # filter by status, search by name without accents
    page.locator("select").select_option("prêt à relire")
    _filtrer(page)
    expect(tableau).not_to_contain_text(AFFICHE2)
    expect(tableau).to_contain_text(AFFICHE1)
    page.locator("select").select_option("tous")
    _filtrer(page, f"helene {MARQUE.upper()}")
    expect(tableau).not_to_contain_text(AFFICHE1)
    expect(tableau).to_contain_text(AFFICHE2)
    _filtrer(page, "")
    expect(tableau).to_contain_text(AFFICHE1)

    # open client 1: answers, checks, pièces with previews; client text shown literally
    _ouvrir(page, AFFICHE1)
    contenu = page.locator("#daquestion")
    expect(contenu).to_contain_text("Aucun créneau")
    assert "${ 1+1 }" in contenu.inner_text()              # Mako typed by the client: not evaluated
    assert "**gras** ${ 7*7 } [BR]" in contenu.inner_text()  # Markdown, Mako, docassemble markup: literal
    assert page.evaluate("window.PIRATE") is None
    assert contenu.locator("script, img[src=x], b:has-text('disponible'), strong:has-text('gras')").count() == 0
    pieces = page.locator("table.rdv-pieces")
    assert pieces.locator("tr").count() >= 6
    assert pieces.locator("img").count() >= 3   # the screenshots' previews
    apercu = pieces.locator("img").first.get_attribute("src")
    assert _get(page, apercu if apercu.startswith("http") else serveur.url + apercu).status_code == 200

    # relabel the trap pièce
    ligne_piege = pieces.locator("tr", has_text="**gras**")
    ligne_piege.get_by_role("link", name="Renommer").click()
    nav.question(page, "Renommer la pièce")
    assert "**gras** ${ 7*7 } [BR]" in nav.champ(page, "Nouveau libellé").input_value()
    nav.remplir(page, "Nouveau libellé", NOUVEAU_LIBELLE)
    nav.continuer(page)
    nav.question(page, re.compile("Dossier de"))
    page.wait_for_timeout(500)
    assert NOUVEAU_LIBELLE in pieces.inner_text(), page.locator("#daquestion").inner_text()[:600]

    # astreinte and delays
    _action(page, "Délais et astreinte")
    nav.question(page, "Délais et astreinte demandés au juge")
    # every field filled (with a field left to its default, the browser's check sometimes
    # refuses it: « au plus 90 » for 15, seen in the client interview too)
    nav.remplir(page, "Délai pour donner une date de rendez-vous (jours)", "15")
    nav.remplir(page, "Délai maximal avant le rendez-vous (jours, facultatif)", "30")
    nav.remplir(page, "Astreinte par jour de retard (euros)", "150")
    nav.continuer(page)
    try:
        expect(page.locator(".rdv-avis")).to_contain_text("Demandes au juge modifiées")
    except AssertionError:
        raise AssertionError(page.locator("body").inner_text()[:2000]) from None

    # approving before regenerating is refused with a clear reason
    assert page.get_by_role("link", name="Approuver").count() == 1
    _action(page, "Approuver")
    expect(page.locator(".rdv-avis")).to_contain_text("Régénérez d'abord")

    _action(page, "Régénérer le dossier")
    expect(page.locator(".rdv-avis")).to_contain_text("Dossier régénéré", timeout=120_000)
    _action(page, "Approuver")
    expect(page.locator(".rdv-statut")).to_have_text("approuvé")
    _action(page, "Marquer comme déposé")
    nav.question(page, "Numéro d'affaire donné par le tribunal")
    nav.remplir(page, "Numéro d'affaire", "2612345/1")
    nav.continuer(page)
    expect(page.locator(".rdv-statut")).to_have_text("déposé")
    expect(page.locator(".rdv-numero")).to_have_text("2612345/1")

    # the journal: who, when, what
    journal = page.locator(".rdv-journal").inner_text()
    for quoi in ("renommée « Attestation d'hébergement de M. Sow »", "astreinte 150 €", "Dossier de dépôt régénéré",
                 "Dossier approuvé", "numéro d'affaire 2612345/1"):
        assert quoi in journal
    assert comptes["equipe"].email in journal

    # the zip reflects the changes
    lien = page.get_by_role("link", name=re.compile("Télécharger le dossier"))
    reponse = _get(page, serveur.url + lien.get_attribute("href") if lien.get_attribute("href").startswith("/")
                   else lien.get_attribute("href"))
    assert reponse.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    noms = archive.namelist()
    renomme = [n for n in noms if n.endswith("_Attestation_d_hebergement_de_M_Sow.pdf")]
    assert renomme, noms
    manifeste = json.loads(archive.read("manifest.json"))
    assert any(f["libelle"] == NOUVEAU_LIBELLE for f in manifeste["fichiers"])
    inventaire = "\n".join(c.text for t in Document(io.BytesIO(archive.read("Inventaire.docx"))).tables
                           for r in t.rows for c in r.cells)
    assert NOUVEAU_LIBELLE in inventaire
    requete = "\n".join(p.text for p in Document(io.BytesIO(archive.read("Requete.docx"))).paragraphs)
    assert "150" in requete and "<script>" not in requete
    partage["zip"] = lien.get_attribute("href")


def test_client_sees_own_status_and_staff_files(contextes, serveur, dossiers):
    page = contextes["client1"]
    page.goto(serveur.url + "/interviews")
    page.locator("a", has_text="Obtenir un rendez-vous en préfecture par le juge").first.click()
    nav.question(page, re.compile("Votre dossier est prêt"))
    texte = page.locator("#daquestion").inner_text().replace("’", "'")
    assert "Votre requête a été déposée au tribunal le" in texte and "numéro d'affaire 2612345/1" in texte
    assert "@asso.example.org" not in texte
    zip_url = page.get_by_role("link", name=re.compile("Télécharger tout")).get_attribute("href")
    reponse = _get(page, zip_url if zip_url.startswith("http") else serveur.url + zip_url)
    assert reponse.status_code == 200
    assert any(n.endswith("_Attestation_d_hebergement_de_M_Sow.pdf") for n in zipfile.ZipFile(io.BytesIO(reponse.content)).namelist())


def test_attacks_fail(contextes, serveur, dossiers, partage):
    intrus = contextes["client2"]
    # the staff screens: a clear refusal, no traceback
    intrus.goto(serveur.interview_url(STAFF))
    nav.question(intrus, "Accès réservé à l'équipe")
    assert "Traceback" not in intrus.content()
    # an action URL copied from the staff screens
    equipe = contextes["equipe"]
    equipe.goto(serveur.interview_url(STAFF))
    lien = equipe.locator("table.rdv-dossiers a", has_text=AFFICHE1).get_attribute("href")
    intrus.goto(lien if lien.startswith("http") else serveur.url + lien)
    nav.question(intrus, "Accès réservé à l'équipe")
    # another client's files, by URL or by guessing numbers
    zip_url = partage.get("zip")
    assert zip_url, "the staff test of this module runs first and leaves the zip's URL"
    assert _get(intrus, zip_url if zip_url.startswith("http") else serveur.url + zip_url).status_code == 404
    numero = int(re.search(r"/uploadedfile(?:download)?/(\d+)", zip_url).group(1))
    for essai in range(max(1, numero - 40), numero + 3):
        assert _get(intrus, f"{serveur.url}/uploadedfile/{essai}").status_code in (403, 404), essai
    # another client's session, by its URL: staff_garde.yml sends the intruder to a dossier of its own
    victime = dossiers["client1"]
    intrus.goto(f"{serveur.url}/interview?i=docassemble.rdvrefere:data/questions/rdvrefere.yml&session={victime}")
    nav.question(intrus, "Ce dossier n'est pas le vôtre")
    assert AFFICHE1 not in intrus.locator("body").inner_text()
    # and the visit gave no access to the victim's files
    assert _get(intrus, zip_url if zip_url.startswith("http") else serveur.url + zip_url).status_code == 404
    intrus.get_by_role("button", name="Continuer avec mon dossier").click()
    nav.question(intrus, "Où habitez-vous ?")
