"""A client's dossiers on the server (issue 10 point 1): a client who signs in again and opens the
interview's address lands in the dossier they left (`adresse_du_dossier_a_rouvrir`, called by
rdv_retour.yml), and /interviews shows « Mes dossiers » (rdv_mes_dossiers.yml, named by the
server's `session list interview:`) in the client's language (issue 13): every word made here is a
mots.Texte shown through tr(); what the client typed (the applicant's name) is shown as typed.

Every session key used here comes from docassemble's list of the signed-in user's own sessions
(`interview_list` without a `session=` argument), never from the address or a form: a key typed
into a URL can only pick among the user's own dossiers. The choices themselves are plain Python
(mes_dossiers.py).
"""

from __future__ import annotations

import dataclasses

from docassemble.base.util import action_button_html, interface, interview_list, interview_url, log, url_action, \
    user_info, user_logged_in

from .interview_objects import relecture_par_l_equipe, texte_sur
from .langues_serveur import tr
from .mes_dossiers import Fiche, SessionDuClient, fiches_du_client, nouveau_demande, session_a_rouvrir
from .mots import Texte
from .personnel import APRES_DEPOT

__all__ = ["adresse_du_dossier_a_rouvrir", "mes_fiches", "liste_pour_ecran", "fiche_a_supprimer",
           "confirmation_pour_ecran", "supprimer_le_dossier", "adresse_nouveau_dossier", "ouverture_de_la_liste",
           "bouton_nouveau_dossier", "DOSSIER_INTROUVABLE"]

# The client interview whose sessions are « dossiers »
CLIENT = "docassemble.rdvrefere:data/questions/rdvrefere.yml"
APRES_ORDONNANCE = "docassemble.rdvrefere:data/questions/rdv_ordonnance.yml"   # issue 12
_PAGES_MAX = 25  # docassemble pages its list (a few dozen sessions a page)
DOSSIER_INTROUVABLE = Texte("Ce dossier n'existe pas ou n'est plus dans votre liste.")


def _moi() -> int | None:
    return int(user_info().id) if user_logged_in() else None


def _attribut(objet: object, nom: str, defaut: object = None) -> object:
    """An attribute of an unpickled answer, or `defaut` (docassemble objects raise their own
    errors for an undefined attribute)."""
    try:
        return getattr(objet, nom)
    except Exception:  # noqa: BLE001 - any undefined attribute
        return defaut


def _session(info: dict) -> SessionDuClient:
    reponses = info.get("dict") if isinstance(info.get("dict"), dict) else {}
    client = reponses.get("client")
    requerant = _attribut(client, "requerant")
    proprietaire = _attribut(client, "proprietaire")
    return SessionDuClient(
        cle=str(info.get("session") or ""),
        modifiee=info.get("utc_modtime"), commencee=info.get("utc_starttime"),
        proprietaire=proprietaire if isinstance(proprietaire, int) else None,
        prenoms=str(_attribut(requerant, "prenoms", "") or ""), nom=str(_attribut(requerant, "nom", "") or ""),
        departement=str(_attribut(client, "departement", "") or ""))


def _sessions_du_client() -> list[SessionDuClient]:
    """The signed-in user's sessions of the client interview that their key opens (docassemble
    leaves out those it cannot decrypt, e.g. after a password reset: rdv_reprise.yml covers them)."""
    if _moi() is None:
        return []
    sessions: list[SessionDuClient] = []
    suivant = None
    for _ in range(_PAGES_MAX):
        resultat = interview_list(filename=CLIENT, exclude_invalid=True, next_id=suivant)
        if not resultat:
            break
        liste, suivant = resultat
        sessions += [_session(info) for info in liste if info.get("filename") == CLIENT]
        if not suivant:
            break
    return sessions


