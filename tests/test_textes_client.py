"""Issue 14 point 8: plain French on every client screen. A check over every client-facing string
of the client interview's YAML (question, subquestion, help, field labels and help, choices and
buttons, notes, templates, button labels; code blocks and staff.yml excluded) and over the
engine's refusal messages for uploads (conversion.py / types_fichiers.py) flags:

- sentences over 25 words;
- case numbers (« n° 435594 »: they belong in the requête, not on a client's screen);
- variable names (snake_case words such as « oqtf_non_executee »);
- English words (a small list of common ones).

The messages of `check` (verification.verifier() and its parts, shown on the review screen, to the
staff and by the command line) are checked too, on dossiers built to trigger each of them: they
say the rule and its reason without case numbers (the citations stay in code comments and in the
requête). A self-test shows each detector catches its defect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import fichiers as f
from docassemble.rdvrefere.conversion import FichierRefuse, examiner_fichier

INTERVIEWS = Path(__file__).resolve().parent.parent / "interviews"
PRINCIPAL = "rdvrefere.yml"
EXCLUS = {"staff.yml"}
MOTS_MAX = 25

# keys whose value a client reads; `code`, `validation code`, `show if` … are never scanned
_CLES_TEXTE = {"question", "subquestion", "under", "note", "html", "content", "label",
               "continue button label", "help", "hint", "title", "short title"}
_CLES_CHAMP_TECHNIQUES = {"datatype", "required", "choices", "code", "default", "show if", "hide if", "help",
                          "hint", "accept", "rows", "min", "max", "none of the above", "label", "field",
                          "input type", "maximum image size", "validate", "js show if", "js hide if",
                          "disable others", "uncheck others", "address autocomplete", "step", "minlength",
                          "maxlength", "css class", "grid", "item grid", "label above field", "exclude"}
_CLES_SANS_TEXTE = {"code", "validation code", "mandatory", "initial", "event", "id", "objects", "modules",
                    "include", "features", "metadata", "default language", "reload", "progress", "table",
                    "rows", "columns", "edit", "need", "depends on", "if", "generic object", "sets",
                    "only sets", "template file", "action", "review", "buttons", "field", "fields", "choices"}

# common English words that are not also French words (« file », « continue », « session » are)
ANGLAIS = {"the", "and", "your", "you", "please", "click", "upload", "submit", "error", "warning", "required",
           "loading", "success", "failed", "download", "resume", "none", "true", "false", "back", "next",
           "yes", "start", "delete", "save", "screen", "interview", "skip", "close", "help", "with", "this"}
# a court's case number has 6 or more digits (CE n° 435594); a Cerfa number (n° 16146) has 5
_NUMERO_AFFAIRE = re.compile(r"\bn[°o]\s*\d{6,}|\b\d{6}\b")
_NOM_DE_VARIABLE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _nettoyer(texte: str) -> str:
    """What the client reads: Mako lines and expressions, markup, links and HTML removed."""
    lignes = [l for l in texte.splitlines() if not l.lstrip().startswith(("%", "<%", "##"))]
    texte = "\n".join(lignes)
    texte = re.sub(r"\$\{.*?\}", " X ", texte, flags=re.S)
    texte = re.sub(r"<%.*?%>", " ", texte, flags=re.S)
    texte = re.sub(r"<[^>]+>", " ", texte)
    texte = re.sub(r"\]\([^)]*\)", "]", texte)
    texte = re.sub(r"https?://\S+|\b[\w.-]+\.(?:fr|gouv\.fr|org)\b", " SITE ", texte)
    return re.sub(r"[*#`]", "", texte)


def phrases(texte: str) -> list[str]:
    """Sentences: split at . ! ? ; and between list items, paragraphs and Mako lines."""
    morceaux = []
    for bloc in re.split(r"\n\s*\n|\n\s*[-*] |\n\s*%[^\n]*", "\n" + texte):
        bloc = " ".join(_nettoyer(bloc).split())
        morceaux += [p.strip() for p in re.split(r"(?<=[.!?;])\s+", bloc) if p.strip()]
    return morceaux


def defauts(texte: str) -> list[str]:
    """Every defect of one client-facing text."""
    trouves = []
    for phrase in phrases(texte):
        mots = [m for m in re.split(r"[\s’']+", phrase) if re.search(r"\w", m)]
        if len(mots) > MOTS_MAX:
            trouves.append(f"phrase de {len(mots)} mots : {phrase}")
    propre = _nettoyer(texte)
    for motif in _NUMERO_AFFAIRE.findall(propre):
        trouves.append(f"numéro d'affaire : {motif}")
    for nom in _NOM_DE_VARIABLE.findall(propre):
        trouves.append(f"nom de variable : {nom}")
    for mot in re.findall(r"[A-Za-z]+", propre):
        if mot.lower() in ANGLAIS:
            trouves.append(f"mot anglais : {mot}")
    return trouves


def _fichiers_client() -> list[Path]:
    """The main interview, the files it includes, then every other interview a client can open
    (after the ordonnance, « Mes dossiers »…): all but the staff's."""
    principal = yaml.safe_load_all((INTERVIEWS / PRINCIPAL).read_text())
    inclus = next((d["include"] for d in principal if isinstance(d, dict) and "include" in d), [])
    fichiers = [INTERVIEWS / PRINCIPAL] + [INTERVIEWS / n for n in inclus if n not in EXCLUS]
    return fichiers + sorted(f for f in INTERVIEWS.glob("*.yml") if f not in fichiers and f.name not in EXCLUS)


