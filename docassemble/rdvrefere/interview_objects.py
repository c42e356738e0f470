"""The thin docassemble layer: interview objects ↔ the core's plain values.

The interview stores answers on one `DossierClient` object (`client` in the YAML). This module
turns it into the core's dossier data (uploads become file paths), asks the core for the checks,
the numbering and the bundle, and turns the bundle's files back into DAFiles. No rule lives
here: every rule is in the core (verification, tentatives, numerotation…).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import tempfile
from pathlib import Path

from docassemble.base.util import DAFile, DAFileList, DAList, DAObject, DAStore, log

from .bundle import NOM_ZIP, DossierNonDeposable, construire
from .conversion import FichierRefuse, Limites, convertir_en_pdf, examiner_fichier, taille_en_mo
from .dates import date_longue, heure_fr
from .dossier import (NATURES_DEMARCHE, TYPES_BLOCAGE, DossierIllisible, DossierInvalide, Tentative,
                      dossier_depuis_donnees, problemes_de_validation)
from .guide import etapes_du_depot
from .juridictions import COLLECTIVITES_NON_COUVERTES, JuridictionInconnue, juridiction, toutes_les_juridictions
from .numerotation import Piece, numeroter
from .problemes import Probleme, erreurs
from .redaction import ville_de
from .requete import ModeleInvalide, PdfImpossible
from .tentatives import BilanTentatives, bilan_des_dates, regle_des_tentatives
from .verification import verifier

__all__ = [
    "DossierClient", "STATUTS", "LIMITES", "choix_departements", "refus_televersement", "texte_sur",
    "taille_en_mo", "resume_televersement", "jour", "date_du_jour", "probleme_de_tentative",
    "plateforme_par_defaut", "ville_de", "message_collectivite", "libelle_du_chemin",
    "garder_televersement", "deja_joint",
    # core names the screens use
    "COLLECTIVITES_NON_COUVERTES", "NATURES_DEMARCHE", "TYPES_BLOCAGE", "NOM_ZIP", "date_longue", "heure_fr",
    "erreurs",
]

LIMITES = Limites()

# The dossier's life, set by the client (prêt à relire) and by staff (approuvé, déposé).
STATUTS = ("en cours", "prêt à relire", "approuvé", "déposé")


def choix_departements() -> list[dict[str, str]]:
    """Dropdown choices: the 101 départements, then the collectivities that are not covered."""
    choix = [{j.code: f"{j.code} — {j.departement}"} for j in toutes_les_juridictions()]
    choix += [{code: f"{code} — {nom[0].upper() + nom[1:]}"} for code, nom in COLLECTIVITES_NON_COUVERTES.items()]
    return choix


# Python-Markdown's escapable characters (« > » is HTML-escaped instead); « | » would split a
# table cell and cannot be backslash-escaped outside tables, so it becomes an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def texte_sur(texte: object) -> str:
    """User text shown literally on a screen: Markdown neutralised, HTML escaped. (Mako never
    evaluates a value inserted with ${ }, so « ${ } » typed by a user stays text.)"""
    echappe = html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(texte)), quote=False)
    return echappe.replace("|", "&#124;")


def _chemins(fichiers: object) -> list[str]:
    """Local paths of an upload field (DAFileList, DAFile, or nothing)."""
    if isinstance(fichiers, DAFileList):
        return [f.path() for f in fichiers if getattr(f, "ok", True)]
    if isinstance(fichiers, DAFile):
        return [fichiers.path()]
    return []


def refus_televersement(fichiers: object, piece: str) -> str | None:
    """Convert the uploaded files now, as the bundle will (the core's conversion), and return the
    French reason of the first refusal, or None. Called from the upload screen's validation."""
    chemins = _chemins(fichiers)
    if not chemins:
        return "Ajoutez au moins un fichier."
    with tempfile.TemporaryDirectory(prefix="rdv-essai-") as essai:
        for chemin, nom in zip(chemins, _noms(fichiers)):
            original = Path(chemin)
            lisible = Path(essai) / _nom_sur(nom, original)
            shutil.copyfile(original, lisible)  # the message must name the file as the user knows it
            try:
                examiner_fichier(lisible, piece=piece)
                convertir_en_pdf([lisible], Path(essai) / "essai.pdf", piece=piece, limites=LIMITES)
            except FichierRefuse as refus:
                return refus.message
    return None


def _memoire_des_televersements() -> DAStore:
    """Uploads remembered per session outside the answers: docassemble's « Retour » button and a
    table's « Modifier » rewind the answers, and a file field is never pre-filled, so without
    this the client would have to upload the same screenshot again."""
    return DAStore("rdvrefere-televersements", base="session")


def garder_televersement(variable: str, fichiers: object) -> object:
    """The files of an upload field: the new ones (then remembered), or, when the client
    chose none, those uploaded earlier on this field. Called first in the validation code."""
    memoire = _memoire_des_televersements()
    if _chemins(fichiers):
        memoire.set(variable, fichiers)
        return fichiers
    return memoire.get(variable) if memoire.defined(variable) else fichiers


def deja_joint(variable: str) -> str:
    """« Déjà joint : capture.png. » for the screen, when earlier files are remembered."""
    memoire = _memoire_des_televersements()
    if not memoire.defined(variable) or not _chemins(memoire.get(variable)):
        return ""
    noms = ", ".join(_noms(memoire.get(variable)))
    return f"Déjà joint : {texte_sur(noms)}. Laissez le champ vide pour le garder, ou choisissez d'autres fichiers."


def resume_televersement(fichiers: object) -> str:
    """« 2 fichiers, 1,3 Mo » with the portal's limit, for the screens."""
    chemins = _chemins(fichiers)
    octets = sum(Path(c).stat().st_size for c in chemins)
    return (f"{len(chemins)} fichier{'s' if len(chemins) > 1 else ''}, {taille_en_mo(octets)} "
            f"sur {taille_en_mo(LIMITES.taille_max_fichier)} permis")


def _noms(fichiers: object) -> list[str]:
    elements = list(fichiers) if isinstance(fichiers, DAFileList) else [fichiers]
    return [getattr(f, "filename", None) or "fichier" for f in elements]


def _nom_sur(nom: str, original: Path) -> str:
    nom = Path(nom).name
    return nom if nom and nom not in {".", ".."} else original.name


def _date(valeur: object) -> object:
    """DADateTime → date; anything else is left for the core to judge."""
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    return valeur


def jour(valeur: object) -> dt.date:
    """The calendar day of a date field (docassemble gives a DADateTime)."""
    return _date(valeur)


def date_du_jour() -> dt.date:
    return dt.date.today()


def message_collectivite(code: str) -> str:
    """Why a collectivity is not covered (the core's sentence)."""
    try:
        juridiction(code)
    except JuridictionInconnue as exc:
        return str(exc)
    return ""


_PLATEFORMES = {
    "anef": "ANEF, administration numérique des étrangers en France (administration-etrangers-en-france.interieur.gouv.fr)",
    "categorie_absente": "démarches-simplifiées (formulaire de la préfecture)",
}


def plateforme_par_defaut(type_blocage: str, departement: str) -> str:
    """A sensible default for the platform field, which the client can change."""
    if type_blocage in _PLATEFORMES:
        return _PLATEFORMES[type_blocage]
    try:
        return f"site de prise de rendez-vous de la préfecture ({juridiction(departement).departement})"
    except JuridictionInconnue:
        return "site de prise de rendez-vous de la préfecture"


_NOMS_DES_LISTES = {"tentatives": "Tentative", "demarches": "Démarche", "pieces": "Pièce",
                    "urgence.circonstances": "Circonstance"}


_NOMS_DES_CHAMPS = {
    "tentatives": "Tentatives", "demarches": "Démarches", "urgence.circonstances": "Urgence",
    "conclusions.delai_jours": "Délai pour la date de rendez-vous",
    "conclusions.delai_rdv_jours": "Délai maximal avant le rendez-vous",
    "conclusions.astreinte_euros": "Astreinte", "conclusions.frais_l761_1_euros": "Frais de justice",
    "conclusions.aide_juridictionnelle_provisoire": "Aide juridictionnelle", "pieces": "Pièces",
    "requerant.courriel": "Adresse électronique", "requerant.date_naissance": "Date de naissance",
}


def libelle_du_chemin(chemin: str) -> str:
    """« tentatives[2].date » → « Tentative n° 2 (date) : » for the screens; '' for the whole dossier."""
    if not chemin:
        return ""
    if chemin in _NOMS_DES_CHAMPS:
        return f"{_NOMS_DES_CHAMPS[chemin]} : "
    trouve = re.match(r"^([a-z_.]+?)\[(\d+)\](?:\.(.*))?$", chemin)
    if trouve and trouve.group(1) in _NOMS_DES_LISTES:
        detail = f" ({trouve.group(3)})" if trouve.group(3) else ""
        return f"{_NOMS_DES_LISTES[trouve.group(1)]} n° {trouve.group(2)}{detail} : "
    return f"{chemin.replace('_', ' ')} : "


def probleme_de_tentative(client: "DossierClient", index: int) -> str | None:
    """The core's attempts rule for attempt `index` (0-based) on its own screen: date in the
    future, before birth, or a field the core refuses."""
    element = client.tentatives[index]
    donnees = {"date": _date(element.date), "heure": _heure(element.heure), "constat": element.constat}
    try:
        tentative = Tentative.model_validate(donnees)
    except Exception as exc:  # pydantic ValidationError: shown in French by the core
        return " ; ".join(p.message for p in problemes_de_validation(exc))
    naissance = _date(getattr(client.requerant, "date_naissance", None))
    problemes = regle_des_tentatives([tentative], date_naissance=naissance, aujourd_hui=date_du_jour())
    dates = [p for p in problemes if p.chemin.endswith(".date")]
    return dates[0].message[0].upper() + dates[0].message[1:] if dates else None


def _heure(valeur: object) -> object:
    if isinstance(valeur, dt.datetime):
        return valeur.time()
    return valeur


def _defini(objet: DAObject, attribut: str, defaut: object = None) -> object:
    """An attribute if the user answered it, without asking for it."""
    return getattr(objet, attribut) if hasattr(objet, attribut) else defaut


class DossierClient(DAObject):
    """Everything the client answers, plus the status staff set and the built bundle."""

    def init(self, *pargs, **kwargs):
        super().init(*pargs, **kwargs)
        self.initializeAttribute("requerant", DAObject)
        self.initializeAttribute("tentatives", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("demarches", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("circonstances", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("autres_pieces", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("depot", DAList.using(object_type=DAFile, auto_gather=False, gathered=True))
        if not hasattr(self, "statut"):
            self.statut = "en cours"
        if not hasattr(self, "journal"):
            self.journal = []
        if not hasattr(self, "problemes_depot"):
            self.problemes_depot = []
        if not hasattr(self, "depot_a_jour"):
            self.depot_a_jour = False  # staff: bundle rebuilt since the last staff change (personnel.py)
        if not hasattr(self, "libelles_personnalises"):
            self.libelles_personnalises = {}  # staff: source → {libelle, origine} (staff_objects.py)

    # --- to the core ----------------------------------------------------------------------

    def donnees(self) -> dict:
        """The core's dossier data (see dossier.py), from what has been answered so far."""
        r = self.requerant
        donnees = {
            "requerant": {cle: _date(_defini(r, cle)) for cle in (
                "nom", "prenoms", "sexe", "date_naissance", "lieu_naissance", "nationalite", "adresse",
                "telephone", "courriel", "numero_etranger") if _defini(r, cle) not in (None, "")},
            "departement": _defini(self, "departement"),
            "demande": {"nature": _defini(self, "nature_demande"), "titre": _defini(self, "titre"),
                        "date_expiration": _date(_defini(self, "date_expiration"))},
            "blocage": {"type": _defini(self, "type_blocage"), "plateforme": _defini(self, "plateforme")},
            "tentatives": [{"date": _date(_defini(t, "date")), "heure": _heure(_defini(t, "heure")),
                            "constat": _defini(t, "constat"), "fichiers": _chemins(_defini(t, "captures"))}
                           for t in self.tentatives.elements],
            "demarches": [{"date": _date(_defini(d, "date")), "nature": _defini(d, "nature"),
                           "description": _defini(d, "description"), "resultat": _defini(d, "resultat") or None,
                           "fichiers": _chemins(_defini(d, "fichiers"))}
                          for d in self.demarches.elements],
            "urgence": {"circonstances": [{"texte": _defini(c, "texte"), "libelle": _defini(c, "libelle") or None,
                                           "fichiers": _chemins(_defini(c, "fichiers"))}
                                          for c in self.circonstances.elements],
                        "oqtf_non_executee": bool(_defini(self, "oqtf_non_executee", False))},
            "pieces": self._pieces_fixes() + [
                {"libelle": _defini(p, "libelle"), "categorie": _defini(p, "categorie", "autre"),
                 "fichiers": _chemins(_defini(p, "fichiers"))} for p in self.autres_pieces.elements],
            "conclusions": {cle: _defini(self, cle) for cle in (
                "delai_jours", "delai_rdv_jours", "astreinte_euros", "aide_juridictionnelle_provisoire",
                "frais_l761_1_euros") if _defini(self, cle) not in (None, "")},
            "signature": {"lieu": _defini(self, "lieu_signature") or None},
        }
        if donnees["demande"]["date_expiration"] is None:
            del donnees["demande"]["date_expiration"]
        if not donnees["conclusions"].get("delai_rdv_jours"):  # an optional field left empty comes back as 0
            donnees["conclusions"].pop("delai_rdv_jours", None)
        return donnees

    def _pieces_fixes(self) -> list[dict]:
        """Identity, stay and address pièces, asked on their own screens."""
        sejour = ("Titre de séjour actuel (recto et verso)" if _defini(self, "nature_demande") == "renouvellement"
                  else "Document de séjour (visa ou récépissé)")
        fixes = [("piece_identite", "Pièce d'identité (passeport)", "identite"),
                 ("piece_sejour", sejour, "sejour"),
                 ("piece_domicile", "Justificatif de domicile", "domicile")]
        return [{"libelle": libelle, "categorie": categorie, "fichiers": _chemins(_defini(self, attribut))}
                for attribut, libelle, categorie in fixes if _chemins(_defini(self, attribut))]

    def dossier(self):
        """The core's Dossier; DossierInvalide lists what is still wrong."""
        return dossier_depuis_donnees(self.donnees(), racine="/")

    def problemes(self, aujourd_hui: dt.date | None = None) -> list[Probleme]:
        """Every error and warning, from the core (errors first)."""
        try:
            return verifier(self.dossier(), aujourd_hui=aujourd_hui, limites=LIMITES)
        except (DossierInvalide,) as exc:
            return exc.problemes
        except DossierIllisible as exc:
            return [Probleme("", str(exc))]

    def est_deposable(self) -> bool:
        return not erreurs(self.problemes())

    def pieces(self) -> list[Piece]:
        """The pièces in their final order, from the core's one numbering function."""
        try:
            return numeroter(self.dossier(), libelles=self.libelles_effectifs())
        except (DossierInvalide, DossierIllisible):
            return []

    def libelles_effectifs(self) -> dict[str, str]:
        """Staff labels for computed pièces (attempts, démarches), each kept only while the
        pièce at that source still has the label it had when staff renamed it."""
        personnalises = getattr(self, "libelles_personnalises", None) or {}
        if not personnalises:
            return {}
        try:
            calcules = {p.sources[0]: p.libelle for p in numeroter(self.dossier())}
        except (DossierInvalide, DossierIllisible):
            return {}
        return {source: v["libelle"] for source, v in personnalises.items() if calcules.get(source) == v.get("origine")}

    def bilan_tentatives(self) -> BilanTentatives:
        """Attempts so far (the live rule on the attempts screens)."""
        return bilan_des_dates(_date(t.date) for t in self.tentatives.elements if hasattr(t, "date"))

    def juridiction(self):
        return juridiction(self.departement)

    # --- the bundle -----------------------------------------------------------------------

    def construire_depot(self) -> list[Probleme]:
        """Build the bundle with the core and keep its files as DAFiles in `self.depot`.
        Returns the blocking problems (and keeps the previous bundle) when it cannot."""
        try:
            dossier = self.dossier()
        except DossierInvalide as exc:
            return exc.problemes
        with tempfile.TemporaryDirectory(prefix="rdv-depot-") as chantier:
            sortie = Path(chantier) / "depot"
            try:
                manifeste = construire(dossier, sortie, limites=LIMITES, libelles=self.libelles_effectifs())
            except DossierNonDeposable as exc:
                return exc.problemes
            except (ModeleInvalide, PdfImpossible) as exc:
                log(f"rdvrefere: assembly failed: {exc!r}")
                return [Probleme("", f"{exc} Le dossier n'a pas été préparé ; prévenez l'équipe.")]
            except Exception as exc:  # noqa: BLE001 - the client gets a sentence, the log the details
                log(f"rdvrefere: assembly failed: {exc!r}")
                return [Probleme("", "Une erreur inattendue a empêché de préparer le dossier. Vos réponses et vos "
                                     "fichiers sont conservés : réessayez plus tard ou prévenez l'équipe.")]
            self.depot.clear()
            for entree in manifeste.fichiers + [None]:
                nom = entree.fichier if entree else NOM_ZIP
                fichier = self.depot.appendObject()
                fichier.initialize(filename=nom)
                fichier.copy_into(str(sortie / nom))
                fichier.commit()
            self.manifeste = manifeste.as_dict()
            self.construit_le = dt.datetime.now().isoformat(timespec="seconds")
        return []

    def recevoir_depot(self, depot, manifeste, problemes) -> None:
        """Keep what the background assembly produced (docassemble runs it on a copy)."""
        if depot is not None and not problemes:
            self.depot = depot
            self.manifeste = manifeste
        self.problemes_depot = problemes or []
        self.depot_pret = True

    def fichier_du_depot(self, nom: str):
        return next((f for f in self.depot if f.filename == nom), None)

    def lignes_de_telechargement(self) -> list[dict[str, str]]:
        """One line per file of the bundle, from the manifest, for the download screen."""
        roles = {"requete": "Requête (PDF, à déposer)", "requete_docx": "Requête (Word, pour la modifier)",
                 "inventaire": "Inventaire des pièces (PDF)", "inventaire_docx": "Inventaire (Word)",
                 "guide": "Guide de dépôt (texte)"}
        lignes = []
        for entree in (getattr(self, "manifeste", None) or {}).get("fichiers", []):
            fichier = self.fichier_du_depot(entree["fichier"])
            if fichier is None:
                continue
            titre = (f"Pièce n° {entree['numero']} — {entree['libelle']}" if entree["role"] == "piece"
                     else roles.get(entree["role"], entree["fichier"]))
            pages = f"{entree['pages']} p., " if entree.get("pages") else ""
            lignes.append({"titre": titre, "url": fichier.url_for(),
                           "details": f"{entree['fichier']} ({pages}{taille_en_mo(entree['octets'])})"})
        return lignes

    def guide_pour_ecran(self) -> str:
        """The filing guide as Markdown with every user-given text escaped."""
        dossier = self.dossier()
        etapes = etapes_du_depot(numeroter(dossier, libelles=self.libelles_effectifs()), juridiction(dossier.departement))
        blocs = []
        for etape in etapes:
            blocs += [f"#### {texte_sur(etape.titre)}", "", *[f"* {texte_sur(ligne)}" for ligne in etape.lignes], ""]
        return "\n".join(blocs)

    # --- staff ------------------------------------------------------------------------------

    def noter(self, auteur: str, action: str, code: str | None = None) -> None:
        """Record a staff action (who, when, what; `code` names the kind: « approuve », « depose »…)."""
        from .personnel import entree_du_journal  # noqa: PLC0415 - staff module, see personnel.py
        if not hasattr(self, "journal"):
            self.journal = []
        self.journal.append(entree_du_journal(auteur, action, code=code))

    def reprendre_apres_modification(self) -> None:
        """The client reopens the answers: an approval no longer covers what will change."""
        from .personnel import statut_apres_modification  # noqa: PLC0415 - staff module, see personnel.py
        nouveau = statut_apres_modification(self.statut)
        if nouveau != self.statut:
            self.noter("le client", "a rouvert ses réponses : approbation retirée", code="modification_client")
            self.statut = nouveau

    def message_de_statut(self) -> str:
        """What the client is told about the dossier's review (approved, filed with its case number)."""
        from .personnel import message_pour_le_client  # noqa: PLC0415 - staff module, see personnel.py
        return message_pour_le_client(self.statut, getattr(self, "numero_affaire", None), self.journal)