def adresse_du_dossier_a_rouvrir(client, arguments: dict | None = None) -> str | None:
    """Where a client who opens the interview's address should be sent (None: stay here). Only a
    brand-new session moves (nothing answered, not even the welcome screen), only when the address
    does not ask for a new dossier (`nouveau=1`, `new_session=1`), and only to the signed-in user's
    own most recent other dossier. Any failure keeps the client here, in a new dossier."""
    moi = _moi()
    if moi is None or hasattr(client, "accueil_compris") or not client.sans_reponses():
        return None
    if interface() != "web":  # a session made through the API (or a background task) stays
        return None
    if arguments is None:
        try:
            from flask import has_request_context, request  # noqa: PLC0415 - the web request only
            arguments = dict(request.args) if has_request_context() else {}
        except ImportError:
            arguments = {}
    if nouveau_demande(arguments):
        return None
    try:
        from .registre_serveur import session_courante  # noqa: PLC0415 - server side
        cle = session_a_rouvrir(_sessions_du_client(), session_courante(), moi)
    except Exception as exc:  # noqa: BLE001 - the client can still start a dossier
        log(f"rdvrefere: sessions list unavailable, no resume: {exc!r}")
        return None
    return interview_url(i=CLIENT, session=cle, local=True) if cle else None


# --- « Mes dossiers » (rdv_mes_dossiers.yml) ---------------------------------------------------

def _statut(moi: int, cle: str) -> str | None:
    from .registre_serveur import registre  # noqa: PLC0415 - server side
    transmis = registre().du_client(moi, cle)
    return transmis.statut if transmis is not None else None


def mes_fiches() -> list[Fiche]:
    """The signed-in user's dossiers, newest first, with the team's status from the register."""
    moi = _moi()
    if moi is None:
        return []
    sessions = _sessions_du_client()
    try:
        sessions = [dataclasses.replace(s, statut=_statut(moi, s.cle)) for s in sessions]
    except Exception as exc:  # noqa: BLE001 - the list still shows, every dossier « en cours »
        log(f"rdvrefere: register unreachable for the list of dossiers: {exc!r}")
    return fiches_du_client(sessions, moi, relecture_par_l_equipe())


def ouverture_de_la_liste() -> bool:
    """Whether this request is the opening of /interviews (docassemble adds `from_list=1`)."""
    try:
        from flask import has_request_context, request  # noqa: PLC0415 - the web request only
    except ImportError:
        return False
    return has_request_context() and request.method == "GET" and bool(request.args.get("from_list"))


def adresse_nouveau_dossier() -> str:
    return interview_url(i=CLIENT, new_session=1, nouveau=1, local=True)


def bouton_nouveau_dossier() -> str:
    """« Commencer un nouveau dossier », in the page's language (a label written in the block's
    Mako would be translated with the block: the translation keeps the Mako as it is)."""
    return action_button_html(adresse_nouveau_dossier(), label=tr(Texte("Commencer un nouveau dossier")),
                              color="success", size="md", icon="plus")


def _a_l_ecran(texte: object) -> str:
    """A text of the list, escaped: the package's words in the page's language, what the client
    typed (a str, never a Texte) as typed."""
    return texte_sur(tr(texte) if isinstance(texte, Texte) else texte)


def _fiche_en_markdown(fiche: Fiche) -> list[str]:
    lignes = [f"## {_a_l_ecran(fiche.titre)}", ""]
    lieu = f"{texte_sur(fiche.lieu)} · " if fiche.lieu else ""
    etat = tr(Texte("État : {etat}", etat=f"**{_a_l_ecran(fiche.etat)}**"))
    lignes += [f"{lieu}{etat}", ""]
    dates = []
    if fiche.modifiee_le:
        dates.append(tr(Texte("Modifié le {quand}.", quand=_a_l_ecran(fiche.modifiee_le))))
    if fiche.commencee_le:
        dates.append(tr(Texte("Commencé le {quand}.", quand=_a_l_ecran(fiche.commencee_le))))
    if dates:
        lignes += [" ".join(dates), ""]
    return lignes


