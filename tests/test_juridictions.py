"""Département → authority, address and tribunal, for all 104 rows of the reference table (101
départements, Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin)."""

import csv
from pathlib import Path

import pytest

from docassemble.rdvrefere.juridictions import JuridictionInconnue, juridiction, toutes_les_juridictions

REFERENCE = Path(__file__).resolve().parents[1] / "docassemble" / "rdvrefere" / "departements.csv"


def test_all_104_rows_are_covered():
    lignes = list(csv.DictReader(REFERENCE.open(encoding="utf-8")))
    assert len(lignes) == len(toutes_les_juridictions()) == 104
    for ligne in lignes:
        trouve = juridiction(ligne["code"])
        assert trouve.autorite == ligne["autorite"]
        assert trouve.tribunal == f"Tribunal administratif de {ligne['tribunal']}"
        assert trouve.adresse == ligne["adresse"]
        assert not trouve.prefecture.startswith("la représentant")


@pytest.mark.parametrize("code, autorite, tribunal", [
    ("75", "préfet de police", "Tribunal administratif de Paris"),
    ("93", "préfet de la Seine-Saint-Denis", "Tribunal administratif de Montreuil"),
    (1, "préfet de l'Ain", "Tribunal administratif de Lyon"),
    ("2a", "préfet de la Corse-du-Sud", "Tribunal administratif de Bastia"),
    ("971", "préfet de la Guadeloupe", "Tribunal administratif de la Guadeloupe"),
    # CESEDA D. 441-2, R. 442-3, R. 443-3; CJA R. 221-1 and R. 221-3 (sources in departements.csv)
    ("975", "préfet de Saint-Pierre-et-Miquelon", "Tribunal administratif de Saint-Pierre-et-Miquelon"),
    ("977", "représentant de l'État dans les collectivités de Saint-Barthélemy et de Saint-Martin",
     "Tribunal administratif de Saint-Barthélemy"),
    ("978", "représentant de l'État dans les collectivités de Saint-Barthélemy et de Saint-Martin",
     "Tribunal administratif de Saint-Martin"),
])
def test_known_codes(code, autorite, tribunal):
    assert (juridiction(code).autorite, juridiction(code).tribunal) == (autorite, tribunal)


@pytest.mark.parametrize("code, debut, ordonnance", [
    ("986", "Wallis-et-Futuna (986) n'est pas couvert :", "n° 2000-371 du 26 avril 2000"),
    ("987", "La Polynésie française (987) n'est pas couverte :", "n° 2000-372 du 26 avril 2000"),
    ("988", "La Nouvelle-Calédonie (988) n'est pas couverte :", "n° 2002-388 du 20 mars 2002"),
])
def test_collectivities_outside_ceseda_are_not_covered(code, debut, ordonnance):
    with pytest.raises(JuridictionInconnue) as exc:
        juridiction(code)
    assert str(exc.value).startswith(debut) and ordonnance in str(exc.value)


def test_prefecture_names():
    assert juridiction("93").prefecture == "la préfecture de la Seine-Saint-Denis"
    assert juridiction("75").prefecture == "la préfecture de police"
    assert juridiction("975").prefecture == "la préfecture de Saint-Pierre-et-Miquelon"
    assert juridiction("977").prefecture == juridiction("978").prefecture == \
        "la préfecture de Saint-Barthélemy et de Saint-Martin"
    assert [j.code for j in toutes_les_juridictions() if j.collectivite] == ["975", "977", "978"]
