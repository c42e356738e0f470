"""Issue 10 point 8 on the real server, in Chromium: after a refusal, the first tap on « Continuer »
sends the form.  The refusal's line under the field (the engine's French message on an upload
field, or docassemble's own « required » line) disappears when the field is checked again on
focusout, which happens on the tap's pointerdown: without static/rdvrefere.js keeping the line's
room until the next submit, the button jumped up between mousedown and mouseup and the click
landed on nothing.  Five refusals in a row, on a phone (touch) and on a computer (mouse): each
time the button does not move by a pixel and the tap at the place where the client saw it sends
the form the first time."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

import fichiers
import parcours_navigateur as nav

pytestmark = pytest.mark.server

APPAREILS = {
    "telephone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                  "device_scale_factor": 2, "locale": "fr-FR", "timezone_id": "Europe/Paris"},
    "ordinateur": {"viewport": {"width": 1280, "height": 900}, "locale": "fr-FR", "timezone_id": "Europe/Paris"},
}
ESSAIS = 5
DATES = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
CONSTAT = "Aucun créneau disponible"
ANGLAIS = ("This field", "required", "Please", "valid", "Error")

# What the finger's tap does to the button, seen from the page: where « Continuer » is when the
# finger goes down (pointerdown), where it is when it comes up (mouseup, after the focusout that
# checked the field again), and what the click landed on.
ESPION = """() => {
    const y = () => { const b = document.getElementById('da-continue-button');
                      return b ? b.getBoundingClientRect().y : null; };
    window.__rdvSansSaut = {};
    for (const type of ['pointerdown', 'mousedown', 'mouseup', 'click']) {
        document.addEventListener(type, e => {
            window.__rdvSansSaut[type] = {y: y(), scrollY: window.scrollY, cible: e.target.id || e.target.tagName};
        }, {capture: true, once: true});
    }
}"""


def _immobile(page):
    """Wait until the page stops moving (docassemble animates the scroll to a refused field)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__rdvImmobile = null")
    page.wait_for_function("""() => {
        const b = document.getElementById('da-continue-button');
        const etat = [window.scrollY, b ? b.getBoundingClientRect().y : null].join();
        const s = window.__rdvImmobile || (window.__rdvImmobile = {etat: null, depuis: 0});
        if (s.etat !== etat) { s.etat = etat; s.depuis = performance.now(); return false; }
        return performance.now() - s.depuis > 400;
    }""", polling=100)


def _bouton(page):
    bouton = page.locator("#daform button[type=submit]").filter(has_text=nav.CONTINUER).first
    assert bouton.get_attribute("id") == "da-continue-button"
    return bouton


def _refus(page, numero, mauvais):
    """The engine refuses the ZIP named .pdf, in French, on the field, naming the file."""
    nav.tentative(page, numero, DATES[numero - 1], "09:02", mauvais, CONSTAT)
    erreur = page.locator("#daform .da-has-error:visible, #daform .invalid-feedback:visible").first
    erreur.wait_for()
    nav.question(page, f"Tentative n° {numero}")
    texte = erreur.inner_text()
    assert f"« {mauvais.name} »" in texte, texte
    assert "archive ZIP" in texte, texte


def _requis(page):
    """docassemble's own check still speaks (in French): « Heure » emptied, « Continuer »."""
    nav.champ(page, "Heure").fill("")
    nav.continuer(page)
    erreur = page.locator("#daform .da-has-error:visible, #daform .invalid-feedback:visible").first
    erreur.wait_for()
    texte = erreur.inner_text().strip()
    assert texte, "the required line is empty"
    assert not any(mot in texte for mot in ANGLAIS), f"English in docassemble's required line: {texte}"
    assert nav.champ(page, "Heure").evaluate("e => e.getAttribute('aria-invalid')") == "true"
    # a submit refused in the browser gives back any room kept for lines already gone
    _immobile(page)
    _bouton(page).click()
    expect(erreur).to_be_visible()
    expect(page.locator("[data-rdvrefere-place-gardee]")).to_have_count(0)
    return texte


