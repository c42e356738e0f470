"""Issue 9, points 9, 16 and 17: every pièce is numbered with its kind and cited where it proves
something; `check` says what is missing; pièce n° 1 is a whole série; labels, duplicates, nested
parentheses and times in the attempts table. Requêtes are rendered to real DOCX and read back."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import (MOTS_PENDANTS, categorie_de_piece, couper_au_mot, libelle_ascii,
                                                nom_de_fichier, numeroter, piece_de)
from docassemble.rdvrefere.requete import docx_requete
from docassemble.rdvrefere.transmission import identite_d_element, identite_de_piece
from docassemble.rdvrefere.verification import verifier, verifier_pieces
from dossiers import AUJOURD_HUI, donnees, pdf

RDVREFERE = str(Path(sys.executable).parent / "rdvrefere")


def paragraphes(chemin: Path) -> list[str]:
    """Body paragraphs and table cells, zero-width and no-break spaces normalised."""
    document = Document(chemin)
    textes = [p.text for p in document.paragraphs]
    for table in document.tables:
        textes += [c.text for ligne in table.rows for c in ligne.cells]
    return [t.replace("\u200b", "").replace("\u00a0", " ").replace("\u202f", " ") for t in textes]


def rendre(tmp_path: Path, data: dict, **options):
    dossier = dossier_depuis_donnees(data, tmp_path)
    pieces = numeroter(dossier, **options)
    chemin = docx_requete(dossier, pieces, tmp_path / "sortie" / "requete.docx", aujourd_hui=AUJOURD_HUI)
    return dossier, pieces, chemin, paragraphes(chemin)


def le_paragraphe(textes: list[str], debut: str) -> str:
    (trouve,) = [t for t in textes if debut in t]
    return trouve


def sans_categorie(tmp_path: Path) -> dict:
    """The base dossier whose pièces carry no catégorie: a passport, the current titre, an invoice."""
    data = donnees(tmp_path)
    pdf(tmp_path / "facture.pdf", ("Facture EDF",))
    data["pieces"] = [
        {"libelle": "Facture d’électricité (EDF) de septembre 2026", "fichiers": ["facture.pdf"]},
        {"libelle": "Contrat de travail", "fichiers": ["contrat.pdf"]},
        {"libelle": "PASSEPORT, pages d'identité", "fichiers": ["passeport.pdf"]},
        {"libelle": "Carte de séjour pluriannuelle en cours de validité", "categorie": "autre",
         "fichiers": ["titre.pdf"]},
    ]
    return data


# --- point 9: classification ---------------------------------------------------------------

@pytest.mark.parametrize("libelle, categorie", [
    ("Passeport", "identite"), ("PASSEPORT malien", "identite"), ("Carte nationale d'identité", "identite"),
    ("Extrait d'acte de naissance", "identite"), ("Titre de séjour actuel (recto et verso)", "sejour"),
    ("Carte de resident", "sejour"), ("Récépissé de demande de titre", "sejour"), ("Recepisse", "sejour"),
    ("Visa long séjour", "sejour"), ("APS de six mois", "sejour"), ("Attestation de prolongation d'instruction", "sejour"),
    ("Facture Free", "domicile"), ("Quittance de loyer d'octobre", "domicile"), ("Bail", "domicile"),
    ("Attestation d’hébergement", "domicile"), ("Attestation de domiciliation (CCAS)", "domicile"),
    ("Passeport avec visa", "identite"), ("Visa long séjour (copie du passeport)", "sejour"),
    ("Contrat de travail", "autre"), ("Titre de propriété", "autre"), ("Avis d'imposition 2025", "autre"),
    ("Bulletins de paie", "autre"), ("Photos de famille", "autre"),
])
def test_la_categorie_se_deduit_du_libelle(libelle, categorie):
    assert categorie_de_piece(libelle) == categorie
    assert categorie_de_piece(libelle, "autre") == categorie   # « autre » is no choice: the label decides


def test_une_categorie_donnee_l_emporte_sur_le_libelle():
    assert categorie_de_piece("Visa", "identite") == "identite"
    assert categorie_de_piece("Contrat de travail", "domicile") == "domicile"


def test_les_pieces_sans_categorie_sont_numerotees_avec_leur_nature(tmp_path):
    dossier = dossier_depuis_donnees(sans_categorie(tmp_path), tmp_path)
    pieces = numeroter(dossier)
    assert [(p.categorie, p.sources) for p in pieces[:4]] == [
        ("demarche", ("demarches[1]",)), ("identite", ("pieces[3]",)), ("sejour", ("pieces[4]",)),
        ("domicile", ("pieces[1]",))]
    assert pieces[-1].categorie == "autre" and pieces[-1].libelle == "Contrat de travail"
    assert not [p for p in verifier_pieces(dossier) if "aucun" in p.message or "recto verso" in p.message]


def test_passeport_titre_et_domicile_sans_categorie_sont_cites_la_ou_ils_prouvent(tmp_path):
    _, pieces, _, textes = rendre(tmp_path, sans_categorie(tmp_path))
    passeport, titre, facture = (piece_de(pieces, f"pieces[{i}]") for i in (3, 4, 1))
    assert (passeport.numero, titre.numero, facture.numero) == (2, 3, 4)
    # identity and address: the situation paragraph
    assert ("Madame Awa DIALLO, née le 12 avril 1990 à Bamako (Mali), de nationalité malienne (pièce n° 2), "
            "demeure 12 rue des Lilas, 93100 Montreuil (pièce n° 4).") in textes
    # the current titre, where the renewal is stated, and where the presumption of urgency relies on it
    assert "Elle est titulaire d'un titre de séjour (carte de séjour « salarié ») valable jusqu'au 15 décembre " \
           "2026 (pièce n° 3), dont elle doit solliciter le renouvellement." in textes
    presomption = [t for t in textes if "urgence" in t and "en principe" in t and "renouvellement" in t]
    assert presomption and all("(pièce n° 3)" in t for t in presomption)
    # the proof of address, where the préfet's authority and the court's competence are stated (R. 431-20)
    assert ("La requérante résidant dans le département de la Seine-Saint-Denis (pièce n° 4), l'autorité "
            "compétente est le préfet de la Seine-Saint-Denis") in le_paragraphe(textes, "résidant dans le département")


def test_a_paris_le_justificatif_de_domicile_est_cite_pour_le_prefet_de_police(tmp_path):
    data = sans_categorie(tmp_path)
    data["departement"] = "75"
    data["requerant"]["adresse"] = "5 rue de Rivoli, 75004 Paris"
    _, pieces, _, textes = rendre(tmp_path, data)
    facture = piece_de(pieces, "pieces[1]")
    assert (f"La requérante résidant à Paris ({facture.reference}), l'autorité compétente est le préfet de police"
            in le_paragraphe(textes, "résidant à Paris"))


def test_l_identite_d_une_piece_pour_le_personnel_suit_la_numerotation(tmp_path):
    # staff corrections find a pièce by « catégorie:sha256 »: the category must be the numbering's
    element = {"libelle": "Passeport", "fichiers": [{"sha256": "abc"}]}
    dossier = dossier_depuis_donnees(sans_categorie(tmp_path), tmp_path)
    passeport = piece_de(numeroter(dossier), "pieces[3]")
    assert identite_d_element("pieces", element) == identite_de_piece(["abc"], passeport.categorie) == "identite:abc"


# --- point 9: what check says ------------------------------------------------------------

def test_check_avertit_sans_identite_ni_domicile_ni_titre_actuel(tmp_path):
    data = donnees(tmp_path)
    data["pieces"] = [{"libelle": "Contrat de travail", "fichiers": ["contrat.pdf"]}]
    problemes = [p for p in verifier(dossier_depuis_donnees(data, tmp_path), aujourd_hui=AUJOURD_HUI)
                 if p.chemin == "pieces"]
    assert {p.gravite for p in problemes} == {"avertissement"} and len(problemes) == 3
    identite, domicile, titre = problemes
    assert identite.message.startswith("aucune pièce d'identité n'est jointe (passeport")
    assert "préfet de la Seine-Saint-Denis" in domicile.message and "où vous habitez" in domicile.message
    assert "tribunal administratif de Montreuil" in domicile.message
    assert "titre de séjour actuel" in titre.message and "en principe que c'est urgent" in titre.message
    assert "453391" not in titre.message

    # a first application needs no current titre
    data["demande"] = {"nature": "premiere_demande", "titre": "carte de séjour « salarié »"}
    premiere = verifier_pieces(dossier_depuis_donnees(data, tmp_path))
    assert len(premiere) == 2 and not any("titre de séjour actuel" in p.message for p in premiere)


def test_check_en_ligne_de_commande_sort_0_avec_ces_avertissements(tmp_path):
    data = donnees(tmp_path)
    data["pieces"] = []
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    resultat = subprocess.run([RDVREFERE, "check", str(chemin), "--date", AUJOURD_HUI.isoformat()],
                              capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "AVERTISSEMENT pieces : aucune pièce d'identité n'est jointe" in resultat.stdout
    assert "AVERTISSEMENT pieces : aucun justificatif de domicile n'est joint" in resultat.stdout
    assert "AVERTISSEMENT pieces : pour un renouvellement, joignez la copie recto verso" in resultat.stdout
    assert "Dossier déposable." in resultat.stdout


# --- point 17: pièce n° 1 without démarche ---------------------------------------------------

def test_sans_demarche_la_piece_1_est_toute_la_serie_de_la_premiere_semaine(tmp_path):
    data = donnees(tmp_path, demarches=[])
    _, pieces, chemin, _ = rendre(tmp_path, data)
    premiere = pieces[0]
    assert premiere.acte_attaque and premiere.numero == 1
    assert premiere.sources == ("tentatives[1]", "tentatives[2]")            # 5 and 7 October: the whole week
    assert premiere.libelle == "Captures d'écran des tentatives de la semaine du 5 octobre 2026"
    assert len(premiere.serie) == 2 and premiere.fichiers == tuple(premiere.serie[0].fichiers + premiere.serie[1].fichiers)
    assert [p.categorie for p in pieces[1:3]] == ["identite", "sejour"]       # identity and séjour follow it
    assert all(len(p.sources) == 1 for p in pieces[3:] if p.categorie == "tentatives")
    # no attempt is in two pièces, and the table cites pièce n° 1 for both attempts of that week
    sources = [s for p in pieces for s in p.sources if s.startswith("tentatives")]
    assert sorted(sources) == [f"tentatives[{i}]" for i in range(1, 5)]
    table = Document(chemin).tables[0]
    assert [ligne.cells[3].text for ligne in table.rows[1:3]] == ["pièce n° 1", "pièce n° 1"]


def test_par_tentative_la_piece_1_est_la_premiere_tentative(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path, demarches=[]), tmp_path)
    pieces = numeroter(dossier, regroupement="tentative")
    assert pieces[0].acte_attaque and pieces[0].sources == ("tentatives[1]",) and pieces[0].serie == ()
    assert [p.categorie for p in pieces[1:3]] == ["identite", "sejour"]
    assert [p.sources for p in pieces if p.categorie == "tentatives"][1:] == [
        ("tentatives[2]",), ("tentatives[3]",), ("tentatives[4]",)]


# --- point 16: labels, duplicates, parentheses, times --------------------------------------------

LONG = ("Attestation de paiement des allocations familiales au profit des filles de la requérante et de son "
        "époux, scolarisées à Montreuil")


def test_un_libelle_coupe_ne_finit_jamais_sur_un_petit_mot(tmp_path):
    # the naive cut of this label at 77 characters ends on « …_de_la »
    assert libelle_ascii(LONG)[:78].endswith("_des_filles_de_la_")
    assert nom_de_fichier(2, LONG) == "02_Attestation_de_paiement_des_allocations_familiales_au_profit_des_filles.pdf"
    for decalage in range(0, 45):           # every cut position along the label
        nom = nom_de_fichier(2, "Piece " * (decalage // 6) + "x" * (decalage % 6) + " " + LONG)
        dernier = nom.removesuffix(".pdf").rsplit("_", 1)[-1].lower()
        assert len(nom) <= 84 and dernier not in MOTS_PENDANTS, nom
    assert couper_au_mot("Contrat de travail à durée indéterminée signé avec la société de nettoyage", 60) == \
        "Contrat de travail à durée indéterminée signé"
    assert couper_au_mot("Promesse d'embauche de la société Durand et Fils à Montreuil", 47) == \
        "Promesse d'embauche de la société Durand"


def test_deux_pieces_au_meme_libelle_sont_signalees(tmp_path):
    data = donnees(tmp_path)
    data["pieces"].append({"libelle": "passeport", "categorie": "identite", "fichiers": ["contrat.pdf"]})
    data["demarches"].append({"date": "2026-10-16", "nature": "lrar", "description": "relance",
                              "fichiers": ["contrat.pdf"]})
    dossier = dossier_depuis_donnees(data, tmp_path)
    pieces = numeroter(dossier)
    doublons = [p for p in verifier(dossier, aujourd_hui=AUJOURD_HUI, fichiers=False) if "même libellé" in p.message]
    assert all(p.gravite == "avertissement" for p in doublons) and len(doublons) == 2
    passeports = [p.numero for p in pieces if p.libelle.lower() == "passeport"]
    lettres = [p.numero for p in pieces if p.libelle.startswith("Lettre recommandée")]
    par_chemin = {p.chemin: p.message for p in doublons}
    assert par_chemin["pieces[3].libelle"].startswith(
        f"les pièces n° {passeports[0]} et {passeports[1]} portent le même libellé « Passeport »")
    assert par_chemin["demarches[2]"].startswith(
        f"les pièces n° {lettres[0]} et {lettres[1]} portent le même libellé « Lettre recommandée avec AR")


def _profondeur(texte: str) -> int:
    profondeur = maximum = 0
    for caractere in texte:
        profondeur += {"(": 1, ")": -1}.get(caractere, 0)
        maximum = max(maximum, profondeur)
    return maximum


@pytest.mark.parametrize("blocage", ["aucun_creneau", "categorie_absente", "anef"])
def test_un_titre_entre_parentheses_ne_cree_pas_de_parentheses_imbriquees(tmp_path, blocage):
    data = donnees(tmp_path)
    data["demande"]["titre"] = "carte de séjour pluriannuelle (salarié)"
    data["blocage"] = {"type": blocage, "plateforme": "site de la préfecture"}
    data["demarches"].append({"date": "2026-10-20", "nature": "contact_anef", "description": "formulaire en ligne",
                              "fichiers": ["lrar.pdf"]})
    _, _, _, textes = rendre(tmp_path, data)
    texte = "\n".join(textes)
    assert "(carte de séjour pluriannuelle, salarié)" in texte
    assert "(salarié)" not in texte
    assert [t for t in textes if _profondeur(t) > 1] == []


def test_l_heure_du_tableau_des_tentatives_ne_se_coupe_pas(tmp_path):
    data = donnees(tmp_path)
    data["tentatives"][2]["heure"] = "23:59"
    _, _, chemin, _ = rendre(tmp_path, data)
    table = Document(chemin).tables[0]
    cellules = [ligne.cells[1].text for ligne in table.rows[1:]]
    for cellule in cellules:    # « à 9 h 02 »: no-break spaces, Word cannot wrap inside the time
        assert re.search(r"à\u00a0\d{1,2}\u00a0h\u00a0\d{2}$", cellule), repr(cellule)
    assert cellules[2].endswith("à\u00a023\u00a0h\u00a059")
    # and the column (fixed layout) is wide enough for that unbreakable « à 23 h 59 » in 10 pt
    largeur = int(table._tbl.tblGrid.findall(qn("w:gridCol"))[1].get(qn("w:w")))
    assert largeur >= Cm(3).twips
