"""Issue 13 for the reminders (rappels.py): each mail in the language of the client's screens when
they asked, kept in the row (`langue`); the French mail as before; a forged code in the row gives
French; a table made before the column gets it (SQLite and PostgreSQL). Then the stop page
(rdv_rappels.yml) walked in the harness in the link's language (`&lang=`), French for a forged one.
As test_rappels.py: a SQLite file, the SMTP sink on a local port, the day given to each run."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import (Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, inspect, text)
from sqlalchemy.engine import make_url

import daharness as da
from docassemble.rdvrefere import rappels
from docassemble.rdvrefere.langues import fichier_de_traduction
from docassemble.rdvrefere.rappels import (Echeance, Programme, composer, creer_tables, envoyer_rappels_dus,
                                           programme_du_client, programmer)
from docassemble.rdvrefere.traductions import lire
from test_langues import mots_etrangers, textes_de_l_ecran
from test_rappels import ARRET, AWA, JEUDI, LIEN, J, _corps, _smtp, boite, engine  # noqa: F401 - fixtures
from test_registre import en_meme_temps, postgresql  # noqa: F401 - fixtures

SOURCES_INSTALLEES = Path(rappels.__file__).parent / "data" / "sources"
AUJOURD_HUI = J("2026-10-08")   # a Thursday
TOUT = [Echeance(t, AUJOURD_HUI) for t in ("tentative", "lettre", "depot", "execution")]


@functools.cache
def traduction(langue: str, francais: str) -> str:
    """The installed file's translation (what the mail must say)."""
    return lire(SOURCES_INSTALLEES / fichier_de_traduction(langue)).cibles("fr")[francais]


def _sans_liens(texte: str) -> str:
    """The mail without its two addresses (Latin letters, in any language)."""
    return "\n".join(ligne for ligne in texte.splitlines() if not ligne.startswith("https://"))


def _programme(engine, langue: str, echeances=TOUT) -> Programme:
    programmer(engine, AWA, "awa.diallo@example.org", JEUDI, echeances, LIEN, lien_arret=ARRET, langue=langue)
    return programme_du_client(engine, AWA)


def _courriel(programme: Programme):
    return composer(programme, programme.echeances, AUJOURD_HUI)


# --- the mails ---------------------------------------------------------------------------------

@pytest.mark.parametrize("langue, dimanche, jeudi", [("ar", "11 أكتوبر 2026", "الخميس"),
                                                      ("en", "October 11, 2026", "Thursday")])
def test_un_rappel_programme_dans_une_langue_est_ecrit_dans_cette_langue(engine, langue, dimanche, jeudi):
    programme = _programme(engine, langue)
    assert programme.langue == langue
    courriel = _courriel(programme)
    assert courriel.langue == langue
    assert courriel.sujet == traduction(langue, "Rendez-vous préfecture : le délai donné au préfet est fini")
    # the dates and the weekday in that language (babel, as the screens)
    assert dimanche in courriel.texte and jeudi in courriel.texte
    assert "octobre" not in courriel.texte and "jeudi" not in courriel.texte
    # every sentence translated: no French word left (Arabic: no Latin word) but the links
    for texte in (courriel.sujet, _sans_liens(courriel.texte)):
        assert not mots_etrangers(texte, langue, set()), (langue, mots_etrangers(texte, langue, set()), texte)
    # both links as they are, the stop link with the language
    lignes = courriel.texte.splitlines()
    assert LIEN in lignes and f"{ARRET}{programme.jeton}&lang={langue}" in lignes
    # the subject of each kind of reminder, and the « only the délai » sentence
    for type_, sujet in (("tentative", "Rendez-vous préfecture : votre essai de la semaine"),
                         ("lettre", "Rendez-vous préfecture : envoyez la lettre recommandée"),
                         ("depot", "Rendez-vous préfecture : vous pouvez déposer votre demande au tribunal")):
        seul = composer(programme, [e for e in programme.echeances if e["type"] == type_], AUJOURD_HUI)
        assert seul.sujet == traduction(langue, sujet)
    delai = composer(programme, [e for e in programme.echeances if e["type"] == "execution"], AUJOURD_HUI)
    assert traduction(langue, "Vous recevez ce rappel le jour où le délai du préfet finit.") in delai.texte


