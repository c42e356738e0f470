"""The interview after the ordonnance (rdv_ordonnance.yml), headless (tests/daharness.py): the paths
test_ordonnance_e2e.py does not walk (it takes « injonction, préfet silent » in Chromium). Each
screen's text is compared with what the core says (ordonnance.py: `conseils_rejet`, `etat_a_la_date`),
computed here from the same answers as plain data, never with copied sentences.

The register of dossiers transmis is the harness's SQLite one (`rdvrefere registre:` in its
configuration), so finding the référé dossier and sending each version to the team run for real.
What the harness cannot do (HarnessHookMissing), left to the browser test: the background
assembly of the demande d'exécution (`background_action`, Celery), the reminder by mail (the
harness's configuration has no `mail:`, so `rappel_possible` is False and the screen is never
asked), the form's own checks (min/max, required, the upload's `validation code`)."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from pathlib import Path

import pytest

import daharness as da
import dossiers as exemples
from docassemble.rdvrefere.dates import date_longue, jour_et_date
from docassemble.rdvrefere.dossier import DossierInvalide
from docassemble.rdvrefere.ordonnance import MOTIFS_REJET, conseils_rejet, etat_a_la_date, ordonnance_depuis_donnees

ORDONNANCE_YML = "rdv_ordonnance.yml"
AUJOURD_HUI = dt.date.today()   # the interview's date_du_jour()
NUMERO = "2612345"
HOSTILE = "${ 7*7 } <script>alert(1)</script> **gras**"
# no article of a code, no case number on a client's screen
REFERENCES = re.compile(r"\b[LRD]\. ?\d|\barticle\b|\bCJA\b|\bCESEDA\b|n° ?\d{5,}|\b\d{6}\b", re.IGNORECASE)
# words of docassemble's English or of a Python value leaking onto a French screen (not « court »: French too)
ANGLAIS = re.compile(r"\b(the|and|your|you|judge|appointment|deadline|none|true|false|error|"
                     r"undefined|traceback|continue|delete|submit|back)\b", re.IGNORECASE)
_utilisateurs = itertools.count(7301)


def _jour(jours: int) -> dt.datetime:
    """A date field's answer (docassemble gives a datetime), `jours` from today."""
    return dt.datetime.combine(AUJOURD_HUI + dt.timedelta(days=jours), dt.time())


def _registre(s):
    return s.eval("__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).registre()")


def session(requerant: dict | None = None):
    """A signed-in client (a user of its own) whose référé dossier is in the team's register,
    opening the interview with that session's key, on the welcome screen."""
    theid = next(_utilisateurs)
    cle = f"refere-ordo-{theid}"
    s = da.start(ORDONNANCE_YML, user={"email": f"ordo{theid}@example.org", "theid": theid}, url_args={"refere": cle})
    assert s.question_text == "Nous ne trouvons pas votre dossier", s.screen()   # nothing transmitted yet
    donnees = {"requerant": {**exemples.BASE["requerant"], **(requerant or {})}, "departement": "93",
               "demande": {"nature": "renouvellement", "titre": "carte de séjour « salarié »"}}
    transmis, _ = _registre(s).transmettre(theid, cle, donnees)
    s.next()
    assert s.question_text == "Après la décision du juge", s.screen()
    s.theid, s.cle, s.statut = theid, cle, transmis.statut
    return s


def texte(s) -> str:
    """What the client reads: the title and the subquestion through docassemble's Markdown, tags
    dropped, entities decoded, spaces folded (the escaped Markdown of texte_sur becomes plain)."""
    rendu = s.eval("__import__('docassemble.base.util', fromlist=['x']).markdown_to_html("
                   f"{s.subquestion_text or ''!r})")
    visible = html.unescape(re.sub(r"<[^>]+>", " ", rendu)).replace("’", "'")
    return " ".join(f"{s.question_text} {visible}".split())


def _plat(ligne: str) -> str:
    return " ".join(ligne.split())