def liste_pour_ecran(fiches: list[Fiche]) -> str:
    """The list as Markdown: each dossier its heading (the applicant), département, state, dates,
    « Reprendre » and « Supprimer ». Every text is escaped (texte_sur): a name typed as Markdown,
    HTML or `${ }` shows as typed."""
    if not fiches:
        return tr(Texte("Vous n'avez pas encore de dossier."))
    lignes: list[str] = []
    for fiche in fiches:
        lignes += _fiche_en_markdown(fiche)
        reprendre = action_button_html(interview_url(i=CLIENT, session=fiche.cle, local=True),
                                       label=tr(Texte("Reprendre")), color="primary", size="md", icon="folder-open")
        supprimer = action_button_html(url_action("supprimer", dossier=fiche.cle), label=tr(Texte("Supprimer")),
                                       color="secondary", size="md", icon="trash")
        apres = ""
        if fiche.etat in APRES_DEPOT:
            # after the filing (issue 12): the interview after the ordonnance, for this dossier
            apres = " " + action_button_html(interview_url(i=APRES_ORDONNANCE, refere=fiche.cle, local=True),
                                             label=tr(Texte("Après la décision du juge")), color="success", size="md")
        lignes += [f"{reprendre}{apres} {supprimer}", ""]
    return "\n".join(lignes)


def fiche_a_supprimer(cle: object) -> Fiche | None:
    """The dossier a deletion link names, if it is one of the signed-in user's (None otherwise)."""
    return next((f for f in mes_fiches() if f.cle == str(cle or "")), None)


def confirmation_pour_ecran(fiche: Fiche | None) -> str:
    """The text of the confirmation screen (its buttons are the screen's own, a POST with
    docassemble's CSRF token: a link made elsewhere can show this screen, never delete)."""
    if fiche is None:
        return tr(DOSSIER_INTROUVABLE)
    lignes = [tr(Texte("Vous allez supprimer ce dossier :")), ""] + _fiche_en_markdown(fiche)
    lignes += [tr(Texte("Vos réponses et les fichiers déposés dans ce dossier seront effacés. "
                        "Vous ne pourrez pas les retrouver."))]
    if fiche.etat != "en cours":
        lignes += ["", tr(Texte("L'équipe garde la version que vous lui avez envoyée."))]
    return "\n".join(lignes)


def supprimer_le_dossier(cle: object) -> str:
    """Delete one of the signed-in user's dossiers (checked again against their own list); the
    sentence to show on the list, a Texte (shown through tr(), the name already escaped)."""
    fiche = fiche_a_supprimer(cle)
    if fiche is None:
        return DOSSIER_INTROUVABLE
    try:
        interview_list(action="delete", filename=CLIENT, session=fiche.cle)
    except Exception as exc:  # noqa: BLE001 - a sentence for the client, the details in the log
        log(f"rdvrefere: deleting a dossier failed: {exc!r}")
        return Texte("Le dossier n'a pas pu être supprimé (erreur technique). Réessayez plus tard.")
    _oublier_hors_session((int(user_info().id), fiche.cle))
    # a name the client typed goes in escaped; « Dossier sans nom » (a Texte) is translated with the sentence
    titre = fiche.titre if isinstance(fiche.titre, Texte) else texte_sur(fiche.titre)
    return Texte("Le dossier « {titre} » a été supprimé.", titre=titre)


def _oublier_hors_session(proprietaire: tuple[int, str]) -> None:
    """What was kept outside the deleted session goes with it: its e-mail reminders
    (rappels.arreter_pour) and the staff's « en préparation » row (suivi.oublier). The version
    sent to the team stays in the register (the confirmation screen says so)."""
    from .rappels import arreter_pour  # noqa: PLC0415 - server side
    from .registre_serveur import registre  # noqa: PLC0415
    from .suivi import oublier  # noqa: PLC0415
    for effacer in (arreter_pour, oublier):
        try:
            effacer(registre().engine, proprietaire)
        except Exception as exc:  # noqa: BLE001 - the dossier is deleted; the log keeps what is left
            log(f"rdvrefere: after deleting a dossier, {effacer.__name__} failed: {exc!r}")
