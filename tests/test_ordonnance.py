"""After the order (ordonnance.py): the deadlines, what to do on a given day, the advice after a
rejection, and the loader's French messages. No LibreOffice here."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
import yaml

import fichiers as f
from docassemble.rdvrefere.dossier import DossierIllisible, DossierInvalide
from docassemble.rdvrefere.ordonnance import (MOTIFS_REJET, conseils_rejet, dernier_jour_franc, echeances, est_ferie,
                                              etat_a_la_date, jours_d_astreinte, lire_ordonnance,
                                              ordonnance_depuis_donnees)

D = dt.date

REQUERANT = {"nom": "Diallo", "prenoms": "Awa", "sexe": "F", "date_naissance": "1990-04-12",
             "lieu_naissance": "Bamako (Mali)", "nationalite": "malienne",
             "adresse": "12 rue des Lilas, 93100 Montreuil", "telephone": "0612345678", "courriel": "awa@example.org"}


def donnees(ordonnance: dict | None = None, suivi: dict | None = None, **autres) -> dict:
    base = {"numero": "2612345", "date": "2026-11-20", "date_notification": "2026-11-21", "issue": "injonction",
            "delai_jours": 15}
    return {"requerant": copy.deepcopy(REQUERANT), "departement": "93", "ordonnance": {**base, **(ordonnance or {})},
            "suivi": suivi or {}, **autres}


def charger(tmp_path, ordonnance=None, suivi=None, **autres):
    return ordonnance_depuis_donnees(donnees(ordonnance, suivi, **autres), tmp_path)


# --- Deadlines -------------------------------------------------------------------------------

def test_delai_du_prefet_et_demande_d_execution(tmp_path):
    """R. 921-1-1 al. 2: with a délai, the demande only once it has expired (the day after its last day)."""
    e = echeances(charger(tmp_path).ordonnance)
    assert e.depart == D(2026, 11, 21)
    assert e.date_limite_prefet == D(2026, 12, 6)           # 21 November + 15 days, a Sunday: not moved
    assert e.execution_possible_le == D(2026, 12, 7)
    assert e.astreinte_debut is None and e.date_limite_rdv is None


def test_sans_delai_la_demande_est_possible_des_la_notification(tmp_path):
    """R. 921-1-1 al. 1: « décisions ordonnant une mesure d'urgence, la demande peut être présentée sans délai »."""
    o = charger(tmp_path, {"delai_jours": None, "sans_delai": "oui", "astreinte": {"montant_euros": 50}}).ordonnance
    e = echeances(o)
    assert e.date_limite_prefet == e.execution_possible_le == e.astreinte_debut == D(2026, 11, 21)


def test_point_de_depart_a_la_date_de_l_ordonnance_et_rendez_vous_au_plus_tard(tmp_path):
    o = charger(tmp_path, {"point_de_depart": "ordonnance", "delai_jours": 8, "delai_rdv_jours": 30,
                           "astreinte": {"montant_euros": 100, "debut": "2026-12-01"}}).ordonnance
    e = echeances(o)
    assert e.date_limite_prefet == D(2026, 11, 28)
    assert e.date_limite_rdv == D(2026, 12, 20)
    assert e.astreinte_debut == D(2026, 12, 1)               # the ordonnance's own start wins


@pytest.mark.parametrize("notification, dernier_jour", [
    (D(2022, 12, 20), D(2023, 1, 5)),     # CE, 29 juin 2023, n° 470217: pourvoi of 5 January in time
    (D(2023, 10, 12), D(2023, 10, 30)),   # échéance Friday 27, franc: Saturday 28 → Monday 30
    (D(2026, 10, 26), D(2026, 11, 12)),   # franc day Wednesday 11 November (férié) → Thursday 12
    (D(2026, 3, 20), D(2026, 4, 7)),      # franc day Sunday 5 April, Easter Monday 6 April férié → Tuesday 7
])
def test_cassation_quinze_jours_francs(notification, dernier_jour):
    assert dernier_jour_franc(notification, 15) == dernier_jour


