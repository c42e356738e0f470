"""Issue 13: the client interview in French, English and Arabic; the documents stay French.

Headless (tests/daharness.py): the whole path of test_interview.py walked in each language, each
screen's texts read as docassemble gives them to the page (title, text, labels, help, choices,
buttons, menu); a phrase left in the wrong language fails the test. Then the documents built from
the Arabic session are the French session's, word for word. The Arabic page in a browser, on a
phone, is in test_telephone_e2e.py."""

from __future__ import annotations

import functools
import itertools
import re
import zipfile
from pathlib import Path

import pytest
import yaml

import daharness as da
from test_interview import Parcours
from docassemble.rdvrefere.juridictions import COLLECTIVITES_NON_COUVERTES, toutes_les_juridictions
from docassemble.rdvrefere.langues import LANGUES, fichier_de_traduction, langue_valide
from docassemble.rdvrefere.traductions import defauts, lire

SOURCES = Path(__file__).resolve().parent.parent / "sources"
REVUE = "Vérifiez votre dossier"

# Words a screen may show in French in any language: names of places, portals and services, and
# what the client must see as the court or the portal will (said so on the screen, in « »).
NOMS_PROPRES = {"Télérecours", "citoyens", "ANEF", "AGDREF", "PDF", "JPEG", "PNG", "HEIC", "GIF", "TIFF", "WebP",
                "RTF", "OpenDocument", "Word", "DOCX", "doc", "docx", "odt", "Mo", "Ko", "CAF", "PACS",
                "Seine-Saint-Denis", "Montreuil", "Bobigny", "CE", "CJA", "CESEDA", "LRAR", "OQTF", "Cerfa",
                "Conseil", "État", "Paris", "France", "Mayotte", "Guyane", "Réunion"}
# the most frequent French words that are not English words too (« a », « on », « me » are)
FRANCAIS = {"le", "la", "les", "des", "du", "vous", "votre", "vos", "pour", "dans", "une", "est", "avec", "sur",
            "pas", "que", "qui", "aux", "et", "ou", "ce", "cette", "ces", "son", "sa", "ses", "nous", "il", "elle",
            "par", "plus", "mais", "ne", "été", "être", "avez", "sont", "ont", "fait", "faire", "quand", "aussi",
            "déjà", "peut", "doit", "très", "sans", "chaque", "leur", "même", "où", "oui", "non", "jour", "jours"}
ANGLAIS = {"the", "and", "your", "you", "please", "click", "upload", "submit", "error", "warning", "required",
           "loading", "download", "resume", "back", "next", "yes", "delete", "save", "screen", "interview",
           "skip", "close", "help", "with", "this", "continue", "sign", "exit"}


def textes_de_l_ecran(s: da.Session) -> list[str]:
    """Every text docassemble gives the page for this screen (what the client reads)."""
    st = s.status
    textes = [st.question_text, st.subquestion_text, st.continue_label]
    # the page's title is the one set_parts() set for the language (docassemble's get_title prefers
    # it); « full text » is the harness's copy of the metadata's French title, never shown then
    textes += [v for k, v in st.extras.items() if k.endswith(" text") and k != "full text" and isinstance(v, str)]
    textes += [h.get(cle) for h in (st.help_text or []) for cle in ("heading", "content", "label")]
    for groupe in (st.labels, st.hints, st.helptexts):
        textes += list((groupe or {}).values())
    for choix in (st.selectcompute or {}).values():
        textes += [c.get("label") for c in choix if isinstance(c, dict)]
    textes += [m.get("label") for m in st.extras.get("menu_items") or [] if isinstance(m, dict)]
    # « no label »: docassemble's marker for a field shown without a label, never displayed
    return [t for t in textes if isinstance(t, str) and t.strip() and t != "no label"]


@functools.cache
def toujours_en_francais(langue: str) -> tuple[str, ...]:
    """What stays French on purpose in any language, longest first: the phrases the translation
    file keeps as they are (a titre's name is saved as chosen and goes into the requête; a
    choice's value), the names of the départements, tribunals and préfets, and the language
    menu's own names."""
    gardees = [p.source for p in lire(SOURCES / fichier_de_traduction(langue)).francais
               if p.cible == p.source] if langue != "fr" else []
    noms = [j.departement for j in toutes_les_juridictions()] + list(COLLECTIVITES_NON_COUVERTES.values())
    noms += [j.tribunal for j in toutes_les_juridictions()] + [j.autorite for j in toutes_les_juridictions()]
    noms += ["Langue · Language · اللغة"] + [l.nom for l in LANGUES.values()]
    return tuple(sorted(set(gardees + noms), key=len, reverse=True))


