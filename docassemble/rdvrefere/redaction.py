"""The French of the requête and of the inventaire: every sentence, computed from the dossier.

`contexte_requete()` and `contexte_inventaire()` return plain values (str, int, bool, lists and
dicts of them) that the Word templates `templates/requete.docx` and `templates/inventaire.docx`
only place: the template holds the headings, the invariant quotation of L. 521-3 and the layout;
this module holds the reasoning, the agreements (requérant / requérante) and the citations.
docassemble can render the same templates with the same dict (`docx template file` + `code`).

Every « pièce n° N » comes from the `Piece` objects computed by `numerotation.numeroter()`
(through `piece_de`), never from arithmetic here.

Sources: CJA L. 521-3, R. 312-1, R. 411-1, R. 412-2, R. 431-2, R. 522-1, R. 522-3, R. 522-5,
L. 761-1; CESEDA R. 431-2, R. 431-5 (renouvellement.py), R. 431-20; loi n° 91-647 art. 20; décret n° 2020-1717 art. 61;
CE 10 juin 2020 n° 435594; CE avis 1er juillet 2020 n° 436288; CE 18 février 2022 n° 455740;
CE 9 juin 2022 n° 453391 (Tables); CE, Section, 3 juin 2022, Conseil national des barreaux et autres,
n° 452798 (the CNB's requête; La Cimade's is n° 452806: never « La Cimade, n° 452798 »).

Choices where the brief is silent (see also the module `requete`):
- Unexecuted OQTF (CE 453391: no urgency in principle). The requête states the OQTF in the facts,
  does not invoke the presumption of urgency of a renewal, pleads only the circumstances given,
  and argues that an appointment does not hinder the OQTF's execution; it never claims that no
  OQTF exists. `avertissements_requete()` warns that the référé is then likely to fail.
- First application with `date_expiration`: read as the expiry of the document the applicant
  currently stays under (visa, récépissé, autorisation provisoire).
- « Fait à »: `signature.lieu`, else the town after the postcode in the address (`ville_de`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import date_longue, en_lettres, heure_insecable, jour_et_date
from .dossier import DOCUMENTS, NATURES_FRAIS, Circonstance, Demarche, Dossier
from .juridictions import COLLECTIVITES_COUVERTES, juridiction
from .mots import Texte
from .numerotation import Piece, piece_de
from .problemes import Probleme
from .renouvellement import attestation_anef, situation_du_dossier
from .tentatives import bilan_des_tentatives, tentatives_triees

__all__ = ["contexte_requete", "contexte_inventaire", "avertissements_requete", "mise_en_page",
           "references", "ville_de", "sans_parentheses", "TIRET_LONG"]

TIRET_LONG = "—"          # an unknown page count in the inventaire
_ESPACE_SECABLE = "\u200b"  # zero-width space: a line-break opportunity inside a very long word
_MOT_LONG = 30             # a « word » longer than this gets break opportunities…
_TRONCON = 20              # …every this many characters
_CARACTERES_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BLANCS = re.compile(r"[ \t\r\n\f\v]+")
_TRONCONS_LONGS = re.compile(rf"[^\s{_ESPACE_SECABLE}]{{{_MOT_LONG + 1},}}")


# --- Text that must survive any input ------------------------------------------------------

def _casser(mot: re.Match[str]) -> str:
    texte = mot.group(0)
    return _ESPACE_SECABLE.join(texte[i:i + _TRONCON] for i in range(0, len(texte), _TRONCON))


def mise_en_page(valeur):
    """Make every string of a context safe for a Word document, recursively: drop the characters
    XML forbids, fold line breaks and runs of blanks into one space, and give words longer than
    30 characters a zero-width space every 20 characters so that they wrap instead of running out
    of the page or of a table cell. Jinja and XML syntax are left as they are: the templates are
    rendered with autoescape and never evaluate a value. Idempotent."""
    if isinstance(valeur, str):
        texte = _BLANCS.sub(" ", _CARACTERES_INTERDITS.sub("", valeur)).strip()
        return _TRONCONS_LONGS.sub(_casser, texte)
    if isinstance(valeur, dict):
        return {cle: mise_en_page(v) for cle, v in valeur.items()}
    if isinstance(valeur, list | tuple):
        return [mise_en_page(v) for v in valeur]
    return valeur


# --- Small pieces of French ---------------------------------------------------------------

@dataclass(frozen=True)
class _Accords:
    """Gender agreement of the applicant (« la requérante », « née », « domiciliée »…)."""

    femme: bool

    @property
    def civilite(self) -> str:
        return "Madame" if self.femme else "Monsieur"

    @property
    def le_requerant(self) -> str:
        return "la requérante" if self.femme else "le requérant"

    @property
    def du_requerant(self) -> str:
        return "de la requérante" if self.femme else "du requérant"

    @property
    def au_requerant(self) -> str:
        return "à la requérante" if self.femme else "au requérant"

    @property
    def qualite(self) -> str:
        return "Requérante" if self.femme else "Requérant"

    @property
    def il(self) -> str:
        return "elle" if self.femme else "il"

    @property
    def lui(self) -> str:
        return "elle" if self.femme else "lui"

    @property
    def lui_meme(self) -> str:
        return "elle-même" if self.femme else "lui-même"

    @property
    def e(self) -> str:
        return "e" if self.femme else ""


def _maj(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _sans_point_final(texte: str) -> str:
    return texte.strip().rstrip(" .;,:").rstrip()


def _jours(nombre: int) -> str:
    return f"{nombre} jour" if nombre == 1 else f"{nombre} jours"


def _euros(montant: int) -> str:
    """« 1 500 euros » (thin no-break space between thousands, as French typography wants)."""
    return f"{montant:,}".replace(",", "\u202f") + (" euro" if montant == 1 else " euros")


def references(pieces: Iterable[Piece | None]) -> str:
    """« pièce n° 4 », « pièces n° 4, 5 et 7 » or "" — numbers taken from the Piece objects."""
    uniques = sorted({p.numero: p for p in pieces if p is not None}.values(), key=lambda p: p.numero)
    if not uniques:
        return ""
    if len(uniques) == 1:
        return uniques[0].reference
    numeros = [str(p.numero) for p in uniques]
    return "pièces n° " + ", ".join(numeros[:-1]) + " et " + numeros[-1]


def _entre_parentheses(reference: str) -> str:
    return f" ({reference})" if reference else ""


def sans_parentheses(texte: str) -> str:
    """User text placed inside the requête's own parentheses, its parentheses turned into commas
    so that none nest (issue 9, point 16): « carte de séjour (salarié) » → « carte de séjour,
    salarié », for « titre de séjour (carte de séjour, salarié) »."""
    texte = re.sub(r"\s*[()]\s*", ", ", texte.strip())
    return re.sub(r"\s*,(?:\s*,)*\s*", ", ", texte).strip(" ,")


def ville_de(adresse: str) -> str:
    """The town of a French address: what follows the last postcode (« 93100 Montreuil » →
    « Montreuil »), without « CEDEX »; failing that, the last part after a comma."""
    trouvees = re.findall(r"\b\d{5}\s+([^,\d][^,]*)", adresse)
    if trouvees:
        ville = re.sub(r"\s+cedex\b.*$", "", trouvees[-1].strip(), flags=re.IGNORECASE)
        ville = re.sub(r"\s*[-–—]?\s*france$", "", ville, flags=re.IGNORECASE).strip()
        if ville:
            return ville
    parties = [p.strip() for p in adresse.split(",") if p.strip()]
    return re.sub(r"^\d+\s*", "", parties[-1]).strip() if parties else adresse.strip()


# What the requête already says of a démarche before the colon (« … s'est rendue au point d'accueil
# numérique de la préfecture : »): a description opening with the same words would repeat it.
_REDITES = {
    "accueil_numerique": ("passage au point d'accueil numerique", "visite au point d'accueil numerique",
                          "rendez-vous au point d'accueil numerique", "point d'accueil numerique"),
    "contact_anef": ("demande au centre de contact citoyen", "sollicitation du centre de contact citoyen",
                     "saisine du centre de contact citoyen", "centre de contact citoyen"),
    "lrar": ("lettre recommandee avec demande d'avis de reception", "lettre recommandee avec accuse de reception",
             "lettre recommandee avec ar", "lettre recommandee"),
    "courriel": ("courriel a la prefecture", "courriel adresse a la prefecture"),
}
# What may follow the repeated words and still only repeat them (« … de la préfecture de Bobigny »).
_SUITES_REDITE = ("de la prefecture", "de la sous-prefecture", "a la prefecture", "au prefet", "de l'anef",
                  "du prefet", "en prefecture")
_SEPARATEURS = re.compile(r"\s*(?:[:;,.—–]|\s-\s)\s*")


def _sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFD", texte.replace("\u2019", "'"))
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def sans_redite(description: str, nature: str) -> tuple[str, str]:
    """(separator, description) for « {action}{separator}{description} », without words that only
    repeat what the action already says: « passage au point d'accueil numérique de la préfecture :
    l'agent n'a pas pu… » gives (" : ", « l'agent n'a pas pu… »); « lettre recommandée demandant un
    rendez-vous » gives (" ", « demandant un rendez-vous »), read on from the action; a description
    that is all repetition gives ("", "")."""
    texte = unicodedata.normalize("NFC", _sans_point_final(description))
    morceaux = _SEPARATEURS.split(texte, maxsplit=1)
    premiere = _sans_accents(morceaux[0]).strip()
    for redite in _REDITES.get(nature, ()):
        if not premiere.startswith(redite):
            continue
        reste = premiere[len(redite):].strip()
        if not reste or reste.startswith(_SUITES_REDITE):
            suite = morceaux[1].strip() if len(morceaux) > 1 else ""
            return (" : ", suite) if suite else ("", "")
        if premiere[len(redite):len(redite) + 1] == " ":      # a whole word repeated, then more words
            return " ", morceaux[0].strip()[len(redite):].strip() + texte[len(morceaux[0]):]
    return (" : ", texte) if texte else ("", "")


class _Redaction:
    """Builds the requête's sentences for one dossier and its numbered pièces."""

    def __init__(self, dossier: Dossier, pieces: list[Piece], aujourd_hui: dt.date):
        self.d = dossier
        self.pieces = pieces
        self.aujourd_hui = aujourd_hui
        self.j = juridiction(dossier.departement)
        self.a = _Accords(dossier.requerant.est_une_femme)
        self.paris = self.j.autorite == "préfet de police"
        self.prefet = self.j.autorite                                   # « préfet de la Seine-Saint-Denis »
        self.le_prefet = self.j.autorite_article                        # « le préfet de … »
        self.au_prefet = f"au {self.j.autorite}"
        self.prefecture = self.j.prefecture                             # « la préfecture de … »
        self.tribunal_min = f"tribunal administratif de {self.j.ville_tribunal}"
        self.renouvellement = dossier.demande.nature == "renouvellement"
        self.titre = sans_parentheses(dossier.demande.titre)            # always written in parentheses
        self.oqtf = dossier.urgence.oqtf_non_executee
        self.triees = tentatives_triees(dossier.tentatives)
        self.bilan = bilan_des_tentatives(dossier.tentatives)
        self.situation_renouvellement = situation_du_dossier(dossier)
        self._ceseda_defini = False

    # helpers ---------------------------------------------------------------------------
    def ceseda(self) -> str:
        """The code's full name the first time, « CESEDA » afterwards."""
        if self._ceseda_defini:
            return "CESEDA"
        self._ceseda_defini = True
        return "code de l'entrée et du séjour des étrangers et du droit d'asile (CESEDA)"

    def du_ceseda(self) -> str:
        nom = self.ceseda()
        return "du CESEDA" if nom == "CESEDA" else f"du {nom}"

    def pieces_de(self, sources: Iterable[str]) -> list[Piece | None]:
        return [piece_de(self.pieces, s) for s in sources]

    def ref_pieces_categorie(self, categorie: str) -> str:
        """« (pièce n° 2) »: the pièces the numbering put in `categorie` (« identite », « sejour »,
        « domicile »; a pièce without catégorie is classified from its label, numerotation.categorie_de_piece)."""
        return _entre_parentheses(references(p for p in self.pieces if p.categorie == categorie))

    def ref_tentatives(self) -> str:
        return _entre_parentheses(references(self.pieces_de(f"tentatives[{p}]" for p, _ in self.triees)))

    @property
    def premiere_date(self) -> str:
        return date_longue(self.triees[0][1].date)

    @property
    def derniere_date(self) -> str:
        return date_longue(self.triees[-1][1].date)

    def periode(self) -> str:
        """« sur une période de onze jours, au cours de trois semaines différentes » (both ends of the
        period counted: 4 to 14 October is eleven days), or « …, au cours d'une seule semaine »: the
        spread in time the judge looks at (CE 435594), stated as it is."""
        k = self.bilan.nombre_de_semaines
        semaines = "au cours d'une seule semaine" if k == 1 else f"au cours de {en_lettres(k)} semaines différentes"
        return f"sur une période de {en_lettres(self.bilan.periode_jours)} jours, {semaines}"

    def reprises(self) -> str:
        """« à 4 reprises entre le … et le …, sur une période de …, au cours de … semaines différentes »."""
        n = self.bilan.nombre
        if n == 1:
            return f" le {self.premiere_date}"
        if self.premiere_date == self.derniere_date:
            return f" à {n} reprises le {self.premiere_date}"
        return f" à {n} reprises entre le {self.premiere_date} et le {self.derniere_date}, {self.periode()}"

    def plateforme_anef(self) -> str:
        """« ; administration-etrangers-en-france… » after « ANEF », unless it only repeats it."""
        plateforme = self.d.blocage.plateforme
        return "" if plateforme.strip().upper() in {"ANEF", "L'ANEF", "(ANEF)"} else f" ; {plateforme}"

    @property
    def faute_de(self) -> str:
        """What the applicant lacks: an appointment, or (ANEF) the use of the téléservice."""
        return "faute de pouvoir utiliser le téléservice" if self.d.blocage.type == "anef" else "faute de rendez-vous"

    def tentatives_effectuees(self) -> str:
        """« 4 tentatives effectuées entre le … et le …, sur une période de …, au cours de … »."""
        n = self.bilan.nombre
        if n == 1:
            return f"une tentative effectuée le {self.premiere_date}"
        if self.premiere_date == self.derniere_date:
            return f"{n} tentatives effectuées le {self.premiere_date}"
        return f"{n} tentatives effectuées entre le {self.premiere_date} et le {self.derniere_date}, {self.periode()}"

    def expiration(self) -> tuple[str, bool] | None:
        """(« 15 décembre 2026 », already expired?) when the dossier gives the date."""
        fin = self.d.demande.date_expiration
        if fin is None:
            return None
        return date_longue(fin), fin < self.aujourd_hui

    def objet_demande(self) -> str:
        titre = self.titre
        if self.renouvellement:
            return f"renouvellement de titre de séjour ({titre})"
        return f"titre de séjour ({titre})"

    # POUR / CONTRE -----------------------------------------------------------------------
    def pour(self) -> list[str]:
        r, a = self.d.requerant, self.a
        lignes = [
            f"{a.civilite} {r.nom_complet}",
            f"né{a.e} le {date_longue(r.date_naissance)} à {r.lieu_naissance}",
            f"de nationalité {r.nationalite}",
            f"domicilié{a.e} {r.adresse}",
            f"téléphone : {r.telephone}",
            f"courriel : {r.courriel}",
        ]
        if r.numero_etranger:
            lignes.append(f"numéro d'étranger : {r.numero_etranger}")
        return lignes

    # FAITS -------------------------------------------------------------------------------
    def faits_situation(self) -> list[str]:
        r, a = self.d.requerant, self.a
        paragraphes = [
            f"{a.civilite} {r.nom_complet}, né{a.e} le {date_longue(r.date_naissance)} à {r.lieu_naissance}, "
            f"de nationalité {r.nationalite}{self.ref_pieces_categorie('identite')}, demeure "
            f"{_sans_point_final(r.adresse)}{self.ref_pieces_categorie('domicile')}."
        ]
        titre, sejour = self.titre, self.ref_pieces_categorie("sejour")
        fin = self.expiration()
        if self.renouvellement:
            if fin is None:
                texte = (f"{_maj(a.il)} est titulaire d'un titre de séjour ({titre}){sejour}, dont {a.il} doit "
                         "solliciter le renouvellement.")
            elif fin[1]:
                texte = (f"{_maj(a.il)} était titulaire d'un titre de séjour ({titre}){sejour}, qui a expiré le "
                         f"{fin[0]} ; {a.il} doit en solliciter le renouvellement.")
            else:
                texte = (f"{_maj(a.il)} est titulaire d'un titre de séjour ({titre}) valable jusqu'au {fin[0]}"
                         f"{sejour}, dont {a.il} doit solliciter le renouvellement.")
        else:
            texte = f"{_maj(a.il)} entend solliciter la délivrance d'un premier titre de séjour ({titre})."
            if fin is not None:
                texte += (f" Le document sous couvert duquel {a.il} séjourne en France{sejour} "
                          + (f"a expiré le {fin[0]}." if fin[1] else f"expire le {fin[0]}."))
            elif sejour:
                texte += f" Sa situation au regard du séjour est établie par les documents produits{sejour}."
        paragraphes.append(texte)
        if self.oqtf:
            paragraphes.append(f"{_maj(a.le_requerant)} a fait l'objet d'une obligation de quitter le territoire "
                               "français, qui n'a pas été exécutée.")
        return paragraphes

    def faits_blocage(self) -> list[str]:
        a, b = self.a, self.d.blocage
        n = self.bilan.nombre
        if b.type == "aucun_creneau":
            tentatives = (f"Depuis le {self.premiere_date}, {a.le_requerant} a tenté à {n} reprises d'obtenir un "
                          "rendez-vous par ce moyen ; aucun créneau ne lui a jamais été proposé."
                          if n > 1 else
                          f"Le {self.premiere_date}, {a.le_requerant} a tenté d'obtenir un rendez-vous par ce "
                          "moyen ; aucun créneau ne lui a été proposé.")
            return [f"{_maj(self.prefecture)} ne reçoit les demandes de titre de séjour que sur rendez-vous, "
                    f"lequel ne peut être pris qu'en ligne ({b.plateforme}).", tentatives]
        if b.type == "categorie_absente":
            return [f"Le dépôt d'une demande de titre de séjour auprès de {self.prefecture} suppose "
                    f"l'accomplissement préalable d'une démarche en ligne ({b.plateforme}). Or ce service ne "
                    f"propose pas la catégorie de titre de séjour dont relève la demande {a.du_requerant} "
                    f"({self.titre}) : {a.il} ne peut donc ni accomplir cette formalité, ni obtenir de "
                    "rendez-vous, ni déposer sa demande.",
                    f"{_maj(a.le_requerant)} l'a constaté{self.reprises()}."]
        # anef
        echec = (f"ses {n} tentatives, entre le {self.premiere_date} et le {self.derniere_date}, ont toutes échoué"
                 if n > 1 else f"sa tentative du {self.premiere_date} a échoué")
        return [f"La demande {a.du_requerant} ({self.titre}) doit être déposée en ligne, au moyen du "
                f"téléservice de l'administration numérique des étrangers en France (ANEF{self.plateforme_anef()}), "
                f"en application de l'article R. 431-2 {self.du_ceseda()}.",
                f"Ce téléservice ne lui permet pas de déposer sa demande : {echec}."]

    def tentatives_intro(self) -> str:
        return (f"Les tentatives {self.a.du_requerant}, toutes infructueuses, sont récapitulées ci-dessous dans "
                "l'ordre chronologique, avec, pour chacune, ce qu'affichait le site et la pièce qui l'établit :")

    def tentatives(self) -> list[dict]:
        lignes = []
        for rang, (position, t) in enumerate(self.triees, start=1):
            piece = piece_de(self.pieces, f"tentatives[{position}]")
            lignes.append({
                "numero": rang,
                "date": jour_et_date(t.date),
                "heure": heure_insecable(t.heure),
                "date_heure": f"{jour_et_date(t.date)} à\u00a0{heure_insecable(t.heure)}",
                "constat": t.constat,
                "piece": piece.reference if piece else TIRET_LONG,
                "numero_piece": piece.numero if piece else None,
            })
        return lignes

    def tentatives_bilan(self) -> str:
        n = self.bilan.nombre
        if n == 1:
            return ""
        if self.premiere_date == self.derniere_date:
            return f"Ces {n} tentatives ont toutes été effectuées le {self.premiere_date}."
        return (f"Ces {n} tentatives ont été effectuées entre le {self.premiere_date} et le "
                f"{self.derniere_date}, {self.periode()}.")

    def _demarches_triees(self) -> list[tuple[int, Demarche]]:
        return sorted(enumerate(self.d.demarches, 1), key=lambda paire: paire[1].date)

    def faits_demarches(self) -> list[str]:
        a = self.a
        paragraphes = []
        for position, d in self._demarches_triees():
            ref = _entre_parentheses(references([piece_de(self.pieces, f"demarches[{position}]")]))
            quand = f"Le {date_longue(d.date)}, {a.le_requerant}"
            separateur, description = sans_redite(d.description, d.nature)
            action = {
                "courriel": f"{quand} a écrit par courriel à {self.prefecture}",
                "lrar": f"{quand} a adressé {self.au_prefet} une lettre recommandée avec demande d'avis de réception",
                "contact_anef": f"{quand} a sollicité l'assistance du centre de contact citoyen mis à la disposition "
                                "des usagers de l'ANEF",
                "accueil_numerique": f"{quand} s'est rendu{a.e} au point d'accueil numérique de {self.prefecture}",
                "autre": f"{quand} a accompli la démarche suivante",
            }[d.nature]
            paragraphes.append(f"{action}{separateur}{description}{ref}. {self._suite(d)}")
        return paragraphes

    def _suite(self, demarche: Demarche) -> str:
        """What came of a démarche: what the dossier says, or, without a `resultat`, « Cette démarche est
        à ce jour sans réponse, au 2 novembre 2026. » (the requête's date: never « restée sans réponse »,
        which a démarche sent a few days before filing is not); a visit to the accueil numérique:
        « Cette démarche n'a pas permis de déposer la demande. »"""
        resultat = _sans_point_final(demarche.resultat or "")
        if not resultat and demarche.nature == "accueil_numerique":
            return "Cette démarche n'a pas permis de déposer la demande."
        if not resultat:
            return f"Cette démarche est à ce jour sans réponse, au {date_longue(self.date_requete)}."
        premier_mot = resultat.split()[0].lower()
        if premier_mot in {"restée", "resté", "restées", "restés", "demeurée", "demeuré"}:
            reste = resultat.split(" ", 1)[1] if " " in resultat else ""
            participe = "demeurée" if premier_mot.startswith("demeur") else "restée"
            return f"Cette démarche est {participe} {reste}".rstrip() + "."
        return f"Suite donnée à cette démarche : {resultat}."

    def faits_retard(self) -> list[str]:
        """A late renewal (renouvellement.py) stated as it is: the first attempt's date against the
        titre's expiry, then the reason the applicant gives, quoted as his or her own words."""
        a, s = self.a, self.situation_renouvellement
        premiere, expiration = date_longue(s.premiere_tentative), date_longue(s.expiration)
        if s.situation == "apres_expiration":
            quand = f"après l'expiration de son titre, le {expiration}"
        else:
            jours = (s.expiration - s.premiere_tentative).days
            quand = (f"{en_lettres(jours)} jour{'s' if jours > 1 else ''} avant l'expiration de son titre, "
                     f"le {expiration}") if jours else "le jour même de l'expiration de son titre"
        paragraphe = (f"{_maj(a.le_requerant)} n'a entrepris ses démarches en vue de ce renouvellement qu'à "
                      f"compter du {premiere}, {quand}.")
        motif = _sans_point_final(self.d.demande.motif_retard or "")
        if motif:
            paragraphe += f" {_maj(a.il)} s'en explique ainsi, selon ses propres termes : «\u00a0{motif}\u00a0»."
        return [paragraphe]

    @property
    def anef(self) -> bool:
        return self.d.blocage.type == "anef"

    def document_provisoire(self, *, article: bool = False) -> str:
        """What an applicant gets once the application is filed: a récépissé, or, on the ANEF, the
        « attestation de prolongation de l'instruction » (renewal) or the « attestation dématérialisée de
        dépôt en ligne » (CESEDA R. 431-15-1: the latter « ne justifie pas de la régularité du séjour »)."""
        attestation = attestation_anef(self.d)
        if attestation is None:
            return "le récépissé"
        suffixe = f" prévue à l'article R. 431-15-1 {self.du_ceseda()}" if article else ""
        if attestation == "prolongation":
            return "l'attestation de prolongation de l'instruction" + suffixe
        return "l'attestation de dépôt en ligne" + suffixe

    def faits_consequences(self) -> list[str]:
        a = self.a
        document = self.document_provisoire(article=True)
        if self.renouvellement and self.situation_renouvellement.tardif:
            # Never « n'a pas pu déposer sa demande avant l'expiration de son titre »: the attempts
            # began too late for that to be the whole truth (issue 9, point 1).
            fin = self.expiration()
            retard = self.faits_retard()
            if fin is not None and fin[1]:
                return retard + [f"Depuis lors, {self.faute_de}, {a.il} n'a pas pu déposer sa demande de "
                                 f"renouvellement ; {a.il} se trouve ainsi dépourvu{a.e} de tout document justifiant "
                                 "de la régularité de son séjour et, le cas échéant, de son droit au travail."]
            if self.anef:
                return retard + [f"Depuis lors, {self.faute_de}, {a.il} ne peut ni déposer sa demande de "
                                 f"renouvellement, ni obtenir {document}."]
            return retard + [f"Depuis lors, {self.faute_de}, {a.il} ne peut ni déposer sa demande de "
                             "renouvellement, ni obtenir le récépissé qui lui permettrait, à l'expiration de son "
                             "titre, de justifier de la régularité de son séjour et, le cas échéant, de conserver "
                             "son droit au travail."]
        if self.renouvellement:
            fin = self.expiration()
            if fin is not None and fin[1]:
                return [f"{_maj(self.faute_de)}, {a.le_requerant} n'a pas pu déposer sa demande de renouvellement "
                        f"avant l'expiration de son titre ; {a.il} se trouve ainsi dépourvu{a.e} de tout document "
                        "justifiant de la régularité de son séjour et, le cas échéant, de son droit au travail."]
            # R. 431-15-1: the préfet « est tenu de mettre à la disposition du demandeur » that attestation
            # when the instruction of a complete application goes on past the titre's validity.
            return [f"{_maj(self.faute_de)}, {a.le_requerant} ne peut ni déposer sa demande de renouvellement, ni "
                    f"obtenir {document} qui lui permettrait, à l'expiration de son titre, de justifier de la "
                    "régularité de son séjour et, le cas échéant, de conserver son droit au travail."]
        remis = (f"{document} ne peut lui être délivrée" if self.anef else "aucun récépissé ne peut lui être remis")
        return [f"{_maj(self.faute_de)}, {a.le_requerant} ne peut pas déposer sa demande : celle-ci ne peut être ni "
                f"enregistrée ni examinée, et {remis}. {_maj(a.il)} demeure ainsi "
                f"dans une situation administrative précaire, à laquelle {a.il} ne peut mettre fin par ses propres "
                "moyens."]

    # DISCUSSION --------------------------------------------------------------------------
    def competence(self) -> list[str]:
        a = self.a
        # The residence decides the préfet (CESEDA R. 431-20) and so the court (CJA R. 312-1): the
        # proof of address is cited where it is stated (issue 9, point 9).
        domicile = self.ref_pieces_categorie("domicile")
        if self.paris:
            residence = (f"{_maj(a.le_requerant)} résidant à Paris{domicile}, l'autorité compétente est le préfet "
                         "de police")
        elif self.j.collectivite:
            residence = (f"{_maj(a.le_requerant)} résidant {COLLECTIVITES_COUVERTES[self.j.code][0]}{domicile}, "
                         f"l'autorité compétente est {self.le_prefet}")
        else:
            residence = (f"{_maj(a.le_requerant)} résidant dans le département "
                         f"{self.prefet.removeprefix('préfet ')}{domicile}, l'autorité compétente est {self.le_prefet}")
        regle = ("En vertu de l'article R. 312-1 du code de justice administrative, le tribunal administratif "
                 "territorialement compétent est celui dans le ressort duquel a légalement son siège l'autorité "
                 f"administrative en cause. En application de l'article R. 431-20 {self.du_ceseda()}, le titre de "
                 "séjour est délivré par le préfet du département dans lequel l'étranger a sa résidence et, à Paris, "
                 "par le préfet de police.")
        if self.j.collectivite:
            # Book IV of CESEDA in the overseas collectivities: D. 441-2, R. 442-3, R. 443-3 (1° or 2°),
            # « les références au préfet sont remplacées par la référence au représentant de l'Etat dans la
            # collectivité »; the court's area is the collectivity (CJA R. 221-3), where the applicant lives
            # (the authority of Saint-Barthélemy sits in Saint-Martin: see departements.csv, sources).
            lieu, article = COLLECTIVITES_COUVERTES[self.j.code]
            regle += (f" Pour l'application de ces dispositions {lieu}, les références au préfet sont remplacées "
                      "par la référence au représentant de l'État dans la collectivité (article "
                      f"{article} du même code).")
            return [
                regle,
                f"{residence}. Le ressort du {self.tribunal_min} est {lieu.removeprefix('à ')} (article R. 221-3 "
                "du code de justice administrative).",
                "Le juge des référés de ce tribunal est donc compétent pour connaître de la présente requête, "
                "présentée sur le fondement de l'article L. 521-3 du code de justice administrative.",
            ]
        return [
            regle,
            f"{residence}, dont le siège se trouve dans le ressort du {self.tribunal_min}.",
            "Le juge des référés de ce tribunal est donc compétent pour connaître de la présente requête, "
            "présentée sur le fondement de l'article L. 521-3 du code de justice administrative.",
        ]

    def recevabilite(self) -> list[str]:
        a = self.a
        return [
            f"La présente requête, qui tend seulement à ce qu'il soit enjoint {self.au_prefet} de fixer "
            f"{a.au_requerant} un rendez-vous pour déposer sa demande, est donc recevable alors même qu'aucune "
            "décision administrative n'a été prise : la demande n'a pas pu être déposée.",
            "Elle contient l'exposé des faits et des moyens et justifie de l'urgence de l'affaire, conformément à "
            "l'article R. 522-1 du code de justice administrative. Elle est dispensée du ministère d'avocat "
            "(article R. 522-5 du même code ; article R. 431-2, a contrario) : "
            f"{a.le_requerant} la présente {a.lui_meme}.",
        ]

    def _circonstances(self, *, faits_nouveaux: bool | None = None) -> list[str]:
        """One third-person sentence per circonstance, each citing its pièce; `faits_nouveaux` keeps
        only those arisen since the OQTF (True) or only the others (False)."""
        lignes = []
        for i, c in enumerate(self.d.urgence.circonstances, 1):
            if faits_nouveaux is not None and c.fait_nouveau != faits_nouveaux:
                continue
            ref = _entre_parentheses(references([piece_de(self.pieces, f"urgence.circonstances[{i}]")]))
            lignes.append(self._circonstance(c, ref))
        return lignes

    def _circonstance(self, c: Circonstance, ref: str) -> str:
        """Issue 9, point 15: the requête's own sentence, from the structured answers; the applicant's
        words (`texte`) only ever as a quotation, never as the requête's voice."""
        a, le = self.a, _maj(self.a.le_requerant)
        citation = _sans_point_final(c.texte or "")
        quand = date_longue(c.date) if c.date else ""
        passe = c.date is not None and c.date < self.aujourd_hui
        chez = f" auprès de {c.organisme}" if c.organisme else ""
        somme = f", rémunéré {_euros(c.montant_euros)} par mois" if c.montant_euros else ""
        if c.nature is None or c.nature == "autre":
            return f"{le} fait valoir, selon ses propres termes : «\u00a0{citation}\u00a0»{ref}."
        if c.nature == "emploi" and c.fait_nouveau:
            phrase = f"{le} exerce un emploi{chez}{f' depuis le {quand}' if quand else ''}{somme}{ref}."
        elif c.nature == "emploi" and c.emploi == "promesse_embauche":
            debut = f", pour un emploi devant commencer le {quand}" if quand else ""
            phrase = (f"{le} bénéficie d'une promesse d'embauche{chez}{debut}{somme} ; faute de pouvoir justifier "
                      f"d'un droit au séjour et au travail, {a.il} risque de perdre cet emploi{ref}.")
        elif c.nature == "emploi":
            menace = (f" ; cet emploi est menacé à compter du {quand}" if quand and not passe else
                      f" ; cet emploi est menacé depuis le {quand}" if quand else " ; cet emploi est menacé")
            phrase = (f"{le} est titulaire d'un contrat de travail{chez}{somme}{menace}, faute pour {a.lui} de "
                      f"pouvoir justifier d'un droit au séjour et au travail{ref}.")
        elif c.nature == "droits_sociaux":
            verse = f" versées par {c.organisme}" if c.organisme else ""
            montant = f", d'un montant de {_euros(c.montant_euros)} par mois" if c.montant_euros else ""
            suite = (f"leur versement a été interrompu le {quand}" if passe else
                     f"leur versement sera interrompu le {quand}" if quand else "leur versement est menacé")
            phrase = (f"{le} perçoit des prestations sociales{verse}{montant} ; faute de document justifiant de "
                      f"la régularité de son séjour, {suite}{ref}.")
        elif c.nature == "sante":
            lieu = f" ({c.organisme})" if c.organisme else ""
            date = f", notamment le {quand}" if quand and not passe else ""
            proche = {"conjoint": "son conjoint", "enfant": "son enfant", "parent": "son parent"}.get(c.personne or "")
            if proche:
                phrase = (f"{le} accompagne {proche}, dont l'état de santé nécessite des soins en France{lieu}"
                          f"{date}{ref}.")
            else:
                phrase = (f"L'état de santé {a.du_requerant} nécessite des soins{lieu}{date}, dont la continuité "
                          f"dépend de la régularité de son séjour{ref}.")
        elif c.nature == "scolarite":
            n = c.nombre_enfants or 1
            enfants = "un enfant scolarisé" if n == 1 else f"{en_lettres(n)} enfants scolarisés"
            ecole = f" ({c.organisme})" if c.organisme else ""
            leur = "sa" if n == 1 else "leur"
            rentree = f", notamment à l'approche du {quand}" if quand and not passe else ""
            phrase = (f"{le} a {enfants} en France{ecole} ; la précarité de sa situation administrative affecte "
                      f"{leur} scolarité{rentree}{ref}.")
        elif c.nature == "famille":
            membres = []
            if c.personne == "conjoint" or c.conjoint:
                qualite = {"francais": " de nationalité française", "resident": " en situation régulière"}
                membres.append("son conjoint" + qualite.get(c.conjoint or "", ""))
            if c.nombre_enfants:
                membres.append("son enfant" if c.nombre_enfants == 1 else f"ses {en_lettres(c.nombre_enfants)} enfants")
            avec = " et ".join(membres) or "sa famille"
            phrase = f"{le} vit en France avec {avec}, qui y résident ; sa vie familiale y est établie{ref}."
        elif c.nature == "etudes":
            ou = f" ({c.organisme})" if c.organisme else ""
            examen = (f" et doit se présenter à un examen le {quand} ; sans document de séjour, {a.il} risque de "
                      "ne pouvoir s'y présenter" if quand and not passe else
                      f" ; sans document de séjour, {a.il} risque de ne pouvoir les poursuivre")
            phrase = f"{le} poursuit des études{ou}{examen}{ref}."
        elif c.nature == "limite_date":
            phrase = (f"{le} doit pouvoir déposer sa demande avant le {quand} : au-delà de cette date, {a.il} ne "
                      f"pourrait plus se prévaloir de la situation au titre de laquelle {a.il} la présente{ref}."
                      if quand else f"{le} est soumis{a.e} à une date limite pour déposer sa demande{ref}.")
        elif c.nature == "fin_document":
            nom = DOCUMENTS.get(c.document or "", "document")
            article = "L'" if nom[0] in "aeiouyéè" else "Le "
            fin = (f"a expiré le {quand}" if passe else f"expire le {quand}") if quand else "arrive à expiration"
            phrase = f"{article}{nom} sous couvert duquel {a.le_requerant} séjourne en France {fin}{ref}."
        elif c.nature == "enfant_francais":
            parent = "mère" if a.femme else "père"
            phrase = (f"{le} est {parent} d'un enfant de nationalité française"
                      f"{f', né le {quand}' if quand else ''}{ref}.")
        elif c.nature == "mariage_pacs":
            qualite = {"francais": " de nationalité française", "resident": " en situation régulière en France"}
            avec = "une personne" + qualite.get(c.conjoint or "", "")
            phrase = (f"{le} a conclu un pacte civil de solidarité avec {avec}{f' le {quand}' if quand else ''}{ref}."
                      if c.union == "pacs" else
                      f"{le} s'est marié{a.e} avec {avec}{f' le {quand}' if quand else ''}{ref}.")
        elif c.nature == "residence":
            depuis = f" depuis le {quand}" if quand else " depuis plusieurs années"
            phrase = f"{le} réside en France{depuis}{ref}."
        else:  # pragma: no cover - every nature is handled above
            phrase = f"{le} fait valoir une circonstance particulière{ref}."
        if citation:
            phrase += f" {_maj(a.il)} précise, selon ses propres termes : «\u00a0{citation}\u00a0»."
        return phrase

    def _urgence_oqtf(self, debut: list[str]) -> tuple[list[str], list[str], list[str]]:
        """An unexecuted OQTF (issue 9, point 2): CE 453391 met head-on with the new facts since."""
        a, o = self.a, self.d.urgence.oqtf
        # Source: CE, 9 juin 2022, n° 453391, as commented (V. Tchen, « Urgence à obtenir un rendez-vous
        # en préfecture », 2022): « Cette urgence n'est pas avérée dans le cas d'un étranger [qui] fait
        # l'objet d'un refus de titre de séjour assorti d'une obligation de quitter le territoire à
        # laquelle il n'a pas déféré ». The decision's own words were not found: paraphrased, unquoted.
        debut.append("Par la même décision, le Conseil d'État a estimé que l'urgence n'était pas établie pour un "
                     "étranger qui, ayant fait l'objet d'un refus de titre de séjour assorti d'une obligation de "
                     "quitter le territoire français, n'avait pas déféré à cette obligation.")
        if o is not None:
            debut.append(f"Le {date_longue(o.date)}, {a.le_requerant} a fait l'objet d'une obligation de quitter le "
                         f"territoire français, qui n'a pas été exécutée.{self._recours_oqtf()}")
        else:
            debut.append(f"Ainsi qu'il a été dit, {a.le_requerant} a fait l'objet d'une obligation de quitter le "
                         "territoire français, qui n'a pas été exécutée.")
        nouveaux, autres = self._circonstances(faits_nouveaux=True), self._circonstances(faits_nouveaux=False)
        depuis = "cette décision" if o is None else f"le {date_longue(o.date)}"
        if nouveaux:
            debut.append(f"Sa situation n'est toutefois plus celle au vu de laquelle cette mesure a été prise. Depuis "
                         f"{depuis}, sont survenus les faits nouveaux suivants, que l'obligation de quitter le "
                         "territoire français n'a pu prendre en compte et que seul l'examen d'une demande de titre de "
                         "séjour permettra d'apprécier :")
            suite = []
            if autres:
                suite += [f"Au surplus, {a.le_requerant} fait valoir les circonstances particulières suivantes.",
                          *autres]
            suite.append(f"Ces faits nouveaux, postérieurs à l'obligation de quitter le territoire français, "
                         f"distinguent la situation {a.du_requerant} de celle qu'a jugée le Conseil d'État et "
                         f"caractérisent la nécessité pour {a.lui} d'obtenir rapidement un rendez-vous afin que son "
                         "droit au séjour soit examiné au regard de sa situation actuelle ; la condition d'urgence "
                         "doit, par suite, être regardée comme remplie.")
            return debut, nouveaux, suite
        if autres:
            debut.append(f"{_maj(a.il)} fait néanmoins valoir les circonstances particulières suivantes, qui "
                         "caractérisent l'urgence qu'il y a à ce que sa demande de titre de séjour soit "
                         "enregistrée :")
            return debut, autres, [f"Ces circonstances caractérisent la nécessité pour {a.lui} d'obtenir rapidement "
                                   "un rendez-vous ; la condition d'urgence doit, par suite, être regardée comme "
                                   "remplie."]
        debut.append(f"{_maj(a.il)} n'en demande pas moins à pouvoir déposer sa demande de titre de séjour, "
                     "seule voie qui lui permette de faire examiner son droit au séjour.")
        return debut, [], [f"{_maj(a.le_requerant)} estime, dans ces conditions, que la condition d'urgence est "
                            "remplie."]

    def _recours_oqtf(self) -> str:
        o, a = self.d.urgence.oqtf, self.a
        if o is None:
            return ""
        return {"non_contestee": f" {_maj(a.il)} ne l'a pas contestée.",
                "rejete": " Le recours formé contre cette mesure a été rejeté.",
                "pendant": f" Le recours qu'{a.il} a formé contre cette mesure est en cours d'examen.",
                "annulee": ""}[o.recours]

    def urgence(self) -> tuple[list[str], list[str], list[str]]:
        """(paragraphs, circumstances as a list, closing paragraphs)."""
        a = self.a
        circonstances = self._circonstances()
        debut = [
            "Le juge des référés saisi sur le fondement de l'article L. 521-3 du code de justice administrative "
            "apprécie l'urgence au regard des conséquences concrètes et immédiates que l'impossibilité d'obtenir "
            "un rendez-vous emporte sur la situation du demandeur (CE, 9 juin 2022, n° 453391)."
        ]
        if self.oqtf:
            return self._urgence_oqtf(debut)
        if self.renouvellement:
            fin = self.expiration()
            quand = "" if fin is None else (f", qui a expiré le {fin[0]}" if fin[1] else f", qui expire le {fin[0]}")
            debut.append(
                "Lorsque la demande porte sur le renouvellement d'un titre de séjour, l'urgence est en principe "
                f"établie (même décision). Tel est le cas en l'espèce : {a.le_requerant} sollicite le "
                f"renouvellement de son titre de séjour{quand}{self.ref_pieces_categorie('sejour')}, et ne peut, "
                f"{self.faute_de}, ni déposer sa demande ni obtenir {self.document_provisoire()} qui lui permettrait "
                "de justifier de la régularité de son séjour.")
            if circonstances:
                debut.append(f"Au surplus, {a.le_requerant} fait valoir les circonstances particulières suivantes :")
        else:
            debut.append("Lorsque la demande porte sur un premier titre de séjour, le demandeur doit justifier de "
                         "circonstances particulières rendant nécessaire l'obtention rapide d'un rendez-vous "
                         "(même décision).")
            if circonstances:
                debut.append(f"Tel est le cas en l'espèce : {a.le_requerant} fait valoir les circonstances "
                             "suivantes :")
            else:
                obtenir = "l'attestation de dépôt de sa demande" if self.anef else "un récépissé"
                debut.append(f"En l'espèce, {a.le_requerant} se trouve, {self.faute_de}, dans l'impossibilité de "
                             f"faire enregistrer sa demande et d'obtenir {obtenir} ; sa situation administrative "
                             "demeure précaire aussi longtemps que ce blocage persiste.")
        return debut, circonstances, ["La condition d'urgence est, par suite, remplie."]

    def utilite(self) -> tuple[list[str], list[str], list[str]]:
        """(paragraphs, diligences as a list (ANEF), closing paragraphs)."""
        a, b = self.a, self.d.blocage
        debut = [
            "Lorsque le dépôt d'une demande de titre de séjour est subordonné à l'obtention d'un rendez-vous qui "
            "ne peut être pris qu'en ligne, l'étranger qui établit n'avoir pu en obtenir un malgré «\u00a0plusieurs "
            "tentatives n'ayant pas été effectuées la même semaine\u00a0» peut demander au juge des référés, sur le "
            "fondement de l'article L. 521-3 du code de justice administrative, d'enjoindre au préfet de lui "
            "communiquer une date de rendez-vous dans le délai qu'il fixe (CE, 10 juin 2020, n° 435594). "
            "L'administration est en effet tenue d'enregistrer la demande dans un délai raisonnable (CE, avis, "
            "1er juillet 2020, n° 436288).",
        ]
        diligences: list[str] = []
        if b.type == "aucun_creneau":
            debut.append(f"En l'espèce, {a.le_requerant} a tenté d'obtenir un rendez-vous{self.reprises()}, sans "
                         f"qu'aucun créneau lui soit proposé{self.ref_tentatives()}.")
        elif b.type == "categorie_absente":
            # The published rule (Tables) first, then the unpublished 7e chambre decision applying it.
            debut.append("Le Conseil d'État a retenu la même solution lorsque le site sur lequel doit être accomplie "
                         "une formalité préalable au dépôt de la demande ne permet pas au demandeur de sélectionner "
                         "la catégorie de titre de séjour dont relève sa demande (CE, 9 juin 2022, n° 453391, "
                         "mentionnée aux tables du recueil Lebon ; pour une application, CE, 18 février 2022, "
                         "n° 455740).")
            debut.append(f"En l'espèce, le service en ligne ({b.plateforme}) ne propose pas la catégorie dont relève "
                         f"la demande {a.du_requerant} ({self.titre}), ainsi qu'{a.il} l'a constaté"
                         f"{self.reprises()}{self.ref_tentatives()}.")
        else:
            debut.append(
                "Lorsque le recours à un téléservice est obligatoire, l'administration doit garantir l'accès au "
                "service et prévoir une solution de substitution pour les usagers qui, malgré l'accompagnement "
                "proposé, ne sont pas en mesure de l'utiliser pour des raisons tenant à sa conception ou à son mode "
                "de fonctionnement (CE, Section, 3 juin 2022, Conseil national des barreaux et autres, n° 452798). L'article R. 431-2 "
                f"{self.du_ceseda()}, dans sa rédaction issue du décret n° 2023-191 du 22 mars 2023, prévoit ainsi "
                "que l'étranger qui, «\u00a0ayant accompli toutes les diligences qui lui incombent\u00a0», notamment en "
                "recourant au dispositif d'accompagnement, se trouve dans l'«\u00a0impossibilité constatée\u00a0» d'utiliser "
                "le téléservice peut faire enregistrer sa demande selon une modalité de substitution.")
            debut.append(f"En l'espèce, le téléservice ({b.plateforme}) n'a pas permis {a.au_requerant} de "
                         f"déposer sa demande, malgré {self.tentatives_effectuees()}{self.ref_tentatives()}.")
            for position, d in self._demarches_triees():
                if d.nature not in {"contact_anef", "accueil_numerique"}:
                    continue
                ref = _entre_parentheses(references([piece_de(self.pieces, f"demarches[{position}]")]))
                quoi = ("sollicitation du centre de contact citoyen" if d.nature == "contact_anef"
                        else f"passage au point d'accueil numérique de {self.prefecture}")
                separateur, description = sans_redite(d.description, d.nature)
                diligences.append(f"le {date_longue(d.date)}, {quoi}{separateur}{description}{ref} ;")
            if diligences:
                diligences[-1] = diligences[-1].removesuffix(" ;") + "."
                debut.append(f"{_maj(a.le_requerant)} a en outre accompli les diligences qui lui incombaient, en "
                             "recourant à l'accompagnement prévu :")
        suite: list[str] = []
        if b.type == "anef":
            suite.append("L'impossibilité d'utiliser le téléservice étant ainsi constatée, il appartient au préfet "
                         f"de permettre {a.au_requerant} de déposer sa demande selon une modalité de substitution, "
                         "en lui fixant un rendez-vous en préfecture.")
        ecrites = [(p, d) for p, d in self._demarches_triees() if d.nature in {"courriel", "lrar", "autre"}]
        if ecrites:
            ref = _entre_parentheses(references(piece_de(self.pieces, f"demarches[{p}]") for p, _ in ecrites))
            suite.append(f"Les démarches {a.du_requerant} auprès de l'administration n'ont pas davantage permis "
                         f"d'obtenir un rendez-vous{ref}." if len(ecrites) > 1 else
                         f"La démarche {a.du_requerant} auprès de l'administration n'a pas davantage permis "
                         f"d'obtenir un rendez-vous{ref}.")
        suite.append(f"La mesure demandée, qui se borne à enjoindre {self.au_prefet} de fixer un rendez-vous, est "
                     f"ainsi utile : elle seule permettra {a.au_requerant} de déposer sa demande et d'en obtenir "
                     "l'examen.")
        delai_rdv = self.d.conclusions.delai_rdv_jours
        if delai_rdv:
            # CE 435594, as the Conseil d'État's analysis of the decision gives it (ArianeWeb).
            suite.append("Le juge des référés peut en outre, «\u00a0si la situation de l'étranger le justifie, "
                         "[…] préciser le délai maximal dans lequel ce rendez-vous doit avoir lieu\u00a0» et "
                         "«\u00a0fixe un délai bref en cas d'urgence particulière\u00a0» (CE, 10 juin 2020, "
                         f"n° 435594). La situation {a.du_requerant} justifie que le rendez-vous lui-même ait lieu "
                         f"dans un délai de {_jours(delai_rdv)} à compter de la notification de l'ordonnance.")
        return debut, diligences, suite

    def obstacle(self) -> list[str]:
        a = self.a
        paragraphes = [f"La mesure demandée ne fait obstacle à l'exécution d'aucune décision administrative : "
                       f"aucune décision n'a été prise sur la demande {a.du_requerant}, qui n'a pas pu être "
                       "déposée, et l'injonction sollicitée tend seulement à permettre ce dépôt."]
        if self.oqtf:
            paragraphes.append("La fixation d'un rendez-vous en vue du dépôt d'une demande de titre de séjour n'a ni "
                               "pour objet ni pour effet de faire obstacle à l'exécution de l'obligation de quitter "
                               f"le territoire français dont {a.le_requerant} a fait l'objet.")
        else:
            paragraphes.append(f"{_maj(a.le_requerant)} ne fait par ailleurs l'objet d'aucune obligation de quitter "
                               "le territoire français restée inexécutée.")
        return paragraphes

    # PAR CES MOTIFS ----------------------------------------------------------------------
    def conclusions(self) -> tuple[str, list[str]]:
        c, a = self.d.conclusions, self.a
        demandes = []
        if c.aide_juridictionnelle_provisoire:
            demandes.append("de l'admettre à titre provisoire au bénéfice de l'aide juridictionnelle, en application "
                            "de l'article 20 de la loi n° 91-647 du 10 juillet 1991 relative à l'aide juridique et "
                            "de l'article 61 du décret n° 2020-1717 du 28 décembre 2020")
        en_prefecture = " en préfecture" if self.d.blocage.type == "anef" else ""
        substitution = (f", au titre de la modalité de substitution prévue par l'article R. 431-2 {self.du_ceseda()}"
                        if self.d.blocage.type == "anef" else "")
        injonction = (f"d'enjoindre {self.au_prefet} de lui communiquer une date de rendez-vous{en_prefecture} "
                      f"permettant le dépôt de sa demande de {self.objet_demande()}{substitution}, dans un délai de "
                      f"{_jours(c.delai_jours)} à compter de la notification de l'ordonnance à intervenir")
        if c.delai_rdv_jours:
            injonction += (f", ce rendez-vous devant avoir lieu dans un délai de {_jours(c.delai_rdv_jours)} à "
                           "compter de la même notification")
        demandes.append(injonction)
        if self.anef:
            # CESEDA R. 431-15-1 (issue 9, point 8): on the ANEF the applicant lacks an attestation, not a
            # récépissé; the attestation de prolongation de l'instruction is owed for a complete renewal
            # filed in the R. 431-5 window when the instruction goes on past the titre's validity.
            if attestation_anef(self.d) == "prolongation":
                attestation = (f"et, si l'instruction de cette demande se poursuit au-delà de la date de validité de "
                               f"son titre de séjour, de lui délivrer {self.document_provisoire(article=True)}")
            else:
                attestation = f"et de lui délivrer {self.document_provisoire(article=True)}"
            demandes.append(f"d'enjoindre {self.au_prefet} d'enregistrer sa demande lors de ce rendez-vous, "
                            f"{attestation}")
        if c.astreinte_euros > 0:
            # CJA L. 911-1 (the injunction) and L. 911-3 (« la juridiction peut assortir […] l'injonction
            # […] d'une astreinte »); not quoted: the article's exact words were not verified.
            injonctions = "ces injonctions" if self.anef else "cette injonction"
            demandes.append(f"d'assortir {injonctions} d'une astreinte de {_euros(c.astreinte_euros)} par jour de "
                            "retard, en application des articles L. 911-1 et L. 911-3 du code de justice "
                            "administrative")
        if c.somme_l761_1 > 0:
            # CJA L. 761-1: « frais exposés et non compris dans les dépens ». Without a lawyer, only costs
            # actually incurred and stated (issue 9, point 12); none stated: nothing asked.
            detail = " ; ".join(f"{NATURES_FRAIS[f.nature]} : {_euros(f.montant_euros)}" for f in c.frais)
            demandes.append(f"de mettre à la charge de l'État la somme de {_euros(c.somme_l761_1)} au titre de "
                            "l'article L. 761-1 du code de justice administrative, correspondant aux frais exposés "
                            f"par {a.le_requerant}, qui n'est pas représenté{a.e} par un avocat ({detail})")
        demandes = [f"{d} ;" for d in demandes[:-1]] + [f"{demandes[-1]}."]
        intro = f"{_maj(a.le_requerant)} demande au juge des référés du {self.tribunal_min} :"
        return intro, demandes

    @property
    def date_requete(self) -> dt.date:
        """The date the requête bears: `signature.date`, else the day it is made."""
        return self.d.signature.date or self.aujourd_hui

    def fait_a(self) -> str:
        s = self.d.signature
        lieu = s.lieu or ville_de(self.d.requerant.adresse)
        return f"Fait à {lieu}, le {date_longue(self.date_requete)}"


