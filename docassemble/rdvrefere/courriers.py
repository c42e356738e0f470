"""Letters to the préfecture, before the référé: the e-mail, the registered letter with AR (DOCX
from `templates/lrar.docx` + PDF), and for the ANEF the text for the contact form and the checklist
for the accueil numérique visit. Plain Python, no docassemble import.

They are the applicant's own letters: they speak in the first person. They are built from plain
values (`ValeursCourrier`), so the interview can make them before the dossier is complete;
`valeurs_depuis_dossier` fills them from a dossier. The client's texts (name, address, what the site
showed…) are placed as values, never evaluated: the DOCX goes through requete's renderer (Jinja
autoescape, strict undefined), the plain texts are only concatenated.

Law used (quoted as verified):
- CE, 10 juin 2020, n° 435594 (analysis on ArianeWeb, conseil-etat.fr/fr/arianeweb/CE/analyse/
  2020-06-10/435594): « il incombe à l'autorité administrative, après lui avoir fixé un rendez-vous, de
  le recevoir en préfecture et, si son dossier est complet, de procéder à l'enregistrement de sa
  demande, dans un délai raisonnable »;
- CESEDA R. 431-2 (décret n° 2023-191 du 22 mars 2023): the substitute for the foreigner who,
  « ayant accompli toutes les diligences qui lui incombent », is in the « impossibilité constatée »
  of using the téléservice (the same words as redaction.py);
- CJA L. 521-3 (the référé the letter announces), CESEDA R. 431-20 and CJA R. 312-1 (the préfet and
  the tribunal: juridictions.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .dates import date_courte, date_longue, en_lettres, heure_fr, jour_et_date
from .dossier import Dossier
from .juridictions import JuridictionInconnue, Juridiction, juridiction
from .mots import Texte
from .redaction import _Accords, mise_en_page, ville_de
from .requete import _en_pdf, _rendre
from .verification import DELAI_REPONSE_JOURS

__all__ = ["ValeursCourrier", "TentativeCourrier", "DemarcheCourrier", "Courriel", "valeurs_depuis_dossier",
           "courriel", "texte_contact_anef", "liste_accueil_numerique", "contexte_lrar", "docx_lrar", "rendre_lrar",
           "MODELE_LRAR"]

MODELE_LRAR = "lrar.docx"
_CITATION_435594 = ("«\u00a0après lui avoir fixé un rendez-vous, de le recevoir en préfecture et, si son dossier est "
                    "complet, de procéder à l'enregistrement de sa demande, dans un délai raisonnable\u00a0» "
                    "(Conseil d'État, 10 juin 2020, n° 435594)")


@dataclass(frozen=True)
class TentativeCourrier:
    date: dt.date
    heure: dt.time | None = None
    constat: str = ""        # what the site showed (the client's words: quoted)


@dataclass(frozen=True)
class DemarcheCourrier:
    date: dt.date
    nature: str              # dossier.NATURES_DEMARCHE
    repondue: bool = False


@dataclass(frozen=True)
class ValeursCourrier:
    """What the letters need; everything but the name may be missing."""

    nom: str
    prenoms: str = ""
    sexe: str | None = None              # « F » / « M »: agreement (« née », « soussignée »)
    date_naissance: dt.date | None = None
    lieu_naissance: str = ""
    nationalite: str = ""
    adresse: str = ""
    telephone: str = ""
    courriel: str = ""
    numero_etranger: str = ""
    departement: str | None = None       # code: the préfet and the tribunal (juridictions.py)
    nature: str | None = None            # « premiere_demande » / « renouvellement »
    titre: str = ""
    date_expiration: dt.date | None = None
    blocage: str | None = None           # « aucun_creneau », « categorie_absente », « anef »
    plateforme: str = ""
    tentatives: tuple[TentativeCourrier, ...] = ()
    demarches: tuple[DemarcheCourrier, ...] = field(default_factory=tuple)
    lieu: str = ""                       # where the letter is signed (default: the address's town)

    @property
    def nom_complet(self) -> str:
        return f"{self.prenoms} {self.nom.upper()}".strip()

    @property
    def accords(self) -> _Accords:
        return _Accords(self.sexe == "F")

    @property
    def juridiction(self) -> Juridiction | None:
        if not self.departement:
            return None
        try:
            return juridiction(self.departement)
        except JuridictionInconnue:
            return None


def valeurs_depuis_dossier(dossier: Dossier) -> ValeursCourrier:
    r = dossier.requerant
    return ValeursCourrier(
        nom=r.nom, prenoms=r.prenoms, sexe=r.sexe, date_naissance=r.date_naissance, lieu_naissance=r.lieu_naissance,
        nationalite=r.nationalite, adresse=r.adresse, telephone=r.telephone, courriel=r.courriel,
        numero_etranger=r.numero_etranger or "", departement=dossier.departement, nature=dossier.demande.nature,
        titre=dossier.demande.titre, date_expiration=dossier.demande.date_expiration, blocage=dossier.blocage.type,
        plateforme=dossier.blocage.plateforme,
        tentatives=tuple(TentativeCourrier(t.date, t.heure, t.constat) for t in dossier.tentatives),
        demarches=tuple(DemarcheCourrier(d.date, d.nature, d.reponse_recue != "aucune")
                        for d in dossier.demarches),
        lieu=dossier.signature.lieu or "")


# --- Shared sentences ------------------------------------------------------------------------

def _objet(v: ValeursCourrier) -> str:
    """« ma demande de renouvellement de mon titre de séjour (carte de séjour « salarié ») »."""
    titre = f" ({v.titre})" if v.titre else ""
    if v.nature == "renouvellement":
        return f"ma demande de renouvellement de mon titre de séjour{titre}"
    if v.nature == "premiere_demande":
        return f"ma première demande de titre de séjour{titre}"
    return f"ma demande de titre de séjour{titre}"


def _identite(v: ValeursCourrier) -> str:
    """« Je soussignée Awa DIALLO, née le … à …, de nationalité …, demeurant …, » (the comma closes the
    apposition; none when there is nothing after the name), followed by the verb."""
    e = v.accords.e
    morceaux = [f"Je soussigné{e} {v.nom_complet}"]
    if v.date_naissance:
        morceaux.append(f"né{e} le {date_longue(v.date_naissance)}" + (f" à {v.lieu_naissance}" if v.lieu_naissance else ""))
    if v.nationalite:
        morceaux.append(f"de nationalité {v.nationalite}")
    if v.adresse:
        morceaux.append(f"demeurant {v.adresse}")
    if v.numero_etranger:
        morceaux.append(f"numéro étranger {v.numero_etranger}")
    return ", ".join(morceaux) + ("," if len(morceaux) > 1 else "")


def _site(v: ValeursCourrier) -> str:
    if v.plateforme:
        return f"en ligne ({' '.join(v.plateforme.split())})"
    return "sur le site de l'ANEF" if v.blocage == "anef" else "sur le site de la préfecture"


def _constat_general(v: ValeursCourrier) -> str:
    if v.blocage == "categorie_absente":
        return "le site ne propose pas la catégorie de titre dont relève ma demande"
    if v.blocage == "anef":
        return "le téléservice ne me permet pas de déposer ma demande"
    return "aucun créneau de rendez-vous n'est proposé"


def _tentatives_triees(v: ValeursCourrier) -> list[TentativeCourrier]:
    return sorted(v.tentatives, key=lambda t: (t.date, t.heure or dt.time(0)))


def _ligne_tentative(t: TentativeCourrier) -> str:
    quand = jour_et_date(t.date) + (f" à {heure_fr(t.heure)}" if t.heure else "")
    constat = " ".join(t.constat.split())
    entier = re.fullmatch(r"[«\"“]\s*([^«»\"“”]*?)\s*[»\"”]", constat)   # already between quotation marks
    constat = entier.group(1) if entier else constat
    return f"le {quand}" + (f" : «\u00a0{constat}\u00a0»" if constat else "")


def _phrase_tentatives(v: ValeursCourrier) -> str:
    tentatives = _tentatives_triees(v)
    if not tentatives:
        return f"Je n'ai pas pu obtenir de rendez-vous {_site(v)} : {_constat_general(v)}."
    if len(tentatives) == 1:
        return (f"J'ai tenté d'obtenir un rendez-vous {_site(v)} le {date_longue(tentatives[0].date)}, sans succès : "
                f"{_constat_general(v)}.")
    return (f"Depuis le {date_longue(tentatives[0].date)}, j'ai tenté à {len(tentatives)} reprises d'obtenir un "
            f"rendez-vous {_site(v)}, sans succès : {_constat_general(v)}. Mes tentatives :")


# (words, feminine?) for « … est restée sans réponse »
_DEMARCHES_PASSEES = {"courriel": ("mon courriel du {}", False), "lrar": ("ma lettre recommandée du {}", True),
                      "contact_anef": ("ma demande au centre de contact citoyen de l'ANEF du {}", True),
                      "accueil_numerique": ("mon passage au point d'accueil numérique du {}", False)}


def _phrase_demarches(v: ValeursCourrier, aujourd_hui: dt.date) -> str:
    """« Mon courriel du … et ma lettre recommandée du … sont restés sans réponse. » (unanswered ones)."""
    sans_reponse = [(_DEMARCHES_PASSEES[d.nature][0].format(date_longue(d.date)), _DEMARCHES_PASSEES[d.nature][1])
                    for d in sorted(v.demarches, key=lambda d: d.date)
                    if d.nature in _DEMARCHES_PASSEES and not d.repondue and d.date <= aujourd_hui]
    if not sans_reponse:
        return ""
    mots = [m for m, _ in sans_reponse]
    liste = mots[0] if len(mots) == 1 else ", ".join(mots[:-1]) + " et " + mots[-1]
    feminin = all(f for _, f in sans_reponse)    # the masculine wins in French agreement
    verbe = ("est restée" if feminin else "est resté") if len(mots) == 1 else ("sont restées" if feminin else "sont restés")
    return liste[:1].upper() + liste[1:] + f" {verbe} sans réponse."


def _demande(v: ValeursCourrier) -> str:
    phrase = f"Je vous demande de me donner un rendez-vous en préfecture pour déposer {_objet(v)}"
    if v.blocage == "anef":
        phrase += (", ou d'enregistrer ma demande selon la modalité de substitution prévue par l'article R. 431-2 du "
                   "code de l'entrée et du séjour des étrangers et du droit d'asile pour l'étranger qui, «\u00a0ayant "
                   "accompli toutes les diligences qui lui incombent\u00a0», se trouve dans l'«\u00a0impossibilité "
                   "constatée\u00a0» d'utiliser le téléservice")
    return phrase + "."


def _rappel(v: ValeursCourrier) -> str:
    return ("Le Conseil d'État juge qu'il incombe à l'administration, à l'égard de l'étranger qui demande un titre "
            f"de séjour, {_CITATION_435594}.")


def _annonce(v: ValeursCourrier) -> str:
    j = v.juridiction
    tribunal = f"du tribunal administratif de {j.ville_tribunal}" if j else "du tribunal administratif"
    return (f"Sans réponse de votre part dans un délai de {en_lettres(DELAI_REPONSE_JOURS)} jours, je saisirai le "
            f"juge des référés {tribunal} (article L. 521-3 du code de justice administrative).")


def _expiration(v: ValeursCourrier) -> str:
    if v.nature == "renouvellement" and v.date_expiration:
        return f"Mon titre de séjour actuel expire le {date_longue(v.date_expiration)}."
    return ""


def _coordonnees(v: ValeursCourrier) -> list[str]:
    lignes = [v.nom_complet]
    if v.adresse:
        lignes.append(v.adresse)
    if v.telephone:
        lignes.append(f"Téléphone : {v.telephone}")
    if v.courriel:
        lignes.append(f"Courriel : {v.courriel}")
    if v.numero_etranger:
        lignes.append(f"Numéro étranger : {v.numero_etranger}")
    return lignes


# --- The e-mail ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Courriel:
    objet: str
    corps: str
    destinataire: str      # who to send it to, in words (no source gives the préfectures' addresses)

    def texte(self) -> str:
        return f"À : {self.destinataire}\nObjet : {self.objet}\n\n{self.corps}\n"


def courriel(v: ValeursCourrier, *, aujourd_hui: dt.date) -> Courriel:
    """The e-mail asking the préfecture for an appointment (first person, plain text)."""
    j = v.juridiction
    prefecture = j.prefecture if j else "la préfecture"
    naissance = f" (né{v.accords.e} le {date_courte(v.date_naissance)})" if v.date_naissance else ""
    titre = f" ({v.titre})" if v.titre else ""
    quoi = {"renouvellement": "renouvellement de titre de séjour",
            "premiere_demande": "première demande de titre de séjour"}.get(v.nature or "", "demande de titre de séjour")
    objet = f"Demande de rendez-vous — {quoi}{titre} — {v.nom_complet}{naissance}"
    paragraphes = ["Madame, Monsieur,", _identite(v) + f" souhaite déposer {_objet(v)}." + (
        f" {_expiration(v)}" if _expiration(v) else "")]
    tentatives = _tentatives_triees(v)
    paragraphes.append(_phrase_tentatives(v) + ("\n" + "\n".join(f"- {_ligne_tentative(t)}" for t in tentatives)
                                                if len(tentatives) > 1 else ""))
    if _phrase_demarches(v, aujourd_hui):
        paragraphes.append(_phrase_demarches(v, aujourd_hui))
    paragraphes += [_demande(v), _rappel(v),
                    "Je vous remercie de me répondre à cette adresse électronique ou par courrier.",
                    "Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.",
                    "\n".join(_coordonnees(v))]
    return Courriel(objet, "\n\n".join(paragraphes),
                    f"l'adresse de contact du service des étrangers de {prefecture} (sur son site internet)")


# --- ANEF: the contact form, the accueil numérique visit -------------------------------------

def texte_contact_anef(v: ValeursCourrier, *, aujourd_hui: dt.date) -> str:
    """The message to paste in the ANTS / ANEF contact form (« centre de contact citoyen »)."""
    tentatives = _tentatives_triees(v)
    lignes = ["Bonjour,",
              f"Je n'arrive pas à déposer {_objet(v)} sur le site de l'administration numérique des étrangers en "
              "France (ANEF) : le téléservice ne me permet pas de déposer ma demande."]
    if tentatives:
        lignes.append("Mes tentatives : " + " ; ".join(_ligne_tentative(t) for t in tentatives) + ".")
    if _expiration(v):
        lignes.append(_expiration(v))
    lignes.append("Je vous demande de m'aider à déposer ma demande. Si ce n'est pas possible, merci de me l'écrire "
                  "dans votre réponse : la préfecture doit alors enregistrer ma demande autrement (article R. 431-2 "
                  "du code de l'entrée et du séjour des étrangers et du droit d'asile).")
    identite = [f"Nom : {v.nom.upper()}", f"Prénoms : {v.prenoms}"]
    if v.date_naissance:
        identite.append(f"Date de naissance : {date_courte(v.date_naissance)}")
    if v.numero_etranger:
        identite.append(f"Numéro étranger : {v.numero_etranger}")
    if v.courriel:
        identite.append(f"Courriel : {v.courriel}")
    if v.telephone:
        identite.append(f"Téléphone : {v.telephone}")
    lignes.append("\n".join(identite))
    lignes.append("Merci.")
    return "\n\n".join(lignes)


def liste_accueil_numerique(v: ValeursCourrier) -> list[Texte]:
    """The checklist for the visit to the préfecture's point d'accueil numérique: instructions to
    the client, each a mots.Texte (French here and on the command line, translated on screen)."""
    j = v.juridiction
    liste = [
        (Texte("Où : au point d'accueil numérique de {prefecture}. Notez le jour et l'heure d'arrivée.",
               prefecture=j.prefecture) if j else
         Texte("Où : au point d'accueil numérique de la préfecture. Notez le jour et l'heure d'arrivée.")),
        Texte("À apporter : votre passeport ou votre pièce d'identité."),
        (Texte("À apporter : votre titre de séjour actuel (ou récépissé), recto et verso.") if v.nature == "renouvellement"
         else Texte("À apporter : votre visa, récépissé ou autre document de séjour, s'il y en a un.")),
        Texte("À apporter : un justificatif de domicile récent."),
        Texte("À apporter : vos captures d'écran des tentatives (sur le téléphone ou imprimées) et les messages "
              "d'erreur."),
        Texte("À apporter : vos identifiants de connexion à l'ANEF, l'adresse électronique et le numéro de téléphone "
              "utilisés sur le site."),
        Texte("À apporter : la preuve de votre demande au centre de contact citoyen (numéro de ticket, courriel reçu)."),
    ]
    if v.numero_etranger:
        liste.append(Texte("À apporter : votre numéro étranger ({numero}).", numero=v.numero_etranger))
    liste += [
        Texte("Gardez le ticket d'accueil ou de file d'attente : photographiez-le le jour même."),
        Texte("Montrez le blocage à l'agent sur le site, devant lui."),
        Texte("Demandez que soit écrit sur un papier daté (attestation de passage, tampon de la préfecture) que le "
              "site ne permet pas de déposer votre demande, et ce que l'agent vous a répondu."),
        Texte("Notez le nom ou la fonction de l'agent, la date, l'heure et ce qui a été dit."),
        Texte("En rentrant : ajoutez la démarche « passage au point d'accueil numérique » avec sa preuve (ticket, "
              "attestation, photo)."),
    ]
    return liste


# --- The registered letter (DOCX + PDF) ------------------------------------------------------

def contexte_lrar(v: ValeursCourrier, *, aujourd_hui: dt.date) -> dict:
    """The values `templates/lrar.docx` places (every sentence computed here, made safe for Word)."""
    j = v.juridiction
    destinataire = [j.autorite[:1].upper() + j.autorite[1:]] if j else ["Monsieur le préfet ou Madame la préfète"]
    if j and j.adresse:
        destinataire.append(j.adresse)
    lieu = v.lieu or (ville_de(v.adresse) if v.adresse else "")
    tentatives = _tentatives_triees(v)
    intro = [_identite(v) + f" souhaite déposer {_objet(v)}." + (f" {_expiration(v)}" if _expiration(v) else ""),
             _phrase_tentatives(v)]
    suite = [p for p in (_phrase_demarches(v, aujourd_hui), _demande(v), _rappel(v), _annonce(v)) if p]
    contexte = {
        "expediteur": _coordonnees(v),
        "destinataire": destinataire,
        "lieu_date": f"{lieu}, le {date_longue(aujourd_hui)}" if lieu else f"Le {date_longue(aujourd_hui)}",
        "mention": "Lettre recommandée avec demande d'avis de réception",
        "objet": f"Objet : demande de rendez-vous pour déposer {_objet(v)}",
        "salutation": "Madame, Monsieur,",
        "intro": intro,
        "tentatives": [_ligne_tentative(t) for t in tentatives] if len(tentatives) > 1 else [],
        "suite": suite,
        "formule": "Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.",
        "signataire": v.nom_complet,
    }
    return mise_en_page(contexte)


def docx_lrar(v: ValeursCourrier, chemin: Path, *, aujourd_hui: dt.date) -> Path:
    """The registered letter as DOCX only (no LibreOffice)."""
    return _rendre(MODELE_LRAR, contexte_lrar(v, aujourd_hui=aujourd_hui), Path(chemin),
                   titre=f"Lettre recommandée à la préfecture — {v.nom_complet}", auteur=v.nom_complet)


def rendre_lrar(v: ValeursCourrier, dossier_sortie: Path, *, aujourd_hui: dt.date,
                nom: str = "Lettre_recommandee_prefecture") -> tuple[Path, Path]:
    """`{nom}.docx` and `{nom}.pdf` (LibreOffice, as the requête) in `dossier_sortie`."""
    docx = docx_lrar(v, Path(dossier_sortie) / f"{nom}.docx", aujourd_hui=aujourd_hui)
    return docx, _en_pdf(docx, docx.with_suffix(".pdf"))