class Parcours:
    """Answers the interview screen by screen from a plan {variable sought: answer} (None: a
    continue button), the ordonnance uploaded from a real PDF. Stops at the screen named `jusqua`.
    `donnees()` is the same answers as the core's plain data, to ask the core what it says."""

    def __init__(self, racine: Path, **changements):
        self.ordonnance = exemples.pdf(racine / "ordonnance.pdf", (f"ORDONNANCE N° {NUMERO}",))
        self.plan = {
            "suite.accueil_vu": None,
            "suite.ordonnance_pdf": "upload",
            "suite.issue": "injonction",
            "suite.numero": {"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-30),
                             "suite.date_notification": _jour(-29)},
            "suite.forme_delai": {"suite.forme_delai": "jours", "suite.delai_jours": 15,
                                  "suite.point_de_depart": "notification", "suite.delai_rdv_jours": None},
            "suite.avec_astreinte": {"suite.avec_astreinte": True, "suite.astreinte_euros": 100,
                                     "suite.astreinte_debut": None},
            "suite.motif_rejet": "autre",
            "suite.rendez_vous_donne": {"suite.rendez_vous_donne": False},
        }
        self.plan.update(changements)
        self.vus: list[str] = []

    def jusqua(self, s, titre: str, limite: int = 20):
        for _ in range(limite):
            if titre in (s.question_text or ""):
                return s
            self.un_pas(s)
        raise AssertionError(f"never reached « {titre} »; last: {s.screen()}")

    def un_pas(self, s) -> None:
        """One screen answered from the plan."""
        cherche = s.sought or ""
        self.vus.append(s.question_text)
        if cherche == "suite.ordonnance_pdf":
            s.upload(cherche, self.ordonnance)
            s.answer({})
        elif cherche in self.plan:
            valeur = self.plan[cherche]
            s.answer() if valeur is None else s.answer(valeur)
        else:
            raise AssertionError(f"unexpected screen: {s.screen()}")

    def donnees(self) -> dict:
        """The answers as the core's data (ordonnance.py), built here, not by the glue."""
        reponses = {k.removeprefix("suite."): v for cle in self.plan.values() if isinstance(cle, dict)
                    for k, v in cle.items()}
        issue = self.plan["suite.issue"]
        ordonnance = {"numero": reponses["numero"], "date": reponses["date_ordonnance"].date(),
                      "date_notification": reponses["date_notification"].date(), "issue": issue}
        if issue == "injonction":
            ordonnance["delai_jours"] = reponses["delai_jours"]
            if reponses.get("avec_astreinte"):
                ordonnance["astreinte"] = {"montant_euros": reponses["astreinte_euros"]}
        if issue == "rejet":
            ordonnance["motif_rejet"] = self.plan["suite.motif_rejet"]
        suivi = {"rendez_vous_le": reponses["rendez_vous_le"].date()} if reponses.get("rendez_vous_donne") else {}
        return {"requerant": exemples.BASE["requerant"], "departement": "93", "ordonnance": ordonnance, "suivi": suivi}

    def etat(self):
        return etat_a_la_date(ordonnance_depuis_donnees(self.donnees()), AUJOURD_HUI)


def _sans_references_ni_anglais(visible: str) -> None:
    assert not REFERENCES.search(visible), REFERENCES.search(visible)
    assert not ANGLAIS.search(visible), ANGLAIS.search(visible)


# --- 1. rejection: one screen per ground -------------------------------------------------------

def test_the_grounds_offered_are_the_cores(tmp_path):
    s = session()
    Parcours(tmp_path, **{"suite.issue": "rejet"}).jusqua(s, "Pourquoi le juge a-t-il rejeté la demande ?")
    assert [valeur for valeur, _ in s.buttons] == list(MOTIFS_REJET)
    _sans_references_ni_anglais(texte(s) + " " + " ".join(libelle for _, libelle in s.buttons))


@pytest.mark.parametrize("motif", list(MOTIFS_REJET))
def test_rejection_says_what_to_do_for_each_ground(tmp_path, motif):
    s = session()
    parcours = Parcours(tmp_path, **{"suite.issue": "rejet", "suite.motif_rejet": motif})
    parcours.jusqua(s, "Que faire maintenant ?")
    assert "Le délai donné au préfet" not in parcours.vus and "Y a-t-il une astreinte ?" not in parcours.vus
    assert "La préfecture vous a-t-elle donné un rendez-vous ?" not in parcours.vus   # only for an injonction
    visible = texte(s)
    for ligne in conseils_rejet(motif):
        assert _plat(ligne) in visible, (ligne, visible)
    etat = parcours.etat()
    assert etat.code == "rejet"
    assert _plat(etat.titre[:1].upper() + etat.titre[1:]) in visible
    for ligne in etat.lignes:   # the advice, then the one recourse (Conseil d'État) while it is open
        assert _plat(ligne) in visible, (ligne, visible)
    _sans_references_ni_anglais(visible)
    assert NUMERO not in visible
    # nothing to send to the préfet, no appointment to note: only « modify my answers »
    assert "La lettre au préfet" not in visible and "La demande au tribunal" not in visible
    assert "J'ai reçu un rendez-vous" not in visible and "Modifier mes réponses sur l'ordonnance" in visible
    # the team got the answers (never a status)
    transmis = _registre(s).du_client(s.theid, s.cle)
    assert transmis.ordonnance.donnees["ordonnance"]["motif_rejet"] == motif
    assert transmis.statut == s.statut


# --- 2. non-lieu ----------------------------------------------------------------------------------

