"""When the préfet does not comply: the letter to the préfet, the demande d'exécution to the tribunal
and its Télérecours citoyens bundle, built by the référé's engine (bundle.assembler).

Plain Python, no docassemble import. The letter is the applicant's own (first person, like the
LRAR of courriers.py); the demande speaks of the applicant in the third person, like the référé's
requête; the applicant's own words (what the site showed) appear only between quotation marks.

Law used (verified with the search tool; see also ordonnance.py for R. 921-1-1, R. 523-1, L. 911-7):
- CJA L. 911-4, as amended by loi n° 2019-222 du 23 mars 2019 (doctrine.fr): « En cas d'inexécution
  d'un jugement ou d'un arrêt, la partie intéressée peut demander à la juridiction, une fois la
  décision rendue, d'en assurer l'exécution. / Si le jugement ou l'arrêt dont l'exécution est demandée
  n'a pas défini les mesures d'exécution, la juridiction saisie procède à cette définition. Elle peut
  fixer un délai d'exécution et prononcer une astreinte. »
- CJA L. 11 « Les jugements sont exécutoires », and the administration must execute « une décision du
  juge des référés » too (speech of the vice-président of the Conseil d'État, 24 octobre 2023,
  conseil-etat.fr, « 60 ans d'exécution des décisions du juge administratif »).
- CJA R. 921-5 and R. 921-6 (juricaf.org quoting R. 921-5; lexbase.fr for R. 921-6): the president
  first « accompli[t] toutes diligences qu'il juge utiles pour assurer l'exécution », then opens a
  procédure juridictionnelle by ordonnance (on request within a month of a classement, and in any
  case after six months). What the guide tells the client after filing.
- Liquidation by the judge who set the astreinte: CE, juge des référés, 22 juin 2012, Commune
  d'Étampes, n° 358939, inédit (droit-tj.fr): « il appartient au juge des référés statuant en
  application de l'article L. 521-2 de se prononcer sur la liquidation d'une astreinte précédemment
  prononcée par lui »; for an L. 521-3 ordonnance, the juge des référés of the TA of Bastia liquidated
  the astreinte of his own ordonnance, on the préfet's request (CE, 10 décembre 2024, n° 498428,
  juricaf.org: the facts as the decision states them). Hence the demande is addressed to the
  president « juge des référés » when an astreinte is to be liquidated.
- No lawyer is needed for a demande d'exécution: service-public.fr, fiche F2497 (« vous n'avez pas
  besoin d'un avocat pour faire votre demande »); the article itself is not cited in the demande.
- Télérecours citoyens: which « type de requête » the portal offers for an execution request was
  NOT found [unconfirmed]: the guide says what to choose in plain words and to name the ordonnance.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import bundle, mots
from .bundle import DossierNonDeposable, Manifeste, Redaction
from .conversion import FichierRefuse, Limites, examiner_fichier
from .dates import date_longue, en_lettres, heure_fr, jour_et_date
from .guide import ADRESSE, Etape, etape_pieces_complementaires, guide_en_texte
from .juridictions import Juridiction, juridiction
from .numerotation import Piece
from .ordonnance import DossierOrdonnance, echeances, jours_d_astreinte
from .problemes import Probleme, erreurs
from .redaction import TIRET_LONG, _Accords, _euros, _liste_des_pieces, mise_en_page, ville_de
from .requete import _en_pdf, _rendre

__all__ = ["problemes_execution", "pieces_execution", "contexte_lettre_prefet", "docx_lettre_prefet",
           "rendre_lettre_prefet", "contexte_demande_execution", "docx_demande_execution",
           "contexte_inventaire_execution", "etapes_execution", "guide_execution", "construire_execution",
           "liquidation_seule",
           "MODELE_LETTRE", "MODELE_DEMANDE", "DELAI_DEMANDE_JOURS", "ASTREINTE_DEMANDEE_EUROS"]

MODELE_LETTRE = "lettre_execution.docx"
MODELE_DEMANDE = "demande_execution.docx"
MODELE_INVENTAIRE = "inventaire.docx"
# What the demande asks when the ordonnance set no astreinte (L. 911-4: the juridiction « peut fixer un
# délai d'exécution et prononcer une astreinte »): practice values, like the référé's 15 days / 100 €.
DELAI_DEMANDE_JOURS = 8
ASTREINTE_DEMANDEE_EUROS = 100


def _q(texte: str) -> str:
    """The applicant's words between French quotation marks (never rephrased)."""
    texte = " ".join(texte.split()).strip("«»\"“” ")
    return f"«\u00a0{texte}\u00a0»"


