"""The staff's rules (issue 5): the list of dossiers, the review statuses, the audit journal.

Plain Python, no docassemble import: the staff screens (`interviews/staff.yml` through
`staff_objects.py`), the client's status line (`DossierClient.message_de_statut`) and the tests
all use these functions.

A dossier's life (`STATUTS`):

    en cours ──(the client finishes)──▶ prêt à relire ──(staff approve)──▶ approuvé ──(filed)──▶ déposé
                                              ▲                              │
                                              └──── any change by staff ─────┘

- **approuvé**: only from « prêt à relire », and only once the bundle has been (re)built since
  the last change with no blocking error — staff approve what they have looked at, not a dossier
  still being written (a client who has not finished is « en cours »).
- **déposé**: only from « approuvé », with the case number the court gave (Télérecours shows it
  when the requête is registered: 7 digits, « 2612345 », sometimes a chamber « 2612345/1 »).
- Any change staff make to an approved dossier withdraws the approval (back to « prêt à
  relire »): the approved bundle no longer matches. A filed dossier is frozen: the court has it.
- « Retirer l'approbation » takes an approved dossier back to « prêt à relire ».

Every staff action is written in the dossier's journal as `{quand, qui, quoi, code}`:
`code` (« approuve », « depose », « piece »…) lets the client's status line find the date of
the approval or of the filing without parsing French.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .dates import date_longue
from .dossier import TYPES_BLOCAGE
from .juridictions import JuridictionInconnue, juridiction
from .mots import Texte
from .tentatives import bilan_des_dates

__all__ = [
    "PRIVILEGE_PERSONNEL", "STATUTS", "EN_COURS", "PRET_A_RELIRE", "APPROUVE", "DEPOSE", "ActionRefusee",
    "ResumeDossier", "resumer", "plier", "filtrer", "transition", "statut_apres_modification",
    "normaliser_numero_affaire", "message_pour_le_client", "entree_du_journal", "lignes_du_journal",
    "date_heure_longue", "remplacer_requete", "PIECES_NON_RETIRABLES",
    "ORDONNANCE_RECUE", "EXECUTION_DEMANDEE", "EXECUTEE", "REJETEE", "APRES_DEPOT", "est_depose",
    "SUITES_DU_DEPOT", "prochaine_echeance",
]

# The docassemble privilege that opens the staff screens (README-staff.md). An admin grants it
# in « Gestion des utilisateurs »; no other docassemble permission is needed (staff read the register).
PRIVILEGE_PERSONNEL = "rdvrefere_personnel"

STATUTS = ("en cours", "prêt à relire", "approuvé", "déposé",
           # after the filing (issue 12 point 5): the ordonnance, then its execution
           "ordonnance reçue", "exécution demandée", "exécutée", "rejetée")
EN_COURS, PRET_A_RELIRE, APPROUVE, DEPOSE, ORDONNANCE_RECUE, EXECUTION_DEMANDEE, EXECUTEE, REJETEE = STATUTS
# The statuses of a dossier the court has: frozen (nothing staff may change in the requête).
APRES_DEPOT = (DEPOSE, ORDONNANCE_RECUE, EXECUTION_DEMANDEE, EXECUTEE, REJETEE)
# What may follow each status after the filing (staff only): the ordonnance comes back; it
# rejects the référé, or orders an appointment that comes (exécutée) or not (exécution demandée,
# then exécutée when the préfet finally gives the appointment).
SUITES_DU_DEPOT = {
    DEPOSE: (ORDONNANCE_RECUE,),
    ORDONNANCE_RECUE: (EXECUTEE, EXECUTION_DEMANDEE, REJETEE),
    EXECUTION_DEMANDEE: (EXECUTEE,),
}


def est_depose(statut: str | None) -> bool:
    """Filed at the court, whatever came after (the ordonnance, its execution)."""
    return statut in APRES_DEPOT

# Attempts are the heart of the case (CE 10 juin 2020 n° 435594): their pièce is removed by
# removing the attempts themselves in the client's answers, never silently by staff.
PIECES_NON_RETIRABLES = ("tentatives",)


class ActionRefusee(Exception):
    """A staff action the rules forbid; `str()` is the French reason, shown as is."""


# --- the list ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResumeDossier:
    """One line of the staff's list of dossiers."""

    session: str
    nom: str                                  # « Awa DIALLO », or « (nom pas encore donné) »
    departement: str                          # « 93 — Seine-Saint-Denis », or « — »
    blocage: str                              # « aucun créneau proposé », or « — »
    tentatives: int
    semaines: int                             # distinct ISO weeks (CE 435594)
    statut: str
    derniere_modification: dt.datetime | None
    utilisateur: int | None = None            # the client's docassemble user id

    @property
    def derniere_modification_texte(self) -> str:
        return date_heure_longue(self.derniere_modification) if self.derniere_modification else "—"


