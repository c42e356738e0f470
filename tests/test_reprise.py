"""Resuming from the last version sent to the team, headless (tests/daharness.py).

Client sessions are encrypted with a key docassemble derives from the password: after a password
reset the old session cannot be opened. The register keeps every version the client sent; a new
session of the same user offers to reload the latest one and goes straight to the review."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path

import pytest

import daharness as da
from test_interview import Parcours

REVUE = "Vérifiez votre dossier"
REPRISE = "Reprendre votre dossier ?"
PREMIER_ECRAN = "Où habitez-vous ?"


def demarrer(yaml: str, **kwargs):
    """A new session, its welcome screen acknowledged (it comes before the resume offer)."""
    s = da.start(yaml, **kwargs)
    assert s.question_text == "Bienvenue", s.screen()
    s.answer()
    return s
REGISTRE = "__import__('docassemble.rdvrefere.registre_serveur', fromlist=['registre']).registre()"
NOM_HOSTILE = "Diallo *gras* [BR] ${ 7*7 } <b>x</b>"


def _utilisateur(theid: int) -> dict:
    return {"email": f"client{theid}@example.org", "theid": theid}


def _elements(donnees: dict) -> list[dict]:
    """The elements that carry files, in the core's order."""
    return (donnees["tentatives"] + donnees["demarches"] + donnees["pieces"]
            + donnees["urgence"]["circonstances"])


def _sans_fichiers(donnees: dict) -> dict:
    from docassemble.rdvrefere.transmission import vers_json  # noqa: PLC0415
    resultat = copy.deepcopy(vers_json(donnees))
    for element in _elements(resultat):
        del element["fichiers"]
    return resultat


def _sha256(chemin: str) -> str:
    return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()


PLANS = {
    "renouvellement": {"autres_pieces": [("Certificat de scolarité", "contrat.pdf")],
                       "client.requerant.nom": {"client.requerant.nom": NOM_HOSTILE, "client.requerant.prenoms": "Awa",
                                                "client.requerant.sexe": "F"}},
    "premiere_demande_oqtf": {
        "client.decision_existante": True,
        "client.decisions": {"client.decisions": {"refus": True, "oqtf": True, "refus_rdv": False, "autre": False}},
        "client.date_decision": "ancienne", "client.oqtf_compris": True,
        # the OQTF's date and outcome go back and forth with the rest (issue 9 point 2)
        "client.oqtf_date": {"client.oqtf_date": dt.datetime(2024, 3, 1), "client.oqtf_recours": "rejete"},
        "client.nature_demande": "premiere_demande", "client.type_blocage": "categorie_absente",
        "client.titre": {"client.titre": "carte de séjour « vie privée et familiale »"},
        "demarches": [], "circonstances": [("Promesse d'embauche qui expire.", None)],
        "client.piece_sejour": None, "client.piece_domicile": "contrat.pdf",
        "client.aide_juridictionnelle_provisoire": False,
        "client.delai_jours": {"client.delai_jours": 10, "client.delai_rdv_jours": 30, "client.astreinte_euros": 0,
                               "client.frais_affranchissement": 35, "client.lieu_signature": "Saint-Denis"},
    },
}


@pytest.mark.parametrize("plan, theid", [("renouvellement", 61), ("premiere_demande_oqtf", 62)])
def test_une_nouvelle_session_recharge_la_derniere_version_envoyee(tmp_path, plan, theid):
    # session A: the whole interview, sent to the team, then a second version
    a = demarrer("rdvrefere.yml", user=_utilisateur(theid))
    Parcours(tmp_path / "a", **PLANS[plan]).jusqua(a, REVUE)
    assert a.eval("client.transmission_reussie()") is True
    a.run("client.tentatives[0].constat = 'Version 2 : plus aucune plage horaire'")
    assert a.eval("client.transmettre()") is True
    registre = a.eval(REGISTRE)
    dossier_a = registre.du_client(theid, a.session_id)
    envoi = dossier_a.envoi
    assert envoi.numero == 2
    assert a.eval("client.dossier_a_reprendre()") is None  # A's own session: nothing to offer

    # session B of the same user (e.g. after a password reset): offered before the first question
    b = demarrer("rdvrefere.yml", user=_utilisateur(theid))
    assert b.question_text == REPRISE, b.screen()
    assert b.buttons == [("reprendre", "Recharger mon dossier envoyé"), ("vide", "Commencer un dossier vide")]
    texte = b.subquestion_text
    date = envoi.recu_le
    assert f"le {date.day if date.day > 1 else '1er'} " in texte and str(date.year) in texte
    assert "mot de passe" in texte
    if plan == "renouvellement":  # the name typed by the client is shown escaped, never interpreted
        assert b.eval(f"texte_sur({'Awa ' + NOM_HOSTILE!r})") in texte and "${ 7*7 }" not in texte
        assert "<b>" not in texte and "[BR]" not in texte
    b.answer("reprendre")
    # the client comes back: the journey plan first (issue 11 point 1), one screen, then the review
    assert b.question_text == "Où en êtes-vous ?", b.screen()
    b.answer()
    assert b.question_text == REVUE, b.screen()
    assert "Bloquant" not in b.subquestion_text

    # the same answers as A's last version
    donnees_b = b.eval("client.donnees()")
    assert _sans_fichiers(donnees_b) == _sans_fichiers(envoi.donnees)
    assert donnees_b["tentatives"][0]["constat"].startswith("Version 2")
    assert donnees_b["urgence"]["oqtf_non_executee"] is (plan == "premiere_demande_oqtf")
    # each file: the same bytes, the same name, a new file of B's own session
    chemins_a = {p for e in _elements(a.eval("client.donnees()")) for p in e["fichiers"]}
    for element_b, element_a in zip(_elements(donnees_b), _elements(envoi.donnees), strict=True):
        assert [_sha256(c) for c in element_b["fichiers"]] == [f["sha256"] for f in element_a["fichiers"]]
        assert not set(element_b["fichiers"]) & chemins_a
    noms = b.eval("[f.filename for f in client.tentatives[0].captures]")
    assert noms == [f["nom"] for f in envoi.donnees["tentatives"][0]["fichiers"]]
    numero = b.eval("client.tentatives[0].captures[0].number")
    assert b.eval(f"__import__('docassemble.base.hooks', fromlist=['x']).file_number_finder({numero}, "
                  f"uids=[{b.session_id!r}], privileged=False)")["fullpath"]
    assert b.eval("client.tentatives[0].captures[0].private") is True
    # editing a screen without choosing the file again keeps the reloaded file (as for an upload)
    assert "Déjà joint : c1\\.png" in b.eval('deja_joint("client.tentatives[0].captures")')
    assert b.eval('garder_televersement("client.tentatives[0].captures", None)[0].number') == numero

    # B's transmission: a dossier of B's session, with exactly A's last version
    assert b.eval("client.transmission_reussie()") is True, b.get("client.refus_de_transmission")
    dossier_b = registre.du_client(theid, b.session_id)
    assert dossier_b.id != dossier_a.id and [e.numero for e in dossier_b.envois] == [1]
    assert dossier_b.envoi.donnees == envoi.donnees and dossier_b.envoi.empreinte == envoi.empreinte
    assert [e.numero for e in registre.lire(dossier_a.id).envois] == [1, 2]  # A's dossier untouched
    assert b.eval("client.repris_de") == {"dossier": dossier_a.id, "envoi": 2}