def liquidation_seule(d: DossierOrdonnance) -> bool:
    """The appointment came, but after the délai, under an astreinte: only its liquidation is asked."""
    o, s = d.ordonnance, d.suivi
    e = echeances(o)
    return bool(o.issue == "injonction" and o.astreinte and s.rendez_vous_le
                and e.date_limite_prefet and s.rendez_vous_le > e.date_limite_prefet)


# --- Checks ----------------------------------------------------------------------------------

def _nom_du_document(source: str) -> mots.Texte:
    """What a refused file is, in a refusal's words: « l'ordonnance », « la preuve n° 2 », never the
    field's path (« suivi.constats[2] »)."""
    if source.startswith("suivi.constats["):
        return mots.Texte("la preuve n° {n}", n=source.split("[", 1)[1].split("]", 1)[0])
    if source.startswith("pieces["):
        return mots.Texte("la pièce n° {n}", n=source.split("[", 1)[1].split("]", 1)[0])
    return {"ordonnance": mots.Texte("l'ordonnance"),
            "suivi.courrier_prefet": mots.Texte("la lettre au préfet")}.get(source, source)


def problemes_execution(d: DossierOrdonnance, *, aujourd_hui: dt.date, pour: str = "demande",
                        limites: Limites | None = None) -> list[Probleme]:
    """What stops (erreur) or weakens (avertissement) the letter (`pour="lettre"`) or the demande
    d'exécution (`pour="demande"`), each naming its field. Errors first. Each message a mots.Texte
    (the client's screen shows it translated)."""
    o, s = d.ordonnance, d.suivi
    problemes: list[Probleme] = []
    if o.issue != "injonction":
        issue = {"rejet": mots.Texte("demande rejetée"), "non_lieu": mots.Texte("non-lieu")}[o.issue]
        problemes.append(Probleme("ordonnance.issue", mots.Texte("l'ordonnance n'ordonne rien au préfet ({issue}) : il "
                                                                 "n'y a rien à faire exécuter.", issue=issue)))
        return problemes
    e = echeances(o)
    if aujourd_hui < e.execution_possible_le:
        quoi = mots.Texte("La lettre au préfet") if pour == "lettre" else mots.Texte("La demande au tribunal")
        problemes.append(Probleme("ordonnance.delai_jours", mots.Texte(
            "le préfet a jusqu'au {limite} pour vous donner un rendez-vous. {quoi} n'est possible qu'à partir du "
            "{possible}.", limite=e.date_limite_prefet, quoi=quoi, possible=e.execution_possible_le)))
    if s.rendez_vous_le and not liquidation_seule(d):
        problemes.append(Probleme("suivi.rendez_vous_le", mots.Texte("la préfecture vous a donné un rendez-vous : "
                                                                     "l'ordonnance est exécutée, il n'y a rien à "
                                                                     "demander.")))
    elif liquidation_seule(d):
        # CE, juge des référés, 7 février 2025, n° 501149 (commentary only, see ordonnance.py): a late
        # appointment, the astreinte not liquidated.
        problemes.append(Probleme("suivi.rendez_vous_le", mots.Texte(
            "le rendez-vous a été donné en retard. La demande porte seulement sur l'astreinte, et le juge peut refuser "
            "de la faire payer puisque le rendez-vous a finalement été donné."), "avertissement"))
    for chemin, jour in ([("suivi.courrier_prefet.date", s.courrier_prefet.date)] if s.courrier_prefet else []) + \
            [(f"suivi.constats[{i}].date", c.date) for i, c in enumerate(s.constats, 1)] + \
            ([("suivi.rendez_vous_le", s.rendez_vous_le)] if s.rendez_vous_le else []):
        if jour > aujourd_hui:
            problemes.append(Probleme(chemin, mots.Texte("la date du {date} est dans le futur.", date=jour)))
        elif jour < o.date:
            problemes.append(Probleme(chemin, mots.Texte("la date du {date} est avant l'ordonnance ({ordonnance}) : "
                                                         "vérifiez-la.", date=jour, ordonnance=o.date),
                                      "avertissement"))
    if pour == "demande":
        if not o.fichiers:
            problemes.append(Probleme("ordonnance.fichiers", mots.Texte(
                "joignez l'ordonnance (le PDF reçu sur Télérecours citoyens) : c'est la pièce n° 1 de la demande.")))
        if s.courrier_prefet is None and not liquidation_seule(d):
            problemes.append(Probleme("suivi.courrier_prefet", mots.Texte(
                "aucune lettre au préfet depuis la fin du délai. La demande est possible sans elle, mais la lettre et "
                "sa preuve d'envoi montrent au juge que vous avez réclamé le rendez-vous."), "avertissement"))
        elif s.courrier_prefet is not None and not s.courrier_prefet.fichiers:
            problemes.append(Probleme("suivi.courrier_prefet.fichiers", mots.Texte(
                "joignez la lettre envoyée et sa preuve d'envoi (récépissé ou avis de réception)."), "avertissement"))
        if not s.constats and not liquidation_seule(d):
            problemes.append(Probleme("suivi.constats", mots.Texte(
                "aucune preuve que le rendez-vous manque depuis l'ordonnance. Ajoutez des captures d'écran datées de "
                "vos essais, ou de votre messagerie sans convocation."), "avertissement"))
        for i, c in enumerate(s.constats, 1):
            if not c.fichiers:
                problemes.append(Probleme(f"suivi.constats[{i}].fichiers", mots.Texte(
                    "ce constat n'a aucune capture : il ne deviendra pas une pièce."), "avertissement"))
        for chemin, fichier in d.tous_les_fichiers():
            try:
                examiner_fichier(fichier, piece=_nom_du_document(chemin.rsplit(".fichiers", 1)[0]),
                                 limites=limites or Limites())
            except FichierRefuse as refus:
                problemes.append(Probleme(chemin, refus.message))
    return sorted(problemes, key=lambda p: p.gravite != "erreur")


