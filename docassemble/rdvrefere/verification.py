"""Every check on a dossier, errors and warnings together, before anything is built.

No regularisation is offered in urgent référés (R. 522-2 CJA): what is wrong on filing day may
sink the requête, so these checks are the applicant's only safety net. The interview, the staff
screens and `rdvrefere check` all call `verifier()`.
"""

from __future__ import annotations

import datetime as dt

from .conversion import FichierRefuse, Limites, examiner_fichier
from .dates import date_longue
from .dossier import NATURES_DEMARCHE, Dossier, reponse_de_la_demarche
from .juridictions import juridiction
from .numerotation import Piece, libelle_ascii, numeroter
from .problemes import Probleme
from .renouvellement import situation_du_dossier
from .requete import avertissements_requete
from .tentatives import regle_des_tentatives

__all__ = ["verifier", "verifier_pieces", "verifier_fichiers", "verifier_demarches", "verifier_urgence", "verifier_renouvellement",
           "REPONSES_QUI_ARRETENT", "reponse_qui_arrete", "demarche_qui_arrete", "message_de_reponse"]

DILIGENCES_ANEF = {"contact_anef", "accueil_numerique"}
DELAI_REPONSE_JOURS = 8   # a démarche younger than this has not yet been left unanswered


def _anciennete(jours: int) -> str:
    return "aujourd'hui même" if jours == 0 else ("il y a 1 jour" if jours == 1 else f"il y a {jours} jours")


# --- an answer that ends the référé path (issue 11 point 4) ------------------------------------
# The one place that decides: verifier_demarches (check, the review, the staff screens), plan.plan()
# (the plan's « manque ») and the interview's stop screens (parcours_serveur.demarche_qui_arrete_le_client)
# all call these.
# - « refus_ecrit »: a written refusal of an appointment is a decision. L. 521-3 CJA allows « toutes
#   autres mesures utiles sans faire obstacle à l'exécution d'aucune décision administrative », « même
#   celle refusant la mesure demandée » (CE, Section, 5 février 2016, M. Benabdellah, n° 393540, Lebon):
#   the refusal is contested instead (référé-suspension, L. 521-1 CJA, with a recours en annulation).
#   A refusal received *after* filing does not end a pending référé (CE, 28 novembre 2018, n° 420343,
#   Tables — not found in the stored sources on 3 December 2026: verify before quoting it anywhere):
#   this rule is for a refusal received before filing, the only case the dossier records.
# - « rendez_vous »: the référé asks the judge to order an appointment (CE 10 juin 2020 n° 435594);
#   once the préfecture has given one, the measure is no longer « utile » (L. 521-3 CJA).
REPONSES_QUI_ARRETENT = ("refus_ecrit", "rendez_vous")


def reponse_qui_arrete(reponse: str | None, resultat: str | None = None) -> str | None:
    """« refus_ecrit » or « rendez_vous » when a démarche's answer ends the référé path, else None."""
    recue = reponse_de_la_demarche(reponse, resultat)
    return recue if recue in REPONSES_QUI_ARRETENT else None


def demarche_qui_arrete(demarches) -> tuple[int, object, str] | None:
    """The first démarche whose answer ends the référé path: (its number from 1, the démarche, the
    answer), or None. `demarches`: objects or dicts with `reponse` and `resultat`; a refusal comes
    before an appointment (it has a deadline)."""
    trouvees = []
    for numero, d in enumerate(demarches, 1):
        lire = d.get if isinstance(d, dict) else (lambda cle, _d=d: getattr(_d, cle, None))
        arret = reponse_qui_arrete(lire("reponse"), lire("resultat"))
        if arret:
            trouvees.append((REPONSES_QUI_ARRETENT.index(arret), numero, d, arret))
    if not trouvees:
        return None
    _, numero, d, arret = min(trouvees, key=lambda t: (t[0], t[1]))
    return numero, d, arret


