"""Late renewals (issue 9, point 1): the attempts' dates against the titre's expiry and the window
of CESEDA R. 431-5. The requête never says the renewal could not be filed before expiry when the
first attempt came after it; `check` warns; the interview asks why, only then."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import numeroter
from docassemble.rdvrefere.renouvellement import fenetre_r431_5, situation_du_renouvellement
from docassemble.rdvrefere.requete import docx_requete
from dossiers import AUJOURD_HUI, donnees

RDVREFERE = str(Path(sys.executable).parent / "rdvrefere")
FAUSSE_PHRASE = "n'a pas pu déposer sa demande de renouvellement avant l'expiration de son titre"
MOTIF = "J'étais hospitalisée à Bobigny de mai à septembre, je ne pouvais pas faire de démarches."
# expiry 15 June 2026, first attempt 28 September 2026, then three more weeks of attempts
TARDIF = {
    "demande": {"nature": "renouvellement", "titre": "carte de séjour « salarié »", "date_expiration": "2026-06-15"},
    "tentatives": [
        {"date": d, "heure": "09:00", "constat": "aucun créneau", "fichiers": [f"c{i}.png"]}
        for i, d in enumerate(("2026-09-28", "2026-10-05", "2026-10-14", "2026-10-21"), 1)],
}


def texte_requete(tmp_path: Path, data: dict) -> str:
    """The requête's DOCX, read back: paragraphs, without break opportunities, NBSP as spaces."""
    dossier = dossier_depuis_donnees(data, tmp_path)
    chemin = docx_requete(dossier, numeroter(dossier), tmp_path / "sortie" / "Requete.docx", aujourd_hui=AUJOURD_HUI)
    lignes = [p.text for p in Document(chemin).paragraphs]
    return "\n".join(lignes).replace("\u200b", "").replace("\u00a0", " ")


def check_json(tmp_path: Path, data: dict) -> tuple[int, list[dict]]:
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    resultat = subprocess.run([RDVREFERE, "check", str(chemin), "--date", str(AUJOURD_HUI), "--json"],
                              capture_output=True, text=True, timeout=300)
    return resultat.returncode, json.loads(resultat.stdout)


# --- the rule ---------------------------------------------------------------------------------

def test_fenetre_r431_5():
    # « entre le cent-vingtième jour et le soixantième jour qui précède l'expiration » (ANEF list)
    assert fenetre_r431_5(dt.date(2026, 6, 15), anef=True).debut == dt.date(2026, 2, 15)
    assert fenetre_r431_5(dt.date(2026, 6, 15), anef=True).fin == dt.date(2026, 4, 16)
    # « dans le courant des deux mois précédant l'expiration » (other titres)
    autre = fenetre_r431_5(dt.date(2026, 6, 15), anef=False)
    assert (autre.debut, autre.fin) == (dt.date(2026, 4, 15), dt.date(2026, 6, 15))
    assert fenetre_r431_5(dt.date(2026, 4, 30), anef=False).debut == dt.date(2026, 2, 28)


@pytest.mark.parametrize("premiere, anef, situation", [
    (dt.date(2026, 9, 28), False, "apres_expiration"),
    (dt.date(2026, 6, 16), False, "apres_expiration"),
    (dt.date(2026, 6, 15), False, "dans_les_delais"),     # the last day of validity is before expiry
    (dt.date(2026, 3, 1), False, "dans_les_delais"),      # earlier than the window: not late
    (dt.date(2026, 5, 20), True, "apres_le_delai"),       # ANEF: after the 60th day before expiry
    (dt.date(2026, 4, 16), True, "dans_les_delais"),
])
def test_situation_du_renouvellement(premiere, anef, situation):
    s = situation_du_renouvellement("renouvellement", dt.date(2026, 6, 15), [premiere + dt.timedelta(days=10), premiere],
                                    anef=anef)
    assert s.situation == situation and s.premiere_tentative == premiere
    assert s.tardif == (situation != "dans_les_delais")