def _textes_du_champ(champ: dict) -> list[str]:
    textes = []
    for cle, valeur in champ.items():
        if cle in ("help", "hint", "label", "note", "html") and isinstance(valeur, str):
            textes.append(valeur)
        elif cle == "choices":
            textes += _textes_des_choix(valeur)
        elif cle not in _CLES_CHAMP_TECHNIQUES and isinstance(cle, str):
            textes.append(cle)  # « Label: variable »
    return textes


def _textes_des_choix(choix) -> list[str]:
    textes = []
    for element in choix if isinstance(choix, list) else []:
        if isinstance(element, dict):
            for cle, valeur in element.items():
                if cle in ("label", "help"):
                    textes.append(str(valeur))
                elif cle not in ("key", "value", "action", "image", "default", "color", "icon", "css class"):
                    textes.append(str(cle))
        elif isinstance(element, str):
            textes.append(element)
    return textes


def textes_du_bloc(bloc: dict) -> list[str]:
    """The client-facing strings of one YAML block."""
    if not isinstance(bloc, dict) or "code" in bloc and "question" not in bloc:
        return []
    textes = []
    for cle, valeur in bloc.items():
        if cle in _CLES_TEXTE and isinstance(valeur, str):
            textes.append(valeur)
        elif cle == "help" and isinstance(valeur, dict):
            textes += [str(v) for k, v in valeur.items() if k in ("label", "content")]
        elif cle == "fields":
            for champ in valeur if isinstance(valeur, list) else [valeur]:
                if isinstance(champ, dict):
                    textes += _textes_du_champ(champ)
        elif cle in ("buttons", "choices"):
            textes += _textes_des_choix(valeur)
        elif cle == "review":
            for ligne in valeur:
                if isinstance(ligne, dict):
                    textes += [str(ligne.get("button", ""))] + [str(k) for k in ligne if k not in
                                                                 ("button", "show if", "fields", "note")]
    return textes


def textes_des_entretiens() -> list[tuple[str, str]]:
    sortie = []
    for fichier in _fichiers_client():
        for bloc in yaml.safe_load_all(fichier.read_text()):
            sortie += [(fichier.name, t) for t in textes_du_bloc(bloc) if t and t.strip()]
    return sortie


