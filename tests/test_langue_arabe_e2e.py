"""Issue 13 on the real server, in Chromium, on a phone: a client chooses Arabic on the welcome
screen; every page is then `lang="ar"` and laid out right to left (`dir="rtl"`, the text and the
radio buttons on the right), through docassemble's own screen changes too, with no serious or
critical axe-core violation and no horizontal scrolling; the menu switches back to French."""

from __future__ import annotations

import secrets

import pytest
import requests
from playwright.sync_api import expect

import accessibilite
import parcours_navigateur as nav
from server import safeid
from test_telephone_e2e import TELEPHONE

pytestmark = pytest.mark.server


def _droite_a_gauche(page, ecran: str) -> None:
    """The page is Arabic and mirrored, fits the phone, and axe finds nothing serious."""
    racine = page.locator("html")
    expect(racine).to_have_attribute("lang", "ar")
    expect(racine).to_have_attribute("dir", "rtl")
    titre = page.locator("#daMainQuestion")
    assert titre.evaluate("e => getComputedStyle(e).direction") == "rtl", ecran
    assert page.evaluate("document.documentElement.scrollWidth") <= TELEPHONE["viewport"]["width"], ecran
    accessibilite.verifier(page, ecran, langue_attendue="ar")


@pytest.fixture
def telephone_arabe(navigateur):
    contexte = navigateur.new_context(**(TELEPHONE | {"locale": "ar"}))
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    accessibilite.axe_disponible()
    try:
        yield page
    finally:
        contexte.close()


def test_arabic_on_a_phone_right_to_left_then_back_to_french(serveur, telephone_arabe):
    page = telephone_arabe
    cliente = serveur.create_user(email=f"amina.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
    serveur.login(page, cliente)
    page.goto(serveur.interview_url("rdvrefere.yml"))
    nav.question(page, "Bienvenue")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    # the welcome screen offers each language in its own name; Arabic is a link marked as Arabic
    langues = page.locator("nav.rdv-langues")
    expect(langues).to_contain_text("English")
    lien = langues.get_by_role("link", name="العربية")
    assert lien.get_attribute("lang") == "ar" and lien.get_attribute("hreflang") == "ar"
    lien.click()
    expect(page.locator("#daMainQuestion")).to_have_text("مرحباً")
    _droite_a_gauche(page, "accueil")
    assert "Ce service vous aide" not in page.locator("#daquestion").inner_text()

    # through docassemble's own screen change (no page load): still Arabic, still mirrored
    page.locator("#daform button[type=submit]").first.click()
    expect(page.locator("#daMainQuestion")).to_have_text("أين تسكن؟")
    _droite_a_gauche(page, "département")
    page.locator("select").first.select_option("93")
    page.locator("#daform button[type=submit]").first.click()
    expect(page.locator("#daMainQuestion")).to_contain_text("المحافظة")
    _droite_a_gauche(page, "décision de la préfecture")
    # a yes / no screen: its buttons are Arabic
    expect(page.locator("#daform")).to_contain_text("نعم")

    # the choice is kept in the account: « Mes dossiers » (docassemble's /interviews) opens in Arabic
    page.goto(f"{serveur.url}/interviews")
    expect(page.locator("#daMainQuestion")).to_have_text("ملفاتي")
    _droite_a_gauche(page, "mes dossiers")
    page.go_back()
    expect(page.locator("#daMainQuestion")).to_contain_text("المحافظة")

    # the menu: its items in Arabic, and the language screen goes back to French
    page.locator("#damobile-toggler, .navbar-toggler").first.click()
    menu = page.locator(".navbar-nav, #damenu, .dropdown-menu").filter(has_text="Language").first
    expect(menu).to_contain_text("كلمات المحكمة")
    menu.get_by_text("Langue · Language · اللغة").click()
    page.locator("nav.rdv-langues").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#daMainQuestion")).to_contain_text("Langue")


CLIENT_YML = "docassemble.rdvrefere:data/questions/rdvrefere.yml"


def _langue_de_la_page(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_une_langue_forgee_ne_change_rien(serveur, navigateur):
    """What an attacker sends by hand: the language action replayed with forged codes, and POSTs of
    the language variable itself with the client's own CSRF token. Only a code of langues.LANGUES
    is ever used, in the page and in the account; nothing sent is evaluated or shown."""
    cliente = serveur.create_user(email=f"forge.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
    contexte = navigateur.new_context(locale="fr-FR")
    page = contexte.new_page()
    alertes = []
    page.on("dialog", lambda d: (alertes.append(d.message), d.dismiss()))
    try:
        serveur.login(page, cliente)
        page.goto(serveur.interview_url("rdvrefere.yml"))
        nav.question(page, "Bienvenue")
        for forge in ("xx", "AR", "ar<script>alert(1)</script>", "${ 1+1 }", "../../../etc/passwd", ["ar"], None):
            page.goto(serveur.lien_action(CLIENT_YML, "changer_de_langue", langue=forge))
            assert _langue_de_la_page(page) == "fr", forge
            expect(page.locator("#daMainQuestion")).to_have_text("Bienvenue")
            assert "alert(1)" not in page.content() and "${ 1+1 }" not in page.content()
        profil = serveur.api("GET", "/api/user_info", params={"username": cliente.email}).json()
        assert profil.get("language") in (None, "", "fr"), profil.get("language")

        # the real choice works (the checks above could fail), and is kept in the account
        page.goto(serveur.lien_action(CLIENT_YML, "changer_de_langue", langue="ar"))
        assert _langue_de_la_page(page) == "ar"
        assert serveur.api("GET", "/api/user_info", params={"username": cliente.email}).json()["language"] == "ar"

        # the variable itself, POSTed by a script with the client's own CSRF token
        jeton = page.locator("input[name=csrf_token]").first.get_attribute("value")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        for forge in ("xx", "${ 1+1 }", "ar<script>alert(2)</script>", "en"):
            donnees = {"csrf_token": jeton, "json": "1", safeid("langue_interface"): forge}
            reponse = requests.post(f"{serveur.url}/interview?i={CLIENT_YML}", data=donnees, cookies=cookies,
                                    timeout=60)
            assert reponse.status_code in (200, 400), reponse.status_code
            assert "alert(2)" not in reponse.text
        page.goto(f"{serveur.url}/interview?i={CLIENT_YML}")
        assert _langue_de_la_page(page) == "ar"
        expect(page.locator("#daMainQuestion")).to_have_text("مرحباً")
        assert not alertes
    finally:
        contexte.close()


def test_la_page_d_arret_des_rappels_suit_la_langue_du_courriel(serveur, telephone_arabe):
    """The stop link of an Arabic reminder (`&lang=ar`, nobody signed in): the page is Arabic and
    right to left; a forged language gives French."""
    page = telephone_arabe
    page.goto(serveur.interview_url("rdv_rappels.yml", jeton="x" * 43, lang="ar"))
    expect(page.locator("#daMainQuestion")).to_have_text("هل تريد إيقاف التذكيرات بالبريد الإلكتروني؟")
    _droite_a_gauche(page, "arrêt des rappels")
    # a token of the right shape that no reminder has: the answer, in Arabic too
    page.locator("#daform button[type=submit]").first.click()
    expect(page.locator("#daMainQuestion")).to_have_text("هذا الرابط لا يعمل")
    _droite_a_gauche(page, "lien invalide")
    page.goto(serveur.interview_url("rdv_rappels.yml", jeton="x" * 43, lang="ar<script>"))
    expect(page.locator("#daMainQuestion")).to_have_text("Arrêter les rappels par courriel ?")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
