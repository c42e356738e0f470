"""Reminders by e-mail (rappels.py, issue 11 point 5), for real: a SQLite database in a temporary
file, an SMTP sink (aiosmtpd) on a free local port receiving the mails over a socket, the day
given to each run (the clock injected, never slept on), and the `rdvrefere rappels` command of the
installed wheel against a docassemble-style config file."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from docassemble.rdvrefere.plan import plan
from docassemble.rdvrefere.rappels import (Echeance, ReglagesSmtp, arreter, arreter_pour, echeances_du_plan,
                                           envoyer_rappels_dus, jeton_valide, lire_config_docassemble, programme_du_client,
                                           programmer, rappels_dus)

LIEN = "https://rdv.example.org/interview?i=docassemble.rdvrefere:data/questions/rdvrefere.yml"
ARRET = "https://rdv.example.org/interview?i=docassemble.rdvrefere:data/questions/rdv_rappels.yml&jeton="
AWA = (7, "sessionawa")
EXPEDITEUR = "Rendez-vous préfecture <rappels@association.example>"
J = dt.date.fromisoformat
JEUDI = 3


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Boite:
    """The sink's handler: every message received, parsed."""

    def __init__(self):
        self.recus: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Enveloppe-A"] = ",".join(envelope.rcpt_tos)
        self.recus.append(message)
        return "250 OK"

    def relever(self) -> list[email.message.EmailMessage]:
        recus, self.recus = self.recus, []
        return recus


@pytest.fixture
def boite():
    handler = _Boite()
    controleur = Controller(handler, hostname="127.0.0.1", port=_port_libre())
    controleur.start()
    handler.port = controleur.port
    try:
        yield handler
    finally:
        controleur.stop()


@pytest.fixture
def engine(tmp_path):
    moteur = create_engine(f"sqlite:///{tmp_path / 'rappels.sqlite'}")
    yield moteur
    moteur.dispose()


def _smtp(boite) -> ReglagesSmtp:
    return ReglagesSmtp(serveur="127.0.0.1", port=boite.port, tls=False, expediteur=EXPEDITEUR, delai_secondes=10)


def _corps(message) -> str:
    return message.get_body(("plain",)).get_content()


def _programme_awa(engine):
    # jour choisi : le jeudi ; 8 et 15 octobre 2026 sont des jeudis
    return programmer(engine, AWA, "awa.diallo@example.org", JEUDI,
                      [Echeance("tentative", J("2026-10-08")), Echeance("tentative", J("2026-10-15")),
                       Echeance("lettre", J("2026-10-12")), Echeance("depot", J("2026-10-23"))],
                      LIEN, lien_arret=ARRET)


def test_les_bons_courriels_les_bons_jours_une_seule_fois(engine, boite):
    programme = _programme_awa(engine)
    assert jeton_valide(programme.jeton)
    smtp = _smtp(boite)

    # nothing before the day
    for jour in ("2026-10-05", "2026-10-07"):
        assert envoyer_rappels_dus(engine, J(jour), smtp).envoyes == []
    assert boite.relever() == []

    # Thursday 8 October: the week's attempt
    assert envoyer_rappels_dus(engine, J("2026-10-08"), smtp).envoyes == ["awa.diallo@example.org"]
    [mail] = boite.relever()
    assert mail["To"] == "awa.diallo@example.org" and mail["X-Enveloppe-A"] == "awa.diallo@example.org"
    assert mail["From"] == EXPEDITEUR
    assert mail["Subject"] == "Rendez-vous préfecture : votre essai de la semaine"
    corps = _corps(mail)
    assert "cette semaine, avant le dimanche 11 octobre 2026" in corps
    assert "capture d'écran" in corps and "lettre recommandée" not in corps
    assert LIEN in corps.splitlines()
    assert ARRET + programme.jeton in corps.splitlines()
    assert "jeudi" in corps

    # the same day again, and the day after: nothing twice
    assert envoyer_rappels_dus(engine, J("2026-10-08"), smtp).envoyes == []
    assert envoyer_rappels_dus(engine, J("2026-10-09"), smtp).envoyes == []
    assert boite.relever() == []

    # Thursday 15 October: the second attempt and the letter (due Monday 12, sent on the chosen day), one mail
    assert envoyer_rappels_dus(engine, J("2026-10-15"), smtp).envoyes == ["awa.diallo@example.org"]
    [mail] = boite.relever()
    assert mail["Subject"] == "Rendez-vous préfecture : envoyez la lettre recommandée"
    corps = _corps(mail)
    assert "lettre recommandée avec accusé de réception" in corps and "avant le dimanche 18 octobre 2026" in corps

    # Thursday 22: nothing is due; Thursday 29: filing possible from Friday 23
    assert envoyer_rappels_dus(engine, J("2026-10-22"), smtp).envoyes == []
    assert envoyer_rappels_dus(engine, J("2026-10-29"), smtp).envoyes == ["awa.diallo@example.org"]
    [mail] = boite.relever()
    assert mail["Subject"] == "Rendez-vous préfecture : vous pouvez déposer votre demande au tribunal"
    assert "à partir du 23 octobre 2026" in _corps(mail)
    assert envoyer_rappels_dus(engine, J("2026-10-29"), smtp).envoyes == []
    assert boite.relever() == []
    lu = programme_du_client(engine, AWA)
    assert lu.dernier_envoi == J("2026-10-29") and all(e["envoye"] for e in lu.echeances)


