"""Every check on a dossier, errors and warnings together, before anything is built.

No regularisation is offered in urgent référés (R. 522-2 CJA): what is wrong on filing day may
sink the requête, so these checks are the applicant's only safety net. The interview, the staff
screens and `rdvrefere check` all call `verifier()`.
"""

from __future__ import annotations

import datetime as dt

from .conversion import FichierRefuse, Limites, examiner_fichier
from .dossier import NATURES_DEMARCHE, Dossier, reponse_de_la_demarche
from .juridictions import juridiction
from .mots import Texte
from .numerotation import Piece, libelle_ascii, numeroter
from .problemes import Probleme
from .renouvellement import situation_du_dossier
from .requete import avertissements_requete
from .tentatives import regle_des_tentatives

__all__ = ["verifier", "verifier_pieces", "verifier_fichiers", "verifier_demarches", "verifier_urgence", "verifier_renouvellement",
           "REPONSES_QUI_ARRETENT", "reponse_qui_arrete", "demarche_qui_arrete", "message_de_reponse"]

DILIGENCES_ANEF = {"contact_anef", "accueil_numerique"}
DELAI_REPONSE_JOURS = 8   # a démarche younger than this has not yet been left unanswered


def _anciennete(jours: int) -> Texte:
    if jours == 0:
        return Texte("aujourd'hui même")
    return Texte("il y a 1 jour") if jours == 1 else Texte("il y a {jours} jours", jours=jours)


# The démarches' names in the messages (each a Texte, so the client's screen shows it translated);
# the same French as dossier.NATURES_DEMARCHE, which stays the reference: a name changed there and
# not here is shown in French as it is there.
_NATURES_TRADUISIBLES = {
    "courriel": Texte("courriel à la préfecture"),
    "lrar": Texte("lettre recommandée avec accusé de réception"),
    "contact_anef": Texte("demande au centre de contact citoyen de l'ANEF"),
    "accueil_numerique": Texte("passage au point d'accueil numérique"),
    "autre": Texte("autre démarche"),
}


def _nature(cle: str) -> str:
    """The name of a démarche's nature (NATURES_DEMARCHE), as a Texte when it can be translated."""
    traduisible = _NATURES_TRADUISIBLES.get(cle)
    return traduisible if traduisible == NATURES_DEMARCHE[cle] else NATURES_DEMARCHE[cle]


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


def _demarche_nommee(numero: int, nature: str | None, date: dt.date | None) -> Texte:
    """« démarche n° 2 : courriel à la préfecture du 16 octobre 2026 » (its nature and date when known)."""
    if nature in NATURES_DEMARCHE and date is not None:
        return Texte("démarche n° {numero} : {nature} du {date}", numero=numero, nature=_nature(nature), date=date)
    if nature in NATURES_DEMARCHE:
        return Texte("démarche n° {numero} : {nature}", numero=numero, nature=_nature(nature))
    if date is not None:
        return Texte("démarche n° {numero} du {date}", numero=numero, date=date)
    return Texte("démarche n° {numero}", numero=numero)


def message_de_reponse(numero: int, nature: str | None, date: dt.date | None, reponse: str) -> Texte:
    """The French sentence (lower-case start, as Probleme messages) for a démarche whose answer ends
    the référé path, naming the démarche."""
    quoi = _demarche_nommee(numero, nature, date)
    if reponse == "refus_ecrit":
        return Texte("la préfecture a refusé par écrit de vous donner un rendez-vous ({demarche}). C'est une "
                     "décision : ce référé ne convient plus. Il faut maintenant contester ce refus devant le tribunal "
                     "administratif (un référé-suspension et une demande d'annulation). Le délai pour le faire est "
                     "écrit à la fin du courrier. Faites-vous aider vite par une association ou un avocat (3039, "
                     "appel gratuit).", demarche=quoi)
    return Texte("la préfecture vous a donné un rendez-vous ({demarche}). Ce référé sert à obtenir un rendez-vous : "
                 "vous en avez un, le juge n'a donc plus rien à ordonner. Allez au rendez-vous avec vos documents. Si "
                 "le rendez-vous est annulé, changez la réponse de cette démarche.", demarche=quoi)