def _date(valeur: object) -> dt.date | None:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, str):
        for forme in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(valeur.strip(), forme).date()
            except ValueError:
                continue
    return None


def _instant(valeur: object) -> dt.datetime | None:
    if isinstance(valeur, dt.datetime):
        return valeur.replace(tzinfo=None) if valeur.tzinfo else valeur
    if isinstance(valeur, str):
        try:
            return _instant(dt.datetime.fromisoformat(valeur))
        except ValueError:
            return None
    return None


def resumer(donnees: dict, *, session: str, statut: str, journal: Iterable[dict] = (),
            modifie_le: dt.datetime | None = None, utilisateur: int | None = None) -> ResumeDossier:
    """Summarise a dossier for the list, from the core's dossier data (`DossierClient.donnees()`,
    possibly incomplete: a client still answering). The attempts are counted, with their
    distinct weeks, by the core's rule (`tentatives.bilan_des_dates`). The last change is the
    later of the session's save time and the journal's last entry."""
    requerant = donnees.get("requerant") or {}
    nom = " ".join(part for part in (str(requerant.get("prenoms") or "").strip(),
                                     str(requerant.get("nom") or "").strip().upper()) if part)
    code = donnees.get("departement")
    try:
        departement = f"{juridiction(code).code} — {juridiction(code).departement}" if code else "—"
    except JuridictionInconnue:
        departement = str(code)
    type_blocage = (donnees.get("blocage") or {}).get("type")
    dates = [d for d in (_date(t.get("date")) for t in donnees.get("tentatives") or []) if d]
    bilan = bilan_des_dates(dates)
    instants = [i for i in [_instant(modifie_le), *(_instant(e.get("quand")) for e in journal)] if i]
    return ResumeDossier(
        session=session, nom=nom or "(nom pas encore donné)", departement=departement,
        blocage=TYPES_BLOCAGE.get(type_blocage, "—") if type_blocage else "—",
        tentatives=bilan.nombre, semaines=bilan.nombre_de_semaines,
        statut=statut if statut in STATUTS else EN_COURS,
        derniere_modification=max(instants) if instants else None, utilisateur=utilisateur)


def plier(texte: object) -> str:
    """Text folded for searching: no accents, no case, single spaces (« Élodie » → « elodie »)."""
    texte = unicodedata.normalize("NFKD", str(texte or ""))
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return " ".join(texte.casefold().replace("œ", "oe").replace("æ", "ae").split())


def filtrer(resumes: Iterable[ResumeDossier], *, statut: str | None = None,
            recherche: str | None = None) -> list[ResumeDossier]:
    """The dossiers with that status (all when None or « tous ») whose name contains every word
    of `recherche`, accents and case ignored; the most recently changed first."""
    mots = plier(recherche).split()
    gardes = [r for r in resumes
              if (not statut or statut == "tous" or r.statut == statut)
              and all(mot in plier(r.nom) for mot in mots)]
    return sorted(gardes, key=lambda r: r.derniere_modification or dt.datetime.min, reverse=True)