def _lisible(texte: str, langue: str, saisies: set[str]) -> str:
    """What must be in the page's language: without markup, what the client typed, what stays
    French on purpose, quoted French (« … »), web addresses, and in Arabic a French gloss in
    brackets after its translation."""
    # a French text the page marks as such (a letter to copy, its subject): French on purpose
    texte = re.sub(r'<(div|span)\b[^>]*\blang="fr"[^>]*>.*?</\1>', " ", texte, flags=re.S)
    texte = re.sub(r"<[^>]+>", " ", texte)
    texte = re.sub(r"\]\([^)]*\)", "] ", texte)
    texte = re.sub(r"\\(.)", r"\1", texte)   # Markdown's escapes (texte_sur): « Bamako \(Mali\) »
    for fixe in list(toujours_en_francais(langue)) + sorted(saisies, key=len, reverse=True):
        texte = texte.replace(fixe, " ")
    texte = re.sub(r"«[^»]*»", " ", texte)
    texte = re.sub(r"\b[\w-]+(?:\.[\w-]+)*\.(?:fr|org|com)\b", " ", texte)   # addresses: justice.fr
    if langue == "ar":
        # the French word beside its Arabic one, as a gloss: « وصل (récépissé) »
        texte = re.sub(r"\([^()\u0600-\u06ff]*\)", " ", texte)
        # « (référé، أي …) »: the French word, then its explanation after the Arabic comma
        texte = re.sub(r"\([^()\u0600-\u06ff]*،", "(", texte)
    return texte


def mots_etrangers(texte: str, langue: str, saisies: set[str]) -> list[str]:
    """The words of `texte` that are not in `langue` (see the module's docstring)."""
    lisible = _lisible(texte, langue, saisies)
    mots = re.findall(r"[A-Za-zÀ-ÿŒœ'’-]+", lisible)
    if langue == "ar":
        latins = [m for m in mots if len(m.strip("'’-")) >= 3 and m.strip("'’-") not in NOMS_PROPRES]
        return latins
    if langue == "en":
        return [m for m in mots if m.lower() in FRANCAIS and m not in NOMS_PROPRES]
    return [m for m in mots if m.lower() in ANGLAIS]