# --- The pièces ------------------------------------------------------------------------------

def pieces_execution(d: DossierOrdonnance) -> list[Piece]:
    """The pièces of the demande, numbered 1, 2, 3… with numerotation's names, stamps and
    references: the ordonnance (n° 1, in the « Acte attaqué » slot: the decision whose execution is
    asked), the letter to the préfet with its proof of sending, each proof of non-compliance since
    the order, then the other pièces. Only what has files becomes a pièce."""
    o, s = d.ordonnance, d.suivi
    brouillons = []
    if o.fichiers:
        brouillons.append((f"Ordonnance de référé n° {o.numero} du {date_longue(o.date)}", tuple(o.fichiers),
                           ("ordonnance",), "autre"))
    if s.courrier_prefet and s.courrier_prefet.fichiers:
        brouillons.append((f"Lettre au préfet du {date_longue(s.courrier_prefet.date)} et preuve de l'envoi",
                           tuple(s.courrier_prefet.fichiers), ("suivi.courrier_prefet",), "demarche"))
    constats = sorted(enumerate(s.constats, 1), key=lambda paire: (paire[1].date, paire[1].heure or dt.time(0)))
    for i, c in constats:
        if c.fichiers:
            quand = date_longue(c.date) + (f" à {heure_fr(c.heure)}" if c.heure else "")
            brouillons.append((c.libelle or f"Capture d'écran du {quand}", tuple(c.fichiers),
                               (f"suivi.constats[{i}]",), "tentatives"))
    brouillons += [(p.libelle, tuple(p.fichiers), (f"pieces[{i}]",), "autre") for i, p in enumerate(d.pieces, 1)]
    return [Piece(numero=n, libelle=libelle, categorie=categorie, fichiers=fichiers, sources=sources,
                  acte_attaque=(n == 1 and sources == ("ordonnance",)))
            for n, (libelle, fichiers, sources, categorie) in enumerate(brouillons, 1)]


def _piece(pieces: list[Piece], source: str) -> Piece | None:
    return next((p for p in pieces if source in p.sources), None)


# --- Shared words ----------------------------------------------------------------------------

class _Mots:
    """The sentences the letter and the demande share, from one ordonnance file."""

    def __init__(self, d: DossierOrdonnance, aujourd_hui: dt.date):
        self.d, self.o, self.s = d, d.ordonnance, d.suivi
        self.e = echeances(d.ordonnance)
        self.j: Juridiction = juridiction(d.departement)
        self.a = _Accords(d.requerant.est_une_femme)
        self.aujourd_hui = aujourd_hui
        self.tribunal_min = f"tribunal administratif de {self.j.ville_tribunal}"

    @property
    def ordonnance(self) -> str:
        """« l'ordonnance n° 2612345 du 20 novembre 2026 »."""
        return f"l'ordonnance n° {self.o.numero} du {date_longue(self.o.date)}"

    @property
    def delai(self) -> str:
        """« dans un délai de quinze jours à compter de la notification de l'ordonnance », « sans délai »."""
        if self.o.sans_delai:
            return "sans délai"
        depart = "de la notification de l'ordonnance" if self.o.point_de_depart == "notification" else "de l'ordonnance"
        return f"dans un délai de {en_lettres(self.o.delai_jours)} jours à compter {depart}"

    @property
    def astreinte(self) -> str:
        return (f", sous astreinte de {_euros(self.o.astreinte.montant_euros)} par jour de retard"
                if self.o.astreinte else "")

    @property
    def pour_quoi(self) -> str:
        titre = f" ({self.d.titre})" if self.d.titre else ""
        return f"afin de déposer sa demande de titre de séjour{titre}"

    def constats_tries(self):
        return sorted(self.s.constats, key=lambda c: (c.date, c.heure or dt.time(0)))

    def ligne_constat(self, c, pieces: list[Piece] | None = None, index: int | None = None) -> str:
        quand = jour_et_date(c.date) + (f" à {heure_fr(c.heure)}" if c.heure else "")
        piece = _piece(pieces, f"suivi.constats[{index}]") if pieces is not None else None
        return f"le {quand} : {_q(c.constat)}" + (f" ({piece.reference})" if piece else "")

    def jours_d_astreinte(self) -> int:
        return jours_d_astreinte(self.o, self.s, self.aujourd_hui)

    def fait_a(self) -> str:
        lieu = self.d.signature.lieu or ville_de(self.d.requerant.adresse)
        jour = self.d.signature.date or self.aujourd_hui
        return f"Fait à {lieu}, le {date_longue(jour)}"


