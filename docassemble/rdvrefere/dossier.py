"""The dossier: one whole case, as a YAML or JSON file, and its loader.

The field names are French (see README « Le dossier »). File paths in `fichiers` are relative
to the dossier file. Loading reports every problem at once, in French, with the field's path
(lists numbered from 1: « tentatives[2].heure »), and never a traceback.

A dossier written by hand must load as its author meant: YAML 1.1 loaders read an unquoted
`heure: 14:30` as the base-60 integer 870 and `date: 2026-09-01` as a date object. The loader
here keeps « 14:30 » (and « 0612345678 », « 01 ») as the text that was typed, and accepts dates
as YAML dates, `AAAA-MM-JJ` or `JJ/MM/AAAA`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      StringConstraints, ValidationError, ValidationInfo, model_validator)
from pydantic_core import PydanticCustomError

from . import mots
from .juridictions import JuridictionInconnue, juridiction, normaliser_code
from .problemes import Probleme

__all__ = [
    "Dossier", "Requerant", "Demande", "Blocage", "Tentative", "Demarche", "Circonstance", "Urgence", "Oqtf",
    "Frais", "NATURES_CIRCONSTANCE", "NATURES_FRAIS", "ISSUES_OQTF", "resume_de_circonstance",
    "AutrePiece", "Conclusions", "Signature", "DossierIllisible", "DossierInvalide",
    "lire_dossier", "dossier_depuis_donnees", "lire_yaml", "lire_donnees",
    "NATURES_DEMARCHE", "LIBELLES_DEMARCHE", "TYPES_BLOCAGE", "CATEGORIES_PIECE",
    "REPONSES_DEMARCHE", "reponse_de_la_demarche", "resultat_est_une_reponse",
]

TYPES_BLOCAGE = {
    "aucun_creneau": "aucun créneau proposé",
    "categorie_absente": "catégorie de titre absente du site",
    "anef": "blocage de l'ANEF",
}
NATURES_DEMARCHE = {
    "courriel": "courriel à la préfecture",
    "lrar": "lettre recommandée avec accusé de réception",
    "contact_anef": "demande au centre de contact citoyen de l'ANEF",
    "accueil_numerique": "passage au point d'accueil numérique",
    "autre": "autre démarche",
}
# the same with a capital: the journey plan's steps (plan.py)
LIBELLES_DEMARCHE = {nature: texte[:1].upper() + texte[1:] for nature, texte in NATURES_DEMARCHE.items()}
# The answer a démarche received (issue 11 point 4), as a choice. A written refusal of an
# appointment is a decision: L. 521-3 CJA no longer fits (the measure may not « faire obstacle à
# l'exécution d'aucune décision administrative », « même celle refusant la mesure demandée » :
# CE, Section, 5 février 2016, M. Benabdellah, n° 393540); an appointment given leaves the
# measure without utility. Both are blocking errors of verification.verifier_demarches.
REPONSES_DEMARCHE = {
    "aucune": "pas encore de réponse",
    "rendez_vous": "un rendez-vous a été donné",
    "refus_ecrit": "un refus écrit de donner un rendez-vous",
    "autre": "une autre réponse",
}
CATEGORIES_PIECE = {
    "identite": "identité",
    "sejour": "situation de séjour (titre, récépissé, visa)",
    "domicile": "justificatif de domicile",
    "autre": "autre pièce",
}


class DossierIllisible(Exception):
    """The file cannot be read at all (missing, not YAML/JSON, not a mapping). `str()` is French."""


class DossierInvalide(Exception):
    """The dossier was read but some fields are wrong; `.problemes` lists them all."""

    def __init__(self, problemes: list[Probleme]):
        super().__init__("\n".join(str(p) for p in problemes))
        self.problemes = problemes


# --- Reading YAML as the author meant it -------------------------------------------------

class _LoaderTelQueTape(yaml.SafeLoader):
    """SafeLoader that keeps as text the integers YAML 1.1 would distort: base-60 (« 14:30 »)
    and leading zeros (« 0612345678 » phone numbers, « 01 » département codes, read as octal)."""


_SANS_REPONSE = re.compile(r"\b(sans|aucune|pas de|jamais de|toujours pas de) (reponse|suite)\b|\bpas (ete )?repondu|"
                           r"\bnon repondu|\bsans nouvelles?\b")


def resultat_est_une_reponse(resultat: str | None) -> bool:
    """Whether a démarche's `resultat` (free text) says an answer came: empty, « restée sans réponse »,
    « aucune réponse », « pas de suite »… are not answers."""
    texte = unicodedata.normalize("NFKD", str(resultat or "")).encode("ascii", "ignore").decode().lower()
    texte = " ".join(texte.split())
    return bool(texte) and not _SANS_REPONSE.search(texte)


def reponse_de_la_demarche(reponse: str | None, resultat: str | None = None) -> str:
    """A démarche's answer as one of REPONSES_DEMARCHE's keys: the structured choice when given,
    else (a dossier or a session from before the choice existed) « autre » when the free text says
    an answer came, « aucune » otherwise. A free text is never read as a refusal or an appointment:
    only the client's own choice stops the référé."""
    if reponse in REPONSES_DEMARCHE:
        return reponse
    return "autre" if resultat_est_une_reponse(resultat) else "aucune"