def _toucher(page, ecran, bon, *, tactile: bool, flou: bool, hauteur: int, avant_le_fichier=None):
    """What a finger does: the button is where the client sees it; they fix the field (a good
    file from the picker), optionally leave the field, then tap « Continuer » where they saw it."""
    champ = page.locator("#daform input[type=file]")
    bouton = _bouton(page)
    # the client scrolls down just far enough to see the button (the page is not at its very
    # bottom on a phone, so a shorter page moves the button instead of the scroll position)
    _immobile(page)
    bouton.evaluate("e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
    _immobile(page)
    avant = bouton.bounding_box()
    assert avant and 0 <= avant["y"] and avant["y"] + avant["height"] <= hauteur, (
        ecran, avant, page.evaluate("[innerHeight, scrollY, document.documentElement.scrollHeight, visualViewport.height]"))
    boite_champ = champ.bounding_box()
    assert boite_champ and 0 <= boite_champ["y"] and boite_champ["y"] + boite_champ["height"] <= hauteur, (ecran, boite_champ)
    if avant_le_fichier:
        avant_le_fichier()
    with page.expect_file_chooser() as choix:
        if tactile:
            champ.tap()
        else:
            champ.click()
    choix.value.set_files(str(bon))
    expect(champ).to_be_focused()
    if flou:
        champ.evaluate("e => e.blur()")
        apres = bouton.bounding_box()
        assert abs(apres["y"] - avant["y"]) <= 1, f"{ecran}: « Continuer » moved when the field lost focus: {avant} -> {apres}"
        champ.focus()  # the finger touched the field last
    page.evaluate(ESPION)
    x, y = avant["x"] + avant["width"] / 2, avant["y"] + avant["height"] / 2
    if tactile:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    espion = page.evaluate("window.__rdvSansSaut")
    assert "mouseup" in espion, espion
    assert abs(espion["mouseup"]["y"] - avant["y"]) <= 1, f"{ecran}: « Continuer » moved under the finger: {avant['y']} -> {espion}"
    assert espion.get("click", {}).get("cible") == "da-continue-button", f"{ecran}: the tap landed on nothing: {espion}"


@pytest.mark.parametrize("appareil", list(APPAREILS))
def test_first_tap_on_continuer_after_a_refusal_sends_the_form(serveur, navigateur, tmp_path, appareil):
    contexte = navigateur.new_context(**APPAREILS[appareil])
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    tactile = appareil == "telephone"
    hauteur = APPAREILS[appareil]["viewport"]["height"]
    try:
        cliente = serveur.create_user(email=f"saut.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
        serveur.login(page, cliente)
        nav.identite(page, serveur, "Traoré", "Aminata")
        nav.jusqua_tentatives(page)
        for numero in range(1, ESSAIS + 1):
            mauvais = fichiers.zip_archive(tmp_path / f"capture-{numero}.pdf")  # a ZIP named .pdf
            bon = fichiers.pdf(tmp_path / f"capture-tentative-{numero}.pdf", pages=1)
            _refus(page, numero, mauvais)
            avant_le_fichier = None
            if numero == 3:  # a refusal by docassemble's own check, in the browser, on top
                _requis(page)
                avant_le_fichier = lambda: nav.champ(page, "Heure").fill("09:02")  # noqa: E731
            _toucher(page, f"Tentative n° {numero}", bon, tactile=tactile, flou=numero % 2 == 1, hauteur=hauteur,
                     avant_le_fichier=avant_le_fichier)
            nav.question(page, "Avez-vous fait une autre tentative ?")
            assert f"{numero} tentative" in page.locator("#daquestion").inner_text()
            nav.oui_non(page, numero < ESSAIS)

        # a shorter screen (nothing to scroll on a phone either): the identity pièce
        nav.question(page, "Avez-vous écrit ou parlé à la préfecture pour demander un rendez-vous ?")
        nav.oui_non(page, True)
        nav.question(page, "Démarche n° 1")
        page.get_by_text("Lettre recommandée avec accusé de réception", exact=True).click()
        nav.champ(page, "Date").fill("2026-10-16")
        nav.champ(page, "Ce que vous avez demandé").fill("un rendez-vous pour le renouvellement")
        reponse = page.get_by_text("Pas encore de réponse", exact=True)
        if reponse.count():  # issue 11 point 4
            reponse.click()
        page.locator("input[type=file]").set_input_files(str(fichiers.pdf(tmp_path / "lettre.pdf", pages=1)))
        nav.continuer(page)
        nav.question(page, "Avez-vous fait une autre démarche ?")
        nav.oui_non(page, False)
        nav.question(page, "Pourquoi est-ce urgent pour vous ?")
        nav.oui_non(page, False)
        nav.question(page, "Votre pièce d'identité")
        mauvais = fichiers.zip_archive(tmp_path / "passeport.pdf")
        page.locator("input[type=file]").set_input_files(str(mauvais))
        nav.continuer(page)
        erreur = page.locator("#daform .da-has-error:visible, #daform .invalid-feedback:visible").first
        erreur.wait_for()
        nav.question(page, "Votre pièce d'identité")
        assert "« passeport.pdf »" in erreur.inner_text() and "archive ZIP" in erreur.inner_text(), erreur.inner_text()
        photo = fichiers.jpeg_photo(tmp_path / "passeport.jpg", size=(1200, 900))
        _toucher(page, "Votre pièce d'identité", photo, tactile=tactile, flou=False, hauteur=hauteur)
        nav.question(page, "Votre titre de séjour actuel")
    finally:
        contexte.close()