# --- (a) The letter to the préfet ------------------------------------------------------------

def contexte_lettre_prefet(d: DossierOrdonnance, *, aujourd_hui: dt.date) -> dict:
    """Everything `templates/lettre_execution.docx` places: the applicant's own letter (first
    person) asking the préfet to execute the ordonnance, the ordonnance attached."""
    m = _Mots(d, aujourd_hui)
    r, o, e = d.requerant, m.o, m.e
    destinataire = [m.j.autorite[:1].upper() + m.j.autorite[1:]]
    if m.j.adresse:
        destinataire.append(m.j.adresse)
    expediteur = [r.nom_complet, r.adresse, f"Téléphone : {r.telephone}", f"Courriel : {r.courriel}"]
    if r.numero_etranger:
        expediteur.append(f"Numéro étranger : {r.numero_etranger}")
    titre = f" ({d.titre})" if d.titre else ""
    intro = [f"Par {m.ordonnance}, qui m'a été notifiée le {date_longue(o.date_notification)}, le juge des référés du "
             f"{m.tribunal_min} vous a enjoint de me fixer un rendez-vous en préfecture afin de déposer ma demande de "
             f"titre de séjour{titre}, {m.delai}{m.astreinte}. Une copie de cette ordonnance est jointe à cette lettre."]
    if o.sans_delai:
        intro.append("À ce jour, je n'ai reçu aucune convocation.")
    else:
        intro.append(f"Ce délai a expiré le {date_longue(e.date_limite_prefet)}. À ce jour, je n'ai reçu aucune "
                     "convocation.")
    constats = [m.ligne_constat(c) for c in m.constats_tries()]
    if constats:
        intro.append("Depuis l'ordonnance, j'ai de nouveau constaté l'absence de tout rendez-vous :")
    suite = ["Je vous demande d'exécuter cette ordonnance sans attendre, en me fixant un rendez-vous."]
    suite.append("À défaut, je demanderai au tribunal administratif d'en assurer l'exécution (article L. 911-4 du code "
                 "de justice administrative)" + (" et de liquider l'astreinte (article L. 911-7 du même code)."
                                                 if o.astreinte else "."))
    lieu = d.signature.lieu or ville_de(r.adresse)
    return mise_en_page({
        "expediteur": expediteur,
        "destinataire": destinataire,
        "lieu_date": f"{lieu}, le {date_longue(aujourd_hui)}",
        "mention": "Lettre recommandée avec demande d'avis de réception",
        "objet": f"Objet : exécution de {m.ordonnance} du juge des référés du {m.tribunal_min}",
        "salutation": "Madame, Monsieur,",
        "intro": intro,
        "tentatives": constats,
        "suite": suite + [f"Pièce jointe : copie de {m.ordonnance}."],
        "formule": "Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.",
        "signataire": r.nom_complet,
    })


def docx_lettre_prefet(d: DossierOrdonnance, chemin: Path, *, aujourd_hui: dt.date) -> Path:
    """The letter as DOCX only (no LibreOffice)."""
    return _rendre(MODELE_LETTRE, contexte_lettre_prefet(d, aujourd_hui=aujourd_hui), Path(chemin),
                   titre=f"Lettre au préfet : exécution de l'ordonnance — {d.requerant.nom_complet}",
                   auteur=d.requerant.nom_complet)


def rendre_lettre_prefet(d: DossierOrdonnance, dossier_sortie: Path, *, aujourd_hui: dt.date,
                         nom: str = "Lettre_prefet_execution") -> tuple[Path, Path]:
    """`{nom}.docx` and `{nom}.pdf` in `dossier_sortie` (raises PdfImpossible like the requête)."""
    docx = docx_lettre_prefet(d, Path(dossier_sortie) / f"{nom}.docx", aujourd_hui=aujourd_hui)
    return docx, _en_pdf(docx, docx.with_suffix(".pdf"))


