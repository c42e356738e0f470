"""The conversion of an accepted upload to its pièce's PDF, in Celery, off the web request and
outside the client's session (issue 15).

The upload screen only runs the fast check (`conversion.examiner_fichier`). Once the screen is
accepted, `lancer(cle, chemins, noms, piece)` queues the conversion as a plain Celery task: it is
given the files' paths on the server (taken from the session's own DAFiles, never a path or a
file number the client sent), converts them as the bundle will (`essayer_la_conversion`), and
writes the outcome in Redis under `cle`. It never loads, locks or saves the session:
docassemble's `background_action` must take the session's lock, which the client's next screens
keep taking (measured: with 8 clients at once, such tasks waited for the locks and no bundle
started in 4 minutes). The review reads the outcomes (`resultats`) and converts itself what has
none.

docassemble's Celery worker imports this module through the `celery modules` directive of the
configuration (scripts/server.sh); the web process imports it when it queues a task.
"""

from __future__ import annotations

import json
import time

from docassemble.webapp.tasks.app import celery_app

from .conversion import essayer_la_conversion, partager_les_acceptations
from .mots import depuis_json, en_json

__all__ = ["lancer", "resultats", "AcceptationsRedis", "partager_les_examens", "PREFIXE", "DUREE_S"]

PREFIXE = "rdvrefere:conversion:"
DUREE_S = 30 * 24 * 3600   # an outcome is kept a month; without one, the review converts again


def _redis():
    from docassemble.webapp.daredis import r  # noqa: PLC0415 - the configured Redis, db 0
    return r


@celery_app.task(name="rdvrefere.convertir_televersement", ignore_result=True)
def convertir_televersement(cle: str, chemins: list[str], noms: list[str], piece: object) -> None:
    """The Celery task: convert, write the outcome in Redis. A failure of the machinery (not a
    refusal of the file) writes nothing: the review then converts the files itself. `piece` is the
    pièce's name as mots.en_json made it: the refusal names it in the client's language too."""
    debut = time.monotonic()
    resultat = essayer_la_conversion(chemins, noms, depuis_json(piece))
    resultat["duree_s"] = round(time.monotonic() - debut, 3)
    _redis().set(PREFIXE + cle, json.dumps(resultat, ensure_ascii=False), ex=DUREE_S)


def lancer(cle: str, chemins: list[str], noms: list[str], piece: str) -> None:
    """Queue the conversion (raises when the broker cannot be reached: the caller falls back)."""
    convertir_televersement.delay(cle, list(chemins), list(noms), en_json(piece))


def resultats(cles: list[str]) -> dict[str, dict]:
    """The outcomes written so far, by key (one Redis round trip)."""
    if not cles:
        return {}
    valeurs = _redis().mget([PREFIXE + cle for cle in cles])
    return {cle: json.loads(valeur) for cle, valeur in zip(cles, valeurs) if valeur}


class AcceptationsRedis:
    """The fast check's acceptances shared by the web workers and Celery (`conversion.
    partager_les_acceptations`): a photo examined on its screen by one web worker is not decoded
    again by the other when it renders the review, nor by Celery before converting it. Only the
    digest of the file's identity and stamps is the key: no path, no name, no content."""

    PREFIXE = "rdvrefere:examen:"
    DUREE_S = 7 * 24 * 3600

    def lire(self, empreinte: str) -> tuple[str, int] | None:
        valeur = _redis().get(self.PREFIXE + empreinte)
        if not valeur:
            return None
        genre, pages = json.loads(valeur)
        return genre, int(pages)

    def garder(self, empreinte: str, valeur: tuple[str, int]) -> None:
        _redis().set(self.PREFIXE + empreinte, json.dumps(list(valeur)), ex=self.DUREE_S)


def partager_les_examens() -> None:
    """Plug the Redis acceptances into the engine: called by the server's processes only (wsgi.py
    for the web workers, celery_serveur.py for Celery's), never on import: the headless harness
    imports this module too, and has no Redis."""
    partager_les_acceptations(AcceptationsRedis())