def message_de_reponse(numero: int, nature: str | None, date: dt.date | None, reponse: str) -> str:
    """The French sentence (lower-case start, as Probleme messages) for a démarche whose answer ends
    the référé path, naming the démarche."""
    quoi = f"démarche n° {numero}"
    if nature in NATURES_DEMARCHE:
        quoi += f" : {NATURES_DEMARCHE[nature]}"
    if date is not None:
        quoi += f" du {date_longue(date)}"
    if reponse == "refus_ecrit":
        return (f"la préfecture a refusé par écrit de vous donner un rendez-vous ({quoi}). C'est une décision : "
                "ce référé ne convient plus. Il faut maintenant contester ce refus devant le tribunal administratif "
                "(un référé-suspension et une demande d'annulation). Le délai pour le faire est écrit à la fin du "
                "courrier. Faites-vous aider vite par une association ou un avocat (3039, appel gratuit).")
    return (f"la préfecture vous a donné un rendez-vous ({quoi}). Ce référé sert à obtenir un rendez-vous : vous "
            "en avez un, le juge n'a donc plus rien à ordonner. Allez au rendez-vous avec vos documents. Si le "
            "rendez-vous est annulé, changez la réponse de cette démarche.")


def verifier_demarches(dossier: Dossier, *, aujourd_hui: dt.date) -> list[Probleme]:
    """The démarches: dates; the ANEF diligences CESEDA R. 431-2 requires (blocking); a démarche
    without answer sent too recently to prove anything (warning). (What merely weakens them — no
    copy — is in requete.avertissements_requete, which verifier() also calls.)"""
    problemes = [Probleme(f"demarches[{i}].date", f"la date du {date_longue(d.date)} est dans le futur.")
                 for i, d in enumerate(dossier.demarches, 1) if d.date > aujourd_hui]
    if dossier.blocage.type == "anef" and not any(d.nature in DILIGENCES_ANEF for d in dossier.demarches):
        # The requête quotes R. 431-2 (« ayant accompli toutes les diligences qui lui incombent ») and
        # asserts an « impossibilité constatée »: without any diligence it defeats itself (issue 9).
        # CESEDA R. 431-2 opens the substitute only to the foreigner who, « ayant accompli toutes les
        # diligences qui lui incombent », notably through the dispositif d'accompagnement, is in the
        # « impossibilité constatée » of using the téléservice. The démarches' names are the interview's.
        problemes.append(Probleme(
            "demarches",
            "pour un blocage de l'ANEF, une autre solution que le site n'est possible qu'après une demande d'aide. "
            "Il faut avoir demandé de l'aide et ne toujours pas pouvoir utiliser le site. Sans cette démarche, la "
            "requête se contredirait. Contactez "
            "le centre de contact citoyen de l'ANEF, par téléphone ou par le formulaire en ligne. Ou bien allez "
            "au point d'accueil numérique de la préfecture. Puis ajoutez cette démarche avec sa preuve : ticket, "
            f"courriel de réponse ou attestation. Choisissez « {NATURES_DEMARCHE['contact_anef']} » ou "
            f"« {NATURES_DEMARCHE['accueil_numerique']} »."))
    for i, d in enumerate(dossier.demarches, 1):
        if reponse_qui_arrete(d.reponse, d.resultat):
            problemes.append(Probleme(f"demarches[{i}].reponse", message_de_reponse(i, d.nature, d.date,
                                                                                   d.reponse_recue)))
    for i, d in enumerate(dossier.demarches, 1):
        age = (aujourd_hui - d.date).days
        if d.reponse_recue == "aucune" and 0 <= age < DELAI_REPONSE_JOURS:
            problemes.append(Probleme(
                f"demarches[{i}].date",
                f"cette démarche date seulement du {date_longue(d.date)} ({_anciennete(age)}). L'administration "
                "n'a pas encore eu le temps d'y répondre. La requête dira seulement qu'elle est « à ce jour "
                f"sans réponse ». Attendez au moins {DELAI_REPONSE_JOURS} jours avant de "
                "déposer, ou indiquez la réponse reçue.", "avertissement"))
    return problemes


OQTF_RECENTE_JOURS = 30  # the longest time to contest an OQTF (30 days, 15 days or 48 hours, written in the decision)