def test_un_job_en_retard_envoie_dans_la_semaine_puis_abandonne(engine, boite):
    _programme_awa(engine)
    smtp = _smtp(boite)
    # the job did not run on Thursday 8: Saturday 10 still sends the attempt of the week
    assert envoyer_rappels_dus(engine, J("2026-10-10"), smtp).envoyes == ["awa.diallo@example.org"]
    boite.relever()
    # not run for a month: the old reminders are dropped, only the filing one (sent 29 October) goes
    assert [e["type"] for _, dus in rappels_dus(engine, J("2026-11-02")) for e in dus] == ["depot"]
    assert [e["type"] for _, dus in rappels_dus(engine, J("2026-11-05")) for e in dus] == []


def test_arreter_avec_le_lien_du_courriel(engine, boite):
    programme = _programme_awa(engine)
    smtp = _smtp(boite)
    envoyer_rappels_dus(engine, J("2026-10-08"), smtp)
    [mail] = boite.relever()
    lien_arret = next(ligne for ligne in _corps(mail).splitlines() if ligne.startswith(ARRET))
    jeton = lien_arret[len(ARRET):]
    assert jeton == programme.jeton
    assert arreter(engine, jeton) is True
    for jour in ("2026-10-15", "2026-10-29"):
        assert envoyer_rappels_dus(engine, J(jour), smtp).envoyes == []
    assert boite.relever() == []
    assert programme_du_client(engine, AWA).actif is False
    assert arreter(engine, jeton) is True  # a second click: still stopped, same answer


@pytest.mark.parametrize("jeton", [None, "", "abc", 12345, "A" * 42, "A" * 44, "A" * 42 + "!",
                                   "' OR 1=1 --" + "A" * 32, "A" * 43 + "\n", "%" * 43])
def test_un_mauvais_jeton_est_refuse(engine, boite, jeton):
    _programme_awa(engine)
    assert arreter(engine, jeton) is False
    assert programme_du_client(engine, AWA).actif is True


def test_un_jeton_inconnu_ou_ancien_est_refuse(engine, boite):
    ancien = _programme_awa(engine).jeton
    assert arreter(engine, "B" * 43) is False
    assert arreter_pour(engine, AWA) is True        # the client deletes the schedule...
    nouveau = _programme_awa(engine)                # ...then subscribes again: a new token
    assert nouveau.jeton != ancien
    assert arreter(engine, ancien) is False
    assert programme_du_client(engine, AWA).actif is True
    assert arreter(engine, nouveau.jeton) is True


def test_reprogrammer_garde_le_jeton_et_n_envoie_pas_deux_fois(engine, boite):
    premier = _programme_awa(engine)
    envoyer_rappels_dus(engine, J("2026-10-08"), _smtp(boite))
    assert len(boite.relever()) == 1
    # the interview recomputes the schedule (a new attempt entered): same token, 8 October stays sent
    second = _programme_awa(engine)
    assert second.jeton == premier.jeton and second.version > premier.version
    assert envoyer_rappels_dus(engine, J("2026-10-08"), _smtp(boite)).envoyes == []
    assert boite.relever() == []