def test_non_lieu_says_what_the_core_says(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, **{"suite.issue": "non_lieu"})
    parcours.jusqua(s, "Que faire maintenant ?")
    assert "Pourquoi le juge a-t-il rejeté la demande ?" not in parcours.vus
    etat = parcours.etat()
    assert etat.code == "non_lieu" and s.eval("suite.etat().code") == "non_lieu"
    visible = texte(s)
    assert _plat(etat.titre[:1].upper() + etat.titre[1:]) in visible
    for ligne in etat.lignes:
        assert _plat(ligne) in visible, (ligne, visible)
    assert "La lettre au préfet" not in visible and "J'ai reçu un rendez-vous" not in visible
    assert "Conseil d'État" not in visible          # the recourse is offered after a rejection only
    _sans_references_ni_anglais(visible)


# --- 3. injonction with astreinte, the appointment came ------------------------------------------

@pytest.mark.parametrize("recu, en_retard", [(-20, False), (-5, True)])
def test_injonction_with_astreinte_and_appointment_given(tmp_path, recu, en_retard):
    """Délai of 15 days from a notification 29 days ago: the préfet's last day was 14 days ago. The
    convocation came 20 days ago (in time) or 5 days ago (late: the core says the judge may still
    refuse the astreinte)."""
    s = session()
    parcours = Parcours(tmp_path, **{"suite.rendez_vous_donne": {"suite.rendez_vous_donne": True,
                                                                 "suite.rendez_vous_le": _jour(recu)}})
    parcours.jusqua(s, "La préfecture vous a-t-elle donné un rendez-vous ?")
    # the date asked is the day the convocation came, the one the core compares with the délai
    assert [f["label"] for f in s.field_info if f["variable"] == "suite.rendez_vous_le"] == [
        "Date où vous avez reçu la convocation"]
    parcours.jusqua(s, "Que faire maintenant ?")
    etat = parcours.etat()
    assert etat.code == "executee" and s.eval("suite.etat().code") == "executee"
    visible = texte(s)
    assert "Rendez-vous donné." in visible
    for ligne in etat.lignes:
        assert _plat(ligne) in visible, (ligne, visible)
    assert ("en retard" in visible) is en_retard
    # the dates, from the core's deadlines
    limite = etat.echeances.date_limite_prefet
    assert limite == AUJOURD_HUI - dt.timedelta(days=14)
    assert jour_et_date(limite) in visible
    # no letter, no demande: the préfet complied
    assert s.eval("suite.action_possible()") is False
    assert "La lettre au préfet" not in visible and "La demande au tribunal" not in visible
    assert "J'ai reçu un rendez-vous" in visible         # the appointment can be changed
    _sans_references_ni_anglais(visible)


def test_injonction_without_appointment_offers_the_letter(tmp_path):
    """The counterpart (the browser test's path), to show the check above can fail."""
    s = session()
    parcours = Parcours(tmp_path)
    parcours.jusqua(s, "Que faire maintenant ?")
    assert parcours.etat().code == "courrier_au_prefet"
    visible = texte(s)
    assert "La lettre au préfet" in visible and "La demande au tribunal" in visible
    for ligne in parcours.etat().lignes:
        assert _plat(ligne) in visible, (ligne, visible)


# --- 4. an answer the core refuses -----------------------------------------------------------------

