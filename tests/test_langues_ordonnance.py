"""Issue 13: the interview after the ordonnance (rdv_ordonnance.yml) in French, English and Arabic;
the letter to the préfet and the demande d'exécution stay French.

Headless (tests/daharness.py), with the ordonnance's walk of test_ordonnance_interview.py: each
screen from « Nous ne trouvons pas votre dossier » and the welcome to « Que faire maintenant ? »,
the letter, the proofs and the demande's download screen, read in each language as docassemble
gives them to the page; a word of another language fails the test (test_langues.mots_etrangers:
what stays French on purpose is named). The demande is built here (`construire_execution`), as
the server's background task would. Then the documents of an Arabic session are the French
session's, and the language chosen in the référé's interview (kept in the account) opens this one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from pathlib import Path

import pytest

import daharness as da
import dossiers as exemples
from test_langues import _texte_du, mots_etrangers, textes_de_l_ecran, titre_traduit
from test_ordonnance_interview import (AUJOURD_HUI, HOSTILE, NUMERO, ORDONNANCE_YML, Parcours, _jour, _literal,
                                       _registre, texte)
from docassemble.rdvrefere import execution, ordonnance
from docassemble.rdvrefere.dates import en_lettres
from docassemble.rdvrefere.dossier import DossierInvalide
from docassemble.rdvrefere.juridictions import juridiction
from docassemble.rdvrefere.langues import LANGUES, fichier_de_traduction
from docassemble.rdvrefere.mots import Texte, _champs
from docassemble.rdvrefere.traductions import lire

SOURCES = Path(__file__).resolve().parent.parent / "sources"
ETAT = "Que faire maintenant ?"
# Each session its own account (from 9500: test_langues takes 9200…): the account keeps the
# language chosen (USER_PROFILES), and a dossier transmitted by one walk must not be another's.
_COMPTES = itertools.count(9500)


def compte() -> dict:
    numero = next(_COMPTES)
    return {"email": f"ordolangue{numero}@example.org", "theid": numero}


class ParcoursLu(Parcours):
    """test_ordonnance_interview's walk, each screen's texts read on the way, by the block's id
    (the same in every language). `jusqua` takes the French title: the screen's own is translated."""

    def __init__(self, racine: Path, langue: str, ecrans: dict, **changements):
        super().__init__(racine, **changements)
        self.langue, self.ecrans = langue, ecrans

    def lire(self, s) -> None:
        self.ecrans.setdefault(s.question.id, []).extend(textes_de_l_ecran(s))

    def jusqua(self, s, titre: str, limite: int = 20):
        traduit = titre_traduit(self.langue, titre)
        for _ in range(limite):
            self.lire(s)
            if traduit in (s.question_text or ""):
                return s
            self.un_pas(s)
        raise AssertionError(f"never reached « {traduit} »; last: {s.screen()}")


def session(langue: str, ecrans: dict, user: dict | None = None, requerant: dict | None = None):
    """A signed-in client in `langue`, chosen on the first screen (« Nous ne trouvons pas votre
    dossier »: nothing transmitted yet), then their référé dossier transmitted to the team, on the
    welcome screen."""
    user = user or compte()
    cle = f"refere-langue-{user['theid']}"
    s = da.start(ORDONNANCE_YML, user=user, url_args={"refere": cle})
    if langue != "fr":
        s.next(action="changer_de_langue", arguments={"langue": langue})
    assert s.question.id == "pas de dossier"
    assert s.question_text == titre_traduit(langue, "Nous ne trouvons pas votre dossier")
    ecrans.setdefault(s.question.id, []).extend(textes_de_l_ecran(s))
    donnees = {"requerant": requerant or exemples.BASE["requerant"], "departement": "93",
               "demande": {"nature": "renouvellement", "titre": "carte de séjour « salarié »"}}
    _registre(s).transmettre(user["theid"], cle, donnees)
    s.next()
    assert s.question_text == titre_traduit(langue, "Après la décision du juge"), s.screen()
    return s