def test_sans_objet_sans_date_ou_pour_une_premiere_demande():
    assert situation_du_renouvellement("renouvellement", None, [dt.date(2026, 9, 28)], anef=False).situation == "sans_objet"
    assert situation_du_renouvellement("premiere_demande", dt.date(2026, 6, 15), [dt.date(2026, 9, 28)],
                                       anef=False).situation == "sans_objet"
    assert situation_du_renouvellement("renouvellement", dt.date(2026, 6, 15), [], anef=False).situation == "sans_objet"


# --- the requête --------------------------------------------------------------------------------

def test_renouvellement_tardif_la_requete_dit_les_dates_et_cite_le_motif(tmp_path):
    data = donnees(tmp_path, **TARDIF)
    texte = texte_requete(tmp_path, data)
    assert FAUSSE_PHRASE not in texte
    assert ("la requérante n'a entrepris ses démarches en vue de ce renouvellement qu'à compter du 28 septembre "
            "2026, après l'expiration de son titre, le 15 juin 2026.") in texte.lower()
    assert "Depuis lors, faute de rendez-vous, elle n'a pas pu déposer sa demande de renouvellement" in texte
    assert "s'en explique ainsi" not in texte        # no reason given: none invented

    data["demande"]["motif_retard"] = MOTIF
    texte = texte_requete(tmp_path, data)
    assert FAUSSE_PHRASE not in texte
    assert ("Elle s'en explique ainsi, selon ses propres termes : « J'étais hospitalisée à Bobigny de mai à "
            "septembre, je ne pouvais pas faire de démarches ».") in texte


def test_renouvellement_dans_les_delais_garde_la_phrase(tmp_path):
    # expired 10 October 2026, first attempt 5 October: the sentence is true
    data = donnees(tmp_path, demande={"nature": "renouvellement", "titre": "carte « salarié »",
                                      "date_expiration": "2026-10-10", "motif_retard": "sans objet"})
    texte = texte_requete(tmp_path, data)
    assert f"Faute de rendez-vous, la requérante {FAUSSE_PHRASE}" in texte
    assert "qu'à compter du" not in texte and "s'en explique ainsi" not in texte


def test_anef_apres_le_soixantieme_jour_ne_dit_pas_la_phrase(tmp_path):
    data = donnees(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"},
                   demande={"nature": "renouvellement", "titre": "carte « salarié »", "date_expiration": "2026-10-20"})
    data["demarches"].append({"date": "2026-10-20", "nature": "contact_anef", "description": "ticket",
                              "fichiers": ["titre.pdf"]})
    texte = texte_requete(tmp_path, data)
    assert FAUSSE_PHRASE not in texte
    assert "qu'à compter du 5 octobre 2026, quinze jours avant l'expiration de son titre, le 20 octobre 2026." in texte


# --- check ------------------------------------------------------------------------------------

def test_check_avertit_d_un_renouvellement_tardif(tmp_path):
    data = donnees(tmp_path, **TARDIF)
    code, problemes = check_json(tmp_path, data)
    assert code == 0, problemes
    (probleme,) = [p for p in problemes if p["chemin"] == "demande.date_expiration"]
    assert probleme["gravite"] == "avertissement"
    message = probleme["message"]
    assert "15 juin 2026" in message and "28 septembre 2026" in message
    assert "dans les deux mois avant la fin du titre, ici du 15 avril 2026 au 15 juin 2026" in message
    assert "l'urgence vient de votre propre retard" in message
    assert "indiquez pourquoi" in message

    data["demande"]["motif_retard"] = MOTIF
    _, problemes = check_json(tmp_path, data)
    (probleme,) = [p for p in problemes if p["chemin"] == "demande.date_expiration"]
    assert "cite la raison que vous avez donnée" in probleme["message"]


