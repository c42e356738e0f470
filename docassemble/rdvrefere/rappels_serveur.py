"""Reminders on a docassemble server (docassemble layer of rappels.py): the client's subscription
screen in rdvrefere.yml and the stop page rdv_rappels.yml.

The schedule lives in the package's table `rdvrefere_rappel`, in the same database as the
register (registre_serveur.registre().engine); the session (encrypted) keeps only the client's
choice and a fingerprint of the dates last scheduled, so that the database is written only when
the dates change. The dates come from the journey plan (plan.py, built from the client's answers
by parcours_serveur.plan_du_client; rappels.echeances_du_plan): one rule for the plan screen,
`check` and the reminders.

The mails are written in the language of the client's screens when they asked (issue 13): the
row keeps it (rappels.programmer's `langue`), the stop page reads it from its link (`lang=`).
The texts made here for the subscription screen are mots.Texte shown in the page's language.
"""

from __future__ import annotations

import datetime as dt
import json

from docassemble.base.util import get_config, get_language, interview_url, log

from .langues import langue_valide
from .langues_serveur import tr
from .mots import JOURS, Texte
from .parcours_serveur import plan_du_client
from .rappels import (Echeance, arreter, arreter_pour, courriel_valide, echeances_du_plan,
                      jeton_valide, programme_du_client, programmer)

__all__ = ["INTERVIEW_ARRET", "choix_jours", "courriel_du_client", "echeances_du_client", "texte_des_echeances", "rappels_utiles",
           "programmer_rappels", "actualiser_rappels", "jeton_accepte", "arreter_depuis_le_lien",
           "arreter_les_rappels"]

INTERVIEW_ARRET = "docassemble.rdvrefere:data/questions/rdv_rappels.yml"
_LIBELLES = {"tentative": Texte("essai de rendez-vous"), "lettre": Texte("lettre recommandée à envoyer"),
             "depot": Texte("dépôt au tribunal possible"), "execution": Texte("fin du délai donné au préfet")}


def _engine():
    from .registre_serveur import registre  # noqa: PLC0415
    return registre().engine


def _proprietaire() -> tuple[int, str] | None:
    from .registre_serveur import proprietaire_de_la_session  # noqa: PLC0415
    return proprietaire_de_la_session()


def choix_jours() -> list[dict[str, str]]:
    """The weekdays, named in the page's language (the value stays 0 … 6)."""
    return [{str(i): tr(nom)} for i, nom in enumerate(JOURS)]


def courriel_du_client(client) -> str:
    """The address the client gave with their identity, if any (the field's default)."""
    courriel = getattr(client.requerant, "courriel", None) if hasattr(client, "requerant") else None
    return courriel.strip() if isinstance(courriel, str) and courriel_valide(courriel.strip()) else ""


def echeances_du_client(client, jour_semaine: int, aujourd_hui: dt.date | None = None) -> list[Echeance]:
    """The reminders from the client's journey plan (the answers so far, nothing asked)."""
    aujourd_hui = aujourd_hui or dt.date.today()
    return echeances_du_plan(plan_du_client(client, aujourd_hui), jour_semaine=jour_semaine, aujourd_hui=aujourd_hui)


def rappels_utiles(client) -> bool:
    """Whether attempts are still to be made (the rule of three weeks and fourteen days is not
    met yet): the screen is offered then. The journey plan may widen this (a letter to send)."""
    reglage = get_config("rdvrefere rappels")  # default: on when the server has mail settings
    if not (bool(get_config("mail")) if reglage is None else bool(reglage)):
        return False
    return any(e.type == "tentative" for e in echeances_du_client(client, 0))


