"""Issue 14 (points 1, 2, 3, 5): who the interview stops, and what it tells them first, headless
(tests/daharness.py). Each stopping path ends on a screen with concrete contacts (the 3039, the
point-justice, the bureau d'aide juridictionnelle, the association's own contact when the server
sets `rdvrefere contact`); the welcome screen is acknowledged before any question, even when a
forged POST sets later answers first."""

from __future__ import annotations

import datetime as dt

import pytest
from docassemble.base.config import daconfig

import daharness as da

CLIENTE = {"email": "eligibilite@example.org", "theid": 9200}  # its own user: no other test's dossier to resume
AUCUNE = {"deja_enregistre": False, "asile": False, "mineur": False, "retention": False}
RIEN = {"refus": False, "oqtf": False, "refus_rdv": False, "autre": False}


def _contacts_concrets(s) -> None:
    texte = s.subquestion_text
    assert "3039" in texte and "point-justice" in texte, texte
    assert "bureau d'aide juridictionnelle" in texte and "16146" in texte, texte
    assert s.fields == [] or s.sought == "client.oqtf_compris", s.screen()  # a stop: nothing more is asked


def _jusqu_a_l_eligibilite():
    s = da.start("rdvrefere.yml", user=CLIENTE)
    assert s.question_text == "Bienvenue", s.screen()
    s.answer()
    assert s.question_text == "Où habitez-vous ?", s.screen()
    s.answer({"client.departement": "93"})
    assert s.question_text == "Avez-vous reçu une décision de la préfecture ?", s.screen()
    return s


# --- the welcome screen -------------------------------------------------------------------------

def test_le_premier_ecran_dit_ce_que_c_est_et_ce_qui_engage():
    s = da.start("rdvrefere.yml", user=CLIENTE)
    assert s.question_text == "Bienvenue" and s.sought == "client.accueil_compris"
    texte = s.subquestion_text
    for attendu in ("captures d'écran", "passeport", "justificatif de domicile", "titre de séjour",
                    "demi-heure", "reprendre plus tard", "à votre nom", "partie à une affaire",
                    "lit vos réponses", "faux", "10 000 €", "originaux", "3039"):
        assert attendu in texte, attendu
    assert s.eval("client.sans_reponses()") is True  # acknowledging is not an answer (resume still offered)


def test_un_post_force_ne_saute_pas_le_premier_ecran():
    s = da.start("rdvrefere.yml", user=CLIENTE)
    # what a forged POST would set (cf. test_attaques.py): later answers, the resume step included
    s.set({"client.reprise_examinee": True, "client.departement": "93", "client.decision_existante": False,
           "client.situations": AUCUNE, "client.nature_demande": "renouvellement"})
    s.next()
    assert s.question_text == "Bienvenue" and s.sought == "client.accueil_compris", s.screen()
    s.answer()
    assert s.question_text != "Bienvenue"


# --- each stopping path ---------------------------------------------------------------------------

@pytest.mark.parametrize("decisions, titre", [
    ({"refus": True}, "Contestez d'abord cette décision, aujourd'hui"),
    ({"oqtf": True}, "Contestez d'abord cette décision, aujourd'hui"),
    ({"refus": True, "oqtf": True}, "Contestez d'abord cette décision, aujourd'hui"),
])
@pytest.mark.parametrize("quand", ["recente", "inconnue"])
def test_une_decision_recente_arrete_avec_le_delai_et_les_contacts(decisions, titre, quand):
    s = _jusqu_a_l_eligibilite()
    s.answer(True)
    assert s.question_text == "Quelle décision avez-vous reçue ?"
    s.answer({"client.decisions": RIEN | decisions})
    assert s.question_text == "Quand avez-vous reçu cette décision ?"
    s.answer(quand)
    assert s.question_text == titre, s.screen()
    texte = s.subquestion_text
    assert "écrit à la fin de la décision" in texte and "48 heures" in texte and "30 jours" in texte
    assert "aujourd'hui" in texte
    _contacts_concrets(s)


def test_une_ancienne_oqtf_continue_seulement_apres_un_avis():
    s = _jusqu_a_l_eligibilite()
    s.answer(True)
    s.answer({"client.decisions": RIEN | {"refus": True, "oqtf": True}})
    s.answer("ancienne")
    assert "OQTF" in s.question_text
    texte = s.subquestion_text
    assert "arrestation" in texte and "pas d'urgence" in texte and "453391" not in texte
    _contacts_concrets(s)
    # nobody has seen it yet: stop, with the contacts, and a way back once it has been seen
    s.answer(False)
    assert s.question_text == "Faites d'abord vérifier votre décision", s.screen()
    _contacts_concrets(s)
    assert "vérifier ma décision, reprendre" in s.subquestion_text.replace("’", "'")  # a link, not a docassemble button
    s.next(action="revoir_decision_ancienne")
    assert "OQTF" in s.question_text
    s.answer(True)
    s.answer({"client.situations": AUCUNE})
    assert s.question_text == "Où en êtes-vous ?"  # the journey plan (issue 11 point 1), one screen
    s.answer()
    assert s.question_text == "Que demandez-vous à la préfecture ?"
    assert s.eval("client.oqtf_non_executee") is True  # the flag the urgency screens and the core read