def test_jours_feries_mobiles():
    assert est_ferie(D(2026, 4, 6)) and est_ferie(D(2026, 5, 14)) and est_ferie(D(2026, 5, 25))  # Pâques, Ascension, Pentecôte
    assert est_ferie(D(2025, 4, 21)) and not est_ferie(D(2026, 4, 7)) and not est_ferie(D(2026, 11, 12))


def test_jours_d_astreinte_jusqu_au_jour_ou_jusqu_au_rendez_vous(tmp_path):
    d = charger(tmp_path, {"astreinte": {"montant_euros": 100}})
    assert jours_d_astreinte(d.ordonnance, d.suivi, D(2026, 12, 6)) == 0
    assert jours_d_astreinte(d.ordonnance, d.suivi, D(2026, 12, 7)) == 1
    assert jours_d_astreinte(d.ordonnance, d.suivi, D(2026, 12, 20)) == 14
    tard = charger(tmp_path, {"astreinte": {"montant_euros": 100}}, {"rendez_vous_le": "2026-12-10"})
    assert jours_d_astreinte(tard.ordonnance, tard.suivi, D(2026, 12, 20)) == 3   # 7, 8 and 9 December


# --- What to do now --------------------------------------------------------------------------

def test_etats_successifs_d_une_injonction(tmp_path):
    d = charger(tmp_path, {"astreinte": {"montant_euros": 100}})
    assert etat_a_la_date(d, D(2026, 12, 6)).code == "en_attente_du_delai"
    attente = etat_a_la_date(d, D(2026, 11, 25))
    assert attente.prochaine_date == D(2026, 12, 7)
    assert "dimanche 6 décembre 2026" in " ".join(attente.lignes)
    courrier = etat_a_la_date(d, D(2026, 12, 7))
    assert courrier.code == "courrier_au_prefet"
    assert any("un jour à ce jour" in ligne for ligne in courrier.lignes)

    d = charger(tmp_path, {"astreinte": {"montant_euros": 100}}, {"courrier_prefet": {"date": "2026-12-08"}})
    assert etat_a_la_date(d, D(2026, 12, 10)).code == "attente_reponse_courrier"
    assert etat_a_la_date(d, D(2026, 12, 10)).prochaine_date == D(2026, 12, 16)
    assert etat_a_la_date(d, D(2026, 12, 16)).code == "demande_execution"

    fait = charger(tmp_path, suivi={"courrier_prefet": {"date": "2026-12-08"}, "demande_execution_le": "2026-12-17"})
    assert etat_a_la_date(fait, D(2026, 12, 20)).code == "execution_demandee"


def test_rendez_vous_donne_a_temps_ou_en_retard(tmp_path):
    a_temps = charger(tmp_path, {"astreinte": {"montant_euros": 100}}, {"rendez_vous_le": "2026-12-01"})
    etat = etat_a_la_date(a_temps, D(2026, 12, 20))
    assert etat.code == "executee" and len(etat.lignes) == 1
    tard = charger(tmp_path, {"astreinte": {"montant_euros": 100}}, {"rendez_vous_le": "2027-01-04"})
    etat = etat_a_la_date(tard, D(2027, 1, 10))
    assert etat.code == "executee"
    assert "le juge peut refuser" in " ".join(etat.lignes)    # CE réf., 7 février 2025, n° 501149


def test_rejet_donne_le_motif_et_le_recours_tant_qu_il_est_ouvert(tmp_path):
    d = charger(tmp_path, {"issue": "rejet", "delai_jours": None, "motif_rejet": "tentatives"})
    etat = etat_a_la_date(d, D(2026, 11, 25))
    assert etat.code == "rejet" and etat.prochaine_date == D(2026, 12, 7)
    texte = " ".join(etat.lignes)
    assert "trois semaines" in texte and "avocat au Conseil d'État" in texte and "lundi 7 décembre 2026" in texte
    assert "recours devant le Conseil d'État jusqu'au lundi 7 décembre 2026" in etat.texte()
    apres = etat_a_la_date(d, D(2026, 12, 8))
    assert "Conseil d'État" not in " ".join(apres.lignes) and apres.prochaine_date is None