def texte_des_echeances(echeances: list[Echeance]) -> str:
    """A Markdown list of the dates in the page's language (dates and fixed words only: no client text)."""
    lignes = []
    for e in echeances:
        if e.type == "depot":
            ligne = Texte("{quoi} : à partir du {date}", quoi=_LIBELLES[e.type], date=e.date)
        else:
            ligne = Texte("{quoi} : le {date}", quoi=_LIBELLES[e.type], date=e.date)
        lignes.append("* " + tr(ligne))
    return "\n".join(lignes)


def _langue() -> str:
    """The page's language, checked: the mails' language."""
    return langue_valide(get_language())


def _empreinte(courriel: str, jour_semaine: int, echeances: list[Echeance]) -> str:
    # the language too: a client who changes it gets the next mails in the new one
    return json.dumps([courriel, jour_semaine, [(e.type, e.date.isoformat()) for e in echeances], _langue()])


def programmer_rappels(client) -> bool:
    """Schedule the reminders the client asked for (client.rappels_courriel, client.rappels_jour);
    False, with the reason in client.refus_rappels, when it cannot be done."""
    proprietaire = _proprietaire()
    jour_semaine = int(client.rappels_jour)
    echeances = echeances_du_client(client, jour_semaine)
    # client.refus_rappels is a Texte: rdvrefere.yml shows it through tr(), in the page's language
    if proprietaire is None:
        client.refus_rappels = Texte("Connectez-vous pour recevoir des rappels.")
        return False
    lien_arret = interview_url(i=INTERVIEW_ARRET, new_session=1)
    lien_arret += ("&" if "?" in lien_arret else "?") + "jeton="
    try:
        programmer(_engine(), proprietaire, client.rappels_courriel, jour_semaine, echeances, interview_url(),
                   lien_arret=lien_arret, langue=_langue())
    except ValueError:
        client.refus_rappels = Texte("Cette adresse électronique n'est pas valable.")
        return False
    except Exception as exc:  # noqa: BLE001 - the database may be unreachable: a sentence, not a traceback
        log(f"rdvrefere: reminders not scheduled: {exc!r}")
        client.refus_rappels = Texte("Le serveur n'a pas pu enregistrer vos rappels (erreur technique).")
        return False
    client.rappels_empreinte = _empreinte(client.rappels_courriel, jour_semaine, echeances)
    client.refus_rappels = ""
    return True


def actualiser_rappels(client) -> None:
    """When the dates changed since they were scheduled (an attempt or a letter added), schedule
    them again, unless the client stopped the reminders with the link of a mail."""
    if not getattr(client, "rappels_voulus", False) or _proprietaire() is None:
        return
    jour_semaine = int(client.rappels_jour)
    if _empreinte(client.rappels_courriel, jour_semaine,
                  echeances_du_client(client, jour_semaine)) == getattr(client, "rappels_empreinte", None):
        return
    try:
        actuel = programme_du_client(_engine(), _proprietaire())
    except Exception as exc:  # noqa: BLE001
        log(f"rdvrefere: reminders not read: {exc!r}")
        return
    if actuel is None or not actuel.actif:
        client.rappels_voulus = False
        return
    programmer_rappels(client)


def arreter_les_rappels(client) -> None:
    """The référé ends (a written refusal, an appointment given): no more mail telling to try
    again. The schedule is deleted (nothing kept); a later change of answer offers nothing back."""
    proprietaire = _proprietaire()
    if proprietaire is None:
        return
    try:
        arreter_pour(_engine(), proprietaire)
    except Exception as exc:  # noqa: BLE001 - the stop screen shows all the same
        log(f"rdvrefere: reminders not stopped: {exc!r}")
        return
    client.rappels_voulus = False


def jeton_accepte(valeur: object) -> str:
    """The stop token of the URL if it has the exact shape of one, else ""."""
    return valeur if jeton_valide(valeur) else ""


def arreter_depuis_le_lien(jeton: str) -> bool:
    try:
        return arreter(_engine(), jeton)
    except Exception as exc:  # noqa: BLE001
        log(f"rdvrefere: reminders not stopped: {exc!r}")
        return False
