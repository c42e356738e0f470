"""After the order: what the ordonnance de référé orders, its deadlines, and what to do now.

The ordonnance file (YAML or JSON, like the référé dossier; example: `examples/ordonnance-awa/`)
holds the applicant (`requerant`, `departement`: the same fields and checks as the dossier), what
the ordonnance says (`ordonnance`) and what happened since (`suivi`). Plain Python, no docassemble
import: the command line (`rdvrefere echeances`, `rdvrefere execution`), the interview and the staff
screens call the same functions.

Law used (verified with the search tool; texts as the sources quote them):
- CJA R. 921-1-1 (weka.fr and lexbase.fr, current text; the last alinéa was removed by décret
  n° 2019-1502, legal.tricoteuses.fr): the demande d'exécution « ne peut être présentée, sauf décision
  explicite de refus d'exécution opposée par l'autorité administrative, avant l'expiration d'un délai
  de trois mois à compter de la notification de ce jugement. Toutefois, en ce qui concerne les
  décisions ordonnant une mesure d'urgence, la demande peut être présentée sans délai. » and « Dans le
  cas où le tribunal a, dans le jugement dont l'exécution est poursuivie, déterminé un délai dans
  lequel l'administration doit prendre les mesures d'exécution qu'il a prescrites, la demande ne peut
  être présentée qu'à l'expiration de ce délai. » The current text does NOT say « notamment … L. 521-1
  à L. 521-4 » (the 1995 wording said « et notamment un sursis à exécution »). So: an ordonnance
  with a délai → the day after the délai; « sans délai » → from the notification.
  Same rule, in plain words, on service-public.fr (fiche F2497): « Si le tribunal a fixé un délai
  […], vous ne pouvez présenter votre demande qu'à l'expiration de ce délai. Si la décision contient
  une mesure d'urgence, les 3 mois ne s'appliquent pas. » and « vous n'avez pas besoin d'un avocat ».
- CJA L. 523-1: the orders under L. 521-3 « sont rendues en dernier ressort » (legifrance): no appeal.
  CJA R. 523-1 (doctrine.fr, in force since 1 January 2001): « Le pourvoi en cassation contre les
  ordonnances rendues par le juge des référés en application des articles L. 521-1, L. 521-3, L. 521-4
  et L. 522-3 est présenté dans les quinze jours de la notification qui en est faite en application de
  l'article R. 522-12. » The délai is franc (vagneux.fr, citing CE, 2e chambre, 29 juin 2023,
  n° 470217, inédit: an ordonnance notified on 20 December 2022, pourvoi of 5 January 2023 in time;
  and the general rule « Sauf texte contraire, les délais de recours devant les juridictions
  administratives sont, en principe, des délais francs, leur premier jour étant le lendemain du jour
  de leur déclenchement et leur dernier jour étant le lendemain du jour de leur échéance », CE,
  1re et 4e ch. réunies, 5 octobre 2018, n° 409579, Tables, as quoted by actualitesdudroitpublic.fr),
  and a last day on a Saturday, Sunday or jour férié moves to the next working day (art. 642 CPC,
  applied by the administrative courts: same sources). Jours fériés: code du travail L. 3133-1
  (legifrance: 1er janvier, lundi de Pâques, 1er mai, 8 mai, Ascension, lundi de Pentecôte,
  14 juillet, Assomption, Toussaint, 11 novembre, Noël). Local holidays (Alsace-Moselle, overseas)
  are not counted: the date given is then on the safe side.
  The avocat au Conseil d'État for the pourvoi: droit.md and guide.py say so; the text of CJA
  R. 821-3 was NOT found in the stored sources.
- The préfet's délai runs from the notification of the ordonnance (or from the ordonnance itself
  when it says so) and is counted in calendar days: no text found extends it over weekends, and
  none makes it franc (délais francs are délais de recours). Said as « au plus tard le … ».
- Liquidation: CJA L. 911-7 (legifrance via livv.eu): « En cas d'inexécution totale ou partielle ou
  d'exécution tardive, la juridiction procède à la liquidation de l'astreinte qu'elle avait prononcée.
  […] Elle peut modérer ou supprimer l'astreinte provisoire, même en cas d'inexécution constatée. »
  CE, juge des référés, 7 février 2025, n° 501149: found only through a commentary
  (kohenavocats.com), the decision's own text was not found. As the commentary tells it: the juge
  des référés of the TA of Grenoble (référé-liberté, 20 December 2024) had ordered an appointment
  within seven days under an astreinte of 100 euros a day; the appointment came four weeks after the
  délai; the TA refused to liquidate (24 January 2025) and the Conseil d'État, on appeal, rejected
  the request, the injunction being regarded as finally executed. So a late appointment may leave
  the astreinte unliquidated: the client is told so, plainly.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from . import mots
from .dates import en_lettres, jour_et_date
from .dossier import (AutrePiece, Date, DossierIllisible, DossierInvalide, Fichier, Heure, OuiNon, Requerant,
                      Signature, Texte, _departement, _Modele, _refus, lire_donnees, problemes_de_validation)
from .juridictions import normaliser_code
from .verification import DELAI_REPONSE_JOURS

__all__ = ["ISSUES", "MOTIFS_REJET", "Astreinte", "Ordonnance", "Constat", "CourrierPrefet", "Suivi",
           "DossierOrdonnance", "Echeances", "Etat", "echeances", "etat_a_la_date", "conseils_rejet",
           "jours_d_astreinte", "dernier_jour_franc", "est_ferie", "lire_ordonnance",
           "ordonnance_depuis_donnees", "jour_nomme", "DELAI_CASSATION_JOURS", "ATTENTE_COURRIER_JOURS"]

DELAI_CASSATION_JOURS = 15            # CJA R. 523-1 (délai franc)
ATTENTE_COURRIER_JOURS = DELAI_REPONSE_JOURS   # practice, not law: the letter's answer awaited before the tribunal

ISSUES = {
    "injonction": "le juge a ordonné au préfet de donner un rendez-vous",
    "rejet": "le juge a rejeté la demande",
    "non_lieu": "le juge a dit qu'il n'y avait plus lieu de statuer (rendez-vous déjà donné)",
}
# The ground of a rejection, as the client or staff reads it in the ordonnance's reasons.
MOTIFS_REJET = {
    "urgence": "pas d'urgence",
    "tentatives": "pas assez de tentatives, ou pas sur des semaines différentes",
    "decision_existante": "une décision existe déjà (refus écrit)",
    "incompetence": "le tribunal n'était pas le bon",
    "autre": "autre motif",
}


def _code_departement(valeur: Any) -> Any:
    return normaliser_code(valeur) if isinstance(valeur, str | int) and not isinstance(valeur, bool) else valeur


class Astreinte(_Modele):
    """A sum per day of delay (CJA L. 911-3), from `debut` (default: the day after the préfet's délai)."""

    montant_euros: Annotated[int, Field(ge=1, le=100_000)]
    debut: Date | None = None


class Ordonnance(_Modele):
    """What the ordonnance says: where to read each field is in README « Après l'ordonnance »."""

    numero: Texte                       # the case number on the ordonnance (« N° 2612345 »)
    date: Date                          # the date it was read (« Lu le … », at the end)
    date_notification: Date             # when the applicant received it (Télérecours: first opening,
                                        # or two working days after it was put online, R. 611-8-6)
    issue: Literal["injonction", "rejet", "non_lieu"]
    delai_jours: Annotated[int, Field(ge=1, le=365)] | None = None   # the préfet's délai
    sans_delai: OuiNon = False          # « sans délai », « dès la notification »
    point_de_depart: Literal["notification", "ordonnance"] = "notification"
    delai_rdv_jours: Annotated[int, Field(ge=1, le=365)] | None = None  # the appointment itself within M days
    astreinte: Astreinte | None = None
    motif_rejet: Literal["urgence", "tentatives", "decision_existante", "incompetence", "autre"] | None = None
    fichiers: list[Fichier] = []        # the ordonnance itself (PDF from Télérecours)

    @model_validator(mode="after")
    def _coherente(self) -> "Ordonnance":
        # each message a mots.Texte (dossier._refus): the client's screen shows it translated
        if self.date_notification < self.date:
            raise _refus("ordonnance_fr", mots.Texte("la date de notification ({notif}) est avant la date de "
                                                     "l'ordonnance ({date}) : vérifiez les deux dates",
                                                     notif=self.date_notification, date=self.date))
        if self.issue == "injonction":
            if self.delai_jours is None and not self.sans_delai:
                raise _refus("ordonnance_fr", mots.Texte("pour une injonction, indiquez le délai donné au préfet "
                                                         "(champ « delai_jours ») ou « sans_delai: oui »"))
            if self.delai_jours is not None and self.sans_delai:
                raise _refus("ordonnance_fr", mots.Texte("indiquez soit « delai_jours », soit « sans_delai », "
                                                         "pas les deux"))
        else:
            for champ in ("delai_jours", "astreinte", "delai_rdv_jours"):
                if getattr(self, champ):
                    raise _refus("ordonnance_fr", mots.Texte("le champ « {champ} » ne va qu'avec une injonction "
                                                             "(issue: injonction)", champ=champ))
        if self.issue == "rejet" and self.motif_rejet is None:
            raise _refus("ordonnance_fr", mots.Texte("pour un rejet, indiquez le motif (champ « motif_rejet » : "
                                                     "{motifs})", motifs=", ".join(MOTIFS_REJET)))
        if self.issue != "rejet" and self.motif_rejet is not None:
            raise _refus("ordonnance_fr", mots.Texte("« motif_rejet » ne va qu'avec un rejet (issue: rejet)"))
        return self


class Constat(_Modele):
    """A proof that the préfet did not comply after the order: an attempt to book, the mailbox or
    the ANEF account without any convocation… `constat` is the applicant's words (quoted)."""

    date: Date
    heure: Heure | None = None
    constat: Texte
    libelle: Texte | None = None
    fichiers: list[Fichier] = []


class CourrierPrefet(_Modele):
    """The letter sent to the préfet after the délai: the letter as sent and its proof of sending
    (récépissé, avis de réception), in `fichiers`."""

    date: Date
    fichiers: list[Fichier] = []


class Suivi(_Modele):
    """What happened after the ordonnance."""

    rendez_vous_le: Date | None = None          # the day the préfet gave an appointment (convocation received)
    courrier_prefet: CourrierPrefet | None = None
    constats: list[Constat] = []
    demande_execution_le: Date | None = None    # the day the demande d'exécution was filed


class DossierOrdonnance(_Modele):
    """One ordonnance and its follow-up, for one applicant."""

    requerant: Requerant
    departement: Annotated[str, BeforeValidator(lambda v: _departement(_code_departement(v)))]
    titre: Texte | None = None                  # the titre de séjour sought, as in the référé
    ordonnance: Ordonnance
    suivi: Suivi = Suivi()
    pieces: list[AutrePiece] = []               # other pièces for the demande d'exécution
    signature: Signature = Signature()

    def tous_les_fichiers(self) -> list[tuple[str, Path]]:
        """Every file with the path of its field, in file order."""
        trouves = [(f"ordonnance.fichiers[{j}]", f) for j, f in enumerate(self.ordonnance.fichiers, 1)]
        if self.suivi.courrier_prefet:
            trouves += [(f"suivi.courrier_prefet.fichiers[{j}]", f)
                        for j, f in enumerate(self.suivi.courrier_prefet.fichiers, 1)]
        for i, constat in enumerate(self.suivi.constats, 1):
            trouves += [(f"suivi.constats[{i}].fichiers[{j}]", f) for j, f in enumerate(constat.fichiers, 1)]
        for i, piece in enumerate(self.pieces, 1):
            trouves += [(f"pieces[{i}].fichiers[{j}]", f) for j, f in enumerate(piece.fichiers, 1)]
        return trouves


# --- Deadlines -------------------------------------------------------------------------------

def _paques(annee: int) -> dt.date:
    """Easter Sunday (Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    mois, jour = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(annee, mois, jour + 1)


@functools.cache
def _feries(annee: int) -> frozenset[dt.date]:
    """The national jours fériés (code du travail L. 3133-1)."""
    paques = _paques(annee)
    fixes = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset([dt.date(annee, m, j) for m, j in fixes]
                     + [paques + dt.timedelta(days=n) for n in (1, 39, 50)])   # lundi de Pâques, Ascension, Pentecôte


def est_ferie(jour: dt.date) -> bool:
    """A national jour férié (L. 3133-1 code du travail)."""
    return jour in _feries(jour.year)


def dernier_jour_franc(depart: dt.date, jours: int) -> dt.date:
    """The last day of a délai franc of `jours` days from `depart` (not counted; the day after the
    échéance counts), moved to the next working day when it falls on a Saturday, a Sunday or a
    jour férié (art. 642 CPC, as the administrative courts apply it)."""
    dernier = depart + dt.timedelta(days=jours + 1)
    while dernier.weekday() >= 5 or est_ferie(dernier):
        dernier += dt.timedelta(days=1)
    return dernier


@dataclass(frozen=True)
class Echeances:
    """The dates that follow from an ordonnance (None: does not apply)."""

    depart: dt.date                               # from when the préfet's délai runs
    date_limite_prefet: dt.date | None            # the last day for the préfet to give a date (injonction)
    date_limite_rdv: dt.date | None               # the latest date of the appointment itself, when fixed
    execution_possible_le: dt.date | None         # R. 921-1-1: the first day a demande d'exécution can be filed
    astreinte_debut: dt.date | None               # the first day the astreinte runs
    cassation_jusqu_au: dt.date                   # R. 523-1: the last day for a pourvoi (délai franc)

    def as_dict(self) -> dict[str, str | None]:
        return {cle: (valeur.isoformat() if valeur else None) for cle, valeur in asdict(self).items()}


def echeances(ordonnance: Ordonnance) -> Echeances:
    """The deadlines of an ordonnance (see the module docstring for each rule)."""
    o = ordonnance
    depart = o.date if o.point_de_depart == "ordonnance" else o.date_notification
    limite = rdv = execution = debut = None
    if o.issue == "injonction":
        if o.sans_delai:
            limite = depart
            execution = o.date_notification     # a mesure d'urgence « sans délai »: at once
        else:
            limite = depart + dt.timedelta(days=o.delai_jours)
            execution = limite + dt.timedelta(days=1)   # « qu'à l'expiration de ce délai »
        if o.delai_rdv_jours:
            rdv = depart + dt.timedelta(days=o.delai_rdv_jours)
        if o.astreinte:
            debut = o.astreinte.debut or (limite + dt.timedelta(days=0 if o.sans_delai else 1))
    return Echeances(depart, limite, rdv, execution, debut,
                     dernier_jour_franc(o.date_notification, DELAI_CASSATION_JOURS))


def jours_d_astreinte(ordonnance: Ordonnance, suivi: Suivi, jour: dt.date) -> int:
    """Days the astreinte has run up to `jour` (or up to the appointment, if one was given): the
    figure the demande quotes; the judge decides what is paid (L. 911-7)."""
    debut = echeances(ordonnance).astreinte_debut
    if debut is None:
        return 0
    fin = min(jour, suivi.rendez_vous_le - dt.timedelta(days=1)) if suivi.rendez_vous_le else jour
    return max(0, (fin - debut).days + 1)


# --- What to do now --------------------------------------------------------------------------
# Every sentence for the client is a mots.Texte: its French (the command line, the staff screens)
# as before, and its template, so that the client's screen shows it in the client's language.

ETATS = {
    "rejet": mots.Texte("demande rejetée"),
    "non_lieu": mots.Texte("plus rien à juger"),
    "executee": mots.Texte("rendez-vous donné"),
    "en_attente_du_delai": mots.Texte("en attente du délai donné au préfet"),
    "courrier_au_prefet": mots.Texte("délai dépassé : écrire au préfet"),
    "attente_reponse_courrier": mots.Texte("délai dépassé : courrier envoyé, réponse attendue"),
    "demande_execution": mots.Texte("délai dépassé : demander l'exécution au tribunal"),
    "execution_demandee": mots.Texte("exécution demandée au tribunal"),
}

# dates.JOURS, each translatable (jour_nomme)
def jour_nomme(jour: dt.date) -> mots.Texte:
    """« lundi 1er septembre 2026 » (dates.jour_et_date, the same French), its weekday and its date
    in the page's language on the client's screen."""
    return mots.Texte("{jour} {date}", jour=mots.JOURS[jour.weekday()], date=jour)


class _EnLettres(mots.Texte):
    """A number as the court writes it, « treize » (dates.en_lettres), in digits once translated:
    its template « {n} » has no word to translate."""

    def __new__(cls, n: int) -> "_EnLettres":
        texte = str.__new__(cls, en_lettres(n))
        texte.gabarit, texte.valeurs = "{n}", {"n": n}
        return texte

    def __reduce__(self):   # pickled with its number, not as the digits' Texte
        return (_EnLettres, (self.valeurs["n"],))


@dataclass(frozen=True)
class Etat:
    """Where the follow-up stands on a given day, and what to do, in plain French."""

    code: str                       # one of ETATS
    titre: str
    lignes: tuple[str, ...]         # short sentences for the client
    prochaine_date: dt.date | None  # the next date that matters (deadline, or when to act)
    echeances: Echeances = field(repr=False, default=None)

    def as_dict(self) -> dict:
        return {"code": self.code, "titre": str(self.titre), "lignes": [str(ligne) for ligne in self.lignes],
                "prochaine_date": self.prochaine_date.isoformat() if self.prochaine_date else None,
                "echeances": self.echeances.as_dict() if self.echeances else None}

    def texte(self) -> str:
        lignes = [f"{self.titre[:1].upper()}{self.titre[1:]}."] + [f"- {ligne}" for ligne in self.lignes]
        e = self.echeances
        if e:
            lignes.append("Dates :")
            for libelle, valeur in (("délai du préfet jusqu'au", e.date_limite_prefet),
                                    ("rendez-vous au plus tard le", e.date_limite_rdv),
                                    ("demande d'exécution possible à partir du", e.execution_possible_le),
                                    ("astreinte à partir du", e.astreinte_debut),
                                    ("recours devant le Conseil d'État jusqu'au",
                                     e.cassation_jusqu_au if self.code == "rejet" else None)):
                if valeur:
                    lignes.append(f"  {libelle} {jour_et_date(valeur)}")
        return "\n".join(lignes)


def _ligne_cassation(e: Echeances, jour: dt.date) -> mots.Texte | None:
    if jour > e.cassation_jusqu_au:
        return None
    return mots.Texte("Vous ne pouvez pas faire appel. Un seul recours existe : devant le Conseil d'État, jusqu'au "
                      "{date}, et seulement avec un avocat au Conseil d'État. Si vous voulez le faire, contactez-en "
                      "un tout de suite.", date=jour_nomme(e.cassation_jusqu_au))


_NON_LIEU = (
    mots.Texte("Le juge n'a plus rien à décider : la préfecture vous a donné un rendez-vous."),
    mots.Texte("Allez au rendez-vous avec tous vos documents et la convocation."),
    mots.Texte("Si le rendez-vous est annulé ou n'a pas lieu, vous pourrez faire une nouvelle demande au tribunal."))
_CONTINUEZ = mots.Texte("Continuez à essayer de prendre rendez-vous, et faites une capture d'écran à chaque fois.")


def etat_a_la_date(dossier: DossierOrdonnance, jour: dt.date) -> Etat:
    """What to do on `jour`: wait for the préfet's délai, write to the préfet, ask the tribunal…"""
    o, s = dossier.ordonnance, dossier.suivi
    e = echeances(o)
    if o.issue == "rejet":
        lignes = conseils_rejet(o.motif_rejet)
        cassation = _ligne_cassation(e, jour)
        return Etat("rejet", ETATS["rejet"], tuple(lignes + ([cassation] if cassation else [])),
                    e.cassation_jusqu_au if cassation else None, e)
    if o.issue == "non_lieu":
        return Etat("non_lieu", ETATS["non_lieu"], _NON_LIEU, None, e)
    limite = e.date_limite_prefet
    if s.rendez_vous_le:
        lignes = [mots.Texte("La préfecture vous a donné un rendez-vous. Allez-y avec tous vos documents et la "
                             "convocation.")]
        if s.rendez_vous_le > limite and o.astreinte:
            # CE, juge des référés, 7 février 2025, n° 501149 (through a commentary, see the docstring):
            # an appointment given four weeks late; the astreinte was not liquidated.
            lignes.append(mots.Texte("Le rendez-vous est venu en retard (la date limite était le {date}). Vous pouvez "
                                     "demander au tribunal de faire payer l'astreinte. Mais le juge peut refuser, car "
                                     "le rendez-vous a finalement été donné.", date=limite))
        return Etat("executee", ETATS["executee"], tuple(lignes), None, e)
    if s.demande_execution_le:
        return Etat("execution_demandee", ETATS["execution_demandee"], (
            mots.Texte("Vous avez demandé au tribunal de faire exécuter l'ordonnance le {date}.",
                       date=s.demande_execution_le),
            mots.Texte("Le tribunal va d'abord contacter la préfecture. Regardez Télérecours citoyens tous les deux "
                       "jours."),
            mots.Texte("Si la préfecture vous donne un rendez-vous, dites-le au tribunal par un message sur "
                       "Télérecours citoyens.")),
            None, e)
    if jour < e.execution_possible_le:
        lignes = [mots.Texte("Le juge a ordonné au préfet de vous donner un rendez-vous jusqu'au {date}.",
                             date=jour_nomme(limite)) if not o.sans_delai else
                  mots.Texte("Le juge a ordonné au préfet de vous donner un rendez-vous tout de suite.")]
        if e.date_limite_rdv:
            lignes.append(mots.Texte("Le rendez-vous lui-même doit avoir lieu au plus tard le {date}.",
                                     date=e.date_limite_rdv))
        lignes += [mots.Texte("Regardez vos courriels, votre courrier et votre compte ANEF : la convocation peut venir "
                              "par l'un ou l'autre."),
                   mots.Texte("Si vous recevez un rendez-vous, notez-le ici."),
                   mots.Texte("Sans rendez-vous à cette date, vous pourrez demander au tribunal de faire exécuter "
                              "l'ordonnance à partir du {date}.", date=e.execution_possible_le)]
        return Etat("en_attente_du_delai", ETATS["en_attente_du_delai"], tuple(lignes), e.execution_possible_le, e)
    depasse = (mots.Texte("Le préfet devait vous donner un rendez-vous tout de suite, et il ne l'a pas fait.")
               if o.sans_delai else
               mots.Texte("Le délai donné au préfet est fini depuis le {date}, et vous n'avez pas de rendez-vous.",
                          date=limite))
    astreinte = []
    if o.astreinte:
        jours = jours_d_astreinte(o, s, jour)
        if jours > 1:
            astreinte = [mots.Texte("L'astreinte court depuis le {date} : {n} jours à ce jour. C'est le juge qui "
                                    "décidera de la faire payer.", date=e.astreinte_debut, n=_EnLettres(jours))]
        else:
            astreinte = [mots.Texte("L'astreinte court depuis le {date} : {n} jour à ce jour. C'est le juge qui "
                                    "décidera de la faire payer.", date=e.astreinte_debut, n=_EnLettres(jours))]
    if s.courrier_prefet is None:
        return Etat("courrier_au_prefet", ETATS["courrier_au_prefet"], tuple([
            depasse,
            mots.Texte("Envoyez tout de suite au préfet la lettre qui demande d'exécuter l'ordonnance, en recommandé "
                       "avec avis de réception. Joignez une copie de l'ordonnance. Gardez la preuve de l'envoi."),
            mots.Texte("Vous pouvez déjà demander au tribunal de faire exécuter l'ordonnance. La lettre au préfet "
                       "renforce votre demande."),
            _CONTINUEZ] + astreinte),
            jour, e)
    attente = s.courrier_prefet.date + dt.timedelta(days=ATTENTE_COURRIER_JOURS)
    if jour < attente:
        return Etat("attente_reponse_courrier", ETATS["attente_reponse_courrier"], tuple([
            depasse,
            mots.Texte("Vous avez écrit au préfet le {date}. Attendez sa réponse jusqu'au {attente}.",
                       date=s.courrier_prefet.date, attente=attente),
            mots.Texte("Si c'est très urgent, vous pouvez déjà demander au tribunal de faire exécuter l'ordonnance."),
            _CONTINUEZ] + astreinte),
            attente, e)
    return Etat("demande_execution", ETATS["demande_execution"], tuple([
        depasse,
        mots.Texte("Demandez maintenant au tribunal de faire exécuter l'ordonnance. Le dossier est prêt à déposer sur "
                   "Télérecours citoyens. Vous n'avez pas besoin d'avocat."),
        mots.Texte("Si la préfecture vous donne un rendez-vous entre-temps, notez-le ici.")] + astreinte), jour, e)


def conseils_rejet(motif: str | None) -> list[str]:
    """What can be done after a rejection, in plain French (mots.Texte), for each ground (MOTIFS_REJET)."""
    if motif == "urgence":
        # CE, 9 juin 2022, n° 453391 (Tables): urgency is presumed for a renewal; otherwise the
        # applicant must show particular circumstances requiring a quick appointment (droit.md).
        return [mots.Texte("Le juge a estimé que votre situation n'était pas urgente."),
                mots.Texte("Vous pourrez faire une nouvelle demande si votre situation change. Par exemple : une "
                           "promesse d'embauche, un titre ou un récépissé qui expire, un problème de santé, l'école "
                           "des enfants."),
                mots.Texte("Gardez les preuves de ces changements : contrat, certificat, courrier, attestation."),
                mots.Texte("Continuez à essayer de prendre rendez-vous chaque semaine, avec une capture d'écran.")]
    if motif == "tentatives":
        # CE, 10 juin 2020, n° 435594 (Tables) and CE, 18 février 2022, n° 455740: attempts « n'ayant
        # pas été effectuées la même semaine »; in 435594, five days over two weeks were not enough.
        return [mots.Texte("Le juge a estimé que vous n'aviez pas assez essayé de prendre rendez-vous, ou pas assez "
                           "longtemps."),
                mots.Texte("Continuez à essayer, plusieurs fois par semaine, pendant au moins trois semaines "
                           "différentes."),
                mots.Texte("Faites à chaque fois une capture d'écran où l'on voit la date et l'heure."),
                mots.Texte("Écrivez aussi à la préfecture : un courriel, puis une lettre recommandée avec avis de "
                           "réception."),
                mots.Texte("Ensuite, vous pourrez faire une nouvelle demande au tribunal avec ces nouvelles preuves.")]
    if motif == "decision_existante":
        # CE, Section, 5 février 2016, n° 393540: the L. 521-3 measure may not « faire obstacle à
        # l'exécution d'aucune décision administrative », « même celle refusant la mesure demandée »
        # (dossier.py). A written refusal is contested by an annulment action and, if urgent, a
        # référé-suspension (README « Ce que vérifie check »). Time limits not stated: not verified here.
        return [mots.Texte("Le juge a estimé que la préfecture avait déjà pris une décision, par exemple un refus "
                           "écrit."),
                mots.Texte("Ce type de demande ne peut pas contester une décision."),
                mots.Texte("Il faut demander au tribunal d'annuler cette décision et, si c'est urgent, de la "
                           "suspendre."),
                mots.Texte("Les délais pour le faire sont courts. Faites-vous aider tout de suite par une association "
                           "ou un avocat, avec la décision de la préfecture.")]
    if motif == "incompetence":
        # CJA R. 312-1 and CESEDA R. 431-20 (juridictions.py): the tribunal of the préfet of the
        # département of residence; a wrongly seized court usually transfers the case (droit.md).
        return [mots.Texte("Le juge a estimé que ce n'était pas le bon tribunal."),
                mots.Texte("Lisez l'ordonnance : souvent, le tribunal envoie lui-même le dossier au bon tribunal."),
                mots.Texte("Sinon, faites une nouvelle demande au tribunal du département où vous habitez. Vérifiez "
                           "votre adresse et votre département dans le dossier."),
                mots.Texte("Joignez un justificatif de domicile récent.")]
    return [mots.Texte("Lisez les raisons du juge : elles sont dans les paragraphes numérotés, avant la décision."),
            mots.Texte("Faites-vous aider par une association ou un avocat pour savoir ce qui peut être fait."),
            mots.Texte("Vous pourrez peut-être faire une nouvelle demande plus tard, avec de nouvelles preuves.")]

# --- Loading ---------------------------------------------------------------------------------

def ordonnance_depuis_donnees(donnees: Any, racine: Path | str = ".") -> DossierOrdonnance:
    """Validate plain data (YAML/JSON, or built by the interview); file paths are resolved against
    `racine`. Raises DossierInvalide listing every wrong field (« ordonnance.delai_jours »…)."""
    if not isinstance(donnees, dict):
        raise DossierIllisible("Le fichier de l'ordonnance doit être un ensemble de champs "
                               "(requerant, departement, ordonnance, suivi).")
    try:
        return DossierOrdonnance.model_validate(donnees, context={"racine": Path(racine)})
    except ValidationError as exc:
        raise DossierInvalide(problemes_de_validation(exc)) from None


def lire_ordonnance(chemin: Path | str) -> DossierOrdonnance:
    """Read an ordonnance file (.yml, .yaml or .json): DossierIllisible if it cannot be read,
    DossierInvalide listing every wrong field otherwise."""
    chemin = Path(chemin)
    return ordonnance_depuis_donnees(lire_donnees(chemin, "Le fichier de l'ordonnance"), racine=chemin.parent)
