"""Issue 12 on the real server (PostgreSQL, gunicorn, Celery) in Chromium: after the ordonnance.

A client whose référé the team marked « déposé » opens « Après la décision du juge » (rdv_ordonnance.yml
with the référé session's key), uploads the ordonnance (a PDF made here), says what it orders (an
injonction, fifteen days, an astreinte), sees what to do now with the dates; the préfet did not comply:
the letter to the préfet is downloaded (DOCX and PDF), the letter sent is recorded with its proof, a
proof of silence is added, and the execution bundle is built in Celery, downloaded and opened (names,
numbering). The client's answers reach the register as an ordonnance version; the status stays
« déposé » until the team moves it (ordonnance reçue → exécution demandée) on its screens, where the
list shows the next deadline. Attacks: forged POSTs with the client's own CSRF token, on the
ordonnance interview and the staff interview, never change the team's status.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import zipfile
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

import accessibilite
import dossiers as exemples
import fichiers
import parcours_navigateur as nav
from server import safeid

# axe-core on every screen of the walks (tests/accessibilite.py)
pytestmark = [pytest.mark.server, pytest.mark.usefixtures("axe_a_chaque_ecran")]
expect.set_options(timeout=30_000)

MARQUE = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
NOM = f"Ordo-{MARQUE}"
ORDONNANCE_YML = "docassemble.rdvrefere:data/questions/rdv_ordonnance.yml"
AUJOURD_HUI = dt.date.today()


@pytest.fixture(scope="module")
def registre(serveur):
    return serveur.registre()


@pytest.fixture(scope="module")
def comptes(serveur):
    jeton = secrets.token_hex(4)
    return {"client": serveur.create_user(f"ordo.{jeton}@example.org", "Motdepasse-123!"),
            "equipe": serveur.create_user(f"equipe.{jeton}@asso.example.org", "Motdepasse-123!",
                                          privileges=("user", "rdvrefere_personnel"))}


@pytest.fixture(scope="module")
def depose(registre, comptes, tmp_path_factory):
    """A référé dossier transmitted by the client and filed by the team (as the staff screens leave
    it: statut « déposé », numéro d'affaire), written to the register directly."""
    session = "refere-" + MARQUE
    identifiant = exemples.dossier_depose(registre, comptes["client"].id, session,
                                          tmp_path_factory.mktemp("refere"), NOM)
    return {"id": identifiant, "session": session}


def _contexte(navigateur, serveur, compte):
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = contexte.new_page()
    page.set_default_timeout(60_000)
    serveur.login(page, compte)
    return page


def _telecharger(page, libelle) -> bytes:
    with page.expect_download() as attente:
        page.get_by_role("link", name=libelle).first.click()
    return Path(attente.value.path()).read_bytes()


def _texte(page) -> str:
    return page.locator("#daquestion").inner_text().replace("’", "'")


def _dans_un_nom(jours: int) -> str:
    """A date as numerotation writes it in a file name: « 3_decembre_2026 »."""
    import unicodedata  # noqa: PLC0415
    from docassemble.rdvrefere.dates import date_longue  # noqa: PLC0415
    texte = unicodedata.normalize("NFKD", date_longue(AUJOURD_HUI + dt.timedelta(days=jours)))
    return "".join(c for c in texte if not unicodedata.combining(c)).replace(" ", "_")


def _date(jours: int) -> str:
    return (AUJOURD_HUI + dt.timedelta(days=jours)).isoformat()


def test_de_l_ordonnance_a_la_demande_d_execution(serveur, navigateur, registre, comptes, depose, tmp_path):
    ordonnance = fichiers.pdf(tmp_path / "ordonnance.pdf", pages=2, text="ORDONNANCE N° 2612345")
    lettre_envoyee = fichiers.pdf(tmp_path / "lettre-et-recu.pdf", pages=1, text="Lettre au préfet et reçu")
    capture = fichiers.png_capture(tmp_path / "capture.png", size=(390, 844))
    page = _contexte(navigateur, serveur, comptes["client"])
    try:
        page.goto(serveur.interview_url(ORDONNANCE_YML, refere=depose["session"]))
        nav.question(page, "Après la décision du juge")
        assert f"Awa {NOM}" in _texte(page)
        nav.continuer(page)
        nav.question(page, "L'ordonnance du juge")
        page.locator("input[type=file]").set_input_files(str(ordonnance))
        nav.continuer(page)
        nav.question(page, "Qu'a décidé le juge ?")
        assert "Par ces motifs" in _texte(page)
        page.get_by_text("Le juge ordonne au préfet de me donner un rendez-vous", exact=True).click()
        nav.continuer(page)
        nav.question(page, "Le numéro et les dates de l'ordonnance")
        nav.champ(page, "Numéro de l'ordonnance").fill("2612345")
        nav.champ(page, "Date de l'ordonnance").fill(_date(-40))
        nav.champ(page, "Date où vous l'avez reçue").fill(_date(-39))
        nav.continuer(page)
        nav.question(page, "Le délai donné au préfet")
        assert "Il est enjoint au préfet" in _texte(page)
        page.get_by_text("Un délai en jours", exact=True).click()
        nav.remplir(page, "Nombre de jours", "15")
        nav.continuer(page)
        nav.question(page, "Y a-t-il une astreinte ?")
        page.locator("label", has_text="Oui").first.click()
        nav.remplir(page, "Montant par jour de retard (en euros)", "100")
        nav.continuer(page)
        nav.question(page, "La préfecture vous a-t-elle donné un rendez-vous ?")
        page.locator("label", has_text="Non").first.click()
        nav.continuer(page)
        nav.question(page, re.compile("Que faire maintenant|Recevoir un rappel"))
        nav.question(page, "Que faire maintenant ?")
        texte = _texte(page)
        limite = AUJOURD_HUI + dt.timedelta(days=-39 + 15)
        from docassemble.rdvrefere.dates import date_longue
        assert "Délai dépassé : écrire au préfet" in texte, texte
        assert date_longue(limite) in texte and "astreinte" in texte.lower()
        assert not re.search(r"\bL\. ?\d|\bR\. ?\d|n° \d{6}", texte), texte   # no article or case numbers
        # the client's answers reached the team's register; the status is still the team's
        transmis = registre.lire(depose["id"])
        assert transmis.statut == "déposé" and transmis.ordonnance is not None
        assert transmis.ordonnance.donnees["ordonnance"]["delai_jours"] == 15
        assert transmis.ordonnance.donnees["ordonnance"]["fichiers"][0]["nom"] == "ordonnance.pdf"

        # « Modifier mes réponses »: each screen comes back filled, and goes on untouched; the
        # optional délai du rendez-vous left empty comes back as docassemble keeps it (0), which
        # the browser must not refuse
        page.get_by_role("link", name=re.compile("Modifier mes réponses sur l.ordonnance")).click()
        for titre in ("Qu'a décidé le juge ?", "Le numéro et les dates de l'ordonnance", "Le délai donné au préfet"):
            nav.question(page, titre)
            nav.continuer(page)
        nav.question(page, "Y a-t-il une astreinte ?")
        nav.continuer(page)
        nav.question(page, re.compile("Que faire maintenant|Recevoir un rappel"))
        if "Recevoir un rappel" in page.locator("#daMainQuestion").inner_text():
            nav.continuer(page)
        nav.question(page, "Que faire maintenant ?")
        assert registre.lire(depose["id"]).ordonnance.donnees["ordonnance"]["delai_jours"] == 15

        # the letter to the préfet
        page.get_by_role("link", name="La lettre au préfet").click()
        nav.question(page, "La lettre au préfet")
        pdf = _telecharger(page, "Télécharger la lettre (PDF)")
        assert pdf.startswith(b"%PDF")
        docx = _telecharger(page, "Télécharger la lettre (Word)")
        from docx import Document
        lettre = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
        assert "2612345" in lettre and NOM.upper() in lettre.upper()
        page.get_by_role("link", name=re.compile("ai envoyé la lettre")).click()
        nav.question(page, "La lettre envoyée au préfet")
        page.locator("label", has_text="Oui").first.click()
        nav.champ(page, "Date de l'envoi").fill(_date(-12))
        page.locator("input[type=file]").set_input_files(str(lettre_envoyee))
        nav.continuer(page)
        nav.question(page, "Que faire maintenant ?")
        assert "demander l'exécution au tribunal" in _texte(page)

        # the demande d'exécution, built in Celery
        page.get_by_role("link", name="La demande au tribunal").click()
        nav.question(page, "Avez-vous des preuves que rien n'est venu ?")
        nav.oui_non(page, True)
        nav.question(page, "Preuve n° 1")
        nav.champ(page, "Date").fill(_date(-3))
        nav.champ(page, "Heure").fill("09:14")
        nav.champ(page, "Ce que l'on voit").fill("Aucun créneau ${ 7*7 } <b>disponible</b>")
        page.locator("input[type=file]").set_input_files(str(capture))
        nav.continuer(page)
        nav.question(page, "Avez-vous une autre preuve ?")
        assert "${ 7*7 }" in _texte(page) and "49" not in _texte(page)
        nav.oui_non(page, False)
        nav.question(page, "La demande au tribunal")
        page.locator("#daform button[type=submit]").filter(has_text="Préparer le dossier").first.click()
        nav.question(page, re.compile("Votre demande (se prépare|au tribunal est prête)|pas pu être préparée"))
        expect(page.locator("#daMainQuestion")).to_contain_text(
            re.compile("Votre demande au tribunal est prête|pas pu être préparée"), timeout=180_000)
        assert "pas pu" not in page.locator("#daMainQuestion").inner_text(), _texte(page)
        archive = zipfile.ZipFile(io.BytesIO(_telecharger(page, "Télécharger la demande à déposer (.zip)")))
        noms = sorted(archive.namelist())
        pieces = [n for n in noms if re.match(r"\d\d_", n)]
        assert pieces == [f"01_Ordonnance_de_refere_n_2612345_du_{_dans_un_nom(-40)}.pdf",
                          f"02_Lettre_au_prefet_du_{_dans_un_nom(-12)}_et_preuve_de_l_envoi.pdf",
                          f"03_Capture_d_ecran_du_{_dans_un_nom(-3)}_a_9_h_14.pdf"], noms
        assert {"Requete.pdf", "Requete.docx", "Inventaire.pdf", "Guide_depot.txt", "manifest.json"} <= set(noms)
        manifeste = json.loads(archive.read("manifest.json"))
        numeros = [f["numero"] for f in manifeste["fichiers"] if f["role"] == "piece"]
        assert numeros == [1, 2, 3]
        guide = archive.read("Guide_depot.txt").decode()
        assert "01_Ordonnance" in guide
        from docx import Document as _Document
        requete = "\n".join(p.text for p in _Document(io.BytesIO(archive.read("Requete.docx"))).paragraphs)
        assert "Aucun créneau ${ 7*7 }" in requete            # the client's words, quoted, never evaluated
        assert "pièce n° 1" in requete.lower()
        # the bundle's pièces are stamped PDFs
        assert archive.read(pieces[0]).startswith(b"%PDF")

        page.get_by_role("link", name=re.compile("ai déposé la demande au tribunal")).click()
        nav.question(page, "Le dépôt de la demande au tribunal")
        nav.champ(page, "Date du dépôt sur Télérecours citoyens").fill(_date(0))
        nav.continuer(page)
        nav.question(page, "Que faire maintenant ?")
        assert "Exécution demandée au tribunal" in _texte(page)
    finally:
        page.context.close()

    transmis = registre.lire(depose["id"])
    assert transmis.statut == "déposé", "a client's answers never set the team's status"
    assert transmis.ordonnance.donnees["suivi"]["demande_execution_le"] == _date(0)
    assert len(transmis.ordonnances) >= 3
    assert any(e.get("code") == "ordonnance_client" for e in transmis.journal)

    # the team: the next deadline on the list, then ordonnance reçue → exécution demandée
    page = _contexte(navigateur, serveur, comptes["equipe"])
    try:
        page.goto(serveur.interview_url("staff.yml"))
        nav.question(page, "Dossiers transmis par les clients")
        ligne = page.locator("table.rdv-dossiers tr", has_text=NOM.upper()).first
        expect(ligne).to_contain_text("exécution demandée au tribunal")
        ligne.locator("a").first.click()
        nav.question(page, re.compile("Dossier de"))
        expect(page.locator(".rdv-etat-ordonnance")).to_contain_text("Dates")
        page.get_by_role("link", name="Marquer : ordonnance reçue").click()
        expect(page.locator(".rdv-statut")).to_have_text("ordonnance reçue")
        page.get_by_role("link", name="Marquer : exécution demandée").click()
        expect(page.locator(".rdv-statut")).to_have_text("exécution demandée")
        assert page.get_by_role("link", name="Marquer : exécutée").count() == 1
        assert page.get_by_role("link", name="Marquer : rejetée").count() == 0
    finally:
        page.context.close()
    transmis = registre.lire(depose["id"])
    assert transmis.statut == "exécution demandée"
    assert [e["code"] for e in transmis.journal if e.get("code") in ("ordonnance", "execution_demandee")] == [
        "ordonnance", "execution_demandee"]


def test_un_client_ne_peut_pas_changer_le_statut(serveur, navigateur, registre, comptes, depose):
    """Forged requests with the client's own CSRF token: variables a screen never asks (the
    status, a referé session key, the register's version) on the ordonnance interview, and the
    staff's action URL on staff.yml. The team's status never moves."""
    avant = registre.lire(depose["id"])
    page = _contexte(navigateur, serveur, comptes["client"])
    try:
        page.goto(serveur.interview_url(ORDONNANCE_YML, refere=depose["session"]))
        page.wait_for_load_state("networkidle")
        jeton = page.locator("input[name=csrf_token]").first.get_attribute("value")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        cible = f"{serveur.url}/interview?i={ORDONNANCE_YML}"
        for variables in ({"suite.statut": "exécutée"}, {"statut": "exécutée"},
                          {"suite.refere_session": "refere-autre"},
                          {"suite.issue": "rejet", "suite.motif_rejet": "urgence", "suite.statut": "rejetée"}):
            donnees = {"csrf_token": jeton, "json": "1", **{safeid(k): v for k, v in variables.items()}}
            reponse = requests.post(cible, data=donnees, cookies=cookies, timeout=60)
            assert reponse.status_code in (200, 400), reponse.status_code
        # the staff's own action, replayed by the client on staff.yml
        for statut in ("exécutée", "rejetée", "ordonnance reçue"):
            page.goto(serveur.lien_action("docassemble.rdvrefere:data/questions/staff.yml", "faire_suivre",
                              dossier=depose["id"], version=registre.lire(depose["id"]).version, statut=statut))
            nav.question(page, "Accès réservé à l'équipe")
    finally:
        page.context.close()
    apres = registre.lire(depose["id"])
    assert apres.statut == avant.statut
    assert [e for e in apres.journal if e.get("code") not in ("ordonnance_client",)] == \
        [e for e in avant.journal if e.get("code") not in ("ordonnance_client",)]
