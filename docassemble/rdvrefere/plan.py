"""The journey plan: from « je n'obtiens pas de rendez-vous » to a fileable dossier, with dates.

Computed from plain values, so that it works on an incomplete dossier (the client arrives with
nothing): `plan()`; for a complete dossier, `plan_depuis_dossier()`. Plain Python, no docassemble
import. The rules are the core's, imported from where they live, never restated:

- the attempts (tentatives.py, CE 10 juin 2020 n° 435594, CE 9 juin 2022 n° 453391, CE 18 février
  2022 n° 455740): `SEMAINES_REQUISES` weeks and `ECART_REQUIS_JOURS` days between the first and
  the last are required, `SEMAINES_CONSEILLEES` / `ECART_CONSEILLE_JOURS` advised. The plan puts
  the week-2 attempt `ECART_REQUIS_JOURS` days after the first (always another ISO week) and the
  week-3 attempt `ECART_CONSEILLE_JOURS` days after it, on a week not yet used;
- the ANEF diligences (verification.DILIGENCES_ANEF; CESEDA R. 431-2: the substitute is open to the
  foreigner who, « ayant accompli toutes les diligences qui lui incombent », is in the
  « impossibilité constatée » of using the téléservice);
- the e-mail to the préfecture, then the registered letter (GISTI / La Cimade practice): the letter
  `DELAI_REPONSE_JOURS` days after the e-mail left unanswered, the filing `DELAI_REPONSE_JOURS` days
  after the letter (verification.DELAI_REPONSE_JOURS: below, a démarche has not yet been left
  unanswered). Neither is required by `check`: they strengthen the dossier (advised);
- a renewal's CESEDA R. 431-5 window (renouvellement.py): the attempts start when it opens; a first
  attempt after its end or after expiry is late (warning, as in `check`);
- the urgency of a first application (R. 522-1 CJA; presumed only for a renewal, CE 9 juin 2022
  n° 453391): required.

The steps' names, statuses and dates (`Etape.libelle`, `Etape.quand`) are `mots.Texte`: French as
before for the command line and the JSON, translated on the client's screen « Où en êtes-vous ? »
(parcours_serveur.plan_pour_ecran, issue 13).

`Plan.manque` lists what blocks filing, each with the dossier field it concerns (`chemin`), the
same paths as `verification.verifier()`'s errors; `plan_depuis_dossier` adds `verifier`'s other
errors (a missing capture, a future date…), so that the plan and `check` never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .dates import date_longue
from .dossier import LIBELLES_DEMARCHE, NATURES_DEMARCHE, REPONSES_DEMARCHE, Dossier, reponse_de_la_demarche, resultat_est_une_reponse
from .mots import Texte
from .problemes import erreurs
from .renouvellement import fenetre_r431_5, situation_du_renouvellement
from .tentatives import (ECART_CONSEILLE_JOURS, ECART_REQUIS_JOURS, SEMAINES_CONSEILLEES, SEMAINES_REQUISES,
                         BilanTentatives, bilan_des_dates, lundi)
from .verification import (DELAI_REPONSE_JOURS, DILIGENCES_ANEF, demarche_qui_arrete, message_de_reponse,
                           reponse_qui_arrete, verifier)

__all__ = ["Etape", "Manque", "Plan", "DemarcheFaite", "plan", "plan_depuis_dossier", "STATUTS",
           "resultat_est_une_reponse"]

Statut = Literal["fait", "a_faire", "maintenant", "en_attente"]
STATUTS: dict[str, str] = {"fait": Texte("fait"), "a_faire": Texte("à faire"),
                           "maintenant": Texte("à faire maintenant"), "en_attente": Texte("en attente")}

# The paths of the requirements the plan decides itself (the same as verifier()'s errors).
CHEMIN_TENTATIVES = "tentatives"
CHEMIN_DEMARCHES = "demarches"
CHEMIN_URGENCE = "urgence.circonstances"


def _dimanche(jour: dt.date) -> dt.date:
    return lundi(jour) + dt.timedelta(days=6)


@dataclass(frozen=True)
class DemarcheFaite:
    """A démarche as the plan needs it: its nature (dossier.NATURES_DEMARCHE), its date, answered?
    `reponse`: the answer (dossier.REPONSES_DEMARCHE); None: « autre » if `repondue`, else « aucune »."""

    nature: str
    date: dt.date
    repondue: bool = False
    reponse: str | None = None

    @property
    def reponse_recue(self) -> str:
        if self.reponse in REPONSES_DEMARCHE:
            return self.reponse
        return "autre" if self.repondue else "aucune"


@dataclass(frozen=True)
class Etape:
    """One step of the journey. `debut`/`fin`: the window to do it in (either may be None);
    `fait_le`: when it was done. `bloquant`: filing is impossible without it (else advised)."""

    cle: str
    libelle: str
    statut: Statut
    raison: str
    debut: dt.date | None = None
    fin: dt.date | None = None
    fait_le: dt.date | None = None
    bloquant: bool = False

    @property
    def statut_libelle(self) -> str:
        return STATUTS[self.statut]

    @property
    def quand(self) -> str:
        """« fait le 5 octobre 2026 », « à faire entre le … et le … », « à partir du … »…"""
        statut = self.statut_libelle
        if self.statut == "fait":
            return Texte("fait le {date}", date=self.fait_le) if self.fait_le else statut
        if self.debut and self.fin:
            if self.debut == self.fin:
                return Texte("{statut} le {date}", statut=statut, date=self.debut)
            return Texte("{statut} entre le {debut} et le {fin}", statut=statut, debut=self.debut, fin=self.fin)
        if self.debut:
            return Texte("{statut} à partir du {date}", statut=statut, date=self.debut)
        if self.fin:
            return Texte("{statut} avant le {date}", statut=statut, date=self.fin)
        return statut

    def ligne(self) -> str:
        """« Tentative de la semaine 2 : à faire entre le … et le … — raison »."""
        return f"{self.libelle} : {self.quand}. {self.raison}"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for cle in ("debut", "fin", "fait_le"):
            d[cle] = d[cle].isoformat() if d[cle] else None
        return {**d, "statut_libelle": self.statut_libelle, "quand": self.quand}


@dataclass(frozen=True)
class Manque:
    """Something that blocks filing: the dossier field (`chemin`, as in verifier()) and a French sentence."""

    chemin: str
    texte: str

    def as_dict(self) -> dict[str, str]:
        return {"chemin": self.chemin, "texte": self.texte}


@dataclass(frozen=True)
class Plan:
    etapes: tuple[Etape, ...]
    depot_possible_a_partir_du: dt.date       # earliest date the required steps allow
    depot_conseille_a_partir_du: dt.date      # once the advised steps (3rd week, letter's delay) are done too
    manque: tuple[Manque, ...]                # blocks filing (empty: fileable as far as these rules go)
    conseils: tuple[str, ...] = ()            # advised, not required
    avertissements: tuple[str, ...] = ()      # late renewal, answer received…
    bilan: BilanTentatives | None = field(default=None, compare=False)
    # « refus_ecrit » / « rendez_vous »: a démarche's answer ends the référé path (verification.demarche_qui_arrete)
    arret: str | None = None

    @property
    def deposable(self) -> bool:
        return not self.manque

    def etape(self, cle: str) -> Etape | None:
        return next((e for e in self.etapes if e.cle == cle), None)

    def texte(self) -> str:
        """The plan in French, for the command line and e-mails."""
        lignes = ["Votre plan :"]
        lignes += [f"- [{e.statut_libelle}] {e.ligne()}" for e in self.etapes]
        lignes.append(f"Dépôt au tribunal possible à partir du {date_longue(self.depot_possible_a_partir_du)}"
                      + ("" if self.depot_conseille_a_partir_du == self.depot_possible_a_partir_du else
                         f" ; conseillé à partir du {date_longue(self.depot_conseille_a_partir_du)}") + ".")
        if self.manque:
            lignes.append("Ce qui manque encore pour déposer :")
            lignes += [f"- {m.texte}" for m in self.manque]
        else:
            lignes.append("Rien ne manque pour déposer.")
        if self.conseils:
            lignes.append("Pour renforcer la demande :")
            lignes += [f"- {c}" for c in self.conseils]
        if self.avertissements:
            lignes.append("Attention :")
            lignes += [f"- {a}" for a in self.avertissements]
        return "\n".join(lignes)

    def as_dict(self) -> dict[str, Any]:
        return {"etapes": [e.as_dict() for e in self.etapes],
                "depot_possible_a_partir_du": self.depot_possible_a_partir_du.isoformat(),
                "depot_conseille_a_partir_du": self.depot_conseille_a_partir_du.isoformat(),
                "deposable": self.deposable, "manque": [m.as_dict() for m in self.manque],
                "conseils": list(self.conseils), "avertissements": list(self.avertissements), "arret": self.arret}


def _en_date(valeur: Any) -> dt.date | None:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, str) and valeur.strip():
        try:
            return dt.date.fromisoformat(valeur.strip()[:10])
        except ValueError:
            return None
    return None


def _demarche(valeur: DemarcheFaite | Mapping[str, Any] | Any) -> DemarcheFaite | None:
    """A DemarcheFaite from itself, a dict ({nature, date, reponse | repondue | resultat}) or a dossier's
    Demarche. The answer: `reponse` when given (dossier.REPONSES_DEMARCHE), else `repondue`, else the
    free text `resultat` (dossier.reponse_de_la_demarche: never a refusal nor an appointment)."""
    if isinstance(valeur, DemarcheFaite):
        return valeur
    lire = valeur.get if isinstance(valeur, Mapping) else (lambda cle, defaut=None: getattr(valeur, cle, defaut))
    jour, nature = _en_date(lire("date")), lire("nature")
    if jour is None or not isinstance(nature, str):
        return None
    reponse = lire("reponse", None)
    if reponse not in REPONSES_DEMARCHE:
        repondue = lire("repondue", None)
        reponse = (("autre" if repondue else "aucune") if repondue is not None
                   else reponse_de_la_demarche(None, lire("resultat", None)))
    return DemarcheFaite(nature, jour, reponse != "aucune", reponse)


def _semaine(numero: int) -> Texte:
    return Texte("Tentative de la semaine {n}", n=numero)


def _libelle_demarche(nature: str) -> str:
    """The démarche's name with a capital, as the steps name it: a Texte, so that the client's
    screen translates it (scripts/phrases.py lists dossier.LIBELLES_DEMARCHE); an unknown nature
    stays as it is."""
    libelle = LIBELLES_DEMARCHE.get(nature)
    return Texte(libelle) if libelle else nature


def plan(*, aujourd_hui: dt.date, nature: str | None = None, date_expiration: dt.date | None = None,
         blocage: str | None = None, dates_tentatives: Iterable[dt.date | None] = (),
         demarches: Iterable[DemarcheFaite | Mapping[str, Any] | Any] = (), urgence: bool | None = None,
         date_naissance: dt.date | None = None) -> Plan:
    """The plan from plain values; every argument may be missing (None / empty) but `aujourd_hui`.

    `nature`: « premiere_demande » / « renouvellement »; `blocage`: « aucun_creneau »,
    « categorie_absente », « anef »; `dates_tentatives`: the attempts' dates (future dates and dates
    before `date_naissance` are not counted, as in `check`); `demarches`: DemarcheFaite, dicts
    {nature, date, repondue} or the dossier's Demarche (answered when `resultat` is given);
    `urgence`: at least one urgency circumstance is described."""
    aujourd_hui = _en_date(aujourd_hui) or dt.date.today()
    date_expiration = _en_date(date_expiration)
    dates = sorted(d for d in (_en_date(x) for x in dates_tentatives)
                   if d is not None and d <= aujourd_hui and (date_naissance is None or d >= date_naissance))
    numerotees = [(i, d) for i, d in enumerate((_demarche(x) for x in demarches), 1) if d is not None]
    toutes = [d for _, d in numerotees]
    faites = sorted((d for d in toutes if d.date <= aujourd_hui), key=lambda d: d.date)
    bilan = bilan_des_dates(dates)
    anef = blocage == "anef"
    etapes: list[Etape] = []
    manque: list[Manque] = []
    conseils: list[str] = []
    avertissements: list[str] = []

    # --- a renewal's window (CESEDA R. 431-5) and the journey's start --------------------------
    depart = bilan.premiere or aujourd_hui
    if nature == "renouvellement" and date_expiration is not None:
        fenetre = fenetre_r431_5(date_expiration, anef=anef)
        regle = ("entre le cent-vingtième et le soixantième jour avant la fin du titre (titre demandé sur l'ANEF)"
                 if anef else "dans les deux mois avant la fin du titre")
        libelle = Texte("Délai pour demander le renouvellement (article R. 431-5 du CESEDA)")
        situation = situation_du_renouvellement(nature, date_expiration, dates, anef=anef)
        if bilan.premiere is None and aujourd_hui < fenetre.debut:
            depart = fenetre.debut
            etapes.append(Etape("renouvellement", libelle, "en_attente",
                                f"Le renouvellement se demande {regle} : commencez vos tentatives dès le "
                                f"{date_longue(fenetre.debut)}.", fenetre.debut, fenetre.fin))
        elif bilan.premiere is None and aujourd_hui <= fenetre.fin:
            etapes.append(Etape("renouvellement", libelle, "maintenant",
                                f"Le renouvellement se demande {regle} : le délai est ouvert, commencez vos "
                                "tentatives maintenant.", aujourd_hui, fenetre.fin))
        elif situation.tardif or (bilan.premiere is None and aujourd_hui > fenetre.fin):
            premiere = bilan.premiere or aujourd_hui
            apres = (f"après la fin de votre titre, le {date_longue(date_expiration)}" if premiere > date_expiration
                     else f"après la fin du délai, le {date_longue(fenetre.fin)}")
            texte = (f"Le renouvellement se demandait {regle}, du {date_longue(fenetre.debut)} au "
                     f"{date_longue(fenetre.fin)}. Vos démarches commencent {apres} : le juge peut penser que "
                     "l'urgence vient de votre retard. Notez pourquoi vous avez commencé tard (la requête citera vos "
                     "mots) et faites examiner votre situation par une association ou un avocat.")
            avertissements.append(texte)
            etapes.append(Etape("renouvellement", libelle, "maintenant",
                                "En retard : commencez tout de suite et notez la raison du retard.",
                                fenetre.debut, fenetre.fin))
        else:
            etapes.append(Etape("renouvellement", libelle, "fait",
                                f"Première tentative dans le délai, qui court du {date_longue(fenetre.debut)} au "
                                f"{date_longue(fenetre.fin)}.",
                                fenetre.debut, fenetre.fin, fait_le=bilan.premiere))

    # --- the attempts, week by week (tentatives.py) --------------------------------------------
    conseil_capture = ("Essayez plusieurs jours, à des heures différentes ; faites chaque fois une capture d'écran "
                       "où se voient l'adresse du site, le message et la date et l'heure.")
    if bilan.premiere is None:
        debut = max(aujourd_hui, depart)
        etapes.append(Etape("tentative_1", _semaine(1), "maintenant" if debut <= aujourd_hui
                            else "en_attente", conseil_capture, debut, _dimanche(debut), bloquant=True))
    else:
        etapes.append(Etape("tentative_1", _semaine(1), "fait",
                            "Première tentative de rendez-vous.", fait_le=bilan.premiere, bloquant=True))
    premiere = bilan.premiere or max(aujourd_hui, depart)
    requise = premiere + dt.timedelta(days=ECART_REQUIS_JOURS)
    raison_2 = (f"Il faut des tentatives sur au moins {SEMAINES_REQUISES} semaines différentes, la dernière au "
                f"moins {ECART_REQUIS_JOURS} jours après la première.")
    if bilan.suffisant:
        fait_le = next(d for d in dates if d >= requise)
        etapes.append(Etape("tentative_2", _semaine(2), "fait", raison_2, fait_le=fait_le,
                            bloquant=True))
        date_requise = fait_le
    else:
        debut = max(requise, aujourd_hui)
        etapes.append(Etape("tentative_2", _semaine(2), "maintenant" if debut <= aujourd_hui
                            else "a_faire", raison_2, debut, _dimanche(debut), bloquant=True))
        date_requise = debut
        manque.append(Manque(CHEMIN_TENTATIVES,
                             f"{bilan.constat()}. Il faut des tentatives sur au moins {SEMAINES_REQUISES} semaines "
                             f"différentes, la dernière au moins {ECART_REQUIS_JOURS} jours après la première : "
                             f"faites la tentative de la semaine 2 à partir du {date_longue(debut)}."))
    raison_3 = (f"Conseillé : les juges accordent en général le rendez-vous quand les tentatives couvrent "
                f"{SEMAINES_CONSEILLEES} semaines et au moins {ECART_CONSEILLE_JOURS} jours. Continuez ensuite "
                "chaque semaine jusqu'au dépôt.")
    if bilan.conseille:
        fait_le = next(d for d in dates if d >= premiere + dt.timedelta(days=ECART_CONSEILLE_JOURS))
        etapes.append(Etape("tentative_3", _semaine(3), "fait", raison_3, fait_le=fait_le))
        date_conseillee = fait_le
    else:
        debut = max(premiere + dt.timedelta(days=ECART_CONSEILLE_JOURS), aujourd_hui)
        if bilan.nombre_de_semaines < SEMAINES_CONSEILLEES:
            semaines_prises = set(bilan.semaines) | {lundi(date_requise)}
            while lundi(debut) in semaines_prises:
                debut = lundi(debut) + dt.timedelta(days=7)
        etapes.append(Etape("tentative_3", _semaine(3), "maintenant" if debut <= aujourd_hui
                            else "a_faire", raison_3, debut, _dimanche(debut)))
        date_conseillee = debut
        conseils.append(f"Une tentative sur une {SEMAINES_CONSEILLEES}e semaine, à partir du {date_longue(debut)}.")

    # --- the ANEF diligences (CESEDA R. 431-2; verification.DILIGENCES_ANEF) --------------------
    date_anef = aujourd_hui
    if anef:
        faites_anef = [d for d in faites if d.nature in DILIGENCES_ANEF]
        natures = [n for n in NATURES_DEMARCHE if n in DILIGENCES_ANEF]
        for rang, nature_anef in enumerate(natures):
            faite = next((d for d in faites_anef if d.nature == nature_anef), None)
            raison = ("Pour l'ANEF, le juge ne peut ordonner une autre solution qu'après une demande d'aide : gardez "
                      "le ticket, le courriel de réponse ou l'attestation.")
            if faite is not None:
                etapes.append(Etape(nature_anef, _libelle_demarche(nature_anef), "fait", raison,
                                    fait_le=faite.date, bloquant=faite is faites_anef[0]))   # one suffices
            elif faites_anef:
                etapes.append(Etape(nature_anef, _libelle_demarche(nature_anef), "a_faire",
                                    "Conseillé : une seconde démarche d'aide montre que vous avez tout essayé.",
                                    aujourd_hui, _dimanche(aujourd_hui)))
            else:
                etapes.append(Etape(nature_anef, _libelle_demarche(nature_anef), "maintenant" if rang == 0
                                    else "a_faire", raison, aujourd_hui, _dimanche(aujourd_hui), bloquant=True))
        if not any(d.nature in DILIGENCES_ANEF for d in toutes):   # as verifier(): a future one is its own error
            manque.append(Manque(CHEMIN_DEMARCHES,
                                 "Pour un blocage de l'ANEF : une demande d'aide au centre de contact citoyen de "
                                 "l'ANEF ou un passage au point d'accueil numérique de la préfecture, avec sa preuve."))
        if faites_anef:
            date_anef = faites_anef[0].date

    # --- the e-mail, then the registered letter (practice: GISTI / La Cimade) -------------------
    delai = dt.timedelta(days=DELAI_REPONSE_JOURS)
    courriel = next((d for d in faites if d.nature == "courriel"), None)
    lrar = next((d for d in faites if d.nature == "lrar"), None)
    if courriel is not None:
        etapes.append(Etape("courriel", Texte("Courriel à la préfecture"), "fait",
                            "Gardez le courriel envoyé et toute réponse." if not courriel.repondue else
                            "Une réponse a été reçue : gardez-la.", fait_le=courriel.date))
        date_courriel = courriel.date
    elif lrar is None:
        debut = max(aujourd_hui, depart)
        etapes.append(Etape("courriel", Texte("Courriel à la préfecture"), "maintenant" if debut <= aujourd_hui
                            else "en_attente", "Demandez un rendez-vous par écrit : le courriel est prêt dans "
                            "l'application. Gardez-en une copie.", debut, _dimanche(debut)))
        conseils.append("Un courriel à la préfecture pour demander un rendez-vous.")
        date_courriel = debut
    else:
        date_courriel = lrar.date
    if lrar is not None:
        etapes.append(Etape("lrar", Texte("Lettre recommandée avec accusé de réception"), "fait",
                            "Gardez la preuve d'envoi et l'accusé de réception : la lettre restée sans réponse "
                            "sera la pièce n° 1 du dossier.", fait_le=lrar.date))
        fin_attente = lrar.date + delai
        if lrar.repondue:
            if lrar.reponse_recue == "autre":
                avertissements.append(
                    "La préfecture a répondu à votre lettre. Si c'est un refus écrit, une décision existe : ce référé "
                    "ne convient plus. Faites-vous aider par une association ou un avocat.")
            etapes.append(Etape("attente_reponse", Texte("Réponse à la lettre recommandée"), "fait", {
                "refus_ecrit": "Un refus écrit a été reçu : ce référé ne convient plus.",
                "rendez_vous": "Un rendez-vous a été donné : ce référé n'est plus utile."}.get(
                    lrar.reponse_recue, "Une réponse a été reçue : lisez-la avec une association si c'est un refus.")))
        else:
            etapes.append(Etape("attente_reponse", Texte("Attente de la réponse à la lettre recommandée"),
                                "fait" if fin_attente <= aujourd_hui else "en_attente",
                                f"La préfecture a {DELAI_REPONSE_JOURS} jours pour répondre avant que la lettre puisse "
                                "être dite « à ce jour sans réponse ».", lrar.date, fin_attente,
                                fait_le=fin_attente if fin_attente <= aujourd_hui else None))
    else:
        debut = max(aujourd_hui, date_courriel + delai)
        etapes.append(Etape("lrar", Texte("Lettre recommandée avec accusé de réception"), "maintenant"
                            if debut <= aujourd_hui else "a_faire",
                            f"Si le courriel reste sans réponse {DELAI_REPONSE_JOURS} jours, envoyez la lettre (prête "
                            "dans l'application) ; restée sans réponse, elle sera la pièce n° 1 du dossier.",
                            debut, _dimanche(debut)))
        conseils.append(f"Une lettre recommandée avec accusé de réception, à envoyer à partir du {date_longue(debut)}.")
        fin_attente = debut + delai

    # --- an answer that ends the référé path (verification.demarche_qui_arrete: the one rule) ----
    premier_arret = demarche_qui_arrete([{"reponse": d.reponse_recue} for _, d in numerotees])
    arret = premier_arret[2] if premier_arret else None
    for numero, d in numerotees:
        if reponse_qui_arrete(d.reponse_recue):
            texte = message_de_reponse(numero, d.nature, d.date, d.reponse_recue)
            manque.append(Manque(f"demarches[{numero}].reponse", texte[:1].upper() + texte[1:]))

    # --- the urgency of a first application (R. 522-1 CJA; CE 9 juin 2022 n° 453391) ----------
    if nature == "premiere_demande":
        if urgence:
            etapes.append(Etape("urgence", Texte("Raison urgente et sa preuve"), "fait",
                                "Pour une première demande, le juge veut une raison urgente prouvée.",
                                bloquant=True))
        else:
            etapes.append(Etape("urgence", Texte("Raison urgente et sa preuve"), "maintenant",
                                "Pour une première demande, le juge ne suppose pas l'urgence : décrivez au moins une "
                                "raison (emploi, santé, visa ou récépissé qui se termine…) et gardez sa preuve.",
                                aujourd_hui, bloquant=True))
            manque.append(Manque(CHEMIN_URGENCE, "Pour une première demande : au moins une raison qui rend le "
                                                 "rendez-vous urgent, avec sa preuve."))
    elif nature is None:
        manque.append(Manque("demande.nature", "Dites s'il s'agit d'une première demande ou d'un renouvellement."))
    if blocage is None:
        manque.append(Manque("blocage.type", "Dites ce qui bloque : aucun créneau, catégorie absente du site ou ANEF."))

    # --- filing ---------------------------------------------------------------------------------
    possible = max(aujourd_hui, date_requise, date_anef)
    conseille = max(possible, date_conseillee, fin_attente)
    if arret:
        statut: Statut = "en_attente"
        raison = {"refus_ecrit": "Pas de dépôt de ce référé : la préfecture a refusé par écrit, ce refus se conteste "
                                 "autrement (voir ce qui manque).",
                  "rendez_vous": "Pas de dépôt : vous avez un rendez-vous, ce référé n'est plus utile."}[arret]
    elif manque:
        statut = "en_attente" if possible > aujourd_hui else "a_faire"
        raison = "Quand ce qui manque sera réuni."
    else:
        statut = "maintenant" if possible <= aujourd_hui else "en_attente"
        raison = "Vérifiez le dossier, puis déposez-le sur Télérecours citoyens."
    if conseille > possible and not arret:
        raison += f" Conseillé à partir du {date_longue(conseille)}."
    ordre = sorted(etapes, key=lambda e: e.fait_le or e.debut or aujourd_hui)
    ordre.append(Etape("depot", Texte("Dépôt au tribunal"), statut, raison, possible, bloquant=True))
    return Plan(tuple(ordre), possible, conseille, tuple(manque), tuple(conseils), tuple(avertissements), bilan, arret)


def plan_depuis_dossier(dossier: Dossier, aujourd_hui: dt.date | None = None) -> Plan:
    """The plan of a complete dossier. `manque` also lists `verifier(dossier, fichiers=False)`'s
    errors the plan does not decide itself (a capture missing, a date in the future…), so that the
    plan and `check` agree on what blocks filing."""
    aujourd_hui = aujourd_hui or dt.date.today()
    resultat = plan(aujourd_hui=aujourd_hui, nature=dossier.demande.nature,
                    date_expiration=dossier.demande.date_expiration, blocage=dossier.blocage.type,
                    dates_tentatives=[t.date for t in dossier.tentatives], demarches=dossier.demarches,
                    urgence=bool(dossier.urgence.circonstances), date_naissance=dossier.requerant.date_naissance)
    deja = {m.chemin for m in resultat.manque}
    autres = tuple(Manque(p.chemin, p.message[:1].upper() + p.message[1:])
                   for p in erreurs(verifier(dossier, aujourd_hui=aujourd_hui, fichiers=False))
                   if p.chemin not in deja)
    if not autres:
        return resultat
    depot = resultat.etapes[-1]
    if not resultat.arret:   # the step already says why there is no filing
        depot = Etape(depot.cle, depot.libelle, "en_attente" if depot.debut > aujourd_hui else "a_faire",
                      "Quand ce qui manque sera réuni.", depot.debut, bloquant=True)
    etapes = resultat.etapes[:-1] + (depot,)
    return Plan(etapes, resultat.depot_possible_a_partir_du, resultat.depot_conseille_a_partir_du,
                resultat.manque + autres, resultat.conseils, resultat.avertissements, resultat.bilan, resultat.arret)
