"""Issue 11 on the real server, in Chromium, on a phone: a client who arrives with one attempt
comes back twice, each time in a fresh browser, signs in, opens the interview's plain address,
adds the week's attempt from where the dossier was left, sees the count and the check move, and
ends with a fileable dossier sent to the team.

The server's clock is the real one: the three visits happen on the same day, with attempts
dated in the past weeks as a diary would hold them (the plan's dates for each week are tested
with an injected date in tests/test_plan.py and tests/test_parcours_plan.py)."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

import pytest

import fichiers
import parcours_navigateur as nav
from server import expect_question

pytestmark = pytest.mark.server

CLIENT_YML = "docassemble.rdvrefere:data/questions/rdvrefere.yml"
TELEPHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2, "locale": "fr-FR", "timezone_id": "Europe/Paris"}
SEMAINES = (("2026-10-05", "09:02"), ("2026-10-14", "18:40"), ("2026-10-21", "07:55"))


def _visite(navigateur, serveur, cliente):
    """A fresh phone browser, signed in, on the interview's plain address (as a bookmark)."""
    contexte = navigateur.new_context(**TELEPHONE)
    contexte.set_default_timeout(30_000)
    page = contexte.new_page()
    serveur.login(page, cliente)
    page.goto(f"{serveur.url}/interview?{urlencode({'i': CLIENT_YML})}")
    page.locator("#daMainQuestion").wait_for()
    return contexte, page


def _ajouter_la_tentative_de_la_semaine(page, numero: int, capture):
    """From the review: « Tentatives » → « Ajouter une tentative » → the attempt → back."""
    nav.question(page, "Vérifiez votre dossier")
    page.locator(".da-review").filter(has_text="Tentatives :").locator("a.da-review-action").first.click()
    nav.question(page, "Vos tentatives")
    page.get_by_role("link", name="Ajouter une tentative").click()
    date, heure = SEMAINES[numero - 1]
    nav.tentative(page, numero, date, heure, capture, "Aucun créneau disponible")
    if "Avez-vous fait une autre tentative" in page.locator("#daMainQuestion").inner_text():
        nav.oui_non(page, False)
    nav.question(page, "Vos tentatives")
    nav.continuer(page)


def _points_a_regarder(page) -> str:
    nav.question(page, "Vérifiez votre dossier")
    return page.locator("#daform").inner_text()


def test_a_client_comes_back_each_week_and_ends_with_a_fileable_dossier(serveur, navigateur, tmp_path):
    captures = [fichiers.png_capture(tmp_path / f"capture-semaine-{n}.png", size=(390, 844)) for n in (1, 2, 3)]
    lettre = fichiers.pdf(tmp_path / "lettre-recommandee.pdf", pages=1)
    passeport = fichiers.pdf(tmp_path / "passeport.pdf", pages=1)
    cliente = serveur.create_user(email=f"binta.{secrets.token_hex(4)}@example.org", password="Motdepasse-123!")

    # week 1: the whole interview with the one attempt there is; the review says it blocks
    contexte, page = _visite(navigateur, serveur, cliente)
    try:
        nav.identite(page, serveur, f"Sow-{secrets.token_hex(2)}", "Binta")
        nav.jusqua_tentatives(page)
        nav.tentative(page, 1, *SEMAINES[0], captures[0], "Aucun créneau disponible")
        nav.question(page, "Avez-vous fait une autre tentative ?")
        assert "1 tentative pour l'instant" in page.locator("#daquestion").inner_text().replace("’", "'")
        nav.oui_non(page, False)
        nav.de_la_demarche_a_l_aide(page, lettre=lettre, piece_identite=passeport, aide=False)
        nav.continuer(page)
        texte = _points_a_regarder(page)
        assert "Bloquant" in texte and "semaines différentes" in texte, texte
    finally:
        contexte.close()

    # week 2: back where the dossier was left; the second attempt moves the count, still short
    contexte, page = _visite(navigateur, serveur, cliente)
    try:
        _ajouter_la_tentative_de_la_semaine(page, 2, captures[1])
        texte = _points_a_regarder(page)
        assert "2 tentatives sur 10 jours, au cours de 2 semaines différentes" in texte, texte
        assert "Bloquant — Tentatives" not in texte and "Conseil" in texte, texte
    finally:
        contexte.close()

    # week 3: the third attempt; nothing left to fix, the dossier goes to the team
    contexte, page = _visite(navigateur, serveur, cliente)
    try:
        _ajouter_la_tentative_de_la_semaine(page, 3, captures[2])
        texte = _points_a_regarder(page)
        assert "3 tentatives sur 17 jours, au cours de 3 semaines différentes" in texte, texte
        assert "Bloquant" not in texte, texte
        nav.continuer(page)
        expect_question(page, re.compile("Votre dossier (se prépare|est en relecture)"))
        expect_question(page, "Votre dossier est en relecture", timeout=120_000)
    finally:
        contexte.close()
