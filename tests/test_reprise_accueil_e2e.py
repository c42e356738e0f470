"""Issue 10 point 1 on the real server, in Chromium, on a phone: a client who signs in again and
opens the interview's address lands where they left off (not in a new, empty dossier), and
/interviews is the package's French « Mes dossiers » (rdv_mes_dossiers.yml): each dossier named
by the applicant and the département, with its state and a French date; « Commencer un nouveau
dossier » starts another; « Supprimer » asks first. Another client's dossier is never reached:
not by its key in the address, not by a forged deletion link."""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError

from docassemble.rdvrefere.suivi import suivi_de

import parcours_navigateur as nav
from server import safeid

pytestmark = pytest.mark.server

CLIENT_YML = "docassemble.rdvrefere:data/questions/rdvrefere.yml"
LISTE_YML = "docassemble.rdvrefere:data/questions/rdv_mes_dossiers.yml"
TELEPHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2, "locale": "fr-FR", "timezone_id": "Europe/Paris"}
NOM_HOSTILE = "Diallo *gras* ${ 7*7 } [BR] _x_"
MOT_DE_PASSE = "Motdepasse-123!"  # shared by victim and intruder: docassemble's key (MD5) opens both
DATE_FR = re.compile(r"\b\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                     r"novembre|décembre) \d{4} à \d{1,2} h \d{2}\b")
ANGLAIS = re.compile(r"\b(Resume an interview|Delete All|Delete|Title|Started|Modified|Untitled|"
                     r"Starting a new interview|My Interviews|Traceback|Error)\b")


@pytest.fixture
def telephone(navigateur, request, axe_a_chaque_ecran):
    """A phone-sized page with its own cookies; axe-core runs on every screen the walk sees."""
    contexte = navigateur.new_context(**TELEPHONE)
    contexte.set_default_timeout(30_000)
    try:
        yield contexte
    finally:
        rapport = getattr(request.node, "rep_call", None)
        if rapport is not None and rapport.failed:
            from server import REPO  # noqa: PLC0415
            (REPO / "out" / "screenshots").mkdir(parents=True, exist_ok=True)
            for n, page in enumerate(contexte.pages):
                page.screenshot(path=str(REPO / "out" / "screenshots" / f"{request.node.name}-{n}.png"), full_page=True)
        contexte.close()


def _adresse(serveur) -> str:
    """The interview's plain address, as a client keeps it (no new_session, no session)."""
    return f"{serveur.url}/interview?{urlencode({'i': CLIENT_YML})}"


def _se_connecter_par_l_adresse(page, serveur, cliente):
    """Open the plain address signed out: docassemble asks to sign in (next=…), then comes back."""
    page.goto(_adresse(serveur))
    page.wait_for_url(re.compile(r"/user/sign-in"))
    page.locator("#email").fill(cliente.email)
    page.locator("#password").fill(cliente.password)
    with page.expect_navigation():
        page.locator("button[name=submit]").click()
    page.locator("#daMainQuestion").wait_for()


def _se_deconnecter(page, serveur):
    """Sign out as the menu does, and make sure of it: the sign-in page answers, not a session.
    (Chromium may report the sign-out's redirect as an aborted navigation when docassemble's page
    is still busy: that is not a failure, the check below says whether it happened.)"""
    page.wait_for_load_state("networkidle")
    try:
        page.goto(f"{serveur.url}/user/sign-out")
    except PlaywrightError as exc:
        if "ERR_ABORTED" not in str(exc):
            raise
    page.wait_for_load_state()
    page.goto(f"{serveur.url}/user/sign-in")
    page.locator("#email").wait_for()


def _mes_dossiers(page, serveur) -> str:
    """Open /interviews; check it is the French list (axe too); return its text."""
    page.goto(f"{serveur.url}/interviews")
    nav.question(page, "Mes dossiers")
    texte = page.locator("body").inner_text()
    anglais = ANGLAIS.findall(texte)
    assert not anglais, f"English on « Mes dossiers »: {anglais}\n{texte[:1500]}"
    return texte