def _entier_ou_texte(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    texte = node.value
    chiffres = texte.lstrip("+-").replace("_", "")
    if ":" in texte or (len(chiffres) > 1 and chiffres.startswith("0") and chiffres.isdigit()):
        return texte
    return loader.construct_yaml_int(node)


_LoaderTelQueTape.add_constructor("tag:yaml.org,2002:int", _entier_ou_texte)


def lire_yaml(texte: str) -> Any:
    """Parse YAML text with the rules above (also reads JSON, which is YAML)."""
    return yaml.load(texte, Loader=_LoaderTelQueTape)  # noqa: S506 - a SafeLoader subclass


# --- Field types -------------------------------------------------------------------------

def _refus(genre: str, texte: mots.Texte) -> PydanticCustomError:
    """A validation error whose message is `texte`: pydantic's message is its French, and the Texte
    itself stays in the error's context, where `_message` takes it (the client's review screen shows
    it translated). (The module's own `Texte` is the field type below: the sentences are `mots.Texte`.)"""
    return PydanticCustomError(genre, "{texte}", {"texte": texte})


def _date(valeur: Any) -> dt.date:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, str):
        texte = valeur.strip()
        for forme in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(texte, forme).date()
            except ValueError:
                continue
        raise _refus("date_fr", mots.Texte(
            "date « {valeur} » illisible ou impossible : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA", valeur=valeur))
    raise _refus("date_fr", mots.Texte("une date est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)"))


_FORME_HEURE = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{1,2})?)?(?::\d{2})?\s*$")


def _heure(valeur: Any) -> dt.time:
    if isinstance(valeur, dt.time):
        return valeur.replace(second=0, microsecond=0)
    if isinstance(valeur, int) and not isinstance(valeur, bool) and 0 <= valeur <= 23:
        return dt.time(valeur, 0)  # `heure: 9` means 9 h
    if isinstance(valeur, str):
        forme = _FORME_HEURE.match(valeur)
        if forme:
            heures, minutes = int(forme.group(1)), int(forme.group(2) or 0)
            if heures < 24 and minutes < 60:
                return dt.time(heures, minutes)
    raise _refus("heure_fr", mots.Texte("heure « {valeur} » illisible : écrivez-la HH:MM, par exemple 14:30",
                                        valeur=valeur))


def _oui_non(valeur: Any) -> Any:
    if isinstance(valeur, str) and valeur.strip().lower() in {"oui", "o"}:
        return True
    if isinstance(valeur, str) and valeur.strip().lower() in {"non", "n"}:
        return False
    return valeur


def _fichier(valeur: Any, info: ValidationInfo) -> Path:
    if not isinstance(valeur, str | Path) or not str(valeur).strip():
        raise _refus("fichier_fr", mots.Texte("un chemin de fichier est attendu"))
    racine = Path((info.context or {}).get("racine", "."))
    chemin = (racine / Path(str(valeur).strip())).resolve()
    if not chemin.is_file():
        raise _refus("fichier_fr", mots.Texte("fichier introuvable : {nom}", nom=str(valeur)))
    return chemin


