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

def verifier_demarches(dossier: Dossier, *, aujourd_hui: dt.date) -> list[Probleme]:
    """Dates of the démarches. (What weakens them — no copy, no ANEF diligence under CESEDA
    R. 431-2 — is in requete.avertissements_requete, which verifier() also calls.)"""
    return [Probleme(f"demarches[{i}].date", f"la date du {date_longue(d.date)} est dans le futur.")
            for i, d in enumerate(dossier.demarches, 1) if d.date > aujourd_hui]


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
    bloques = {p.chemin for p in problemes if p.gravite == "erreur"}
    problemes = [p for p in problemes if p.gravite == "erreur" or p.chemin not in bloques]  # said once
    return sorted(problemes, key=lambda p: p.gravite != "erreur")