def test_commencer_un_dossier_vide_ou_un_autre_utilisateur(tmp_path):
    a = demarrer("rdvrefere.yml", user=_utilisateur(71))
    Parcours(tmp_path / "a").jusqua(a, REVUE)
    assert a.eval("client.transmission_reussie()") is True
    dossier_a = a.eval(REGISTRE).du_client(71, a.session_id)

    # another user is never offered A's dossier, nor can a forged offer load it
    autre = demarrer("rdvrefere.yml", user=_utilisateur(72))
    assert autre.question_text == PREMIER_ECRAN and autre.get("client.reprise", "absent") is None
    offre = {"dossier": dossier_a.id, "envoi": 1, "nom": "", "quand": ""}
    assert autre.eval(f"client.reprendre_le_dossier_transmis({offre!r})") is False
    assert autre.eval("client.sans_reponses()") is True
    # nor is anyone who is not signed in
    assert demarrer("rdvrefere.yml").question_text == PREMIER_ECRAN

    # the same user may start an empty dossier: the first question, nothing answered
    b = demarrer("rdvrefere.yml", user=_utilisateur(71))
    assert b.question_text == REPRISE
    b.answer("vide")
    assert b.question_text == PREMIER_ECRAN and b.eval("client.sans_reponses()") is True
    b.answer({"client.departement": "75"})
    assert b.question_text == "Avez-vous reçu une décision de la préfecture ?"  # not offered again
    assert b.eval("client.dossier_a_reprendre()") is None  # answers given: nothing to offer


def test_sans_dossier_envoye_l_entretien_commence_comme_avant(tmp_path):
    s = demarrer("rdvrefere.yml", user=_utilisateur(81))
    assert s.question_text == PREMIER_ECRAN and s.get("client.reprise", "absent") is None
    parcours = Parcours(tmp_path)
    parcours.jusqua(s, REVUE)
    assert REPRISE not in parcours.vus
    assert parcours.vus[:5] == [PREMIER_ECRAN, "Avez-vous reçu une décision de la préfecture ?",
                                "Est-ce que l'une de ces situations vous concerne ?", "Où en êtes-vous ?",
                                "Que demandez-vous à la préfecture ?"]


def test_reprendre_depuis_sans_registre_remplit_une_session_vierge(tmp_path):
    """`reprendre_depuis(donnees, lire)` alone: the inverse of `donnees_transmises()`, with the
    bytes read by any function (here a dict)."""
    a = demarrer("rdvrefere.yml", user=_utilisateur(91))
    Parcours(tmp_path / "a", autres_pieces=[("Acte de naissance", "passeport.pdf")]).jusqua(a, REVUE)
    donnees, chemins = a.eval("client.donnees_transmises()")
    octets = {sha: Path(chemin).read_bytes() for sha, chemin in chemins.items()}
    lus = []

    def lire(sha: str) -> bytes:
        lus.append(sha)
        return octets[sha]

    b = demarrer("rdvrefere.yml", user=_utilisateur(92))
    b.user_dict["_lire_test"] = lire
    b.run("client.reprendre_depuis(" + repr(donnees) + ", _lire_test)\ndel _lire_test")
    assert sorted(set(lus)) == sorted(octets) and len(lus) == len(octets)  # each content read once
    assert b.eval("client.donnees_transmises()")[0] == donnees
    assert b.eval("(client.tentatives.gathered, client.tentatives.there_is_another, client.autres_pieces.there_are_any)") \
        == (True, False, True)
    assert b.eval("client.piece_domicile") is None and b.eval("client.decision_existante") is False
    assert isinstance(b.eval("client.tentatives[0].heure"), dt.time)
    assert b.eval("jour(client.requerant.date_naissance)") == dt.date(1990, 4, 12)
    b.next()
    assert b.question_text == "Où en êtes-vous ?", b.screen()  # the journey plan (issue 11 point 1)
    b.answer()
    assert b.question_text == REVUE, b.screen()
