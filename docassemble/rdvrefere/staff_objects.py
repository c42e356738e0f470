"""The docassemble layer of the staff screens (`interviews/staff.yml`, issue 5).

Staff read and change the clients' sessions of `rdvrefere.yml`; the rules (statuses, list,
journal, client's status line) are in `personnel.py`, the dossier's in the core. How it works
on docassemble (checked against docassemble.webapp 1.10.13, see README-staff.md):

- **Who**: every entry point calls `exiger_personnel()`: a signed-in user holding the privilege
  `PRIVILEGE_PERSONNEL` (or `admin`). The staff interview also refuses everyone else on its
  first block, before any action is run (it calls `process_action()` itself).
- **Listing**: `interview_list(user_id='all', filename=…)` needs the permission
  `access_sessions`, which the server's `permissions:` gives the privilege.
- **Reading and writing** a client's session: `get_session_variables(…, simplify=False)` and
  `set_session_variables(…, overwrite=True)` (no back step for the client). docassemble does no
  permission check on these from interview code, hence `exiger_personnel()`. They need the
  session stored unencrypted: the client interview sets `multi_user = True`.
- **Files**: a private upload is served only to the sessions of the browser's cookie, the
  session's users, or users or privileges granted access. While staff work on a client's
  dossier, the code runs « inside » the client's session (`_dans_la_session`, for the time of
  the operation only): the client's uploads can be read, and every file made (regenerated
  bundle, added pièce, edited requête) belongs to the client's session, so the client (and the
  background worker, signed in as the client) reads it like their own. For the staff's browser,
  the dossier's files are opened to the privilege (`DAFile.privilege_access`). No other client
  gets any access.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
import shutil
import tempfile
from pathlib import Path

from docassemble.base.functions import this_thread
from docassemble.base.util import (DAFile, DAFileList, get_session_variables, interview_list, set_session_variables,
                                   url_action, user_has_privilege, user_info, user_logged_in)

from . import bundle as _bundle
from .interview_objects import DossierClient, _chemins, refus_televersement
from .numerotation import Piece, numeroter
from .personnel import (APPROUVE, DEPOSE, PIECES_NON_RETIRABLES, PRET_A_RELIRE, PRIVILEGE_PERSONNEL, STATUTS,
                        ActionRefusee, ResumeDossier, date_heure_longue, filtrer, lignes_du_journal,
                        normaliser_numero_affaire, remplacer_requete, resumer, statut_apres_modification, transition)
from .problemes import erreurs
from .requete import DocxIllisible, PdfImpossible

__all__ = [
    "PRIVILEGE_PERSONNEL", "INTERVIEW_CLIENT", "STATUTS", "ActionRefusee", "est_personnel", "exiger_personnel",
    "auteur", "html_sur", "lister_dossiers", "tableau_des_dossiers", "fiche_du_dossier", "renommer_piece",
    "deplacer_piece", "retirer_piece", "ajouter_piece", "modifier_conclusions", "champs_des_textes",
    "modifier_textes", "regenerer", "remplacer_requete_par_docx", "changer_statut", "libelle_actuel",
    "client_autorise", "CATEGORIES_AJOUT", "executer", "ouvrir_fiche", "valeur_du_client", "refus_televersement",
    "normaliser_numero_affaire", "probleme_de_numero",
]

INTERVIEW_CLIENT = "docassemble.rdvrefere:data/questions/rdvrefere.yml"
CATEGORIES_AJOUT = {"identite": "Identité", "sejour": "Séjour (titre, récépissé, visa)",
                    "domicile": "Domicile", "autre": "Autre pièce"}
_FIXES = {"piece_identite": "identite", "piece_sejour": "sejour", "piece_domicile": "domicile"}
_SESSION = re.compile(r"^[A-Za-z0-9]{8,64}$")
_CLE_TEMPORAIRE = "rdvrefere-personnel:dossier-en-cours"


# --- who may ---------------------------------------------------------------------------------

def est_personnel() -> bool:
    """A signed-in user with the staff privilege (or an administrator)."""
    return bool(user_logged_in() and user_has_privilege([PRIVILEGE_PERSONNEL, "admin"]))


def exiger_personnel() -> None:
    if not est_personnel():
        raise ActionRefusee("Cette action est réservée à l'équipe.")


def auteur() -> str:
    """Who acts, for the journal: the staff member's e-mail."""
    return str(user_info().email) if user_logged_in() else "?"


def client_autorise(client: DossierClient) -> bool:
    """The client interview's guard (staff_garde.yml): the session belongs to the user who
    started it. Another signed-in user who reached it by its URL is refused (staff excepted), and
    the link docassemble made between them and this session is undone, so that they cannot
    open its files either."""
    moi = user_info().id if user_logged_in() else None
    if not hasattr(client, "proprietaire"):
        client.proprietaire = moi
        return True
    if client.proprietaire in (None, moi) or est_personnel():
        return True
    _oublier_le_lien(moi)
    return False


