"""The docassemble layer of the staff screens (`interviews/staff.yml`, issues 5 and 8).

Staff work on dossiers transmis (`registre.py`), never on a client's session: clients' sessions
are encrypted and nobody else can read or write them. The rules are in the core (`personnel.py`
for statuses and the journal, `transmission.py` for corrections, `chantier.py` to check, number
and build); this module only checks who acts, renders the screens and passes on what staff
typed.

- **Who**: every entry point calls `exiger_personnel()`: a signed-in user holding the privilege
  `PRIVILEGE_PERSONNEL` (or `admin`). staff.yml refuses everyone else on its first block,
  before any action runs.
- **Versions**: every action carries the version of the dossier the staff member was shown
  (`version` in the action's URL or in the pending request); the register refuses a stale one
  with a French message (`registre.DossierModifie`).
- **Files**: a file is opened for the staff member only if it belongs to the dossier on the
  screen (`DossierTransmis.shas()`): its bytes are copied from the register into a private file
  of the staff member's own session (`registre_serveur.ouvrir_contenu`).
- **Client text** is never placed where docassemble evaluates templates: screens get it through
  `html_sur()`, forms get it as the fields' current values (set in code), never as `default:`.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import socket
import sys
import tempfile
from pathlib import Path

from docassemble.base.util import DAFile, log, undefine, url_action, user_has_privilege, user_info, user_logged_in

from . import bundle as _bundle
from .chantier import Chantier, ouvrir_chantier
from .conversion import Limites
from .dossier import (CATEGORIES_PIECE, REPONSES_DEMARCHE, DossierInvalide, NATURES_DEMARCHE, TYPES_BLOCAGE,
                      reponse_de_la_demarche, resume_de_circonstance)
from .interview_objects import _defini, refus_televersement
from .juridictions import JuridictionInconnue, juridiction
from .numerotation import categorie_de_piece
from .ordonnance_serveur import bloc_ordonnance
from .dates import date_longue
from .personnel import (APPROUVE, APRES_DEPOT, EXECUTEE, REJETEE, PRET_A_RELIRE, PRIVILEGE_PERSONNEL, SUITES_DU_DEPOT, ActionRefusee,
                        date_heure_longue, est_depose, filtrer, lignes_du_journal, message_pour_le_client,
                        normaliser_numero_affaire, prochaine_echeance, remplacer_requete, resumer)
from .problemes import erreurs
from .registre import DossierModifie, DossierTransmis
from .registre_serveur import ouvrir_contenu, registre, restriction_des_variables_active
from .requete import DocxIllisible, PdfImpossible
from .transmission import identite_d_element, identite_de_piece, lire_chemin, nom_de_fichier_sur
from .types_fichiers import ACCEPT_TELEVERSEMENT

__all__ = [
    "PRIVILEGE_PERSONNEL", "ActionRefusee", "est_personnel", "exiger_personnel", "auteur", "html_sur",
    "tableau_des_dossiers", "ouvrir_fiche", "renommer_piece", "retirer_piece", "ajouter_piece",
    "modifier_conclusions", "textes_du_dossier", "modifier_textes", "regenerer", "remplacer_requete_par_docx",
    "changer_statut", "libelle_actuel", "conclusions_actuelles", "CATEGORIES_AJOUT", "executer",
    "refus_televersement", "probleme_de_numero", "fichier_du_dossier", "avertissement_configuration",
    "oublier_la_demande", "regenerer_pour_la_tache", "avis_de_regeneration", "ACCEPT_TELEVERSEMENT",
    "tableau_en_preparation", "texte_de_l_echeance", "SUITES_DU_DEPOT",
    "ordonnance_de_depart", "remplir_la_saisie", "probleme_de_l_ordonnance", "saisir_ordonnance",
    "choix_issues_equipe", "choix_motifs_rejet_equipe", "televersement_de_l_ordonnance",
]

LIMITES = Limites()
CATEGORIES_AJOUT = {"identite": "Identité", "sejour": "Séjour (titre, récépissé, visa)",
                    "domicile": "Domicile", "autre": "Autre pièce"}


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


def avertissement_configuration() -> str:
    """A warning for the staff screens when the server accepts any POSTed variable."""
    if restriction_des_variables_active():
        return ""
    return ("Attention : la configuration du serveur ne contient pas « restrict input variables: True ». "
            "Sans ce réglage, un client peut envoyer des variables que ses écrans ne demandent pas. "
            "Demandez à l'administrateur de l'ajouter (README, « Installer le paquet »).")


# --- escaping ----------------------------------------------------------------------------------

_ENTITES = {c: f"&#{ord(c)};" for c in "[]{}$*_`\\#|~!^%"}


def html_sur(texte: object) -> str:
    """User text for an HTML block of a staff screen: HTML-escaped, and every character that
    Markdown, docassemble's markup (« [FILE …] », « [BR] ») or MathJax would read replaced by
    its entity: shown literally, never interpreted."""
    return "".join(_ENTITES.get(c) or html.escape(c, quote=True) for c in str(texte if texte is not None else ""))


# --- reading -----------------------------------------------------------------------------------

def _identifiant(valeur: object) -> int:
    try:
        identifiant = int(str(valeur))
    except (TypeError, ValueError):
        raise ActionRefusee("Dossier introuvable.") from None
    if identifiant <= 0:
        raise ActionRefusee("Dossier introuvable.")
    return identifiant


def _charger(identifiant: object) -> DossierTransmis:
    exiger_personnel()
    transmis = registre().lire(_identifiant(identifiant))
    if transmis is None:
        raise ActionRefusee("Dossier introuvable.")
    return transmis


def tableau_des_dossiers(statut: str | None, recherche: str | None) -> str:
    """The list as an HTML table, every client text escaped, each name a link to the dossier."""
    exiger_personnel()
    transmis = registre().tous()
    resumes = [resumer(d.donnees(), session=str(d.id), statut=d.statut, journal=d.journal, modifie_le=d.modifie_le)
               for d in transmis]
    echeances = {str(d.id): texte_de_l_echeance(d) for d in transmis}
    lignes = filtrer(resumes, statut=statut, recherche=recherche)
    if not lignes:
        return "<p><em>Aucun dossier ne correspond.</em></p>"
    corps = "".join(
        f'<tr><td><a href="{html.escape(url_action("ouvrir_dossier", dossier=r.session))}">{html_sur(r.nom)}</a></td>'
        f"<td>{html_sur(r.departement)}</td><td>{html_sur(r.blocage)}</td>"
        f"<td>{r.tentatives} sur {r.semaines} semaine{'s' if r.semaines > 1 else ''}</td>"
        f"<td>{html_sur(r.statut)}</td><td class=\"rdv-echeance\">{html_sur(echeances.get(r.session) or '—')}</td>"
        f"<td>{html_sur(r.derniere_modification_texte)}</td></tr>"
        for r in lignes)
    return ('<table class="table table-sm table-striped rdv-dossiers"><thead><tr><th>Requérant</th><th>Département</th>'
            "<th>Blocage</th><th>Tentatives</th><th>Statut</th><th>Prochaine échéance</th><th>Dernière modification</th>"
            f"</tr></thead><tbody>{corps}</tbody></table>")


def texte_de_l_echeance(transmis: DossierTransmis, jour: dt.date | None = None) -> str:
    """The next date of the ordonnance's follow-up, from the client's latest version (issue 12):
    « 7 décembre 2026 : en attente du délai donné au préfet »; "" before any ordonnance."""
    if transmis.ordonnance is None or transmis.statut in (EXECUTEE, REJETEE):
        return ""
    etat = prochaine_echeance(transmis.ordonnance.donnees, jour)
    if etat is None:
        return "ordonnance illisible : voir le dossier"
    return (f"{date_longue(etat.prochaine_date)} : " if etat.prochaine_date else "") + etat.titre


# --- the dossiers in preparation (issue 11 point 6, suivi.py) -----------------------------------

_MANQUES_AFFICHES = 3


def _departement_lisible(code: str) -> str:
    if not code:
        return "—"
    try:
        return f"{juridiction(code).code} — {juridiction(code).departement}"
    except JuridictionInconnue:
        return code


def tableau_en_preparation(maintenant: dt.datetime | None = None) -> str:
    """The clients still preparing their dossier (not transmitted), those who stopped coming back
    first (suivi.JOURS_SANS_VISITE), as an HTML table: every value escaped, the session key never shown."""
    exiger_personnel()
    from .suivi import JOURS_SANS_VISITE  # noqa: PLC0415
    from .suivi_serveur import suivis_en_preparation  # noqa: PLC0415
    maintenant = maintenant or dt.datetime.now()
    suivis = suivis_en_preparation()
    if not suivis:
        return "<p><em>Aucun dossier en préparation.</em></p>"
    lignes = []
    for s in suivis:
        arrete = s.a_cesse_de_revenir(maintenant)
        manque = s.manque[:_MANQUES_AFFICHES]
        reste = len(s.manque) - len(manque)
        html_manque = ("<ul class=\"mb-0\">" + "".join(f"<li>{html_sur(m)}</li>" for m in manque)
                       + (f"<li><em>et {reste} autre{'s' if reste > 1 else ''} point{'s' if reste > 1 else ''}</em></li>"
                          if reste else "") + "</ul>") if manque else "<em>rien ne manque au plan ; relecture pas encore terminée</em>"
        contact = []
        if s.courriel:
            contact.append(f'<a href="mailto:{html.escape(s.courriel, quote=True)}">{html_sur(s.courriel)}</a>')
        if s.telephone:
            numero = "".join(c for c in s.telephone if c.isdigit() or c == "+")
            contact.append(f'<a href="tel:{html.escape(numero, quote=True)}">{html_sur(s.telephone)}</a>')
        marque = ' <span class="badge bg-warning text-dark">ne revient plus</span>' if arrete else ""
        lignes.append(
            f'<tr class="{"rdv-arrete" if arrete else "rdv-actif"}"><td>{html_sur(s.nom or "(nom pas encore donné)")}'
            f"{marque}</td><td>{html_sur(_departement_lisible(s.departement))}</td><td>{html_manque}</td>"
            f"<td>{html_sur(s.premiere_visite_texte())}</td><td>{html_sur(s.derniere_visite_texte(maintenant))}</td>"
            f"<td>{'<br>'.join(contact) or '—'}</td></tr>")
    return (f"<p>Sans visite depuis {JOURS_SANS_VISITE} jours ou plus : « ne revient plus », en tête de liste. "
            "Appelez ces personnes pour les aider à continuer.</p>"
            '<table class="table table-sm table-striped rdv-preparation"><thead><tr><th>Requérant</th>'
            "<th>Département</th><th>Ce qui manque</th><th>Première visite</th><th>Dernière visite</th>"
            f"<th>Contact</th></tr></thead><tbody>{''.join(lignes)}</tbody></table>")


def _bouton(libelle: str, action: str, couleur: str = "outline-secondary", confirmer: str | None = None, **args) -> str:
    clic = f' onclick="return confirm(\'{html_sur(confirmer)}\')"' if confirmer else ""
    return (f'<a class="btn btn-sm btn-{couleur} me-1 mb-1" href="{html.escape(url_action(action, **args))}"{clic}>'
            f"{html_sur(libelle)}</a>")


def _lien_fichier(identifiant: int, sha: str, nom: str, *, telecharger: bool = False) -> str:
    return url_action("voir_fichier", dossier=identifiant, sha=sha, nom=nom, telecharger=1 if telecharger else 0)


_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def _ordonnance_pour_l_equipe(transmis: DossierTransmis) -> str:
    """The latest version of the ordonnance and its follow-up (issue 12; the client's or entered
    by staff: the latest wins), as HTML: what the core says to do now and the dates, the
    ordonnance's file; every client text escaped."""
    envoi = transmis.ordonnance
    if envoi is None:
        return "<p><em>Le client n'a pas encore transmis d'ordonnance.</em></p>"
    etat = prochaine_echeance(envoi.donnees)
    o = envoi.donnees.get("ordonnance") or {}
    origine = (f'<span class="rdv-saisie-equipe">saisie par l\'équipe ({html_sur(envoi.auteur)})</span> le'
               if envoi.par_l_equipe else "du client, reçue le")
    morceaux = [f"<p>Version {envoi.numero} {origine} {html_sur(date_heure_longue(envoi.recu_le))} ; "
                f"ordonnance n° {html_sur(o.get('numero') or '?')} du {html_sur(o.get('date') or '?')}, "
                f"notifiée le {html_sur(o.get('date_notification') or '?')}.</p>"]
    if etat is None:
        morceaux.append("<p><em>Ces réponses ne sont pas lisibles par le moteur.</em></p>")
    else:
        morceaux.append('<div class="rdv-etat-ordonnance">'
                        + "<br>".join(html_sur(ligne) for ligne in etat.texte().splitlines()) + "</div>")
    for f in o.get("fichiers") or []:
        if isinstance(f, dict) and f.get("sha256"):
            morceaux.append(f'<p><a href="{html.escape(_lien_fichier(transmis.id, f["sha256"], f.get("nom") or "ordonnance.pdf"))}"'
                            f' target="_blank">{html_sur(f.get("nom") or "ordonnance.pdf")}</a></p>')
    return "".join(morceaux)


