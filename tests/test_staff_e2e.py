"""The staff screens on dossiers transmis (interviews/staff.yml, issues 5 and 8) on the real
server, in Chromium, with three accounts: two clients and one staff member.

Client 1 finishes the interview: its dossier is transmitted to the register. Staff see it, fix it
(texts, a pièce label, the astreinte), regenerate it in Celery, approve and file it; the client
sees the status and downloads the approved bundle from the register. Then the attacks of issue 8,
sent as an attacker sends them (forged POSTs with the attacker's own CSRF token, replayed and
forged action URLs, guessed numbers, another session's key, signed-out requests), each checked
to fail with nothing changed; and a stale staff write racing a client's new version.
"""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from docx import Document
from playwright.sync_api import expect

import fichiers
import parcours_navigateur as nav
from server import safeid

pytestmark = pytest.mark.server
expect.set_options(timeout=30_000)

# Text a client may type: HTML, an image with onerror, Markdown, Mako, docassemble markup
PIEGE = "Attestation <script>window.PIRATE=1</script><img src=x onerror=\"window.PIRATE=2\"> **gras** ${ 7*7 } [BR]"
CONSTAT = "Aucun créneau <b>disponible</b> ${ 1+1 } {{ 3*3 }}"
NOUVEAU_LIBELLE = "Attestation d'hébergement de M. Sow"
STAFF = "staff.yml"
CLIENT_YML = "docassemble.rdvrefere:data/questions/rdvrefere.yml"
# unique names: the server may hold the dossiers of earlier runs
MARQUE = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
NOM1, NOM3 = f"Diallo-{MARQUE}", f"Intrus-{MARQUE}"
AFFICHE1, AFFICHE2, AFFICHE3 = f"Awa DIALLO-{MARQUE.upper()}", f"Zoé HÉLÈNE-{MARQUE.upper()}", f"Zed INTRUS-{MARQUE.upper()}"


def _dossier_complet(page, serveur, dossier, nom: str = NOM1):
    """Client 1: the whole interview, up to the bundle, with a pièce whose label is a trap."""
    captures = [fichiers.png_capture(dossier / f"capture-{i}.png", size=(390, 844)) for i in (1, 2, 3)]
    lettre = fichiers.pdf(dossier / "lettre.pdf", pages=1)
    passeport = fichiers.pdf(dossier / "passeport.pdf", pages=1)
    attestation = fichiers.pdf(dossier / "attestation.pdf", pages=1)
    nav.identite(page, serveur, nom, "Awa")
    nav.jusqua_tentatives(page)
    for numero, (date, capture) in enumerate(zip(("2026-10-05", "2026-10-14", "2026-10-21"), captures), 1):
        nav.tentative(page, numero, date, "09:30", capture, CONSTAT)
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
    nav.question(page, re.compile("Votre dossier (se prépare|est en relecture)|Il manque|pas pu être transmis"))
    assert "Il manque" not in page.locator("#daMainQuestion").inner_text(), page.locator("#daquestion").inner_text()
    # the team reviews dossiers (the server's default): nothing to file before the approval
    nav.question(page, re.compile("Votre dossier est en relecture"))