def _oublier_le_lien(utilisateur: int | None) -> None:
    """Delete the row docassemble writes when a user opens a session by its URL (it lists the
    session under « Mes entretiens » and opens its files to that user)."""
    if utilisateur is None:
        return
    from sqlalchemy import delete  # noqa: PLC0415 - server only
    from docassemble.webapp.extensions import db  # noqa: PLC0415
    from docassemble.webapp.interview.models import UserDictKeys  # noqa: PLC0415
    session = this_thread.current_info.get("session")
    db.session.execute(delete(UserDictKeys).where(UserDictKeys.key == session, UserDictKeys.user_id == utilisateur))
    db.session.commit()


# --- escaping ----------------------------------------------------------------------------------

_ENTITES = {c: f"&#{ord(c)};" for c in "[]{}$*_`\\#|~!^%"}


def html_sur(texte: object) -> str:
    """User text for an HTML block of a staff screen: HTML-escaped, and every character that
    Markdown, docassemble's markup (« [FILE …] », « [BR] ») or MathJax would read replaced by
    its entity: shown literally, never interpreted."""
    return "".join(_ENTITES.get(c) or html.escape(c, quote=True) for c in str(texte if texte is not None else ""))


# --- reading and writing a client's session ---------------------------------------------------

@contextlib.contextmanager
def _dans_la_session(session: str):
    """Run as if in the client's session: its private files can be read, new files belong to it."""
    from flask import session as session_du_navigateur  # noqa: PLC0415 - server only

    info = this_thread.current_info
    avant = (info.get("session"), getattr(this_thread, "session_id", None))
    # new files are numbered for the current session (get_uid()); the interview file stays the
    # staff's, so that url_action() links stay on staff.yml
    info["session"] = session
    this_thread.session_id = session
    # docassemble serves a private file to the sessions of the browser's cookie: the client's
    # session is added for the time of the operation only (removed before the response)
    sessions = session_du_navigateur.setdefault("sessions", {})
    sessions[_CLE_TEMPORAIRE] = {"uid": session, "encrypted": False, "key_logged": True, "chatstatus": "off"}
    try:
        yield
    finally:
        sessions.pop(_CLE_TEMPORAIRE, None)
        session_du_navigateur.modified = True
        info["session"] = avant[0]
        this_thread.session_id = avant[1]


def _charger(session: str) -> DossierClient:
    exiger_personnel()
    if not isinstance(session, str) or not _SESSION.match(session):
        raise ActionRefusee("Dossier introuvable.")
    try:
        donnees = get_session_variables(INTERVIEW_CLIENT, session, simplify=False)
    except Exception:  # noqa: BLE001 - docassemble raises DAException for a missing session
        raise ActionRefusee("Dossier introuvable : la session a peut-être été supprimée.") from None
    client = donnees.get("client") if isinstance(donnees, dict) else None
    if not isinstance(client, DossierClient):
        raise ActionRefusee("Ce dossier n'a pas encore de réponses.")
    for attribut, defaut in (("libelles_personnalises", {}), ("depot_a_jour", False), ("journal", []),
                             ("statut", "en cours")):
        if not hasattr(client, attribut):
            setattr(client, attribut, defaut)
    return client


def _enregistrer(session: str, client: DossierClient) -> None:
    set_session_variables(INTERVIEW_CLIENT, session, {"client": client}, overwrite=True)


@contextlib.contextmanager
def _modifier(session: str, quoi: str, *, code: str = "modification", contenu: bool = True):
    """Load the client's dossier, run the change inside the client's session, record it in the
    journal and save. `contenu`: the change touches the dossier's content (approval withdrawn,
    bundle out of date; refused once filed)."""
    client = _charger(session)
    statut_avant = client.statut
    if contenu:
        client.statut = statut_apres_modification(client.statut)
    with _dans_la_session(session):
        yield client
    if contenu:
        client.depot_a_jour = False
        if statut_avant == APPROUVE and client.statut != APPROUVE:
            quoi += " (approbation retirée : le dossier a changé)"
    client.noter(auteur(), quoi, code=code)
    _enregistrer(session, client)


# --- the list ----------------------------------------------------------------------------------