def test_check_ne_dit_rien_d_un_renouvellement_a_temps(tmp_path):
    _, problemes = check_json(tmp_path, donnees(tmp_path))
    assert not [p for p in problemes if p["chemin"] == "demande.date_expiration"]


# --- the interview ------------------------------------------------------------------------------

QUESTION = "Pourquoi vos démarches ont-elles commencé tard ?"


def test_entretien_demande_le_motif_seulement_pour_un_renouvellement_tardif(tmp_path):
    from test_interview import Parcours, session  # noqa: PLC0415 - the headless interview (docassemble)

    s = session()
    parcours = Parcours(tmp_path / "a_temps")
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert QUESTION not in parcours.vus
    assert "motif_retard" not in s.eval("client.donnees()['demande']")

    s = session()
    parcours = Parcours(tmp_path / "tardif", **{
        "client.titre": {"client.titre": "carte de séjour « salarié »",
                         "client.date_expiration": dt.datetime(2026, 6, 15)},
        "tentatives": [(dt.datetime(2026, 9, 28), dt.time(9, 0)), (dt.datetime(2026, 10, 5), dt.time(9, 0)),
                       (dt.datetime(2026, 10, 14), dt.time(10, 0)), (dt.datetime(2026, 10, 21), dt.time(11, 0))],
        "client.motif_retard": {"client.motif_retard": MOTIF},
    })
    parcours.jusqua(s, QUESTION)
    assert "15 juin 2026" in s.subquestion_text and "28 septembre 2026" in s.subquestion_text
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert s.eval("client.donnees()['demande']['motif_retard']") == MOTIF
    assert "Date d'expiration du titre : votre titre de séjour a expiré le 15 juin 2026" in s.subquestion_text
    chemin = tmp_path / "Requete.docx"
    s.eval(f"__import__('docassemble.rdvrefere.requete', fromlist=['docx_requete'])"
           f".docx_requete(client.dossier(), client.pieces(), {str(chemin)!r})")
    texte = "\n".join(p.text for p in Document(chemin).paragraphs).replace("\u200b", "").replace("\u00a0", " ")
    assert FAUSSE_PHRASE not in texte
    assert f"Elle s'en explique ainsi, selon ses propres termes : « {MOTIF.rstrip('.')} »." in texte


def test_le_motif_revient_quand_la_session_reprend_le_dossier_envoye(tmp_path):
    import daharness as da  # noqa: PLC0415
    from test_interview import Parcours  # noqa: PLC0415

    a = da.start("rdvrefere.yml", user={"email": "client95@example.org", "theid": 95})
    Parcours(tmp_path / "a", **{
        "client.titre": {"client.titre": "carte de séjour « salarié »",
                         "client.date_expiration": dt.datetime(2026, 6, 15)},
        "tentatives": [(dt.datetime(2026, 9, 28), dt.time(9, 0)), (dt.datetime(2026, 10, 14), dt.time(10, 0)),
                       (dt.datetime(2026, 10, 21), dt.time(11, 0))],
        "client.motif_retard": {"client.motif_retard": MOTIF},
    }).jusqua(a, "Vérifiez votre dossier")
    donnees, chemins = a.eval("client.donnees_transmises()")
    assert donnees["demande"]["motif_retard"] == MOTIF
    octets = {sha: Path(chemin).read_bytes() for sha, chemin in chemins.items()}

    b = da.start("rdvrefere.yml", user={"email": "client96@example.org", "theid": 96})
    b.answer()  # the welcome screen, acknowledged before anything else (issue 14 point 2)
    b.user_dict["_lire_test"] = octets.__getitem__
    b.run("client.reprendre_depuis(" + repr(donnees) + ", _lire_test)\ndel _lire_test")
    assert b.eval("client.donnees_transmises()")[0] == donnees
    b.next()
    assert b.question_text == "Où en êtes-vous ?", b.screen()  # the journey plan, on the day's first visit
    b.answer()
    assert b.question_text == "Vérifiez votre dossier", b.screen()   # the reason is not asked again
