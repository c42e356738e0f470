"""Issue 11 point 4 (its tail): the préfecture's answer to a démarche, as a choice. A written refusal
or an appointment given ends the référé path: `check` (verification.verifier) says it as a blocking
error naming the démarche, the plan (plan.py) lists the same thing in « manque », and old dossiers
(free-text `resultat` only) still load and keep their meaning."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from docassemble.rdvrefere.cli import main
from docassemble.rdvrefere.dossier import REPONSES_DEMARCHE, dossier_depuis_donnees, lire_dossier, reponse_de_la_demarche
from docassemble.rdvrefere.plan import DemarcheFaite, plan, plan_depuis_dossier
from docassemble.rdvrefere.problemes import erreurs
from docassemble.rdvrefere.verification import demarche_qui_arrete, reponse_qui_arrete, verifier
from dossiers import AUJOURD_HUI, donnees

LRAR = {"date": "2026-10-16", "nature": "lrar", "description": "demande de rendez-vous", "fichiers": ["lrar.pdf"]}
COURRIEL = {"date": "2026-10-08", "nature": "courriel", "description": "demande de rendez-vous"}


def _dossier(tmp_path, *demarches):
    return dossier_depuis_donnees(donnees(tmp_path, demarches=list(demarches)), tmp_path)


def _erreurs(dossier):
    return [p for p in erreurs(verifier(dossier, aujourd_hui=AUJOURD_HUI, fichiers=False))]


# --- the rule -------------------------------------------------------------------------------------

@pytest.mark.parametrize("reponse, resultat, attendu", [
    ("aucune", None, "aucune"), ("rendez_vous", None, "rendez_vous"), ("refus_ecrit", None, "refus_ecrit"),
    ("autre", "réessayez plus tard", "autre"),
    # before the choice existed: the free text says whether an answer came, never what it was
    (None, None, "aucune"), (None, "restée sans réponse", "aucune"), (None, "refus écrit du 3 novembre", "autre"),
    ("n'importe quoi", "", "aucune"),
])
def test_la_reponse_d_une_demarche(reponse, resultat, attendu):
    assert reponse_de_la_demarche(reponse, resultat) == attendu
    assert reponse_qui_arrete(reponse, resultat) == (attendu if attendu in ("refus_ecrit", "rendez_vous") else None)


def test_un_refus_passe_avant_un_rendez_vous():
    demarches = [{"reponse": "aucune"}, {"reponse": "rendez_vous"}, {"reponse": "refus_ecrit"}]
    numero, _, arret = demarche_qui_arrete(demarches)
    assert (numero, arret) == (3, "refus_ecrit")
    assert demarche_qui_arrete([{"reponse": "autre", "resultat": "refus"}, {}]) is None


# --- check ------------------------------------------------------------------------------------------

def test_un_refus_ecrit_bloque_et_nomme_la_demarche(tmp_path):
    dossier = _dossier(tmp_path, COURRIEL, {**LRAR, "reponse": "refus_ecrit"})
    (probleme,) = [p for p in _erreurs(dossier) if p.chemin.endswith(".reponse")]
    assert probleme.chemin == "demarches[2].reponse" and probleme.gravite == "erreur"
    texte = probleme.message
    assert "démarche n° 2" in texte and "lettre recommandée avec accusé de réception du 16 octobre 2026" in texte
    assert "refusé par écrit" in texte and "décision" in texte and "ne convient plus" in texte
    assert "référé-suspension" in texte and "annulation" in texte and "fin du courrier" in texte
    assert "association ou un avocat" in texte and "3039" in texte


def test_un_rendez_vous_donne_bloque_aussi(tmp_path):
    dossier = _dossier(tmp_path, {**LRAR, "reponse": "rendez_vous"})
    (probleme,) = [p for p in _erreurs(dossier) if p.chemin.endswith(".reponse")]
    assert probleme.chemin == "demarches[1].reponse"
    assert "donné un rendez-vous" in probleme.message and "démarche n° 1" in probleme.message
    assert "Allez au rendez-vous" in probleme.message


@pytest.mark.parametrize("reponse", ["aucune", "autre", None])
def test_les_autres_reponses_ne_bloquent_pas(tmp_path, reponse):
    demarche = {**LRAR, "resultat": "réessayez plus tard"} if reponse == "autre" else dict(LRAR)
    if reponse:
        demarche["reponse"] = reponse
    dossier = _dossier(tmp_path, demarche)
    assert _erreurs(dossier) == []


def test_une_reponse_inconnue_est_refusee_au_chargement(tmp_path):
    with pytest.raises(Exception) as exc:
        _dossier(tmp_path, {**LRAR, "reponse": "peut-etre"})
    assert "demarches[1].reponse" in str(exc.value)


# --- the plan says the same -------------------------------------------------------------------------

@pytest.mark.parametrize("reponse, mots", [("refus_ecrit", "refusé par écrit"), ("rendez_vous", "donné un rendez-vous")])
def test_le_plan_dit_la_meme_chose_que_check(tmp_path, reponse, mots):
    dossier = _dossier(tmp_path, COURRIEL, {**LRAR, "reponse": reponse})
    p = plan_depuis_dossier(dossier, AUJOURD_HUI)
    assert not p.deposable and p.arret == reponse
    (manque,) = [m for m in p.manque if m.chemin == "demarches[2].reponse"]
    assert mots in manque.texte and manque.texte[0].isupper()
    # one rule: the same message as check's, capitalised
    (probleme,) = [e for e in _erreurs(dossier) if e.chemin == "demarches[2].reponse"]
    assert manque.texte == probleme.message[:1].upper() + probleme.message[1:]
    depot = p.etape("depot")
    assert depot.statut == "en_attente" and "Pas de dépôt" in depot.raison
    assert "Pas de dépôt" in p.texte() and mots in p.texte()
    assert p.as_dict()["arret"] == reponse


def test_le_plan_depuis_des_valeurs_simples():
    # what the interview passes (parcours_serveur.entrees_du_plan): dicts with the choice
    p = plan(aujourd_hui=AUJOURD_HUI, nature="renouvellement", blocage="aucun_creneau",
             demarches=[{"nature": "courriel", "date": dt.date(2026, 10, 8), "reponse": "aucune"},
                        {"nature": "lrar", "date": dt.date(2026, 10, 16), "reponse": "refus_ecrit", "resultat": ""}])
    assert p.arret == "refus_ecrit"
    assert [m.chemin for m in p.manque if m.chemin.startswith("demarches[")] == ["demarches[2].reponse"]
    assert p.etape("attente_reponse").raison.startswith("Un refus écrit a été reçu")
    sans = plan(aujourd_hui=AUJOURD_HUI, nature="renouvellement", blocage="aucun_creneau",
                demarches=[DemarcheFaite("lrar", dt.date(2026, 10, 16), repondue=True)])
    assert sans.arret is None and DemarcheFaite("lrar", dt.date(2026, 10, 16), True).reponse_recue == "autre"
    assert any("Si c'est un refus écrit" in a for a in sans.avertissements)


# --- old dossiers and the command line --------------------------------------------------------------

def test_un_ancien_dossier_se_charge_et_garde_son_sens(tmp_path):
    data = donnees(tmp_path, demarches=[{**LRAR, "resultat": "restée sans réponse"}])
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    dossier = lire_dossier(chemin)
    assert dossier.demarches[0].reponse is None and dossier.demarches[0].reponse_recue == "aucune"
    assert _erreurs(dossier) == []


def test_les_exemples_se_chargent_encore():
    from pathlib import Path  # noqa: PLC0415
    exemples = sorted(Path(__file__).resolve().parent.parent.glob("examples/*/dossier.*"))
    assert exemples
    for chemin in exemples:
        dossier = lire_dossier(chemin)
        for d in dossier.demarches:
            assert d.reponse_recue in REPONSES_DEMARCHE


@pytest.mark.parametrize("format_", ["yml", "json"])
def test_check_en_ligne_de_commande_le_dit(tmp_path, capsys, format_):
    data = donnees(tmp_path, demarches=[{**LRAR, "reponse": "refus_ecrit"}])
    chemin = tmp_path / f"dossier.{format_}"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True) if format_ == "yml" else json.dumps(data),
                      encoding="utf-8")
    assert main(["check", str(chemin), "--date", AUJOURD_HUI.isoformat()]) == 1
    sortie = capsys.readouterr().out
    assert "demarches[1].reponse" in sortie or "Démarche n° 1" in sortie
    assert "refusé par écrit" in sortie
    assert main(["plan", str(chemin), "--date", AUJOURD_HUI.isoformat()]) == 1
    assert "Pas de dépôt" in capsys.readouterr().out


# --- the interview (headless, tests/daharness.py) ----------------------------------------------------

import daharness as da  # noqa: E402
from test_interview import Parcours  # noqa: E402


def _jusqu_a_la_demarche(tmp_path, theid):
    s = da.start("rdvrefere.yml", user={"email": f"reponse{theid}@example.org", "theid": theid})
    s.answer()   # the welcome screen
    Parcours(tmp_path).jusqua(s, "Démarche n° 1")
    assert "client.demarches[0].reponse" in s.fields, s.screen()
    choix = next(f["choices"] for f in s.field_info if f["variable"] == "client.demarches[0].reponse")
    assert [c[0] for c in choix] == ["aucune", "rendez_vous", "refus_ecrit", "autre"]
    return s


def _repondre(s, tmp_path, reponse, resultat=""):
    s.upload("client.demarches[0].fichiers", tmp_path / "lrar.pdf")
    s.answer({"client.demarches[0].nature": "lrar", "client.demarches[0].date": dt.datetime(2026, 10, 16),
              "client.demarches[0].description": "demande de rendez-vous", "client.demarches[0].reponse": reponse,
              "client.demarches[0].resultat": resultat})


def test_un_refus_ecrit_dans_une_demarche_arrete_l_entretien(tmp_path):
    s = _jusqu_a_la_demarche(tmp_path, 9301)
    _repondre(s, tmp_path, "refus_ecrit")
    assert s.question_text == "Ce référé ne convient plus à votre situation", s.screen()
    texte = s.subquestion_text
    assert "démarche n° 1" in texte and "lettre recommandée avec accusé de réception du 16 octobre 2026" in texte
    assert "décision" in texte and "référé-suspension" in texte and "fin du courrier" in texte
    # where to go, as on the eligibility screen (aide_gratuite): the 3039, the point-justice, legal aid
    assert "3039" in texte and "point-justice" in texte and "16146" in texte
    # nothing more is asked: every later pass stops here too (the main flow checks again)
    s.next()
    assert s.question_text == "Ce référé ne convient plus à votre situation"
    assert s.eval("client.problemes()")[0].chemin == "demarches[1].reponse"
    # a wrong click: « Corriger ma réponse » asks that démarche again, then the interview goes on
    s.next(action="corriger_reponse_demarche")
    assert s.question_text == "Démarche n° 1" and s.sought == "client.demarches[0].reponse"
    assert s.eval("client.demarches[0].nature") == "lrar"   # the other answers are kept
    _repondre(s, tmp_path, "aucune")
    assert s.question_text == "Avez-vous fait une autre démarche ?", s.screen()
    assert "pas encore de réponse" in s.subquestion_text


def test_un_rendez_vous_donne_arrete_aussi(tmp_path):
    s = _jusqu_a_la_demarche(tmp_path, 9302)
    _repondre(s, tmp_path, "rendez_vous")
    assert s.question_text == "Vous avez un rendez-vous : ce référé n'est plus utile", s.screen()
    assert "Allez au rendez-vous" in s.subquestion_text and "corrigez votre réponse" in s.subquestion_text


def test_une_autre_reponse_garde_le_texte_et_continue(tmp_path):
    s = _jusqu_a_la_demarche(tmp_path, 9303)
    _repondre(s, tmp_path, "autre", "Réessayez plus tard [lien](http://x) ${ 1 + 1 }")
    assert s.question_text == "Avez-vous fait une autre démarche ?", s.screen()
    assert "Réessayez plus tard" in s.subquestion_text and "2" not in s.subquestion_text.split("Réessayez")[1][:40]
    assert s.eval("client.donnees()['demarches'][0]")["reponse"] == "autre"
    assert s.eval("client.donnees()['demarches'][0]")["resultat"].startswith("Réessayez plus tard")


def test_une_session_reprise_avec_un_refus_s_arrete(tmp_path):
    # a démarche already complete (a session resumed, an edit): the main flow stops after the list
    s = _jusqu_a_la_demarche(tmp_path, 9304)
    _repondre(s, tmp_path, "aucune")
    s.set({"client.demarches[0].reponse": "refus_ecrit"})
    s.next()
    assert s.question_text == "Avez-vous fait une autre démarche ?"
    s.answer(False)
    assert s.question_text == "Ce référé ne convient plus à votre situation", s.screen()
    s.next()
    assert s.question_text == "Ce référé ne convient plus à votre situation"   # at every later visit


def test_l_ecran_du_plan_le_dit_aussi(tmp_path):
    s = _jusqu_a_la_demarche(tmp_path, 9305)
    _repondre(s, tmp_path, "rendez_vous")
    s.next(action="plan_du_parcours")
    assert s.question_text == "Où en êtes-vous ?", s.screen()
    texte = s.subquestion_text.replace("\\", "")   # texte_sur escapes Markdown's characters
    assert "donné un rendez-vous" in texte and "démarche n° 1" in texte
    assert "Dépôt au tribunal possible" not in texte


def test_un_refus_ecrit_arrete_aussi_les_rappels(tmp_path):
    """No mail telling to try again once the référé has ended: the schedule kept outside the
    session (rappels.py) is deleted when the stop screen shows."""
    from docassemble.rdvrefere import rappels  # noqa: PLC0415
    s = _jusqu_a_la_demarche(tmp_path, 9305)
    moteur = s.eval("__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).registre().engine")
    proprietaire = (9305, s.eval("__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).session_courante()"))
    rappels.programmer(moteur, proprietaire, "reponse9305@example.org", 2,
                       [rappels.Echeance("tentative", dt.date(2026, 12, 10))], "https://exemple.test/i",
                       lien_arret="https://exemple.test/arret")
    s.run("client.rappels_voulus = True")
    assert rappels.programme_du_client(moteur, proprietaire) is not None
    _repondre(s, tmp_path, "refus_ecrit")
    assert s.question_text == "Ce référé ne convient plus à votre situation", s.screen()
    assert rappels.programme_du_client(moteur, proprietaire) is None
    assert s.eval("client.rappels_voulus") is False