def _dossiers(page) -> list[str]:
    """The dossiers' headings on the list, in order."""
    return [t.strip() for t in page.locator("#daquestion h2").all_inner_texts() if t.strip() != "Un autre dossier"]


def _cles(page) -> list[str]:
    """The session keys of the « Reprendre » links, in order."""
    cles = []
    for lien in page.get_by_role("link", name="Reprendre").all():
        cles += parse_qs(urlparse(lien.get_attribute("href")).query).get("session", [])
    return cles


def _cookies(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}




def test_resume_from_the_home_page_after_signing_in_again(serveur, telephone):
    cliente = serveur.create_user(email=f"mariam.{secrets.token_hex(4)}@example.org", password=MOT_DE_PASSE)
    page = telephone.new_page()
    serveur.login(page, cliente)
    nav.identite(page, serveur, "Keita", "Mariam")     # a first dossier: a few screens, up to the identity
    nav.question(page, "Votre naissance et votre nationalité")

    # signed out, then in again through the interview's address: the same screen, the same answers
    _se_deconnecter(page, serveur)
    _se_connecter_par_l_adresse(page, serveur, cliente)
    nav.question(page, "Votre naissance et votre nationalité")
    page.locator("#dabackbutton, .dabackicon, button.dabackbutton").first.click()
    nav.question(page, "Qui êtes-vous ?")
    assert nav.champ(page, "Nom de famille").input_value() == "Keita"
    assert nav.champ(page, "Prénom(s)").input_value() == "Mariam"
    nav.continuer(page)
    nav.question(page, "Votre naissance et votre nationalité")

    # one dossier only (the two new sessions of the returns did not pile up), in French
    texte = _mes_dossiers(page, serveur)
    assert _dossiers(page) == ["Mariam Keita"], texte
    assert "Seine-Saint-Denis (93)" in texte and "en cours" in texte, texte
    assert DATE_FR.search(texte), texte
    assert "Modifié le" in texte and "Commencé le" in texte, texte
    premiere = _cles(page)
    assert len(premiere) == 1

    # « Commencer un nouveau dossier »: a new dossier, on its welcome screen
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    nav.question(page, "Bienvenue")
    page.wait_for_load_state("networkidle")
    page.locator("#daform button[type=submit]").filter(has_text="ai compris, commencer").first.click()
    nav.question(page, "Où habitez-vous ?")
    _mes_dossiers(page, serveur)
    assert _dossiers(page) == ["Dossier sans nom", "Mariam Keita"]

    # signed in again, the plain address resumes the most recent dossier: the new one
    _se_deconnecter(page, serveur)
    _se_connecter_par_l_adresse(page, serveur, cliente)
    nav.question(page, "Où habitez-vous ?")
    _mes_dossiers(page, serveur)
    assert _dossiers(page) == ["Dossier sans nom", "Mariam Keita"]
    deux = _cles(page)
    assert len(deux) == 2 and deux[1] == premiere[0]

    # « Reprendre » on the first dossier: where it was left
    page.get_by_role("link", name="Reprendre").nth(1).click()
    nav.question(page, "Votre naissance et votre nationalité")

    # resumed, it is now the most recent; « Supprimer » asks first; « Non » keeps, « Oui » deletes
    _mes_dossiers(page, serveur)
    assert _dossiers(page) == ["Mariam Keita", "Dossier sans nom"]
    page.get_by_role("link", name="Supprimer").nth(1).click()
    nav.question(page, "Supprimer ce dossier ?")
    assert "Dossier sans nom" in page.locator("#daquestion").inner_text()
    page.get_by_role("button", name="Non, garder ce dossier").click()
    nav.question(page, "Mes dossiers")
    assert _dossiers(page) == ["Mariam Keita", "Dossier sans nom"]
    moteur = serveur.registre().engine
    assert suivi_de(moteur, (cliente.id, deux[0])) is not None  # the staff's « en préparation » row
    page.get_by_role("link", name="Supprimer").nth(1).click()
    nav.question(page, "Supprimer ce dossier ?")
    page.get_by_role("button", name="Oui, supprimer ce dossier").click()
    nav.question(page, "Mes dossiers")
    assert "Le dossier « Dossier sans nom » a été supprimé." in page.locator("#daquestion").inner_text()
    # what was kept outside the session goes with it (the reminders, the staff's follow-up row)
    assert suivi_de(moteur, (cliente.id, deux[0])) is None
    assert suivi_de(moteur, (cliente.id, premiere[0])) is not None
    assert _dossiers(page) == ["Mariam Keita"]
    _mes_dossiers(page, serveur)
    assert _cles(page) == premiere

    # and the plain address, signed in again, now resumes the remaining dossier
    _se_deconnecter(page, serveur)
    _se_connecter_par_l_adresse(page, serveur, cliente)
    nav.question(page, "Votre naissance et votre nationalité")