def test_le_courriel_arabe_part_en_utf_8_avec_son_sujet_encode(engine, boite):
    programme = _programme(engine, "ar", [Echeance("tentative", AUJOURD_HUI)])
    assert envoyer_rappels_dus(engine, AUJOURD_HUI, _smtp(boite)).envoyes == ["awa.diallo@example.org"]
    [mail] = boite.relever()
    assert mail["Subject"] == traduction("ar", "Rendez-vous préfecture : votre essai de la semaine")
    assert mail.get_content_type() == "text/plain" and mail.get_content_charset() == "utf-8"
    assert mail["Content-Language"] == "ar"
    corps = _corps(mail)
    assert traduction("ar", "Bonjour,") in corps and "11 أكتوبر 2026" in corps
    assert f"{ARRET}{programme.jeton}&lang=ar" in corps.splitlines()


def test_le_courriel_francais_ne_change_pas(engine, boite):
    programme = _programme(engine, "fr")
    courriel = _courriel(programme)
    assert courriel.sujet == "Rendez-vous préfecture : le délai donné au préfet est fini"
    assert courriel.texte == f"""Bonjour,

Voici ce qu'il faut faire pour votre demande de rendez-vous en préfecture :

- Essayez de prendre rendez-vous sur le site de la préfecture cette semaine, avant le dimanche 11 octobre 2026. \
Faites une capture d'écran où l'on voit l'adresse du site, le message et la date avec l'heure. Ajoutez-la ensuite \
dans votre dossier.
- Envoyez la lettre recommandée avec accusé de réception à la préfecture. Gardez la preuve de dépôt et l'accusé de \
réception, puis ajoutez-les dans votre dossier.
- Vous pouvez déposer votre demande au tribunal à partir du 8 octobre 2026. Ouvrez votre dossier, vérifiez-le, puis \
téléchargez le dossier de dépôt.
- Le délai donné au préfet par le juge est fini. Si vous n'avez pas de rendez-vous, vous pouvez agir à partir du \
8 octobre 2026 : ouvrez votre dossier, écrivez au préfet, puis demandez au tribunal de faire exécuter l'ordonnance. \
Si vous avez reçu un rendez-vous, notez-le dans votre dossier.

Votre dossier :
{LIEN}

Vous recevez ce rappel le jeudi, le jour que vous avez choisi.
Pour ne plus recevoir ces rappels, ouvrez ce lien :
{ARRET}{programme.jeton}

Ce message est envoyé automatiquement. N'y répondez pas.
"""
    # programmed without a language (as before issue 13): French, the same mail
    programmer(engine, AWA, "awa.diallo@example.org", JEUDI, TOUT, LIEN, lien_arret=ARRET)
    assert _courriel(programme_du_client(engine, AWA)) == courriel
    envoyer_rappels_dus(engine, AUJOURD_HUI, _smtp(boite))
    [mail] = boite.relever()
    assert mail["Subject"] == courriel.sujet and _corps(mail).replace("\r\n", "\n") == courriel.texte
    assert mail.get_content_charset() == "utf-8" and mail["Content-Language"] == "fr"


@pytest.mark.parametrize("forge", ["xx", "ar<script>", "AR", "", "../../etc/passwd"])
def test_une_langue_forgee_dans_la_ligne_donne_le_francais(engine, forge):
    francais = _courriel(_programme(engine, "fr"))
    assert _programme(engine, forge).langue == "fr"        # refused when written...
    _programme(engine, "ar")
    with engine.begin() as cx:                              # ...and when read
        cx.execute(text("update rdvrefere_rappel set langue = :l"), {"l": forge})
    programme = programme_du_client(engine, AWA)
    assert programme.langue == "fr" and programme.lien_pour_arreter == ARRET + programme.jeton
    assert _courriel(programme) == francais


# --- a table made before the column ------------------------------------------------------------

def _table_d_avant(engine) -> None:
    """rdvrefere_rappel as issue 11 made it (no `langue`), with one reminder in it."""
    meta = MetaData()
    table = Table(
        "rdvrefere_rappel", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("proprietaire", Integer, nullable=False, index=True), Column("session", String(100), nullable=False),
        Column("courriel", String(254), nullable=False), Column("jour_semaine", Integer, nullable=False),
        Column("echeances", Text, nullable=False), Column("lien", Text, nullable=False),
        Column("lien_arret", Text, nullable=False), Column("jeton", String(64), nullable=False, unique=True),
        Column("actif", Boolean, nullable=False), Column("dernier_envoi", Date),
        Column("version", Integer, nullable=False), Column("modifie_le", DateTime, nullable=False),
        UniqueConstraint("proprietaire", "session", name="rdvrefere_rappel_session_unique"))
    meta.create_all(engine)
    with engine.begin() as cx:
        cx.execute(table.insert().values(
            proprietaire=AWA[0], session=AWA[1], courriel="awa.diallo@example.org", jour_semaine=JEUDI,
            echeances='[{"type": "tentative", "date": "2026-10-08", "envoi": "2026-10-08", "envoye": null}]',
            lien=LIEN, lien_arret=ARRET, jeton="A" * 43, actif=True, version=1, modifie_le=dt.datetime(2026, 10, 1)))