def messages_de_refus(racine: Path) -> list[str]:
    """The engine's refusal messages for the bad files clients actually send, file names removed."""
    racine.mkdir(parents=True, exist_ok=True)
    mauvais = [
        f.empty(racine / "vide.jpg"),
        f.zip_archive(racine / "photo.jpg"),
        f.zip_archive(racine / "pieces.zip"),
        f.texte(racine / "notes.txt"),
        f.mp4(racine / "appel.mp4"),
        f.exe(racine / "setup.exe"),
        f.png_capture(racine / "capture.pdf", size=(300, 600)),
        f.pdf_password(racine / "protege.pdf"),
        f.truncated(f.pdf(racine / "entier.pdf", pages=2), racine / "tronque.pdf", 0.5),
        f.truncated(f.png_capture(racine / "e.png"), racine / "tronquee.png", 0.7),
        f.png_entete_geante(racine / "geante.png", size=(20_000, 20_000)),
    ]
    messages = []
    for chemin in mauvais:
        with pytest.raises(FichierRefuse) as e:
            examiner_fichier(chemin, piece="la capture d'écran de la tentative n° 1")
        messages.append(e.value.message.replace(f"« {chemin.name} »", "« fichier »"))
    return messages


# --- the check on the real texts ----------------------------------------------------------------

def test_les_fichiers_de_l_entretien_client_sont_trouves():
    noms = {p.name for p in _fichiers_client()}
    assert {"rdvrefere.yml", "rdv_eligibilite.yml", "rdv_tentatives.yml", "rdv_revue.yml"} <= noms
    assert "staff.yml" not in noms
    textes = [t for _, t in textes_des_entretiens()]
    assert any("3039" in t for t in textes) and any("J'ai compris" in t for t in textes)


# Long sentences of the screens another engineer is rewriting at the same time (urgency and
# conclusions, issue 14 point 4): listed here word for word, and checked to still exist, so that
# this list is emptied as they are rewritten (never a blanket exception).
EN_COURS_DE_REECRITURE: set[tuple[str, str]] = set()


def test_chaque_texte_de_l_entretien_client_est_simple():
    problemes, attendus = [], set()
    for nom, texte in textes_des_entretiens():
        for d in defauts(texte):
            phrase = d.split(" mots : ", 1)[-1]
            if d.startswith("phrase de ") and (nom, phrase) in EN_COURS_DE_REECRITURE:
                attendus.add((nom, phrase))
                continue
            problemes.append(f"{nom} : {d}")
    assert not problemes, "\n".join(problemes)
    assert attendus == EN_COURS_DE_REECRITURE, f"rewritten, remove from the list: {EN_COURS_DE_REECRITURE - attendus}"


def test_les_messages_de_refus_du_moteur_sont_simples(tmp_path):
    messages = messages_de_refus(tmp_path)
    assert len(messages) == 11
    problemes = [f"{m} → {d}" for m in messages for d in defauts(m)]
    assert not problemes, "\n".join(problemes)
    assert not any("HEIC, WebP" in m for m in messages)  # the list of formats stays beside the field


def test_le_guide_de_depot_est_simple():
    from docassemble.rdvrefere.guide import APRES_LE_DEPOT  # noqa: PLC0415
    problemes = [d for ligne in APRES_LE_DEPOT for d in defauts(ligne)]
    assert not problemes, problemes


# --- the self-test: each detector catches its defect --------------------------------------------

BLOC_FAUTIF = """
id: essai
question: Votre dossier
subquestion: |
  Le juge a dit oui (CE, 10 juin 2020, n° 435594).

  Cette phrase est beaucoup trop longue pour une personne qui apprend le français car elle enchaîne
  les mots les uns derrière les autres sans jamais s'arrêter pour respirer un peu.

  Vérifiez urgence.oqtf_non_executee avant de continuer.
fields:
  - Please upload your file: client.fichier
buttons:
  - Continuer: suite
"""


def test_le_controle_attrape_chaque_defaut():
    textes = textes_du_bloc(yaml.safe_load(BLOC_FAUTIF))
    trouves = [d for t in textes for d in defauts(t)]
    assert any(d.startswith("numéro d'affaire : n° 435594") for d in trouves), trouves
    assert any(d.startswith("phrase de ") for d in trouves), trouves
    assert any(d == "nom de variable : oqtf_non_executee" for d in trouves), trouves
    assert {d for d in trouves if d.startswith("mot anglais")} >= {"mot anglais : Please", "mot anglais : upload",
                                                                     "mot anglais : your"}
    # and a clean text passes; Mako, links and expressions are not read as the client's words
    propre = "Votre dossier est prêt.\n\n% if x:\n${ client.type_blocage }\n% endif\n[Lien](https://a.fr/b_c)"
    assert defauts(propre) == []