def test_notification_before_the_ordonnance_is_named_and_nothing_is_lost(tmp_path):
    s = session()
    dates = {"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-30), "suite.date_notification": _jour(-31)}
    parcours = Parcours(tmp_path, **{"suite.numero": dates})
    parcours.jusqua(s, "Une réponse ne va pas")
    assert "La préfecture vous a-t-elle donné un rendez-vous ?" not in parcours.vus   # stopped before
    with pytest.raises(DossierInvalide) as refus:
        ordonnance_depuis_donnees(parcours.donnees())
    visible = texte(s)
    for probleme in refus.value.problemes:   # the core's French message, with the field's name
        assert _plat(probleme.message) in visible, (probleme.message, visible)
    assert "L'ordonnance : la date de notification" in visible
    assert date_longue(_jour(-31).date()) in visible and date_longue(_jour(-30).date()) in visible
    assert "Corriger mes réponses" in visible
    _sans_references_ni_anglais(visible)
    assert "ordonnance.date_notification" not in visible and "ordonnance_fr" not in visible   # no core path/code
    # the answers are all still there
    assert s.eval("suite.numero") == NUMERO and s.eval("suite.delai_jours") == 15
    assert s.eval("suite.astreinte_euros") == 100 and s.eval("len(suite.ordonnance_pdf)") == 1

    # « Corriger mes réponses »: each screen comes back filled with the answers given
    s.next(action="modifier_ordonnance")
    assert s.question_text == "Qu'a décidé le juge ?" and list(s.status.defaults.values()) == ["injonction"]
    s.answer("injonction")
    assert s.question_text == "Le numéro et les dates de l'ordonnance"
    assert list(s.status.defaults.values()) == [NUMERO, _jour(-30), _jour(-31)]
    s.answer({"suite.numero": NUMERO, "suite.date_ordonnance": _jour(-30), "suite.date_notification": _jour(-29)})
    assert s.question_text == "Le délai donné au préfet"
    assert list(s.status.defaults.values())[:3] == ["jours", 15, "notification"]
    s.answer({"suite.forme_delai": "jours", "suite.delai_jours": 15, "suite.point_de_depart": "notification"})
    assert s.question_text == "Y a-t-il une astreinte ?"
    assert list(s.status.defaults.values())[:2] == [True, 100]
    s.answer({"suite.avec_astreinte": True, "suite.astreinte_euros": 100})
    # the ordonnance (the file) is not asked again
    assert s.question_text == "La préfecture vous a-t-elle donné un rendez-vous ?", s.screen()
    s.answer({"suite.rendez_vous_donne": False})
    assert s.question_text == "Que faire maintenant ?"
    assert "Délai dépassé : écrire au préfet." in texte(s)


def test_a_forged_delai_of_zero_days_is_named_in_french(tmp_path):
    """The form's `min: 1` is the browser's; a forged POST of 0 reaches the core, which refuses it,
    named by the screen's own words."""
    s = session()
    parcours = Parcours(tmp_path, **{"suite.forme_delai": {"suite.forme_delai": "jours", "suite.delai_jours": 0,
                                                           "suite.point_de_depart": "notification"}})
    parcours.jusqua(s, "Une réponse ne va pas")
    visible = texte(s)
    with pytest.raises(DossierInvalide) as refus:
        ordonnance_depuis_donnees(parcours.donnees())
    assert [p.chemin for p in refus.value.problemes] == ["ordonnance.delai_jours"]
    assert f"Délai du préfet : {_plat(refus.value.problemes[0].message)}" in visible
    assert "delai_jours" not in visible
    _sans_references_ni_anglais(visible)


# --- 5. the client's words are shown, never run -----------------------------------------------------

def _literal(s, visible: str) -> None:
    rendu = s.eval("__import__('docassemble.base.util', fromlist=['x']).markdown_to_html("
                   f"{s.subquestion_text!r})")
    assert "<script" not in rendu and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendu
    assert "${ 7*7 } <script>alert(1)</script> **gras**" in visible      # as typed, bold markers included
    assert "49" not in visible.replace(HOSTILE, "")


def test_client_text_is_shown_literally(tmp_path):
    """The name (typed in the référé, from the register) on the welcome screen; the number of the
    ordonnance (shown on no screen) and a proof's words, on the proofs' table and on the demande's
    screen. The demande itself is built in the background (Celery): the harness stops there."""
    s = session(requerant={"nom": f"Diallo {HOSTILE}"})
    _literal(s, texte(s))
    parcours = Parcours(tmp_path, **{"suite.numero": {"suite.numero": f"{NUMERO} {HOSTILE}",
                                                      "suite.date_ordonnance": _jour(-30),
                                                      "suite.date_notification": _jour(-29)},
                                     "suite.avec_astreinte": {"suite.avec_astreinte": False}})
    parcours.jusqua(s, "Que faire maintenant ?")
    assert "49" not in texte(s) and "<script" not in s.subquestion_text
    assert s.eval("suite.numero") == f"{NUMERO} {HOSTILE}"   # kept as typed, for the letter

    s.next(action="preparer_demande")
    assert s.question_text == "Avez-vous des preuves que rien n'est venu ?"
    s.answer(True)
    assert s.question_text == "Preuve n° 1"
    s.upload("suite.constats[0].fichiers", exemples.capture(tmp_path / "capture.png"))
    s.answer({"suite.constats[0].date": _jour(-3), "suite.constats[0].heure": dt.time(9, 14),
              "suite.constats[0].constat": f"Aucun créneau {HOSTILE}"})
    assert s.question_text == "Avez-vous une autre preuve ?"
    _literal(s, texte(s))
    s.answer(False)
    assert s.question_text == "La demande au tribunal"
    _literal(s, texte(s))
    # the team's copy holds the words as typed (the requête quotes them; test_ordonnance_e2e opens it)
    transmis = _registre(s).du_client(s.theid, s.cle)
    assert transmis.ordonnance.donnees["ordonnance"]["numero"] == f"{NUMERO} {HOSTILE}"
    # « Préparer le dossier » starts the background task: a server hook the harness lacks
    with pytest.raises(da.HarnessHookMissing, match="celery"):
        s.answer()