def verifier_demarches(dossier: Dossier, *, aujourd_hui: dt.date) -> list[Probleme]:
    """The démarches: dates; the ANEF diligences CESEDA R. 431-2 requires (blocking); a démarche
    without answer sent too recently to prove anything (warning). (What merely weakens them — no
    copy — is in requete.avertissements_requete, which verifier() also calls.)"""
    problemes = [Probleme(f"demarches[{i}].date", Texte("la date du {date} est dans le futur.", date=d.date))
                 for i, d in enumerate(dossier.demarches, 1) if d.date > aujourd_hui]
    if dossier.blocage.type == "anef" and not any(d.nature in DILIGENCES_ANEF for d in dossier.demarches):
        # The requête quotes R. 431-2 (« ayant accompli toutes les diligences qui lui incombent ») and
        # asserts an « impossibilité constatée »: without any diligence it defeats itself (issue 9).
        # CESEDA R. 431-2 opens the substitute only to the foreigner who, « ayant accompli toutes les
        # diligences qui lui incombent », notably through the dispositif d'accompagnement, is in the
        # « impossibilité constatée » of using the téléservice. The démarches' names are the interview's.
        problemes.append(Probleme(
            "demarches",
            Texte("pour un blocage de l'ANEF, une autre solution que le site n'est possible qu'après une demande "
                  "d'aide. Il faut avoir demandé de l'aide et ne toujours pas pouvoir utiliser le site. Sans cette "
                  "démarche, la requête se contredirait. Contactez le centre de contact citoyen de l'ANEF, par "
                  "téléphone ou par le formulaire en ligne. Ou bien allez au point d'accueil numérique de la "
                  "préfecture. Puis ajoutez cette démarche avec sa preuve : ticket, courriel de réponse ou "
                  "attestation. Choisissez « {contact_anef} » ou « {accueil_numerique} ».",
                  contact_anef=_nature("contact_anef"), accueil_numerique=_nature("accueil_numerique"))))
    for i, d in enumerate(dossier.demarches, 1):
        if reponse_qui_arrete(d.reponse, d.resultat):
            problemes.append(Probleme(f"demarches[{i}].reponse", message_de_reponse(i, d.nature, d.date,
                                                                                   d.reponse_recue)))
    for i, d in enumerate(dossier.demarches, 1):
        age = (aujourd_hui - d.date).days
        if d.reponse_recue == "aucune" and 0 <= age < DELAI_REPONSE_JOURS:
            problemes.append(Probleme(
                f"demarches[{i}].date",
                Texte("cette démarche date seulement du {date} ({anciennete}). L'administration n'a pas encore eu "
                      "le temps d'y répondre. La requête dira seulement qu'elle est « à ce jour sans réponse ». "
                      "Attendez au moins {jours} jours avant de déposer, ou indiquez la réponse reçue.",
                      date=d.date, anciennete=_anciennete(age), jours=DELAI_REPONSE_JOURS), "avertissement"))
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
                                  Texte("pour une première demande, le juge ne suppose pas que c'est urgent. Décrivez "
                                        "au moins une raison qui rend le rendez-vous urgent : emploi, santé, visa ou "
                                        "récépissé qui se termine…")))
    o = u.oqtf
    if o is not None and o.date > aujourd_hui:
        problemes.append(Probleme("urgence.oqtf.date", Texte("la date de l'OQTF ({date}) est dans le futur.",
                                                             date=o.date)))
    if not u.oqtf_non_executee:
        return problemes
    if o is None:
        problemes.append(Probleme(
            "urgence.oqtf",
            Texte("indiquez la date de l'OQTF et ce qu'elle est devenue : non contestée, recours rejeté, recours en "
                  "cours ou annulée. La requête doit les dire pour montrer ce qui a changé depuis."), "avertissement"))
    nouveaux = [(i, c) for i, c in enumerate(u.circonstances, 1) if c.fait_nouveau]
    if not nouveaux:
        problemes.append(Probleme(
            "urgence.circonstances",
            Texte("vous avez une OQTF et vous n'indiquez aucun fait nouveau depuis (enfant français, mariage ou PACS, "
                  "emploi, santé, années de présence…). Sans fait nouveau, le juge dira presque sûrement qu'il n'y a "
                  "pas d'urgence et rejettera la requête. Et aller à la préfecture avec une OQTF peut mener à une "
                  "arrestation. Faites voir votre situation par une association ou un avocat avant de déposer."),
            "avertissement"))
    if o is not None:
        for i, c in nouveaux:
            if c.date is not None and c.date < o.date:
                problemes.append(Probleme(
                    f"urgence.circonstances[{i}].date",
                    Texte("ce fait date du {date}, avant l'OQTF du {date_oqtf} : ce n'est pas un fait nouveau. Le "
                          "préfet pouvait déjà le connaître.", date=c.date, date_oqtf=o.date), "avertissement"))
        age = (aujourd_hui - o.date).days
        if o.recours == "non_contestee" and 0 <= age < OQTF_RECENTE_JOURS:
            problemes.append(Probleme(
                "urgence.oqtf.date",
                Texte("votre OQTF date du {date}. Le délai pour la contester devant le tribunal court peut-être "
                      "encore. Ce délai est de 48 heures, 15 jours ou 30 jours : il est écrit à la fin de la "
                      "décision. Contester l'OQTF passe avant ce référé : faites-vous aider aujourd'hui même.",
                      date=o.date), "avertissement"))
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
    if fenetre.anef:
        regle = Texte("Il faut demander le renouvellement entre 120 et 60 jours avant la fin du titre, ici du "
                      "{debut} au {fin}. C'est la règle pour un titre demandé sur le site de l'ANEF.",
                      debut=fenetre.debut, fin=fenetre.fin)
    else:
        regle = Texte("Il faut demander le renouvellement dans les deux mois avant la fin du titre, ici du {debut} "
                      "au {fin}.", debut=fenetre.debut, fin=fenetre.fin)
    if s.situation == "apres_expiration":
        constat = Texte("votre titre de séjour a expiré le {expiration} et votre première tentative de rendez-vous "
                        "date du {premiere}, après cette expiration.",
                        expiration=s.expiration, premiere=s.premiere_tentative)
    else:
        constat = Texte("votre première tentative date du {premiere}, après le {fin}, alors que votre titre de "
                        "séjour expire le {expiration}.",
                        premiere=s.premiere_tentative, fin=fenetre.fin, expiration=s.expiration)
    if dossier.demande.motif_retard:
        suite = Texte("La requête donne ces dates et cite la raison que vous avez donnée.")
    else:
        suite = Texte("La requête donne ces dates telles qu'elles sont ; indiquez pourquoi vos démarches ont "
                      "commencé tard. La requête citera vos propres mots.")
    return [Probleme(
        "demande.date_expiration",
        Texte("{constat} {regle} Le juge peut penser que l'urgence vient de votre propre retard. Il peut alors "
              "rejeter la requête. {suite} Faites examiner votre situation par une association ou un avocat avant "
              "de déposer.", constat=constat, regle=regle, suite=suite), "avertissement")]


