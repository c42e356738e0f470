"""The journey plan on the client's screen and the letters offered (issue 11 points 1 and 4),
headless (tests/daharness.py): « Où en êtes-vous ? » after the eligibility questions, again when
the client comes back another day, from the menu; the registered letter offered as a real DOCX
(and PDF) with the client's name, the e-mail and the ANEF texts shown literally."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from docassemble.rdvrefere.plan import plan
from test_interview import Parcours, session

PLAN = "Où en êtes-vous ?"
REVUE = "Vérifiez votre dossier"


def test_le_plan_apres_l_eligibilite_montre_la_fenetre_du_prochain_essai(tmp_path):
    s = session()
    parcours = Parcours(tmp_path)
    parcours.jusqua(s, PLAN)
    assert parcours.vus[-1] == "Est-ce que l'une de ces situations vous concerne ?"
    attendu = plan(aujourd_hui=dt.date.today())
    texte = s.subquestion_text
    assert f"Tentative de la semaine 1** : {attendu.etape('tentative_1').quand}" in texte
    assert f"Tentative de la semaine 2** : {attendu.etape('tentative_2').quand}" in texte
    assert "Dépôt au tribunal possible à partir du" in texte
    assert "Voir les courriers à envoyer" in texte       # the e-mail is still to send
    s.answer()
    assert s.question_text == "Que demandez-vous à la préfecture ?", s.screen()
    # the same day: not again; another day (the client comes back): once more, then on
    assert s.eval("plan_a_montrer(client)") is False
    s.run("client.plan_vu_le = '2000-01-01'")
    assert s.next().question_text == PLAN
    s.answer()
    assert s.question_text == "Que demandez-vous à la préfecture ?"
    # and from the menu, on every screen
    assert "Où en êtes-vous ?" in [item["label"] for item in s.eval("menu_items")]
    assert s.next(action="plan_du_parcours").question_text == PLAN


def test_les_courriers_proposes_et_la_lettre_recommandee_en_docx(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, demarches=[])
    parcours.jusqua(s, REVUE)
    s.next(action="plan_du_parcours")
    assert s.question_text == PLAN
    texte = s.subquestion_text
    assert "Tentative de la semaine 3** : fait le 21 octobre 2026" in texte
    assert "Lettre recommandée avec accusé de réception** : à faire" in texte
    assert s.eval("courriers_a_proposer(client)") == ["courriel", "lrar"]

    s.next(action="courriers_prefecture")
    assert s.question_text == "Vos courriers à la préfecture", s.screen()
    texte = s.subquestion_text
    assert "Le courriel à la préfecture" in texte and "**Objet :** <span lang=\"fr\" dir=\"ltr\">Demande de rendez" in texte
    assert "Madame, Monsieur," in texte
    assert "Lettre recommandée \\(Word" in texte and "Lettre recommandée \\(PDF" in texte   # Markdown-escaped
    assert s.eval("client.lrar_docx.url_for(attachment=True)") in texte
    chemin = Path(s.eval("client.lrar_docx.path()"))
    lettre = "\n".join(p.text for p in docx.Document(chemin).paragraphs)
    assert "Awa DIALLO" in lettre and "recommandée" in lettre.lower()
    assert Path(s.eval("client.lrar_pdf.path()")).read_bytes()[:5] == b"%PDF-"
    # shown again: not rebuilt (same values, same day)
    empreinte = s.eval("client.lrar_empreinte")
    s.next(action="courriers_prefecture")
    assert s.eval("client.lrar_empreinte") == empreinte


def test_anef_le_message_et_la_liste_de_l_accueil_numerique(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, **{"client.type_blocage": "anef", "demarches": [],
                                     "constat": "<b>erreur</b> ${ 1+1 } [FILE docassemble.rdvrefere:rdvrefere.css] [BR]"})
    parcours.jusqua(s, REVUE)
    assert s.eval("courriers_a_proposer(client)") == ["courriel", "lrar", "contact_anef", "accueil_numerique"]
    s.next(action="courriers_prefecture")
    texte = s.subquestion_text
    assert "centre de contact de l'ANEF" in texte and "point d'accueil numérique" in texte
    assert "ticket" in texte
    assert "<b>" not in texte and "&lt;b&gt;" in texte   # the client's words, literally
    # the French texts to copy are HTML blocks marked lang="fr": docassemble's markup (which it reads
    # even inside HTML) and Markdown stay text, and the page shows them literally
    assert '<div class="rdv-a-copier" lang="fr" dir="ltr">' in texte
    rendu = s.eval(f"__import__('docassemble.base.filter.html', fromlist=['x']).markdown_to_html({texte!r})")
    assert "<b>" not in rendu and "&lt;b&gt;erreur&lt;/b&gt; ${ 1+1 } &#91;FILE" in rendu
    assert "rdvrefere.css\"" not in rendu and "<img" not in rendu and rendu.count("<br") >= texte.count("<br>")
