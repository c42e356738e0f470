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
    assert "au moins 2 semaines différentes" in probleme.message and "435594" not in probleme.message
    assert "4 tentatives sur 5 jours, au cours d'une seule semaine" in probleme.message


def test_sunday_and_next_monday_are_two_iso_weeks_but_not_enough(tmp_path):
    # Issue 9: two ISO weeks one day apart used to pass as « 2 semaines différentes ».
    dossier = tentatives(tmp_path, "2026-10-11", "2026-10-12")
    (probleme,) = regle(dossier)
    assert probleme.gravite == "erreur" and probleme.chemin == "tentatives"
    assert "au moins 7 jours après la première" in probleme.message
    assert "2 tentatives sur 2 jours, au cours de 2 semaines différentes" in probleme.message
    assert "à partir du 18 octobre 2026" in probleme.message


def test_friday_to_wednesday_as_in_435594_is_blocking(tmp_path):
    # CE 435594: captures from Friday 13 to Wednesday 18 September 2019 (two ISO weeks, five days)
    # were held insufficient. The same spread in 2026: Friday 9 to Wednesday 14 October.
    dossier = tentatives(tmp_path, "2026-10-09", "2026-10-12", "2026-10-14")
    assert bilan_des_tentatives(dossier.tentatives).nombre_de_semaines == 2
    (probleme,) = regle(dossier)
    assert probleme.gravite == "erreur"
    assert "en cinq jours, du vendredi au mercredi suivant" in probleme.message and "435594" not in probleme.message


def test_seven_days_over_two_weeks_is_the_minimum_with_a_warning(tmp_path):
    dossier = tentatives(tmp_path, "2026-10-11", "2026-10-18")   # Sunday to Sunday: 2 weeks, 7 days
    (probleme,) = regle(dossier)
    assert probleme.gravite == "avertissement"
    assert "trois semaines" in probleme.message and "cinq jours" in probleme.message
    assert "ne couvrent que deux semaines et ne s'étendent que sur 8 jours" in probleme.message


def test_three_weeks_under_fourteen_days_is_a_warning(tmp_path):
    # h1-like: Sunday 4, Wednesday 7 and Wednesday 14 October: three ISO weeks, eleven days.
    dossier = tentatives(tmp_path, "2026-10-04", "2026-10-07", "2026-10-14")
    (probleme,) = regle(dossier)
    assert probleme.gravite == "avertissement"
    assert "ne s'étendent que sur 11 jours" in probleme.message
    assert "ne couvrent que deux semaines" not in probleme.message
    resume = bilan_des_tentatives(dossier.tentatives).resume()
    assert resume.startswith("3 tentatives sur 11 jours, au cours de 3 semaines différentes. C'est le minimum")
    assert "à partir du 18 octobre 2026" in resume


def test_fourteen_days_over_two_weeks_is_a_warning(tmp_path):
    dossier = tentatives(tmp_path, "2026-10-05", "2026-10-19")   # Monday to Monday, two weeks apart
    (probleme,) = regle(dossier)
    assert probleme.gravite == "avertissement" and "ne couvrent que deux semaines." in probleme.message


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
    assert un.resume() == ("1 tentative pour l'instant. Il en faut sur au moins deux semaines différentes, la "
                           "dernière au moins sept jours après la première. Refaites une tentative une autre "
                           "semaine, à partir du 12 octobre 2026.")
    trois = bilan_des_tentatives(tentatives(tmp_path, "2026-10-05", "2026-10-13", "2026-10-20").tentatives)
    assert trois.conseille and trois.semaines[0] == dt.date(2026, 10, 5)
    assert trois.resume() == ("3 tentatives sur 16 jours, au cours de 3 semaines différentes. Continuez d'essayer "
                              "chaque semaine jusqu'au dépôt : plus les essais durent, plus la demande est solide.")
    assert "suffisant" not in trois.resume()
    meme_jour = bilan_des_tentatives(tentatives(tmp_path, "2026-10-05", "2026-10-05").tentatives)
    assert not meme_jour.suffisant and meme_jour.resume().startswith("2 tentatives, toutes le même jour.")
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
    assert ("demarches", "erreur") in chemins                      # ANEF without diligence: blocking
    assert ("demarches[1].fichiers", "avertissement") in chemins   # démarche without a copy