def _liste_des_pieces(pieces: list[Piece]) -> list[dict]:
    return [{"numero": p.numero, "libelle": p.libelle, "reference": p.tampon,
             "ligne": f"{p.tampon} : {p.libelle}", "acte_attaque": p.acte_attaque}
            for p in sorted(pieces, key=lambda p: p.numero)]


def contexte_requete(dossier: Dossier, pieces: list[Piece], *, aujourd_hui: dt.date) -> dict:
    """Everything `templates/requete.docx` places, as plain values (already made safe by
    `mise_en_page`). `pieces` is `numeroter(dossier)` (or its edited order)."""
    r = _Redaction(dossier, pieces, aujourd_hui)
    a, j = r.a, r.j
    faits_situation = r.faits_situation()
    faits_blocage = r.faits_blocage()
    competence = r.competence()
    recevabilite = r.recevabilite()
    urgence, urgence_circonstances, urgence_suite = r.urgence()
    utilite, utilite_diligences, utilite_suite = r.utilite()
    obstacle = r.obstacle()
    conclusions_intro, conclusions = r.conclusions()
    nom = dossier.requerant.nom_complet
    contexte = {
        # heading and parties
        "tribunal": j.tribunal,
        "tribunal_majuscules": j.tribunal.upper(),
        "destinataire": f"À Madame ou Monsieur le président du {r.tribunal_min}, juge des référés",
        "titre_requete": "Requête en référé mesures utiles",
        "fondement": "(article L. 521-3 du code de justice administrative)",
        "pour": r.pour(),
        "qualite_requerant": a.qualite,
        "contre": _maj(r.le_prefet),
        # the préfecture's postal address when departements.csv has a sourced one; else nothing
        "adresse_defendeur": j.adresse,
        "qualite_defendeur": "Défendeur",
        "objet": (f"{a.civilite} {nom} demande au juge des référés, sur le fondement de l'article L. 521-3 du "
                  f"code de justice administrative, d'enjoindre {r.au_prefet} de lui fixer un rendez-vous afin "
                  "de déposer sa demande de titre de séjour, par les motifs qui suivent."),
        # facts
        "faits_situation": faits_situation,
        "faits_blocage": faits_blocage,
        "tentatives_intro": r.tentatives_intro(),
        "tentatives": r.tentatives(),
        "tentatives_bilan": r.tentatives_bilan(),
        "faits_demarches": r.faits_demarches(),
        "faits_consequences": r.faits_consequences(),
        # discussion
        "competence": competence,
        "recevabilite": recevabilite,
        "urgence": urgence,
        "urgence_circonstances": urgence_circonstances,
        "urgence_suite": urgence_suite,
        "utilite": utilite,
        "utilite_diligences": utilite_diligences,
        "utilite_suite": utilite_suite,
        "obstacle": obstacle,
        # conclusions and signature
        "conclusions_intro": conclusions_intro,
        "conclusions": conclusions,
        "fait_a": r.fait_a(),
        "signataire": nom,
        "pieces": _liste_des_pieces(pieces),
        "pied_de_page": f"Requête en référé — {nom} contre {r.le_prefet}",
        # plain facts, for a template or an interview that wants them
        "nom_complet": nom,
        "est_une_femme": a.femme,
        "renouvellement": r.renouvellement,
        "premiere_demande": not r.renouvellement,
        "blocage": dossier.blocage.type,
        "oqtf_non_executee": r.oqtf,
        "aide_juridictionnelle_provisoire": dossier.conclusions.aide_juridictionnelle_provisoire,
        "astreinte": dossier.conclusions.astreinte_euros > 0,
        "frais_l761_1": dossier.conclusions.somme_l761_1 > 0,
        "autorite": j.autorite,
        "departement": j.departement,
    }
    return mise_en_page(contexte)