# --- the ordonnance entered by staff (issue 12 point 1: « the client or staff uploads it ») --------
# The form's answers live on a DAObject of the staff member's session (`ordonnance_saisie`), only
# until they are saved: the version goes to the register (`Registre.saisir_ordonnance`), with the
# staff member as its author, never to a client's session.

_CHAMPS_SAISIE = {"ordonnance.fichiers": "fichiers", "ordonnance.numero": "numero", "ordonnance.date": "date_ordonnance",
                  "ordonnance.date_notification": "date_notification", "ordonnance.issue": "issue",
                  "ordonnance.delai_jours": "delai_jours", "ordonnance.sans_delai": "forme_delai",
                  "ordonnance.point_de_depart": "point_de_depart", "ordonnance.delai_rdv_jours": "delai_rdv_jours",
                  "ordonnance.astreinte": "astreinte_euros", "ordonnance.motif_rejet": "motif_rejet"}
_NOMS_SAISIE = {"fichiers": "L'ordonnance (fichier)", "numero": "Numéro de l'ordonnance",
                "date_ordonnance": "Date de l'ordonnance", "date_notification": "Date de notification au client",
                "issue": "Décision du juge", "delai_jours": "Délai du préfet", "forme_delai": "Délai du préfet",
                "point_de_depart": "Point de départ du délai", "delai_rdv_jours": "Délai du rendez-vous",
                "astreinte_euros": "Astreinte", "motif_rejet": "Raison du rejet"}


