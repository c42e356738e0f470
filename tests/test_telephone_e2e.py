"""Issue 10 on the real server, in Chromium, on a phone: the account pages speak French, every
upload field takes the formats the engine converts (a Word file, an iPhone photo whose type the
browser does not know), a bad file is refused with the engine's French message naming the file
and the pièce (never docassemble's English with a server path), tables become cards with no word
cut in two, and axe-core finds no serious or critical violation on any screen."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

import accessibilite
import fichiers
import parcours_navigateur as nav

pytestmark = pytest.mark.server

TELEPHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2, "locale": "fr-FR", "timezone_id": "Europe/Paris"}
# What docassemble, Flask-User or Pillow say in English on these pages when a word is missing
ANGLAIS = re.compile(r"\b(Sign in|Register|Forgot|Password|Email does|Retype|Resume an interview|Started|"
                     r"Skip to main|Close|Interview Progress|Retry|There was an error|does not exist|is required|"
                     r"cannot identify|image file|decompression|bomb|Error|Traceback|Please)\b")


@pytest.fixture
def telephone(navigateur, request):
    """A phone-sized page with its own cookies; axe-core runs on every screen the walk sees."""
    contexte = navigateur.new_context(**TELEPHONE)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    accessibilite.axe_disponible()
    nav.A_CHAQUE_ECRAN.append(accessibilite.verifier)
    try:
        yield page
    finally:
        nav.A_CHAQUE_ECRAN.remove(accessibilite.verifier)
        rapport = getattr(request.node, "rep_call", None)
        if rapport is not None and rapport.failed:
            from server import REPO  # noqa: PLC0415
            (REPO / "out" / "screenshots").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(REPO / "out" / "screenshots" / f"{request.node.name}.png"), full_page=True)
        contexte.close()


def _texte_visible(page) -> str:
    """What a sighted client reads, plus what a screen reader says (aria-label, alt, title)."""
    return page.evaluate("""() => document.body.innerText + '\\n' + [...document.querySelectorAll(
        '[aria-label],[alt],[title],[placeholder]')].map(e => [e.getAttribute('aria-label'), e.getAttribute('alt'),
        e.getAttribute('title'), e.getAttribute('placeholder')].filter(Boolean).join(' ')).join('\\n')""")


def _francais(page, ecran: str, *attendus: str) -> None:
    texte = _texte_visible(page)
    anglais = ANGLAIS.findall(texte)
    assert not anglais, f"{ecran}: English on the page: {anglais}\n{texte[:1500]}"
    for attendu in attendus:
        assert attendu in texte, f"{ecran}: « {attendu} » missing\n{texte[:1500]}"
    accessibilite.verifier(page, ecran)


def test_account_pages_speak_french_to_screen_readers_too(serveur, telephone):
    page = telephone
    page.goto(serveur.url + "/user/sign-in")
    _francais(page, "connexion", "Se connecter", "Adresse électronique", "Mot de passe oublié ?",
              "Aller au contenu principal")
    page.locator("#email").fill("personne@example.org")
    page.locator("#password").fill("Pas-le-bon-1")
    page.locator("button[name=submit]").click()
    page.wait_for_load_state()
    _francais(page, "connexion refusée", "Adresse électronique ou mot de passe incorrect.")

    page.goto(serveur.url + "/user/register")
    page.locator("button[type=submit], input[type=submit]").first.click()
    expect(page.get_by_text("Choisissez un mot de passe.")).to_be_visible()
    _francais(page, "inscription vide", "Créer un compte", "Confirmez le mot de passe", "Vous avez déjà un compte ?")

    page.goto(serveur.url + "/user/forgot-password")
    page.locator("#email").fill(f"inconnu-{secrets.token_hex(3)}@example.org")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()
    _francais(page, "mot de passe oublié", "Recevoir un lien pour changer de mot de passe",
              "Aucun compte n'existe avec cette adresse électronique.")

    cliente = serveur.create_user(email=f"fatou.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
    serveur.login(page, cliente)
    page.goto(serveur.interview_url("rdvrefere.yml"))
    page.locator("#daMainQuestion").wait_for()
    _francais(page, "premier écran", "Aller au contenu principal")
    assert page.locator(".progress[role=progressbar]").get_attribute("aria-label") == "Progression"
    page.goto(serveur.url + "/interviews")
    _francais(page, "liste des dossiers", "Mes dossiers", "Reprendre", "Commencé le", "Commencer un nouveau dossier")
    assert "\\u00" not in page.locator("body").inner_text()  # no escaped accents shown
    page.goto(serveur.url + "/user/profile")
    _francais(page, "profil", "Mon profil", "Enregistrer")
    page.goto(serveur.url + "/user/change-password")
    _francais(page, "changer de mot de passe", "Mot de passe actuel", "Confirmez le nouveau mot de passe")


def _refuse(page, fichier, nom: str, *, nom_envoye: str | None = None, numero: int = 1, date: str = "2026-10-05"):
    """Send `fichier` as the capture of attempt n° `numero` and return the refusal shown on the field."""
    nav.tentative(page, numero, date, "09:02", fichier, "Aucun créneau disponible")
    erreur = page.locator("#daform .da-has-error:visible, #daform .invalid-feedback:visible, .alert-danger:visible").first
    erreur.wait_for()
    nav.question(page, f"Tentative n° {numero}")
    message = page.locator("#daform").inner_text()
    assert f"« {nom_envoye or nom} »" in message, message
    assert f"capture d'écran de la tentative n° {numero}" in message.replace("’", "'"), message
    assert not re.search(r"/(var|tmp|usr|work|root)/|file\.jpg|datemp", message), message
    anglais = ANGLAIS.findall(message)
    assert not anglais, f"English in the refusal of {nom}: {anglais}\n{message}"
    return message


def test_bad_files_refused_in_french_word_and_iphone_files_taken(serveur, telephone, tmp_path):
    faux_jpeg = fichiers.zip_archive(tmp_path / "capture-5-oct.jpg")             # a ZIP named .jpg
    bombe = fichiers.png_entete_geante(tmp_path / "capture-geante.png", size=(30_000, 30_000))  # 900 Mpx
    entiere = fichiers.jpeg_photo(tmp_path / "entiere.jpg", size=(1600, 1200), quality=85)
    tronquee = fichiers.truncated(entiere, tmp_path / "capture-coupee.jpg", fraction=0.6)
    courrier = fichiers.docx(tmp_path / "releve-des-tentatives.docx", text="Relevé des tentatives\nAucun créneau")
    photo = fichiers.heic_photo(tmp_path / "IMG_0042.HEIC", size=(800, 600))

    cliente = serveur.create_user(email=f"mariam.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")
    serveur.login(telephone, cliente)
    page = telephone
    nav.identite(page, serveur, "Keita", "Mariam")
    nav.jusqua_tentatives(page)
    nav.question(page, "Tentative n° 1")

    # every upload field offers the browser every format the engine converts, and says them
    champ = page.locator("input[type=file]")
    accepte = champ.get_attribute("accept").split(",")
    for format_ in (".pdf", ".jpg", ".png", ".heic", ".webp", ".tif", ".docx", ".doc", ".odt", ".rtf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
        assert format_ in accepte, (format_, accepte)
    assert "Formats acceptés : PDF, photo ou capture d'écran (JPEG, HEIC" in page.locator("#daquestion").inner_text().replace("’", "'")

    _refuse(page, faux_jpeg, "capture-5-oct.jpg")
    _refuse(page, bombe, "capture-geante.png")
    _refuse(page, tronquee, "capture-coupee.jpg")

    # a Word file and an iPhone photo the browser has no type for: both taken, converted, kept
    page.locator("input[type=file]").set_input_files([
        {"name": courrier.name, "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "buffer": courrier.read_bytes()},
        {"name": photo.name, "mimeType": "", "buffer": photo.read_bytes()},
    ])
    nav.continuer(page)
    nav.question(page, "Avez-vous fait une autre tentative ?")

    # the attempts' table is a stack of cards on the phone, and no word is cut in two
    tableau = page.locator("#daquestion table").first
    expect(tableau).to_be_visible()
    assert tableau.locator("tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
    coupes = page.evaluate("""() => {
        const coupes = [];
        for (const cellule of document.querySelectorAll('#daquestion table td')) {
            const w = document.createTreeWalker(cellule, NodeFilter.SHOW_TEXT);
            let n;
            while ((n = w.nextNode())) {
                const re = /\\S+/g; let m;
                while ((m = re.exec(n.textContent))) {
                    const r = document.createRange();
                    r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
                    const lignes = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
                    if (lignes.size > 1) coupes.push(m[0]);
                }
            }
        }
        return coupes;
    }""")
    assert coupes == [], f"words cut in two in the table: {coupes}"
    assert page.evaluate("document.documentElement.scrollWidth") <= TELEPHONE["viewport"]["width"]

    # attempt n° 2: a PDF locked by a password and an empty file refused by name; then a scan of
    # 19.5 Mo (a TIFF as a scanner writes it), under the portal's limit, sent and taken (issue 10, point 4)
    nav.oui_non(page, True)
    _refuse(page, fichiers.pdf_password(tmp_path / "releve-protege.pdf"), "releve-protege.pdf", numero=2,
            date="2026-10-14")
    _refuse(page, fichiers.empty(tmp_path / "capture-vide.png"), "capture-vide.png", numero=2, date="2026-10-14")
    scan = fichiers.tiff_scan(tmp_path / "scan-tentative.tif", octets=19_500_000)
    assert scan.stat().st_size >= 19_000_000
    nav.tentative(page, 2, "2026-10-14", "10:00", scan, "Aucun créneau disponible")
    nav.question(page, "Avez-vous fait une autre tentative ?")
    assert "Tentative n° 2" not in page.locator("#daMainQuestion").inner_text()