def test_un_code_n_est_pas_lu_comme_un_texte():
    assert textes_du_bloc({"code": "client.the_file = 'please upload'"}) == []
    assert textes_du_bloc({"mandatory": True, "code": "x_y = 1"}) == []


# --- the messages of `check` (review screen, staff screens, command line) ------------------------

def _tentatives(*dates: str, fichiers: bool = True) -> list[dict]:
    return [{"date": d, "heure": "09:00", "constat": "aucun créneau", "fichiers": [f"c{i % 4 + 1}.png"] if fichiers else []}
            for i, d in enumerate(dates)]


PREMIERE_DEMANDE = {"nature": "premiere_demande", "titre": "carte de séjour « vie privée et familiale »"}


def _dossiers_de_verification(racine: Path) -> list[dict]:
    """Dossiers that, together, trigger every message of `check` but the files' ones (above)."""
    from dossiers import donnees  # noqa: PLC0415
    tardif = {"nature": "renouvellement", "titre": "carte de séjour « salarié »", "date_expiration": "2026-06-15"}
    sans_pieces = [{"libelle": "Contrat de travail", "fichiers": ["contrat.pdf"]}]
    doublons = donnees(racine)["pieces"] + [{"libelle": "passeport", "categorie": "identite", "fichiers": ["contrat.pdf"]}]
    return [
        # attempts: the same week; two weeks but five days; the same day; a future date, before birth, no capture
        donnees(racine, tentatives=_tentatives("2026-10-05", "2026-10-07")),
        donnees(racine, tentatives=_tentatives("2026-09-18", "2026-09-14", "2026-09-13")),
        donnees(racine, tentatives=_tentatives("2026-10-05", "2026-10-05")),
        donnees(racine, tentatives=_tentatives("2026-10-05", "2026-10-14", "2026-12-01", "1980-01-01")
                + _tentatives("2026-10-07", fichiers=False)),
        # attempts over two weeks and seven days or more, but under three weeks and fourteen days
        donnees(racine, tentatives=_tentatives("2026-10-05", "2026-10-14")),
        donnees(racine, tentatives=_tentatives("2026-10-05", "2026-10-12", "2026-10-20")),
        # ANEF without any diligence; a recent démarche without answer; a future one; no proof
        donnees(racine, blocage={"type": "anef", "plateforme": "ANEF"}, demarches=[
            {"date": "2026-10-30", "nature": "lrar", "description": "demande"},
            {"date": "2026-11-20", "nature": "courriel", "description": "relance", "fichiers": ["lrar.pdf"]}]),
        # late renewals: after expiry, with and without a reason; after the ANEF window's end
        donnees(racine, demande=tardif, tentatives=_tentatives("2026-09-28", "2026-10-05", "2026-10-14", "2026-10-21")),
        donnees(racine, demande={**tardif, "motif_retard": "J'étais à l'hôpital."},
                tentatives=_tentatives("2026-09-28", "2026-10-05", "2026-10-14", "2026-10-21")),
        donnees(racine, blocage={"type": "anef", "plateforme": "ANEF"},
                demande={"nature": "renouvellement", "titre": "carte de séjour « étudiant »", "date_expiration": "2026-12-15"},
                demarches=[{"date": "2026-10-16", "nature": "contact_anef", "description": "ticket",
                            "fichiers": ["lrar.pdf"]}],
                tentatives=_tentatives("2026-10-19", "2026-10-23", "2026-10-27", "2026-11-02")),
        # first application: no circonstance
        donnees(racine, demande=PREMIERE_DEMANDE, urgence={"circonstances": []}),
        # OQTF: no new fact; recent and not contested, with an older « new » fact; without date; in the future
        donnees(racine, demande=PREMIERE_DEMANDE, urgence={"oqtf": {"date": "2024-03-01", "recours": "rejete"},
                                                           "circonstances": [{"nature": "residence", "date": "2015-09-01"}]}),
        donnees(racine, demande=PREMIERE_DEMANDE, urgence={
            "oqtf": {"date": "2026-10-20", "recours": "non_contestee"},
            "circonstances": [{"nature": "mariage_pacs", "union": "pacs", "conjoint": "francais", "date": "2026-09-01",
                               "fait_nouveau": True}]}),
        donnees(racine, demande=PREMIERE_DEMANDE, urgence={"oqtf_non_executee": True, "circonstances": ["Travail."]}),
        donnees(racine, demande=PREMIERE_DEMANDE, urgence={"oqtf": {"date": "2026-12-20", "recours": "rejete"},
                                                           "circonstances": ["Travail."]}),
        # pièces: none of identity, address or current titre; two with the same label
        donnees(racine, pieces=sans_pieces),
        donnees(racine, pieces=doublons),
        # conclusions: L. 761-1 without costs; more than the costs; a high astreinte; provisional legal aid
        donnees(racine, conclusions={"frais_l761_1_euros": 50, "astreinte_euros": 500,
                                     "aide_juridictionnelle_provisoire": True}),
        donnees(racine, conclusions={"frais_l761_1_euros": 100, "frais": [{"nature": "copies", "montant_euros": 5}]}),
    ]