def _une_table_d_avant_recoit_la_colonne(url: str) -> None:
    ancien = create_engine(url)
    _table_d_avant(ancien)
    ancien.dispose()
    moteur = create_engine(url)     # a process of the new version: its first use adds the column
    try:
        assert "langue" not in {c["name"] for c in inspect(moteur).get_columns("rdvrefere_rappel")}
        [(programme, _)] = rappels.rappels_dus(moteur, AUJOURD_HUI)
        assert programme.langue == "fr" and programme.jeton == "A" * 43
        assert _courriel(programme).sujet == "Rendez-vous préfecture : votre essai de la semaine"
        assert "langue" in {c["name"] for c in inspect(moteur).get_columns("rdvrefere_rappel")}
        # then the row takes a language like any other
        assert _programme(moteur, "ar").langue == "ar"
        autre = create_engine(url)        # a second process: nothing to add, no error
        creer_tables(autre)
        autre.dispose()
    finally:
        moteur.dispose()


def test_une_table_d_avant_recoit_la_colonne_sqlite(tmp_path):
    _une_table_d_avant_recoit_la_colonne(f"sqlite:///{tmp_path / 'ancienne.sqlite'}")


def test_une_table_d_avant_recoit_la_colonne_postgresql(postgresql):  # noqa: F811 - the fixture
    nom = f"rdvrefere_{secrets.token_hex(4)}"
    admin = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    with admin.connect() as cx:
        cx.execute(text(f'create database "{nom}"'))
    url = make_url(postgresql).set(database=nom).render_as_string(hide_password=False)
    try:
        _une_table_d_avant_recoit_la_colonne(url)
        # several processes starting at once on an old table: each adds the column or finds it
        with create_engine(url).begin() as cx:
            cx.execute(text("alter table rdvrefere_rappel drop column langue"))
        moteurs = [create_engine(url) for _ in range(4)]
        assert en_meme_temps(*[functools.partial(creer_tables, m) for m in moteurs]) == [None] * 4
        assert programme_du_client(moteurs[0], AWA).langue == "fr"
        for m in moteurs:
            m.dispose()
    finally:
        with admin.connect() as cx:
            cx.execute(text(f'drop database "{nom}" with (force)'))
        admin.dispose()


# --- the stop page in the link's language (harness) ---------------------------------------------

_SESSIONS = itertools.count(9650)
ECRANS_D_ARRET = {"confirmer l'arret": "Arrêter les rappels par courriel ?",
                  "rappels arretes": "Les rappels sont arrêtés",
                  "lien invalide": "Ce lien ne fonctionne pas"}


@pytest.fixture
def registre_du_harness():
    """The harness server's register database (config `rdvrefere registre:`), where the stop page looks."""
    moteur = create_engine(da.daconfig["rdvrefere registre"])
    yield moteur
    moteur.dispose()


def _arguments(programme: Programme) -> dict[str, str]:
    """What the stop page's URL carries, read from the mail's link."""
    return {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(programme.lien_pour_arreter).query).items()
            if cle in ("jeton", "lang")}


def _programme_du_harness(moteur, langue: str) -> tuple[Programme, tuple[int, str]]:
    proprietaire = (next(_SESSIONS), "session-rappels")
    programmer(moteur, proprietaire, "awa.diallo@example.org", JEUDI, TOUT, LIEN, lien_arret=ARRET, langue=langue)
    return programme_du_client(moteur, proprietaire), proprietaire


def _sans_faute(s: da.Session, langue: str) -> None:
    textes = "\n".join(textes_de_l_ecran(s))
    assert not mots_etrangers(textes, langue, set()), (langue, s.question.id, mots_etrangers(textes, langue, set()))