def jusqu_a_la_demande(s, parcours: ParcoursLu, racine: Path) -> None:
    """From « Que faire maintenant ? » (the préfet did not comply): the letter, the letter sent
    with its proof, one proof that nothing came, the demande built and its download screen."""
    s.next(action="voir_lettre")
    assert s.question.id == "lettre", s.screen()
    parcours.lire(s)
    s.next(action="noter_courrier")
    assert s.question.id == "courrier", s.screen()
    parcours.lire(s)
    s.upload("suite.courrier_fichiers", exemples.pdf(racine / "lettre-envoyee.pdf", ("Lettre au préfet",)))
    s.answer({"suite.courrier_envoye": True, "suite.courrier_date": _jour(-2)})
    assert s.question.id == "etat", s.screen()            # the letter's answer awaited
    parcours.lire(s)
    s.next(action="preparer_demande")
    assert s.question.id == "constats y en a-t-il", s.screen()
    parcours.lire(s)
    s.answer(True)
    assert s.question.id == "un constat", s.screen()
    parcours.lire(s)
    s.upload("suite.constats[0].fichiers", exemples.capture(racine / "capture.png"))
    s.answer({"suite.constats[0].date": _jour(-1), "suite.constats[0].heure": dt.time(9, 14),
              "suite.constats[0].constat": "Aucun créneau disponible"})
    assert s.question.id == "constat encore", s.screen()
    parcours.lire(s)
    s.answer(False)
    assert s.question.id == "demande verifiee", s.screen()
    parcours.lire(s)
    # « Préparer le dossier » starts a background task on the server: built here instead
    assert s.eval("suite.construire_execution()") == []
    s.set({"suite.demande_verifiee": True, "suite.execution_lancee": True, "suite.execution_prete": True})
    s.next()
    assert s.question.id == "execution", s.screen()
    parcours.lire(s)


def _en_francais_expres(s) -> set[str]:
    """What the screens show in French on purpose, and say so: the pièces' names, the files' names
    and the names to type (the demande's bundle), and what the client typed (the plan)."""
    noms = {NUMERO, "Aucun créneau disponible", "carte de séjour « salarié »"}
    noms |= {str(v) for v in exemples.BASE["requerant"].values()}
    noms |= {e["fichier"] for e in (s.get("suite.manifeste_execution") or {}).get("fichiers", [])}
    noms |= {e["libelle"] for e in (s.get("suite.manifeste_execution") or {}).get("fichiers", []) if e.get("libelle")}
    for piece in execution.pieces_execution(s.eval("suite.dossier()")):
        noms |= {piece.libelle, piece.nom_fichier, piece.nom_telerecours}
    return {n for n in noms if len(n) > 2}


@pytest.mark.parametrize("langue", sorted(LANGUES))
def test_chaque_ecran_apres_l_ordonnance_est_dans_la_langue_choisie(langue, tmp_path):
    ecrans: dict[str, list[str]] = {}
    saisies: set[str] = set()

    # the préfet did not comply (injonction, 15 days, astreinte): the letter, then the demande
    s = session(langue, ecrans)
    parcours = ParcoursLu(tmp_path / "injonction", langue, ecrans)
    parcours.jusqua(s, ETAT)
    # the astreinte's days so far: in letters in French, as the court writes them; in digits otherwise
    d = ordonnance.ordonnance_depuis_donnees(parcours.donnees())
    jours = ordonnance.jours_d_astreinte(d.ordonnance, d.suivi, AUJOURD_HUI)
    chiffres = {"fr": f"{en_lettres(jours)} jours à ce jour", "en": f"{jours} days so far",
                "ar": f"اليوم: {jours}"}
    assert jours > 1 and chiffres[langue] in s.subquestion_text, s.subquestion_text
    jusqu_a_la_demande(s, parcours, tmp_path / "injonction")
    saisies |= _en_francais_expres(s)

    # a rejection notified three days ago: the grounds, then the one recourse and its date
    s = session(langue, ecrans)
    ParcoursLu(tmp_path / "rejet", langue, ecrans, **{
        "suite.issue": "rejet", "suite.motif_rejet": "tentatives",
        "suite.numero": {"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-4),
                         "suite.date_notification": _jour(-3)},
    }).jusqua(s, ETAT)
    recours = titre_traduit(langue, "Recours devant le Conseil d'État (avec un avocat) jusqu'au {date}.")
    assert recours.split("{date}")[0] in s.subquestion_text

    # non-lieu; an injonction whose délai runs (and its own deadline for the appointment)
    s = session(langue, ecrans)
    ParcoursLu(tmp_path / "non-lieu", langue, ecrans, **{"suite.issue": "non_lieu"}).jusqua(s, ETAT)
    s = session(langue, ecrans)
    ParcoursLu(tmp_path / "attente", langue, ecrans, **{
        "suite.numero": {"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-3),
                         "suite.date_notification": _jour(-2)},
        "suite.forme_delai": {"suite.forme_delai": "jours", "suite.delai_jours": 15,
                              "suite.point_de_depart": "notification", "suite.delai_rdv_jours": 30},
    }).jusqua(s, ETAT)
    assert s.eval("suite.etat().code") == "en_attente_du_delai"

    # the appointment came late, under an astreinte; an answer the core refuses (dates reversed)
    s = session(langue, ecrans)
    ParcoursLu(tmp_path / "retard", langue, ecrans, **{
        "suite.rendez_vous_donne": {"suite.rendez_vous_donne": True, "suite.rendez_vous_le": _jour(-5)},
    }).jusqua(s, ETAT)
    assert s.eval("suite.etat().code") == "executee"
    s = session(langue, ecrans)
    ParcoursLu(tmp_path / "saisie", langue, ecrans, **{
        "suite.numero": {"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-30),
                         "suite.date_notification": _jour(-31)},
    }).jusqua(s, "Une réponse ne va pas")
    # the menu's language screen (last: the harness has no button to leave it)
    s.next(action="choix_de_langue")
    ecrans.setdefault(s.question.id, []).extend(textes_de_l_ecran(s))

    attendus = {"pas de dossier", "accueil", "ordonnance pdf", "issue", "numero et dates", "delai", "astreinte",
                "motif rejet", "saisie a corriger", "rendez-vous", "etat", "choix de langue", "lettre", "courrier",
                "constats y en a-t-il", "un constat", "constat encore", "demande verifiee", "execution"}
    assert attendus <= set(ecrans), attendus - set(ecrans)
    fautes = [f"« {ecran} » : {sorted(set(m))}" for ecran, textes in ecrans.items()
              for m in [mots_etrangers("\n".join(textes), langue, saisies)] if m]
    assert not fautes, f"{len(fautes)} screens with words not in {langue}:\n" + "\n".join(fautes)


