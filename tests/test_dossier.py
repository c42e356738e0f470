"""The dossier loader: YAML as its author meant it, and every problem in French at once."""

import datetime as dt
import json

import pytest

from docassemble.rdvrefere.dossier import DossierIllisible, DossierInvalide, dossier_depuis_donnees, lire_dossier
from dossiers import BASE, donnees


def ecrire(tmp_path, texte, nom="dossier.yml"):
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


YAML_A_LA_MAIN = """
requerant:
  nom: Diallo
  prenoms: Awa
  sexe: F
  date_naissance: 1990-04-12
  lieu_naissance: Bamako
  nationalite: malienne
  adresse: 12 rue des Lilas, 93100 Montreuil
  telephone: 0612345678
  courriel: awa@example.org
departement: 01
demande: {nature: renouvellement, titre: salarié}
blocage: {type: aucun_creneau, plateforme: site}
tentatives:
  - {date: 2026-10-05, heure: 14:30, constat: rien, fichiers: [c1.png]}
  - {date: 07/10/2026, heure: 9:05, constat: rien, fichiers: [c2.png]}
  - {date: 2026-10-14, heure: 08:15, constat: rien, fichiers: [c3.png]}
  - {date: 2026-10-21, heure: 11h40, constat: rien, fichiers: [c4.png]}
conclusions: {aide_juridictionnelle_provisoire: oui}
"""


def test_hand_written_yaml_keeps_times_dates_phone_and_code(tmp_path):
    donnees(tmp_path)  # writes the files
    dossier = lire_dossier(ecrire(tmp_path, YAML_A_LA_MAIN))
    heures = [t.heure for t in dossier.tentatives]
    assert heures == [dt.time(14, 30), dt.time(9, 5), dt.time(8, 15), dt.time(11, 40)]
    assert dossier.tentatives[0].date == dt.date(2026, 10, 5)
    assert dossier.tentatives[1].date == dt.date(2026, 10, 7)
    assert dossier.requerant.telephone == "0612345678"
    assert dossier.departement == "01"
    assert dossier.conclusions.aide_juridictionnelle_provisoire is True
    assert dossier.tentatives[0].fichiers[0] == (tmp_path / "c1.png").resolve()


def test_json_dossier_loads_with_paths_relative_to_it(tmp_path):
    data = donnees(tmp_path / "d")
    chemin = ecrire(tmp_path / "d", json.dumps(data), "dossier.json")
    dossier = lire_dossier(chemin)
    assert dossier.pieces[0].fichiers[0].name == "passeport.pdf"
    assert dossier.conclusions.delai_jours == 15


def test_every_problem_is_reported_at_once_with_its_path(tmp_path):
    data = donnees(tmp_path)
    data["requerant"].pop("nom")
    data["requerant"]["sexe"] = "X"
    data["tentatives"][1]["heure"] = "25:99"
    data["tentatives"][2]["date"] = "2026-02-30"
    data["tentatives"][3]["fichiers"] = ["absente.png"]
    data["demarches"][0]["nature"] = "fax"
    data["conclusions"] = {"delai_jours": 0, "astreinte": 50}
    with pytest.raises(DossierInvalide) as exc:
        dossier_depuis_donnees(data, tmp_path)
    messages = {p.chemin: p.message for p in exc.value.problemes}
    assert messages["requerant.nom"] == "champ obligatoire manquant"
    assert "« X » non reconnue" in messages["requerant.sexe"]
    assert "heure « 25:99 » illisible" in messages["tentatives[2].heure"]
    assert "date « 2026-02-30 »" in messages["tentatives[3].date"]
    assert messages["tentatives[4].fichiers[1]"] == "fichier introuvable : absente.png"
    assert "« fax » non reconnue" in messages["demarches[1].nature"]
    assert messages["conclusions.delai_jours"] == "doit être au moins 1"
    assert messages["conclusions.astreinte"].startswith("champ inconnu")
    assert len(exc.value.problemes) == 8


@pytest.mark.parametrize("code, message", [
    ("986", "Wallis-et-Futuna (986) n'est pas couvert : le séjour des étrangers n'y relève pas du code"),
    ("20", "indiquez 2A (Corse-du-Sud) ou 2B"),
    ("99", "« 99 » n'est pas un code de département connu"),
])
def test_departements_not_covered_get_a_specific_message(tmp_path, code, message):
    with pytest.raises(DossierInvalide) as exc:
        dossier_depuis_donnees(donnees(tmp_path, departement=code), tmp_path)
    assert message in str(exc.value)


def test_circumstances_may_be_plain_sentences(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path, urgence={"circonstances": ["Je vais perdre mon emploi."]}), tmp_path)
    assert dossier.urgence.circonstances[0].texte == "Je vais perdre mon emploi."
    assert dossier.urgence.circonstances[0].fichiers == []


@pytest.mark.parametrize("texte, attendu", [
    ("", "n'est pas un YAML ou JSON valide"),
    ("requerant: [\n", "n'est pas un YAML ou JSON valide"),
    ("- juste\n- une liste\n", "doit être un ensemble de champs"),
])
def test_unreadable_dossiers(tmp_path, texte, attendu):
    if texte == "":
        (tmp_path / "dossier.yml").write_bytes(b"\xff\xfe\x00")
        attendu = "n'est pas un texte UTF-8"
    else:
        ecrire(tmp_path, texte)
    with pytest.raises(DossierIllisible) as exc:
        lire_dossier(tmp_path / "dossier.yml")
    assert attendu in str(exc.value)


def test_missing_dossier_file(tmp_path):
    with pytest.raises(DossierIllisible, match="introuvable"):
        lire_dossier(tmp_path / "nulle-part.yml")


def test_base_case_is_valid(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path), tmp_path)
    assert dossier.requerant.nom_complet == "Awa DIALLO"
    assert len(dossier.tous_les_fichiers()) == len(BASE["tentatives"]) + 4