# --- (b) The demande d'exécution -------------------------------------------------------------

def contexte_demande_execution(d: DossierOrdonnance, pieces: list[Piece], *, aujourd_hui: dt.date,
                               delai_jours: int = DELAI_DEMANDE_JOURS,
                               astreinte_euros: int = ASTREINTE_DEMANDEE_EUROS) -> dict:
    """Everything `templates/demande_execution.docx` places: the demande (L. 911-4 and, with an
    astreinte, its liquidation, L. 911-7), in the third person; every « pièce n° N » from `pieces`."""
    m = _Mots(d, aujourd_hui)
    r, o, s, e, a, j = d.requerant, m.o, m.s, m.e, m.a, m.j
    nom = r.nom_complet
    seule = liquidation_seule(d)
    p_ordonnance = _piece(pieces, "ordonnance")
    p_courrier = _piece(pieces, "suivi.courrier_prefet")
    ref = lambda p: f" ({p.reference})" if p else ""  # noqa: E731
    le_prefet, au_prefet = j.autorite_article, f"au {j.autorite}"
    articles = ("L. 911-7" if seule else "L. 911-4, L. 911-7 et R. 921-1-1" if o.astreinte else "L. 911-4 et R. 921-1-1")
    fondement = f"(article{'s' if not seule else ''} {articles} du code de justice administrative)"

    faits = [f"Par {m.ordonnance}{ref(p_ordonnance)}, le juge des référés du {m.tribunal_min}, saisi par {a.civilite} "
             f"{nom} sur le fondement de l'article L. 521-3 du code de justice administrative, a enjoint {au_prefet} "
             f"de lui fixer un rendez-vous {m.pour_quoi}, {m.delai}{m.astreinte}."]
    if o.sans_delai:
        faits.append(f"Cette ordonnance a été notifiée {a.au_requerant} le {date_longue(o.date_notification)}.")
    else:
        faits.append(f"Cette ordonnance a été notifiée {a.au_requerant} le {date_longue(o.date_notification)}. Le délai "
                     f"imparti {au_prefet} a expiré le {date_longue(e.date_limite_prefet)}.")
    if s.courrier_prefet:
        faits.append(f"Par une lettre du {date_longue(s.courrier_prefet.date)}{ref(p_courrier)}, {a.le_requerant} a "
                     f"demandé {au_prefet} d'exécuter cette ordonnance. Cette lettre est restée sans réponse.")
    constats = [m.ligne_constat(c, pieces, i) for i, c in sorted(enumerate(s.constats, 1),
                                                                 key=lambda p: (p[1].date, p[1].heure or dt.time(0)))]
    constats_intro = (f"Depuis l'ordonnance, {a.le_requerant} a de nouveau constaté l'absence de tout rendez-vous ; "
                      "selon ses propres termes :" if constats else "")
    if seule:
        retard = (s.rendez_vous_le - e.date_limite_prefet).days
        faits_fin = [f"{le_prefet[:1].upper()}{le_prefet[1:]} n'a fixé le rendez-vous que le "
                     f"{date_longue(s.rendez_vous_le)}, soit {en_lettres(retard)} jour{'s' if retard > 1 else ''} "
                     "après l'expiration du délai."]
    else:
        faits_fin = [f"À la date de la présente demande, aucun rendez-vous n'a été fixé {a.au_requerant}."]

    sections = []
    if not seule:
        recevabilite = ["Aux termes de l'article L. 911-4 du code de justice administrative : «\u00a0En cas d'inexécution "
                        "d'un jugement ou d'un arrêt, la partie intéressée peut demander à la juridiction, une fois la "
                        "décision rendue, d'en assurer l'exécution.\u00a0»"]
        if o.sans_delai:
            recevabilite.append("Aux termes du premier alinéa de l'article R. 921-1-1 du même code, «\u00a0en ce qui "
                                "concerne les décisions ordonnant une mesure d'urgence, la demande peut être présentée "
                                "sans délai\u00a0». L'ordonnance a enjoint sans délai une mesure d'urgence : la présente "
                                "demande est recevable.")
        else:
            recevabilite.append("Aux termes du second alinéa de l'article R. 921-1-1 du même code, lorsque la décision "
                                "a déterminé un délai dans lequel l'administration doit prendre les mesures d'exécution "
                                "qu'elle a prescrites, «\u00a0la demande ne peut être présentée qu'à l'expiration de ce "
                                f"délai\u00a0». Le délai fixé par l'ordonnance a expiré le "
                                f"{date_longue(e.date_limite_prefet)} : la présente demande est recevable.")
        sections.append({"titre": "A. Sur la recevabilité de la demande", "paragraphes": recevabilite})
        depuis = (f"soit {en_lettres((aujourd_hui - e.date_limite_prefet).days)} jours après l'expiration du délai"
                  if not o.sans_delai and (aujourd_hui - e.date_limite_prefet).days > 1 else "")
        inexecution = ["Aux termes de l'article L. 11 du code de justice administrative : «\u00a0Les jugements sont "
                       "exécutoires.\u00a0» L'administration est tenue d'exécuter les ordonnances du juge des référés.",
                       f"À la date de la présente demande{', ' + depuis if depuis else ''}, {le_prefet} n'a fixé aucun "
                       f"rendez-vous {a.au_requerant}"
                       + (f", malgré sa lettre du {date_longue(s.courrier_prefet.date)}" if s.courrier_prefet else "")
                       + ". L'ordonnance n'est donc pas exécutée."]
        sections.append({"titre": "B. Sur l'inexécution de l'ordonnance", "paragraphes": inexecution})
        mesures = ["L'article L. 911-4 du code de justice administrative ajoute : «\u00a0Si le jugement ou l'arrêt dont "
                   "l'exécution est demandée n'a pas défini les mesures d'exécution, la juridiction saisie procède à "
                   "cette définition. Elle peut fixer un délai d'exécution et prononcer une astreinte.\u00a0»",
                   f"Il y a lieu d'enjoindre {au_prefet} de fixer un rendez-vous {a.au_requerant} dans un délai de "
                   f"{en_lettres(delai_jours)} jours"
                   + ("." if o.astreinte else f", sous astreinte de {_euros(astreinte_euros)} par jour de retard.")]
        sections.append({"titre": "C. Sur les mesures d'exécution", "paragraphes": mesures})
    if o.astreinte:
        jours = m.jours_d_astreinte()
        fin = (f"jusqu'au {date_longue(s.rendez_vous_le - dt.timedelta(days=1))}, veille du jour où le rendez-vous a été donné"
               if seule else f"jusqu'à la date de la présente demande")
        liquidation = ["Aux termes de l'article L. 911-7 du code de justice administrative : «\u00a0En cas d'inexécution "
                       "totale ou partielle ou d'exécution tardive, la juridiction procède à la liquidation de "
                       "l'astreinte qu'elle avait prononcée.\u00a0»",
                       f"L'astreinte de {_euros(o.astreinte.montant_euros)} par jour de retard a couru à compter du "
                       f"{date_longue(e.astreinte_debut)} {fin}, soit {en_lettres(jours)} jour{'s' if jours > 1 else ''}"
                       f" ({_euros(jours * o.astreinte.montant_euros)}).",
                       f"{a.le_requerant[:1].upper()}{a.le_requerant[1:]} demande qu'elle soit liquidée."]
        lettre = "A" if seule else "D"
        sections.append({"titre": f"{lettre}. Sur la liquidation de l'astreinte", "paragraphes": liquidation})

    conclusions = []
    if not seule:
        conclusions.append(f"d'assurer l'exécution de {m.ordonnance}, en enjoignant {au_prefet} de lui fixer un rendez-vous "
                           f"{m.pour_quoi} dans un délai de {en_lettres(delai_jours)} jours à compter de la notification "
                           "de la décision à intervenir"
                           + (" ;" if o.astreinte else f", sous astreinte de {_euros(astreinte_euros)} par jour de retard ;"))
    if o.astreinte:
        conclusions.append(f"de procéder à la liquidation de l'astreinte prononcée par {m.ordonnance}, à compter du "
                           f"{date_longue(e.astreinte_debut)}" + (f" et jusqu'au {date_longue(s.rendez_vous_le - dt.timedelta(days=1))}."
                                                                 if seule else "."))
    elif conclusions:
        conclusions[-1] = conclusions[-1].rstrip(" ;") + "."
    destinataire = f"À Madame ou Monsieur le président du {m.tribunal_min}" + (", juge des référés" if o.astreinte else "")
    objet = (f"{a.civilite} {nom} demande au tribunal "
             + ("de procéder à la liquidation de l'astreinte prononcée par " + m.ordonnance if seule else
                f"d'assurer l'exécution de {m.ordonnance}" + (" et de procéder à la liquidation de l'astreinte dont "
                                                              "elle est assortie" if o.astreinte else ""))
             + ", par les motifs qui suivent.")
    titre = ("Demande de liquidation de l'astreinte" if seule else "Demande d'exécution") + \
        f" de l'ordonnance n° {o.numero} du {date_longue(o.date)}"
    pour = [f"{a.civilite} {nom}", f"né{a.e} le {date_longue(r.date_naissance)} à {r.lieu_naissance}",
            f"de nationalité {r.nationalite}", f"domicilié{a.e} {r.adresse}", f"téléphone : {r.telephone}",
            f"courriel : {r.courriel}"] + ([f"numéro d'étranger : {r.numero_etranger}"] if r.numero_etranger else [])
    return mise_en_page({
        "tribunal": j.tribunal,
        "tribunal_majuscules": j.tribunal.upper(),
        "mention": "EXÉCUTION",
        "titre_requete": titre,
        "fondement": fondement,
        "destinataire": destinataire,
        "pour": pour,
        "qualite_requerant": a.qualite,
        "contre": f"{le_prefet[:1].upper()}{le_prefet[1:]}",
        "adresse_defendeur": j.adresse,
        "qualite_defendeur": "Défendeur",
        "objet": objet,
        "faits": faits,
        "constats_intro": constats_intro,
        "constats": constats,
        "faits_fin": faits_fin,
        "sections": sections,
        "conclusions_intro": f"Par ces motifs, {a.civilite} {nom} demande au tribunal :",
        "conclusions": conclusions,
        "fait_a": m.fait_a(),
        "signataire": nom,
        "pieces": _liste_des_pieces(pieces),
        "pied_de_page": f"{titre} — {nom} contre {le_prefet}",
    })