def test_non_lieu(tmp_path):
    d = charger(tmp_path, {"issue": "non_lieu", "delai_jours": None})
    assert etat_a_la_date(d, D(2026, 11, 25)).code == "non_lieu"


@pytest.mark.parametrize("motif", list(MOTIFS_REJET))
def test_conseils_en_francais_simple_sans_references(motif):
    """Client text: short sentences, no article numbers, no case numbers, no English."""
    lignes = conseils_rejet(motif)
    assert 2 <= len(lignes) <= 6
    for ligne in lignes:
        assert not re.search(r"\bn°|\b[LRD]\.\s?\d|\barticle\b|\bCE\b|CJA|CESEDA", ligne), ligne
        assert len(ligne) < 230 and ligne.endswith(".")
    assert conseils_rejet(motif) != conseils_rejet("autre") or motif == "autre"


def test_les_conseils_different_selon_le_motif():
    assert "décision" in " ".join(conseils_rejet("decision_existante"))
    assert "pas urgente" in " ".join(conseils_rejet("urgence"))
    assert "bon tribunal" in " ".join(conseils_rejet("incompetence"))


# --- Bad input: a French message naming the field -------------------------------------------

@pytest.mark.parametrize("changement, champ, morceau", [
    ({"delai_jours": None}, "ordonnance", "délai donné au préfet"),
    ({"delai_jours": 15, "sans_delai": True}, "ordonnance", "pas les deux"),
    ({"issue": "rejet", "delai_jours": None}, "ordonnance", "motif_rejet"),
    ({"issue": "rejet", "delai_jours": 15, "motif_rejet": "urgence"}, "ordonnance", "delai_jours"),
    ({"date_notification": "2026-11-01"}, "ordonnance", "avant la date de l'ordonnance"),
    ({"issue": "gagne"}, "ordonnance.issue", "valeurs possibles"),
    ({"date": "31/02/2026"}, "ordonnance.date", "illisible"),
    ({"delai_jours": 0}, "ordonnance.delai_jours", "au moins 1"),
    ({"fichiers": ["absent.pdf"]}, "ordonnance.fichiers[1]", "introuvable"),
])
def test_mauvaise_saisie_message_qui_nomme_le_champ(tmp_path, changement, champ, morceau):
    with pytest.raises(DossierInvalide) as exc:
        charger(tmp_path, changement)
    assert any(p.chemin == champ and morceau in p.message for p in exc.value.problemes), exc.value.problemes


def test_departement_et_requerant_controles_comme_le_dossier(tmp_path):
    with pytest.raises(DossierInvalide) as exc:
        ordonnance_depuis_donnees({**donnees(), "departement": "988", "requerant": {**REQUERANT, "sexe": "X"}}, tmp_path)
    chemins = {p.chemin for p in exc.value.problemes}
    assert {"departement", "requerant.sexe"} <= chemins


def test_lecture_d_un_fichier_yaml_ecrit_a_la_main(tmp_path):
    f.pdf(tmp_path / "ordonnance.pdf", pages=1)
    f.png_capture(tmp_path / "c.png", size=(400, 800))
    texte = yaml.safe_dump(donnees({"fichiers": ["ordonnance.pdf"], "astreinte": {"montant_euros": 100}},
                                   {"constats": [{"date": "09/12/2026", "heure": "9:14", "constat": "aucun créneau",
                                                  "fichiers": ["c.png"]}]}), allow_unicode=True)
    (tmp_path / "o.yml").write_text(texte.replace("'93'", "93").replace("heure: 09:14", "heure: 9:14"), encoding="utf-8")
    d = lire_ordonnance(tmp_path / "o.yml")
    assert d.departement == "93" and d.suivi.constats[0].heure == dt.time(9, 14)
    assert d.ordonnance.fichiers == [(tmp_path / "ordonnance.pdf").resolve()]
    (tmp_path / "casse.yml").write_text("ordonnance: [", encoding="utf-8")
    with pytest.raises(DossierIllisible, match="Le fichier de l'ordonnance « casse.yml » n'est pas un YAML"):
        lire_ordonnance(tmp_path / "casse.yml")