def lister_dossiers() -> list[ResumeDossier]:
    """Every session of the client interview that has a dossier, summarised (personnel.resumer)."""
    exiger_personnel()
    resumes, suivant = [], None
    while True:
        elements, suivant = interview_list(user_id="all", filename=INTERVIEW_CLIENT, next_id=suivant)
        for element in elements:
            client = (element.get("dict") or {}).get("client")
            if not isinstance(client, DossierClient):
                continue
            resumes.append(resumer(_donnees_legeres(client), session=element["session"], statut=getattr(client, "statut", "en cours"),
                                   journal=getattr(client, "journal", []), modifie_le=_heure_locale(element.get("utc_modtime")),
                                   utilisateur=element.get("user_id")))
        if not suivant:
            return resumes


def _heure_locale(utc: object) -> dt.datetime | None:
    """docassemble's UTC save time, in the server's local time (as the journal's entries)."""
    if not isinstance(utc, dt.datetime):
        return None
    return utc.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def _donnees_legeres(client: DossierClient) -> dict:
    """What the list needs, without touching the files (which belong to other sessions)."""
    r = client.requerant
    return {"requerant": {"nom": getattr(r, "nom", ""), "prenoms": getattr(r, "prenoms", "")},
            "departement": getattr(client, "departement", None),
            "blocage": {"type": getattr(client, "type_blocage", None)},
            "tentatives": [{"date": getattr(t, "date", None)} for t in client.tentatives.elements]}


def tableau_des_dossiers(statut: str | None, recherche: str | None) -> str:
    """The list as an HTML table, every client text escaped, each name a link to the dossier."""
    lignes = filtrer(lister_dossiers(), statut=statut, recherche=recherche)
    if not lignes:
        return "<p><em>Aucun dossier ne correspond.</em></p>"
    corps = "".join(
        f'<tr><td><a href="{html.escape(url_action("ouvrir_dossier", session=r.session))}">{html_sur(r.nom)}</a></td>'
        f"<td>{html_sur(r.departement)}</td><td>{html_sur(r.blocage)}</td>"
        f"<td>{r.tentatives} sur {r.semaines} semaine{'s' if r.semaines > 1 else ''}</td>"
        f"<td>{html_sur(r.statut)}</td><td>{html_sur(r.derniere_modification_texte)}</td></tr>"
        for r in lignes)
    return ('<table class="table table-sm table-striped rdv-dossiers"><thead><tr><th>Requérant</th><th>Département</th>'
            "<th>Blocage</th><th>Tentatives</th><th>Statut</th><th>Dernière modification</th></tr></thead>"
            f"<tbody>{corps}</tbody></table>")


# --- one dossier --------------------------------------------------------------------------------

def _fichiers_du_client(client: DossierClient) -> list[DAFile]:
    """Every DAFile the dossier holds (uploads and the bundle)."""
    trouves: list[DAFile] = []

    def ajouter(valeur):
        if isinstance(valeur, DAFileList):
            trouves.extend(f for f in valeur if isinstance(f, DAFile))
        elif isinstance(valeur, DAFile):
            trouves.append(valeur)
    for attribut in _FIXES:
        ajouter(getattr(client, attribut, None))
    for liste, attribut in ((client.tentatives, "captures"), (client.demarches, "fichiers"),
                            (client.circonstances, "fichiers"), (client.autres_pieces, "fichiers")):
        for element in liste.elements:
            ajouter(getattr(element, attribut, None))
    for fichier in client.depot:
        ajouter(fichier)
    return trouves


def _pieces(client: DossierClient) -> list[Piece]:
    try:
        return numeroter(client.dossier(), libelles=client.libelles_effectifs())
    except Exception:  # noqa: BLE001 - DossierInvalide: shown with the problems
        return []


def _cible(client: DossierClient, source: str) -> tuple[str, object]:
    """What a pièce's first source is in the client's answers: (« fixe », attribute),
    (« autre » | « tentative » | « demarche » | « circonstance », element)."""
    trouve = re.match(r"^(pieces|tentatives|demarches|urgence\.circonstances)\[(\d+)\]$", source or "")
    if not trouve:
        raise ActionRefusee("Pièce introuvable.")
    liste, rang = trouve.group(1), int(trouve.group(2))
    if liste == "pieces":
        fixes = [a for a in _FIXES if _a_des_fichiers(getattr(client, a, None))]  # as DossierClient._pieces_fixes
        if rang <= len(fixes):
            return "fixe", fixes[rang - 1]
        elements, genre = client.autres_pieces.elements, "autre"
        rang -= len(fixes)
    else:
        elements, genre = {"tentatives": (client.tentatives.elements, "tentative"),
                           "demarches": (client.demarches.elements, "demarche"),
                           "urgence.circonstances": (client.circonstances.elements, "circonstance")}[liste]
    if not 1 <= rang <= len(elements):
        raise ActionRefusee("Pièce introuvable : le dossier a changé entre-temps, rechargez la page.")
    return genre, elements[rang - 1]


def _a_des_fichiers(valeur: object) -> bool:
    return bool(_chemins(valeur))


