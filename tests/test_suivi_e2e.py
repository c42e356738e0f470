"""Issue 11, points 4 and 6, on the real server (PostgreSQL, gunicorn) in Chromium: the préfecture's
answer to a démarche as a choice (a written refusal stops the référé; « Corriger ma réponse »; the
free text only for « Une autre réponse »), and the staff's list « Dossiers en préparation » showing
the client who is still preparing, with what is missing and the contact, never the session key."""

from __future__ import annotations

import re
import secrets

import pytest

import fichiers
import parcours_navigateur as nav

pytestmark = pytest.mark.server

MARQUE = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
NOM = f"Suivi-{MARQUE}"


def test_refus_ecrit_puis_liste_en_preparation(serveur, navigateur, tmp_path):
    jeton = secrets.token_hex(4)
    cliente = serveur.create_user(f"suivi.{jeton}@example.org", "Motdepasse-123!")
    equipe = serveur.create_user(f"benevole.{jeton}@asso.example.org", "Motdepasse-123!",
                                 privileges=("user", "rdvrefere_personnel"))
    captures = [fichiers.png_capture(tmp_path / f"capture-{i}.png", size=(390, 844)) for i in (1, 2, 3)]
    lettre = fichiers.pdf(tmp_path / "lettre.pdf", pages=1)

    contexte = navigateur.new_context()
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        serveur.login(page, cliente)
        nav.identite(page, serveur, NOM, "Awa")
        nav.jusqua_tentatives(page)
        for numero, (date, capture) in enumerate(zip(("2026-10-05", "2026-10-14", "2026-10-21"), captures), 1):
            nav.tentative(page, numero, date, "09:30", capture, "aucun créneau")
            nav.question(page, "Avez-vous fait une autre tentative ?")
            nav.oui_non(page, numero < 3)
        nav.question(page, "Avez-vous écrit ou parlé à la préfecture pour demander un rendez-vous ?")
        nav.oui_non(page, True)
        nav.question(page, "Démarche n° 1")
        page.get_by_text("Lettre recommandée avec accusé de réception", exact=True).click()
        nav.champ(page, "Date").fill("2026-10-16")
        nav.champ(page, "Ce que vous avez demandé").fill("un rendez-vous")
        page.locator("input[type=file]").set_input_files(str(lettre))
        # the free text only for « Une autre réponse » (show if)
        libre = "Quelle réponse ? Écrivez ce que dit la préfecture"
        assert not nav.champ(page, libre).is_visible()
        page.get_by_text("La préfecture a refusé par écrit de me donner un rendez-vous", exact=True).click()
        nav.continuer(page)
        nav.question(page, "Ce référé ne convient plus à votre situation")
        texte = page.locator("#daquestion").inner_text().replace("’", "'")
        assert "démarche n° 1" in texte and "16 octobre 2026" in texte and "référé-suspension" in texte
        assert "3039" in texte and "point-justice" in texte
        # a wrong click: corrected, with a free-text answer this time
        bouton = page.locator("#daquestion a", has_text="Corriger ma réponse").first
        if not bouton.count():
            raise AssertionError(page.locator("#daquestion").inner_html())
        bouton.click()
        nav.question(page, "Démarche n° 1")
        page.get_by_text("Une autre réponse", exact=True).click()
        nav.champ(page, libre).fill("Réessayez plus tard")
        nav.continuer(page)
        nav.question(page, "Avez-vous fait une autre démarche ?")
        assert "Réessayez plus tard" in page.locator("#daquestion").inner_text()
    finally:
        contexte.close()

    contexte = navigateur.new_context()
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        serveur.login(page, equipe)
        page.goto(serveur.interview_url("staff.yml"))
        nav.question(page, "Dossiers transmis par les clients")
        liste = page.locator("table.rdv-preparation")
        ligne = liste.locator("tr", has_text=NOM.upper()).first
        ligne.wait_for()
        contenu = ligne.inner_text().replace("’", "'")
        assert f"Awa {NOM.upper()}" in contenu and "93 — Seine-Saint-Denis" in contenu
        assert "aujourd'hui" in contenu and f"suivi.{jeton}@example.org" in contenu and "0612345678" in contenu
        assert "ne revient plus" not in contenu
        assert re.search(r"rien ne manque au plan|Pour une|tentative", contenu)
    finally:
        contexte.close()