def _cookies(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def _url(serveur, lien: str) -> str:
    return lien if lien.startswith("http") else serveur.url + lien


def _get(page, url, **kwargs):
    return requests.get(url, cookies=_cookies(page), timeout=60, **kwargs)



def _action(lien: str) -> dict:
    """The {action, arguments} of a docassemble action URL."""
    valeur = parse_qs(urlparse(lien).query)["action"][0]
    return json.loads(base64.b64decode(valeur + "=" * (-len(valeur) % 4)))



def _poster(page, serveur, variables: dict, session: str | None = None) -> requests.Response:
    """A forged POST to the client interview with the attacker's own CSRF token (read from the
    attacker's own page), as a script would send it, not as the page would."""
    page.goto(f"{serveur.url}/interview?i={CLIENT_YML}")
    page.wait_for_load_state("networkidle")
    jeton = page.locator("input[name=csrf_token]").first.get_attribute("value")
    donnees = {"csrf_token": jeton, "json": "1", **{safeid(k): v for k, v in variables.items()}}
    cible = f"{serveur.url}/interview?i={CLIENT_YML}" + (f"&session={session}" if session else "")
    return requests.post(cible, data=donnees, cookies=_cookies(page), timeout=60)


@pytest.fixture(scope="module")
def registre(serveur):
    """The server's register, read directly (what the tests check after each attack)."""
    return serveur.registre()


@pytest.fixture(scope="module")
def comptes(serveur):
    jeton = secrets.token_hex(4)
    return {
        "client1": serveur.create_user(f"awa.{jeton}@example.org", "Motdepasse-123!"),
        "client2": serveur.create_user(f"zed.{jeton}@example.org", "Motdepasse-123!"),
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
    """What the staff test leaves for the later tests of this module."""
    return {}


@pytest.fixture(scope="module")
def dossiers(contextes, serveur, comptes, registre, tmp_path_factory):
    """Client 1 finishes (its dossier is transmitted); client 2 has just started (nothing
    transmitted). A second dossier transmis, for the list's filters, is written to the register
    as the interview would (client 1's data under another name, plus a file of its own)."""
    _dossier_complet(contextes["client1"], serveur, tmp_path_factory.mktemp("client1"))
    page2 = contextes["client2"]
    nav.identite(page2, serveur, NOM3, "Zed")
    nav.question(page2, "Votre naissance et votre nationalité")
    sessions = {}
    for nom in ("client1", "client2"):
        liste = serveur.api("GET", f"/api/user/{comptes[nom].id}/interviews").json()["items"]
        sessions[nom] = next(s["session"] for s in liste if s["filename"].endswith("rdvrefere.yml"))
    premier = registre.du_client(comptes["client1"].id, sessions["client1"])
    assert premier is not None, "client 1's dossier was not transmitted"
    donnees = json.loads(json.dumps(premier.envoi.donnees))
    donnees["requerant"].update(nom=f"Hélène-{MARQUE}", prenoms="Zoé")
    bail = fichiers.pdf(tmp_path_factory.mktemp("second") / "bail.pdf", pages=2)
    bail.write_bytes(bail.read_bytes() + f"%{MARQUE}\n".encode())  # a content no other dossier has
    propre = registre.ajouter_fichier(bail)
    donnees["pieces"].append({"libelle": "Bail d'habitation", "categorie": "domicile",
                              "fichiers": [{"nom": "bail.pdf", "sha256": propre}]})
    second, _ = registre.transmettre(comptes["client2"].id + 100000, "session-" + MARQUE, donnees)
    return {"sessions": sessions, "premier": premier.id, "second": second.id, "sha_propre_au_second": propre}


def _filtrer(page, nom=None):
    """Set the name filter, submit the list's filter and wait for docassemble's answer."""
    page.wait_for_load_state("networkidle")
    if nom is not None:
        nav.champ(page, "Nom du requérant").fill(nom)
        expect(nav.champ(page, "Nom du requérant")).to_have_value(nom)
    page.evaluate("document.querySelector('#daform').dataset.ancien = '1'")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_function("() => { const f = document.querySelector('#daform'); return f && !f.dataset.ancien; }")


def _staff_list(page, serveur):
    page.goto(serveur.interview_url(STAFF))
    nav.question(page, "Dossiers transmis par les clients")
    return page.locator("table.rdv-dossiers")


def _ouvrir(page, nom):
    page.locator("table.rdv-dossiers a", has_text=nom).click()
    nav.question(page, re.compile("Dossier de"))


def _bouton(page, libelle):
    page.get_by_role("link", name=libelle).first.click()
    page.wait_for_load_state()


def _avis(page, texte, timeout=30_000):
    try:
        expect(page.locator(".rdv-avis")).to_contain_text(texte, timeout=timeout)
    except AssertionError:
        raise AssertionError(page.locator("body").inner_text()[:3000]) from None


def test_staff_review_fix_regenerate_approve_file(contextes, serveur, dossiers, comptes, registre, partage):
    page = contextes["equipe"]
    tableau = _staff_list(page, serveur)
    assert "restrict input variables" not in page.locator("#daquestion").inner_text()  # the server sets it
    texte = tableau.inner_text()
    assert AFFICHE1 in texte and AFFICHE2 in texte
    assert AFFICHE3 not in texte  # a client still answering has transmitted nothing
    ligne = tableau.locator("tr", has_text=AFFICHE1).inner_text()
    assert "93 — Seine-Saint-Denis" in ligne and "3 sur 3 semaines" in ligne and "prêt à relire" in ligne
    _filtrer(page, f"helene {MARQUE.upper()}")
    expect(tableau).not_to_contain_text(AFFICHE1)
    expect(tableau).to_contain_text(AFFICHE2)
    _filtrer(page, "")
    expect(tableau).to_contain_text(AFFICHE1)

    # open client 1: answers, checks, pièces with previews; client text shown literally
    _ouvrir(page, AFFICHE1)
    contenu = page.locator("#daquestion")
    expect(contenu).to_contain_text("Aucun créneau")
    assert "${ 1+1 } {{ 3*3 }}" in contenu.inner_text()          # Mako and Jinja typed by the client
    assert "**gras** ${ 7*7 } [BR]" in contenu.inner_text()       # Markdown, Mako, docassemble markup
    assert page.evaluate("window.PIRATE") is None
    assert contenu.locator("script, img[src=x], b:has-text('disponible'), strong:has-text('gras')").count() == 0
    pieces = page.locator("table.rdv-pieces")
    assert pieces.locator("tr").count() >= 6
    assert pieces.locator("img").count() >= 3   # the screenshots' previews, served from the register
    apercu = pieces.locator("img").first.get_attribute("src")
    reponse = _get(page, _url(serveur, apercu))
    assert reponse.status_code == 200 and reponse.content[:8] == b"\x89PNG\r\n\x1a\n"

    # the texts form: the client's text is the fields' value, never evaluated; saved unchanged, nothing changes
    _bouton(page, "Modifier les textes")
    nav.question(page, "Modifier les textes du client")
    valeurs = [champ.input_value() for champ in page.locator("textarea").all()]
    # (docassemble strips HTML tags from what a client types; the rest stays as typed)
    assert sum("${ 1+1 } {{ 3*3 }}" in v for v in valeurs) == 3, valeurs
    assert not any(re.search(r"Aucun créneau\s+disponible\s+2\b", v) for v in valeurs)
    page.get_by_role("button", name="Enregistrer les textes").click()
    _avis(page, "Aucun texte n'a changé")
    assert registre.lire(dossiers["premier"]).corrections["textes"] == {}

    # relabel the trap pièce (its label is the field's value, shown as typed)
    ligne_piege = pieces.locator("tr", has_text="**gras**")
    ligne_piege.get_by_role("link", name="Renommer").click()
    nav.question(page, "Renommer la pièce")
    assert nav.champ(page, "Nouveau libellé").input_value() == PIEGE.replace("<script>window.PIRATE=1</script>", "") \
        or "**gras** ${ 7*7 } [BR]" in nav.champ(page, "Nouveau libellé").input_value()
    nav.remplir(page, "Nouveau libellé", NOUVEAU_LIBELLE)
    nav.continuer(page)
    _avis(page, "Pièce renommée")
    assert NOUVEAU_LIBELLE in pieces.inner_text()

    # astreinte and delays (the form shows the dossier's current values)
    _bouton(page, "Délais et astreinte")
    nav.question(page, "Délais et astreinte demandés au juge")
    assert nav.champ(page, "Astreinte par jour de retard (euros)").input_value() == "100"
    nav.remplir(page, "Délai pour donner une date de rendez-vous (jours)", "15")
    nav.remplir(page, "Délai maximal avant le rendez-vous (jours, facultatif)", "30")
    nav.remplir(page, "Astreinte par jour de retard (euros)", "150")
    nav.continuer(page)
    _avis(page, "Demandes au juge modifiées")

    # approving before regenerating is refused with a clear reason
    _bouton(page, "Approuver")
    _avis(page, "Régénérez d'abord")

    _bouton(page, "Régénérer le dossier")
    _avis(page, "Dossier régénéré", timeout=180_000)
    _bouton(page, "Approuver")
    expect(page.locator(".rdv-statut")).to_have_text("approuvé")
    approuve = registre.lire(dossiers["premier"])
    assert approuve.statut == "approuvé" and approuve.approbation["zip"] == approuve.depot["zip"]
    assert approuve.approbation["empreinte"] == approuve.empreinte_du_contenu

    # the zip reflects the changes
    lien = page.get_by_role("link", name=re.compile("Télécharger le dossier"))
    reponse = _get(page, _url(serveur, lien.get_attribute("href")))
    assert reponse.status_code == 200, reponse.text[:500]
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    noms = archive.namelist()
    assert [n for n in noms if n.endswith("_Attestation_d_hebergement_de_M_Sow.pdf")], noms
    manifeste = json.loads(archive.read("manifest.json"))
    assert any(f["libelle"] == NOUVEAU_LIBELLE for f in manifeste["fichiers"])
    inventaire = "\n".join(c.text for t in Document(io.BytesIO(archive.read("Inventaire.docx"))).tables
                           for r in t.rows for c in r.cells)
    assert NOUVEAU_LIBELLE in inventaire
    requete = "\n".join(p.text for p in Document(io.BytesIO(archive.read("Requete.docx"))).paragraphs)
    requete += "\n".join(c.text for t in Document(io.BytesIO(archive.read("Requete.docx"))).tables
                         for r in t.rows for c in r.cells)
    assert "150" in requete and "<script>" not in requete and "${ 1+1 } {{ 3*3 }}" in requete
    partage["zip"] = lien.get_attribute("href")
    partage["apercu"] = apercu

    _bouton(page, "Marquer comme déposé")
    nav.question(page, "Numéro d'affaire donné par le tribunal")
    nav.remplir(page, "Numéro d'affaire", "2612345/1")
    nav.continuer(page)
    expect(page.locator(".rdv-statut")).to_have_text("déposé")
    expect(page.locator(".rdv-numero")).to_have_text("2612345/1")

    # the journal: who, when, what — the client's transmission and every staff action
    journal = page.locator(".rdv-journal").inner_text()
    for quoi in ("Dossier transmis par le client", "renommée « Attestation d'hébergement de M. Sow »",
                 "astreinte 150 €", "Dossier de dépôt régénéré", "Dossier approuvé", "numéro d'affaire 2612345/1"):
        assert quoi in journal, quoi
    assert comptes["equipe"].email in journal


def test_client_sees_status_and_downloads_the_approved_bundle(contextes, serveur, dossiers, registre):
    page = contextes["client1"]
    page.goto(f"{serveur.url}/interview?i={CLIENT_YML}")
    nav.question(page, re.compile("Votre requête a été déposée"))
    texte = page.locator("#daquestion").inner_text().replace("’", "'")
    assert "Votre requête a été déposée au tribunal le" in texte and "numéro d'affaire 2612345/1" in texte
    assert "@asso.example.org" not in texte
    lien = page.get_by_role("link", name=re.compile("Télécharger le dossier à déposer"))
    reponse = _get(page, _url(serveur, lien.get_attribute("href")))
    assert reponse.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    assert any(n.endswith("_Attestation_d_hebergement_de_M_Sow.pdf") for n in archive.namelist())
    # « Retour » and « Modifier mes réponses » on the client's side change nothing of staff's
    avant = registre.lire(dossiers["premier"])
    if page.locator("#dabackbutton, .dabackicon").count():
        page.locator("#dabackbutton, .dabackicon").first.click()
        page.wait_for_load_state("networkidle")
    page.goto(f"{serveur.url}/interview?i={CLIENT_YML}")
    page.get_by_role("link", name="Modifier mes réponses", exact=True).click()
    nav.question(page, "Votre requête a déjà été déposée")
    apres = registre.lire(dossiers["premier"])
    assert (apres.version, apres.statut, apres.corrections, apres.approbation, len(apres.journal)) == \
        (avant.version, avant.statut, avant.corrections, avant.approbation, len(avant.journal))


def test_attacks_fail_and_change_nothing(contextes, serveur, dossiers, comptes, registre, partage):
    intrus, victime, equipe = contextes["client2"], contextes["client1"], contextes["equipe"]
    avant = registre.lire(dossiers["premier"])
    zip_url = _url(serveur, partage["zip"])

    # the staff screens and an action URL copied from them: a clear refusal, no traceback
    intrus.goto(serveur.interview_url(STAFF))
    nav.question(intrus, "Accès réservé à l'équipe")
    assert "Traceback" not in intrus.content()
    for lien in (zip_url, _url(serveur, partage["apercu"]),
                 serveur.lien_action(f"docassemble.rdvrefere:data/questions/{STAFF}", "faire_approuver",
                              dossier=dossiers["second"], version=registre.lire(dossiers["second"]).version)):
        intrus.goto(lien)
        nav.question(intrus, "Accès réservé à l'équipe")
        assert AFFICHE1 not in intrus.locator("body").inner_text()

    # forged POSTs of staff state into the attacker's own session (its own CSRF token)
    for variables in ({"client.statut": "déposé", "client.numero_affaire": "2699999"},
                      {"statut": "approuvé"}, {"client.empreinte_transmise": "x", "dossier_ouvert": "1"}):
        reponse = _poster(intrus, serveur, variables)
        assert reponse.status_code == 200, (reponse.status_code, reponse.text[:300])
    assert registre.du_client(comptes["client2"].id, dossiers["sessions"]["client2"]) is None

    # another client's session by its key: no answers shown, no file, the victim's session unchanged
    cle = dossiers["sessions"]["client1"]
    # (the accounts share a password, so docassemble's key, MD5 of the password, opens the session:
    # the guard of garde_client.yml is what refuses it)
    intrus.goto(f"{serveur.url}/interview?i={CLIENT_YML}&session={cle}")
    nav.question(intrus, "Ce dossier n'est pas le vôtre")
    corps = intrus.locator("body").inner_text()
    assert AFFICHE1 not in corps and NOM1 not in corps and "Traceback" not in corps
    jeton = (intrus.locator("input[name=csrf_token]").first.get_attribute("value")
             if intrus.locator("input[name=csrf_token]").count() else "")
    for donnees in ({"_back_one": "1"}, {safeid("client.requerant.nom"): "Pirate"},
                    {"_varnames": "pas du base64", safeid("client.requerant.nom"): "Pirate"}):  # malformed
        requests.post(f"{serveur.url}/interview?i={CLIENT_YML}&session={cle}", data={"csrf_token": jeton, **donnees},
                      cookies=_cookies(intrus), timeout=60)
    victime.goto(f"{serveur.url}/interview?i={CLIENT_YML}")
    nav.question(victime, re.compile("Votre requête a été déposée"))
    assert "Pirate" not in victime.locator("body").inner_text()

    # the victim's files: the staff's zip URL, guessed numbers, stored-file URLs with the session key
    reponse = _get(intrus, zip_url)          # the staff's download action: the refusal page, no zip
    assert not reponse.content.startswith(b"PK") and "Accès réservé" in reponse.text
    # the victim's own file numbers: the approved zip's download answers with a redirect to a
    # file of the victim's session (the download screen links nothing else once approved)
    lien_zip = victime.get_by_role("link", name=re.compile("Télécharger le dossier à déposer")).get_attribute("href")
    telechargement = _get(victime, _url(serveur, lien_zip))
    adresses = " ".join([r.headers.get("Location", "") for r in telechargement.history] + [telechargement.url])
    assert telechargement.content.startswith(b"PK")
    fichiers_victime = [int(n) for n in re.findall(r"/uploadedfile(?:download)?/(\d+)", adresses)]
    assert fichiers_victime, "the victim's approved zip is a file of its session"
    for essai in range(max(1, min(fichiers_victime) - 20), max(fichiers_victime) + 3):
        assert _get(intrus, f"{serveur.url}/uploadedfile/{essai}").status_code in (403, 404), essai
        assert requests.get(f"{serveur.url}/uploadedfile/{essai}", timeout=30).status_code in (403, 404), essai
    for route in ("storedfile", "storedfiledownload"):
        for essai in fichiers_victime[:3]:
            assert requests.get(f"{serveur.url}/{route}/{cle}/{essai}/fichier.pdf", timeout=30).status_code == 404

    # staff asking, through a forged action, for a file of another dossier than the one shown
    equipe.goto(serveur.interview_url(STAFF))
    _ouvrir(equipe, AFFICHE1)
    apercu = _action(equipe.locator("table.rdv-pieces img").first.get_attribute("src"))
    assert apercu["action"] == "voir_fichier"
    forge = serveur.lien_action(f"docassemble.rdvrefere:data/questions/{STAFF}", "voir_fichier",
                         **{**apercu["arguments"], "sha": dossiers["sha_propre_au_second"], "nom": "bail.pdf"})
    reponse = _get(equipe, forge, allow_redirects=True)
    assert b"%PDF" not in reponse.content[:10]
    equipe.goto(forge)
    _avis(equipe, "Ce fichier n'appartient pas à ce dossier")

    # no link left between the intruder and the victim's session (docassemble's key to its files)
    from sqlalchemy import text
    with registre.engine.connect() as cx:
        lies = cx.execute(text("select user_id from userdictkeys where key = :cle"), {"cle": cle}).scalars().all()
    assert comptes["client2"].id not in lies and comptes["client1"].id in lies

    apres = registre.lire(dossiers["premier"])
    assert (apres.version, apres.statut, apres.corrections, apres.approbation, [e.numero for e in apres.envois]) == \
        (avant.version, avant.statut, avant.corrections, avant.approbation, [e.numero for e in avant.envois])


def test_a_stale_staff_write_is_refused_and_nothing_is_lost(contextes, serveur, dossiers, registre):
    """A client's new version lands between the moment staff open the dossier and their action:
    the action is refused with the French message; then, staff first and the client after:
    both changes survive."""
    page = contextes["equipe"]
    _staff_list(page, serveur)
    _ouvrir(page, AFFICHE2)
    ligne = page.locator("table.rdv-pieces tr", has_text="Bail d'habitation")
    retirer = ligne.get_by_role("link", name="Retirer").get_attribute("href")
    transmis = registre.lire(dossiers["second"])
    donnees = json.loads(json.dumps(transmis.envoi.donnees))
    donnees["tentatives"][0]["constat"] = "Nouvelle version du client : toujours aucun créneau"
    registre.transmettre(transmis.proprietaire, transmis.session, donnees)   # what the interview does
    page.goto(_url(serveur, retirer))   # the link behind « Retirer » (its confirm() is the browser's)
    _avis(page, "Le dossier a changé depuis que vous l'avez ouvert")
    apres = registre.lire(dossiers["second"])
    assert apres.corrections["retirees"] == [] and [e.numero for e in apres.envois] == [1, 2]
    # reloaded, the same action applies; then the client sends another version: both survive
    _staff_list(page, serveur)
    _ouvrir(page, AFFICHE2)
    page.goto(_url(serveur, page.locator("table.rdv-pieces tr", has_text="Bail d'habitation")
                   .get_by_role("link", name="Retirer").get_attribute("href")))
    _avis(page, "Pièce retirée")
    donnees["tentatives"][1]["constat"] = "Troisième version du client"
    registre.transmettre(transmis.proprietaire, transmis.session, donnees)
    final = registre.lire(dossiers["second"])
    assert len(final.corrections["retirees"]) == 1 and [e.numero for e in final.envois] == [1, 2, 3]
    assert all(p.get("libelle") != "Bail d'habitation" for p in final.donnees()["pieces"])
    assert final.donnees()["tentatives"][1]["constat"] == "Troisième version du client"