def _depot_par_nom(client: DossierClient) -> dict[str, DAFile]:
    return {f.filename: f for f in client.depot}


def _bouton(libelle: str, action: str, couleur: str = "outline-secondary", confirmer: str | None = None, **args) -> str:
    clic = f' onclick="return confirm(\'{html_sur(confirmer)}\')"' if confirmer else ""
    return (f'<a class="btn btn-sm btn-{couleur} me-1 mb-1" href="{html.escape(url_action(action, **args))}"{clic}>'
            f"{html_sur(libelle)}</a>")


class Fiche:
    """Everything the dossier screen shows, computed once per screen (plain values and HTML)."""

    def __init__(self, session: str):
        client = _charger(session)
        self.session = session
        self.statut = client.statut
        self.numero_affaire = getattr(client, "numero_affaire", None)
        self.depot_a_jour = bool(client.depot_a_jour)
        self.requete_modifiee = bool(getattr(client, "requete_modifiee", False))
        with _dans_la_session(session):
            for fichier in _fichiers_du_client(client):
                with contextlib.suppress(Exception):
                    fichier.privilege_access(PRIVILEGE_PERSONNEL)
            donnees = client.donnees()
            self.resume = resumer(donnees, session=session, statut=client.statut, journal=client.journal)
            self.problemes = client.problemes()
            self.pieces = _pieces(client)
            self.html_reponses = self._reponses(client, donnees)
            self.html_pieces = self._tableau_des_pieces(client)
            depot = _depot_par_nom(client)
            self.url_zip = depot[_bundle.NOM_ZIP].url_for(attachment=True) if _bundle.NOM_ZIP in depot else None
            self.liens_requete = [(nom, depot[nom].url_for()) for nom in ("Requete.pdf", "Requete.docx") if nom in depot]
            self.construit_le = getattr(client, "construit_le", None)
        self.erreurs = erreurs(self.problemes)
        self.journal = lignes_du_journal(client.journal)
        self.message_client = client.message_de_statut()

    @property
    def construit_le_texte(self) -> str:
        return date_heure_longue(self.construit_le) if self.construit_le else "jamais"

    def html_problemes(self) -> str:
        if not self.problemes:
            return "<p>Aucun problème signalé par la vérification.</p>"
        items = "".join(f"<li><strong>{'Bloquant' if p.gravite == 'erreur' else 'Avertissement'}</strong> — "
                        f"{html_sur(p.chemin + ' : ' if p.chemin else '')}{html_sur(p.message)}</li>" for p in self.problemes)
        return f'<ul class="rdv-problemes">{items}</ul>'

    def html_journal(self) -> str:
        if not self.journal:
            return "<p><em>Aucune action de l'équipe pour l'instant.</em></p>"
        return '<ul class="rdv-journal">' + "".join(f"<li>{html_sur(ligne)}</li>" for ligne in self.journal) + "</ul>"

    @staticmethod
    def _reponses(client: DossierClient, donnees: dict) -> str:
        r = donnees.get("requerant", {})
        demande, blocage, conclusions = donnees.get("demande", {}), donnees.get("blocage", {}), donnees.get("conclusions", {})
        lignes = [
            ("Requérant", f"{r.get('prenoms', '')} {str(r.get('nom', '')).upper()} ({r.get('sexe', '?')}), né(e) le "
                          f"{r.get('date_naissance', '?')} à {r.get('lieu_naissance', '?')}, {r.get('nationalite', '?')}"),
            ("Contact", f"{r.get('adresse', '')} — {r.get('telephone', '')} — {r.get('courriel', '')}"),
            ("Numéro étranger", r.get("numero_etranger", "—")),
            ("Département", donnees.get("departement") or "—"),
            ("Demande", f"{demande.get('nature') or '—'} : {demande.get('titre') or '—'}"
                        + (f" (expire le {demande['date_expiration']})" if demande.get("date_expiration") else "")),
            ("Blocage", f"{blocage.get('type') or '—'} — {blocage.get('plateforme') or '—'}"),
        ]
        lignes += [(f"Tentative n° {i}", f"{t.get('date')} à {t.get('heure')} : {t.get('constat')}")
                   for i, t in enumerate(donnees.get("tentatives", []), 1)]
        lignes += [(f"Démarche n° {i}", f"{d.get('date')} — {d.get('nature')} : {d.get('description')} — "
                                        f"{d.get('resultat') or 'restée sans réponse'}")
                   for i, d in enumerate(donnees.get("demarches", []), 1)]
        lignes += [(f"Urgence n° {i}", c.get("texte")) for i, c in enumerate(donnees["urgence"]["circonstances"], 1)]
        if donnees["urgence"].get("oqtf_non_executee"):
            lignes.append(("OQTF", "une OQTF non exécutée a été signalée"))
        lignes.append(("Demandes au juge", ", ".join(f"{cle} = {valeur}" for cle, valeur in conclusions.items()) or "—"))
        corps = "".join(f"<tr><th>{html_sur(titre)}</th><td>{html_sur(valeur)}</td></tr>" for titre, valeur in lignes)
        return f'<table class="table table-sm rdv-reponses"><tbody>{corps}</tbody></table>'

    def _apercu(self, fichiers_par_chemin: dict[str, DAFile], piece: Piece, depot: dict[str, DAFile]) -> str:
        morceaux = []
        for chemin in piece.fichiers:
            fichier = fichiers_par_chemin.get(str(chemin))
            if fichier is None:
                continue
            url = html.escape(fichier.url_for())
            nom = html_sur(getattr(fichier, "filename", "fichier"))
            if str(getattr(fichier, "mimetype", "") or "").startswith("image/"):
                morceaux.append(f'<a href="{url}" target="_blank"><img src="{url}" alt="{nom}" '
                                f'style="max-width:90px;max-height:120px" class="me-1 border"></a>')
            else:
                morceaux.append(f'<a href="{url}" target="_blank">{nom}</a>')
        if self.depot_a_jour and piece.nom_fichier in depot:
            morceaux.append(f'<a href="{html.escape(depot[piece.nom_fichier].url_for())}" target="_blank">'
                            "PDF tamponné</a>")
        return " ".join(morceaux) or "—"

    def _tableau_des_pieces(self, client: DossierClient) -> str:
        if not self.pieces:
            return "<p><em>Pas encore de pièce numérotée (le dossier est incomplet).</em></p>"
        fichiers_par_chemin = {}
        for fichier in _fichiers_du_client(client):
            with contextlib.suppress(Exception):
                fichiers_par_chemin[str(Path(fichier.path()).resolve())] = fichier
        depot = _depot_par_nom(client)
        lignes = []
        for piece in self.pieces:
            source = piece.sources[0]
            genre = source.split("[")[0]
            boutons = [_bouton("Renommer", "faire_renommer_piece", source=source)]
            if genre in ("pieces", "urgence.circonstances"):
                boutons.append(_bouton("Monter", "faire_deplacer_piece", source=source, sens=-1))
                boutons.append(_bouton("Descendre", "faire_deplacer_piece", source=source, sens=1))
            if genre not in PIECES_NON_RETIRABLES:
                boutons.append(_bouton("Retirer", "faire_retirer_piece", "outline-danger",
                                       confirmer=f"Retirer la pièce n° {piece.numero} du dossier ?", source=source))
            lignes.append(
                f'<tr id="piece-{piece.numero}"><td>{piece.numero}</td><td class="rdv-libelle">{html_sur(piece.libelle)}'
                f"{'<br><small>(case « Acte attaqué »)</small>' if piece.acte_attaque else ''}</td>"
                f"<td><small>{html_sur(piece.nom_fichier)}</small></td>"
                f"<td>{self._apercu(fichiers_par_chemin, piece, depot)}</td><td>{''.join(boutons)}</td></tr>")
        return ('<table class="table table-sm rdv-pieces"><thead><tr><th>N°</th><th>Libellé</th><th>Fichier</th>'
                f"<th>Aperçu</th><th>Actions</th></tr></thead><tbody>{''.join(lignes)}</tbody></table>")


