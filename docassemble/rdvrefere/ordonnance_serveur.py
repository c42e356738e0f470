"""The thin docassemble layer of the interview after the ordonnance (issue 12, `rdv_ordonnance.yml`).

The client's answers live on one `SuiteClient` object (`suite` in the YAML), in the client's own
(encrypted) session, separate from the référé's session. This module turns them into the core's
ordonnance data (`ordonnance.py`: uploads become file paths), asks the core for the deadlines,
what to do now, the letter to the préfet and the execution bundle (`execution.py`), and turns
the files back into DAFiles. No rule lives here.

- **Which dossier**: the référé dossier the client transmitted to the team (registre.py), found
  by the signed-in user AND the référé session's key (`?refere=<key>` from the client's own
  screens), or, without it, the user's latest dossier. A key in a forged link opens nothing: the
  register only answers for the signed-in user's own dossiers. The applicant's identity,
  département and titre come from that dossier (the client's last version, with the team's
  corrections).
- **To the team**: each version of the answers that changed is sent to the register
  (`Registre.transmettre_ordonnance`, with a copy of each file, like the référé's versions). The
  status (« ordonnance reçue », « exécution demandée »…) is the team's alone: nothing here writes it.
- **In the client's language** (issue 13): the core's sentences are mots.Texte, shown through
  `en_langue` (tr()), dates through date_pour_ecran; each translated sentence is escaped like the
  client's words. What the court reads (the letter, the demande, the pièces' and files' names, the
  names to type) stays French, and the screens say so.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from docassemble.base.util import DAFile, DAFileList, DAList, DAObject, get_language, log, user_info, user_logged_in

from . import execution
from .bundle import NOM_ZIP, DossierNonDeposable, sha256_du_fichier
from .dates import date_longue
from .dossier import DossierIllisible, DossierInvalide
from .execution import (construire_execution, etapes_execution, pieces_execution, problemes_execution,
                        rendre_lettre_prefet)
from .interview_objects import (LIMITES, FichierEtranger, _chemin_de_cette_session, _chemins, _date, _defini,
                                _heure, garder_les_fichiers_du_depot, guide_en_markdown, texte_sur)
from .guide import guide_en_texte
from .juridictions import juridiction
from .langues import LANGUE_DES_DOCUMENTS, langue_valide
from .langues_serveur import tr
from .mots import Texte, phrase_a_envoyer, phrase_recue
from .ordonnance import (ISSUES, MOTIFS_REJET, conseils_rejet, echeances, etat_a_la_date, jour_nomme,
                         ordonnance_depuis_donnees)
from .problemes import Probleme, erreurs
from .requete import ModeleInvalide, PdfImpossible
from .transmission import empreinte, nom_de_fichier_sur, vers_json

__all__ = ["SuiteClient", "choix_issues", "choix_motifs_rejet", "conseils_rejet", "MOTIFS_REJET", "ISSUES",
           "date_du_jour", "rappel_possible", "programmer_rappel_delai", "libelle_du_champ", "erreurs",
           "adresse_apres_ordonnance", "en_langue", "problemes_pour_la_reponse"]

LETTRE = "Lettre_prefet_execution"
INTERVIEW = "docassemble.rdvrefere:data/questions/rdv_ordonnance.yml"


def adresse_apres_ordonnance(cle: str | None = None) -> str:
    """The interview after the ordonnance for the référé session `cle` (default: the current
    session, when called from the référé's own screens)."""
    from docassemble.base.util import interview_url  # noqa: PLC0415
    from .registre_serveur import session_courante  # noqa: PLC0415
    return interview_url(i=INTERVIEW, refere=cle or session_courante(), local=True)


def problemes_pour_la_reponse(problemes: list) -> list[dict]:
    """The bundle's problems as the background task sends them back (JSON): Probleme.as_dict and
    the sentence with its template and values (mots.en_json), shown again translated."""
    return [{**p.as_dict(), **phrase_a_envoyer(p.message)} for p in problemes]


def en_langue(texte: object) -> str:
    """A sentence of the core (a mots.Texte, or a plain French str) in the page's language: tr(),
    but on a French page the core's own French as it is (its numbers in letters, « treize jours »,
    as the court writes them; tr() would give the digits)."""
    if langue_valide(get_language()) == LANGUE_DES_DOCUMENTS and isinstance(texte, str):
        return str(texte)
    return tr(texte)


_L_ORDONNANCE = Texte("L'ordonnance")
_ASTREINTE = Texte("Astreinte")
_LETTRE_AU_PREFET = Texte("Lettre au préfet")
_NOMS_DES_CHAMPS = {
    "ordonnance": _L_ORDONNANCE, "ordonnance.numero": Texte("Numéro de l'ordonnance"),
    "ordonnance.date": Texte("Date de l'ordonnance"),
    "ordonnance.date_notification": Texte("Date où vous l'avez reçue"),
    "ordonnance.issue": Texte("Décision du juge"), "ordonnance.delai_jours": Texte("Délai du préfet"),
    "ordonnance.fichiers": Texte("L'ordonnance (fichier)"), "ordonnance.astreinte": _ASTREINTE,
    "ordonnance.astreinte.montant_euros": _ASTREINTE, "ordonnance.motif_rejet": Texte("Raison du rejet"),
    "suivi.rendez_vous_le": Texte("Rendez-vous"), "suivi.courrier_prefet": _LETTRE_AU_PREFET,
    "suivi.courrier_prefet.date": _LETTRE_AU_PREFET, "suivi.courrier_prefet.fichiers": _LETTRE_AU_PREFET,
    "suivi.constats": Texte("Preuves"),
}


def libelle_du_champ(chemin: str) -> str:
    """« suivi.constats[2].date » → « Preuve n° 2 : », in the page's language; the client never
    sees the core's paths."""
    if not chemin:
        return ""
    if chemin in _NOMS_DES_CHAMPS:
        return tr(Texte("{nom} : ", nom=_NOMS_DES_CHAMPS[chemin]))
    if chemin.startswith("suivi.constats["):
        return tr(Texte("{nom} : ", nom=Texte("Preuve n° {n}", n=chemin.split("[", 1)[1].split("]", 1)[0])))
    racine = chemin.split("[", 1)[0].split(".")
    for n in range(len(racine), 0, -1):
        if ".".join(racine[:n]) in _NOMS_DES_CHAMPS:
            return tr(Texte("{nom} : ", nom=_NOMS_DES_CHAMPS[".".join(racine[:n])]))
    return ""


def lignes_de_problemes(problemes: list[Probleme]) -> list[str]:
    """Problems as escaped Markdown lines in the page's language: « Bloquant » or « Conseil »,
    the field's name, the core's sentence."""
    return [f"* {en_langue(Texte('**Bloquant** — ')) if p.gravite == 'erreur' else en_langue(Texte('Conseil — '))}"
            f"{texte_sur(libelle_du_champ(p.chemin))}{texte_sur(en_langue(p.message))}" for p in problemes]


def date_du_jour() -> dt.date:
    return dt.date.today()


_ISSUES_CLIENT = {"injonction": Texte("Le juge ordonne au préfet de me donner un rendez-vous"),
                  "rejet": Texte("Le juge rejette ma demande"),
                  "non_lieu": Texte("Le juge dit qu'il n'y a plus rien à juger (« non-lieu à statuer »)")}
_MOTIFS_CLIENT = {"urgence": Texte("Pas d'urgence"),
                  "tentatives": Texte("Pas assez d'essais de rendez-vous, ou pas sur des semaines différentes"),
                  "decision_existante": Texte("La préfecture a déjà pris une décision (un refus écrit)"),
                  "incompetence": Texte("Ce n'était pas le bon tribunal"),
                  "autre": Texte("Une autre raison, ou je ne sais pas")}


def choix_issues() -> list[dict[str, str]]:
    """The judge's decisions, in the page's language."""
    return [{cle: tr(texte)} for cle, texte in _ISSUES_CLIENT.items()]


def choix_motifs_rejet() -> list[dict[str, str]]:
    """The grounds of a rejection (the core's MOTIFS_REJET), in the page's language."""
    return [{cle: tr(_MOTIFS_CLIENT[cle])} for cle in MOTIFS_REJET]


def _utilisateur() -> int | None:
    return int(user_info().id) if user_logged_in() else None


def _fichiers(valeur: object) -> list[DAFile]:
    if isinstance(valeur, DAFileList):
        return [f for f in valeur if getattr(f, "ok", True)]
    return [valeur] if isinstance(valeur, DAFile) else []


def bloc_ordonnance(reponses: object, fichiers: list) -> dict:
    """The core's `ordonnance` block (ordonnance.py) from the answers of an ordonnance form, the
    client's (`SuiteClient`) or the staff's (« Saisir l'ordonnance », staff_objects.py): the
    same attribute names on both."""
    issue = _defini(reponses, "issue")
    ordonnance = {"numero": _defini(reponses, "numero"), "date": _date(_defini(reponses, "date_ordonnance")),
                  "date_notification": _date(_defini(reponses, "date_notification")), "issue": issue,
                  "fichiers": fichiers}
    if issue == "injonction":
        if _defini(reponses, "forme_delai") == "sans_delai":
            ordonnance["sans_delai"] = True
        else:
            ordonnance["delai_jours"] = _defini(reponses, "delai_jours")
            ordonnance["point_de_depart"] = _defini(reponses, "point_de_depart") or "notification"
        if _defini(reponses, "delai_rdv_jours"):
            ordonnance["delai_rdv_jours"] = _defini(reponses, "delai_rdv_jours")
        if _defini(reponses, "avec_astreinte"):
            ordonnance["astreinte"] = {"montant_euros": _defini(reponses, "astreinte_euros")}
            if _defini(reponses, "astreinte_debut"):
                ordonnance["astreinte"]["debut"] = _date(_defini(reponses, "astreinte_debut"))
    if issue == "rejet":
        ordonnance["motif_rejet"] = _defini(reponses, "motif_rejet")
    return ordonnance


class SuiteClient(DAObject):
    """The client's answers after the ordonnance, and what the core made of them."""

    def init(self, *pargs, **kwargs):
        super().init(*pargs, **kwargs)
        self.initializeAttribute("constats", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("execution", DAList.using(object_type=DAFile, auto_gather=False, gathered=True))
        if not hasattr(self, "problemes_execution_depot"):
            self.problemes_execution_depot = []

    # --- the référé dossier (register) -------------------------------------------------------

    def trouver_le_dossier(self, cle: object = None) -> bool:
        """Bind this session to one of the signed-in user's dossiers transmis: the référé session
        `cle` (from the client's own link) if it is theirs, else their latest. False when the user
        has none (or the register cannot be read)."""
        from .registre_serveur import registre  # noqa: PLC0415 - server side
        moi = _utilisateur()
        if moi is None:
            return False
        try:
            transmis = registre().du_client(moi, str(cle)) if isinstance(cle, str) and cle else None
            transmis = transmis or registre().dernier_du_proprietaire(moi)
        except Exception as exc:  # noqa: BLE001 - a sentence on the screen, the details in the log
            log(f"rdvrefere: register unreachable after the ordonnance: {exc!r}")
            return False
        if transmis is None or not transmis.envois:
            return False
        donnees = transmis.donnees()
        self.refere_session = transmis.session
        self.base = {"requerant": donnees.get("requerant") or {}, "departement": donnees.get("departement"),
                     "titre": (donnees.get("demande") or {}).get("titre")}
        return True

    def nom(self) -> str:
        r = getattr(self, "base", {}).get("requerant") or {}
        return " ".join(str(r.get(c) or "") for c in ("prenoms", "nom")).strip()

    # --- to the core ------------------------------------------------------------------------

    def donnees(self, *, references: dict | None = None) -> dict:
        """The core's ordonnance data (ordonnance.py) from the answers so far; files as paths, or
        as references {nom, sha256} when `references` (filled with {sha256: path}) is given."""
        def fichiers(valeur: object) -> list:
            if references is None:
                return _chemins(valeur)
            refs = []
            for fichier in _fichiers(valeur):
                chemin = _chemin_de_cette_session(fichier)  # FichierEtranger for another session's file
                sha = sha256_du_fichier(chemin)
                references[sha] = chemin
                refs.append({"nom": nom_de_fichier_sur(getattr(fichier, "filename", None)), "sha256": sha})
            return refs

        ordonnance = bloc_ordonnance(self, fichiers(_defini(self, "ordonnance_pdf")))
        suivi: dict = {}
        if _defini(self, "rendez_vous_donne") and _defini(self, "rendez_vous_le"):
            suivi["rendez_vous_le"] = _date(self.rendez_vous_le)
        if _defini(self, "courrier_envoye") and _defini(self, "courrier_date"):
            suivi["courrier_prefet"] = {"date": _date(self.courrier_date),
                                        "fichiers": fichiers(_defini(self, "courrier_fichiers"))}
        constats = [{"date": _date(_defini(c, "date")), "heure": _heure(_defini(c, "heure")),
                     "constat": _defini(c, "constat"), "fichiers": fichiers(_defini(c, "fichiers"))}
                    for c in self.constats.elements if _defini(c, "complete")]
        if constats:
            suivi["constats"] = [{k: v for k, v in c.items() if v is not None} for c in constats]
        if _defini(self, "demande_execution_le"):
            suivi["demande_execution_le"] = _date(self.demande_execution_le)
        base = getattr(self, "base", {})
        donnees = {"requerant": base.get("requerant") or {}, "departement": base.get("departement"),
                   "ordonnance": ordonnance, "suivi": suivi}
        if base.get("titre"):
            donnees["titre"] = base["titre"]
        return donnees

    def dossier(self):
        """The core's DossierOrdonnance; DossierInvalide names every wrong field."""
        return ordonnance_depuis_donnees(self.donnees(), racine="/")

    def problemes_de_saisie(self) -> list[Probleme]:
        """What the core refuses in the answers (each naming its field), [] when all is well."""
        try:
            self.dossier()
        except DossierInvalide as exc:
            return exc.problemes
        except DossierIllisible as exc:
            return [Probleme("", str(exc))]
        return []

    def etat(self, jour: dt.date | None = None):
        return etat_a_la_date(self.dossier(), jour or date_du_jour())

    # --- what the screens show (every text escaped, in the page's language) -----------------------

    def etat_pour_ecran(self, jour: dt.date | None = None) -> str:
        """What to do now, then the dates, as Markdown (the core's sentences and dates, escaped)."""
        etat = self.etat(jour)
        titre = en_langue(etat.titre)
        lignes = [f"**{texte_sur(titre[:1].upper() + titre[1:])}.**", ""]
        lignes += [f"* {texte_sur(en_langue(ligne))}" for ligne in etat.lignes]
        dates = self.dates_pour_ecran(etat)
        if dates:
            lignes += ["", f"## {texte_sur(en_langue(Texte('Les dates')))}", "", *dates]
        return "\n".join(lignes)

    def dates_pour_ecran(self, etat) -> list[str]:
        e = etat.echeances
        if e is None:
            return []

        def gras(jour: dt.date) -> str:
            # the date translated then escaped, in bold: a value of the sentence, whose words are ours
            return f"**{texte_sur(en_langue(jour_nomme(jour)))}**"
        phrases = []
        if e.date_limite_prefet:
            phrases.append(Texte("Le préfet doit vous donner un rendez-vous au plus tard le {date}.",
                                 date=gras(e.date_limite_prefet)))
        if e.date_limite_rdv:
            phrases.append(Texte("Le rendez-vous lui-même doit avoir lieu au plus tard le {date}.",
                                 date=gras(e.date_limite_rdv)))
        if e.execution_possible_le:
            phrases.append(Texte("Vous pouvez demander l'exécution au tribunal à partir du {date}.",
                                 date=gras(e.execution_possible_le)))
        if e.astreinte_debut:
            phrases.append(Texte("L'astreinte court à partir du {date}.", date=gras(e.astreinte_debut)))
        if etat.code == "rejet":
            phrases.append(Texte("Recours devant le Conseil d'État (avec un avocat) jusqu'au {date}.",
                                 date=gras(e.cassation_jusqu_au)))
        return [f"* {en_langue(phrase)}" for phrase in phrases]

    def problemes_pour_ecran(self, pour: str) -> list[str]:
        """The core's problems for the letter or the demande, as escaped Markdown lines."""
        try:
            problemes = problemes_execution(self.dossier(), aujourd_hui=date_du_jour(), pour=pour, limites=LIMITES)
        except DossierInvalide as exc:
            problemes = exc.problemes
        return lignes_de_problemes(problemes)

    def refus_lettre_pour_ecran(self) -> list[str]:
        """Why the letter could not be written (`refus_lettre`, kept by the session), in the page's
        language; a session of before issue 13 kept its lines already made: shown as they are."""
        refus = getattr(self, "refus_lettre", None) or []
        return [p if isinstance(p, str) else lignes_de_problemes([p])[0] for p in refus]

    def bloque(self, pour: str) -> bool:
        try:
            return bool(erreurs(problemes_execution(self.dossier(), aujourd_hui=date_du_jour(), pour=pour,
                                                    limites=LIMITES)))
        except DossierInvalide:
            return True

    def action_possible(self) -> bool:
        """The préfet did not comply: the letter and the demande d'exécution are offered."""
        try:
            return self.etat().code in ("courrier_au_prefet", "attente_reponse_courrier", "demande_execution")
        except DossierInvalide:
            return False

    # --- the letter to the préfet ------------------------------------------------------------

    def preparer_lettre(self) -> list[Probleme]:
        """The letter (DOCX and PDF) as DAFiles `lettre_docx`, `lettre_pdf`; the problems (mots.Texte:
        shown in the page's language by `refus_lettre_pour_ecran`) when it cannot be written."""
        if self.bloque("lettre"):
            try:
                return problemes_execution(self.dossier(), aujourd_hui=date_du_jour(), pour="lettre", limites=LIMITES)
            except DossierInvalide as exc:
                return exc.problemes
        with tempfile.TemporaryDirectory(prefix="rdv-lettre-") as chantier:
            try:
                docx, pdf = rendre_lettre_prefet(self.dossier(), Path(chantier), aujourd_hui=date_du_jour(), nom=LETTRE)
            except (ModeleInvalide, PdfImpossible) as exc:
                log(f"rdvrefere: letter to the préfet failed: {exc!r}")
                return [Probleme("", Texte("{erreur} La lettre n'a pas été préparée ; prévenez l'équipe.",
                                           erreur=str(exc)))]
            for attribut, chemin in (("lettre_docx", docx), ("lettre_pdf", pdf)):
                fichier = DAFile(f"{self.instanceName}.{attribut}")
                fichier.initialize(filename=chemin.name)
                fichier.copy_into(str(chemin))
                fichier.commit()
                setattr(self, attribut, fichier)
        self.lettre_du = date_du_jour().isoformat()
        return []

    # --- the demande d'exécution (built in the background, like the référé's bundle) --------------

    def construire_execution(self) -> list[Probleme]:
        """Build the execution bundle with the core into `self.execution` (DAFiles); the blocking
        problems (and the previous bundle kept) when it cannot."""
        try:
            dossier = self.dossier()
        except DossierInvalide as exc:
            return exc.problemes
        with tempfile.TemporaryDirectory(prefix="rdv-execution-") as chantier:
            sortie = Path(chantier) / "depot"
            try:
                manifeste = construire_execution(dossier, sortie, aujourd_hui=date_du_jour(), limites=LIMITES)
            except DossierNonDeposable as exc:
                return exc.problemes
            except Exception as exc:  # noqa: BLE001 - the client gets a sentence, the log the details
                log(f"rdvrefere: execution bundle failed: {exc!r}")
                return [Probleme("", Texte("Une erreur inattendue a empêché de préparer la demande. Vos réponses "
                                           "sont conservées : réessayez plus tard ou prévenez l'équipe."))]
            garder_les_fichiers_du_depot(self.execution, manifeste, sortie)
            self.manifeste_execution = manifeste.as_dict()
        return []

    def recevoir_execution(self, depot, manifeste, problemes) -> None:
        if depot is not None and not problemes:
            self.execution = depot
            self.manifeste_execution = manifeste
        self.problemes_execution_depot = problemes or []
        self.execution_prete = True

    def zip_execution(self) -> DAFile | None:
        return next((f for f in self.execution if f.filename == NOM_ZIP), None)

    def problemes_execution_pour_ecran(self) -> list[str]:
        """Why the bundle could not be built, in the page's language: each problem as the
        background task sent it (problemes_pour_la_reponse: its sentence with its template)."""
        return [f"* {texte_sur(libelle_du_champ(probleme.get('chemin') or ''))}"
                f"{texte_sur(en_langue(phrase_recue(probleme)))}" for probleme in self.problemes_execution_depot]

    def lignes_execution(self) -> list[str]:
        """One escaped Markdown line per file of the bundle, from its manifest; the pièces' and
        files' names in French (the screen says so), the rest in the page's language."""
        roles = {"requete": Texte("Demande au tribunal (PDF, à déposer)"),
                 "requete_docx": Texte("Demande (Word, pour la modifier)"),
                 "inventaire": Texte("Inventaire des pièces (PDF)"), "inventaire_docx": Texte("Inventaire (Word)"),
                 "guide": Texte("Guide de dépôt (texte)")}
        lignes = []
        for entree in (getattr(self, "manifeste_execution", None) or {}).get("fichiers", []):
            fichier = next((f for f in self.execution if f.filename == entree["fichier"]), None)
            if fichier is None:
                continue
            titre = (Texte("Pièce n° {numero} — « {libelle} »", numero=entree["numero"], libelle=entree["libelle"])
                     if entree["role"] == "piece" else roles.get(entree["role"], entree["fichier"]))
            lignes.append(f"* [{texte_sur(en_langue(titre))}]({fichier.url_for()}) — {texte_sur(entree['fichier'])}")
        return lignes

    def guide_execution(self) -> str:
        """The bundle's filing guide as escaped Markdown: its steps in the page's language (the
        names to type stay French), when the guide the core makes now from the answers is the
        bundle's Guide_depot.txt word for word; the bundle's own French guide otherwise."""
        guide = next((f for f in self.execution if f.filename == "Guide_depot.txt"), None)
        if guide is None:
            return ""
        texte = Path(guide.path()).read_text(encoding="utf-8")
        try:
            dossier = self.dossier()
            requete = next((e["fichier"] for e in (getattr(self, "manifeste_execution", None) or {}).get("fichiers", [])
                            if e.get("role") == "requete"), "Requete.pdf")
            pieces, tribunal = pieces_execution(dossier), juridiction(dossier.departement)
            etapes = etapes_execution(dossier, pieces, tribunal, requete=requete)
            le_meme = guide_en_texte(etapes, titre=execution.TITRE_DU_GUIDE) == texte
        except Exception as exc:  # noqa: BLE001 - the answers cannot be read: the bundle's own guide
            log(f"rdvrefere: execution guide not made again: {exc!r}")
            le_meme = False
        if not le_meme:
            return guide_en_markdown(texte)
        blocs = []
        for etape in etapes:
            # under the screen's « ## Déposer… »: one level down (axe heading-order)
            blocs += ["", f"### {texte_sur(en_langue(etape.titre))}", "",
                      *[f"* {texte_sur(en_langue(ligne))}" for ligne in etape.lignes]]
        return "\n".join(blocs)

    # --- to the team (register) --------------------------------------------------------------------

    def transmettre(self) -> bool:
        """Send the answers to the team when they changed since the last version sent (each file
        copied into the register); True when a new version was recorded. Never a status."""
        from .registre_serveur import registre  # noqa: PLC0415 - server side
        moi = _utilisateur()
        if moi is None or not getattr(self, "refere_session", None):
            return False
        chemins: dict[str, str] = {}
        donnees = vers_json(self.donnees(references=chemins))
        if empreinte(donnees) == getattr(self, "empreinte_transmise", None):
            return False
        le_registre = registre()
        for sha, chemin in chemins.items():
            if le_registre.ajouter_fichier(chemin) != sha:
                raise FichierEtranger(Texte("Un fichier a changé pendant l'envoi : réessayez."))
        transmis, nouvelle = le_registre.transmettre_ordonnance(moi, self.refere_session, donnees,
                                                                connue=getattr(self, "ordonnance_connue", None))
        self.empreinte_transmise = empreinte(donnees)
        derniere = transmis.ordonnance
        if derniere is not None:
            self.ordonnance_connue = derniere.numero
            if derniere.donnees.get("ordonnance") != donnees.get("ordonnance"):
                # staff entered the ordonnance meanwhile: the register kept theirs (latest wins);
                # the screens show it from now on
                self.remplir_depuis(derniere)
        return nouvelle

    # --- from the register: a version entered by staff (staff.yml « Saisir l'ordonnance ») ------------

    def reprendre_du_registre(self) -> bool:
        """The rule between the client's answers and staff's versions (the latest version wins,
        never silently overwritten): when the register's latest version of the ordonnance was
        entered by staff after what this session knows, or when this session has no answer on
        the ordonnance yet, the answers on the ordonnance itself are taken from it (its files
        copied into this session). The client's follow-up answers stay. True when taken."""
        from .registre_serveur import registre  # noqa: PLC0415 - server side
        moi = _utilisateur()
        if moi is None or not getattr(self, "refere_session", None):
            return False
        try:
            derniere = registre().derniere_ordonnance(moi, self.refere_session)
        except Exception as exc:  # noqa: BLE001 - the register may be unreachable: keep the answers
            log(f"rdvrefere: register unreachable for the ordonnance: {exc!r}")
            return False
        if derniere is None or derniere.numero <= int(getattr(self, "ordonnance_connue", None) or 0):
            return False
        self.ordonnance_connue = derniere.numero
        if not (derniere.par_l_equipe or not hasattr(self, "issue")):
            return False
        self.remplir_depuis(derniere)
        return True

    def remplir_depuis(self, version) -> None:
        """Set the answers on the ordonnance from a register version (values set in code, shown
        as typed, never evaluated); its files become private files of this session."""
        from .interview_objects import _date_de_champ  # noqa: PLC0415
        from .registre_serveur import fichier_prive, registre  # noqa: PLC0415
        o = version.donnees.get("ordonnance") or {}
        for attribut in ("issue", "numero", "date_ordonnance", "date_notification", "forme_delai", "delai_jours",
                         "point_de_depart", "delai_rdv_jours", "avec_astreinte", "astreinte_euros", "astreinte_debut",
                         "motif_rejet"):
            if hasattr(self, attribut):
                delattr(self, attribut)
        valeurs = {"issue": o.get("issue"), "numero": o.get("numero"), "date_ordonnance": _date_de_champ(o.get("date")),
                   "date_notification": _date_de_champ(o.get("date_notification"))}
        if o.get("issue") == "injonction":
            valeurs.update(forme_delai="sans_delai" if o.get("sans_delai") else "jours", delai_jours=o.get("delai_jours"),
                           point_de_depart=o.get("point_de_depart") or "notification",
                           delai_rdv_jours=o.get("delai_rdv_jours"), avec_astreinte=bool(o.get("astreinte")))
            if o.get("astreinte"):
                valeurs["astreinte_euros"] = o["astreinte"].get("montant_euros")
                if o["astreinte"].get("debut"):
                    valeurs["astreinte_debut"] = _date_de_champ(o["astreinte"]["debut"])
        if o.get("issue") == "rejet":
            valeurs["motif_rejet"] = o.get("motif_rejet")
        for attribut, valeur in valeurs.items():
            if valeur is not None:
                setattr(self, attribut, valeur)
        references = [f for f in o.get("fichiers") or [] if isinstance(f, dict) and f.get("sha256")]
        if references:
            if not isinstance(getattr(self, "ordonnance_pdf", None), DAFileList):
                if hasattr(self, "ordonnance_pdf"):
                    delattr(self, "ordonnance_pdf")
                self.initializeAttribute("ordonnance_pdf", DAFileList)
            self.ordonnance_pdf.clear()
            for i, ref in enumerate(references):
                self.ordonnance_pdf.append(fichier_prive(registre().contenu(ref["sha256"]), ref.get("nom") or "ordonnance.pdf",
                                                         f"{self.instanceName}.ordonnance_pdf[{i}]"))
            self.ordonnance_pdf.gathered = True
        self.accueil_vu = True
        self.saisie_par_l_equipe = version.par_l_equipe

    def transmission_reussie(self) -> bool:
        try:
            self.transmettre()
        except FichierEtranger as refus:
            # the sentence itself (a mots.Texte when it is ours): the screen shows it translated
            self.refus_de_transmission = refus.args[0] if refus.args and isinstance(refus.args[0], str) else str(refus)
            return False
        except Exception as exc:  # noqa: BLE001 - the database may be unreachable
            log(f"rdvrefere: ordonnance not transmitted: {exc!r}")
            self.refus_de_transmission = Texte("Le serveur n'a pas pu envoyer vos réponses à l'équipe (erreur "
                                               "technique).")
            return False
        self.refus_de_transmission = ""
        return True


# --- a reminder the day the préfet's délai ends (the preparation reminders' table, rappels.py) -------

def rappel_possible(suite: SuiteClient) -> bool:
    """A reminder makes sense: an injonction whose délai has not ended yet, and a server that sends mail."""
    from docassemble.base.util import get_config  # noqa: PLC0415
    reglage = get_config("rdvrefere rappels")
    if not (bool(get_config("mail")) if reglage is None else bool(reglage)):
        return False
    try:
        etat = suite.etat()
    except DossierInvalide:
        return False
    return etat.code == "en_attente_du_delai" and etat.prochaine_date is not None and not suite.dossier().ordonnance.sans_delai


def programmer_rappel_delai(suite: SuiteClient) -> bool:
    """Schedule one mail on the first day the client may act (the day after the préfet's délai),
    in the reminders' table, keyed by this session; False with `suite.refus_rappel` otherwise."""
    from docassemble.base.util import interview_url  # noqa: PLC0415
    from .rappels import Echeance, programmer  # noqa: PLC0415
    from .rappels_serveur import INTERVIEW_ARRET, _engine, _proprietaire  # noqa: PLC0415
    proprietaire = _proprietaire()
    if proprietaire is None:
        suite.refus_rappel = Texte("Connectez-vous pour recevoir un rappel.")
        return False
    jour = echeances(suite.dossier().ordonnance).execution_possible_le
    lien_arret = interview_url(i=INTERVIEW_ARRET, new_session=1)
    lien_arret += ("&" if "?" in lien_arret else "?") + "jeton="
    try:
        # the reminder's weekday is that day's: the mail goes out on the day itself
        programmer(_engine(), proprietaire, suite.rappel_courriel, jour.weekday(), [Echeance("execution", jour)],
                   interview_url(), lien_arret=lien_arret)
    except ValueError:
        suite.refus_rappel = Texte("Cette adresse électronique n'est pas valable.")
        return False
    except Exception as exc:  # noqa: BLE001
        log(f"rdvrefere: reminder after the ordonnance not scheduled: {exc!r}")
        suite.refus_rappel = Texte("Le serveur n'a pas pu enregistrer le rappel (erreur technique).")
        return False
    suite.refus_rappel = ""
    suite.rappel_le = date_longue(jour)
    return True
