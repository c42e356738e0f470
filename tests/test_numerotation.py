"""The one function that numbers the pièces, and the names it derives."""

import re

import pytest

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import LONGUEUR_MAX_NOM, libelle_ascii, nom_de_fichier, numeroter, piece_de
from dossiers import donnees, pdf


@pytest.fixture
def dossier(tmp_path):
    return dossier_depuis_donnees(donnees(tmp_path), tmp_path)


def test_order_acte_attaque_then_identity_situation_attempts_demarches_urgency_others(dossier):
    pieces = numeroter(dossier)
    assert [p.numero for p in pieces] == list(range(1, len(pieces) + 1))
    assert [p.categorie for p in pieces] == ["demarche", "identite", "sejour", "tentatives", "tentatives",
                                              "tentatives", "urgence"]


def test_attempts_of_one_week_form_one_serie_with_an_index(dossier):
    pieces = numeroter(dossier)
    semaine = pieces[3]
    assert semaine.sources == ("tentatives[1]", "tentatives[2]")
    assert semaine.libelle == "Captures d'écran des tentatives de la semaine du 5 octobre 2026"
    assert [e.description.split(" :")[0] for e in semaine.serie] == [
        "Tentative du lundi 5 octobre 2026 à 9 h 00", "Tentative du mercredi 7 octobre 2026 à 14 h 30"]
    assert pieces[4].serie == () and pieces[4].libelle.startswith("Capture d'écran de la tentative du 14 octobre")
    assert piece_de(pieces, "tentatives[2]").numero == 4 and piece_de(pieces, "tentatives[4]").numero == 6


def test_one_piece_per_attempt_on_request(dossier):
    pieces = numeroter(dossier, regroupement="tentative")
    assert [p.sources for p in pieces if p.categorie == "tentatives"] == [
        ("tentatives[1]",), ("tentatives[2]",), ("tentatives[3]",), ("tentatives[4]",)]


def test_derived_names_agree(dossier):
    for piece in numeroter(dossier):
        assert piece.nom_fichier.startswith(f"{piece.numero:02d}_")
        assert piece.tampon == f"Pièce n° {piece.numero}" and piece.reference == f"pièce n° {piece.numero}"
        assert piece.nom_telerecours + ".pdf" == piece.nom_fichier


def test_the_registered_letter_goes_in_the_acte_attaque_slot_as_piece_1(tmp_path):
    demarches = [{"date": "2026-10-10", "nature": "courriel", "description": "d", "fichiers": ["lrar.pdf"]},
                 {"date": "2026-10-20", "nature": "lrar", "description": "d", "fichiers": ["lrar.pdf"]}]
    pieces = numeroter(dossier_depuis_donnees(donnees(tmp_path, demarches=demarches), tmp_path))
    (acte,) = [p for p in pieces if p.acte_attaque]
    assert acte.numero == 1 and acte.sources == ("demarches[2]",) and acte.libelle.startswith("Lettre recommandée")
    assert [p.sources for p in pieces if p.categorie == "demarche"] == [("demarches[2]",), ("demarches[1]",)]


def test_without_demarche_the_first_attempts_prove_the_absence_of_decision(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path, demarches=[]), tmp_path)
    pieces = numeroter(dossier)
    (acte,) = [p for p in pieces if p.acte_attaque]
    assert acte.numero == 1 and acte.sources == ("tentatives[1]", "tentatives[2]")
    assert [p.categorie for p in pieces][1:3] == ["identite", "sejour"]


def test_a_piece_without_categorie_is_numbered_from_its_label(tmp_path):
    # issue 9, point 9: no more silent « autre » at the end for a passport or an invoice
    pdf(tmp_path / "facture.pdf", ("Facture",))
    data = donnees(tmp_path, pieces=[{"libelle": "Quittance de loyer", "fichiers": ["facture.pdf"]},
                                     {"libelle": "Attestation de l'employeur", "fichiers": ["contrat.pdf"]},
                                     {"libelle": "Récépissé", "categorie": "autre", "fichiers": ["titre.pdf"]},
                                     {"libelle": "Passeport", "fichiers": ["passeport.pdf"]}])
    pieces = numeroter(dossier_depuis_donnees(data, tmp_path))
    assert [(p.categorie, p.libelle) for p in pieces[1:4]] == [
        ("identite", "Passeport"), ("sejour", "Récépissé"), ("domicile", "Quittance de loyer")]
    assert (pieces[-1].categorie, pieces[-1].libelle) == ("autre", "Attestation de l'employeur")


def test_reordering_renumbers_everything(dossier):
    dossier.pieces.reverse()
    dossier.pieces[0].categorie = "identite"
    dossier.pieces[1].categorie = "autre"
    dossier.pieces[1].libelle = "Lettre de soutien"  # « autre » and a label that names no catégorie: last
    pieces = numeroter(dossier)
    assert pieces[1].libelle == "Titre de séjour" and pieces[-1].libelle == "Lettre de soutien"
    assert pieces[-1].nom_fichier.startswith(f"{len(pieces):02d}_")


@pytest.mark.parametrize("libelle, attendu", [
    ("Capture d'écran du 1er août", "07_Capture_d_ecran_du_1er_aout.pdf"),
    ("Bulletins 50 % & 3/4 du cœur. Fin.", "07_Bulletins_50_3_4_du_coeur_Fin.pdf"),
    ("  ", "07_Piece.pdf"),
])
def test_file_names_are_plain_ascii(libelle, attendu):
    assert nom_de_fichier(7, libelle) == attendu


def test_long_labels_are_cut_at_a_word_within_80_characters():
    libelle = "Attestation " + "très longue " * 20
    nom = nom_de_fichier(12, libelle)
    assert len(nom.removesuffix(".pdf")) <= LONGUEUR_MAX_NOM
    assert re.fullmatch(r"12_[A-Za-z0-9_-]+\.pdf", nom) and not nom.endswith("_.pdf")
    coupe = nom.removesuffix(".pdf")[3:]
    entier = libelle_ascii(libelle)
    assert entier.startswith(coupe) and entier[len(coupe)] == "_"  # a whole word was kept
    assert nom_de_fichier(3, "Attestation_" + "x" * 200).startswith("03_Attestation_xxx")