def fiche_du_dossier(session: str) -> Fiche:
    return Fiche(session)


def ouvrir_fiche(session: str) -> Fiche | None:
    """The dossier screen's data, or None when the dossier cannot be opened."""
    try:
        return Fiche(session)
    except ActionRefusee:
        return None


def valeur_du_client(session: str, attribut: str, defaut: object = None) -> object:
    """A value of the client's dossier (to fill a staff form)."""
    valeur = getattr(_charger(session), attribut, None)
    return defaut if valeur is None else valeur


def probleme_de_numero(texte: object) -> str | None:
    """Why a case number typed by staff is refused (personnel.normaliser_numero_affaire), or None."""
    try:
        normaliser_numero_affaire(texte)
    except ActionRefusee as refus:
        return str(refus)
    return None


def executer(action, session: str, *args, reussite: str = "", **kwargs) -> tuple[object, str]:
    """Run a staff action; return (its result, the French notice for the screen). A refusal
    (ActionRefusee) becomes the notice, never an error page."""
    try:
        return action(session, *args, **kwargs), reussite
    except ActionRefusee as refus:
        return None, str(refus)


# --- changing the pièces -----------------------------------------------------------------------

def libelle_actuel(session: str, source: str) -> str:
    client = _charger(session)
    with _dans_la_session(session):
        piece = next((p for p in _pieces(client) if p.sources[0] == source), None)
    if piece is None:
        raise ActionRefusee("Pièce introuvable : le dossier a changé entre-temps.")
    return piece.libelle