def _departement(valeur: Any) -> str:
    if isinstance(valeur, bool) or not isinstance(valeur, str | int):
        raise _refus("departement_fr", mots.Texte("un code de département est attendu (« 93 », « 2A »)"))
    try:
        return juridiction(valeur).code
    except JuridictionInconnue as exc:
        raise PydanticCustomError("departement_fr", str(exc).replace("{", "(").replace("}", ")")) from None


def _courriel(valeur: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", valeur):
        raise _refus("courriel_fr", mots.Texte("adresse électronique « {valeur} » invalide", valeur=valeur))
    return valeur


def _texte_depuis_nombre(valeur: Any) -> Any:
    return str(valeur) if isinstance(valeur, int) and not isinstance(valeur, bool) else valeur


Texte = Annotated[str, BeforeValidator(_texte_depuis_nombre), StringConstraints(strip_whitespace=True, min_length=1)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Heure = Annotated[dt.time, BeforeValidator(_heure)]
Fichier = Annotated[Path, BeforeValidator(_fichier)]
OuiNon = Annotated[bool, BeforeValidator(_oui_non)]
Euros = Annotated[int, Field(ge=0, le=100_000)]


class _Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


class Requerant(_Modele):
    """The applicant (« POUR », R. 411-1 CJA: names and domicile of the parties)."""

    nom: Texte
    prenoms: Texte
    sexe: Literal["F", "M"]
    date_naissance: Date
    lieu_naissance: Texte
    nationalite: Texte
    adresse: Texte
    telephone: Texte
    courriel: Annotated[Texte, AfterValidator(_courriel)]
    numero_etranger: Texte | None = None

    @property
    def nom_complet(self) -> str:
        """« Awa DIALLO »: first names, then the surname in capitals as courts write it."""
        return f"{self.prenoms} {self.nom.upper()}"

    @property
    def est_une_femme(self) -> bool:
        return self.sexe == "F"


class Demande(_Modele):
    """The titre de séjour sought."""

    nature: Literal["premiere_demande", "renouvellement"]
    titre: Texte
    date_expiration: Date | None = None
    # Why the attempts began after the R. 431-5 window or the expiry (renouvellement.py): quoted
    # in the requête as the applicant's own words.
    motif_retard: Texte | None = None


class Blocage(_Modele):
    """How the online path failed."""

    type: Literal["aucun_creneau", "categorie_absente", "anef"]
    plateforme: Texte


class Tentative(_Modele):
    """One failed attempt to book, with its screenshot(s) (CE 10 juin 2020 n° 435594)."""

    date: Date
    heure: Heure
    constat: Texte
    fichiers: list[Fichier] = []


class Demarche(_Modele):
    """A step taken towards the préfecture (letter, e-mail, ANEF contact…) and its outcome."""

    date: Date
    nature: Literal["courriel", "lrar", "contact_anef", "accueil_numerique", "autre"]
    description: Texte
    resultat: Texte | None = None
    # the structured answer (REPONSES_DEMARCHE); None in dossiers written before it existed: then
    # `resultat` (free text) decides, see reponse_de_la_demarche()
    reponse: Literal["aucune", "rendez_vous", "refus_ecrit", "autre"] | None = None
    fichiers: list[Fichier] = []

    @property
    def reponse_recue(self) -> str:
        """The answer as one of REPONSES_DEMARCHE's keys (the structured field, else the free text)."""
        return reponse_de_la_demarche(self.reponse, self.resultat)


# What makes the appointment urgent, as structured choices (issue 9, point 15): the requête composes
# its own third-person sentences from them (redaction.py); the applicant's own words (`texte`) are
# only ever quoted. The last three are the new facts an unexecuted OQTF calls for (CE 453391).
NATURES_CIRCONSTANCE = {
    "emploi": "emploi ou promesse d'embauche menacé",
    "droits_sociaux": "perte de droits sociaux (CAF, allocations, sécurité sociale)",
    "sante": "santé (soins de la personne ou d'un proche)",
    "scolarite": "scolarité des enfants",
    "famille": "famille en France (conjoint, enfants)",
    "etudes": "études ou examen",
    "limite_date": "limite d'âge ou date limite",
    "fin_document": "fin d'un visa, d'un récépissé ou d'une attestation",
    "enfant_francais": "enfant de nationalité française",
    "mariage_pacs": "mariage ou PACS",
    "residence": "résidence ancienne en France",
    "autre": "autre circonstance",
}
# the details' words, mots.Texte: French in the requête and on the staff screens, translated on the
# client's (resume_de_circonstance)
EMPLOIS = {"promesse_embauche": mots.Texte("promesse d'embauche"), "contrat": mots.Texte("contrat de travail")}
PERSONNES = {"requerant": mots.Texte("la personne elle-même"), "conjoint": mots.Texte("conjoint"),
             "enfant": mots.Texte("enfant"), "parent": mots.Texte("parent")}
DOCUMENTS = {"visa": mots.Texte("visa"), "recepisse": mots.Texte("récépissé"),
             "attestation": mots.Texte("attestation de prolongation d'instruction"),
             "autorisation_provisoire": mots.Texte("autorisation provisoire de séjour")}
CONJOINTS = {"francais": mots.Texte("de nationalité française"), "resident": mots.Texte("en situation régulière")}
ISSUES_OQTF = {"non_contestee": "non contestée", "rejete": "recours rejeté", "pendant": "recours en cours",
               "annulee": "annulée par le tribunal"}


class Circonstance(_Modele):
    """A fact that makes the appointment urgent (CE 9 juin 2022 n° 453391), with its evidence.

    `nature` absent: an older dossier's free text, quoted as the applicant's words. The detail
    fields that apply depend on `nature` (README « Le dossier »)."""

    nature: Literal[tuple(NATURES_CIRCONSTANCE)] | None = None  # type: ignore[valid-type]
    texte: Texte | None = None           # the applicant's own words: only ever quoted
    libelle: Texte | None = None
    fichiers: list[Fichier] = []
    date: Date | None = None             # the date that makes it concrete (end of contract, exam, expiry…)
    organisme: Texte | None = None       # employer, CAF/CPAM, school, hospital, university
    montant_euros: Euros | None = None   # salary or benefits, per month
    emploi: Literal["promesse_embauche", "contrat"] | None = None
    personne: Literal["requerant", "conjoint", "enfant", "parent"] | None = None
    document: Literal["visa", "recepisse", "attestation", "autorisation_provisoire"] | None = None
    conjoint: Literal["francais", "resident"] | None = None
    union: Literal["mariage", "pacs"] | None = None
    nombre_enfants: Annotated[int, Field(ge=1, le=20)] | None = None
    fait_nouveau: OuiNon = False         # arose after the OQTF (urgence.oqtf.date)

    @model_validator(mode="after")
    def _texte_ou_nature(self) -> "Circonstance":
        if self.nature in (None, "autre") and not self.texte:
            raise _refus("circonstance_fr", mots.Texte("décrivez la circonstance (champ « texte ») ou choisissez "
                                                       "sa nature"))
        if self.libelle is None and self.nature not in (None, "autre"):
            # the pièce's label (numerotation.py): the nature, never the applicant's words
            self.libelle = "Justificatif : " + NATURES_CIRCONSTANCE[self.nature]
        return self


_UNIONS = {"mariage": mots.Texte("mariage"), "pacs": mots.Texte("PACS")}


def resume_de_circonstance(circonstance: "Circonstance | dict", natures: dict[str, str] | None = None) -> str:
    """One plain line for a circonstance, shared by the client's table and the staff screens: the
    nature's label (`natures`, by default `NATURES_CIRCONSTANCE`), its details (date, organisme,
    montant…), then the applicant's own words between quotation marks. Takes a Circonstance or its
    data (a dict, as transmitted: dates as text). The result contains client text: every screen
    shows it escaped (`texte_sur`, `html_sur`), never as a template."""
    d = circonstance.model_dump() if isinstance(circonstance, BaseModel) else dict(circonstance or {})
    natures = NATURES_CIRCONSTANCE if natures is None else natures
    nature = d.get("nature")
    titre = natures.get(nature, str(nature)) if isinstance(nature, str) and nature else ""
    details = []
    for champ, libelles in (("emploi", EMPLOIS), ("personne", PERSONNES), ("document", DOCUMENTS),
                            ("union", _UNIONS)):
        if d.get(champ):
            details.append(libelles.get(d[champ], str(d[champ])))
    if d.get("conjoint"):
        details.append(mots.Texte("conjoint {qualite}", qualite=CONJOINTS.get(d["conjoint"], str(d["conjoint"]))))
    if d.get("nombre_enfants"):
        n = d["nombre_enfants"]
        details.append(mots.Texte("{n} enfant", n=n) if str(n) == "1" else mots.Texte("{n} enfants", n=n))
    if d.get("organisme"):
        details.append(str(d["organisme"]).strip())
    if d.get("montant_euros"):
        details.append(mots.Texte("{montant} par mois", montant=_montant_texte(d["montant_euros"])))
    if d.get("date"):
        details.append(mots.Texte("date : {date}", date=_jour_ou_texte(d["date"])))
    if d.get("fait_nouveau") is True:
        details.append(mots.Texte("survenu après l'OQTF"))
    texte = str(d.get("texte") or "").strip()
    # a mots.Texte whose template holds only its parts: each part is translated on the client's screen
    morceaux = {"titre": titre, **{f"detail{i}": detail for i, detail in enumerate(details)},
                "texte": f"«\u00a0{texte}\u00a0»" if texte else ""}
    presents = [cle for cle, valeur in morceaux.items() if valeur]
    if not presents:
        return "—"
    return mots.Texte(_gabarit_de_resume(presents), **{cle: morceaux[cle] for cle in presents})


def _gabarit_de_resume(presents: list[str]) -> str:
    """« {titre} — {detail0}, {detail1} — {texte} »: the parts present, as resume_de_circonstance
    has always joined them (nothing to translate in it)."""
    titre = ["{titre}"] if "titre" in presents else []
    details = ", ".join("{" + cle + "}" for cle in presents if cle.startswith("detail"))
    texte = ["{texte}"] if "texte" in presents else []
    return " — ".join(titre + ([details] if details else []) + texte)


def _jour_ou_texte(valeur: object) -> object:
    """A date from a date or its transmitted text (mots.Texte writes it in the page's language);
    anything else as it is."""
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, str):
        try:
            return dt.date.fromisoformat(valeur.strip())
        except ValueError:
            return valeur
    return valeur if isinstance(valeur, dt.date) else str(valeur)


def _montant_texte(valeur: object) -> str:
    """« 1 500 € » (thin no-break space between thousands); anything else as it is."""
    if isinstance(valeur, int) and not isinstance(valeur, bool):
        return f"{valeur:,}".replace(",", "\u202f") + "\u00a0€"
    return f"{valeur}\u00a0€"


def _circonstance_depuis_texte(valeur: Any) -> Any:
    return {"texte": valeur} if isinstance(valeur, str) else valeur


class Oqtf(_Modele):
    """An obligation de quitter le territoire français not carried out (CE 9 juin 2022 n° 453391:
    no urgency in principle), what became of it, and since when."""

    date: Date
    recours: Literal["non_contestee", "rejete", "pendant", "annulee"]


class Urgence(_Modele):
    circonstances: list[Annotated[Circonstance, BeforeValidator(_circonstance_depuis_texte)]] = []
    # An unexecuted OQTF defeats urgency in principle (CE 9 juin 2022 n° 453391); `oqtf` gives its
    # date and outcome (older dossiers may only say oui).
    oqtf_non_executee: OuiNon = False
    oqtf: Oqtf | None = None

    @model_validator(mode="after")
    def _oqtf_signalee(self) -> "Urgence":
        if self.oqtf is not None and self.oqtf.recours != "annulee":
            self.oqtf_non_executee = True
        return self


class AutrePiece(_Modele):
    """Any other pièce; `categorie` places it in the order (identity and situation first)."""

    libelle: Texte
    categorie: Literal["identite", "sejour", "domicile", "autre"] = "autre"
    fichiers: Annotated[list[Fichier], Field(min_length=1)]


# Costs a party without a lawyer may claim under CJA L. 761-1 (« frais exposés et non compris dans
# les dépens » ; « les parties peuvent produire les justificatifs des sommes qu'elles demandent »).
NATURES_FRAIS = {
    "copies": "copies et impressions",
    "affranchissement": "affranchissement de la lettre recommandée",
    "deplacement": "frais de déplacement",
    "autre": "autres frais",
}


class Frais(_Modele):
    """A cost actually incurred for the case (CJA L. 761-1)."""

    nature: Literal["copies", "affranchissement", "deplacement", "autre"]
    montant_euros: Annotated[int, Field(ge=1, le=100_000)]
    description: Texte | None = None


class Conclusions(_Modele):
    """What the judge is asked to order (PAR CES MOTIFS)."""

    delai_jours: Annotated[int, Field(ge=1, le=90)] = 15
    delai_rdv_jours: Annotated[int, Field(ge=1, le=180)] | None = None
    astreinte_euros: Annotated[int, Field(ge=0, le=1000)] = 100
    aide_juridictionnelle_provisoire: OuiNon = False
    # The sum asked under L. 761-1; asked only when `frais` states the costs (else left out). 0 with
    # costs stated: their total.
    frais_l761_1_euros: Euros = 0
    frais: list[Frais] = []

    @property
    def total_frais(self) -> int:
        return sum(f.montant_euros for f in self.frais)

    @property
    def somme_l761_1(self) -> int:
        """The sum the requête asks under L. 761-1: none without stated costs."""
        if not self.frais:
            return 0
        return self.frais_l761_1_euros or self.total_frais


class Signature(_Modele):
    """« Fait à …, le … » at the end of the requête; defaults to the applicant's town and today."""

    lieu: Texte | None = None
    date: Date | None = None


class Dossier(_Modele):
    """One whole case."""

    requerant: Requerant
    departement: Annotated[str, BeforeValidator(_departement)]
    demande: Demande
    blocage: Blocage
    tentatives: Annotated[list[Tentative], Field(min_length=1)]
    demarches: list[Demarche] = []
    urgence: Urgence = Urgence()
    pieces: list[AutrePiece] = []
    conclusions: Conclusions = Conclusions()
    signature: Signature = Signature()

    def tous_les_fichiers(self) -> list[tuple[str, Path]]:
        """Every file with the path of the field that holds it, in dossier order."""
        trouves: list[tuple[str, Path]] = []
        for liste in ("tentatives", "demarches", "pieces"):
            for i, element in enumerate(getattr(self, liste), start=1):
                trouves += [(f"{liste}[{i}].fichiers[{j}]", f) for j, f in enumerate(element.fichiers, 1)]
        for i, circonstance in enumerate(self.urgence.circonstances, start=1):
            trouves += [(f"urgence.circonstances[{i}].fichiers[{j}]", f)
                        for j, f in enumerate(circonstance.fichiers, 1)]
        return trouves


# --- French messages for pydantic's errors -----------------------------------------------

# each a mots.Texte: the client's review screen shows them translated
_ENTIER_ATTENDU = mots.Texte("un nombre entier est attendu")
_OUI_NON_ATTENDU = mots.Texte("oui ou non est attendu")
_GROUPE_ATTENDU = mots.Texte("un groupe de champs est attendu")
_MESSAGES = {
    "missing": mots.Texte("champ obligatoire manquant"),
    "extra_forbidden": mots.Texte("champ inconnu (vérifiez son orthographe)"),
    "string_type": mots.Texte("un texte est attendu"),
    "string_too_short": mots.Texte("ne doit pas être vide"),
    "int_type": _ENTIER_ATTENDU,
    "int_parsing": _ENTIER_ATTENDU,
    "int_from_float": _ENTIER_ATTENDU,
    "bool_type": _OUI_NON_ATTENDU,
    "bool_parsing": _OUI_NON_ATTENDU,
    "list_type": mots.Texte("une liste est attendue"),
    "model_type": _GROUPE_ATTENDU,
    "model_attributes_type": _GROUPE_ATTENDU,
    "dict_type": _GROUPE_ATTENDU,
}


def _message(erreur: dict[str, Any]) -> str:
    """pydantic's error in French: a mots.Texte, but for the messages of other modules' own
    PydanticCustomError (their French str, as written)."""
    kind, ctx = erreur["type"], erreur.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return mots.Texte("valeur « {valeur} » non reconnue ; valeurs possibles : {possibles}",
                          valeur=erreur.get("input"), possibles=ctx.get("expected", ""))
    if kind in {"greater_than_equal", "greater_than"}:
        return mots.Texte("doit être au moins {minimum}", minimum=ctx.get("ge", ctx.get("gt")))
    if kind in {"less_than_equal", "less_than"}:
        return mots.Texte("doit être au plus {maximum}", maximum=ctx.get("le", ctx.get("lt")))
    if kind == "too_short":
        return mots.Texte("au moins {minimum} élément(s) attendu(s)", minimum=ctx.get("min_length"))
    if kind.endswith("_fr"):
        texte = ctx.get("texte")
        return texte if isinstance(texte, mots.Texte) else erreur["msg"]
    return mots.Texte("valeur invalide ({detail})", detail=erreur["msg"])


def _chemin(loc: tuple[Any, ...]) -> str:
    texte = ""
    for partie in loc:
        if isinstance(partie, int):
            texte += f"[{partie + 1}]"
        else:
            texte += ("." if texte else "") + str(partie)
    return texte


def problemes_de_validation(exc: ValidationError) -> list[Probleme]:
    """pydantic's errors as French problems with 1-based field paths."""
    return [Probleme(_chemin(e["loc"]), _message(e)) for e in exc.errors(include_url=False)]


# --- Loading -----------------------------------------------------------------------------

def dossier_depuis_donnees(donnees: Any, racine: Path | str = ".") -> Dossier:
    """Validate plain data (as read from YAML/JSON, or built by the interview); file paths are
    resolved against `racine`. Raises DossierInvalide with every problem."""
    if not isinstance(donnees, dict):
        raise DossierIllisible("Le dossier doit être un ensemble de champs (requerant, departement, …).")
    if isinstance(donnees.get("departement"), str | int):
        donnees = {**donnees, "departement": normaliser_code(donnees["departement"])}
    try:
        return Dossier.model_validate(donnees, context={"racine": Path(racine)})
    except ValidationError as exc:
        raise DossierInvalide(problemes_de_validation(exc)) from None


def lire_donnees(chemin: Path | str, quoi: str = "Le dossier") -> Any:
    """The plain data of a YAML or JSON file (read as its author meant, see above);
    DossierIllisible, with a French sentence that starts with `quoi`, if it cannot be read."""
    chemin = Path(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DossierIllisible(f"{quoi} « {chemin} » est introuvable.") from None
    except UnicodeDecodeError:
        raise DossierIllisible(f"{quoi} « {chemin.name} » n'est pas un texte UTF-8 (YAML ou JSON).") from None
    except OSError as exc:
        raise DossierIllisible(f"{quoi} « {chemin} » ne peut pas être lu ({exc.strerror}).") from None
    try:
        return json.loads(texte) if chemin.suffix.lower() == ".json" else lire_yaml(texte)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        ligne = getattr(getattr(exc, "problem_mark", None), "line", getattr(exc, "lineno", None))
        ou = f" (vers la ligne {ligne + 1 if hasattr(exc, 'problem_mark') else ligne})" if ligne is not None else ""
        raise DossierIllisible(f"{quoi} « {chemin.name} » n'est pas un YAML ou JSON valide{ou}.") from None


def lire_dossier(chemin: Path | str) -> Dossier:
    """Read a dossier file (.yml, .yaml or .json). DossierIllisible if it cannot be read,
    DossierInvalide listing every wrong field otherwise."""
    chemin = Path(chemin)
    return dossier_depuis_donnees(lire_donnees(chemin), racine=chemin.parent)