def test_programmer_remplace_et_le_client_peut_tout_effacer(engine, boite):
    _programme_awa(engine)
    programmer(engine, AWA, "awa@example.net", 0, [Echeance("depot", J("2026-10-21"))], LIEN, lien_arret=ARRET)
    lu = programme_du_client(engine, AWA)
    assert lu.courriel == "awa@example.net" and lu.jour_semaine == 0
    assert lu.echeances == [{"type": "depot", "date": "2026-10-21", "envoi": "2026-10-26", "envoye": None}]
    assert programme_du_client(engine, (7, "autre-session")) is None
    assert arreter_pour(engine, AWA) is True
    assert programme_du_client(engine, AWA) is None
    with pytest.raises(ValueError):
        programmer(engine, AWA, "pas une adresse", 0, [], LIEN, lien_arret=ARRET)
    with pytest.raises(ValueError):
        programmer(engine, AWA, "awa@example.net\nBcc: x@example.org", 0, [], LIEN, lien_arret=ARRET)
    with pytest.raises(ValueError):
        programmer(engine, AWA, "awa@example.net", 7, [], LIEN, lien_arret=ARRET)


def test_un_envoi_qui_echoue_est_refait_au_prochain_passage(engine, boite):
    _programme_awa(engine)
    ferme = ReglagesSmtp(serveur="127.0.0.1", port=_port_libre(), tls=False, expediteur=EXPEDITEUR, delai_secondes=5)
    bilan = envoyer_rappels_dus(engine, J("2026-10-08"), ferme)
    assert bilan.envoyes == [] and [a for a, _ in bilan.echecs] == ["awa.diallo@example.org"]
    assert programme_du_client(engine, AWA).dernier_envoi is None
    assert envoyer_rappels_dus(engine, J("2026-10-09"), _smtp(boite)).envoyes == ["awa.diallo@example.org"]
    assert len(boite.relever()) == 1


def _echeances(dates, aujourd_hui, jour_semaine, lettre_le=None):
    """The reminders of the journey plan (plan.py) of a renewal blocked by « aucun créneau »."""
    demarches = [{"nature": "lrar", "date": J(lettre_le), "resultat": ""}] if lettre_le else []
    p = plan(aujourd_hui=J(aujourd_hui), nature="renouvellement", blocage="aucun_creneau",
             dates_tentatives=[J(d) for d in dates], demarches=demarches)
    return p, echeances_du_plan(p, jour_semaine=jour_semaine, aujourd_hui=J(aujourd_hui))


def test_echeances_depuis_le_plan():
    # nothing yet, Wednesday 7 October 2026, Thursday chosen: the plan's three weekly windows (the
    # Thursday of each), the letter 8 days after the e-mail, filing once the letter's 8 days have passed
    p, echeances = _echeances([], "2026-10-07", JEUDI)
    assert echeances == [
        Echeance("tentative", J("2026-10-08")), Echeance("tentative", J("2026-10-15")),
        Echeance("lettre", J("2026-10-15")), Echeance("tentative", J("2026-10-22")),
        Echeance("depot", J("2026-10-23"))]
    assert p.etape("lrar").debut == J("2026-10-15") and p.depot_conseille_a_partir_du == J("2026-10-23")
    # one attempt last Thursday, the letter sent on 1 October: two more weeks, filing after the third
    p, echeances = _echeances(["2026-10-01"], "2026-10-07", JEUDI, lettre_le="2026-10-01")
    assert echeances == [
        Echeance("tentative", J("2026-10-08")), Echeance("tentative", J("2026-10-15")),
        Echeance("depot", J("2026-10-15"))]
    # an attempt already made this week: the next one is next week (the chosen Monday of its window)
    p, echeances = _echeances(["2026-10-05"], "2026-10-07", 0, lettre_le="2026-10-01")
    assert echeances[0] == Echeance("tentative", J("2026-10-12"))
    assert (p.etape("tentative_2").debut, p.etape("tentative_2").fin) == (J("2026-10-12"), J("2026-10-18"))
    # the attempts rule already met: filing once the letter's 8 days have passed (9 October)
    p, echeances = _echeances(["2026-09-14", "2026-09-21", "2026-09-30"], "2026-10-07", JEUDI,
                              lettre_le="2026-10-01")
    assert echeances == [Echeance("depot", J("2026-10-09"))]
    assert p.etape("attente_reponse").fin == J("2026-10-09")
    # the chosen weekday before the window's start in its week: the window's start (never before today)
    p, echeances = _echeances([], "2026-10-09", 0)
    assert echeances[0] == Echeance("tentative", J("2026-10-09"))