def messages_de_verification(racine: Path) -> list[str]:
    """Every message `check` gives on those dossiers, from verifier() and from each of its parts
    (verifier() says a warning once when an error has the same field)."""
    from docassemble.rdvrefere import verification as v  # noqa: PLC0415
    from docassemble.rdvrefere.dossier import dossier_depuis_donnees  # noqa: PLC0415
    from docassemble.rdvrefere.requete import avertissements_requete  # noqa: PLC0415
    from docassemble.rdvrefere.tentatives import bilan_des_dates, regle_des_tentatives  # noqa: PLC0415
    from dossiers import AUJOURD_HUI  # noqa: PLC0415
    messages = []
    for data in _dossiers_de_verification(racine):
        dossier = dossier_depuis_donnees(data, racine)
        problemes = v.verifier(dossier, aujourd_hui=AUJOURD_HUI, fichiers=False)
        problemes += regle_des_tentatives(dossier.tentatives, date_naissance=dossier.requerant.date_naissance,
                                          aujourd_hui=AUJOURD_HUI)
        problemes += v.verifier_demarches(dossier, aujourd_hui=AUJOURD_HUI)
        problemes += v.verifier_urgence(dossier, aujourd_hui=AUJOURD_HUI)
        problemes += v.verifier_renouvellement(dossier) + avertissements_requete(dossier) + v.verifier_pieces(dossier)
        messages += [p.message for p in problemes]
    import datetime as dt  # noqa: PLC0415
    jours = [dt.date(2026, 10, 5) + dt.timedelta(days=n) for n in (0, 2, 9, 16, 21)]
    for choix in ([], jours[:1], jours[:2], jours[:3], jours[::2], jours):  # the live count of the interview
        messages.append(bilan_des_dates(choix).resume())
    return list(dict.fromkeys(messages))


def test_les_messages_de_check_sont_simples(tmp_path):
    messages = messages_de_verification(tmp_path)
    attendus = ["semaines différentes", "trop rapprochées", "demande d'aide", "pas encore eu le temps", "a expiré le",
                "entre 120 et 60 jours", "raison que vous avez donnée", "première demande", "est élevée", "Aucune tentative",
                "aucun fait nouveau", "contester", "date de l'OQTF", "pièce d'identité", "justificatif de domicile",
                "titre de séjour actuel", "même libellé", "sans dire lesquels", "frais indiqués", "astreinte",
                "aide juridictionnelle", "dans le futur", "naissance", "capture", "pas un fait nouveau"]
    manquants = [a for a in attendus if not any(a in m for m in messages)]
    assert not manquants, manquants
    problemes = [f"{m}\n  → {d}" for m in messages for d in defauts(m)]
    assert not problemes, "\n".join(problemes)
