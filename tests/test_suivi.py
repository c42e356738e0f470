"""Staff see the journey (suivi.py, issue 11 point 6): one row per client session in preparation,
written at each visit, read by the staff's list « Dossiers en préparation ». As test_rappels.py /
test_registre.py: a SQLite database in a temporary file; the two-visits-at-once race on the
throwaway PostgreSQL of test_registre.py (a database that really enforces the unique key)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine

from docassemble.rdvrefere.registre import Registre
from docassemble.rdvrefere.suivi import (JOURS_SANS_VISITE, Visite, depuis, empreinte, en_preparation, noter_visite,
                                         oublier, suivi_de)
from test_registre import en_meme_temps, postgresql, registre_pg  # noqa: F401 - fixtures

AWA = (7, "sessionawa")
MOUSSA = (8, "sessionmoussa")
T0 = dt.datetime(2026, 11, 2, 9, 30)


@pytest.fixture
def moteur(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'registre.db'}")
    Registre(engine)   # the register's tables, as on the server (registre_serveur.registre())
    return engine


def visite(**valeurs) -> Visite:
    return Visite(**{"nom": "Awa DIALLO", "departement": "93", "courriel": "awa@example.org",
                     "telephone": "06 12 34 56 78", "manque": ("Il faut des tentatives sur 2 semaines.",), **valeurs})


def test_premiere_puis_derniere_visite(moteur):
    premier = noter_visite(moteur, AWA, Visite(courriel="awa@example.org"), T0)
    assert (premier.premiere_visite, premier.derniere_visite, premier.nom) == (T0, T0, "")
    plus_tard = T0 + dt.timedelta(days=3, hours=2)
    suivi = noter_visite(moteur, AWA, visite(), plus_tard)
    assert (suivi.premiere_visite, suivi.derniere_visite) == (T0, plus_tard)   # the first visit stays
    assert (suivi.nom, suivi.departement, suivi.courriel, suivi.telephone) == (
        "Awa DIALLO", "93", "awa@example.org", "06 12 34 56 78")
    assert suivi.manque == ("Il faut des tentatives sur 2 semaines.",)
    assert suivi_de(moteur, AWA) == suivi and suivi_de(moteur, MOUSSA) is None


def test_une_ligne_par_session_et_par_proprietaire(moteur):
    noter_visite(moteur, AWA, visite(), T0)
    noter_visite(moteur, (7, "autresession"), visite(nom="Awa DIALLO (2)"), T0)
    noter_visite(moteur, (9, "sessionawa"), visite(nom="Quelqu'un d'autre"), T0)   # same key, other owner
    assert sorted(s.nom for s in en_preparation(moteur)) == ["Awa DIALLO", "Awa DIALLO (2)", "Quelqu'un d'autre"]
    assert suivi_de(moteur, AWA).nom == "Awa DIALLO"


def test_ceux_qui_ne_reviennent_plus_d_abord(moteur):
    maintenant = T0 + dt.timedelta(days=30)
    noter_visite(moteur, AWA, visite(), maintenant - dt.timedelta(days=2))
    noter_visite(moteur, MOUSSA, visite(nom="Moussa KONÉ"), maintenant - dt.timedelta(days=12))
    noter_visite(moteur, (10, "s10"), visite(nom="Fatou SOW"), maintenant - dt.timedelta(days=JOURS_SANS_VISITE))
    liste = en_preparation(moteur)
    assert [s.nom for s in liste] == ["Moussa KONÉ", "Fatou SOW", "Awa DIALLO"]
    assert [s.a_cesse_de_revenir(maintenant) for s in liste] == [True, True, False]
    assert liste[0].derniere_visite_texte(maintenant) == "20 novembre 2026 (il y a 12 jours)"
    assert liste[0].premiere_visite_texte() == "20 novembre 2026"


def test_un_dossier_transmis_quitte_la_liste(moteur, tmp_path):
    noter_visite(moteur, AWA, visite(), T0)
    noter_visite(moteur, MOUSSA, visite(nom="Moussa KONÉ"), T0)
    noter_visite(moteur, (10, "s10"), visite(nom="Fatou SOW", transmis=True), T0)   # its own flag
    Registre(moteur).transmettre(MOUSSA[0], MOUSSA[1], {"requerant": {"nom": "Koné"}})   # in the register
    assert [s.nom for s in en_preparation(moteur)] == ["Awa DIALLO"]
    assert [s.nom for s in en_preparation(moteur, transmis=[AWA])] == []


def test_oublier_une_session(moteur):
    noter_visite(moteur, AWA, visite(), T0)
    assert oublier(moteur, AWA) and suivi_de(moteur, AWA) is None and not oublier(moteur, AWA)


def test_valeurs_coupees_et_proprietaire_exige(moteur):
    long = noter_visite(moteur, AWA, visite(nom="x" * 500, departement="9" * 40, manque=("", "a", " ")), T0)
    assert len(long.nom) == 200 and len(long.departement) == 10 and long.manque == ("a",)
    with pytest.raises(ValueError):
        noter_visite(moteur, (None, "s"), visite(), T0)
    with pytest.raises(ValueError):
        noter_visite(moteur, (7, ""), visite(), T0)


def test_empreinte_et_depuis():
    jour = T0.date()
    assert empreinte(visite(), jour) == empreinte(visite(), jour)
    assert empreinte(visite(), jour) != empreinte(visite(), jour + dt.timedelta(days=1))     # once a day
    assert empreinte(visite(), jour) != empreinte(visite(manque=()), jour)                   # or a change
    assert depuis(T0, T0 + dt.timedelta(hours=5)) == "aujourd'hui"
    assert depuis(T0, T0 + dt.timedelta(days=1)) == "hier"
    assert depuis(T0, T0 + dt.timedelta(days=12)) == "il y a 12 jours"


def test_deux_visites_en_meme_temps_une_seule_ligne(registre_pg):  # noqa: F811 - the fixture
    moteur = registre_pg.engine
    resultats = en_meme_temps(*[lambda i=i: noter_visite(moteur, AWA, visite(nom=f"Awa {i}"), T0) for i in range(8)])
    assert not [r for r in resultats if isinstance(r, Exception)], resultats
    (seule,) = en_preparation(moteur)
    assert seule.nom.startswith("Awa ") and seule.premiere_visite == T0


# --- on the interview and the staff screen (headless, tests/daharness.py) ----------------------------

import daharness as da  # noqa: E402
from test_interview import Parcours  # noqa: E402

PERSONNEL = {"email": "benevole@asso.example", "theid": 9490, "roles": ["rdvrefere_personnel"]}


def _moteur_du_serveur(s):
    return s.eval("__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).registre().engine")


def test_une_visite_enregistre_la_ligne_puis_une_fois_par_jour(tmp_path):
    s = da.start("rdvrefere.yml", user={"email": "suivi9401@example.org", "theid": 9401})
    moteur = _moteur_du_serveur(s)
    premier = suivi_de(moteur, (9401, s.session_id))
    assert premier is not None and premier.courriel == "suivi9401@example.org" and premier.nom == ""
    assert premier.manque and not premier.transmis           # the plan's « manque » of an empty dossier
    Parcours(tmp_path).jusqua(s, "Démarche n° 1")
    suivi = suivi_de(moteur, (9401, s.session_id))
    assert (suivi.nom, suivi.departement, suivi.telephone) == ("Awa DIALLO", "93", "0612345678")
    assert suivi.premiere_visite == premier.premiere_visite
    # nothing changed the same day: no write (the session's fingerprint)
    with moteur.begin() as cx:
        cx.exec_driver_sql("update rdvrefere_suivi set derniere_visite = '2026-01-01 08:00:00' "
                           f"where proprietaire = 9401 and session = '{s.session_id}'")
    s.next()
    assert suivi_de(moteur, (9401, s.session_id)).derniere_visite == dt.datetime(2026, 1, 1, 8, 0)
    # a new day (or a change): written again
    s.set({"client.suivi_empreinte": "hier"})
    s.next()
    assert suivi_de(moteur, (9401, s.session_id)).derniere_visite.date() == dt.date.today()


def test_un_post_force_n_ecrit_jamais_pour_un_autre(tmp_path):
    s = da.start("rdvrefere.yml", user={"email": "suivi9402@example.org", "theid": 9402})
    moteur = _moteur_du_serveur(s)
    s.answer()
    assert suivi_de(moteur, (9402, s.session_id)) is not None
    # the owner is the signed-in user, the session the current one: a forged owner writes nothing
    s.set({"client.proprietaire": 9401, "client.suivi_empreinte": "", "client.requerant.nom": "Usurpé"})
    try:
        s.next()
    except Exception:  # noqa: BLE001 - the guard sends the visitor away (a redirect)
        pass
    assert suivi_de(moteur, (9401, s.session_id)) is None
    assert suivi_de(moteur, (9402, s.session_id)).nom == ""


def test_l_equipe_voit_les_dossiers_en_preparation(tmp_path):
    client = da.start("rdvrefere.yml", user={"email": "suivi9403@example.org", "theid": 9403})
    Parcours(tmp_path).jusqua(client, "Avez-vous reçu une décision")
    moteur = _moteur_du_serveur(client)
    maintenant = dt.datetime.now()
    noter_visite(moteur, (9404, "s9404"), visite(nom="Zoé ANCIENNE <b>x</b>", courriel="zoe@example.org"),
                 maintenant - dt.timedelta(days=12))
    noter_visite(moteur, (9405, "s9405"), visite(nom="Yves TRANSMIS"), maintenant - dt.timedelta(days=20))
    Registre(moteur).transmettre(9405, "s9405", {"requerant": {"nom": "Transmis"}})
    s = da.start("staff.yml", user=PERSONNEL)
    assert s.question_text == "Dossiers transmis par les clients"
    dessous = s.status.extras["underText"]
    assert "Dossiers en préparation" in dessous
    assert "Yves TRANSMIS" not in dessous                                   # in the other list
    assert client.session_id not in dessous and "s9404" not in dessous      # the session key is never shown
    zoe = dessous.index("Zoé ANCIENNE")
    assert "&lt;b&gt;x&lt;/b&gt;" in dessous and "<b>x</b>" not in dessous    # escaped
    assert zoe < dessous.index("suivi9403@example.org")                      # who stopped coming back first
    ligne_zoe = dessous[dessous.rindex("<tr", 0, zoe):dessous.index("</tr>", zoe)]
    assert "ne revient plus" in ligne_zoe and "il y a 12 jours" in ligne_zoe and "mailto:zoe@example.org" in ligne_zoe
    assert "Il faut des tentatives sur 2 semaines." in ligne_zoe and "tel:0612345678" in ligne_zoe
    ligne = dessous[dessous.rindex("<tr", 0, dessous.index("suivi9403@example.org")):]
    assert "ne revient plus" not in ligne.split("</tr>")[0] and "aujourd&#x27;hui" in ligne.split("</tr>")[0]
    assert "93 — Seine-Saint-Denis" in ligne.split("</tr>")[0]


def test_un_client_ne_voit_pas_la_liste():
    s = da.start("staff.yml", user={"email": "suivi9406@example.org", "theid": 9406})
    assert s.question_text == "Accès réservé à l'équipe"
    assert "Dossiers en préparation" not in (s.status.extras.get("underText") or "")


def test_l_accueil_le_dit():
    s = da.start("rdvrefere.yml", user={"email": "suivi9407@example.org", "theid": 9407})
    assert s.question_text == "Bienvenue"
    assert "L'équipe voit où vous en êtes, pour pouvoir vous aider." in s.subquestion_text