def test_un_refus_ecrit_de_rendez_vous_arrete():
    s = _jusqu_a_l_eligibilite()
    s.answer(True)
    s.answer({"client.decisions": RIEN | {"refus_rdv": True}})
    assert s.question_text == "Ce référé ne convient plus à votre situation", s.screen()
    assert "C'est une décision" in s.subquestion_text
    _contacts_concrets(s)


@pytest.mark.parametrize("situation, titre, extrait", [
    ("deja_enregistre", "Votre demande est déjà enregistrée", "récépissé"),
    ("asile", "Ce service ne traite pas les demandes d'asile", "asile"),
    ("mineur", "Ce service est fait pour les adultes", "18 ans"),
    ("retention", "Demandez de l'aide tout de suite", "48 heures"),
])
def test_chaque_situation_arrete_avec_des_contacts(situation, titre, extrait):
    s = _jusqu_a_l_eligibilite()
    s.answer(False)
    assert s.question_text == "Est-ce que l'une de ces situations vous concerne ?"
    s.answer({"client.situations": AUCUNE | {situation: True}})
    assert s.question_text == titre, s.screen()
    assert extrait in s.subquestion_text
    _contacts_concrets(s)


def test_le_contact_de_l_association_vient_du_reglage_et_n_est_jamais_interprete():
    ancien = daconfig.get("rdvrefere contact")
    daconfig["rdvrefere contact"] = "Permanence ${ 7*7 } **mardi**, 01 23 45 67 89"
    try:
        s = _jusqu_a_l_eligibilite()
        s.answer(False)
        s.answer({"client.situations": AUCUNE | {"asile": True}})
        texte = s.subquestion_text
        assert "01 23 45 67 89" in texte and "49" not in texte and "**mardi**" not in texte
    finally:
        if ancien is None:
            daconfig.pop("rdvrefere contact", None)
        else:
            daconfig["rdvrefere contact"] = ancien
    s = _jusqu_a_l_eligibilite()
    s.answer(False)
    s.answer({"client.situations": AUCUNE | {"asile": True}})
    assert "équipe qui vous accompagne" not in s.subquestion_text  # no setting, no empty line


# --- attempts advice and the ANEF titres ----------------------------------------------------------

def _jusqu_au_blocage(s):
    s.answer(False)
    s.answer({"client.situations": AUCUNE})
    assert s.question_text == "Où en êtes-vous ?"  # the journey plan (issue 11 point 1), one screen
    s.answer()
    s.answer("renouvellement")
    while s.sought and s.sought.startswith("client.requerant"):
        champs = {"client.requerant.nom": "Diallo", "client.requerant.prenoms": "Awa", "client.requerant.sexe": "F",
                  "client.requerant.date_naissance": dt.datetime(1990, 4, 12),
                  "client.requerant.lieu_naissance": "Bamako", "client.requerant.nationalite": "malienne",
                  "client.requerant.numero_etranger": "", "client.requerant.adresse": "12 rue des Lilas, 93100 Montreuil",
                  "client.requerant.telephone": "0612345678", "client.requerant.courriel": "awa@example.org"}
        s.answer({k: v for k, v in champs.items() if k in s.fields})
    assert s.question_text == "Quel titre de séjour demandez-vous ?", s.screen()
    s.answer({"client.titre": "carte de séjour « étudiant »", "client.date_expiration": dt.datetime(2026, 12, 15)})
    assert s.question_text == "Qu'est-ce qui vous empêche d'avoir un rendez-vous ?"


def test_titre_anef_et_aucun_creneau_propose_le_bon_blocage():
    s = _jusqu_a_l_eligibilite()
    _jusqu_au_blocage(s)
    s.answer("aucun_creneau")
    assert s.question_text == "Votre titre se demande-t-il sur le site de l'ANEF ?"
    s.answer("oui")
    texte = s.subquestion_text
    assert "centre de contact citoyen" in texte and "numéro de demande (ticket)" in texte
    s.answer("anef")
    assert s.eval("client.type_blocage") == "anef"
    assert s.question_text == "Sur quel site avez-vous essayé ?"
    assert "Gardez chaque numéro de demande (ticket)" in s.subquestion_text


def test_titre_hors_anef_garde_aucun_creneau_et_les_conseils_des_tentatives():
    s = _jusqu_a_l_eligibilite()
    _jusqu_au_blocage(s)
    s.answer("aucun_creneau")
    s.answer("non")
    assert s.eval("client.type_blocage") == "aucun_creneau"
    s.answer({"client.plateforme": "site de la préfecture"})
    assert s.question_text == "Vos essais pour avoir un rendez-vous", s.screen()
    texte = s.subquestion_text
    for attendu in ("plusieurs fois par semaine", "trois à quatre semaines", "la date", "calendrier",
                    "ordinateur", "Gardez toutes vos captures"):
        assert attendu in texte, attendu
    assert "suffisant" not in texte and "435594" not in texte