def test_another_clients_dossier_is_never_reached(serveur, navigateur, telephone):
    victime = serveur.create_user(email=f"awa.{secrets.token_hex(4)}@example.org", password=MOT_DE_PASSE)
    intrus = serveur.create_user(email=f"intrus.{secrets.token_hex(4)}@example.org", password=MOT_DE_PASSE)
    page_v = telephone.new_page()
    serveur.login(page_v, victime)
    nav.identite(page_v, serveur, NOM_HOSTILE, "Awa")  # shown as typed on the list, never interpreted
    nav.question(page_v, "Votre naissance et votre nationalité")
    _mes_dossiers(page_v, serveur)
    [cle_v] = _cles(page_v)

    contexte_i = navigateur.new_context(**TELEPHONE)
    try:
        page_i = contexte_i.new_page()
        page_i.set_default_timeout(30_000)
        _se_connecter_par_l_adresse(page_i, serveur, intrus)
        nav.question(page_i, "Bienvenue")          # the intruder's own first dossier
        page_i.wait_for_load_state("networkidle")
        page_i.locator("#daform button[type=submit]").filter(has_text="ai compris, commencer").first.click()
        nav.question(page_i, "Où habitez-vous ?")

        # the victim's key in the address: refused, nothing shown
        page_i.goto(f"{_adresse(serveur)}&session={cle_v}")
        nav.question(page_i, "Ce dossier n'est pas le vôtre")
        assert "Diallo" not in page_i.locator("body").inner_text()

        # the intruder's list: only the intruder's dossiers, never the victim's
        texte = _mes_dossiers(page_i, serveur)
        assert "Diallo" not in texte and cle_v not in page_i.content()
        # a forged « Supprimer » link with the victim's key: no confirmation screen, nothing named
        page_i.goto(serveur.lien_action(LISTE_YML, "supprimer", dossier=cle_v))
        nav.question(page_i, "Mes dossiers")
        corps = page_i.locator("body").inner_text()
        assert "n'existe pas" in corps.replace("’", "'") and "Diallo" not in corps
        # a forged POST of the confirmation's answer and of the dossier to delete (own CSRF token)
        jeton = page_i.locator("input[name=csrf_token]").first.get_attribute("value")
        reponse = requests.post(f"{serveur.url}/interview?{urlencode({'i': LISTE_YML})}",
                                data={"csrf_token": jeton, safeid("dossier_a_supprimer"): cle_v,
                                      safeid("choix_suppression"): "oui"},
                                cookies=_cookies(page_i), timeout=60)
        assert "Diallo" not in reponse.text

        # signed in again, the intruder's plain address resumes the intruder's own dossier
        _se_deconnecter(page_i, serveur)
        _se_connecter_par_l_adresse(page_i, serveur, intrus)
        assert "session=" + cle_v not in page_i.url
        assert "Diallo" not in page_i.locator("body").inner_text()
    finally:
        contexte_i.close()

    # the victim's dossier is intact, and still the victim's
    _mes_dossiers(page_v, serveur)
    assert _cles(page_v) == [cle_v] and _dossiers(page_v) == [f"Awa {NOM_HOSTILE}"]
    page_v.get_by_role("link", name="Reprendre").click()
    nav.question(page_v, "Votre naissance et votre nationalité")
