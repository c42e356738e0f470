"""The thin docassemble layer: interview objects ↔ the core's plain values.

The interview stores answers on one `DossierClient` object (`client` in the YAML). This module
turns it into the core's dossier data (uploads become file paths), asks the core for the checks,
the numbering and the bundle, and turns the bundle's files back into DAFiles. No rule lives
here: every rule is in the core (verification, tentatives, numerotation…).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docassemble.base.util import (DAFile, DAFileList, DAList, DAObject, DAStore, as_datetime,
                                   get_config, log, url_action, user_info, user_logged_in)

from .bundle import NOM_ZIP, DossierNonDeposable, construire, sha256_du_fichier
from .conversion import (FichierRefuse, Limites, essayer_la_conversion, examiner_fichier,
                         taille_en_mo)
from .dates import date_longue, heure_fr
from .dossier import (NATURES_DEMARCHE, REPONSES_DEMARCHE, TYPES_BLOCAGE, DossierIllisible, DossierInvalide, Tentative,
                      dossier_depuis_donnees, problemes_de_validation, resume_de_circonstance)
from .guide import etapes_du_depot
from .juridictions import COLLECTIVITES_NON_COUVERTES, JuridictionInconnue, juridiction, toutes_les_juridictions
from .lecture_capture import comparer as comparer_lecture, lire_captures, resume as resume_lecture
from .langues_serveur import tr
from .memoire import MemoireBornee
from .resume_demande import resume_de_la_demande
from .mots import Texte, phrase_recue
from .numerotation import Piece, numeroter
from .personnel import APPROUVE, EN_COURS, est_depose, message_pour_le_client
from .problemes import Probleme, erreurs
from .renouvellement import situation_du_renouvellement
from .redaction import ville_de
from .requete import ModeleInvalide, PdfImpossible
from .tentatives import BilanTentatives, bilan_des_dates, regle_des_tentatives
from .transmission import empreinte, nom_de_fichier_sur, references, vers_json
from .types_fichiers import ACCEPT_TELEVERSEMENT, FORMATS_ACCEPTES
from .verification import verifier

__all__ = [
    "DossierClient", "FichierEtranger", "session_du_client", "LIMITES", "choix_departements", "refus_televersement", "texte_sur",
    "taille_en_mo", "resume_televersement", "jour", "date_du_jour", "probleme_de_tentative",
    "plateforme_par_defaut", "ville_de", "message_collectivite", "libelle_du_chemin",
    "garder_televersement", "retenir_televersement", "deja_joint", "ACCEPT_TELEVERSEMENT", "FORMATS_ACCEPTES", "contact_association",
    "relecture_par_l_equipe",
    "lire_les_captures", "lecture_pour_ecran",
    "choix_natures_urgence", "titre_circonstance", "resume_circonstance",
    # core names the screens use
    "COLLECTIVITES_NON_COUVERTES", "NATURES_DEMARCHE", "TYPES_BLOCAGE", "NOM_ZIP", "date_longue", "heure_fr",
    "erreurs", "quand_pour_ecran", "resume_pour_ecran",
]

LIMITES = Limites()


def choix_departements() -> list[dict[str, str]]:
    """Dropdown choices: the 101 départements and Saint-Pierre-et-Miquelon, Saint-Barthélemy,
    Saint-Martin (covered), then the collectivities that are not covered."""
    choix = [{j.code: f"{j.code} — {j.departement}"} for j in toutes_les_juridictions()]
    choix += [{code: f"{code} — {nom}"} for code, nom in COLLECTIVITES_NON_COUVERTES.items()]
    return choix


# Python-Markdown's escapable characters (« > » is HTML-escaped instead); « | » would split a
# table cell and cannot be backslash-escaped outside tables, so it becomes an entity. « [ » and
# « ] » become entities too: docassemble reads its markup (« [FILE …] », « [YOUTUBE …] »,
# « [QR …] ») before Markdown, and a backslash does not stop it (« \[FILE x\] » still matches).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}()#+\-.!])")
_ENTITES = {"|": "&#124;", "[": "&#91;", "]": "&#93;"}


def contact_association() -> str:
    """The association's own contact for clients (the operator's setting `rdvrefere contact:`, README),
    as plain text; '' when the server does not set it. Shown with `texte_sur`, never as a template."""
    valeur = get_config("rdvrefere contact")
    if isinstance(valeur, (list, tuple)):
        valeur = " ; ".join(str(v) for v in valeur if v)
    return " ".join(str(valeur or "").split())


def relecture_par_l_equipe() -> bool:
    """The operator's setting `rdvrefere relecture:` (README): True, the default, when the team
    reviews every dossier before the client gets the filing guide and the bundle; False (`non`,
    `false`, `0` too) when clients file their own bundle at once, without review."""
    valeur = get_config("rdvrefere relecture", True)
    if valeur is None:
        return True
    if isinstance(valeur, str):
        return valeur.strip().lower() not in ("false", "non", "no", "0", "off")
    return bool(valeur)


def guide_en_markdown(texte: str) -> str:
    """A bundle's Guide_depot.txt (guide.guide_en_texte) for a screen, under its « ## Déposer… »
    heading: the steps as ### titles, their lines as a list, every line escaped."""
    blocs = []
    for ligne in texte.splitlines()[1:]:  # the first line is the guide's own title
        if ligne.lstrip().startswith("- "):
            blocs.append(f"* {texte_sur(ligne.lstrip()[2:])}")
        elif ligne.strip():
            blocs += ["", f"### {texte_sur(_titre_en_minuscules(ligne))}", ""]
    return "\n".join(blocs)


def _titre_en_minuscules(ligne: str) -> str:
    """« 2. ENVOYER LA REQUÊTE SUR TÉLÉRECOURS » (Guide_depot.txt) → « 2. Envoyer la requête sur Télérecours »."""
    texte = ligne.strip().lower()
    lettre = next((i for i, c in enumerate(texte) if c.isalpha()), None)
    if lettre is not None:
        texte = texte[:lettre] + texte[lettre].upper() + texte[lettre + 1:]
    return re.sub(r"\btélérecours\b", "Télérecours", texte)


def texte_sur(texte: object) -> str:
    """User text shown literally on a screen: Markdown and docassemble's markup neutralised, HTML
    escaped. (Mako never evaluates a value inserted with ${ }, so « ${ } » typed by a user stays text.)"""
    echappe = html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(texte)), quote=False)
    return "".join(_ENTITES.get(c, c) for c in echappe)


def texte_html_sur(texte: object) -> str:
    """A text shown literally inside an HTML element of a screen (no Markdown there): HTML escaped,
    and docassemble's markup (« [FILE …] », « [BR] »), which it reads even inside HTML, neutralised."""
    return "".join(_ENTITES.get(c, c) for c in html.escape(str(texte)))


def _chemins(fichiers: object) -> list[str]:
    """Local paths of an upload field (DAFileList, DAFile, or nothing)."""
    if isinstance(fichiers, DAFileList):
        return [_chemin(f) for f in fichiers if getattr(f, "ok", True)]
    if isinstance(fichiers, DAFile):
        return [_chemin(fichiers)]
    return []


def _chemin(fichier: DAFile) -> str:
    """The local path of an uploaded file, as the client sent it. docassemble's `DAFile.path()`
    measures every .jpg, .png and .gif with Pillow on the way (`add_info_about_file`) and lets
    Pillow's error through, in English and with the server's path (« cannot identify image file
    '/…/file.jpg' », « decompression bomb »), for a file that is no such image or a huge one. That
    file is then found again without the measure, so that the engine examines it and refuses it
    with its own French message naming the file and the pièce (issue 10).
    The path found is kept by `_CHEMINS_TROUVES` for this session and user (issue 15)."""
    cle = _cle_de_chemin(fichier)
    chemin = _CHEMINS_TROUVES.lire(cle)
    if chemin is not None:
        return chemin
    try:
        chemin = fichier.path()
    except Exception:  # noqa: BLE001 - whatever Pillow raises on a file the client chose
        chemin = _chemin_sans_mesure(fichier)
        if chemin is None:
            raise
    _CHEMINS_TROUVES.garder(cle, chemin)
    return chemin