def contexte_inventaire(dossier: Dossier, pieces: list[Piece], pages: dict[int, int]) -> dict:
    """Everything `templates/inventaire.docx` places (R. 412-2 CJA): every pièce with its number,
    its label (`Piece.libelle`, the file name's label with its accents) and its page count
    (`pages[numero]`, « — » when unknown)."""
    j = juridiction(dossier.departement)
    r = dossier.requerant
    civilite = "Madame" if r.est_une_femme else "Monsieur"
    lignes = []
    for p in sorted(pieces, key=lambda p: p.numero):
        nombre = pages.get(p.numero)
        lignes.append({"numero": p.numero, "libelle": p.libelle,
                       "pages": str(nombre) if isinstance(nombre, int) and nombre > 0 else TIRET_LONG})
    connues = [pages[p.numero] for p in pieces if isinstance(pages.get(p.numero), int) and pages[p.numero] > 0]
    total = f"{len(lignes)} pièce" + ("s" if len(lignes) > 1 else "")
    if lignes and len(connues) == len(lignes):
        somme = sum(connues)
        total += f", {somme} page" + ("s" if somme > 1 else "")
    return mise_en_page({
        "tribunal": j.tribunal,
        "tribunal_majuscules": j.tribunal.upper(),
        "mention": "RÉFÉRÉ",
        "titre_inventaire": "Inventaire des pièces",
        "fondement": "(article R. 412-2 du code de justice administrative)",
        "affaire": "Requête en référé mesures utiles (article L. 521-3 du code de justice administrative)",
        "parties": f"{civilite} {r.nom_complet} contre {j.autorite_article}",
        "pieces": lignes,
        "total": total,
        "pied_de_page": f"Inventaire des pièces — {r.nom_complet}",
    })