def docx_demande_execution(d: DossierOrdonnance, pieces: list[Piece], chemin: Path, *, aujourd_hui: dt.date) -> Path:
    """The demande as DOCX only (no LibreOffice)."""
    contexte = contexte_demande_execution(d, pieces, aujourd_hui=aujourd_hui)
    return _rendre(MODELE_DEMANDE, contexte, Path(chemin), titre=f"{contexte['titre_requete']} — "
                   f"{d.requerant.nom_complet}", auteur=d.requerant.nom_complet)


def contexte_inventaire_execution(d: DossierOrdonnance, pieces: list[Piece], pages: dict[int, int]) -> dict:
    """The inventaire of the demande's pièces (R. 412-2 CJA), in the référé's template."""
    j, r = juridiction(d.departement), d.requerant
    lignes = [{"numero": p.numero, "libelle": p.libelle,
               "pages": str(pages[p.numero]) if isinstance(pages.get(p.numero), int) and pages[p.numero] > 0
               else TIRET_LONG} for p in sorted(pieces, key=lambda p: p.numero)]
    connues = [pages[p.numero] for p in pieces if isinstance(pages.get(p.numero), int) and pages[p.numero] > 0]
    total = f"{len(lignes)} pièce" + ("s" if len(lignes) > 1 else "")
    if lignes and len(connues) == len(lignes):
        total += f", {sum(connues)} page" + ("s" if sum(connues) > 1 else "")
    return mise_en_page({
        "tribunal": j.tribunal, "tribunal_majuscules": j.tribunal.upper(), "mention": "EXÉCUTION",
        "titre_inventaire": "Inventaire des pièces", "fondement": "(article R. 412-2 du code de justice administrative)",
        "affaire": f"Demande d'exécution de l'ordonnance n° {d.ordonnance.numero} du {date_longue(d.ordonnance.date)}",
        "parties": f"{'Madame' if r.est_une_femme else 'Monsieur'} {r.nom_complet} contre {j.autorite_article}",
        "pieces": lignes, "total": total, "pied_de_page": f"Inventaire des pièces — {r.nom_complet}",
    })


