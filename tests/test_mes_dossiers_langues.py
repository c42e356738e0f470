"""Issue 13 for « Mes dossiers » (rdv_mes_dossiers.yml): the list in the language the client chose
last (kept in their account: daharness.USER_PROFILES holds what set_user_info wrote), walked in the
headless harness: the list, the confirmation, the deletion's message, a forged key. Nothing but
the dossiers' names (as typed) and the départements' names stays French; the French page as
before. docassemble's list of the user's sessions (interview_list, a server service) and the
register's statuses are given by the test."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from types import SimpleNamespace

import pytest

import daharness as da
from docassemble.rdvrefere import mes_dossiers_serveur
from docassemble.rdvrefere.langues import fichier_de_traduction
from docassemble.rdvrefere.personnel import APPROUVE, DEPOSE
from docassemble.rdvrefere.traductions import lire
from test_langues import SOURCES, mots_etrangers, textes_de_l_ecran

# each test its own account (the language is the account's)
_COMPTES = itertools.count(9700)
CLIENT = mes_dossiers_serveur.CLIENT
# the names as the page reads (HTML escaped, Markdown's escapes removed): typed as HTML and as a
# template's field, shown as typed
NOMS = {"Awa Diallo", "Moussa &lt;b&gt;Keita&lt;/b&gt; {titre}"}


@functools.cache
def traduction(langue: str, francais: str) -> str:
    return francais if langue == "fr" else lire(SOURCES / fichier_de_traduction(langue)).cibles("fr")[francais]


def _info(cle: str, moi: int, prenoms: str, nom: str, departement: str, modifiee: dt.datetime) -> dict:
    """One session as docassemble's interview_list gives it (its answers unpickled)."""
    client = SimpleNamespace(requerant=SimpleNamespace(prenoms=prenoms, nom=nom), proprietaire=moi,
                             departement=departement)
    return {"session": cle, "filename": CLIENT, "utc_modtime": modifiee, "utc_starttime": modifiee - dt.timedelta(days=9),
            "dict": {"client": client}}


@pytest.fixture
def compte(monkeypatch):
    """A signed-in client with three dossiers: filed (Awa), approved (a name typed as HTML), no name yet."""
    moi = next(_COMPTES)
    sessions = [_info("cle-awa", moi, "Awa", "Diallo", "93", dt.datetime(2026, 12, 3, 13, 5)),
                _info("cle-moussa", moi, "Moussa", "<b>Keita</b> {titre}", "2A", dt.datetime(2026, 11, 2, 9, 0)),
                _info("cle-vide", moi, "", "", "", dt.datetime(2026, 10, 1, 7, 30))]
    statuts = {"cle-awa": DEPOSE, "cle-moussa": APPROUVE}

    def interview_list(action=None, filename=None, session=None, **_):
        assert filename == CLIENT
        if action == "delete":
            sessions[:] = [s for s in sessions if s["session"] != session]
            return 1
        return list(sessions), None
    monkeypatch.setattr(mes_dossiers_serveur, "interview_list", interview_list)
    monkeypatch.setattr(mes_dossiers_serveur, "_statut", lambda _moi, cle: statuts.get(cle))
    yield {"email": f"dossiers{moi}@example.org", "theid": moi}
    da.USER_PROFILES.pop(moi, None)


def _ouvrir(compte: dict, langue: str | None) -> da.Session:
    if langue:
        da.USER_PROFILES[compte["theid"]] = {"language": langue}
    return da.start("rdv_mes_dossiers.yml", user=compte)


def _sans_faute(s: da.Session, langue: str) -> str:
    textes = "\n".join(textes_de_l_ecran(s))
    fautes = mots_etrangers(textes, langue, NOMS)
    assert not fautes, (langue, s.question.id, fautes, textes)
    return textes