class _CheminsTrouves:
    """Paths docassemble gave for an upload, kept by the process (issue 15). Each `DAFile.path()`
    costs a database query, an access check and a measure of the file (Pillow for an image, the
    whole PDF opened by pikepdf), and a screen asks the same files' paths many times (the dossier's
    data, the review, the copy sent to staff, on every request after the review). A file number's
    path never changes; the key holds the number, the name asked for, the browser's session keys
    and the user, so a path is reused only where docassemble's own access check gave it. A kept
    path whose file is gone (a dossier deleted) is asked again."""

    MAX = 8192

    def __init__(self):
        self._chemins: MemoireBornee[str] = MemoireBornee(self.MAX)

    def lire(self, cle: tuple | None) -> str | None:
        chemin = self._chemins.get(cle) if cle is not None else None
        return chemin if chemin is not None and Path(chemin).is_file() else None

    def garder(self, cle: tuple | None, chemin: str) -> None:
        if cle is not None:
            self._chemins.garder(cle, chemin)


_CHEMINS_TROUVES = _CheminsTrouves()


def _cle_de_chemin(fichier: DAFile, *cles_de_session: str) -> tuple | None:
    """(number, name asked for, session keys, user) under which docassemble gave a file's path;
    the session keys are the browser's (docassemble's own rule) unless given. None outside a web
    request (no browser session: nothing is kept)."""
    try:
        if not cles_de_session:
            from docassemble.webapp.sessions import get_session_uids  # noqa: PLC0415 - server side
            cles_de_session = tuple(get_session_uids())
        nom = fichier.filename if getattr(fichier, "has_specific_filename", False) else None
        return (int(fichier.number), nom, tuple(cles_de_session), _utilisateur())
    except Exception:  # noqa: BLE001 - no request context (the headless harness, Celery)
        return None


def _chemin_sans_mesure(fichier: DAFile) -> str | None:
    """The stored bytes of an upload of this session, asked of docassemble under a name that it
    does not measure (docassemble keeps them in « file », beside the « file.jpg » link)."""
    from docassemble.base.hooks import file_number_finder  # noqa: PLC0415
    try:
        numero = int(fichier.number)
        info = file_number_finder(numero, filename="televersement.bin") or {}
    except Exception:  # noqa: BLE001
        return None
    brut = info.get("path")
    return brut if brut and Path(brut).is_file() else None


def refus_televersement(fichiers: object, piece: str) -> str | None:
    """The fast check of the uploaded files on their own screen (the core's `examiner_fichier`:
    type by content, readability, size, page count), and the French reason of the first refusal,
    or None. Called from the upload screen's validation. The conversion to the pièce's PDF is not
    done here, in the web request (issue 15): `retenir_televersement` hands it to a background
    task, and the review shows its refusal (`DossierClient.refus_de_conversion`)."""
    chemins = _chemins(fichiers)
    if not chemins:
        return tr(Texte("Ajoutez au moins un fichier."))
    noms = [_nom_sur(nom, Path(chemin)) for chemin, nom in zip(chemins, _noms(fichiers))]
    for chemin, nom in zip(chemins, noms):
        try:
            examiner_fichier(Path(chemin), piece=piece, limites=LIMITES, nom=nom)
        except FichierRefuse as refus:
            return tr(refus.message)
    # what the background conversion will need to name the files and the pièce
    memoire = _conversions()
    cle = _cle_de_conversion(chemins)
    if not memoire.defined(cle):
        memoire.set(cle, {"etat": "examine", "piece": piece, "noms": noms})
    return None


# --- the conversion of uploads, off the web request (issue 15) ---------------------------------
# One entry per group of files of an upload field, in a session store, under a key made of the
# files' paths and sizes (a docassemble file number never changes content). Its « etat »:
#   examine    checked on arrival, conversion not asked for yet (a screen still to accept)
#   en_cours   queued at `lance_le` (epoch seconds) to the Celery task of conversion_serveur.py,
#              which writes its outcome in Redis, not here: it never touches the session
#   a_refaire  no task could be queued (no Celery, or the broker is down): the review converts
#   ok / refus the conversion's outcome; « refus » keeps the engine's French message
# Before the review the client waits (a screen that reloads) while outcomes are missing, at most
# ATTENTE_MAX_S after the task was queued; then the review converts itself what is still missing:
# a conversion is never dropped. The bundle converts every file again.

ATTENTE_MAX_S = 60


def _conversions() -> DAStore:
    return DAStore("rdvrefere-conversions", base="session")


def _cle_de_conversion(chemins: list[str]) -> str:
    empreinte = hashlib.sha256()
    for chemin in chemins:
        try:
            taille = Path(chemin).stat().st_size
        except OSError:
            taille = -1
        empreinte.update(f"{chemin}\0{taille}\0".encode())
    return "conversion-" + empreinte.hexdigest()[:40]


def _lancer_conversion(fichiers: object) -> None:
    """Queue the background conversion of an accepted field's files, once per group of files."""
    chemins = _chemins(fichiers)
    if not chemins:
        return
    memoire = _conversions()
    cle = _cle_de_conversion(chemins)
    entree = memoire.get(cle)   # None when not there: an entry is never None
    if entree is None or entree.get("etat") != "examine":
        return  # already converted, being converted, or never checked here (the bundle converts it)
    try:
        from . import conversion_serveur  # noqa: PLC0415 - Celery's app: only on a server
        conversion_serveur.lancer(cle, chemins, entree["noms"], entree["piece"])
    except Exception as exc:  # noqa: BLE001 - no Celery here (headless) or the broker is down
        log(f"rdvrefere: no background conversion ({exc!r}); the review converts these files")
        memoire.set(cle, {**entree, "etat": "a_refaire"})
        return
    memoire.set(cle, {**entree, "etat": "en_cours", "lance_le": time.time()})


def _resultats_du_serveur(cles: list[str]) -> dict[str, dict]:
    """The background outcomes for these keys ({} without a server's Redis)."""
    if not cles:
        return {}
    try:
        from . import conversion_serveur  # noqa: PLC0415
        return conversion_serveur.resultats(cles)
    except Exception as exc:  # noqa: BLE001 - the review converts what it cannot read
        log(f"rdvrefere: background conversion outcomes unreadable ({exc!r})")
        return {}


def garder_les_fichiers_du_depot(fichiers: DAList, manifeste, sortie: Path) -> None:
    """Replace `fichiers` (a DAList of DAFiles) with the files of a bundle built in `sortie`: each
    file its manifest lists, then the zip, copied as private files of this session."""
    fichiers.clear()
    for entree in manifeste.fichiers + [None]:
        nom = entree.fichier if entree else NOM_ZIP
        fichier = fichiers.appendObject()
        fichier.initialize(filename=nom)
        fichier.copy_into(str(sortie / nom))
        fichier.commit()


def _groupes_de_fichiers(donnees: object) -> list[list[str]]:
    """Every `fichiers` list of the core's dossier data."""
    groupes: list[list[str]] = []
    if isinstance(donnees, dict):
        for cle, valeur in donnees.items():
            if cle == "fichiers" and isinstance(valeur, list):
                if valeur:
                    groupes.append([str(v) for v in valeur])
            else:
                groupes.extend(_groupes_de_fichiers(valeur))
    elif isinstance(donnees, list):
        for valeur in donnees:
            groupes.extend(_groupes_de_fichiers(valeur))
    return groupes