def renommer_piece(session: str, source: str, libelle: str) -> None:
    """Give a pièce a new label: in the client's answers when the label is one (other pièces,
    urgency evidence; an identity/stay/address pièce becomes an « other pièce » of the same
    category, in the same place), as a staff label otherwise (attempts, démarches)."""
    libelle = " ".join(str(libelle or "").split())
    if not libelle:
        raise ActionRefusee("Le libellé ne peut pas être vide.")
    if len(libelle) > 200:
        raise ActionRefusee("Le libellé est trop long (200 caractères au plus).")
    ancien = libelle_actuel(session, source)
    with _modifier(session, f"Pièce « {ancien} » renommée « {libelle} »", code="piece") as client:
        genre, cible = _cible(client, source)
        if genre == "fixe":
            nouvelle = _inserer_autre(client, 0)
            nouvelle.libelle, nouvelle.categorie = libelle, _FIXES[cible]
            nouvelle.fichiers = _copie_de_liste(getattr(client, cible), nouvelle.instanceName + ".fichiers")
            setattr(client, cible, None)
        elif genre in ("autre", "circonstance"):
            cible.libelle = libelle
        else:
            origine = next(p.libelle for p in numeroter(client.dossier()) if p.sources[0] == source)
            client.libelles_personnalises[source] = {"libelle": libelle, "origine": origine}


def _inserer_autre(client: DossierClient, position: int):
    """A new « other pièce » at `position` of client.autres_pieces (complete)."""
    nouvelle = client.autres_pieces.appendObject()
    client.autres_pieces.elements.insert(position, client.autres_pieces.elements.pop())
    _renommer_elements(client)
    nouvelle.complete = True
    return nouvelle


def _renommer_elements(client: DossierClient) -> None:
    """Keep each element's docassemble name equal to its place after a move."""
    for rang, element in enumerate(client.autres_pieces.elements):
        element.instanceName = f"{client.autres_pieces.instanceName}[{rang}]"
    for rang, element in enumerate(client.circonstances.elements):
        element.instanceName = f"{client.circonstances.instanceName}[{rang}]"


def _copie_de_liste(fichiers: object, nom: str) -> DAFileList:
    liste = DAFileList(nom)
    if isinstance(fichiers, DAFileList):
        for fichier in fichiers:
            liste.append(fichier)
    elif isinstance(fichiers, DAFile):
        liste.append(fichiers)
    liste.gathered = True
    return liste


def deplacer_piece(session: str, source: str, sens: int) -> None:
    """Move an « other pièce » or an urgency pièce one place up (sens=-1) or down (+1) among the
    pièces of the same kind; the numbering follows."""
    if sens not in (-1, 1):
        raise ActionRefusee("Déplacement inconnu.")
    ancien = libelle_actuel(session, source)
    with _modifier(session, f"Pièce « {ancien} » {'montée' if sens < 0 else 'descendue'} d'un rang", code="piece") as client:
        genre, cible = _cible(client, source)
        if genre == "fixe":
            raise ActionRefusee("Cette pièce vient en tête de sa catégorie ; renommez-la d'abord pour pouvoir la déplacer.")
        if genre not in ("autre", "circonstance"):
            raise ActionRefusee("Les tentatives et les démarches sont rangées par date.")
        elements = client.autres_pieces.elements if genre == "autre" else client.circonstances.elements
        voisins = [i for i, e in enumerate(elements)
                   if (genre == "circonstance" and _a_des_fichiers(getattr(e, "fichiers", None)))
                   or (genre == "autre" and getattr(e, "categorie", "autre") == getattr(cible, "categorie", "autre"))]
        place = voisins.index(elements.index(cible))
        if not 0 <= place + sens < len(voisins):
            raise ActionRefusee("La pièce est déjà " + ("la première" if sens < 0 else "la dernière") + " de sa catégorie.")
        i, j = voisins[place], voisins[place + sens]
        elements[i], elements[j] = elements[j], elements[i]
        _renommer_elements(client)


def retirer_piece(session: str, source: str) -> None:
    """Remove a pièce from the bundle: an « other pièce » is deleted; the files of an
    identity/stay/address pièce, of an urgency circumstance or of a démarche are detached (the
    circumstance and the démarche stay in the requête's text). Attempts cannot be removed here."""
    ancien = libelle_actuel(session, source)
    with _modifier(session, f"Pièce « {ancien} » retirée du dossier", code="piece") as client:
        genre, cible = _cible(client, source)
        if genre == "tentative":
            raise ActionRefusee("Les captures des tentatives prouvent le blocage (CE 10 juin 2020 n° 435594) : "
                                "elles ne se retirent pas ici.")
        if genre == "fixe":
            setattr(client, cible, None)
        elif genre == "autre":
            client.autres_pieces.elements.remove(cible)
            _renommer_elements(client)
        else:
            cible.fichiers = None