@pytest.mark.parametrize("langue, date, heure", [("ar", "3 ديسمبر 2026", "14:05"), ("en", "December 3, 2026", "14:05")])
def test_mes_dossiers_dans_la_langue_du_compte(compte, langue, date, heure):
    s = _ouvrir(compte, langue)
    assert s.question.id == "mes dossiers" and s.question_text == traduction(langue, "Mes dossiers")
    page = _sans_faute(s, langue)
    # the names as typed, escaped (the HTML shows as text); the départements in French
    assert "Awa Diallo" in page and "<b>Keita" not in page and "Keita" in page
    assert "Seine\\-Saint\\-Denis \\(93\\)" in page and "Corse\\-du\\-Sud \\(2A\\)" in page   # escaped (texte_sur)
    # the words made in Python: state, dates in that language, buttons, the unnamed dossier
    for francais in ("déposé", "approuvé", "Dossier sans nom", "Reprendre", "Supprimer", "Après la décision du juge",
                     "Commencer un nouveau dossier"):
        assert traduction(langue, francais) in page, francais
    assert date in page and heure in page

    # « Supprimer »: the confirmation, then the message on the list
    s.next(action="supprimer", arguments={"dossier": "cle-awa"})
    assert s.question.id == "confirmer la suppression"
    assert s.question_text == traduction(langue, "Supprimer ce dossier ?")
    page = _sans_faute(s, langue)
    assert "Awa Diallo" in page and traduction(langue, "L'équipe garde la version que vous lui avez envoyée.") in page
    s.answer("oui")
    assert s.question.id == "mes dossiers"
    page = _sans_faute(s, langue)
    assert "Awa Diallo" in page and "cle-awa" not in page   # named in the message only, no longer listed
    assert traduction(langue, "Reprendre") in page

    # a key that is not one of the user's: the list says so, in that language
    s.next(action="supprimer", arguments={"dossier": "cle-d-un-autre"})
    assert s.question.id == "mes dossiers"
    assert traduction(langue, "Ce dossier n'existe pas ou n'est plus dans votre liste.") in s.subquestion_text
    _sans_faute(s, langue)


def test_sans_langue_dans_le_compte_la_page_reste_en_francais(compte):
    s = _ouvrir(compte, None)
    assert s.question_text == "Mes dossiers"
    page = _sans_faute(s, "fr")
    assert "## Awa Diallo" in page and "Seine\\-Saint\\-Denis \\(93\\) · État : **déposé**" in page
    assert "Modifié le 3 décembre 2026 à 14 h 05. Commencé le 24 novembre 2026 à 14 h 05." in page
    assert "## Dossier sans nom" in page and "Touchez « Reprendre » pour continuer un dossier" in page
    assert re.search(r">\s*Commencer un nouveau dossier</a>", page)
    s.next(action="supprimer", arguments={"dossier": "cle-vide"})
    assert "Vous allez supprimer ce dossier :" in s.subquestion_text
    s.answer("oui")
    assert "Le dossier « Dossier sans nom » a été supprimé." in s.subquestion_text
    # a name typed as HTML and as a template's field: literal in the message, never read
    s.next(action="supprimer", arguments={"dossier": "cle-moussa"})
    s.answer("oui")
    assert "Le dossier « Moussa &lt;b&gt;Keita&lt;/b&gt; \\{titre\\} » a été supprimé." in s.subquestion_text


def test_une_langue_forgee_dans_le_compte_laisse_le_francais(compte):
    s = _ouvrir(compte, "ar<script>")
    assert s.question_text == "Mes dossiers"
    _sans_faute(s, "fr")


def test_la_langue_se_change_depuis_la_liste(compte):
    s = _ouvrir(compte, None)
    s.next(action="changer_de_langue", arguments={"langue": "ar"})
    assert s.question_text == traduction("ar", "Mes dossiers")
    assert da.USER_PROFILES[compte["theid"]]["language"] == "ar"   # kept in the account
    _sans_faute(s, "ar")