# --- (c) The guide and the bundle ------------------------------------------------------------

APRES_LE_DEPOT_EXECUTION = (
    mots.Texte("Le tribunal demande d'abord à la préfecture d'exécuter l'ordonnance. Si rien ne se passe, il ouvre "
               "une procédure devant le juge. Cela peut prendre plusieurs semaines."),
    mots.Texte("Le tribunal vous écrit sur Télérecours citoyens. Regardez le site tous les deux jours."),
    mots.Texte("Si la préfecture vous donne un rendez-vous, dites-le tout de suite au tribunal, par un message sur "
               "Télérecours citoyens, et allez au rendez-vous avec tous vos documents."),
    mots.Texte("Continuez à garder les preuves : captures d'écran datées, courriers, courriels."),
)


def etapes_execution(d: DossierOrdonnance, pieces: list[Piece], tribunal: Juridiction, *,
                     requete: str = "Requete.pdf") -> list[Etape]:
    """The filing of the demande, slot by slot (same slots and naming as the référé's). Each title
    and line a mots.Texte: the guide's text is French, the client's screen shows it translated;
    the names to type (tribunal, files, pièces, the ordonnance's number) are values, kept French."""
    acte = next((p for p in pieces if p.acte_attaque), None)
    autres = [p for p in pieces if not p.acte_attaque]
    o = d.ordonnance
    return [
        Etape(mots.Texte("Avant de commencer"), (
            mots.Texte("Ouvrez {adresse} et connectez-vous (par votre compte Télérecours citoyens ou FranceConnect). "
                       "Être connecté au moment de l'envoi vaut signature de la demande.", adresse=ADRESSE),
            mots.Texte("La demande est gratuite. Aucun avocat n'est obligatoire."),
        )),
        # [unconfirmed] the portal's list of types for an execution request was not found.
        Etape(mots.Texte("1. Choisir le tribunal et le type de demande"), (
            mots.Texte("Juridiction : « Tribunal administratif », puis « {tribunal} » : le tribunal qui a rendu "
                       "l'ordonnance.", tribunal=tribunal.tribunal),
            mots.Texte("Type de requête : si le site propose une demande d'exécution, choisissez-la. Sinon, choisissez "
                       "la requête ordinaire. Ne choisissez pas « Référé »."),
            mots.Texte("Si le site demande le numéro d'une affaire liée, donnez celui de l'ordonnance : {numero}.",
                       numero=o.numero),
        )),
        Etape(mots.Texte("2. Case « Requête »"), (mots.Texte("Déposez le fichier {fichier}.", fichier=requete),)),
        Etape(mots.Texte("3. Case « Acte attaqué » (obligatoire)"), (
            mots.Texte("Ici, mettez l'ordonnance dont vous demandez l'exécution."),
            (mots.Texte("Déposez le fichier {fichier} (pièce n° {numero} : {libelle}). Ne le déposez pas une seconde "
                        "fois plus bas.", fichier=acte.nom_fichier, numero=acte.numero, libelle=acte.libelle)
             if acte else mots.Texte("Déposez l'ordonnance.")),
        )),
        etape_pieces_complementaires(autres),
        Etape(mots.Texte("5. Vérifier et envoyer"), (
            mots.Texte("Sur la page de résumé, vérifiez que chaque nom commence par son numéro, sans trou ni doublon."),
            mots.Texte("Cochez l'avertissement sur les « requêtes abusives », puis cliquez sur « Envoyer »."),
            mots.Texte("Le fichier Inventaire.pdf n'est pas à déposer : gardez-le pour vous."),
        )),
        Etape(mots.Texte("6. Après le dépôt"), APRES_LE_DEPOT_EXECUTION),
    ]