# --- statuses ------------------------------------------------------------------------------

_NUMERO_AFFAIRE = re.compile(r"^(\d{7})(?:/(\d{1,2}))?$")


def normaliser_numero_affaire(texte: object) -> str:
    """The court's case number, as registered by Télérecours: 7 digits (year on two digits, then
    a sequence: « 2612345 »), sometimes followed by a chamber (« 2612345/1 »). Spaces, dots and a
    leading « n° » are tolerated and removed. ActionRefusee otherwise."""
    brut = str(texte or "").strip()
    propre = re.sub(r"^(n\s*°|no\.?|numéro)\s*", "", brut, flags=re.IGNORECASE)
    propre = re.sub(r"[\s.\u00a0\u202f]", "", propre)
    trouve = _NUMERO_AFFAIRE.match(propre)
    if not trouve:
        raise ActionRefusee(f"« {brut} » n'est pas un numéro d'affaire : le tribunal donne 7 chiffres, "
                            "par exemple 2612345, parfois suivis de la chambre (2612345/1).")
    return trouve.group(1) + (f"/{trouve.group(2)}" if trouve.group(2) else "")


def transition(actuel: str, nouveau: str, *, erreurs_bloquantes: int = 0, depot_a_jour: bool = False,
               numero_affaire: str | None = None) -> str:
    """Check a status change asked by staff; return the new status or raise ActionRefusee with
    the reason (see the module docstring for the rules)."""
    if nouveau not in STATUTS:
        raise ActionRefusee(f"Statut inconnu : « {nouveau} ».")
    if nouveau == APPROUVE:
        if actuel != PRET_A_RELIRE:
            raise ActionRefusee({
                EN_COURS: "Le client n'a pas fini de répondre : le dossier ne peut pas encore être approuvé.",
                APPROUVE: "Le dossier est déjà approuvé.",
            }.get(actuel, "Le dossier est déjà déposé."))
        if erreurs_bloquantes:
            raise ActionRefusee("Le dossier a encore des erreurs bloquantes : corrigez-les avant de l'approuver.")
        if not depot_a_jour:
            raise ActionRefusee("Régénérez d'abord le dossier de dépôt : l'approbation porte sur les fichiers "
                                "que vous avez vus.")
        return APPROUVE
    if nouveau == DEPOSE:
        if actuel != APPROUVE:
            raise ActionRefusee("Seul un dossier approuvé peut être marqué comme déposé.")
        normaliser_numero_affaire(numero_affaire)
        return DEPOSE
    if nouveau == PRET_A_RELIRE and actuel == APPROUVE:
        return PRET_A_RELIRE  # « retirer l'approbation »
    if nouveau in APRES_DEPOT and nouveau != DEPOSE:
        if nouveau not in SUITES_DU_DEPOT.get(actuel, ()):
            if actuel not in APRES_DEPOT:
                raise ActionRefusee("Seul un dossier déposé au tribunal peut recevoir une ordonnance.")
            raise ActionRefusee(f"Le dossier ne peut pas passer de « {actuel} » à « {nouveau} » "
                                f"(suites possibles : {', '.join(SUITES_DU_DEPOT.get(actuel, ())) or 'aucune'}).")
        return nouveau
    raise ActionRefusee(f"Le dossier ne peut pas passer de « {actuel} » à « {nouveau} ».")


def statut_apres_modification(statut: str) -> str:
    """The status after staff change the dossier's content: a filed dossier cannot change
    (ActionRefusee); an approved one goes back to « prêt à relire »."""
    if est_depose(statut):
        raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être modifié ici.")
    return PRET_A_RELIRE if statut == APPROUVE else statut


# --- the journal and the client's status line -------------------------------------------------

