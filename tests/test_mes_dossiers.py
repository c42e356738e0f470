"""Engine tests of mes_dossiers.py (issue 10 point 1): which session a returning client lands in,
and how « Mes dossiers » names, dates and orders each dossier."""

from __future__ import annotations

import datetime as dt

from docassemble.rdvrefere.mes_dossiers import (Fiche, SessionDuClient, date_heure_francaise, etat_du_dossier,
                                                fiches_du_client, lieu_du_dossier, nom_du_dossier, nouveau_demande,
                                                session_a_rouvrir)
from docassemble.rdvrefere.personnel import APPROUVE, DEPOSE, PRET_A_RELIRE

MOI, AUTRE = 7, 8


def _s(cle, modifiee, commencee=None, proprietaire=MOI, **autres):
    return SessionDuClient(cle=cle, modifiee=modifiee, commencee=commencee or modifiee, proprietaire=proprietaire,
                           **autres)


def test_the_most_recently_changed_other_session_is_reopened():
    sessions = [_s("ancienne", dt.datetime(2026, 11, 2, 9, 0)), _s("recente", dt.datetime(2026, 12, 3, 13, 5)),
                _s("courante", dt.datetime(2026, 12, 4, 8, 0))]
    assert session_a_rouvrir(sessions, "courante", MOI) == "recente"


def test_nothing_to_reopen_for_a_first_visit_or_an_anonymous_visitor():
    assert session_a_rouvrir([], "courante", MOI) is None
    assert session_a_rouvrir([_s("courante", dt.datetime(2026, 12, 4))], "courante", MOI) is None
    assert session_a_rouvrir([_s("a", dt.datetime(2026, 12, 4))], "courante", None) is None


def test_a_session_owned_by_someone_else_is_never_reopened():
    sessions = [_s("a-moi", dt.datetime(2026, 11, 1)), _s("a-lui", dt.datetime(2026, 12, 1), proprietaire=AUTRE)]
    assert session_a_rouvrir(sessions, "courante", MOI) == "a-moi"
    assert session_a_rouvrir(sessions[1:], "courante", MOI) is None


def test_aware_and_naive_times_compare_and_unknown_times_come_last():
    paris = dt.timezone(dt.timedelta(hours=1))
    sessions = [_s("sans-date", None), _s("naive", dt.datetime(2026, 12, 3, 12, 0)),
                _s("aware", dt.datetime(2026, 12, 3, 12, 30, tzinfo=paris))]  # 11 h 30 UTC
    assert session_a_rouvrir(sessions, "x", MOI) == "naive"
    assert session_a_rouvrir(sessions[:1], "x", MOI) == "sans-date"


def test_a_new_dossier_is_asked_by_nouveau_or_new_session():
    assert nouveau_demande({"nouveau": "1"})
    assert nouveau_demande({"new_session": "1"})
    assert nouveau_demande({"nouveau": "oui"})
    assert not nouveau_demande({})
    assert not nouveau_demande({"nouveau": "0", "new_session": ""})


def test_dates_are_french_and_in_paris_time():
    # docassemble stores naive UTC: 13 h 05 UTC in December is 14 h 05 in Paris
    assert date_heure_francaise(dt.datetime(2026, 12, 3, 13, 5)) == "3 décembre 2026 à 14 h 05"
    # summer time: UTC+2
    assert date_heure_francaise(dt.datetime(2026, 7, 1, 7, 0)) == "1er juillet 2026 à 9 h 00"
    assert date_heure_francaise(dt.datetime(2026, 12, 31, 23, 30)) == "1er janvier 2027 à 0 h 30"
    assert date_heure_francaise(None) == ""


def test_a_dossier_is_named_by_the_applicant_and_the_departement():
    assert nom_du_dossier("Awa", "Diallo") == "Awa Diallo"
    assert nom_du_dossier("  Awa  Marie ", None) == "Awa Marie"
    assert nom_du_dossier("", "") == "Dossier sans nom"
    assert lieu_du_dossier("93") == "Seine-Saint-Denis (93)"
    assert lieu_du_dossier("2A") == "Corse-du-Sud (2A)"
    assert lieu_du_dossier("977").endswith("(977)")
    assert lieu_du_dossier("988") == "La Nouvelle-Calédonie (988)"
    assert lieu_du_dossier("") == ""
    assert lieu_du_dossier("999") == ""


def test_the_state_in_the_clients_words():
    assert etat_du_dossier(None) == "en cours"
    assert etat_du_dossier("en cours") == "en cours"
    assert etat_du_dossier(PRET_A_RELIRE) == "en relecture"
    assert etat_du_dossier(PRET_A_RELIRE, relecture=False) == "prêt à déposer"
    assert etat_du_dossier(APPROUVE) == "approuvé"
    assert etat_du_dossier(DEPOSE) == "déposé"


def test_the_list_shows_the_users_own_dossiers_newest_first():
    sessions = [
        _s("a", dt.datetime(2026, 11, 2, 9, 0), dt.datetime(2026, 11, 1, 8, 0), prenoms="Awa", nom="Diallo",
           departement="93", statut=APPROUVE),
        _s("b", dt.datetime(2026, 12, 3, 13, 5), prenoms="", nom="", departement=""),
        _s("c", dt.datetime(2026, 12, 5, 13, 5), proprietaire=AUTRE, prenoms="Intrus", nom="X"),
    ]
    fiches = fiches_du_client(sessions, MOI)
    assert [f.cle for f in fiches] == ["b", "a"]
    assert fiches[1] == Fiche(cle="a", titre="Awa Diallo", lieu="Seine-Saint-Denis (93)", etat="approuvé",
                              modifiee_le="2 novembre 2026 à 10 h 00", commencee_le="1er novembre 2026 à 9 h 00")
    assert fiches[0].titre == "Dossier sans nom" and fiches[0].lieu == "" and fiches[0].etat == "en cours"
    assert fiches_du_client(sessions, None) == []