def avertissements_requete(dossier: Dossier) -> list[Probleme]:
    """What may make the judge refuse, though the requête can be filed (gravité « avertissement »),
    in French (mots.Texte: the client's review screen shows them in the client's language), for the
    interview's review screen, the staff screens and the command line."""
    problemes: list[Probleme] = []
    u, c = dossier.urgence, dossier.conclusions
    if u.oqtf_non_executee:
        # CE, 9 juin 2022, n° 453391: in principle no urgency for a person under an unexecuted OQTF.
        problemes.append(Probleme(
            "urgence.oqtf_non_executee",
            Texte("vous avez une obligation de quitter le territoire français (OQTF) qui n'a pas été exécutée. Dans ce "
                  "cas, les juges disent qu'en principe il n'y a pas d'urgence. Le référé risque fort d'être rejeté. "
                  "La requête parle de l'OQTF, car le juge la connaîtra de toute façon. Avant de déposer, faites "
                  "examiner votre situation par une association ou un avocat : une autre démarche peut être plus "
                  "adaptée."), "avertissement"))
    if dossier.demande.nature == "premiere_demande" and not u.circonstances:
        # CE, 9 juin 2022, n° 453391: urgency is presumed for a renewal only; otherwise particular circumstances.
        problemes.append(Probleme(
            "urgence.circonstances",
            Texte("pour une première demande, le juge ne suppose pas que c'est urgent. Il attend des raisons précises, "
                  "prouvées par des pièces. Par exemple : fin d'un visa ou d'un récépissé, emploi ou promesse "
                  "d'embauche, santé, école des enfants, vie de famille, limite d'âge. Sans ces raisons, la requête "
                  "sera probablement rejetée."), "avertissement"))
    for i, circonstance in enumerate(u.circonstances, 1):
        if not circonstance.fichiers:
            problemes.append(Probleme(
                f"urgence.circonstances[{i}].fichiers",
                Texte("cette circonstance n'a aucune pièce pour la prouver. Joignez un justificatif si vous en avez un "
                      "(contrat, certificat, attestation…). Sinon, le juge pourra ne pas la retenir."), "avertissement"))
    for i, demarche in enumerate(dossier.demarches, 1):
        if not demarche.fichiers:
            problemes.append(Probleme(
                f"demarches[{i}].fichiers",
                Texte("cette démarche n'a pas de justificatif : elle sera décrite dans la requête, mais sans pièce pour la "
                      "prouver. Joignez la copie du courrier, du courriel ou du ticket si vous l'avez."), "avertissement"))
    if c.astreinte_euros > 150:
        problemes.append(Probleme(
            "conclusions.astreinte_euros",
            Texte("une astreinte de {euros} € par jour est élevée : les juges accordent en général de 50 à "
                  "150 € par jour de retard.", euros=c.astreinte_euros), "avertissement"))
    if c.frais_l761_1_euros > 0 and not c.frais:
        problemes.append(Probleme(
            "conclusions.frais_l761_1_euros",
            # CJA L. 761-1: « frais exposés et non compris dans les dépens »; without a lawyer, only costs paid.
            Texte("vous demandez {euros} € de frais, sans dire lesquels. Le juge ne rembourse que des "
                  "frais vraiment payés (copies, timbre de la lettre recommandée, transport…). "
                  "La requête ne demandera donc rien : indiquez chaque frais et son montant, et joignez les reçus.",
                  euros=c.frais_l761_1_euros),
            "avertissement"))
    elif c.frais and c.frais_l761_1_euros > c.total_frais:
        problemes.append(Probleme(
            "conclusions.frais_l761_1_euros",
            Texte("vous demandez {euros} €, mais les frais indiqués font {total} € : sans "
                  "avocat, le juge ne rembourse que les frais réellement payés. Demandez la somme des frais indiqués.",
                  euros=c.frais_l761_1_euros, total=c.total_frais),
            "avertissement"))
    if c.aide_juridictionnelle_provisoire:
        problemes.append(Probleme(
            "conclusions.aide_juridictionnelle_provisoire",
            Texte("la requête demande l'aide juridictionnelle à titre provisoire. Déposez aussi la demande d'aide "
                  "juridictionnelle elle-même (formulaire Cerfa) au bureau d'aide juridictionnelle du tribunal."),
            "avertissement"))
    return problemes