def entree_du_journal(qui: str, quoi: str, *, code: str | None = None, quand: dt.datetime | None = None) -> dict:
    """One audit entry: who (the staff member's e-mail), when (ISO, to the second), what (French)."""
    entree = {"quand": (quand or dt.datetime.now()).isoformat(timespec="seconds"), "qui": str(qui), "quoi": str(quoi)}
    if code:
        entree["code"] = code
    return entree


def date_heure_longue(instant: dt.datetime | str) -> str:
    """« 3 novembre 2026 à 14 h 05 »."""
    valeur = _instant(instant)
    if valeur is None:
        return str(instant)
    return f"{date_longue(valeur.date())} à {valeur.hour} h {valeur.minute:02d}"


def lignes_du_journal(journal: Iterable[dict]) -> list[str]:
    """The journal for the dossier screen, newest first: « 3 novembre 2026 à 14 h 05 — qui — quoi »."""
    entrees = sorted(journal, key=lambda e: str(e.get("quand", "")), reverse=True)
    return [f"{date_heure_longue(e.get('quand', ''))} — {e.get('qui', '?')} — {e.get('quoi', '')}" for e in entrees]


def _derniere(journal: Iterable[dict], code: str) -> dict | None:
    trouvees = [e for e in journal if e.get("code") == code]
    return max(trouvees, key=lambda e: str(e.get("quand", ""))) if trouvees else None


def _le(entree: dict | None) -> str:
    instant = _instant(entree.get("quand")) if entree else None
    return Texte(" le {date}", date=instant.date()) if instant else ""


def message_pour_le_client(statut: str, numero_affaire: str | None, journal: Iterable[dict]) -> str:
    """What the client is told about the review of the dossier, in one or two French sentences
    (the staff member is not named: « l'équipe »); a mots.Texte, which the client's screen
    shows in the page's language."""
    journal = list(journal or [])
    if est_depose(statut):
        numero = Texte(" ; numéro d'affaire {numero}", numero=numero_affaire) if numero_affaire else ""
        suite = {ORDONNANCE_RECUE: Texte(" L'équipe a reçu l'ordonnance du juge."),
                 EXECUTION_DEMANDEE: Texte(" L'équipe sait que vous avez demandé au tribunal de faire exécuter l'ordonnance."),
                 EXECUTEE: Texte(" L'équipe sait que la préfecture vous a donné un rendez-vous."),
                 REJETEE: Texte(" L'équipe sait que le juge a rejeté la demande.")}.get(statut, "")
        return Texte("Votre requête a été déposée au tribunal{le}{numero}. "
                     "Le tribunal vous écrira sur Télérecours citoyens : gardez ce numéro.{suite}",
                     le=_le(_derniere(journal, "depose")), numero=numero, suite=suite)
    if statut == APPROUVE:
        return Texte("Votre dossier a été approuvé{le} par l'équipe. "
                     "Les fichiers ci-dessous sont ceux qu'elle a vérifiés.", le=_le(_derniere(journal, "approuve")))
    if statut == PRET_A_RELIRE:
        return Texte("Votre dossier a été transmis à l'équipe, qui va le relire. Cette page vous dira quand "
                     "il aura été approuvé.")
    return Texte("Votre dossier n'est pas encore terminé : l'équipe le relira quand vous aurez répondu à toutes les questions.")


# --- an edited requête ---------------------------------------------------------------------------

