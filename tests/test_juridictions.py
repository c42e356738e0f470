"""Département → authority and tribunal, for all 101 rows of the reference table."""

import csv
from pathlib import Path

import pytest

from docassemble.rdvrefere.juridictions import JuridictionInconnue, juridiction, toutes_les_juridictions

REFERENCE = Path(__file__).resolve().parents[1] / "docassemble" / "rdvrefere" / "departements.csv"


def test_all_101_departements_are_covered():
    lignes = list(csv.DictReader(REFERENCE.open(encoding="utf-8")))
    assert len(lignes) == len(toutes_les_juridictions()) == 101
    for ligne in lignes:
        trouve = juridiction(ligne["code"])
        assert trouve.autorite == ligne["autorite"]
        assert trouve.tribunal == f"Tribunal administratif de {ligne['tribunal']}"


@pytest.mark.parametrize("code, autorite, tribunal", [
    ("75", "préfet de police", "Tribunal administratif de Paris"),
    ("93", "préfet de la Seine-Saint-Denis", "Tribunal administratif de Montreuil"),
    (1, "préfet de l'Ain", "Tribunal administratif de Lyon"),
    ("2a", "préfet de la Corse-du-Sud", "Tribunal administratif de Bastia"),
    ("971", "préfet de la Guadeloupe", "Tribunal administratif de la Guadeloupe"),
])
def test_known_codes(code, autorite, tribunal):
    assert (juridiction(code).autorite, juridiction(code).tribunal) == (autorite, tribunal)


@pytest.mark.parametrize("code", ["975", "977", "978", "986", "987", "988"])
def test_overseas_collectivities_are_not_covered(code):
    with pytest.raises(JuridictionInconnue, match="n'est pas couvert"):
        juridiction(code)
