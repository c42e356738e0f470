"""Issue 15 on the real server: an accepted upload is converted by a plain Celery task
(conversion_serveur.py), not in the web request and not through the client's session; its
outcome lands in Redis, where the review reads it."""

from __future__ import annotations

import json
import secrets
import time

import psutil
import pytest

import fichiers
import parcours_navigateur as nav
from server import VAR

pytestmark = pytest.mark.server

LIRE_REDIS = """
import json
from docassemble.webapp.daredis import r
print(json.dumps({k.decode(): json.loads(r.get(k)) for k in r.scan_iter('rdvrefere:conversion:*')}))
"""


def _conversions(serveur) -> dict:
    return json.loads(serveur.python(LIRE_REDIS).strip().splitlines()[-1])


def _examens(serveur) -> set[str]:
    """The acceptances the web workers and Celery share (conversion_serveur.AcceptationsRedis)."""
    sortie = serveur.python("from docassemble.webapp.daredis import r\n"
                            "print(' '.join(k.decode() for k in r.scan_iter('rdvrefere:examen:*')))")
    return set(sortie.strip().splitlines()[-1].split()) if sortie.strip() else set()


def test_une_photo_acceptee_est_convertie_par_celery(serveur, navigateur, tmp_path):
    jeton = secrets.token_hex(4)
    cliente = serveur.create_user(f"celery.{jeton}@example.org", "Motdepasse-123!")
    photo = fichiers.jpeg_photo(tmp_path / f"ecran-{jeton}.jpg", size=(4000, 3000), orientation=6)
    avant = set(_conversions(serveur))
    examens_avant = _examens(serveur)

    contexte = navigateur.new_context()
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        serveur.login(page, cliente)
        nav.identite(page, serveur, f"Celery-{jeton}", "Awa")
        nav.jusqua_tentatives(page)
        nav.tentative(page, 1, "2026-10-05", "09:30", photo, "aucun créneau")
        nav.question(page, "Avez-vous fait une autre tentative ?")
    finally:
        contexte.close()

    nouvelles: dict = {}
    limite = time.monotonic() + 90
    while time.monotonic() < limite and not nouvelles:
        nouvelles = {k: v for k, v in _conversions(serveur).items() if k not in avant}
        time.sleep(1)
    assert len(nouvelles) == 1, serveur.log_tail("celery.log")
    (resultat,) = nouvelles.values()
    assert resultat["etat"] == "ok" and resultat["pages"] == 1
    assert "rdvrefere.convertir_televersement" in serveur.log_tail("celery.log", 400)
    # the web worker's fast check was shared, for the other worker's review and for Celery
    assert _examens(serveur) - examens_avant


def test_chaque_processus_celery_ouvre_ses_propres_connexions(serveur):
    """celery_serveur.py: each Celery child drops the PostgreSQL connections inherited from the
    parent (shared sockets garbled the protocol under load) and says so in the Celery log."""
    parent = psutil.Process(int((VAR / "pids" / "celery.pid").read_text()))
    enfants = [p.pid for p in parent.children()]
    assert enfants, "no Celery child process"
    journal = serveur.log_tail("celery.log", 20000)
    for pid in enfants:
        assert f"rdvrefere: Celery process {pid} left its parent's" in journal, journal[-2000:]