def _memoire_des_televersements() -> DAStore:
    """Uploads remembered per session outside the answers: docassemble's « Retour » button and a
    table's « Modifier » rewind the answers, and a file field is never pre-filled, so without
    this the client would have to upload the same screenshot again."""
    return DAStore("rdvrefere-televersements", base="session")


def garder_televersement(variable: str, fichiers: object) -> object:
    """The files of an upload field: the new ones, or, when the client chose none, those
    accepted earlier on this field. Called first in the validation code; the new files are
    remembered only once the screen is accepted (`retenir_televersement`, its last line), so a
    refused file is never offered back as « Déjà joint »."""
    memoire = _memoire_des_televersements()
    if _chemins(fichiers):
        return fichiers
    gardes = memoire.get(variable)   # one query: a stored upload field is never None
    return gardes if gardes is not None else fichiers


def retenir_televersement(variable: str, fichiers: object) -> None:
    """Remember the accepted files of an upload field (the validation code's last line)."""
    if _chemins(fichiers):
        _memoire_des_televersements().set(variable, fichiers)
        _lancer_conversion(fichiers)


def deja_joint(variable: str) -> str:
    """The lines of an upload screen: the formats the field accepts (the same list as its
    `accept`, types_fichiers.FORMATS_ACCEPTES) and, when earlier files are remembered,
    « Déjà joint : capture.png. »."""
    formats = tr(Texte("Formats acceptés : {formats}.", formats=FORMATS_ACCEPTES))
    gardes = _memoire_des_televersements().get(variable)   # None when nothing is remembered
    if gardes is None or not _chemins(gardes):
        return formats
    noms = texte_sur(", ".join(_noms(gardes)))
    return formats + "\n\n" + tr(Texte("Déjà joint : {noms}. Laissez le champ vide pour le garder, "
                                       "ou choisissez d'autres fichiers.", noms=noms))


def resume_televersement(fichiers: object) -> str:
    """« 2 fichiers, 1,3 Mo sur 30 Mo permis »: the portal's limit, in the page's language."""
    chemins = _chemins(fichiers)
    octets = sum(Path(c).stat().st_size for c in chemins)
    valeurs = {"n": len(chemins), "taille": taille_en_mo(octets), "limite": taille_en_mo(LIMITES.taille_max_fichier)}
    if len(chemins) > 1:
        return tr(Texte("{n} fichiers, {taille} sur {limite} permis", **valeurs))
    return tr(Texte("{n} fichier, {taille} sur {limite} permis", **valeurs))


def resume_pour_ecran(client: "DossierClient") -> str:
    """What the requête asks, in plain words and in the page's language (issue 13 point 4): a
    Markdown list from resume_demande, or "" while the dossier cannot be read yet."""
    try:
        dossier = client.dossier()
        phrases = resume_de_la_demande(dossier, numeroter(dossier))
    except (DossierInvalide, DossierIllisible, JuridictionInconnue):
        return ""
    titre = tr(Texte("En bref, ce que la requête demande (elle est écrite en français, pour le tribunal) :"))
    return f"**{texte_sur(titre)}**\n\n" + "\n".join(f"* {texte_sur(tr(p))}" for p in phrases)


def quand_pour_ecran(jour_: dt.date, heure: object) -> str:
    """« 5 octobre 2026 à 9 h 00 », an attempt's moment in the page's language."""
    return tr(Texte("{date} à {heure}", date=jour_, heure=heure_fr(heure)))


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
    """Why a collectivity is not covered (the core's sentence, in the page's language)."""
    try:
        juridiction(code)
    except JuridictionInconnue as exc:
        return tr(exc.args[0])
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


_NOMS_DES_LISTES: dict[str, Callable[[str], Texte]] = {
    "tentatives": lambda n: Texte("Tentative n° {n}", n=n), "demarches": lambda n: Texte("Démarche n° {n}", n=n),
    "pieces": lambda n: Texte("Pièce n° {n}", n=n), "urgence.circonstances": lambda n: Texte("Circonstance n° {n}", n=n)}


_NOMS_DES_CHAMPS = {
    "tentatives": Texte("Tentatives"), "demarches": Texte("Démarches"), "urgence.circonstances": Texte("Urgence"),
    "conclusions.delai_jours": Texte("Délai pour la date de rendez-vous"),
    "conclusions.delai_rdv_jours": Texte("Délai maximal avant le rendez-vous"),
    "conclusions.astreinte_euros": Texte("Astreinte"), "conclusions.frais_l761_1_euros": Texte("Frais de justice"),
    "conclusions.aide_juridictionnelle_provisoire": Texte("Aide juridictionnelle"), "pieces": Texte("Pièces"),
    "requerant.courriel": Texte("Adresse électronique"), "requerant.date_naissance": Texte("Date de naissance"),
    "demande.date_expiration": Texte("Date d'expiration du titre"),
}


def libelle_du_chemin(chemin: str) -> str:
    """« tentatives[2].date » → « Tentative n° 2 (date) : » for the screens, in the page's
    language; '' for the whole dossier."""
    if not chemin:
        return ""
    if chemin in _NOMS_DES_CHAMPS:
        return tr(Texte("{nom} : ", nom=_NOMS_DES_CHAMPS[chemin]))
    trouve = re.match(r"^([a-z_.]+?)\[(\d+)\](?:\.(.*))?$", chemin)
    if trouve and trouve.group(1) in _NOMS_DES_LISTES:
        nom = _NOMS_DES_LISTES[trouve.group(1)](trouve.group(2))
        if trouve.group(3):
            return tr(Texte("{nom} ({detail}) : ", nom=nom, detail=trouve.group(3)))
        return tr(Texte("{nom} : ", nom=nom))
    return f"{chemin.replace('_', ' ')} : "


def lire_les_captures(client: "DossierClient", index: int) -> str | None:
    """Read attempt `index`'s captures (the core's OCR, issue 11 point 3), from the attempt
    screen's validation: keep on the attempt what was read and the core's warnings (plain text,
    shown through texte_sur), and put the site's message read in « ce que le site affichait » when
    the client left it empty (an answer typed always wins). Never blocks on the reading: returns a
    message only when that field is still empty (nothing typed, nothing read)."""
    tentative = client.tentatives[index]
    constat = _defini(tentative, "constat")
    try:
        fichiers = _defini(tentative, "captures")
        lecture = lire_captures(list(zip(_chemins(fichiers), _noms(fichiers)))[:4])
        tentative.lecture_capture = resume_lecture(lecture)
        tentative.avertissements_capture = comparer_lecture(lecture, _date(_defini(tentative, "date")),
                                                            _heure(_defini(tentative, "heure")))
        if lecture.raison:
            log(f"rdvrefere: capture reading: {lecture.raison}")
        if (constat is None or not str(constat).strip()) and lecture.message:
            tentative.constat = constat = lecture.message
    except Exception as exc:  # noqa: BLE001 - the reading only informs, it never stops the client
        log(f"rdvrefere: capture reading failed: {exc!r}")
        tentative.lecture_capture, tentative.avertissements_capture = "", []
    client.lecture_recente = index
    if constat is None or not str(constat).strip():
        return ("Écrivez ce que le site affichait (par exemple « Aucun créneau disponible ») : "
                "nous n'avons pas pu le lire sur la capture.")
    return None


def lecture_pour_ecran(client: "DossierClient", index: object = None) -> str:
    """What was read on an attempt's captures, for a screen (Markdown, client and OCR text
    escaped): « Nous avons lu sur la capture … » and the warnings. `index` None: the attempt last
    entered. '' when nothing was read (no OCR on this server, or not yet)."""
    if index is None:
        index = _defini(client, "lecture_recente")
    try:
        tentative = client.tentatives.elements[int(index)]
    except (TypeError, ValueError, IndexError, AttributeError):
        return ""
    lu = _defini(tentative, "lecture_capture") or ""
    avertissements = _defini(tentative, "avertissements_capture") or []
    if not lu and not avertissements:
        return ""
    titre = tr(Texte("Tentative n° {n}.", n=int(index) + 1))
    texte = f"**{texte_sur(titre)}** {texte_sur(tr(lu))}".rstrip()
    if avertissements:
        texte += "\n\n" + "\n".join(f"* {texte_sur(tr(a))}" for a in avertissements)
        texte += "\n\n" + texte_sur(tr(Texte("Ce ne sont que des conseils : vous pouvez continuer, ou corriger la "
                                              "tentative.")))
    return texte