def verifier_urgence(dossier: Dossier, *, aujourd_hui: dt.date | None = None) -> list[Probleme]:
    """R. 522-1 CJA: the requête must justify urgency. Presumed for a renewal (CE 9 juin 2022
    n° 453391); otherwise particular circumstances are needed. An unexecuted OQTF: in principle no
    urgency (same decision), so the new facts since are what the requête pleads (issue 9, point 2)."""
    aujourd_hui = aujourd_hui or dt.date.today()
    u = dossier.urgence
    problemes = []
    if dossier.demande.nature == "premiere_demande" and not u.circonstances:
        # R. 522-1 CJA; urgency is presumed for a renewal only (CE 9 juin 2022 n° 453391).
        problemes.append(Probleme("urgence.circonstances",
                                  "pour une première demande, le juge ne suppose pas que c'est urgent. Décrivez au "
                                  "moins une raison qui rend le rendez-vous urgent : emploi, santé, visa ou "
                                  "récépissé qui se termine…"))
    o = u.oqtf
    if o is not None and o.date > aujourd_hui:
        problemes.append(Probleme("urgence.oqtf.date", f"la date de l'OQTF ({date_longue(o.date)}) est dans le futur."))
    if not u.oqtf_non_executee:
        return problemes
    if o is None:
        problemes.append(Probleme(
            "urgence.oqtf",
            "indiquez la date de l'OQTF et ce qu'elle est devenue : non contestée, recours rejeté, recours en cours "
            "ou annulée. La requête doit les dire pour montrer ce qui a changé depuis.", "avertissement"))
    nouveaux = [(i, c) for i, c in enumerate(u.circonstances, 1) if c.fait_nouveau]
    if not nouveaux:
        problemes.append(Probleme(
            "urgence.circonstances",
            "vous avez une OQTF et vous n'indiquez aucun fait nouveau depuis (enfant français, mariage ou PACS, "
            "emploi, santé, années de présence…). Sans fait nouveau, le juge dira presque sûrement qu'il n'y a pas "
            "d'urgence et rejettera la requête. Et aller à la préfecture avec une OQTF peut mener à une "
            "arrestation. Faites voir votre situation par une association ou un avocat avant de déposer.",
            "avertissement"))
    if o is not None:
        for i, c in nouveaux:
            if c.date is not None and c.date < o.date:
                problemes.append(Probleme(
                    f"urgence.circonstances[{i}].date",
                    f"ce fait date du {date_longue(c.date)}, avant l'OQTF du {date_longue(o.date)} : ce n'est pas "
                    "un fait nouveau. Le préfet pouvait déjà le connaître.", "avertissement"))
        age = (aujourd_hui - o.date).days
        if o.recours == "non_contestee" and 0 <= age < OQTF_RECENTE_JOURS:
            problemes.append(Probleme(
                "urgence.oqtf.date",
                f"votre OQTF date du {date_longue(o.date)}. Le délai pour la contester devant le tribunal court "
                "peut-être encore. Ce délai est de 48 heures, 15 jours ou 30 jours : il est écrit à la fin de la "
                "décision. "
                "Contester l'OQTF passe avant ce référé : faites-vous aider aujourd'hui même.", "avertissement"))
    return problemes


def verifier_renouvellement(dossier: Dossier) -> list[Probleme]:
    """A renewal whose first attempt came after the CESEDA R. 431-5 window or after the titre's
    expiry (renouvellement.py): the judge may hold the urgency self-inflicted (warning). The
    requête states the dates as they are instead of claiming the renewal could not be filed in time."""
    s = situation_du_dossier(dossier)
    if not s.tardif:
        return []
    fenetre = s.fenetre
    # CESEDA R. 431-5: « dans le courant des deux mois précédant l'expiration » of the titre, or for a titre
    # asked through the ANEF « entre le cent-vingtième jour et le soixantième jour qui précède l'expiration ».
    regle = ("entre 120 et 60 jours avant la fin du titre" if fenetre.anef
             else "dans les deux mois avant la fin du titre")
    pour_anef = " C'est la règle pour un titre demandé sur le site de l'ANEF." if fenetre.anef else ""
    if s.situation == "apres_expiration":
        constat = (f"votre titre de séjour a expiré le {date_longue(s.expiration)} et votre première tentative de "
                   f"rendez-vous date du {date_longue(s.premiere_tentative)}, après cette expiration.")
    else:
        constat = (f"votre première tentative date du {date_longue(s.premiere_tentative)}, après le "
                   f"{date_longue(fenetre.fin)}, alors que votre titre de séjour expire le "
                   f"{date_longue(s.expiration)}.")
    suite = ("La requête donne ces dates et cite la raison que vous avez donnée." if dossier.demande.motif_retard
             else "La requête donne ces dates telles qu'elles sont ; indiquez pourquoi vos démarches ont commencé "
                  "tard. La requête citera vos propres mots.")
    return [Probleme(
        "demande.date_expiration",
        f"{constat} Il faut demander le renouvellement {regle}, ici du {date_longue(fenetre.debut)} au "
        f"{date_longue(fenetre.fin)}.{pour_anef} Le juge peut penser que l'urgence vient de votre propre retard. "
        f"Il peut alors rejeter la requête. {suite} Faites examiner votre situation par une association ou un "
        "avocat avant de déposer.", "avertissement")]