def _documents(langue: str, racine: Path) -> dict:
    """The letter to the préfet and the demande's bundle of a session in `langue`, as text."""
    ecrans: dict = {}
    s = session(langue, ecrans)
    parcours = ParcoursLu(racine, langue, ecrans)
    parcours.jusqua(s, ETAT)
    jusqu_a_la_demande(s, parcours, racine)
    documents = {"lettre": _texte_du("Lettre.docx", Path(s.eval("suite.lettre_docx.path()")).read_bytes())}
    with zipfile.ZipFile(s.eval("suite.zip_execution().path()")) as archive:
        documents["fichiers"] = sorted(archive.namelist())
        for nom in ("Requete.docx", "Inventaire.docx", "Guide_depot.txt"):
            documents[nom] = _texte_du(nom, archive.read(nom))
    documents["pièces"] = s.eval("[(e['fichier'], e.get('libelle'), e.get('numero')) "
                                 "for e in suite.manifeste_execution['fichiers']]")
    return documents


def test_la_lettre_et_la_demande_d_une_session_en_arabe_sont_celles_d_une_session_en_francais(tmp_path):
    francais, arabe = _documents("fr", tmp_path / "fr"), _documents("ar", tmp_path / "ar")
    assert set(francais) == {"lettre", "fichiers", "Requete.docx", "Inventaire.docx", "Guide_depot.txt", "pièces"}
    for cle, texte in francais.items():
        assert arabe[cle] == texte, cle
    # French through and through: no Arabic letter in any of them
    assert not any("\u0600" <= c <= "\u06ff" for texte in arabe.values() for c in str(texte))
    assert "Madame, Monsieur," in arabe["lettre"] and "DEMANDER L'EXÉCUTION" in arabe["Guide_depot.txt"]


def test_la_langue_choisie_dans_le_refere_ouvre_l_entretien_apres_l_ordonnance():
    """The référé's interview keeps the choice in the account (retenir_la_langue); the interview
    after the ordonnance opens in it, its guard's screen included, and a choice made here is kept
    too. Another account stays French."""
    client = compte()
    refere = da.start("rdvrefere.yml", user=client)
    refere.next(action="changer_de_langue", arguments={"langue": "ar"})
    assert da.USER_PROFILES[client["theid"]]["language"] == "ar"

    s = da.start(ORDONNANCE_YML, user=client, url_args={"refere": f"refere-langue-{client['theid']}"})
    assert s.question_text == titre_traduit("ar", "Nous ne trouvons pas votre dossier"), s.screen()
    _registre(s).transmettre(client["theid"], f"refere-langue-{client['theid']}",
                             {"requerant": exemples.BASE["requerant"], "departement": "93"})
    s.next()
    assert s.question_text == titre_traduit("ar", "Après la décision du juge"), s.screen()

    # the guard's own screen (a link to another person's dossier) in the account's language
    refuse = da.start(ORDONNANCE_YML, user=client, url_args={"acces_refuse": "1"})
    assert refuse.question.id == "acces refuse"
    assert refuse.question_text == titre_traduit("ar", "Ce dossier n'est pas le vôtre")

    # a choice made here goes to the account as well
    s.next(action="changer_de_langue", arguments={"langue": "en"})
    assert s.question_text == titre_traduit("en", "Après la décision du juge")
    assert da.USER_PROFILES[client["theid"]]["language"] == "en"

    autre = da.start(ORDONNANCE_YML, user=compte(), url_args={"refere": "refere-langue-autre"})
    assert autre.question_text == "Nous ne trouvons pas votre dossier"