def probleme_de_tentative(client: "DossierClient", index: int) -> str | None:
    """The core's attempts rule for attempt `index` (0-based) on its own screen: date in the
    future, before birth, or a field the core refuses."""
    element = client.tentatives[index]
    donnees = {"date": _date(element.date), "heure": _heure(element.heure), "constat": element.constat}
    try:
        tentative = Tentative.model_validate(donnees)
    except Exception as exc:  # pydantic ValidationError: shown in French by the core
        return " ; ".join(tr(p.message) for p in problemes_de_validation(exc))
    naissance = _date(getattr(client.requerant, "date_naissance", None))
    problemes = regle_des_tentatives([tentative], date_naissance=naissance, aujourd_hui=date_du_jour())
    dates = [p for p in problemes if p.chemin.endswith(".date")]
    if not dates:
        return None
    message = tr(dates[0].message)
    return message[:1].upper() + message[1:]


def _heure(valeur: object) -> object:
    if isinstance(valeur, dt.datetime):
        return valeur.time()
    return valeur


def _defini(objet: DAObject, attribut: str, defaut: object = None) -> object:
    """An attribute if the user answered it, without asking for it."""
    return getattr(objet, attribut) if hasattr(objet, attribut) else defaut


# What the interview asks, by attribute: any of them defined means the session has answers.
_REPONSES = ("departement", "decision_existante", "nature_demande", "titre", "type_blocage", "plateforme",
             "piece_identite", "piece_sejour", "piece_domicile", "aide_juridictionnelle_provisoire",
             "delai_jours", "relu")
_CHAMPS_DU_REQUERANT = ("nom", "prenoms", "sexe", "date_naissance", "lieu_naissance", "nationalite", "adresse",
                        "telephone", "courriel", "numero_etranger")


def _date_de_champ(valeur: object) -> object:
    """« 2026-10-05 » (transmitted) → what a date field gives (DADateTime); None if unreadable."""
    try:
        return as_datetime(dt.date.fromisoformat(str(valeur)))
    except (TypeError, ValueError):
        return None


def _heure_de_champ(valeur: object) -> dt.time | None:
    """« 09:30 » (transmitted) → what a time field gives (datetime.time); None if unreadable."""
    try:
        return dt.time.fromisoformat(str(valeur))
    except (TypeError, ValueError):
        return None


# --- urgency (issue 9 points 2, 12 and 15) -------------------------------------------------

# The detail fields of a circonstance that apply to each nature (the others are not sent to the core).
_CHAMPS_DE_LA_NATURE = {
    "emploi": ("emploi", "organisme", "montant_euros", "date"),
    "droits_sociaux": ("organisme", "montant_euros", "date"),
    "sante": ("personne", "organisme", "date"),
    "scolarite": ("nombre_enfants", "organisme", "date"),
    "famille": ("conjoint", "nombre_enfants"),
    "etudes": ("organisme", "date"),
    "limite_date": ("date",),
    "fin_document": ("document", "date"),
    "enfant_francais": ("date",),
    "mariage_pacs": ("union", "conjoint", "date"),
    "residence": ("date",),
    "autre": (),
}
_NATURES_CLIENT = {
    "emploi": Texte("Un travail ou une promesse d'embauche que je risque de perdre"),
    "droits_sociaux": Texte("Des aides (CAF, allocations, sécurité sociale) qui s'arrêtent"),
    "sante": Texte("Ma santé, ou celle d'un proche"),
    "scolarite": Texte("L'école de mes enfants"),
    "famille": Texte("Ma famille en France (conjoint, enfants)"),
    "etudes": Texte("Mes études ou un examen"),
    "limite_date": Texte("Une limite d'âge ou une date limite"),
    "fin_document": Texte("Un visa, un récépissé ou une attestation qui se termine"),
    "enfant_francais": Texte("J'ai un enfant français"),
    "mariage_pacs": Texte("Je me suis marié(e) ou pacsé(e)"),
    "residence": Texte("Je vis en France depuis longtemps"),
    "autre": Texte("Autre chose"),
}
_CE_QUI_EST_URGENT = Texte("Ce qui est urgent")
# The nature of a cost (CJA L. 761-1) → the interview's amount field.
_FRAIS = {"copies": "frais_copies", "affranchissement": "frais_affranchissement",
          "deplacement": "frais_deplacement", "autre": "frais_autre"}


def choix_natures_urgence() -> list[dict[str, str]]:
    """The structured urgency choices, in plain words, in the page's language."""
    return [{cle: tr(texte)} for cle, texte in _NATURES_CLIENT.items()]


def titre_circonstance(circonstance: DAObject) -> str:
    """The title of a circonstance's screen (plain text, no client text)."""
    nature = _defini(circonstance, "nature")
    return tr(_NATURES_CLIENT.get(nature, _CE_QUI_EST_URGENT) if isinstance(nature, str) else _CE_QUI_EST_URGENT)


def resume_circonstance(circonstance: DAObject) -> str:
    """One line for the table: the nature in plain words, its details, then the client's words in
    quotation marks; the core's summary (the staff screens show the same, in French), in the page's
    language, shown through texte_sur."""
    return tr(resume_de_circonstance(_precisions_circonstance(circonstance), _NATURES_CLIENT))


def _vide(valeur: object) -> bool:
    return valeur is None or valeur == "" or (isinstance(valeur, int) and not isinstance(valeur, bool) and valeur == 0)


def _circonstance_pour_le_noyau(c: DAObject) -> dict:
    """A circonstance's answers as the core's data: the nature's own fields only."""
    donnees = {"texte": None, "libelle": _defini(c, "libelle") or None, "fichiers": _chemins(_defini(c, "fichiers"))}
    donnees.update(_precisions_circonstance(c))
    return donnees


def _precisions_circonstance(c: DAObject) -> dict:
    """A circonstance's text, nature and the nature's own detail fields (no file: nothing is opened)."""
    nature = _defini(c, "nature")
    donnees = {"texte": _defini(c, "texte") or None}
    if isinstance(nature, str) and nature in _CHAMPS_DE_LA_NATURE:
        donnees["nature"] = nature
        for champ in _CHAMPS_DE_LA_NATURE[nature]:
            valeur = _defini(c, champ)
            if not _vide(valeur):
                donnees[champ] = _date(valeur) if champ == "date" else valeur
        if _defini(c, "fait_nouveau"):
            donnees["fait_nouveau"] = True
    return donnees


def _liste_rassemblee(liste: DAList, il_y_en_a: bool | None = None) -> None:
    """A list left as docassemble leaves it after its gathering: the yes/no answered, gathered."""
    liste.there_are_any = bool(liste.elements) if il_y_en_a is None else il_y_en_a
    if liste.elements:
        liste.there_is_another = False
    liste.gathered = True
    liste.revisit = True