def _numeros(pieces: list[Piece]) -> Texte:
    """« les pièces n° 2, 4 et 5 » (two pièces or more)."""
    numeros = [str(p.numero) for p in pieces]
    return Texte("les pièces n° {numeros} et {dernier}", numeros=", ".join(numeros[:-1]), dernier=numeros[-1])


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
            Texte("aucune pièce d'identité n'est jointe (passeport, carte d'identité, acte de naissance). Le juge "
                  "doit pouvoir vérifier l'identité et la nationalité de la personne qui fait la requête. Joignez la "
                  "copie des pages d'identité de votre passeport, sous un libellé qui le dit (« Passeport »)."),
            "avertissement"))
    if "domicile" not in categories:
        # CESEDA R. 431-20: « le titre de séjour est délivré par le préfet du département dans lequel l'étranger
        # a sa résidence et, à Paris, par le préfet de police »; CJA R. 312-1: the court of the authority's seat.
        problemes.append(Probleme(
            "pieces",
            Texte("aucun justificatif de domicile n'est joint : facture, quittance de loyer, attestation "
                  "d'hébergement ou de domiciliation. Le titre de séjour est donné par le préfet du département où "
                  "vous habitez (à Paris, le préfet de police). Votre adresse désigne donc le préfet, ici "
                  "{autorite}. Elle désigne aussi le tribunal, ici le tribunal administratif de {ville}. Joignez un "
                  "justificatif récent, sous un libellé qui le dit (« Facture d'électricité », « Quittance de "
                  "loyer »).", autorite=j.autorite_article, ville=j.ville_tribunal),
            "avertissement"))
    if dossier.demande.nature == "renouvellement" and "sejour" not in categories:
        # CE, 9 juin 2022, n° 453391: urgency is in principle found for the renewal of a titre de séjour.
        problemes.append(Probleme(
            "pieces",
            Texte("pour un renouvellement, joignez la copie recto verso de votre titre de séjour actuel. Quand on "
                  "demande le renouvellement d'un titre, les juges considèrent en principe que c'est urgent. La "
                  "requête montre votre titre actuel avec cette copie. Donnez-lui un libellé qui le dit (« Carte de "
                  "séjour »)."),
            "avertissement"))
    memes: dict[str, list[Piece]] = {}
    for piece in pieces:
        memes.setdefault(libelle_ascii(piece.libelle).lower(), []).append(piece)
    for groupe in memes.values():
        if len(groupe) > 1:
            problemes.append(Probleme(
                _champ_du_libelle(groupe[1]),
                Texte("{pieces} portent le même libellé « {libelle} » : dans l'inventaire et sur Télérecours, le "
                      "juge ne pourra pas les distinguer. Donnez à chacune un libellé qui dit ce qu'elle contient "
                      "(par exemple avec sa date).", pieces=_numeros(groupe), libelle=groupe[0].libelle),
                "avertissement"))
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
            "pieces", Texte("{nombre} fichiers à déposer : Télérecours citoyens en accepte au plus {maximum}. "
                            "Regroupez des pièces (par exemple les captures par semaine).",
                            nombre=nombre, maximum=limites.nombre_max_fichiers)))
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