def _saisies(parcours: Parcours) -> set[str]:
    """The texts the plan types (names, places, free text): shown back as typed, in any language."""
    valeurs: set[str] = set()

    def parcourir(v):
        if isinstance(v, str) and len(v) > 2:
            valeurs.add(v)
        elif isinstance(v, dict):
            for x in v.values():
                parcourir(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                parcourir(x)
    parcourir(parcours.plan)
    return valeurs


# Each session its own account: a dossier sent to the team by one walk would otherwise be offered
# for resuming to the next session of the same account, here or in another test module.
_COMPTES = itertools.count(9600)   # apart from the other modules' accounts (test_eligibilite: 9200)


def cliente() -> dict:
    numero = next(_COMPTES)
    return {"email": f"langues{numero}@example.org", "theid": numero}


def titre_traduit(langue: str, francais: str) -> str:
    if langue == "fr":
        return francais
    return lire(SOURCES / fichier_de_traduction(langue)).cibles("fr")[francais]


def session_en(langue: str) -> da.Session:
    """A new session in `langue`, chosen from the welcome screen's link, past that screen."""
    s = da.start("rdvrefere.yml", user=cliente())
    if langue != "fr":
        s.next(action="changer_de_langue", arguments={"langue": langue})
    assert s.question_text == titre_traduit(langue, "Bienvenue"), s.screen()
    return s


def parcourir(langue: str, racine: Path) -> tuple[da.Session, dict[str, list[str]], set[str]]:
    """The whole path to the review in `langue`; returns the session, the texts of each screen
    (by the block's id, the same in every language) and what the client typed."""
    s, parcours = session_en(langue), Parcours(racine)
    ecrans: dict[str, list[str]] = {}

    def lire_l_ecran(session):
        ecrans.setdefault(session.question.id, []).extend(textes_de_l_ecran(session))
    lire_l_ecran(s)
    s.answer()
    parcours.a_chaque_ecran = lire_l_ecran
    parcours.jusqua(s, titre_traduit(langue, REVUE))
    lire_l_ecran(s)
    return s, ecrans, _saisies(parcours)


@pytest.mark.parametrize("langue", sorted(LANGUES))
def test_chaque_ecran_est_dans_la_langue_choisie(langue, tmp_path):
    s, ecrans, saisies = parcourir(langue, tmp_path)
    # then the download screen, the bundle built here (on the server, a background task)
    assert s.eval("client.construire_depot()") == []
    s.set({"client.relu": True, "client.depot_demande": True, "client.depot_pret": True})
    s.next()
    assert s.question.id == "telechargement", s.screen()
    ecrans["telechargement"] = textes_de_l_ecran(s)
    assert len(ecrans) >= 25, list(ecrans)
    fautes = [f"« {titre} » : {sorted(set(m))}" for titre, textes in ecrans.items()
              for m in [mots_etrangers("\n".join(textes), langue, saisies)] if m]
    assert not fautes, f"{len(fautes)} screens with words not in {langue}:\n" + "\n".join(fautes)


def test_les_documents_d_une_session_en_arabe_sont_ceux_d_une_session_en_francais(tmp_path):
    depots = {}
    for langue in ("fr", "ar"):
        s, _, _ = parcourir(langue, tmp_path / langue)
        assert s.eval("client.construire_depot()") == []
        archive = Path(s.eval("client.fichier_du_depot('Depot_Telerecours.zip').path()"))
        with zipfile.ZipFile(archive) as zf:
            depots[langue] = {n: zf.read(n) for n in zf.namelist()}
        depots[langue + " pièces"] = s.eval("[(p.numero, p.libelle, p.nom_fichier) for p in client.pieces()]")
    assert depots["fr pièces"] == depots["ar pièces"]
    assert sorted(depots["fr"]) == sorted(depots["ar"])
    for nom in ("Requete.docx", "Inventaire.docx", "Guide_depot.txt"):
        if nom in depots["fr"]:
            assert _texte_du(nom, depots["ar"][nom]) == _texte_du(nom, depots["fr"][nom]), nom


def _texte_du(nom: str, contenu: bytes) -> str:
    if nom.endswith(".docx"):
        import io  # noqa: PLC0415
        from docx import Document  # noqa: PLC0415
        return "\n".join(p.text for p in Document(io.BytesIO(contenu)).paragraphs)
    return contenu.decode("utf-8")


def test_une_langue_inconnue_ou_forgee_laisse_le_francais():
    s = da.start("rdvrefere.yml", user=cliente())
    for code in ("xx", "ar<script>", "${ 1+1 }", "", None):
        s.next(action="changer_de_langue", arguments={"langue": code})
        assert s.question_text == "Bienvenue" and s.eval("langue_interface") == "fr"
    assert langue_valide("ar") == "ar" and langue_valide(["ar"]) == "fr"


def test_les_fichiers_de_traduction_couvrent_chaque_phrase():
    """scripts/phrases.py --check's verdict, from the files as committed: nothing left to translate,
    every Mako expression and line and every Python field kept as in the French."""
    for code in LANGUES:
        if code == "fr":
            continue
        fichier = lire(SOURCES / fichier_de_traduction(code))
        assert fichier.langue == code and len(fichier.francais) > 300
        for phrase in fichier.francais:
            assert phrase.cible, (code, phrase.source[:80])
        assert defauts(fichier, code) == []
        # read by every client interview (the list they include)
        assert fichier_de_traduction(code) in yaml.safe_load(
            (SOURCES.parent / "interviews" / "rdv_traductions.yml").read_text(encoding="utf-8"))["translations"]
        assert all(p.cible for p in fichier.docassemble)


def test_un_texte_hostile_reste_litteral_dans_une_phrase_traduite(tmp_path):
    """A pièce named by the client goes into translated sentences (the summary, the pièces'
    list) as a value: shown escaped, never read as Mako, Markdown or HTML, in Arabic too."""
    hostile = "<script>alert(1)</script> ${ 7*7 } **gras**"
    s, parcours = session_en("ar"), Parcours(tmp_path, autres_pieces=[(hostile, "contrat.pdf")])
    s.answer()
    parcours.jusqua(s, titre_traduit("ar", REVUE))
    texte = s.subquestion_text
    assert "<script>" not in texte and "&lt;script&gt;" in texte
    assert "$\\{ 7\\*7 \\}" in texte and "\\*\\*gras\\*\\*" in texte and "49" not in texte
    # the summary's sentence about that pièce is the Arabic one
    assert "المستند رقم" in texte


class ParcoursRendezVous(Parcours):
    """The same answers, but the préfecture answered the letter with an appointment."""

    def _liste(self, s, nom: str, index: int) -> None:
        if nom != "demarches":
            return super()._liste(s, nom, index)
        nature, date, fichier = self.plan["demarches"][index]
        s.upload(f"client.demarches[{index}].fichiers", self.racine / fichier)
        s.answer({f"client.demarches[{index}].nature": nature, f"client.demarches[{index}].date": date,
                  f"client.demarches[{index}].description": "demande de rendez-vous",
                  f"client.demarches[{index}].reponse": "rendez_vous", f"client.demarches[{index}].resultat": ""})


# The screens off the main path: each stop of the eligibility questions, the overseas territory
# not covered, and the answers that lead there (in every language the same variables).
_SANS_DECISION = {"refus": False, "oqtf": False, "refus_rdv": False, "autre": False}
_SANS_SITUATION = {"deja_enregistre": False, "asile": False, "mineur": False, "retention": False}
ARRETS = {
    "collectivite non couverte": [{"client.departement": "987"}],
    "fin decision recente": [{"client.departement": "93"}, True, {"client.decisions": _SANS_DECISION | {"refus": True}},
                             "recente"],
    "fin decision a verifier": [{"client.departement": "93"}, True,
                                {"client.decisions": _SANS_DECISION | {"oqtf": True}}, "ancienne", False],
    "fin refus de rendez-vous": [{"client.departement": "93"}, True,
                                 {"client.decisions": _SANS_DECISION | {"refus_rdv": True}}],
    **{f"fin {situation}": [{"client.departement": "93"}, False,
                            {"client.situations": _SANS_SITUATION | {situation: True}}]
       for situation in ("deja_enregistre", "asile", "mineur", "retention")},
}


@pytest.mark.parametrize("langue", ["en", "ar"])
def test_les_ecrans_hors_du_chemin_sont_dans_la_langue_choisie(langue, tmp_path):
    """The stops (a recent decision, asylum, an overseas territory not covered…), the préfecture's
    answer that ends the référé, and the menu's screens (glossary, plan, letters, language), each
    read in `langue`: no French word left outside what stays French on purpose."""
    ecrans: dict[str, list[str]] = {}
    for arret, reponses in ARRETS.items():
        s = session_en(langue)
        s.answer()
        for reponse in reponses:
            s.answer(reponse)
        assert s.question.id.replace("_", " ") == arret.replace("_", " ") or s.question.id.startswith("fin "), \
            (arret, s.screen())
        ecrans[s.question.id] = textes_de_l_ecran(s)
    # the menu's screens, from the review of a whole dossier
    s, _, saisies = parcourir(langue, tmp_path)
    for action in ("lexique", "plan_du_parcours", "courriers_prefecture", "choix_de_langue"):
        s.next(action=action)
        ecrans[action] = textes_de_l_ecran(s)
    # the préfecture gave an appointment in answer to a démarche: the référé stops
    s = session_en(langue)
    s.answer()
    with pytest.raises(AssertionError, match="unexpected screen"):   # a stop: nothing more to answer
        ParcoursRendezVous(tmp_path / "arret").jusqua(s, REVUE)
    assert s.question.id == "fin reponse de la prefecture", s.screen()
    ecrans["fin reponse de la prefecture"] = textes_de_l_ecran(s)
    assert len(ecrans) == len(ARRETS) + 5, list(ecrans)
    fautes = [f"« {ecran} » : {sorted(set(m))}" for ecran, textes in ecrans.items()
              for m in [mots_etrangers("\n".join(textes), langue, saisies)] if m]
    assert not fautes, f"{len(fautes)} screens with words not in {langue}:\n" + "\n".join(fautes)