def choix_issues_equipe() -> list[dict[str, str]]:
    return [{"injonction": "Injonction : le juge ordonne au préfet de donner un rendez-vous"},
            {"rejet": "Rejet : « La requête est rejetée »"},
            {"non_lieu": "Non-lieu : « Il n'y a pas lieu de statuer »"}]


def choix_motifs_rejet_equipe() -> list[dict[str, str]]:
    from .ordonnance import MOTIFS_REJET  # noqa: PLC0415
    textes = {"urgence": "Pas d'urgence", "tentatives": "Pas assez de tentatives, ou pas sur des semaines différentes",
              "decision_existante": "Une décision (un refus) existe déjà", "incompetence": "Tribunal incompétent",
              "autre": "Autre raison"}
    return [{cle: textes.get(cle, cle)} for cle in MOTIFS_REJET]


def _deposee(transmis: DossierTransmis) -> None:
    if not est_depose(transmis.statut):
        raise ActionRefusee("Seul un dossier déposé au tribunal peut recevoir son ordonnance.")


def _cle_du_televersement(identifiant: object) -> str:
    return f"personnel-ordonnance-{_identifiant(identifiant)}"


def televersement_de_l_ordonnance(identifiant: object, fichiers: object) -> tuple[object, str | None]:
    """The staff form's upload, checked fast (the engine's examiner_fichier, as every upload):
    (the files, the French refusal or None). Accepted files are remembered for this dossier in
    the staff member's session store, so that a refusal of another field never costs the upload
    (a file field is never pre-filled)."""
    from .interview_objects import _chemins, _memoire_des_televersements  # noqa: PLC0415
    memoire, cle = _memoire_des_televersements(), _cle_du_televersement(identifiant)
    if _chemins(fichiers):
        refus = refus_televersement(fichiers, "l'ordonnance")
        if refus:
            return fichiers, refus
        memoire.set(cle, fichiers)
        return fichiers, None
    return (memoire.get(cle) if memoire.defined(cle) else fichiers), None


def oublier_le_televersement(identifiant: object) -> None:
    from .interview_objects import _memoire_des_televersements  # noqa: PLC0415
    memoire, cle = _memoire_des_televersements(), _cle_du_televersement(identifiant)
    if memoire.defined(cle):
        memoire.delete(cle)


def ordonnance_de_depart(identifiant: object) -> dict:
    """What the form starts from: the ordonnance of the latest version (client's or staff's), {}
    when there is none. Refused on a dossier not filed yet."""
    transmis = _charger(identifiant)
    _deposee(transmis)
    oublier_le_televersement(identifiant)
    return dict((transmis.ordonnance.donnees.get("ordonnance") or {}) if transmis.ordonnance else {})


