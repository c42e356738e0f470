"""Every check on a dossier, errors and warnings together, before anything is built.

No regularisation is offered in urgent référés (R. 522-2 CJA): what is wrong on filing day may
sink the requête, so these checks are the applicant's only safety net. The interview, the staff
screens and `rdvrefere check` all call `verifier()`.
"""

from __future__ import annotations

import datetime as dt

from .conversion import FichierRefuse, Limites, examiner_fichier
from .dates import date_longue
from .dossier import Dossier
from .numerotation import numeroter
from .problemes import Probleme
from .requete import avertissements_requete
from .tentatives import regle_des_tentatives

__all__ = ["verifier", "verifier_fichiers", "verifier_demarches", "verifier_urgence"]

DILIGENCES_ANEF = {"contact_anef", "accueil_numerique"}


def verifier_demarches(dossier: Dossier, *, aujourd_hui: dt.date) -> list[Probleme]:
    """Dates of the démarches, and the ANEF diligences of CESEDA R. 431-2."""
    problemes = []
    for i, demarche in enumerate(dossier.demarches, 1):
        if demarche.date > aujourd_hui:
            problemes.append(Probleme(f"demarches[{i}].date", f"la date du {date_longue(demarche.date)} est dans le futur."))
        if not demarche.fichiers:
            problemes.append(Probleme(f"demarches[{i}].fichiers",
                                      "aucune copie jointe : sans elle, cette démarche sera seulement racontée, pas prouvée.",
                                      "avertissement"))
    if dossier.blocage.type == "anef" and not DILIGENCES_ANEF & {d.nature for d in dossier.demarches}:
        # CESEDA R. 431-2 (décret 2023-191): the substitute path opens only to the applicant who has
        # « accompli toutes les diligences qui lui incombent », notably by using the assistance.
        problemes.append(Probleme(
            "demarches",
            "blocage ANEF sans démarche auprès du centre de contact citoyen (ANTS) ni passage à un point "
            "d'accueil numérique : le juge attend ces diligences (article R. 431-2 du CESEDA). Contactez-les et "
            "ajoutez la preuve avant de déposer.", "avertissement"))
    return problemes


def verifier_urgence(dossier: Dossier) -> list[Probleme]:
    """R. 522-1 CJA: the requête must justify urgency. Presumed for a renewal (CE 9 juin 2022
    n° 453391); otherwise particular circumstances are needed."""
    if dossier.demande.nature == "premiere_demande" and not dossier.urgence.circonstances:
        return [Probleme("urgence.circonstances",
                         "pour une première demande, l'urgence n'est pas présumée : décrivez au moins une "
                         "circonstance qui rend le rendez-vous urgent (emploi, santé, visa ou récépissé qui expire…).")]
    return []


def verifier_fichiers(dossier: Dossier, *, limites: Limites) -> list[Probleme]:
    """Each file must be one the conversion accepts; the deposit must fit the portal's count."""
    problemes = []
    for chemin, fichier in dossier.tous_les_fichiers():
        try:
            examiner_fichier(fichier, piece=chemin.rsplit(".fichiers", 1)[0])
        except FichierRefuse as refus:
            problemes.append(Probleme(chemin, refus.message))
    nombre = len(numeroter(dossier)) + 1  # the requête is a file of the deposit too
    if nombre > limites.nombre_max_fichiers:
        problemes.append(Probleme(
            "pieces", f"{nombre} fichiers à déposer : Télérecours citoyens en accepte au plus "
                      f"{limites.nombre_max_fichiers}. Regroupez des pièces (par exemple les captures par semaine)."))
    return problemes


def verifier(dossier: Dossier, *, aujourd_hui: dt.date | None = None, limites: Limites | None = None,
             fichiers: bool = True) -> list[Probleme]:
    """All the problems of a dossier, errors first. `fichiers=False` skips opening the files."""
    aujourd_hui = aujourd_hui or dt.date.today()
    problemes = regle_des_tentatives(dossier.tentatives, date_naissance=dossier.requerant.date_naissance,
                                     aujourd_hui=aujourd_hui)
    problemes += verifier_demarches(dossier, aujourd_hui=aujourd_hui)
    problemes += verifier_urgence(dossier)
    problemes += avertissements_requete(dossier)
    if fichiers:
        problemes += verifier_fichiers(dossier, limites=limites or Limites())
    return sorted(problemes, key=lambda p: p.gravite != "erreur")
