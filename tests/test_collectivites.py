"""Issue 9, points 11 and 13: the overseas collectivities where CESEDA applies (975, 977, 978) are
covered, the three where it does not (986, 987, 988) are refused in correct French, and the CONTRE
block carries the préfecture's address when departements.csv has a sourced one. Real DOCX read
back with python-docx, the installed `rdvrefere` command, the interview through its harness."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document

import daharness as da
from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import numeroter
from docassemble.rdvrefere.requete import docx_requete
from dossiers import AUJOURD_HUI, donnees

RDVREFERE = str(Path(sys.executable).parent / "rdvrefere")
TABLE = Path(__file__).resolve().parents[1] / "docassemble" / "rdvrefere" / "departements.csv"
REPRESENTANT = "représentant de l'État dans les collectivités de Saint-Barthélemy et de Saint-Martin"


def lancer(*arguments):
    return subprocess.run([RDVREFERE, *map(str, arguments)], capture_output=True, text=True, timeout=300)


def paragraphes(tmp_path: Path, data: dict) -> list[str]:
    dossier = dossier_depuis_donnees(data, tmp_path)
    chemin = docx_requete(dossier, numeroter(dossier), tmp_path / "sortie" / "requete.docx", aujourd_hui=AUJOURD_HUI)
    return [p.text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "")
            for p in Document(chemin).paragraphs]


def bloc_contre(lignes: list[str]) -> list[str]:
    debut = lignes.index("CONTRE :")
    fin = lignes.index("Défendeur", debut)
    return [l for l in lignes[debut + 1:fin] if l.strip()]


COLLECTIVITES = [
    # code, applicant's address, CONTRE line, court, « résidant … », CESEDA article that adapts book IV
    ("975", "3 rue du Général Leclerc, 97500 Saint-Pierre", "Le préfet de Saint-Pierre-et-Miquelon",
     "Tribunal administratif de Saint-Pierre-et-Miquelon", "résidant à Saint-Pierre-et-Miquelon", "D. 441-2"),
    ("977", "Rue de la République, 97133 Gustavia", "Le " + REPRESENTANT,
     "Tribunal administratif de Saint-Barthélemy", "résidant à Saint-Barthélemy", "R. 442-3"),
    ("978", "Rue de Hollande, 97150 Marigot", "Le " + REPRESENTANT,
     "Tribunal administratif de Saint-Martin", "résidant à Saint-Martin", "R. 443-3"),
]


@pytest.mark.parametrize("code, adresse, contre, tribunal, residence, article", COLLECTIVITES)
def test_collectivite_couverte_check_puis_requete(tmp_path, code, adresse, contre, tribunal, residence, article):
    data = donnees(tmp_path, departement=code)
    data["requerant"]["adresse"] = adresse
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    resultat = lancer("check", chemin, "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert not any(p["chemin"] == "departement" for p in json.loads(resultat.stdout))

    lignes = paragraphes(tmp_path, data)
    texte = "\n".join(lignes)
    tribunal_min = tribunal[0].lower() + tribunal[1:]
    assert lignes[0] == tribunal.upper()
    assert f"À Madame ou Monsieur le président du {tribunal_min}, juge des référés" in texte
    assert bloc_contre(lignes)[0] == contre
    # competence: the adaptation of book IV and the court's area, not a « département »
    assert f"{residence}" in texte and f"l'autorité compétente est {contre[0].lower() + contre[1:]}" in texte
    assert (f"les références au préfet sont remplacées par la référence au représentant de l'État dans la "
            f"collectivité (article {article} du même code)") in texte
    assert f"Le ressort du {tribunal_min} est {residence.removeprefix('résidant à ')} (article R. 221-3" in texte
    assert "dans le département de Saint" not in texte and "dans le département du représentant" not in texte
    assert f"demande au juge des référés du {tribunal_min} :" in texte
    assert "préfecture délégué" not in texte and "la représentant" not in texte


def test_saint_martin_prefecture_et_injonction(tmp_path):
    data = donnees(tmp_path, departement="978",
                   demarches=[{"date": "2026-10-16", "nature": "courriel", "description": "demande de rendez-vous",
                               "fichiers": ["lrar.pdf"]}])
    texte = "\n".join(paragraphes(tmp_path, data))
    assert "à la préfecture de Saint-Barthélemy et de Saint-Martin" in texte
    assert f"d'enjoindre au {REPRESENTANT} de lui fixer un rendez-vous" in texte


@pytest.mark.parametrize("code, message", [
    ("986", "Wallis-et-Futuna (986) n'est pas couvert : le séjour des étrangers n'y relève pas du code de l'entrée "
            "et du séjour des étrangers et du droit d'asile (CESEDA) mais de l'ordonnance n° 2000-371"),
    ("987", "La Polynésie française (987) n'est pas couverte : le séjour des étrangers n'y relève pas du code de "
            "l'entrée et du séjour des étrangers et du droit d'asile (CESEDA) mais de l'ordonnance n° 2000-372"),
    ("988", "La Nouvelle-Calédonie (988) n'est pas couverte : le séjour des étrangers n'y relève pas du code de "
            "l'entrée et du séjour des étrangers et du droit d'asile (CESEDA) mais de l'ordonnance n° 2002-388"),
])
def test_collectivite_non_couverte_refusee_par_tribunal_et_check(tmp_path, code, message):
    resultat = lancer("tribunal", code)
    assert resultat.returncode == 1 and message in resultat.stderr and not resultat.stdout
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(donnees(tmp_path, departement=code), allow_unicode=True), encoding="utf-8")
    resultat = lancer("check", chemin, "--date", AUJOURD_HUI)
    assert resultat.returncode == 1, resultat.stdout + resultat.stderr
    assert message in resultat.stdout + resultat.stderr
    assert "Traceback" not in resultat.stderr


def test_code_inconnu_nomme_les_codes_couverts():
    resultat = lancer("tribunal", "979")
    assert resultat.returncode == 1
    assert "« 979 » n'est pas un code de département connu (01 à 95, 2A, 2B, 971 à 978)." in resultat.stderr


# --- point 13: the préfecture's address in CONTRE ------------------------------------------

def test_adresse_du_defendeur_quand_elle_est_sourcee(tmp_path):
    lignes = paragraphes(tmp_path, donnees(tmp_path))       # 93
    assert bloc_contre(lignes) == ["Le préfet de la Seine-Saint-Denis", "1 esplanade Jean Moulin, 93007 Bobigny Cedex"]


def test_paris_adresse_de_la_prefecture_de_police(tmp_path):
    lignes = paragraphes(tmp_path, donnees(tmp_path, departement="75"))
    assert bloc_contre(lignes) == ["Le préfet de police", "1 bis rue de Lutèce, 75004 Paris"]


def test_sans_adresse_sourcee_la_designation_seule(tmp_path):
    lignes = paragraphes(tmp_path, donnees(tmp_path, departement="01"))
    debut = lignes.index("CONTRE :")
    assert lignes[debut + 1:debut + 3] == ["Le préfet de l'Ain", "Défendeur"]
    assert "{{" not in "\n".join(lignes) and "{%" not in "\n".join(lignes)


def test_toute_adresse_a_sa_source():
    lignes = list(csv.DictReader(TABLE.open(encoding="utf-8")))
    assert len(lignes) == 104
    avec_adresse = [l for l in lignes if l["adresse"].strip()]
    assert {l["code"] for l in avec_adresse} >= {"75", "93", "975"}
    for ligne in avec_adresse:
        assert "Adresse :" in ligne["sources"] and "www." in ligne["sources"], ligne["code"]
    for code in ("975", "977", "978"):
        (ligne,) = [l for l in lignes if l["code"] == code]
        assert "CESEDA" in ligne["sources"] and "R. 221-3" in ligne["sources"]


# --- the interview ---------------------------------------------------------------------------

def ecran_du_departement():
    """A new client session on « Où habitez-vous ? » (past the welcome screen, whatever it is)."""
    s = da.start("rdvrefere.yml", user={"email": "cliente@example.org"})
    for _ in range(3):
        if s.question_text == "Où habitez-vous ?":
            return s
        s.answer()
    raise AssertionError(f"écran du département introuvable : {s.question_text!r}")


def test_entretien_propose_et_accepte_les_trois_collectivites():
    s = ecran_du_departement()
    choix = s.eval("choix_departements()")
    codes = [next(iter(c)) for c in choix]
    assert len(codes) == len(set(codes)) == 107 and codes[-3:] == ["986", "987", "988"]
    for code, nom in (("975", "Saint-Pierre-et-Miquelon"), ("977", "Saint-Barthélemy"), ("978", "Saint-Martin")):
        assert {code: f"{code} — {nom}"} in choix
    assert {"988": "988 — La Nouvelle-Calédonie"} in choix
    s.answer({"client.departement": "978"})
    assert s.question_text == "Avez-vous reçu une décision de la préfecture ?"


def test_entretien_refuse_la_polynesie_avec_sa_raison():
    s = ecran_du_departement()
    s.answer({"client.departement": "987"})
    assert s.question_text == "Ce service ne couvre pas votre lieu de résidence"
    assert "La Polynésie française \\(987\\) n'est pas couverte" in s.subquestion_text
    assert "372 du 26 avril 2000" in s.subquestion_text and "Saint-Martin" not in s.subquestion_text