def remplir_la_saisie(saisie, depart: dict) -> None:
    """Put the latest version's values into the staff form, as the fields' current values (set in
    code: client text is never evaluated), and keep its files for a correction without a new upload."""
    from .interview_objects import _date_de_champ  # noqa: PLC0415
    saisie.fichiers_gardes = [f for f in depart.get("fichiers") or [] if isinstance(f, dict) and f.get("sha256")]
    if not depart:
        return
    valeurs = {"issue": depart.get("issue"), "numero": depart.get("numero"),
               "date_ordonnance": _date_de_champ(depart.get("date")),
               "date_notification": _date_de_champ(depart.get("date_notification"))}
    if depart.get("issue") == "injonction":
        valeurs["forme_delai"] = "sans_delai" if depart.get("sans_delai") else "jours"
        valeurs["delai_jours"] = depart.get("delai_jours")
        valeurs["point_de_depart"] = depart.get("point_de_depart") or "notification"
        valeurs["delai_rdv_jours"] = depart.get("delai_rdv_jours")
        astreinte = depart.get("astreinte") or {}
        valeurs["avec_astreinte"] = bool(astreinte)
        valeurs["astreinte_euros"] = astreinte.get("montant_euros")
        valeurs["astreinte_debut"] = _date_de_champ(astreinte.get("debut")) if astreinte.get("debut") else None
    if depart.get("issue") == "rejet":
        valeurs["motif_rejet"] = depart.get("motif_rejet")
    for cle, valeur in valeurs.items():
        if valeur is not None:
            setattr(saisie, cle, valeur)


def _version_de_l_equipe(transmis: DossierTransmis, ordonnance: dict) -> dict:
    """The whole version: the applicant as in the dossier (as the client's interview sends it),
    the ordonnance entered by staff, the follow-up of the latest version kept (latest wins)."""
    donnees = transmis.donnees()
    precedente = transmis.ordonnance.donnees if transmis.ordonnance else {}
    version = {"requerant": donnees.get("requerant") or {}, "departement": donnees.get("departement"),
               "ordonnance": ordonnance, "suivi": precedente.get("suivi") or {}}
    titre = (donnees.get("demande") or {}).get("titre")
    if titre:
        version["titre"] = titre
    for cle in ("pieces", "signature"):
        if precedente.get(cle):
            version[cle] = precedente[cle]
    return version


def probleme_de_l_ordonnance(identifiant: object, saisie) -> tuple[str, str | None] | None:
    """Why the core refuses the staff form (ordonnance_depuis_donnees), as (French message naming
    the field, the form's field or None), or None when all is well. Files are checked on their
    own (examiner_fichier, in the screen's validation)."""
    from .dossier import DossierIllisible  # noqa: PLC0415
    from .ordonnance import ordonnance_depuis_donnees  # noqa: PLC0415
    from .personnel import _sans_fichiers  # noqa: PLC0415
    transmis = _charger(identifiant)
    _deposee(transmis)
    version = _version_de_l_equipe(transmis, bloc_ordonnance(saisie, []))
    try:
        ordonnance_depuis_donnees(_sans_fichiers(version), racine="/")
    except DossierInvalide as exc:
        probleme = exc.problemes[0]
        chemin = str(probleme.chemin or "")
        champ = next((v for k, v in sorted(_CHAMPS_SAISIE.items(), key=lambda kv: -len(kv[0]))
                      if chemin == k or chemin.startswith(k + ".")), None)
        nom = _NOMS_SAISIE.get(champ) if champ else None
        if nom is None and chemin and not chemin.startswith("ordonnance"):
            nom = f"Dossier du client ({chemin})"
        return (f"{nom} : {probleme.message}" if nom else str(probleme.message)), (
            f"ordonnance_saisie.{champ}" if champ and champ != "fichiers" else None)
    except DossierIllisible as exc:
        return str(exc), None
    return None


def saisir_ordonnance(identifiant: object, version: object, saisie) -> None:
    """Record the ordonnance entered by staff as a new version in the register (author: the staff
    member), validated by the core; the uploaded files are checked (examiner_fichier) and copied
    into the register. Without a new upload, the latest version's files are kept."""
    exiger_personnel()
    transmis = _charger(identifiant)
    _deposee(transmis)
    from .interview_objects import _chemins  # noqa: PLC0415
    nouveaux = _defini(saisie, "fichiers")
    if _chemins(nouveaux):
        refus = refus_televersement(nouveaux, "l'ordonnance")
        if refus:
            raise ActionRefusee(refus)
        fichiers = [{"nom": nom_de_fichier_sur(getattr(f, "filename", None)), "sha256": registre().ajouter_fichier(f.path())}
                    for f in (nouveaux if isinstance(nouveaux, list | tuple) else list(nouveaux))]
    else:
        fichiers = list(_defini(saisie, "fichiers_gardes") or [])
    if not fichiers:
        raise ActionRefusee("L'ordonnance (fichier) : ajoutez le fichier de l'ordonnance.")
    probleme = probleme_de_l_ordonnance(identifiant, saisie)
    if probleme:
        raise ActionRefusee(probleme[0])
    from .transmission import vers_json  # noqa: PLC0415
    donnees = vers_json(_version_de_l_equipe(transmis, bloc_ordonnance(saisie, fichiers)))
    registre().saisir_ordonnance(transmis.id, _identifiant(version), auteur(), donnees)