def ajouter_piece(session: str, libelle: str, categorie: str, fichiers: DAFileList) -> None:
    """Add a pièce uploaded by staff (checked and converted like a client's upload), as an
    « other pièce » of that category; its files are copied into the client's session."""
    libelle = " ".join(str(libelle or "").split())
    if not libelle:
        raise ActionRefusee("Donnez un libellé à la pièce.")
    if categorie not in CATEGORIES_AJOUT:
        raise ActionRefusee("Catégorie inconnue.")
    refus = refus_televersement(fichiers, f"la pièce « {libelle} »")
    if refus:
        raise ActionRefusee(refus)
    sources = [(f.path(), getattr(f, "filename", None) or "piece") for f in fichiers]
    with _modifier(session, f"Pièce « {libelle} » ajoutée ({CATEGORIES_AJOUT[categorie].lower()})", code="piece") as client:
        nouvelle = client.autres_pieces.appendObject()
        nouvelle.libelle, nouvelle.categorie, nouvelle.complete = libelle, categorie, True
        nouvelle.fichiers = DAFileList(nouvelle.instanceName + ".fichiers")
        for chemin, nom in sources:
            copie = nouvelle.fichiers.appendObject(DAFile)
            copie.initialize(filename=nom)
            copie.copy_into(chemin)
            copie.set_attributes(private=True, persistent=True)
            copie.commit()
        nouvelle.fichiers.gathered = True
        if hasattr(client.autres_pieces, "there_are_any"):
            client.autres_pieces.there_are_any = True


# --- texts and conclusions ------------------------------------------------------------------------

def modifier_conclusions(session: str, delai_jours: int, delai_rdv_jours: int | None, astreinte_euros: int) -> None:
    """Change what the judge is asked (PAR CES MOTIFS): delays and astreinte (L. 911-1 and
    L. 911-3 CJA), within the core's bounds."""
    valeurs = {"delai_jours": delai_jours, "delai_rdv_jours": delai_rdv_jours or None, "astreinte_euros": astreinte_euros}
    for cle, (mini, maxi) in {"delai_jours": (1, 90), "delai_rdv_jours": (1, 180), "astreinte_euros": (0, 1000)}.items():
        valeur = valeurs[cle]
        if valeur is not None and not (isinstance(valeur, int) and mini <= valeur <= maxi):
            raise ActionRefusee(f"Valeur hors limites pour {cle.replace('_', ' ')} : entre {mini} et {maxi}.")
    quoi = (f"Demandes au juge : rendez-vous sous {delai_jours} jours"
            + (f", rendez-vous tenu sous {delai_rdv_jours} jours" if delai_rdv_jours else "")
            + f", astreinte {astreinte_euros} € par jour")
    with _modifier(session, quoi, code="conclusions") as client:
        for cle, valeur in valeurs.items():
            setattr(client, cle, valeur)


def _textes(client: DossierClient) -> list[tuple[str, str, object, str]]:
    """(key, label, element, attribute) of every free text the requête quotes."""
    textes = [("plateforme", "Site utilisé (blocage)", client, "plateforme"), ("titre", "Titre de séjour demandé", client, "titre")]
    textes += [(f"t{i}", f"Tentative n° {i} : ce que le site affichait", t, "constat")
               for i, t in enumerate(client.tentatives.elements, 1)]
    for i, d in enumerate(client.demarches.elements, 1):
        textes += [(f"d{i}", f"Démarche n° {i} : description", d, "description"),
                   (f"r{i}", f"Démarche n° {i} : résultat (vide : « restée sans réponse »)", d, "resultat")]
    textes += [(f"u{i}", f"Urgence n° {i}", c, "texte") for i, c in enumerate(client.circonstances.elements, 1)]
    return textes


def champs_des_textes(session: str, variable: str = "textes_saisis") -> list[dict]:
    """docassemble `fields` for the free texts, filled with the client's current wording."""
    client = _charger(session)
    return [{"label": libelle, "field": f"{variable}['{cle}']", "datatype": "area", "rows": 2,
             "required": attribut != "resultat", "default": str(getattr(element, attribut, "") or "")}
            for cle, libelle, element, attribut in _textes(client)]


