"""The journey plan (plan.py): each starting point, the dates it schedules, and its agreement with
`check` (verification.verifier) on what blocks filing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from docassemble.rdvrefere.cli import main
from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.plan import DemarcheFaite, plan, plan_depuis_dossier, resultat_est_une_reponse
from docassemble.rdvrefere.problemes import erreurs
from docassemble.rdvrefere.tentatives import ECART_CONSEILLE_JOURS, ECART_REQUIS_JOURS
from docassemble.rdvrefere.verification import DELAI_REPONSE_JOURS, verifier
from dossiers import AUJOURD_HUI, donnees

J = AUJOURD_HUI                      # Monday 2 November 2026
D = dt.date
NOYAU = {"tentatives", "demarches", "urgence.circonstances"}   # what plan() decides from plain values


def jours(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def cles(p) -> list[str]:
    return [e.cle for e in p.etapes]


def test_rien_encore_premiere_demande():
    p = plan(aujourd_hui=J, nature="premiere_demande", blocage="aucun_creneau")
    t1, t2, t3 = p.etape("tentative_1"), p.etape("tentative_2"), p.etape("tentative_3")
    assert (t1.statut, t1.debut, t1.fin) == ("maintenant", J, D(2026, 11, 8))          # this week, to Sunday
    assert (t2.statut, t2.debut, t2.fin) == ("a_faire", J + jours(ECART_REQUIS_JOURS), D(2026, 11, 15))
    assert (t3.statut, t3.debut) == ("a_faire", J + jours(ECART_CONSEILLE_JOURS))
    assert p.etape("courriel").statut == "maintenant"
    assert p.etape("lrar").debut == J + jours(DELAI_REPONSE_JOURS)
    assert p.etape("urgence").statut == "maintenant" and p.etape("urgence").bloquant
    assert {m.chemin for m in p.manque} == {"tentatives", "urgence.circonstances"}
    assert p.depot_possible_a_partir_du == D(2026, 11, 9)
    assert p.depot_conseille_a_partir_du == D(2026, 11, 18)    # letter on the 10th + 8 days
    assert cles(p)[-1] == "depot" and p.etapes[-1].statut == "en_attente"
    assert not p.deposable
    texte = p.texte()
    assert "Tentative de la semaine 2 : à faire entre le 9 novembre 2026 et le 15 novembre 2026." in texte
    assert "Dépôt au tribunal possible à partir du 9 novembre 2026 ; conseillé à partir du 18 novembre 2026." in texte


def test_rien_du_tout_dit_ce_qui_manque():
    p = plan(aujourd_hui=J)
    assert {m.chemin for m in p.manque} == {"tentatives", "demande.nature", "blocage.type"}
    assert "première demande ou d'un renouvellement" in p.texte()


def test_une_tentative():
    jeudi = D(2026, 10, 29)
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau", dates_tentatives=[jeudi])
    assert p.etape("tentative_1").statut == "fait" and p.etape("tentative_1").fait_le == jeudi
    t2 = p.etape("tentative_2")
    assert (t2.statut, t2.debut, t2.fin) == ("a_faire", D(2026, 11, 5), D(2026, 11, 8))
    assert t2.quand == "à faire entre le 5 novembre 2026 et le 8 novembre 2026"
    assert p.etape("tentative_3").debut == D(2026, 11, 12)
    assert p.depot_possible_a_partir_du == D(2026, 11, 5)
    assert [m.chemin for m in p.manque] == ["tentatives"]
    assert "1 tentative pour l'instant" in p.manque[0].texte


def test_deux_semaines_mais_cinq_jours_ne_suffisent_pas():
    """CE 435594: Friday to Wednesday, two ISO weeks, five days: not enough; the next attempt is due now."""
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau",
             dates_tentatives=[D(2026, 10, 23), D(2026, 10, 28)])
    assert p.bilan.nombre_de_semaines == 2 and not p.bilan.suffisant
    t2 = p.etape("tentative_2")
    assert (t2.statut, t2.debut) == ("maintenant", J)
    assert [m.chemin for m in p.manque] == ["tentatives"]


def test_tentatives_suffisantes_sans_lettre():
    dates = [D(2026, 10, 12), D(2026, 10, 20), D(2026, 10, 27)]
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau", dates_tentatives=dates)
    assert [p.etape(f"tentative_{k}").statut for k in (1, 2, 3)] == ["fait", "fait", "fait"]
    assert p.etape("tentative_2").fait_le == D(2026, 10, 20) and p.etape("tentative_3").fait_le == D(2026, 10, 27)
    assert p.manque == () and p.deposable
    assert p.etape("courriel").statut == "maintenant"
    assert (p.etape("lrar").statut, p.etape("lrar").debut) == ("a_faire", J + jours(DELAI_REPONSE_JOURS))
    assert p.depot_possible_a_partir_du == J
    assert p.depot_conseille_a_partir_du == J + jours(2 * DELAI_REPONSE_JOURS)
    assert any("lettre recommandée" in c for c in p.conseils)
    assert p.etapes[-1].statut == "maintenant"


def test_courriel_sans_reponse_puis_lettre():
    dates = [D(2026, 10, 12), D(2026, 10, 20), D(2026, 10, 27)]
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau", dates_tentatives=dates,
             demarches=[DemarcheFaite("courriel", D(2026, 10, 20))])
    assert p.etape("courriel").fait_le == D(2026, 10, 20)
    assert (p.etape("lrar").statut, p.etape("lrar").debut) == ("maintenant", J)   # the e-mail's 8 days are over
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau", dates_tentatives=dates,
             demarches=[{"nature": "courriel", "date": "2026-10-20"}, {"nature": "lrar", "date": "2026-10-28"}])
    attente = p.etape("attente_reponse")
    assert (attente.statut, attente.fin) == ("en_attente", D(2026, 11, 5))
    assert p.depot_conseille_a_partir_du == D(2026, 11, 5)


def test_anef_sans_ticket_puis_avec():
    dates = [D(2026, 10, 12), D(2026, 10, 20), D(2026, 10, 27)]
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="anef", dates_tentatives=dates)
    assert [m.chemin for m in p.manque] == ["demarches"]
    assert p.etape("contact_anef").statut == "maintenant" and p.etape("contact_anef").bloquant
    assert p.etape("accueil_numerique").statut == "a_faire"
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="anef", dates_tentatives=dates,
             demarches=[DemarcheFaite("contact_anef", D(2026, 10, 21))])
    assert p.manque == ()
    assert p.etape("contact_anef").fait_le == D(2026, 10, 21)
    assert not p.etape("accueil_numerique").bloquant


def test_renouvellement_tardif_averti():
    p = plan(aujourd_hui=J, nature="renouvellement", date_expiration=D(2026, 10, 1), blocage="aucun_creneau",
             dates_tentatives=[D(2026, 10, 12), D(2026, 10, 20), D(2026, 10, 27)])
    assert p.manque == ()                                   # a warning, as in check, not a blocking error
    assert p.etape("renouvellement").statut == "maintenant"
    assert len(p.avertissements) == 1
    assert "après la fin de votre titre, le 1er octobre 2026" in p.avertissements[0]


def test_renouvellement_a_venir_commence_a_l_ouverture_du_delai():
    # non-ANEF: the two months before expiry; ANEF: from the 120th day before
    p = plan(aujourd_hui=J, nature="renouvellement", date_expiration=D(2027, 3, 15), blocage="aucun_creneau")
    assert p.etape("renouvellement").statut == "en_attente"
    t1 = p.etape("tentative_1")
    assert (t1.statut, t1.debut) == ("en_attente", D(2027, 1, 15))
    assert p.depot_possible_a_partir_du == D(2027, 1, 22)
    p = plan(aujourd_hui=J, nature="renouvellement", date_expiration=D(2027, 3, 15), blocage="anef")
    assert p.etape("tentative_1").debut == D(2027, 3, 15) - jours(120)
    p = plan(aujourd_hui=J, nature="renouvellement", date_expiration=D(2026, 12, 15), blocage="aucun_creneau")
    assert p.etape("renouvellement").statut == "maintenant" and p.etape("tentative_1").debut == J


def test_dates_futures_non_comptees():
    p = plan(aujourd_hui=J, nature="renouvellement", blocage="aucun_creneau",
             dates_tentatives=[D(2026, 10, 12), D(2026, 11, 20)])
    assert p.bilan.nombre == 1 and [m.chemin for m in p.manque] == ["tentatives"]


def test_resultat_libre():
    assert not resultat_est_une_reponse("restée sans réponse")
    assert not resultat_est_une_reponse("Aucune réponse à ce jour")
    assert not resultat_est_une_reponse("")
    assert resultat_est_une_reponse("refus écrit du 3 novembre")


# --- Agreement with check (verifier, fichiers=False) ---------------------------------------

def _variantes(racine):
    base = donnees(racine)
    une_semaine = donnees(racine, tentatives=[
        {"date": "2026-10-05", "heure": "09:00", "constat": "aucun créneau", "fichiers": ["c1.png"]},
        {"date": "2026-10-08", "heure": "10:00", "constat": "aucun créneau", "fichiers": ["c2.png"]}])
    vendredi_mercredi = donnees(racine, tentatives=[
        {"date": "2026-10-23", "heure": "09:00", "constat": "aucun créneau", "fichiers": ["c1.png"]},
        {"date": "2026-10-28", "heure": "10:00", "constat": "aucun créneau", "fichiers": ["c2.png"]}])
    anef = donnees(racine, blocage={"type": "anef", "plateforme": "ANEF"})
    anef_ticket = donnees(racine, blocage={"type": "anef", "plateforme": "ANEF"}, demarches=[
        {"date": "2026-10-16", "nature": "contact_anef", "description": "ticket", "fichiers": ["lrar.pdf"]}])
    premiere = donnees(racine, urgence={"circonstances": []})
    premiere["demande"] = {"nature": "premiere_demande", "titre": "carte de séjour « vie privée et familiale »"}
    sans_capture = donnees(racine)
    sans_capture["tentatives"][1]["fichiers"] = []
    return {"deposable": base, "une_semaine": une_semaine, "vendredi_mercredi": vendredi_mercredi, "anef": anef,
            "anef_ticket": anef_ticket, "premiere_sans_urgence": premiere, "sans_capture": sans_capture}


ATTENDU = {"deposable": set(), "une_semaine": {"tentatives"}, "vendredi_mercredi": {"tentatives"},
           "anef": {"demarches"}, "anef_ticket": set(), "premiere_sans_urgence": {"urgence.circonstances"},
           "sans_capture": {"tentatives[2].fichiers"}}


@pytest.mark.parametrize("cas", sorted(ATTENDU))
def test_le_plan_et_check_sont_d_accord(tmp_path, cas):
    dossier = dossier_depuis_donnees(_variantes(tmp_path)[cas], tmp_path)
    bloquants = {p.chemin for p in erreurs(verifier(dossier, aujourd_hui=J, fichiers=False))}
    assert bloquants == ATTENDU[cas]
    complet = plan_depuis_dossier(dossier, J)
    assert {m.chemin for m in complet.manque} == bloquants
    assert complet.deposable == (not bloquants)
    assert (complet.etapes[-1].statut == "maintenant") == (not bloquants)
    # the rules plan() decides itself, from plain values only, give the same answer as check
    simple = plan(aujourd_hui=J, nature=dossier.demande.nature, blocage=dossier.blocage.type,
                  date_expiration=dossier.demande.date_expiration,
                  dates_tentatives=[t.date for t in dossier.tentatives],
                  demarches=[{"nature": d.nature, "date": d.date} for d in dossier.demarches],
                  urgence=bool(dossier.urgence.circonstances))
    assert {m.chemin for m in simple.manque} == bloquants & NOYAU


# --- Command line ------------------------------------------------------------------------

def test_cli_plan(tmp_path, capsys):
    import yaml
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(donnees(tmp_path), allow_unicode=True), encoding="utf-8")
    assert main(["plan", str(chemin), "--date", "2026-11-02"]) == 0
    sortie = capsys.readouterr().out
    assert "Tentative de la semaine 2 : fait le 14 octobre 2026." in sortie
    assert "Rien ne manque pour déposer." in sortie
    assert main(["plan", str(chemin), "--date", "2026-11-02", "--json"]) == 0
    donnees_json = json.loads(capsys.readouterr().out)
    assert donnees_json["deposable"] is True and donnees_json["etapes"][-1]["cle"] == "depot"
    une_semaine = donnees(tmp_path, tentatives=[
        {"date": "2026-10-05", "heure": "09:00", "constat": "aucun créneau", "fichiers": ["c1.png"]}])
    chemin.write_text(yaml.safe_dump(une_semaine, allow_unicode=True), encoding="utf-8")
    assert main(["plan", str(chemin), "--date", "2026-11-02"]) == 1
    assert "Ce qui manque encore pour déposer :" in capsys.readouterr().out