TITRE_DU_GUIDE = "DEMANDER L'EXÉCUTION DE L'ORDONNANCE SUR TÉLÉRECOURS CITOYENS"


def guide_execution(d: DossierOrdonnance, pieces: list[Piece], tribunal: Juridiction, *,
                    requete: str = "Requete.pdf") -> str:
    """The filing guide of the demande (Guide_depot.txt), in French."""
    return guide_en_texte(etapes_execution(d, pieces, tribunal, requete=requete), titre=TITRE_DU_GUIDE)


def construire_execution(d: DossierOrdonnance, sortie: Path | str, *, aujourd_hui: dt.date | None = None,
                         limites: Limites | None = None) -> Manifeste:
    """Write the demande d'exécution's whole bundle into `sortie` with the référé's engine (requête
    DOCX and PDF, numbered and stamped pièces, inventaire, guide, manifest, zip) and return its
    manifest. Raises DossierNonDeposable (nothing written) with the blocking problems."""
    aujourd_hui = aujourd_hui or dt.date.today()
    limites = limites or Limites()
    problemes = problemes_execution(d, aujourd_hui=aujourd_hui, pour="demande", limites=limites)
    if erreurs(problemes):
        raise DossierNonDeposable(erreurs(problemes))
    pieces = pieces_execution(d)
    tribunal = juridiction(d.departement)

    def inventaire(pages: dict[int, int], chemin: Path) -> Path:
        return _rendre(MODELE_INVENTAIRE, contexte_inventaire_execution(d, pieces, pages), chemin,
                       titre=f"Inventaire des pièces — {d.requerant.nom_complet}", auteur=d.requerant.nom_complet)

    redaction = Redaction(
        requete=lambda chemin: docx_demande_execution(d, pieces, chemin, aujourd_hui=aujourd_hui),
        inventaire=inventaire,
        guide=lambda requete: guide_execution(d, pieces, tribunal, requete=requete))
    return bundle.assembler(pieces, tribunal, sortie, redaction, limites=limites,
                            avertissements=[str(p) for p in problemes])


__all__ += ["APRES_LE_DEPOT_EXECUTION"]
