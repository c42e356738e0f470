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
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      StringConstraints, ValidationError, ValidationInfo)
from pydantic_core import PydanticCustomError

from .juridictions import JuridictionInconnue, juridiction, normaliser_code
from .problemes import Probleme

__all__ = [
    "Dossier", "Requerant", "Demande", "Blocage", "Tentative", "Demarche", "Circonstance", "Urgence",
    "AutrePiece", "Conclusions", "Signature", "DossierIllisible", "DossierInvalide",
    "lire_dossier", "dossier_depuis_donnees", "lire_yaml",
    "NATURES_DEMARCHE", "TYPES_BLOCAGE", "CATEGORIES_PIECE",
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
        raise PydanticCustomError(
            "date_fr", "date « {valeur} » illisible ou impossible : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA",
            {"valeur": valeur})
    raise PydanticCustomError("date_fr", "une date est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)")


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
    raise PydanticCustomError(
        "heure_fr", "heure « {valeur} » illisible : écrivez-la HH:MM, par exemple 14:30", {"valeur": valeur})


def _oui_non(valeur: Any) -> Any:
    if isinstance(valeur, str) and valeur.strip().lower() in {"oui", "o"}:
        return True
    if isinstance(valeur, str) and valeur.strip().lower() in {"non", "n"}:
        return False
    return valeur


def _fichier(valeur: Any, info: ValidationInfo) -> Path:
    if not isinstance(valeur, str | Path) or not str(valeur).strip():
        raise PydanticCustomError("fichier_fr", "un chemin de fichier est attendu")
    racine = Path((info.context or {}).get("racine", "."))
    chemin = (racine / Path(str(valeur).strip())).resolve()
    if not chemin.is_file():
        raise PydanticCustomError("fichier_fr", "fichier introuvable : {nom}", {"nom": str(valeur)})
    return chemin


def _departement(valeur: Any) -> str:
    if isinstance(valeur, bool) or not isinstance(valeur, str | int):
        raise PydanticCustomError("departement_fr", "un code de département est attendu (« 93 », « 2A »)")
    try:
        return juridiction(valeur).code
    except JuridictionInconnue as exc:
        raise PydanticCustomError("departement_fr", str(exc).replace("{", "(").replace("}", ")")) from None


def _courriel(valeur: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", valeur):
        raise PydanticCustomError("courriel_fr", "adresse électronique « {valeur} » invalide", {"valeur": valeur})
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
    fichiers: list[Fichier] = []


class Circonstance(_Modele):
    """A fact that makes the appointment urgent (CE 9 juin 2022 n° 453391), with its evidence."""

    texte: Texte
    libelle: Texte | None = None
    fichiers: list[Fichier] = []


def _circonstance_depuis_texte(valeur: Any) -> Any:
    return {"texte": valeur} if isinstance(valeur, str) else valeur


class Urgence(_Modele):
    circonstances: list[Annotated[Circonstance, BeforeValidator(_circonstance_depuis_texte)]] = []
    # An unexecuted OQTF defeats urgency (CE 9 juin 2022 n° 453391).
    oqtf_non_executee: OuiNon = False


class AutrePiece(_Modele):
    """Any other pièce; `categorie` places it in the order (identity and situation first)."""

    libelle: Texte
    categorie: Literal["identite", "sejour", "domicile", "autre"] = "autre"
    fichiers: Annotated[list[Fichier], Field(min_length=1)]


class Conclusions(_Modele):
    """What the judge is asked to order (PAR CES MOTIFS)."""

    delai_jours: Annotated[int, Field(ge=1, le=90)] = 15
    delai_rdv_jours: Annotated[int, Field(ge=1, le=180)] | None = None
    astreinte_euros: Annotated[int, Field(ge=0, le=1000)] = 100
    aide_juridictionnelle_provisoire: OuiNon = False
    frais_l761_1_euros: Euros = 0


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

_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (vérifiez son orthographe)",
    "string_type": "un texte est attendu",
    "string_too_short": "ne doit pas être vide",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "bool_type": "oui ou non est attendu",
    "bool_parsing": "oui ou non est attendu",
    "list_type": "une liste est attendue",
    "model_type": "un groupe de champs est attendu",
    "model_attributes_type": "un groupe de champs est attendu",
    "dict_type": "un groupe de champs est attendu",
}


def _message(erreur: dict[str, Any]) -> str:
    kind, ctx = erreur["type"], erreur.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return f"valeur « {erreur.get('input')} » non reconnue ; valeurs possibles : {ctx.get('expected', '')}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"doit être au moins {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"doit être au plus {ctx.get('le', ctx.get('lt'))}"
    if kind == "too_short":
        return f"au moins {ctx.get('min_length')} élément(s) attendu(s)"
    if kind.endswith("_fr"):
        return erreur["msg"]
    return f"valeur invalide ({erreur['msg']})"


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


def lire_dossier(chemin: Path | str) -> Dossier:
    """Read a dossier file (.yml, .yaml or .json). DossierIllisible if it cannot be read,
    DossierInvalide listing every wrong field otherwise."""
    chemin = Path(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DossierIllisible(f"Le dossier « {chemin} » est introuvable.") from None
    except UnicodeDecodeError:
        raise DossierIllisible(f"Le dossier « {chemin.name} » n'est pas un texte UTF-8 (YAML ou JSON).") from None
    except OSError as exc:
        raise DossierIllisible(f"Le dossier « {chemin} » ne peut pas être lu ({exc.strerror}).") from None
    try:
        donnees = json.loads(texte) if chemin.suffix.lower() == ".json" else lire_yaml(texte)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        ligne = getattr(getattr(exc, "problem_mark", None), "line", getattr(exc, "lineno", None))
        ou = f" (vers la ligne {ligne + 1 if hasattr(exc, 'problem_mark') else ligne})" if ligne is not None else ""
        raise DossierIllisible(f"Le dossier « {chemin.name} » n'est pas un YAML ou JSON valide{ou}.") from None
    return dossier_depuis_donnees(donnees, racine=chemin.parent)