def _numeros(pieces: list[Piece]) -> str:
    numeros = [str(p.numero) for p in pieces]
    return "les pièces n° " + ", ".join(numeros[:-1]) + " et " + numeros[-1]


def _champ_du_libelle(piece: Piece) -> str:
    """The field to change to rename a pièce: its `libelle` when the dossier gives one."""
    source = piece.sources[0]
    return f"{source}.libelle" if source.startswith(("pieces[", "urgence.circonstances[")) else source


def verifier_pieces(dossier: Dossier, pieces: list[Piece] | None = None) -> list[Probleme]:
    """What the pièces lack or blur (warnings): no identity pièce, no proof of address, for a
    renewal no copy of the current titre (each cited where it proves something, issue 9, point
    9), and two pièces with the same label (point 16). Categories are the numbering's
    (`numerotation.categorie_de_piece` classifies a pièce given without one from its label)."""
    pieces = numeroter(dossier) if pieces is None else pieces
    categories = {p.categorie for p in pieces}
    j = juridiction(dossier.departement)
    problemes = []
    if "identite" not in categories:
        problemes.append(Probleme(
            "pieces",
            "aucune pièce d'identité n'est jointe (passeport, carte d'identité, acte de naissance). Le juge doit "
            "pouvoir vérifier l'identité et la nationalité de la personne qui fait la requête. Joignez la copie "
            "des pages d'identité de votre passeport, sous un libellé qui le dit (« Passeport »).", "avertissement"))
    if "domicile" not in categories:
        # CESEDA R. 431-20: « le titre de séjour est délivré par le préfet du département dans lequel l'étranger
        # a sa résidence et, à Paris, par le préfet de police »; CJA R. 312-1: the court of the authority's seat.
        problemes.append(Probleme(
            "pieces",
            "aucun justificatif de domicile n'est joint : facture, quittance de loyer, attestation d'hébergement "
            "ou de domiciliation. Le titre de séjour est donné par le préfet du département où vous habitez "
            f"(à Paris, le préfet de police). Votre adresse désigne donc le préfet, ici {j.autorite_article}. "
            f"Elle désigne aussi le tribunal, ici le tribunal administratif de {j.ville_tribunal}. Joignez un "
            "justificatif récent, sous un libellé qui le dit (« Facture d'électricité », « Quittance de loyer »).",
            "avertissement"))
    if dossier.demande.nature == "renouvellement" and "sejour" not in categories:
        # CE, 9 juin 2022, n° 453391: urgency is in principle found for the renewal of a titre de séjour.
        problemes.append(Probleme(
            "pieces",
            "pour un renouvellement, joignez la copie recto verso de votre titre de séjour actuel. Quand on demande "
            "le renouvellement d'un titre, les juges considèrent en principe que c'est urgent. La requête montre "
            "votre titre actuel avec cette copie. Donnez-lui un libellé qui le dit (« Carte de séjour »).",
            "avertissement"))
    memes: dict[str, list[Piece]] = {}
    for piece in pieces:
        memes.setdefault(libelle_ascii(piece.libelle).lower(), []).append(piece)
    for groupe in memes.values():
        if len(groupe) > 1:
            problemes.append(Probleme(
                _champ_du_libelle(groupe[1]),
                f"{_numeros(groupe)} portent le même libellé « {groupe[0].libelle} » : dans l'inventaire et sur "
                "Télérecours, le juge ne pourra pas les distinguer. Donnez à chacune un libellé qui dit ce qu'elle "
                "contient (par exemple avec sa date).", "avertissement"))
    return problemes


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
    problemes += verifier_urgence(dossier, aujourd_hui=aujourd_hui)
    problemes += verifier_renouvellement(dossier)
    problemes += avertissements_requete(dossier)
    problemes += verifier_pieces(dossier)
    if fichiers:
        problemes += verifier_fichiers(dossier, limites=limites or Limites())
    bloques = {p.chemin for p in problemes if p.gravite == "erreur"}
    problemes = [p for p in problemes if p.gravite == "erreur" or p.chemin not in bloques]  # said once
    return sorted(problemes, key=lambda p: p.gravite != "erreur")