class Fiche:
    """Everything the dossier screen shows, computed once per screen (plain values and HTML)."""

    def __init__(self, identifiant: object):
        self.transmis = transmis = _charger(identifiant)
        self.id, self.version, self.statut = transmis.id, transmis.version, transmis.statut
        self.numero_affaire = transmis.numero_affaire
        self.depot = transmis.depot or {}
        self.depot_a_jour = transmis.depot_a_jour
        self.requete_modifiee = bool(self.depot.get("requete_modifiee"))
        self.chantier: Chantier = ouvrir_chantier(registre(), transmis)
        donnees = self.chantier.donnees  # the corrections applied once (files as paths, unused here)
        self.resume = resumer(donnees, session=str(transmis.id), statut=transmis.statut, journal=transmis.journal,
                              modifie_le=transmis.modifie_le)
        self.problemes = self.chantier.problemes(limites=LIMITES)
        self.erreurs = erreurs(self.problemes)
        self.pieces = self.chantier.pieces()
        self.html_reponses = _reponses(donnees)
        self.html_pieces = self._tableau_des_pieces()
        self.journal = lignes_du_journal(transmis.journal)
        self.message_client = message_pour_le_client(transmis.statut, transmis.numero_affaire, transmis.journal)
        fichiers = self.depot.get("fichiers") or {}
        self.url_zip = (_lien_fichier(self.id, self.depot["zip"], _bundle.NOM_ZIP, telecharger=True)
                        if self.depot.get("zip") else None)
        self.liens_requete = [(nom, _lien_fichier(self.id, fichiers[nom], nom)) for nom in ("Requete.pdf", "Requete.docx")
                              if nom in fichiers]
        self.construit_le = self.depot.get("construit_le")
        self.versions = [(e.numero, date_heure_longue(e.recu_le)) for e in transmis.envois]
        # after the filing (issue 12): the statuses staff may set next, and the client's ordonnance
        self.suites = SUITES_DU_DEPOT.get(transmis.statut, ())
        self.ordonnance_saisissable = est_depose(transmis.statut)
        self.html_ordonnance = _ordonnance_pour_l_equipe(transmis)

    @property
    def construit_le_texte(self) -> str:
        return date_heure_longue(self.construit_le) if self.construit_le else "jamais"

    def action(self, nom: str, **args) -> str:
        """An action URL on this dossier, carrying the version shown."""
        return url_action(nom, dossier=self.id, version=self.version, **args)

    def html_problemes(self) -> str:
        if not self.problemes:
            return "<p>Aucun problème signalé par la vérification.</p>"
        items = "".join(f"<li><strong>{'Bloquant' if p.gravite == 'erreur' else 'Avertissement'}</strong> — "
                        f"{html_sur(p.chemin + ' : ' if p.chemin else '')}{html_sur(p.message)}</li>" for p in self.problemes)
        return f'<ul class="rdv-problemes">{items}</ul>'

    def html_journal(self) -> str:
        if not self.journal:
            return "<p><em>Aucune action pour l'instant.</em></p>"
        return '<ul class="rdv-journal">' + "".join(f"<li>{html_sur(ligne)}</li>" for ligne in self.journal) + "</ul>"

    def html_versions(self) -> str:
        """The client's versions; earlier ones readable in full."""
        if len(self.transmis.envois) < 2:
            return f"<p>Version {self.transmis.envoi.numero} du client, reçue le {html_sur(self.versions[-1][1])}.</p>"
        blocs = [f"<p>Version {self.transmis.envoi.numero} du client (la dernière), reçue le "
                 f"{html_sur(self.versions[-1][1])}.</p>"]
        for envoi in reversed(self.transmis.envois[:-1]):
            blocs.append(f'<details class="rdv-version"><summary>Version {envoi.numero}, reçue le '
                         f"{html_sur(date_heure_longue(envoi.recu_le))}</summary>{_reponses(envoi.donnees)}</details>")
        return "".join(blocs)

    def _apercu(self, piece) -> str:
        morceaux = []
        for chemin in piece.fichiers:
            sha = self.chantier.sha_de(chemin)
            if sha is None:
                continue
            nom = Path(chemin).name
            url = html.escape(_lien_fichier(self.id, sha, nom))
            if nom.lower().endswith(_IMAGES):
                morceaux.append(f'<a href="{url}" target="_blank"><img src="{url}" alt="{html_sur(nom)}" '
                                f'style="max-width:90px;max-height:120px" class="me-1 border"></a>')
            else:
                morceaux.append(f'<a href="{url}" target="_blank">{html_sur(nom)}</a>')
        tamponne = (self.depot.get("fichiers") or {}).get(piece.nom_fichier)
        if self.depot_a_jour and tamponne:
            morceaux.append(f'<a href="{html.escape(_lien_fichier(self.id, tamponne, piece.nom_fichier))}" '
                            'target="_blank">PDF tamponné</a>')
        return " ".join(morceaux) or "—"

    def identite(self, piece) -> str:
        return _identite(self.chantier, piece)

    def _tableau_des_pieces(self) -> str:
        if not self.pieces:
            return "<p><em>Pas encore de pièce numérotée (le dossier est incomplet).</em></p>"
        lignes = []
        for piece in self.pieces:
            identite = self.identite(piece)
            boutons = [_bouton("Renommer", "faire_renommer_piece", dossier=self.id, version=self.version, piece=identite)]
            if piece.categorie != "tentatives":
                boutons.append(_bouton("Retirer", "faire_retirer_piece", "outline-danger",
                                       confirmer=f"Retirer la pièce n° {piece.numero} du dossier ?",
                                       dossier=self.id, version=self.version, piece=identite))
            lignes.append(
                f'<tr id="piece-{piece.numero}"><td>{piece.numero}</td><td class="rdv-libelle">{html_sur(piece.libelle)}'
                f"{'<br><small>(case « Acte attaqué »)</small>' if piece.acte_attaque else ''}</td>"
                f"<td><small>{html_sur(piece.nom_fichier)}</small></td>"
                f"<td>{self._apercu(piece)}</td><td>{''.join(boutons)}</td></tr>")
        return ('<table class="table table-sm rdv-pieces"><thead><tr><th>N°</th><th>Libellé</th><th>Fichier</th>'
                f"<th>Aperçu</th><th>Actions</th></tr></thead><tbody>{''.join(lignes)}</tbody></table>")