def _config(tmp_path: Path, texte: str) -> Path:
    chemin = tmp_path / "config.yml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_lire_la_configuration_docassemble(tmp_path):
    url, arguments, smtp = lire_config_docassemble(_config(tmp_path, """
db:
  prefix: postgresql+psycopg2://
  name: docassemble
  user: docassemble
  password: "mot de passe@"
  host: 127.0.0.1
  port: 5433
  ssl mode: require
mail:
  - name: autre
    server: autre.example
  - name: default
    server: smtp.example.org
    port: 587
    username: rappels
    password: secret
    default sender: '"Rendez-vous" <no-reply@example.org>'
"""))
    lu = make_url(url)
    assert (lu.drivername, lu.username, lu.password, lu.host, lu.port, lu.database) == (
        "postgresql+psycopg2", "docassemble", "mot de passe@", "127.0.0.1", 5433, "docassemble")
    assert arguments == {"sslmode": "require"}
    assert smtp == ReglagesSmtp(serveur="smtp.example.org", port=587, utilisateur="rappels", mot_de_passe="secret",
                                tls=True, ssl=False, expediteur='"Rendez-vous" <no-reply@example.org>')
    url, _, smtp = lire_config_docassemble(_config(tmp_path, "rdvrefere registre: sqlite:////tmp/r.sqlite\n"
                                                             "db: {name: docassemble}\n"))
    assert url == "sqlite:////tmp/r.sqlite" and smtp.serveur == "localhost" and smtp.port == 25 and smtp.tls


def _rdvrefere(*args: str) -> subprocess.CompletedProcess:
    # the installed wheel's command, run outside the source tree
    commande = Path(sys.executable).with_name("rdvrefere")
    return subprocess.run([str(commande), *args], capture_output=True, text=True, timeout=60, cwd="/",
                          env={**os.environ, "PYTHONPATH": ""})


def test_la_commande_rappels_envoie_ce_qui_est_du(tmp_path, boite):
    base = tmp_path / "registre.sqlite"
    engine = create_engine(f"sqlite:///{base}")
    programme = _programme_awa(engine)
    engine.dispose()
    config = _config(tmp_path, f"""
rdvrefere registre: sqlite:///{base}
mail:
  server: 127.0.0.1
  port: {boite.port}
  use tls: False
  default sender: '{EXPEDITEUR}'
""")
    resultat = _rdvrefere("rappels", "--envoyer", "--date", "2026-10-07", "--config", str(config))
    assert resultat.returncode == 0, resultat.stderr
    assert "0 rappel(s) envoyé(s)" in resultat.stdout and boite.relever() == []

    resultat = _rdvrefere("rappels", "--date", "2026-10-08", "--config", str(config))  # listing only
    assert resultat.returncode == 0 and "awa.diallo@example.org" in resultat.stdout
    assert boite.relever() == []

    for _ in range(2):
        resultat = _rdvrefere("rappels", "--envoyer", "--date", "2026-10-08", "--config", str(config))
        assert resultat.returncode == 0, resultat.stderr
    [mail] = boite.relever()
    assert mail["Subject"] == "Rendez-vous préfecture : votre essai de la semaine"
    assert ARRET + programme.jeton in _corps(mail)

    # a mail server that does not answer: exit 1, the reminder kept for the next run
    engine = create_engine(f"sqlite:///{base}")
    programmer(engine, (8, "autre"), "moussa@example.org", JEUDI, [Echeance("tentative", J("2026-10-15"))],
               LIEN, lien_arret=ARRET)
    engine.dispose()
    panne = _config(tmp_path, config.read_text().replace(str(boite.port), str(_port_libre())))
    resultat = _rdvrefere("rappels", "--envoyer", "--date", "2026-10-15", "--config", str(panne))
    assert resultat.returncode == 1 and "ÉCHEC" in resultat.stderr

    assert _rdvrefere("rappels", "--envoyer", "--config", str(tmp_path / "absente.yml")).returncode == 2


def test_les_tables_sont_creees_pour_chaque_moteur_meme_a_la_meme_adresse(tmp_path):
    """The memory of engines whose tables exist holds the engines themselves, weakly: a disposed
    engine leaves nothing a new engine (which CPython may place at the same address, the same
    id()) could be taken for. Keyed by id(), a test's new database once got no table."""
    import gc  # noqa: PLC0415
    from docassemble.rdvrefere import rappels, suivi  # noqa: PLC0415
    for module in (rappels, suivi):
        base = str(tmp_path / f"{module.__name__}.sqlite")
        moteur = create_engine(f"sqlite:///{base}")
        module.creer_tables(moteur)
        assert moteur in module._tables_creees
        moteur.dispose()
        del moteur
        gc.collect()
        assert all(m.url.database != base for m in module._tables_creees)
