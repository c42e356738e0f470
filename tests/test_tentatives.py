"""The attempts rule (CE 10 juin 2020 n° 435594; CE 18 février 2022 n° 455740)."""

import datetime as dt

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.tentatives import bilan_des_tentatives, regle_des_tentatives, tentatives_triees
from dossiers import AUJOURD_HUI, donnees


def tentatives(tmp_path, *dates, heure="10:00"):
    liste = [{"date": d, "heure": heure, "constat": "rien", "fichiers": ["c1.png"]} for d in dates]
    return dossier_depuis_donnees(donnees(tmp_path, tentatives=liste), tmp_path)


def regle(dossier, aujourd_hui=AUJOURD_HUI):
    return regle_des_tentatives(dossier.tentatives, date_naissance=dossier.requerant.date_naissance,
                                aujourd_hui=aujourd_hui)


def test_one_week_is_blocking_even_with_many_screenshots(tmp_path):
    # 435594: four screenshots over five days were not enough.
    dossier = tentatives(tmp_path, "2026-10-05", "2026-10-06", "2026-10-08", "2026-10-09")
    (probleme,) = regle(dossier)
    assert probleme.gravite == "erreur" and probleme.chemin == "tentatives"
    assert "au moins 2 semaines différentes" in probleme.message and "435594" in probleme.message
    assert "4 tentatives sur 1 semaine différente" in probleme.message


def test_sunday_and_next_monday_are_two_iso_weeks(tmp_path):
    dossier = tentatives(tmp_path, "2026-10-11", "2026-10-12")
    (probleme,) = regle(dossier)
    assert probleme.gravite == "avertissement"
    assert "trois semaines" in probleme.message and "cinq jours" in probleme.message


def test_three_weeks_is_fine(tmp_path):
    assert regle(tentatives(tmp_path, "2026-10-05", "2026-10-14", "2026-10-21")) == []


def test_future_dates_and_dates_before_birth_are_errors_and_do_not_count(tmp_path):
    dossier = tentatives(tmp_path, "2026-10-05", "2026-11-20", "1989-01-01", "2026-10-14", "2026-10-21")
    problemes = {p.chemin: p for p in regle(dossier)}
    assert "20 novembre 2026 est dans le futur" in problemes["tentatives[2].date"].message
    assert "antérieure à la naissance" in problemes["tentatives[3].date"].message
    assert set(problemes) == {"tentatives[2].date", "tentatives[3].date"}


def test_attempt_without_screenshot_is_an_error(tmp_path):
    dossier = tentatives(tmp_path, "2026-10-05", "2026-10-14", "2026-10-21")
    dossier.tentatives[1].fichiers = []
    (probleme,) = regle(dossier)
    assert probleme.chemin == "tentatives[2].fichiers" and "capture" in probleme.message


def test_attempts_are_sorted_by_date_and_time(tmp_path):
    liste = [{"date": "2026-10-14", "heure": "18:00", "constat": "a", "fichiers": ["c1.png"]},
             {"date": "2026-10-05", "heure": "10:00", "constat": "b", "fichiers": ["c1.png"]},
             {"date": "2026-10-14", "heure": "08:00", "constat": "c", "fichiers": ["c1.png"]}]
    dossier = dossier_depuis_donnees(donnees(tmp_path, tentatives=liste), tmp_path)
    assert [position for position, _ in tentatives_triees(dossier.tentatives)] == [2, 3, 1]


def test_live_summary_says_what_is_missing(tmp_path):
    un = bilan_des_tentatives(tentatives(tmp_path, "2026-10-05").tentatives)
    assert not un.suffisant and "une autre semaine" in un.resume()
    trois = bilan_des_tentatives(tentatives(tmp_path, "2026-10-05", "2026-10-13", "2026-10-20").tentatives)
    assert trois.conseille and trois.semaines[0] == dt.date(2026, 10, 5)
    assert trois.resume() == "3 tentatives sur 3 semaines différentes. C'est suffisant."
    assert "Aucune tentative" in bilan_des_tentatives([]).resume()


def test_each_problem_is_said_once(tmp_path):
    from docassemble.rdvrefere.verification import verifier  # noqa: PLC0415
    data = donnees(tmp_path, urgence={"circonstances": []},
                   demande={"nature": "premiere_demande", "titre": "vie privée et familiale"},
                   blocage={"type": "anef", "plateforme": "ANEF"},
                   demarches=[{"date": "2026-10-16", "nature": "courriel", "description": "d"}])
    problemes = verifier(dossier_depuis_donnees(data, tmp_path), aujourd_hui=AUJOURD_HUI)
    chemins = [(p.chemin, p.gravite) for p in problemes]
    assert len(chemins) == len(set(p.chemin for p in problemes)), chemins
    assert ("urgence.circonstances", "erreur") in chemins          # first application: blocking
    assert ("demarches", "avertissement") in chemins               # ANEF without diligence
    assert ("demarches[1].fichiers", "avertissement") in chemins   # démarche without a copy