def _reponses(donnees: dict) -> str:
    """The client's answers as an HTML table, every value escaped."""
    r = donnees.get("requerant") or {}
    demande, blocage = donnees.get("demande") or {}, donnees.get("blocage") or {}
    conclusions, urgence = donnees.get("conclusions") or {}, donnees.get("urgence") or {}
    lignes = [
        ("Requérant", f"{r.get('prenoms', '')} {str(r.get('nom', '')).upper()} ({r.get('sexe', '?')}), né(e) le "
                      f"{r.get('date_naissance', '?')} à {r.get('lieu_naissance', '?')}, {r.get('nationalite', '?')}"),
        ("Contact", f"{r.get('adresse', '')} — {r.get('telephone', '')} — {r.get('courriel', '')}"),
        ("Numéro étranger", r.get("numero_etranger") or "—"),
        ("Département", donnees.get("departement") or "—"),
        ("Demande", f"{demande.get('nature') or '—'} : {demande.get('titre') or '—'}"
                    + (f" (expire le {demande['date_expiration']})" if demande.get("date_expiration") else "")),
        ("Blocage", f"{TYPES_BLOCAGE.get(blocage.get('type'), '—')} — {blocage.get('plateforme') or '—'}"),
    ]
    lignes += [(f"Tentative n° {i}", f"{t.get('date')} à {t.get('heure')} : {t.get('constat')}")
               for i, t in enumerate(donnees.get("tentatives") or [], 1)]
    lignes += [(f"Démarche n° {i}", f"{d.get('date')} — {NATURES_DEMARCHE.get(d.get('nature'), d.get('nature'))} : "
                                    f"{d.get('description')} — "
                                    + (d.get('resultat') or REPONSES_DEMARCHE.get(reponse_de_la_demarche(
                                        d.get('reponse'), d.get('resultat')), 'sans réponse à ce jour')))
               for i, d in enumerate(donnees.get("demarches") or [], 1)]
    # the core's summary (label, details, the client's words quoted), as plain text: escaped below
    lignes += [(f"Urgence n° {i}", resume_de_circonstance(c if isinstance(c, dict) else {"texte": c}))
               for i, c in enumerate(urgence.get("circonstances") or [], 1)]
    if urgence.get("oqtf_non_executee"):
        lignes.append(("OQTF", "une OQTF non exécutée a été signalée"))
    # the catégorie the pièce is numbered under (a « Passeport » without one is an identity pièce)
    lignes += [(f"Pièce : {p.get('libelle')}", CATEGORIES_PIECE.get(categorie, categorie))
               for p in donnees.get("pieces") or []
               for categorie in (categorie_de_piece(str(p.get("libelle") or ""), p.get("categorie")),)]
    lignes.append(("Demandes au juge", ", ".join(f"{cle} = {valeur}" for cle, valeur in conclusions.items()) or "—"))
    corps = "".join(f"<tr><th>{html_sur(titre)}</th><td>{html_sur(valeur)}</td></tr>" for titre, valeur in lignes)
    return f'<table class="table table-sm rdv-reponses"><tbody>{corps}</tbody></table>'


def ouvrir_fiche(identifiant: object) -> Fiche | None:
    """The dossier screen's data, or None when the dossier cannot be opened."""
    try:
        return Fiche(identifiant)
    except ActionRefusee:
        return None


def fichier_du_dossier(identifiant: object, sha: object, nom: object, deja_ouverts: dict) -> DAFile:
    """A file of the dossier on the screen, as a private file of the staff member's session.
    Refused unless the content belongs to that dossier."""
    transmis = _charger(identifiant)
    if not isinstance(sha, str) or sha not in transmis.shas():
        raise ActionRefusee("Ce fichier n'appartient pas à ce dossier.")
    return ouvrir_contenu(sha, nom_de_fichier_sur(nom), deja_ouverts)


def executer(action, *args, reussite: str = "", **kwargs) -> tuple[object, str]:
    """Run a staff action; return (its result, the French notice for the screen). A refusal
    (ActionRefusee, DossierModifie) becomes the notice, never an error page."""
    try:
        return action(*args, **kwargs), reussite
    except ActionRefusee as refus:
        return None, str(refus)


def oublier_la_demande(textes_saisis) -> None:
    """Forget a pending staff form (its answers and the texts loaded into it); returns the new
    `demande` (None)."""
    undefine("nouveau_libelle", "renommage_confirme", "numero_affaire_saisi", "nouvelle_piece.libelle",
             "nouvelle_piece.categorie", "nouvelle_piece.fichiers", "requete_modifiee_docx",
             "conclusions_saisies.delai_jours", "conclusions_saisies.delai_rdv_jours",
             "conclusions_saisies.astreinte_euros", "conclusions_valides", "textes_valides",
             *(f"ordonnance_saisie.{nom}" for nom in _NOMS_SAISIE), "ordonnance_saisie.avec_astreinte",
             "ordonnance_saisie.astreinte_debut", "ordonnance_saisie.fichiers_gardes", "ordonnance_saisie_valide")
    textes_saisis.clear()
    return None


def probleme_de_numero(texte: object) -> str | None:
    """Why a case number typed by staff is refused (personnel.normaliser_numero_affaire), or None."""
    try:
        normaliser_numero_affaire(texte)
    except ActionRefusee as refus:
        return str(refus)
    return None


# --- pièces ------------------------------------------------------------------------------------

def _identite(chantier: Chantier, piece) -> str:
    """A pièce's identity (transmission.identite_de_piece) from its files on the chantier."""
    return identite_de_piece((chantier.sha_de(f) or "?" for f in piece.fichiers), piece.categorie)


def _piece(identifiant: object, identite: str):
    """The dossier's chantier and the pièce of that identity (numbering only: no file check)."""
    chantier = ouvrir_chantier(registre(), _charger(identifiant))
    piece = next((p for p in chantier.pieces() if _identite(chantier, p) == identite), None)
    if piece is None:
        raise ActionRefusee("Pièce introuvable : le dossier a changé entre-temps, rechargez la page.")
    return chantier, piece


def libelle_actuel(identifiant: object, identite: str) -> str:
    return _piece(identifiant, identite)[1].libelle


def _propre(libelle: object) -> str:
    libelle = " ".join(str(libelle or "").split())
    if not libelle:
        raise ActionRefusee("Le libellé ne peut pas être vide.")
    if len(libelle) > 200:
        raise ActionRefusee("Le libellé est trop long (200 caractères au plus).")
    return libelle


def renommer_piece(identifiant: object, version: object, identite: str, libelle: str) -> None:
    """Give a pièce a new label (it follows the pièce's files; it lapses if the client changes them)."""
    libelle = _propre(libelle)
    _, piece = _piece(identifiant, identite)

    def modification(corrections: dict, _dossier) -> None:
        corrections["libelles"][identite] = libelle
    registre().corriger(_identifiant(identifiant), _identifiant(version), auteur(),
                        f"Pièce « {piece.libelle} » renommée « {libelle} »", "piece", modification)


