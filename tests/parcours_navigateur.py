"""Driving the client interview in Chromium, shared by the browser tests and the benchmark.
Call these through the module (``nav.continuer(page)``) so the benchmark can time them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from server import expect_question

CONTINUER = re.compile(r"^(Continuez|Continuer|Je comprends, continuer|Préparer mon dossier)$")


# Checks run on every screen once `question` has seen it, each called as f(page, texte): the
# browser tests add axe-core (tests/accessibilite.py); the benchmark adds nothing.
A_CHAQUE_ECRAN: list = []


# The screens that reload themselves while the background converts the uploads (before the
# review) or builds the bundle: a walk waits through them up to two minutes.
ATTENTES = ("Votre dossier se prépare", "Nous vérifions vos fichiers")


def question(page, texte):
    """Wait for the screen whose title holds `texte` (docassemble prints apostrophes as ’);
    through a waiting screen that reloads itself, up to two minutes."""
    attendu = texte.replace("'", "’") if isinstance(texte, str) else texte
    titre = page.locator("#daMainQuestion")
    if not any(a in (texte if isinstance(texte, str) else texte.pattern) for a in ATTENTES):
        expect(titre).to_contain_text(re.compile("|".join([re.escape(a) for a in ATTENTES]
                                                          + [re.escape(attendu) if isinstance(attendu, str)
                                                             else attendu.pattern])), timeout=30_000)
        if any(a in titre.inner_text() for a in ATTENTES):
            expect_question(page, attendu, timeout=120_000)
    expect_question(page, attendu)
    for verification in A_CHAQUE_ECRAN:
        verification(page, texte if isinstance(texte, str) else texte.pattern)


def continuer(page):
    page.wait_for_load_state("networkidle")
    page.locator("#daform button[type=submit]").filter(has_text=CONTINUER).first.click()


def oui_non(page, oui: bool):
    page.get_by_role("button", name="Oui" if oui else "Non", exact=True).click()


def champ(page, libelle):
    """A field by its label."""
    return page.get_by_label(libelle.replace("'", "’"), exact=True)


def remplir(page, libelle, valeur):
    """Fill a field once the screen is settled, and check what it holds before submitting."""
    page.wait_for_load_state("networkidle")
    cible = champ(page, libelle)
    for _ in range(3):
        cible.fill(valeur)
        try:
            expect(cible).to_have_value(valeur, timeout=3000)
            return
        except AssertionError:
            continue
    expect(cible).to_have_value(valeur)


def choisir(page, libelle):
    page.get_by_text(libelle.replace("'", "’"), exact=True).click()
    continuer(page)


def identite(page, serveur, nom: str, prenoms: str):
    """From a new session to the identity screen answered (département 93, renewal, a woman)."""
    page.goto(serveur.interview_url("rdvrefere.yml"))
    question(page, "Bienvenue")  # acknowledged before any question (issue 14 point 2)
    page.wait_for_load_state("networkidle")
    page.locator("#daform button[type=submit]").filter(has_text="ai compris, commencer").first.click()
    question(page, "Où habitez-vous ?")
    page.locator("select").select_option("93")
    continuer(page)
    question(page, "Avez-vous reçu une décision de la préfecture ?")
    oui_non(page, False)
    question(page, "Est-ce que l'une de ces situations vous concerne ?")
    page.get_by_text("Aucune de ces situations", exact=True).click()
    continuer(page)
    question(page, "Où en êtes-vous ?")  # the journey plan (issue 11 point 1), one screen
    continuer(page)
    question(page, "Que demandez-vous à la préfecture ?")
    choisir(page, "Le renouvellement de mon titre de séjour")
    question(page, "Qui êtes-vous ?")
    champ(page, "Nom de famille").fill(nom)
    champ(page, "Prénom(s)").fill(prenoms)
    page.get_by_text("Une femme", exact=True).click()
    continuer(page)


def jusqua_tentatives(page):
    """From the birth screen to the first attempt (no slot, Seine-Saint-Denis's site)."""
    question(page, "Votre naissance et votre nationalité")
    champ(page, "Date de naissance").fill("1990-04-12")
    champ(page, "Lieu de naissance (ville et pays)").fill("Bamako (Mali)")
    champ(page, "Nationalité").fill("malienne")
    continuer(page)
    question(page, "Où le tribunal peut-il vous joindre ?")
    champ(page, "Adresse complète (rue, code postal, ville)").fill("12 rue des Lilas, 93100 Montreuil")
    champ(page, "Téléphone").fill("0612345678")
    champ(page, "Adresse électronique").fill("awa@example.org")
    continuer(page)
    question(page, "Quel titre de séjour demandez-vous ?")
    page.locator("input.dacombobox, input[role=combobox]").first.fill("carte de séjour temporaire « salarié »")
    champ(page, "Date d'expiration de votre titre actuel").fill("2026-12-15")
    continuer(page)
    question(page, "Qu'est-ce qui vous empêche d'avoir un rendez-vous ?")
    choisir(page, "Le site ne propose jamais de créneau libre")
    question(page, "Votre titre se demande-t-il sur le site de l'ANEF ?")
    page.get_by_role("button", name="Non, il faut un rendez-vous à la préfecture").click()
    question(page, "Sur quel site avez-vous essayé ?")
    assert "Seine-Saint-Denis" in champ(page, "Nom ou adresse du site").input_value()
    continuer(page)
    question(page, "Vos essais pour avoir un rendez-vous")
    continuer(page)


def tentative(page, numero, date, heure, fichier, constat):
    """Answer the screen of attempt n° `numero` with one screenshot."""
    question(page, f"Tentative n° {numero}")
    champ(page, "Date de la tentative").fill(date)
    champ(page, "Heure").fill(heure)
    champ(page, "Ce que le site affichait").fill(constat)
    page.locator("input[type=file]").set_input_files(str(fichier))
    continuer(page)


def de_la_demarche_a_l_aide(page, *, lettre, piece_identite, autre_piece=None, aide: bool):
    """From « Avez-vous écrit… » to « Ce que vous demandez au juge »: one registered letter, no
    urgency, the identity pièce, optionally one other pièce (label, file), legal aid or not."""
    question(page, "Avez-vous écrit ou parlé à la préfecture pour demander un rendez-vous ?")
    oui_non(page, True)
    question(page, "Démarche n° 1")
    page.get_by_text("Lettre recommandée avec accusé de réception", exact=True).click()
    champ(page, "Date").fill("2026-10-16")
    champ(page, "Ce que vous avez demandé").fill("un rendez-vous pour le renouvellement")
    page.locator("input[type=file]").set_input_files(str(lettre))
    continuer(page)
    question(page, "Avez-vous fait une autre démarche ?")
    oui_non(page, False)
    question(page, "Pourquoi est-ce urgent pour vous ?")
    oui_non(page, False)
    question(page, "Votre pièce d'identité")
    page.locator("input[type=file]").set_input_files(str(piece_identite))
    continuer(page)
    question(page, "Votre titre de séjour actuel")
    continuer(page)
    question(page, "Un justificatif de domicile")
    continuer(page)
    question(page, "Avez-vous d'autres pièces à joindre ?")
    oui_non(page, autre_piece is not None)
    if autre_piece is not None:
        libelle, fichier = autre_piece
        question(page, "Pièce supplémentaire n° 1")
        champ(page, "Nom de la pièce (ce que le juge lira)").fill(libelle)
        page.locator("input[type=file]").set_input_files(str(fichier))
        continuer(page)
        question(page, "Voulez-vous ajouter une autre pièce ?")
        oui_non(page, False)
    question(page, "Demandez-vous l'aide juridictionnelle ?")
    oui_non(page, aide)
    question(page, "Ce que vous demandez au juge")