@pytest.mark.parametrize("langue", ["ar", "en"])
def test_la_page_d_arret_parle_la_langue_du_lien(registre_du_harness, langue):
    programme, proprietaire = _programme_du_harness(registre_du_harness, langue)
    arguments = _arguments(programme)
    assert arguments == {"jeton": programme.jeton, "lang": langue}
    s = da.start("rdv_rappels.yml", url_args=arguments)
    assert s.question.id == "confirmer l'arret"
    assert s.question_text == traduction(langue, ECRANS_D_ARRET["confirmer l'arret"])
    _sans_faute(s, langue)
    assert programme_du_client(registre_du_harness, proprietaire).actif   # opening the link stops nothing
    s.answer()
    assert s.question.id == "rappels arretes" and s.question_text == traduction(langue, "Les rappels sont arrêtés")
    _sans_faute(s, langue)
    assert not programme_du_client(registre_du_harness, proprietaire).actif
    # a token of the wrong shape, in that language: the invalid link's page, the database not asked
    s = da.start("rdv_rappels.yml", url_args={"jeton": programme.jeton + "'", "lang": langue})
    assert s.question.id == "lien invalide" and s.question_text == traduction(langue, "Ce lien ne fonctionne pas")
    _sans_faute(s, langue)


@pytest.mark.parametrize("forge", ["xx", "ar<script>", "${ 1+1 }", "", "fr"])
def test_une_langue_forgee_dans_le_lien_laisse_la_page_en_francais(registre_du_harness, forge):
    programme, proprietaire = _programme_du_harness(registre_du_harness, "ar")
    s = da.start("rdv_rappels.yml", url_args={"jeton": programme.jeton, "lang": forge})
    assert s.question_text == "Arrêter les rappels par courriel ?"
    _sans_faute(s, "fr")
    s.answer()
    assert s.question_text == "Les rappels sont arrêtés"
    assert not programme_du_client(registre_du_harness, proprietaire).actif


def test_sans_jeton_valide_rien_n_est_arrete_quelle_que_soit_la_langue(registre_du_harness):
    programme, proprietaire = _programme_du_harness(registre_du_harness, "ar")
    for jeton in (None, "", "B" * 43, programme.jeton[:-1], programme.jeton + "&lang=ar"):
        s = da.start("rdv_rappels.yml", url_args={"jeton": jeton, "lang": "ar"})
        if s.question.id == "confirmer l'arret":      # a well-shaped unknown token: asked, then refused
            s.answer()
        assert s.question.id == "lien invalide", (jeton, s.screen())
        assert re.search(r"[\u0600-\u06ff]", s.question_text)
    assert programme_du_client(registre_du_harness, proprietaire).actif


# --- the subscription (rdvrefere.yml's reminders screen, rappels_serveur.py) -------------------

@pytest.mark.parametrize("langue", ["ar", "en", "fr"])
def test_l_abonnement_retient_la_langue_de_la_page(registre_du_harness, monkeypatch, langue):
    """programmer_rappels keeps the page's language in the row; the screen's dates, weekdays and
    refusal are in that language."""
    from docassemble.rdvrefere import rappels_serveur  # noqa: PLC0415
    # the harness's addresses are relative; the server's are absolute (programmer() checks them)
    monkeypatch.setattr(rappels_serveur, "interview_url",
                        lambda **arguments: "https://rdv.example.org/interview?i=" + arguments.get("i", "rdvrefere"))
    numero = next(_SESSIONS)
    s = da.start("rdvrefere.yml", user={"email": f"rappels{numero}@example.org", "theid": numero})
    s.next(action="changer_de_langue", arguments={"langue": langue})
    # the screen's texts made in Python, as the page in that language shows them (code run outside a
    # screen speaks French: the language set first, as the interview's initial block does)
    jours, echeances = s.eval("(appliquer_la_langue(langue_interface), choix_jours(), "
                              "texte_des_echeances(echeances_du_client(client, 3)))[1:]")
    assert [list(j.values())[0] for j in jours][3] == {"ar": "الخميس", "en": "Thursday", "fr": "jeudi"}[langue]
    assert echeances.startswith("* ") and not mots_etrangers(echeances, langue, set()), echeances
    refus = s.eval("(appliquer_la_langue(langue_interface), setattr(client, 'rappels_courriel', 'pas une adresse'),"
                   " setattr(client, 'rappels_jour', '3'), programmer_rappels(client), tr(client.refus_rappels))[-2:]")
    assert refus == (False, traduction(langue, "Cette adresse électronique n'est pas valable.")
                     if langue != "fr" else "Cette adresse électronique n'est pas valable.")
    assert s.eval("(appliquer_la_langue(langue_interface), setattr(client, 'rappels_courriel', 'awa@example.org'),"
                  " programmer_rappels(client))[-1]") is True
    programme = programme_du_client(registre_du_harness, (numero, s.session_id))
    assert programme.langue == langue
    assert programme.lien_pour_arreter.endswith("" if langue == "fr" else f"&lang={langue}")