def _pages(pdf: Path) -> int:
    import pikepdf  # noqa: PLC0415 - only here
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def remplacer_requete(archive: Path, docx: Path, dossier_sortie: Path) -> dict:
    """Put a requête edited in Word into a built bundle: unpack `archive` (the bundle's zip) into
    `dossier_sortie`, replace the requête's DOCX by `docx`, remake its PDF from it
    (`requete.pdf_depuis_docx`: DocxIllisible / PdfImpossible with a French message), update the
    manifest's size, pages and sha256 of both, write the zip again; return the new manifest.
    The pièces, their numbers and the inventory are untouched."""
    from .bundle import sha256_du_fichier  # noqa: PLC0415 - the bundle's own hashing, only here
    from .requete import pdf_depuis_docx  # noqa: PLC0415 - LibreOffice path, only here

    archive, docx, dossier_sortie = Path(archive), Path(docx), Path(dossier_sortie)
    dossier_sortie.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zip_:
        for nom in zip_.namelist():
            if "/" in nom or "\\" in nom or nom.startswith(".."):
                raise ActionRefusee(f"L'archive contient un chemin inattendu : « {nom} ».")
        zip_.extractall(dossier_sortie)
    manifeste = json.loads((dossier_sortie / "manifest.json").read_text(encoding="utf-8"))
    par_role = {f["role"]: f for f in manifeste["fichiers"]}
    if "requete" not in par_role or "requete_docx" not in par_role:
        raise ActionRefusee("Ce dossier de dépôt n'a pas de requête : régénérez-le d'abord.")
    cible_docx = dossier_sortie / par_role["requete_docx"]["fichier"]
    cible_pdf = dossier_sortie / par_role["requete"]["fichier"]
    nouveau_pdf = dossier_sortie / ".requete-modifiee.pdf"
    pdf_depuis_docx(docx, nouveau_pdf)  # first: a failure leaves the bundle as it was
    shutil.copyfile(docx, cible_docx)
    nouveau_pdf.replace(cible_pdf)
    for role, chemin in (("requete", cible_pdf), ("requete_docx", cible_docx)):
        par_role[role].update(octets=chemin.stat().st_size, sha256=sha256_du_fichier(chemin),
                              pages=_pages(chemin) if chemin.suffix == ".pdf" else None)
    manifeste["requete_modifiee_le"] = dt.datetime.now().isoformat(timespec="seconds")
    (dossier_sortie / "manifest.json").write_text(json.dumps(manifeste, ensure_ascii=False, indent=2), encoding="utf-8")
    nom_zip = archive.name
    (dossier_sortie / nom_zip).unlink(missing_ok=True)
    with zipfile.ZipFile(dossier_sortie / nom_zip, "w", compression=zipfile.ZIP_DEFLATED) as zip_:
        for chemin in sorted(dossier_sortie.iterdir()):
            if chemin.name != nom_zip and not chemin.name.startswith("."):
                compression = zipfile.ZIP_STORED if chemin.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                zip_.write(chemin, chemin.name, compress_type=compression)
    return manifeste


# --- after the filing: the ordonnance the client sent (issue 12 point 5) ------------------------

def _sans_fichiers(donnees: object) -> object:
    if isinstance(donnees, dict):
        return {cle: _sans_fichiers(valeur) for cle, valeur in donnees.items() if cle != "fichiers"}
    if isinstance(donnees, list):
        return [_sans_fichiers(valeur) for valeur in donnees]
    return donnees


def prochaine_echeance(donnees_ordonnance: dict | None, jour: dt.date | None = None):
    """Where the follow-up of the ordonnance stands on `jour` (ordonnance.etat_a_la_date: its
    `titre` and `prochaine_date`), from the data the client sent (files left aside); None when
    there is none or it cannot be read."""
    from .ordonnance import DossierOrdonnance, Ordonnance, Suivi, etat_a_la_date  # noqa: PLC0415
    if not isinstance(donnees_ordonnance, dict):
        return None
    propres = _sans_fichiers(donnees_ordonnance)
    try:
        ordonnance = Ordonnance.model_validate(propres.get("ordonnance") or {}, context={"racine": Path("/")})
        suivi = Suivi.model_validate(propres.get("suivi") or {}, context={"racine": Path("/")})
    except Exception:  # noqa: BLE001 - a version the core refuses: no deadline shown
        return None
    return etat_a_la_date(DossierOrdonnance.model_construct(ordonnance=ordonnance, suivi=suivi), jour or dt.date.today())