def _textes(valeur: object) -> list[Texte]:
    """Every mots.Texte of a value, its nested values included."""
    if isinstance(valeur, Texte):
        return [valeur] + [t for v in valeur.valeurs.values() for t in _textes(v)]
    if isinstance(valeur, (list, tuple)):
        return [t for v in valeur for t in _textes(v)]
    return []


def test_chaque_phrase_du_noyau_est_traduite(tmp_path):
    """What to do now, the letter's and the demande's problems and the filing guide, for each
    outcome and stage: every sentence is a mots.Texte whose template each language file translates
    with the same fields (the screens show nothing in French by mistake). The French itself is
    test_ordonnance.py's and test_execution.py's."""
    ordonnance_pdf = exemples.pdf(tmp_path / "o.pdf")
    base = {"requerant": exemples.BASE["requerant"], "departement": "93"}
    jour = dt.date(2026, 12, 1)
    cas = []
    for issue, motif in [("injonction", None), ("non_lieu", None)] + [("rejet", m) for m in ordonnance.MOTIFS_REJET]:
        for notification, suivi in (("2026-11-28", {}), ("2026-11-10", {}),
                                    ("2026-11-10", {"courrier_prefet": {"date": "2026-11-28"}}),
                                    ("2026-11-01", {"courrier_prefet": {"date": "2026-11-05"},
                                                    "demande_execution_le": "2026-11-30"}),
                                    ("2026-11-10", {"rendez_vous_le": "2026-11-29"}),
                                    ("2026-11-10", {"constats": [{"date": "2026-12-05", "constat": "rien"}]})):
            o = {"numero": NUMERO, "date": "2026-10-30", "date_notification": notification, "issue": issue,
                 "fichiers": [str(ordonnance_pdf)] if suivi else []}
            if issue == "injonction":
                o |= {"delai_jours": 15, "delai_rdv_jours": 40, "astreinte": {"montant_euros": 100}}
            elif issue == "rejet":
                o["motif_rejet"] = motif
            elif suivi:
                continue
            cas.append(ordonnance.ordonnance_depuis_donnees({**base, "ordonnance": o, "suivi": suivi}, tmp_path))
    phrases: list = []
    for d in cas:
        etat = ordonnance.etat_a_la_date(d, jour)
        phrases += [etat.titre, *etat.lignes]
        for pour in ("lettre", "demande"):
            phrases += [p.message for p in execution.problemes_execution(d, aujourd_hui=jour, pour=pour)]
        if d.ordonnance.issue == "injonction":
            # the pièces' step is guide.py's French: a Texte only while its copy says the same
            etapes = execution.etapes_execution(d, execution.pieces_execution(d), juridiction("93"))
            phrases += [e.titre for e in etapes] + [ligne for e in etapes for ligne in e.lignes]
    with pytest.raises(DossierInvalide) as refus:   # the dates reversed
        ordonnance.ordonnance_depuis_donnees({**base, "ordonnance": {
            "numero": NUMERO, "date": "2026-11-02", "date_notification": "2026-11-01", "issue": "injonction",
            "delai_jours": 15}}, tmp_path)
    phrases += [p.message for p in refus.value.problemes]
    assert [p for p in phrases if not isinstance(p, Texte)] == []
    textes = _textes(phrases)
    gabarits = {t.gabarit for t in textes}
    assert len(gabarits) > 60, len(gabarits)
    for code in LANGUES:
        if code == "fr":
            continue
        cibles = lire(SOURCES / fichier_de_traduction(code)).cibles("fr")
        manquent = sorted(g for g in gabarits if g != "{n}" and g not in cibles)
        assert not manquent, (code, manquent[:5])
        faux = sorted(g for g in gabarits if g in cibles and _champs(cibles[g]) != _champs(g))
        assert not faux, (code, faux[:5])


def test_un_texte_hostile_reste_litteral_en_arabe(tmp_path):
    """What the client typed (the name, from the register; the ordonnance's number) goes into the
    Arabic screens, inside translated sentences too: shown as typed, never run."""
    ecrans: dict[str, list[str]] = {}
    s = session("ar", ecrans, requerant={**exemples.BASE["requerant"], "nom": f"Diallo {HOSTILE}"})
    _literal(s, texte(s))
    ParcoursLu(tmp_path, "ar", ecrans, **{"suite.numero": {"suite.numero": f"{NUMERO} {HOSTILE}",
                                                           "suite.date_ordonnance": _jour(-30),
                                                           "suite.date_notification": _jour(-29)},
                                          "suite.avec_astreinte": {"suite.avec_astreinte": False}}).jusqua(s, ETAT)
    assert "49" not in texte(s).replace(HOSTILE, "") and "<script" not in s.subquestion_text
    assert s.eval("suite.numero") == f"{NUMERO} {HOSTILE}"
