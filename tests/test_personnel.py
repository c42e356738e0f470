"""Engine tests of the staff's rules (personnel.py) and of the staff labels in numeroter()."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import zipfile

import pytest
from docx import Document

from docassemble.rdvrefere.bundle import NOM_ZIP, construire
from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import numeroter
from docassemble.rdvrefere.personnel import (APPROUVE, DEPOSE, EN_COURS, PRET_A_RELIRE, STATUTS, ActionRefusee,
                                              entree_du_journal, filtrer, lignes_du_journal, message_pour_le_client,
                                              normaliser_numero_affaire, plier, remplacer_requete, resumer,
                                              statut_apres_modification, transition)

from dossiers import AUJOURD_HUI, donnees


# --- the list -----------------------------------------------------------------------------

def _resume(nom="Diallo", prenoms="Awa", statut=EN_COURS, quand=None, **autres):
    data = {"requerant": {"nom": nom, "prenoms": prenoms}, "departement": "93",
            "blocage": {"type": "aucun_creneau"},
            "tentatives": [{"date": "2026-10-05"}, {"date": "2026-10-07"}, {"date": dt.date(2026, 10, 14)}]}
    data.update(autres)
    return resumer(data, session=f"s{nom}", statut=statut, modifie_le=quand or dt.datetime(2026, 11, 1, 9, 0))


def test_resume_counts_attempts_and_distinct_weeks():
    r = _resume()
    assert (r.nom, r.tentatives, r.semaines) == ("Awa DIALLO", 3, 2)
    assert r.departement == "93 — Seine-Saint-Denis"
    assert r.blocage == "aucun créneau proposé"
    assert r.statut == EN_COURS


def test_resume_of_a_dossier_just_started():
    r = resumer({"requerant": {}, "tentatives": []}, session="x", statut="en cours")
    assert (r.nom, r.departement, r.blocage, r.tentatives, r.semaines) == ("(nom pas encore donné)", "—", "—", 0, 0)
    assert r.derniere_modification is None and r.derniere_modification_texte == "—"


def test_last_change_is_the_later_of_session_and_journal():
    journal = [entree_du_journal("marie@asso.fr", "Dossier approuvé", quand=dt.datetime(2026, 11, 3, 14, 5))]
    r = resumer({"requerant": {}}, session="x", statut=APPROUVE, journal=journal,
                modifie_le=dt.datetime(2026, 11, 2, 8, 0))
    assert r.derniere_modification == dt.datetime(2026, 11, 3, 14, 5)
    assert r.derniere_modification_texte == "3 novembre 2026 à 14 h 05"


def test_unknown_status_is_shown_as_en_cours():
    assert _resume(statut="bizarre").statut == EN_COURS


def test_search_ignores_accents_case_and_word_order():
    liste = [_resume("Hélène", "Zoé"), _resume("Diallo", "Awa"), _resume("Ndiaye", "Élodie Œuvre")]
    assert [r.nom for r in filtrer(liste, recherche="zoe HELENE")] == ["Zoé HÉLÈNE"]
    assert [r.nom for r in filtrer(liste, recherche="  élodie ")] == ["Élodie Œuvre NDIAYE"]
    assert [r.nom for r in filtrer(liste, recherche="oeuvre")] == ["Élodie Œuvre NDIAYE"]
    assert filtrer(liste, recherche="inconnu") == []
    assert plier("  ÉLODIE   Œuvre ") == "elodie oeuvre"


def test_filter_by_status_and_most_recent_first():
    liste = [_resume("A", statut=PRET_A_RELIRE, quand=dt.datetime(2026, 11, 1)),
             _resume("B", statut=APPROUVE, quand=dt.datetime(2026, 11, 5)),
             _resume("C", statut=PRET_A_RELIRE, quand=dt.datetime(2026, 11, 3))]
    assert [r.nom for r in filtrer(liste, statut=PRET_A_RELIRE)] == ["Awa C", "Awa A"]
    assert [r.nom for r in filtrer(liste, statut="tous")] == ["Awa B", "Awa C", "Awa A"]
    assert [r.nom for r in filtrer(liste)] == ["Awa B", "Awa C", "Awa A"]


# --- statuses -----------------------------------------------------------------------------

def test_statuses_are_the_interview_s():
    assert STATUTS == ("en cours", "prêt à relire", "approuvé", "déposé",
                       "ordonnance reçue", "exécution demandée", "exécutée", "rejetée")


def test_after_the_filing_the_ordonnance_then_its_execution():
    """Issue 12 point 5: déposé → ordonnance reçue → exécutée, exécution demandée (→ exécutée) or
    rejetée; nothing before the filing, no going back; a dossier after the filing stays frozen."""
    from docassemble.rdvrefere.personnel import (EXECUTEE, EXECUTION_DEMANDEE, ORDONNANCE_RECUE, REJETEE,
                                                 est_depose, message_pour_le_client, statut_apres_modification)
    assert transition(DEPOSE, ORDONNANCE_RECUE) == ORDONNANCE_RECUE
    for suite in (EXECUTEE, EXECUTION_DEMANDEE, REJETEE):
        assert transition(ORDONNANCE_RECUE, suite) == suite
    assert transition(EXECUTION_DEMANDEE, EXECUTEE) == EXECUTEE
    for actuel, nouveau in ((APPROUVE, ORDONNANCE_RECUE), (PRET_A_RELIRE, EXECUTEE), (DEPOSE, EXECUTEE),
                            (EXECUTEE, EXECUTION_DEMANDEE), (REJETEE, EXECUTEE), (EXECUTION_DEMANDEE, REJETEE)):
        with pytest.raises(ActionRefusee):
            transition(actuel, nouveau)
    with pytest.raises(ActionRefusee, match="déjà déposé"):
        transition(ORDONNANCE_RECUE, APPROUVE, depot_a_jour=True)
    for statut in (DEPOSE, ORDONNANCE_RECUE, EXECUTION_DEMANDEE, EXECUTEE, REJETEE):
        assert est_depose(statut)
        with pytest.raises(ActionRefusee, match="déposé au tribunal"):
            statut_apres_modification(statut)
    assert "a reçu l'ordonnance" in message_pour_le_client(ORDONNANCE_RECUE, "2612345", [])


def test_approve_only_a_reviewed_dossier_without_errors():
    assert transition(PRET_A_RELIRE, APPROUVE, depot_a_jour=True) == APPROUVE
    with pytest.raises(ActionRefusee, match="pas fini de répondre"):
        transition(EN_COURS, APPROUVE, depot_a_jour=True)
    with pytest.raises(ActionRefusee, match="erreurs bloquantes"):
        transition(PRET_A_RELIRE, APPROUVE, erreurs_bloquantes=1, depot_a_jour=True)
    with pytest.raises(ActionRefusee, match="Régénérez"):
        transition(PRET_A_RELIRE, APPROUVE, depot_a_jour=False)
    with pytest.raises(ActionRefusee, match="déjà approuvé"):
        transition(APPROUVE, APPROUVE, depot_a_jour=True)


def test_filed_needs_approval_and_a_case_number():
    assert transition(APPROUVE, DEPOSE, numero_affaire="2612345") == DEPOSE
    with pytest.raises(ActionRefusee, match="approuvé"):
        transition(PRET_A_RELIRE, DEPOSE, numero_affaire="2612345")
    with pytest.raises(ActionRefusee, match="numéro d'affaire"):
        transition(APPROUVE, DEPOSE, numero_affaire="")
    with pytest.raises(ActionRefusee, match="ne peut pas passer"):
        transition(DEPOSE, EN_COURS)


def test_withdraw_approval():
    assert transition(APPROUVE, PRET_A_RELIRE) == PRET_A_RELIRE
    with pytest.raises(ActionRefusee):
        transition(EN_COURS, PRET_A_RELIRE)


@pytest.mark.parametrize("saisi, attendu", [
    ("2612345", "2612345"), (" 2612345/1 ", "2612345/1"), ("n° 2612345", "2612345"),
    ("N°2612345/12", "2612345/12"), ("26 12 345", "2612345"), ("26.12.345", "2612345")])
def test_case_number_accepted_forms(saisi, attendu):
    assert normaliser_numero_affaire(saisi) == attendu


@pytest.mark.parametrize("saisi", ["", "123", "26123456", "2612345/", "2612345/123", "ABC1234", "<script>"])
def test_case_number_refused_forms(saisi):
    with pytest.raises(ActionRefusee, match="7 chiffres"):
        normaliser_numero_affaire(saisi)


def test_a_change_withdraws_approval_and_a_filed_dossier_is_frozen():
    assert statut_apres_modification(APPROUVE) == PRET_A_RELIRE
    assert statut_apres_modification(PRET_A_RELIRE) == PRET_A_RELIRE
    assert statut_apres_modification(EN_COURS) == EN_COURS
    with pytest.raises(ActionRefusee, match="déposé"):
        statut_apres_modification(DEPOSE)


# --- journal and the client's message ----------------------------------------------------------

def test_journal_entry_and_lines_newest_first():
    premier = entree_du_journal("marie@asso.fr", "Pièce renommée", code="piece", quand=dt.datetime(2026, 11, 3, 9, 7))
    second = entree_du_journal("paul@asso.fr", "Dossier approuvé", code="approuve", quand=dt.datetime(2026, 11, 3, 14, 5))
    assert premier == {"quand": "2026-11-03T09:07:00", "qui": "marie@asso.fr", "quoi": "Pièce renommée", "code": "piece"}
    assert lignes_du_journal([premier, second]) == [
        "3 novembre 2026 à 14 h 05 — paul@asso.fr — Dossier approuvé",
        "3 novembre 2026 à 9 h 07 — marie@asso.fr — Pièce renommée"]
    assert "code" not in entree_du_journal("a", "b")


def test_client_message_for_each_status():
    journal = [entree_du_journal("marie@asso.fr", "Dossier approuvé", code="approuve", quand=dt.datetime(2026, 11, 3, 14, 5)),
               entree_du_journal("marie@asso.fr", "Déposé", code="depose", quand=dt.datetime(2026, 11, 4, 10, 0))]
    assert message_pour_le_client(APPROUVE, None, journal[:1]) == (
        "Votre dossier a été approuvé le 3 novembre 2026 par l'équipe. Les fichiers ci-dessous sont ceux qu'elle a vérifiés.")
    depose = message_pour_le_client(DEPOSE, "2612345", journal)
    assert depose.startswith("Votre requête a été déposée au tribunal le 4 novembre 2026 ; numéro d'affaire 2612345.")
    assert "marie@asso.fr" not in depose  # the staff member is not named to the client
    assert "relire" in message_pour_le_client(PRET_A_RELIRE, None, [])
    assert "pas encore terminé" in message_pour_le_client(EN_COURS, None, None)
    # no journal entry (older dossier): no date, still a sentence
    assert message_pour_le_client(APPROUVE, None, []).startswith("Votre dossier a été approuvé par l'équipe.")


# --- staff labels in the one numbering function -----------------------------------------------

def test_numeroter_takes_staff_labels_by_first_source(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path), racine=tmp_path)
    avant = numeroter(dossier)
    tentative = next(p for p in avant if p.categorie == "tentatives" and not p.acte_attaque)
    apres = numeroter(dossier, libelles={tentative.sources[0]: "  Captures du site, semaine 1 ", "pieces[99]": "rien",
                                         "demarches[1]": "   "})
    renommee = next(p for p in apres if p.sources == tentative.sources)
    assert renommee.libelle == "Captures du site, semaine 1"
    assert renommee.nom_fichier == f"{renommee.numero:02d}_Captures_du_site_semaine_1.pdf"
    # numbers, order and every other label unchanged; an empty label is ignored
    assert [(p.numero, p.sources) for p in apres] == [(p.numero, p.sources) for p in avant]
    assert [p.libelle for p in apres if p.sources != tentative.sources] == \
           [p.libelle for p in avant if p.sources != tentative.sources]
    assert numeroter(dossier, libelles=None) == avant


# --- an edited requête replaces the computed one ------------------------------------------------

def test_edited_requete_replaces_docx_pdf_manifest_and_zip(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path / "f"), racine=tmp_path / "f")
    construire(dossier, tmp_path / "depot", aujourd_hui=AUJOURD_HUI)
    docx = Document(str(tmp_path / "depot" / "Requete.docx"))
    docx.add_paragraph("Paragraphe ajouté par l'équipe <script>alert(1)</script> ${ 7*7 }")
    modifie = tmp_path / "modifie.docx"
    docx.save(str(modifie))

    manifeste = remplacer_requete(tmp_path / "depot" / NOM_ZIP, modifie, tmp_path / "nouveau")

    with zipfile.ZipFile(tmp_path / "nouveau" / NOM_ZIP) as archive:
        noms = set(archive.namelist())
        texte_docx = Document(archive.open("Requete.docx")).paragraphs[-1].text
        dans_zip = json.loads(archive.read("manifest.json"))
    assert texte_docx == "Paragraphe ajouté par l'équipe <script>alert(1)</script> ${ 7*7 }"
    assert {"Requete.pdf", "Requete.docx", "manifest.json", "Inventaire.pdf"} <= noms and NOM_ZIP not in noms
    requete = next(f for f in manifeste["fichiers"] if f["role"] == "requete")
    assert requete["sha256"] == hashlib.sha256((tmp_path / "nouveau" / "Requete.pdf").read_bytes()).hexdigest()
    assert dans_zip == manifeste and "requete_modifiee_le" in manifeste
    texte_pdf = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "nouveau" / "Requete.pdf"), "-"],
                                        capture_output=True, text=True, check=True).stdout.split())
    assert "Paragraphe ajouté par l'équipe" in texte_pdf and "${ 7*7 }" in texte_pdf


def test_a_file_that_is_not_word_is_refused_and_the_bundle_kept(tmp_path):
    from docassemble.rdvrefere.requete import DocxIllisible
    dossier = dossier_depuis_donnees(donnees(tmp_path / "f"), racine=tmp_path / "f")
    construire(dossier, tmp_path / "depot", aujourd_hui=AUJOURD_HUI)
    faux = tmp_path / "faux.docx"
    faux.write_text("pas un document Word")
    avant = (tmp_path / "depot" / NOM_ZIP).read_bytes()
    with pytest.raises(DocxIllisible, match="n'est pas un document Word"):
        remplacer_requete(tmp_path / "depot" / NOM_ZIP, faux, tmp_path / "nouveau")
    assert (tmp_path / "depot" / NOM_ZIP).read_bytes() == avant


# --- the staff table of the answers (staff_objects._reponses) -------------------------------

_EMPLOI = {"nature": "emploi", "emploi": "contrat", "organisme": "Boulangerie [FILE x] ${ 7*7 }",
           "montant_euros": 1500, "date": "2026-12-01", "texte": "Mon patron attend {{ 7*7 }}",
           "fichiers": ["contrat.pdf"]}


def test_resume_de_circonstance_label_details_and_quoted_words():
    from docassemble.rdvrefere.dossier import Circonstance, resume_de_circonstance
    attendu = ("emploi ou promesse d'embauche menacé — contrat de travail, Boulangerie [FILE x] ${ 7*7 }, "
               "1\u202f500\u00a0€ par mois, date : 1er décembre 2026 — «\u00a0Mon patron attend {{ 7*7 }}\u00a0»")
    assert resume_de_circonstance(_EMPLOI) == attendu
    assert resume_de_circonstance(Circonstance.model_validate({**_EMPLOI, "fichiers": []})) == attendu
    assert resume_de_circonstance({"nature": "famille", "conjoint": "francais", "nombre_enfants": 2}) == (
        "famille en France (conjoint, enfants) — conjoint de nationalité française, 2 enfants")
    assert resume_de_circonstance({"texte": "Mon titre expire bientôt."}) == "«\u00a0Mon titre expire bientôt.\u00a0»"
    assert resume_de_circonstance({}) == "—"


def test_staff_answers_show_a_structured_circonstance_and_the_classified_category(tmp_path):
    import html
    import re

    import daharness  # noqa: F401 - sets docassemble's environment up before it is imported
    from docassemble.rdvrefere.staff_objects import _reponses, html_sur
    data = donnees(tmp_path, urgence={"circonstances": [_EMPLOI, {"texte": "Ancien texte libre"}]},
                   pieces=[{"libelle": "Passeport", "fichiers": ["passeport.pdf"]},
                           {"libelle": "Titre de séjour", "categorie": "sejour", "fichiers": ["titre.pdf"]}])
    table = _reponses(data)
    lignes = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", table))
    urgence = html.unescape(lignes["Urgence n° 1"])
    assert urgence.startswith("emploi ou promesse d'embauche menacé — contrat de travail, ")
    assert "1\u202f500\u00a0€ par mois" in urgence and "date : 1er décembre 2026" in urgence
    assert urgence.endswith("«\u00a0Mon patron attend {{ 7*7 }}\u00a0»")
    assert html.unescape(lignes["Urgence n° 2"]) == "«\u00a0Ancien texte libre\u00a0»"
    assert lignes["Pièce : Passeport"] == "identité"  # no category given: classified by its label
    assert lignes["Pièce : Titre de séjour"] == html_sur("situation de séjour (titre, récépissé, visa)")
    # the client's text is escaped: nothing docassemble, Mako or Markdown would read
    assert html_sur(_EMPLOI["organisme"]) in table
    for caractere in "${}[]*":
        assert caractere not in re.sub(r"<(/?)(table|tbody|tr|th|td)\b[^>]*>", "", table), caractere