class DossierClient(DAObject):
    """Everything the client answers, and the bundle built for the client. Nothing of staff's:
    their work is on the dossier transmis (registre.py), which this session only reads."""

    def init(self, *pargs, **kwargs):
        super().init(*pargs, **kwargs)
        self.initializeAttribute("requerant", DAObject)
        self.initializeAttribute("tentatives", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("demarches", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("circonstances", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("autres_pieces", DAList.using(object_type=DAObject, complete_attribute="complete"))
        self.initializeAttribute("depot", DAList.using(object_type=DAFile, auto_gather=False, gathered=True))
        if not hasattr(self, "problemes_depot"):
            self.problemes_depot = []

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
                        "date_expiration": _date(_defini(self, "date_expiration")),
                        "motif_retard": _defini(self, "motif_retard") or None},
            "blocage": {"type": _defini(self, "type_blocage"), "plateforme": _defini(self, "plateforme")},
            "tentatives": [{"date": _date(_defini(t, "date")), "heure": _heure(_defini(t, "heure")),
                            "constat": _defini(t, "constat"), "fichiers": _chemins(_defini(t, "captures"))}
                           for t in self.tentatives.elements],
            "demarches": [{"date": _date(_defini(d, "date")), "nature": _defini(d, "nature"),
                           "description": _defini(d, "description"), "resultat": _defini(d, "resultat") or None,
                           # the answer chosen (issue 11 point 4); absent: the free text decides (dossier.py),
                           # and a dossier sent before the choice existed keeps its fingerprint (no new version)
                           **({"reponse": d.reponse} if _defini(d, "reponse") in REPONSES_DEMARCHE else {}),
                           "fichiers": _chemins(_defini(d, "fichiers"))}
                          for d in self.demarches.elements],
            "urgence": {"circonstances": [_circonstance_pour_le_noyau(c) for c in self.circonstances.elements],
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
        if donnees["demande"]["motif_retard"] is None:
            del donnees["demande"]["motif_retard"]
        if not donnees["conclusions"].get("delai_rdv_jours"):  # an optional field left empty comes back as 0
            donnees["conclusions"].pop("delai_rdv_jours", None)
        if _defini(self, "oqtf_non_executee") and _defini(self, "oqtf_date") and _defini(self, "oqtf_recours"):
            donnees["urgence"]["oqtf"] = {"date": _date(self.oqtf_date), "recours": self.oqtf_recours}
        frais = [{"nature": nature, "montant_euros": int(_defini(self, attribut) or 0)}
                 for nature, attribut in _FRAIS.items() if int(_defini(self, attribut) or 0) > 0]
        if frais:
            # L. 761-1: the costs actually incurred, each stated; the sum asked is their total
            if _defini(self, "frais_autre_description") and any(f["nature"] == "autre" for f in frais):
                next(f for f in frais if f["nature"] == "autre")["description"] = self.frais_autre_description
            donnees["conclusions"]["frais"] = frais
            donnees["conclusions"].pop("frais_l761_1_euros", None)
        return donnees

    def preparer_circonstances(self) -> None:
        """Each urgency choice checked (`natures_urgence`) becomes a circonstance of that nature,
        asked in turn; the first one fills the circonstance the list is gathering."""
        coches = [n for n in _NATURES_CLIENT if _defini(self, "natures_urgence") and self.natures_urgence.get(n)]
        if not coches:
            return
        presentes = {_defini(c, "nature") for c in self.circonstances.elements}
        libres = [c for c in self.circonstances.elements if _defini(c, "nature") is None]
        for nature in coches:
            if nature in presentes:
                continue
            element = libres.pop(0) if libres else self.circonstances.appendObject()
            element.nature = nature

    def _fixes(self) -> list[tuple[str, str, str]]:
        """(attribute, label, category) of the identity, stay and address pièces."""
        sejour = ("Titre de séjour actuel (recto et verso)" if _defini(self, "nature_demande") == "renouvellement"
                  else "Document de séjour (visa ou récépissé)")
        return [("piece_identite", "Pièce d'identité (passeport)", "identite"),
                ("piece_sejour", sejour, "sejour"),
                ("piece_domicile", "Justificatif de domicile", "domicile")]

    def _pieces_fixes(self) -> list[dict]:
        """Identity, stay and address pièces, asked on their own screens."""
        return [{"libelle": libelle, "categorie": categorie, "fichiers": _chemins(_defini(self, attribut))}
                for attribut, libelle, categorie in self._fixes() if _chemins(_defini(self, attribut))]

    def dossier(self):
        """The core's Dossier; DossierInvalide lists what is still wrong."""
        return dossier_depuis_donnees(self.donnees(), racine="/")

    def problemes(self, aujourd_hui: dt.date | None = None) -> list[Probleme]:
        """Every error and warning, from the core (errors first), the refusals of the uploads'
        background conversion first of all."""
        donnees = self.donnees()
        conversions = self.refus_de_conversion(donnees)
        try:
            return conversions + verifier(dossier_depuis_donnees(donnees, racine="/"), aujourd_hui=aujourd_hui,
                                          limites=LIMITES)
        except (DossierInvalide,) as exc:
            return conversions + exc.problemes
        except DossierIllisible as exc:
            return conversions + [Probleme("", str(exc))]

    def _entrees_de_conversion(self, donnees: dict | None = None) -> list[tuple[list[str], str, dict]]:
        """(files, key, entry) of each upload group checked on this session's screens, with the
        background outcomes read so far merged in (and kept in the session's store)."""
        memoire = _conversions()
        groupes = [(g, _cle_de_conversion(g)) for g in _groupes_de_fichiers(donnees or self.donnees())]
        # one query per group (a DAStore entry is never None; `defined` would be a second)
        entrees = {cle: entree for cle, entree in ((cle, memoire.get(cle)) for _, cle in groupes) if entree is not None}
        attendus = [cle for cle, entree in entrees.items() if entree.get("etat") == "en_cours"]
        for cle, resultat in _resultats_du_serveur(attendus).items():
            entrees[cle] = {**entrees[cle], **resultat}
            memoire.set(cle, entrees[cle])
        # not uploaded on this session's screens (a resumed dossier): the bundle converts them
        return [(chemins, cle, entrees[cle]) for chemins, cle in groupes if cle in entrees]

    def conversions_en_attente(self) -> int:
        """How many uploads the background is still converting, queued less than ATTENTE_MAX_S
        ago: the interview shows a waiting screen before the review while there are some."""
        maintenant = time.time()
        return sum(1 for _, _, entree in self._entrees_de_conversion()
                   if entree.get("etat") == "en_cours" and maintenant - entree.get("lance_le", 0) < ATTENTE_MAX_S)

    def refus_de_conversion(self, donnees: dict | None = None) -> list[Probleme]:
        """The uploads whose conversion to PDF failed, each with the engine's French message.
        What the background has not converted (no task, or no outcome yet) is converted here:
        none is dropped (issue 15)."""
        memoire = _conversions()
        refus = []
        for chemins, cle, entree in self._entrees_de_conversion(donnees):
            if entree.get("etat") not in ("ok", "refus"):
                entree = {**entree, **essayer_la_conversion(chemins, entree["noms"], entree["piece"], LIMITES)}
                memoire.set(cle, entree)
            if entree["etat"] == "refus" and entree["message"] not in {p.message for p in refus}:
                refus.append(Probleme("", phrase_recue(entree)))
        return refus

    def est_deposable(self) -> bool:
        return not erreurs(self.problemes())

    def pieces(self) -> list[Piece]:
        """The pièces in their final order, from the core's one numbering function."""
        try:
            return numeroter(self.dossier())
        except (DossierInvalide, DossierIllisible):
            return []

    def bilan_tentatives(self) -> BilanTentatives:
        """Attempts so far (the live rule on the attempts screens)."""
        return bilan_des_dates(_date(t.date) for t in self.tentatives.elements if hasattr(t, "date"))

    def juridiction(self):
        return juridiction(self.departement)

    def renouvellement_tardif(self) -> bool:
        """The attempts so far began after the R. 431-5 window or the titre's expiry (the core's
        rule): the interview then asks why (`motif_retard`)."""
        return situation_du_renouvellement(
            _defini(self, "nature_demande"), _date(_defini(self, "date_expiration")),
            (_date(t.date) for t in self.tentatives.elements if hasattr(t, "date")),
            anef=_defini(self, "type_blocage") == "anef").tardif

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
                manifeste = construire(dossier, sortie, limites=LIMITES)
            except DossierNonDeposable as exc:
                return exc.problemes
            except (ModeleInvalide, PdfImpossible) as exc:
                log(f"rdvrefere: assembly failed: {exc!r}")
                return [Probleme("", f"{exc} Le dossier n'a pas été préparé ; prévenez l'équipe.")]
            except Exception as exc:  # noqa: BLE001 - the client gets a sentence, the log the details
                log(f"rdvrefere: assembly failed: {exc!r}")
                return [Probleme("", "Une erreur inattendue a empêché de préparer le dossier. Vos réponses et vos "
                                     "fichiers sont conservés : réessayez plus tard ou prévenez l'équipe.")]
            garder_les_fichiers_du_depot(self.depot, manifeste, sortie)
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
        etapes = etapes_du_depot(numeroter(dossier), juridiction(dossier.departement))
        blocs = []
        for etape in etapes:
            # under the screen's « ## Déposer sur Télérecours citoyens »: one level down (axe heading-order)
            blocs += [f"### {texte_sur(etape.titre)}", "", *[f"* {texte_sur(ligne)}" for ligne in etape.lignes], ""]
        return "\n".join(blocs)

    # --- the dossier transmis (registre.py) ------------------------------------------------

    def donnees_transmises(self) -> tuple[dict, dict[str, str]]:
        """The core's data with every file as a reference {nom, sha256}, and {sha256: path}.
        Each file must be one this session may read (docassemble's own access rule, for this
        session only): a file number of another session, however it got into the answers, is
        refused (FichierEtranger), never copied."""
        # Each file's owner first: on the server, `donnees()` (DAFile.path()) fails on a file of
        # another session with a bare DAError, which would hide the reason behind « erreur technique ».
        for fichiers in self._televersements():
            for fichier in (list(fichiers) if isinstance(fichiers, DAFileList) else [fichiers] if fichiers else []):
                if isinstance(fichier, DAFile) and getattr(fichier, "ok", True):
                    _chemin_de_cette_session(fichier)
        donnees = self.donnees()
        chemins: dict[str, str] = {}
        # sha256 by file number: an upload's content never changes, and the register checks
        # every sha256 again when it stores a new version
        if not isinstance(getattr(self, "sha_des_fichiers", None), dict):
            self.sha_des_fichiers = {}
        memoire = self.sha_des_fichiers

        def remplacer(element: dict, fichiers: object) -> None:
            refs = []
            for fichier in (list(fichiers) if isinstance(fichiers, DAFileList) else [fichiers] if fichiers else []):
                if not isinstance(fichier, DAFile) or not getattr(fichier, "ok", True):
                    continue
                chemin = _chemin(fichier)  # its owner was checked above, with every upload
                sha = memoire.get(fichier.number) or sha256_du_fichier(chemin)
                memoire[fichier.number] = sha
                chemins[sha] = chemin
                refs.append({"nom": nom_de_fichier_sur(getattr(fichier, "filename", None)), "sha256": sha})
            element["fichiers"] = refs

        for element, reponse in zip(donnees["tentatives"], self.tentatives.elements):
            remplacer(element, _defini(reponse, "captures"))
        for element, reponse in zip(donnees["demarches"], self.demarches.elements):
            remplacer(element, _defini(reponse, "fichiers"))
        for element, reponse in zip(donnees["urgence"]["circonstances"], self.circonstances.elements):
            remplacer(element, _defini(reponse, "fichiers"))
        sources = [_defini(self, a) for a in ("piece_identite", "piece_sejour", "piece_domicile") if _chemins(_defini(self, a))]
        sources += [_defini(p, "fichiers") for p in self.autres_pieces.elements]
        for element, fichiers in zip(donnees["pieces"], sources):
            remplacer(element, fichiers)
        return vers_json(donnees), chemins

    def _televersements(self) -> list:
        """Every upload field of the answers (a DAFileList, a DAFile or nothing each)."""
        return ([_defini(t, "captures") for t in self.tentatives.elements]
                + [_defini(d, "fichiers") for d in self.demarches.elements]
                + [_defini(c, "fichiers") for c in self.circonstances.elements]
                + [_defini(self, a) for a in ("piece_identite", "piece_sejour", "piece_domicile")]
                + [_defini(p, "fichiers") for p in self.autres_pieces.elements])

    def transmettre(self) -> bool:
        """Send this version to staff (registre.transmettre) when it differs from the last one
        sent; True when a new version was recorded."""
        from .registre_serveur import registre, session_courante  # noqa: PLC0415 - server side
        donnees, chemins = self.donnees_transmises()
        if empreinte(donnees) == getattr(self, "empreinte_transmise", None):
            return False
        le_registre = registre()
        for sha, chemin in chemins.items():
            if le_registre.ajouter_fichier(chemin) != sha:
                raise FichierEtranger(Texte("Un fichier a changé pendant l'envoi : réessayez."))
        _, nouvelle = le_registre.transmettre(_utilisateur(), session_courante(), donnees)
        self.empreinte_transmise = empreinte(donnees)
        return nouvelle

    def transmission_reussie(self) -> bool:
        """Transmit (see `transmettre`); on failure keep the reason (a Texte, shown through tr()) in
        `refus_de_transmission` for the screen and return False. Nothing the client answered is lost."""
        try:
            self.transmettre()
        except FichierEtranger as refus:
            self.refus_de_transmission = refus.args[0] if refus.args else Texte(
                "Un fichier du dossier est illisible : déposez-le de nouveau.")
            return False
        except Exception as exc:  # noqa: BLE001 - the database may be unreachable: a sentence, not a traceback
            log(f"rdvrefere: transmission failed: {exc!r}")
            self.refus_de_transmission = Texte("Le serveur n'a pas pu enregistrer votre dossier pour l'équipe "
                                               "(erreur technique).")
            return False
        self.refus_de_transmission = ""
        return True

    def dossier_transmis(self):
        """What staff made of the dossier (status, case number, approval), read-only; None before
        the first transmission."""
        from .registre_serveur import registre, session_courante  # noqa: PLC0415 - server side
        if _utilisateur() is None:
            return None
        return registre().du_client(_utilisateur(), session_courante())

    def etat_pour_le_client(self) -> tuple[str, str | None]:
        """One reading of the register for the download screen: what the client is told about
        the review (approved, filed with its case number), and the address of the approved
        bundle (None until staff approve)."""
        transmis = self.dossier_transmis()
        if transmis is None:
            return message_pour_le_client(EN_COURS, None, []), None
        return (message_pour_le_client(transmis.statut, transmis.numero_affaire, transmis.journal),
                url_action("telecharger_depot_approuve") if _approuve(transmis) else None)

    def ecran_de_telechargement(self) -> dict:
        """What the download screen says, decided once (issue 10 point 11), from the register and
        the operator's setting (`relecture_par_l_equipe`). `etape`:
        - « approuve »: the team approved (or filed) the dossier: its approved zip and guide;
        - « relecture »: the team reviews dossiers and has not approved this one: no guide, no
          files, only « votre dossier est en relecture »;
        - « autonome »: no review (operator's setting): the client's own bundle and guide at once.
        `titre` and `message` are French (mots.Texte: the screen shows them through tr()); `zip_approuve` is the approved zip's action or None."""
        transmis = self.dossier_transmis()
        if _approuve(transmis):
            titre = Texte("Votre requête a été déposée") if est_depose(transmis.statut) else Texte("Votre dossier est approuvé")
            return {"etape": "approuve", "titre": titre, "zip_approuve": url_action("telecharger_depot_approuve"),
                    "message": message_pour_le_client(transmis.statut, transmis.numero_affaire, transmis.journal)}
        if relecture_par_l_equipe():
            return {"etape": "relecture", "titre": Texte("Votre dossier est en relecture"), "zip_approuve": None,
                    "message": Texte("Votre dossier est en relecture : l'équipe vérifie vos réponses et vos pièces. "
                                     "Le guide de dépôt et les fichiers à déposer apparaîtront sur cette page "
                                     "dès qu'elle l'aura approuvé.")}
        return {"etape": "autonome", "titre": Texte("Votre dossier est prêt"), "zip_approuve": None,
                "message": Texte("Votre dossier est prêt. Déposez-le vous-même sur Télérecours citoyens, "
                                 "en suivant le guide ci-dessous.")}

    def guide_du_depot_approuve(self) -> str:
        """The filing guide of the bundle the team approved (its Guide_depot.txt: the team may
        have renamed pièces), as Markdown with every line escaped; the guide of the client's own
        answers when the approved zip has none."""
        import zipfile  # noqa: PLC0415 - only here
        fichier = self.ouvrir_depot_approuve()
        texte = None
        if fichier is not None:
            try:
                with zipfile.ZipFile(fichier.path()) as archive:
                    nom = next((n for n in archive.namelist() if n.endswith("Guide_depot.txt")), None)
                    texte = archive.read(nom).decode("utf-8") if nom else None
            except (OSError, zipfile.BadZipFile, UnicodeDecodeError, KeyError):
                texte = None
        if not texte:
            return self.guide_pour_ecran()
        return guide_en_markdown(texte)

    def message_de_statut(self) -> str:
        """What the client is told about the dossier's review."""
        return self.etat_pour_le_client()[0]

    def est_depose(self) -> bool:
        transmis = self.dossier_transmis()
        return transmis is not None and est_depose(transmis.statut)

    def ouvrir_depot_approuve(self) -> DAFile | None:
        """The approved bundle's zip as a private file of this session (the registre's copy)."""
        from .registre_serveur import ouvrir_contenu  # noqa: PLC0415 - server side
        transmis = self.dossier_transmis()
        if not _approuve(transmis):
            return None
        if not hasattr(self, "fichiers_ouverts"):
            self.fichiers_ouverts = {}
        return ouvrir_contenu(transmis.approbation["zip"], "Depot_Telerecours_approuve.zip", self.fichiers_ouverts)

    # --- resuming from the last version sent (a new session, e.g. after a password reset) ------

    def sans_reponses(self) -> bool:
        """True while nothing has been answered in this session."""
        if any(hasattr(self, attribut) for attribut in _REPONSES):
            return False
        if any(hasattr(self.requerant, cle) for cle in _CHAMPS_DU_REQUERANT):
            return False
        return not any(liste.elements for liste in (self.tentatives, self.demarches, self.circonstances,
                                                     self.autres_pieces))

    def dossier_a_reprendre(self) -> dict | None:
        """What the resume screen offers: the signed-in user's latest dossier transmis, sent from
        another session, while this session has no answer yet ({dossier, envoi, quand, nom});
        None otherwise (nothing sent, anonymous, answers already given, register unreachable)."""
        from .registre_serveur import registre, session_courante  # noqa: PLC0415 - server side
        moi = _utilisateur()
        if moi is None or not self.sans_reponses():
            return None
        try:
            transmis = registre().dernier_du_proprietaire(moi)
        except Exception as exc:  # noqa: BLE001 - the client can still start a dossier
            log(f"rdvrefere: register unreachable, no resume offered: {exc!r}")
            return None
        if transmis is None or not transmis.envois or transmis.session == session_courante():
            return None
        envoi = transmis.envoi
        requerant = envoi.donnees.get("requerant") if isinstance(envoi.donnees.get("requerant"), dict) else {}
        nom = " ".join(str(requerant.get(cle) or "") for cle in ("prenoms", "nom")).strip()
        return {"dossier": transmis.id, "envoi": envoi.numero, "nom": nom,
                "quand": Texte("{date} à {heure}", date=envoi.recu_le.date(), heure=heure_fr(envoi.recu_le.time()))}

    def reprendre_le_dossier_transmis(self, offre: dict) -> bool:
        """Fill this session from the version the resume screen described (`offre`, from
        `dossier_a_reprendre`), read again from the register and checked to be the signed-in
        user's own. False (logged) when it cannot be done."""
        from .registre_serveur import registre  # noqa: PLC0415 - server side
        moi = _utilisateur()
        try:
            le_registre = registre()
            transmis = le_registre.lire(int(offre["dossier"]))
            if moi is None or transmis is None or transmis.proprietaire != moi:
                log("rdvrefere: resume refused: the dossier is not the signed-in user's")
                return False
            envoi = next((e for e in transmis.envois if e.numero == offre["envoi"]), None)
            if envoi is None:
                return False
            self.reprendre_depuis(envoi.donnees, le_registre.contenu)
        except Exception as exc:  # noqa: BLE001 - a sentence for the client, the details in the log
            log(f"rdvrefere: resume failed: {exc!r}")
            return False
        self.repris_de = {"dossier": transmis.id, "envoi": envoi.numero}
        return True

    def reprendre_depuis(self, donnees: dict, lire: Callable[[str], bytes]) -> None:
        """Fill a fresh session's answers from a version transmitted earlier (the inverse of
        `donnees()` / `donnees_transmises()`): each value where its screen keeps it, every list
        gathered, the questions of the main flow answered, so that the flow goes straight to the
        review. Each file becomes a new private file of this session holding the register's
        bytes (`lire(sha256)`), under the reference's name. A value missing or unreadable is left
        unanswered: the interview asks it again. Every content is read before anything is set."""
        from .registre_serveur import fichier_prive  # noqa: PLC0415 - server side
        octets: dict[str, bytes] = {}
        for ref in references(donnees):
            sha = ref.get("sha256")
            if isinstance(sha, str) and sha not in octets:
                octets[sha] = lire(sha)
        if not isinstance(getattr(self, "sha_des_fichiers", None), dict):
            self.sha_des_fichiers = {}
        memoire = _memoire_des_televersements()

        def fichiers(variable: str, refs: object) -> DAFileList | None:
            elements = []
            for ref in (refs if isinstance(refs, list) else []):
                if not isinstance(ref, dict) or ref.get("sha256") not in octets:
                    continue
                fichier = fichier_prive(octets[ref["sha256"]], ref.get("nom"), f"{variable}[{len(elements)}]")
                self.sha_des_fichiers[fichier.number] = ref["sha256"]
                elements.append(fichier)
            if not elements:
                return None
            liste = DAFileList(variable, elements=elements)
            memoire.set(variable, liste)  # kept when the client edits the screen without a new file
            return liste

        def poser(objet: DAObject, attribut: str, valeur: object) -> None:
            if valeur is not None:
                setattr(objet, attribut, valeur)

        def section(cle: str) -> dict:
            valeur = donnees.get(cle)
            return valeur if isinstance(valeur, dict) else {}

        def elements(valeur: object) -> list[dict]:
            return [e for e in valeur if isinstance(e, dict)] if isinstance(valeur, list) else []

        nom = self.instanceName
        requerant = section("requerant")
        for cle in _CHAMPS_DU_REQUERANT:
            if cle == "date_naissance":
                poser(self.requerant, cle, _date_de_champ(requerant.get(cle)))
            else:
                poser(self.requerant, cle, requerant.get(cle))
        if not hasattr(self.requerant, "numero_etranger"):
            self.requerant.numero_etranger = ""  # optional, left empty
        poser(self, "departement", donnees.get("departement"))

        # no decision, or an old OQTF not carried out (the only decision the interview continues
        # with, once an association or a lawyer has seen it): the eligibility screens are passed
        urgence = section("urgence")
        self.oqtf_non_executee = bool(urgence.get("oqtf_non_executee"))
        self.decision_existante = self.oqtf_non_executee
        if self.oqtf_non_executee:
            self.decisions = {"refus": False, "oqtf": True, "refus_rdv": False, "autre": False}
            self.date_decision = "ancienne"
            self.oqtf_compris = True
        self.situations = {"deja_enregistre": False, "asile": False, "mineur": False, "retention": False}
        self.eligibilite_verifiee = True

        demande, blocage = section("demande"), section("blocage")
        poser(self, "nature_demande", demande.get("nature"))
        poser(self, "titre", demande.get("titre"))
        self.date_expiration = _date_de_champ(demande.get("date_expiration"))
        if demande.get("motif_retard"):
            self.motif_retard = demande.get("motif_retard")  # asked only for a late renewal
        poser(self, "type_blocage", blocage.get("type"))
        poser(self, "plateforme", blocage.get("plateforme"))
        self.blocage_verifie = True  # the ANEF question was answered before this version was sent

        for source in elements(donnees.get("tentatives")):
            tentative = self.tentatives.appendObject()
            poser(tentative, "date", _date_de_champ(source.get("date")))
            poser(tentative, "heure", _heure_de_champ(source.get("heure")))
            poser(tentative, "constat", source.get("constat"))
            tentative.captures = fichiers(f"{tentative.instanceName}.captures", source.get("fichiers"))
            tentative.complete = True
        self.tentatives.explique = True
        _liste_rassemblee(self.tentatives, il_y_en_a=True)  # the interview always asks for attempts

        for source in elements(donnees.get("demarches")):
            demarche = self.demarches.appendObject()
            poser(demarche, "date", _date_de_champ(source.get("date")))
            poser(demarche, "nature", source.get("nature"))
            poser(demarche, "description", source.get("description"))
            demarche.resultat = source.get("resultat") or ""
            if source.get("reponse") in REPONSES_DEMARCHE:
                demarche.reponse = source["reponse"]
            demarche.fichiers = fichiers(f"{demarche.instanceName}.fichiers", source.get("fichiers"))
            demarche.complete = True
        _liste_rassemblee(self.demarches)

        oqtf = urgence.get("oqtf") if isinstance(urgence.get("oqtf"), dict) else {}
        if oqtf.get("date"):
            self.oqtf_date = _date_de_champ(oqtf.get("date"))
            poser(self, "oqtf_recours", oqtf.get("recours"))
        for source in elements(urgence.get("circonstances")):
            circonstance = self.circonstances.appendObject()
            # an older version's free text has no nature: it comes back as « autre », still quoted
            circonstance.nature = source.get("nature") or "autre"
            circonstance.texte = source.get("texte") or ""
            circonstance.libelle = source.get("libelle") or ""
            for champ in ("emploi", "organisme", "montant_euros", "personne", "document", "conjoint", "union",
                          "nombre_enfants"):
                poser(circonstance, champ, source.get(champ))
            if source.get("date"):
                circonstance.date = _date_de_champ(source.get("date"))
            circonstance.fait_nouveau = bool(source.get("fait_nouveau"))
            circonstance.fichiers = fichiers(f"{circonstance.instanceName}.fichiers", source.get("fichiers"))
            circonstance.complete = True
        self.urgence_expliquee = True
        self.natures_urgence = {n: False for n in _NATURES_CLIENT}
        self.urgence_preparee = True
        _liste_rassemblee(self.circonstances)

        # identity, stay and address pièces go back to their own screens (the label and category
        # `_pieces_fixes` gives them), every other pièce to the list of other pièces
        fixes = {(categorie, libelle): attribut for attribut, libelle, categorie in self._fixes()}
        for source in elements(donnees.get("pieces")):
            attribut = fixes.get((source.get("categorie"), source.get("libelle")))
            if attribut and not hasattr(self, attribut):
                setattr(self, attribut, fichiers(f"{nom}.{attribut}", source.get("fichiers")))
                continue
            piece = self.autres_pieces.appendObject()
            poser(piece, "libelle", source.get("libelle"))
            piece.categorie = source.get("categorie") or "autre"
            piece.fichiers = fichiers(f"{piece.instanceName}.fichiers", source.get("fichiers"))
            piece.complete = True
        for attribut, _libelle, _categorie in self._fixes():
            if not hasattr(self, attribut):
                setattr(self, attribut, None)  # the screen was passed without a file
        self.piece_sejour_demandee = True
        self.piece_domicile_demandee = True
        _liste_rassemblee(self.autres_pieces)

        conclusions = section("conclusions")
        for cle in ("delai_jours", "astreinte_euros", "frais_l761_1_euros", "aide_juridictionnelle_provisoire"):
            poser(self, cle, conclusions.get(cle))
        for attribut in _FRAIS.values():
            setattr(self, attribut, 0)
        for f in elements(conclusions.get("frais")):
            if f.get("nature") in _FRAIS:
                setattr(self, _FRAIS[f["nature"]], f.get("montant_euros") or 0)
                if f["nature"] == "autre":
                    self.frais_autre_description = f.get("description") or ""
        self.delai_rdv_jours = conclusions.get("delai_rdv_jours")  # optional, None when left empty
        self.lieu_signature = section("signature").get("lieu") or ""


def session_du_client(client: "DossierClient") -> bool:
    """The guard of garde_client.yml: True when the signed-in user is the one who started this
    session (recorded on its first request). Anyone else is refused, and the link docassemble
    wrote between them and this session (it opens the session's files to them) is deleted."""
    moi = _utilisateur()
    if not hasattr(client, "proprietaire"):
        client.proprietaire = moi
        return True
    if client.proprietaire in (None, moi):
        return True
    _oublier_le_lien(moi)
    return False


def _oublier_le_lien(utilisateur: int | None) -> None:
    """Delete the row docassemble writes when a user opens a session by its key."""
    if utilisateur is None:
        return
    from sqlalchemy import delete  # noqa: PLC0415 - server only
    from docassemble.webapp.extensions import db  # noqa: PLC0415
    from docassemble.webapp.interview.models import UserDictKeys  # noqa: PLC0415
    from .registre_serveur import session_courante  # noqa: PLC0415
    db.session.execute(delete(UserDictKeys).where(UserDictKeys.key == session_courante(),
                                                  UserDictKeys.user_id == utilisateur))
    db.session.commit()


def _approuve(transmis) -> bool:
    """Whether a dossier transmis has a bundle approved by staff (approved, or since filed)."""
    return transmis is not None and bool(transmis.approbation) and (transmis.statut == APPROUVE or est_depose(transmis.statut))


class FichierEtranger(Exception):
    """A file of the answers that this session may not read."""


def _utilisateur() -> int | None:
    return int(user_info().id) if user_logged_in() else None


def _chemin_de_cette_session(fichier: DAFile) -> str:
    """The file's path, if docassemble lets this session read it (its uploads); FichierEtranger
    otherwise. Asked of docassemble with this session's key only."""
    from docassemble.base.hooks import file_number_finder  # noqa: PLC0415
    from .registre_serveur import session_courante  # noqa: PLC0415
    try:
        numero = int(fichier.number)
    except (AttributeError, TypeError, ValueError):
        raise FichierEtranger(Texte("Un fichier du dossier est illisible : déposez-le de nouveau.")) from None
    cle = _cle_de_chemin(fichier, "cette session seulement", session_courante())
    chemin = _CHEMINS_TROUVES.lire(cle)
    if chemin is not None:
        return chemin
    info = file_number_finder(numero, uids=[session_courante()], privileged=False) or {}
    if not info.get("fullpath") and not info.get("path"):
        raise FichierEtranger(Texte("Le fichier « {nom} » n'appartient pas à ce dossier : déposez-le de nouveau.",
                                    nom=getattr(fichier, "filename", numero)))
    chemin = _chemin(fichier)
    _CHEMINS_TROUVES.garder(cle, chemin)
    return chemin