def retirer_piece(identifiant: object, version: object, identite: str) -> None:
    """Remove a pièce from the bundle. The attempts' captures prove the blocking (CE 10 juin 2020
    n° 435594): they are not removed here."""
    _, piece = _piece(identifiant, identite)
    if piece.categorie == "tentatives":
        raise ActionRefusee("Les captures des tentatives prouvent le blocage (CE 10 juin 2020 n° 435594) : "
                            "elles ne se retirent pas ici.")

    def modification(corrections: dict, _dossier) -> None:
        ajoutees = [p for p in corrections["ajoutees"]
                    if identite_d_element("pieces", p) != identite]
        if len(ajoutees) != len(corrections["ajoutees"]):
            corrections["ajoutees"] = ajoutees
        elif identite not in corrections["retirees"]:
            corrections["retirees"].append(identite)
    registre().corriger(_identifiant(identifiant), _identifiant(version), auteur(),
                        f"Pièce « {piece.libelle} » retirée du dossier", "piece", modification)


def ajouter_piece(identifiant: object, version: object, libelle: str, categorie: str, fichiers) -> None:
    """Add a pièce uploaded by staff (checked and converted like a client's upload); its files
    are copied into the register."""
    libelle = _propre(libelle)
    if categorie not in CATEGORIES_AJOUT:
        raise ActionRefusee("Catégorie inconnue.")
    exiger_personnel()
    refus = refus_televersement(fichiers, f"la pièce « {libelle} »")
    if refus:
        raise ActionRefusee(refus)
    references = [{"nom": nom_de_fichier_sur(getattr(f, "filename", None)), "sha256": registre().ajouter_fichier(f.path())}
                  for f in fichiers]

    def modification(corrections: dict, _dossier) -> None:
        corrections["ajoutees"].append({"libelle": libelle, "categorie": categorie, "fichiers": references})
    registre().corriger(_identifiant(identifiant), _identifiant(version), auteur(),
                        f"Pièce « {libelle} » ajoutée ({CATEGORIES_AJOUT[categorie].lower()})", "piece", modification)


# --- texts and conclusions ------------------------------------------------------------------------

_BORNES = {"delai_jours": (1, 90), "delai_rdv_jours": (1, 180), "astreinte_euros": (0, 1000)}


def conclusions_actuelles(identifiant: object) -> dict:
    """The delays and astreinte the dossier asks for now (to fill the staff form)."""
    conclusions = _charger(identifiant).donnees().get("conclusions") or {}
    return {"delai_jours": conclusions.get("delai_jours", 15), "delai_rdv_jours": conclusions.get("delai_rdv_jours"),
            "astreinte_euros": conclusions.get("astreinte_euros", 100)}


def modifier_conclusions(identifiant: object, version: object, delai_jours: int, delai_rdv_jours: int | None,
                         astreinte_euros: int) -> None:
    """Change what the judge is asked (PAR CES MOTIFS): delays and astreinte (L. 911-1 and
    L. 911-3 CJA), within the core's bounds."""
    valeurs = {"delai_jours": delai_jours, "delai_rdv_jours": delai_rdv_jours or None, "astreinte_euros": astreinte_euros}
    for cle, (mini, maxi) in _BORNES.items():
        valeur = valeurs[cle]
        if valeur is not None and not (isinstance(valeur, int) and mini <= valeur <= maxi):
            raise ActionRefusee(f"Valeur hors limites pour {cle.replace('_', ' ')} : entre {mini} et {maxi}.")
    quoi = (f"Demandes au juge : rendez-vous sous {delai_jours} jours"
            + (f", rendez-vous tenu sous {delai_rdv_jours} jours" if delai_rdv_jours else "")
            + f", astreinte {astreinte_euros} € par jour")

    def modification(corrections: dict, _dossier) -> None:
        corrections["conclusions"] = valeurs
    registre().corriger(_identifiant(identifiant), _identifiant(version), auteur(), quoi, "conclusions", modification)


def textes_du_dossier(identifiant: object) -> list[tuple[str, str, str, str]]:
    """(key, label, path, current text) of every free text the requête quotes."""
    donnees = _charger(identifiant).donnees()
    textes = [("plateforme", "Site utilisé (blocage)", "blocage.plateforme"),
              ("titre", "Titre de séjour demandé", "demande.titre")]
    textes += [(f"t{i}", f"Tentative n° {i} : ce que le site affichait", f"tentatives[{i}].constat")
               for i in range(1, len(donnees.get("tentatives") or []) + 1)]
    for i in range(1, len(donnees.get("demarches") or []) + 1):
        textes += [(f"d{i}", f"Démarche n° {i} : description", f"demarches[{i}].description"),
                   (f"r{i}", f"Démarche n° {i} : résultat (vide : « à ce jour sans réponse »)", f"demarches[{i}].resultat")]
    textes += [(f"u{i}", f"Urgence n° {i}", f"urgence.circonstances[{i}].texte")
               for i in range(1, len(((donnees.get("urgence") or {}).get("circonstances")) or []) + 1)]
    return [(cle, libelle, chemin, str(lire_chemin(donnees, chemin) or "")) for cle, libelle, chemin in textes]


def modifier_textes(identifiant: object, version: object, saisis: dict) -> None:
    """Record the edited free texts (only those that changed); each keeps the client's text it
    replaces, so that a new wording from the client takes over."""
    transmis = _charger(identifiant)
    client = transmis.envoi.donnees
    changes = []
    for cle, libelle, chemin, actuel in textes_du_dossier(identifiant):
        if cle not in saisis:
            continue
        nouveau = " ".join(str(saisis[cle] or "").split())
        if nouveau == " ".join(actuel.split()):
            continue
        if not nouveau and not cle.startswith("r"):
            raise ActionRefusee(f"{libelle} : le texte ne peut pas être vide.")
        changes.append((chemin, libelle, nouveau))
    if not changes:
        raise ActionRefusee("Aucun texte n'a changé : rien n'a été enregistré.")

    def modification(corrections: dict, _dossier) -> None:
        for chemin, _, nouveau in changes:
            corrections["textes"][chemin] = {"texte": nouveau, "origine": str(lire_chemin(client, chemin) or "")}
    registre().corriger(transmis.id, _identifiant(version), auteur(),
                        "Textes modifiés : " + ", ".join(libelle for _, libelle, _ in changes), "textes", modification)