def modifier_textes(session: str, saisis: dict) -> None:
    """Write the edited free texts back (only those that changed); each change is journalled."""
    client = _charger(session)
    changes = [(cle, libelle, " ".join(str(saisis[cle]).split()) if saisis[cle] is not None else "")
               for cle, libelle, element, attribut in _textes(client)
               if cle in saisis and str(saisis[cle] or "").strip() != str(getattr(element, attribut, "") or "").strip()]
    for cle, libelle, valeur in changes:
        if not valeur and not cle.startswith("r"):
            raise ActionRefusee(f"{libelle} : le texte ne peut pas être vide.")
    if not changes:
        return
    with _modifier(session, "Textes modifiés : " + ", ".join(libelle for _, libelle, _ in changes), code="textes") as client:
        par_cle = {cle: (element, attribut) for cle, _, element, attribut in _textes(client)}
        for cle, _, valeur in changes:
            element, attribut = par_cle[cle]
            setattr(element, attribut, valeur or ("" if attribut == "resultat" else valeur))


# --- bundle, requête, statuses ---------------------------------------------------------------------

def regenerer(session: str) -> list[str]:
    """Rebuild the bundle with the core (numbering recomputed); return the blocking problems
    (the previous bundle is kept) or []."""
    client = _charger(session)
    statut_avant = client.statut
    if client.statut == DEPOSE:
        raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être régénéré.")
    with _dans_la_session(session):
        problemes = client.construire_depot()
    if problemes:
        client.noter(auteur(), "Régénération impossible : " + " ; ".join(p.message for p in problemes), code="regeneration")
        _enregistrer(session, client)
        return [str(p) for p in problemes]
    client.depot_a_jour, client.depot_pret, client.problemes_depot = True, True, []
    client.requete_modifiee = False
    client.statut = statut_apres_modification(statut_avant)
    client.noter(auteur(), "Dossier de dépôt régénéré" + (" (approbation retirée)" if statut_avant == APPROUVE else ""),
                 code="regeneration")
    _enregistrer(session, client)
    return []


def remplacer_requete_par_docx(session: str, docx: DAFile) -> None:
    """Replace the bundle's requête by a DOCX edited in Word: the PDF is remade from it
    (LibreOffice), the manifest and the zip follow; the pièces are unchanged."""
    chemin_docx = docx.path()
    client = _charger(session)
    if client.statut == DEPOSE:
        raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être modifié ici.")
    if not client.depot_a_jour or _bundle.NOM_ZIP not in _depot_par_nom(client):
        raise ActionRefusee("Régénérez d'abord le dossier de dépôt : la requête modifiée remplace celle de ce dossier.")
    statut_avant = client.statut
    with _dans_la_session(session), tempfile.TemporaryDirectory(prefix="rdv-requete-") as chantier:
        copie = Path(chantier) / "Requete_modifiee.docx"
        shutil.copyfile(chemin_docx, copie)
        depot = _depot_par_nom(client)
        try:
            manifeste = remplacer_requete(Path(depot[_bundle.NOM_ZIP].path()), copie, Path(chantier) / "depot")
        except (DocxIllisible, PdfImpossible) as exc:  # French messages
            raise ActionRefusee(str(exc)) from None
        for entree in manifeste["fichiers"]:
            if entree["role"] in ("requete", "requete_docx") and entree["fichier"] in depot:
                depot[entree["fichier"]].copy_into(str(Path(chantier) / "depot" / entree["fichier"]))
                depot[entree["fichier"]].commit()
        depot[_bundle.NOM_ZIP].copy_into(str(Path(chantier) / "depot" / _bundle.NOM_ZIP))
        depot[_bundle.NOM_ZIP].commit()
    client.manifeste = manifeste
    client.requete_modifiee = True
    client.statut = statut_apres_modification(statut_avant)
    client.noter(auteur(), "Requête remplacée par une version modifiée dans Word (PDF refait)"
                 + (" (approbation retirée)" if statut_avant == APPROUVE else ""), code="requete")
    _enregistrer(session, client)


def changer_statut(session: str, nouveau: str, numero_affaire: str | None = None) -> None:
    """Approve, withdraw the approval, or mark as filed with the court's case number (rules in
    personnel.transition)."""
    client = _charger(session)
    with _dans_la_session(session):
        bloquants = len(erreurs(client.problemes()))
    statut = transition(client.statut, nouveau, erreurs_bloquantes=bloquants, depot_a_jour=bool(client.depot_a_jour),
                        numero_affaire=numero_affaire)
    client.statut = statut
    if statut == DEPOSE:
        client.numero_affaire = normaliser_numero_affaire(numero_affaire)
        client.noter(auteur(), f"Requête déposée au tribunal, numéro d'affaire {client.numero_affaire}", code="depose")
    elif statut == APPROUVE:
        client.noter(auteur(), "Dossier approuvé", code="approuve")
    elif statut == PRET_A_RELIRE:
        client.noter(auteur(), "Approbation retirée", code="desapprouve")
    _enregistrer(session, client)