# --- bundle, requête, statuses ---------------------------------------------------------------------

def regenerer(identifiant: object, version: object, qui: str) -> list[str]:
    """Rebuild the bundle with the core (numbering recomputed) and keep it in the register;
    return the blocking problems (the previous bundle is kept) or []. Runs in Celery."""
    transmis = _charger(identifiant)
    if transmis.version != _identifiant(version):
        raise DossierModifie()
    if est_depose(transmis.statut):
        raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être régénéré.")
    chantier = ouvrir_chantier(registre(), transmis)
    empreinte_construite = transmis.empreinte_du_contenu
    with tempfile.TemporaryDirectory(prefix="rdv-regeneration-") as dossier_temporaire:
        sortie = Path(dossier_temporaire) / "depot"
        try:
            manifeste = chantier.construire(sortie, limites=LIMITES)
        except (DossierInvalide, _bundle.DossierNonDeposable) as exc:
            return [str(p) for p in exc.problemes]
        except Exception as exc:  # noqa: BLE001 - staff get a sentence, the log the details
            log(f"rdvrefere: regeneration failed: {exc!r}")
            return ["Une erreur technique a empêché de construire le dossier (voir le journal du serveur)."]
        fichiers = {entree.fichier: registre().ajouter_fichier(sortie / entree.fichier) for entree in manifeste.fichiers}
        zip_sha = registre().ajouter_fichier(sortie / _bundle.NOM_ZIP)
    depot = {"empreinte": empreinte_construite, "manifeste": manifeste.as_dict(), "fichiers": fichiers,
             "zip": zip_sha, "construit_le": _maintenant(), "requete_modifiee": False,
             # which program built it (« celery » for the background worker), for the operator
             "construit_par": f"{Path(sys.argv[0]).name} {socket.gethostname()} {os.getpid()}"}
    registre().enregistrer_depot(transmis.id, None, qui, "Dossier de dépôt régénéré", "regeneration", depot)
    return []


def regenerer_pour_la_tache(identifiant: object, version: object, qui: object) -> list[str] | str:
    """The background task's work (Celery): the problems, or the French reason of a refusal."""
    try:
        return regenerer(identifiant, version, str(qui))
    except ActionRefusee as refus:
        return str(refus)


def avis_de_regeneration(resultat: object) -> str:
    """The notice shown when the background regeneration ends."""
    if isinstance(resultat, str):
        return resultat
    if resultat is None:
        return "La régénération n'a pas abouti (erreur technique) : réessayez, ou voyez le journal du serveur."
    if resultat:
        return "Le dossier n'a pas pu être régénéré : " + " ; ".join(str(p) for p in resultat)
    return "Dossier régénéré : les pièces ont été renumérotées, la requête et l'inventaire refaits."


def _maintenant() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def remplacer_requete_par_docx(identifiant: object, version: object, docx: DAFile) -> None:
    """Replace the bundle's requête by a DOCX edited in Word: the PDF is remade from it
    (LibreOffice), the manifest and the zip follow; the pièces are unchanged."""
    transmis = _charger(identifiant)
    if est_depose(transmis.statut):
        raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être modifié ici.")
    if not transmis.depot_a_jour:
        raise ActionRefusee("Régénérez d'abord le dossier de dépôt : la requête modifiée remplace celle de ce dossier.")
    with tempfile.TemporaryDirectory(prefix="rdv-requete-") as chantier:
        archive = Path(chantier) / _bundle.NOM_ZIP
        archive.write_bytes(registre().contenu(transmis.depot["zip"]))
        copie = Path(chantier) / "Requete_modifiee.docx"
        copie.write_bytes(Path(docx.path()).read_bytes())
        try:
            manifeste = remplacer_requete(archive, copie, Path(chantier) / "depot")
        except (DocxIllisible, PdfImpossible) as exc:  # French messages
            raise ActionRefusee(str(exc)) from None
        fichiers = dict(transmis.depot.get("fichiers") or {})
        for entree in manifeste["fichiers"]:
            if entree["role"] in ("requete", "requete_docx"):
                fichiers[entree["fichier"]] = registre().ajouter_fichier(Path(chantier) / "depot" / entree["fichier"])
        zip_sha = registre().ajouter_fichier(Path(chantier) / "depot" / _bundle.NOM_ZIP)
    depot = {**{k: v for k, v in transmis.depot.items() if k != "precedents"}, "manifeste": manifeste,
             "fichiers": fichiers, "zip": zip_sha, "construit_le": _maintenant(), "requete_modifiee": True}
    registre().enregistrer_depot(transmis.id, _identifiant(version), auteur(),
                                 "Requête remplacée par une version modifiée dans Word (PDF refait)", "requete", depot)


def changer_statut(identifiant: object, version: object, nouveau: str, numero_affaire: str | None = None) -> None:
    """Approve, withdraw the approval, or mark as filed with the court's case number (rules in
    personnel.transition; the approval binds to the version shown and the bundle's sha256)."""
    if nouveau not in (APPROUVE, PRET_A_RELIRE, *APRES_DEPOT):
        raise ActionRefusee("Statut inconnu.")
    transmis = _charger(identifiant)
    # blocking errors only matter to an approval (personnel.transition): the files are checked then
    bloquantes = (len(erreurs(ouvrir_chantier(registre(), transmis).problemes(limites=LIMITES)))
                  if nouveau == APPROUVE else 0)
    registre().changer_statut(transmis.id, _identifiant(version), auteur(), nouveau,
                              erreurs_bloquantes=bloquantes, numero_affaire=numero_affaire)
