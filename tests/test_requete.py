"""The requête: context, Word rendering (read back with python-docx), PDF (pdftotext, pdffonts).

Most tests render the DOCX only (`docx_requete`, no LibreOffice); a few convert to PDF.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from docassemble.rdvrefere.dossier import dossier_depuis_donnees, lire_dossier
from docassemble.rdvrefere.numerotation import numeroter, piece_de
from docassemble.rdvrefere.problemes import Probleme
from docassemble.rdvrefere.redaction import mise_en_page, references, ville_de
from docassemble.rdvrefere.requete import (DocxIllisible, avertissements_requete, contexte_requete, docx_requete,
                                           modele, pdf_depuis_docx, rendre_requete)
from dossiers import AUJOURD_HUI, capture, donnees, pdf

RACINE = Path(__file__).resolve().parents[1]
HOSTILE = "{{ x }} {% if %} <script>alert(1)</script> & % * _"
MOT_LONG = "Z" * 300


# --- helpers ----------------------------------------------------------------------------

def lignes_docx(chemin: Path) -> list[str]:
    """Every paragraph of the body, then every table cell, then the footers; zero-width spaces
    (break opportunities in long words) removed, non-breaking spaces as spaces."""
    document = Document(chemin)
    lignes = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            lignes += [c.text for c in ligne.cells]
    for section in document.sections:
        lignes += [p.text for p in section.footer.paragraphs]
    return [_normal(l) for l in lignes]


def _normal(texte: str) -> str:
    return texte.replace("\u200b", "").replace("\u00a0", " ").replace("\u202f", " ")


def texte_docx(chemin: Path) -> str:
    return "\n".join(lignes_docx(chemin))


def rendre(tmp_path: Path, donnees_dossier: dict, *, aujourd_hui: dt.date = AUJOURD_HUI, nom: str = "requete"):
    dossier = dossier_depuis_donnees(donnees_dossier, tmp_path)
    pieces = numeroter(dossier)
    chemin = docx_requete(dossier, pieces, tmp_path / "sortie" / f"{nom}.docx", aujourd_hui=aujourd_hui)
    return dossier, pieces, chemin, texte_docx(chemin)


def tableau_tentatives(chemin: Path) -> list[list[str]]:
    table = Document(chemin).tables[0]
    return [[_normal(c.text) for c in ligne.cells] for ligne in table.rows]


def numeros_cites(texte: str) -> set[int]:
    """Every number of every « pièce n° N » / « pièces n° 4, 5 et 7 » in the text."""
    numeros: set[int] = set()
    for groupe in re.findall(r"[pP]ièces? n° ((?:\d+(?:, | et )?)+)", texte):
        numeros |= {int(n) for n in re.findall(r"\d+", groupe)}
    return numeros


def section(texte: str, debut: str, fin: str) -> str:
    return texte[texte.index(debut):texte.index(fin, texte.index(debut))]


def homme(data: dict) -> dict:
    data["requerant"].update({"nom": "Traoré", "prenoms": "Moussa", "sexe": "M", "nationalite": "ivoirienne",
                              "lieu_naissance": "Abidjan (Côte d'Ivoire)", "adresse": "3 place Bellecour, 69002 Lyon"})
    return data


# --- the example dossier: heading, parties, every section, and the PDF -------------------

def test_exemple_awa_en_pdf_avec_polices_incorporees(tmp_path):
    dossier = lire_dossier(RACINE / "examples" / "dossier-awa" / "dossier.yml")
    pieces = numeroter(dossier)
    docx, pdf_ = rendre_requete(dossier, pieces, tmp_path, aujourd_hui=AUJOURD_HUI)
    assert (docx.name, pdf_.name) == ("Requete.docx", "Requete.pdf")
    assert docx.is_file() and pdf_.read_bytes().startswith(b"%PDF")

    texte = _normal(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_), "-"], capture_output=True, text=True,
                                   check=True).stdout)
    plat = " ".join(texte.split())
    for attendu in ("TRIBUNAL ADMINISTRATIF DE MONTREUIL", "RÉFÉRÉ", "Requête en référé mesures utiles",
                    "(article L. 521-3 du code de justice administrative)",
                    "À Madame ou Monsieur le président du tribunal administratif de Montreuil, juge des référés",
                    "POUR :", "Madame Awa Mariam DIALLO", "née le 12 avril 1990 à Bamako (Mali)",
                    "numéro d'étranger : 9301234567", "CONTRE :", "Le préfet de la Seine-Saint-Denis",
                    "I. FAITS ET PROCÉDURE", "II. DISCUSSION", "PAR CES MOTIFS", "LISTE DES PIÈCES",
                    "lundi 5 octobre 2026 à 9 h 02", "mercredi 21 octobre 2026 à 11 h 40",
                    "Fait à Montreuil, le 2 novembre 2026", "CE, 9 juin 2022, n° 453391",
                    "astreinte de 100 euros par jour de retard"):
        assert attendu in plat, attendu
    for piece in pieces:
        assert f"Pièce n° {piece.numero} : {piece.libelle}" in plat
    assert numeros_cites(plat) <= {p.numero for p in pieces}

    polices = subprocess.run(["pdffonts", str(pdf_)], capture_output=True, text=True, check=True).stdout
    lignes = polices.strip().splitlines()[2:]
    assert lignes, polices
    for ligne in lignes:
        colonnes = ligne.split()
        assert colonnes[-5] == "yes", f"police non incorporée : {ligne}"  # « emb »


def test_entete_et_parties(tmp_path):
    data = donnees(tmp_path)
    data["requerant"]["numero_etranger"] = "9301234567"
    _, _, chemin, texte = rendre(tmp_path, data)
    lignes = lignes_docx(chemin)
    debut = lignes[:6]
    assert debut == ["TRIBUNAL ADMINISTRATIF DE MONTREUIL", "RÉFÉRÉ", "Requête en référé mesures utiles",
                     "(article L. 521-3 du code de justice administrative)",
                     "À Madame ou Monsieur le président du tribunal administratif de Montreuil, juge des référés",
                     "POUR :"]
    pour = section(texte, "POUR :", "CONTRE :")
    for attendu in ("Madame Awa DIALLO", "née le 12 avril 1990 à Bamako (Mali)", "de nationalité malienne",
                    "domiciliée 12 rue des Lilas, 93100 Montreuil", "téléphone : 0612345678",
                    "courriel : awa@example.org", "numéro d'étranger : 9301234567", "Requérante"):
        assert attendu in pour
    contre = section(texte, "CONTRE :", "I. FAITS")
    assert "Le préfet de la Seine-Saint-Denis" in contre and "Défendeur" in contre


def test_sans_numero_etranger_pas_de_ligne(tmp_path):
    _, _, _, texte = rendre(tmp_path, donnees(tmp_path))
    assert "numéro d'étranger" not in texte


def test_styles_word_titres_et_corps_justifie(tmp_path):
    _, _, chemin, _ = rendre(tmp_path, donnees(tmp_path))
    document = Document(chemin)
    titres = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert titres["I. FAITS ET PROCÉDURE"] == "Heading 1"
    assert titres["C. Sur l'urgence"] == "Heading 2"
    assert set(titres) >= {"II. DISCUSSION", "PAR CES MOTIFS", "LISTE DES PIÈCES", "A. Sur la compétence du juge des référés",
                           "B. Sur la recevabilité de la requête", "D. Sur l'utilité de la mesure demandée",
                           "E. Sur l'absence d'obstacle à l'exécution d'une décision administrative"}
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    assert document.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    # no Jinja left anywhere
    assert "{%" not in texte_docx(chemin) and "{{" not in texte_docx(chemin)


# --- tribunal and authority --------------------------------------------------------------

@pytest.mark.parametrize(("departement", "tribunal", "contre", "residence"), [
    ("75", "Tribunal administratif de Paris", "Le préfet de police", "résidant à Paris, l'autorité compétente est le préfet de police"),
    ("93", "Tribunal administratif de Montreuil", "Le préfet de la Seine-Saint-Denis",
     "résidant dans le département de la Seine-Saint-Denis, l'autorité compétente est le préfet de la Seine-Saint-Denis"),
    ("69", "Tribunal administratif de Lyon", "Le préfet du Rhône",
     "résidant dans le département du Rhône, l'autorité compétente est le préfet du Rhône"),
])
def test_tribunal_et_autorite_selon_le_departement(tmp_path, departement, tribunal, contre, residence):
    _, _, chemin, texte = rendre(tmp_path, donnees(tmp_path, departement=departement))
    assert lignes_docx(chemin)[0] == tribunal.upper()
    assert f"À Madame ou Monsieur le président du {tribunal[0].lower() + tribunal[1:]}, juge des référés" in texte
    assert section(texte, "CONTRE :", "I. FAITS").splitlines()[1] == contre
    assert residence in texte
    assert f"dont le siège se trouve dans le ressort du {tribunal[0].lower() + tribunal[1:]}" in texte
    assert "R. 312-1" in texte
    # issue 9: R. 431-20 says who issues the titre, not where the demand is made
    assert ("le titre de séjour est délivré par le préfet du département dans lequel l'étranger a sa résidence et, "
            "à Paris, par le préfet de police") in texte
    assert "est présentée au préfet" not in texte
    assert f"demande au juge des référés du {tribunal[0].lower() + tribunal[1:]} :" in texte


# --- gender agreement, nature of the demand, blocage type (the matrix) -------------------

CAS = {
    "aucun_creneau-F-renouvellement": dict(blocage={"type": "aucun_creneau", "plateforme": "site de la préfecture"}),
    "categorie_absente-M-premiere": dict(
        blocage={"type": "categorie_absente", "plateforme": "démarches simplifiées"},
        demande={"nature": "premiere_demande", "titre": "carte de séjour « vie privée et familiale »"}),
    "anef-M-renouvellement": dict(
        blocage={"type": "anef", "plateforme": "administration-etrangers-en-france.interieur.gouv.fr"},
        demarches=[
            {"date": "2026-10-12", "nature": "contact_anef", "description": "formulaire du centre de contact citoyen",
             "resultat": "réponse automatique sans solution", "fichiers": ["ticket.pdf"]},
            {"date": "2026-10-20", "nature": "accueil_numerique", "description": "l'agent n'a pas pu débloquer le dossier",
             "fichiers": ["attestation.pdf"]},
        ]),
    "anef-F-premiere-sans-demarche": dict(
        blocage={"type": "anef", "plateforme": "ANEF"}, demarches=[],
        demande={"nature": "premiere_demande", "titre": "carte de séjour « étudiant »", "date_expiration": "2026-12-01"}),
}


def _cas(tmp_path, nom: str) -> dict:
    changements = copy.deepcopy(CAS[nom])
    data = donnees(tmp_path, **changements)
    pdf(tmp_path / "ticket.pdf", ("ticket",))
    pdf(tmp_path / "attestation.pdf", ("attestation",))
    if "-M-" in nom:
        homme(data)
    return data


@pytest.mark.parametrize("nom", list(CAS))
def test_chaque_cas_contient_toutes_les_parties(tmp_path, nom):
    dossier, pieces, chemin, texte = rendre(tmp_path, _cas(tmp_path, nom))
    femme = dossier.requerant.est_une_femme
    assert "{" not in texte and "}" not in texte  # no placeholder left, in the template or in Python
    # structure
    for titre in ("I. FAITS ET PROCÉDURE", "II. DISCUSSION", "A. Sur la compétence du juge des référés",
                  "B. Sur la recevabilité de la requête", "C. Sur l'urgence", "D. Sur l'utilité de la mesure demandée",
                  "E. Sur l'absence d'obstacle à l'exécution d'une décision administrative", "PAR CES MOTIFS",
                  "LISTE DES PIÈCES"):
        assert titre in lignes_docx(chemin)
    # agreement
    if femme:
        assert "la requérante" in texte and "le requérant" not in texte and "Requérante" in texte
        assert "née le" in texte and "domiciliée" in texte
    else:
        assert "le requérant" in texte and "requérante" not in texte.lower()
        assert "Requérant" in lignes_docx(chemin)
        assert "né le 12 avril 1990" in texte and "née le" not in texte and "domicilié 3 place Bellecour" in texte
        assert "Monsieur Moussa TRAORÉ" in texte
    # recevabilité: L. 521-3 quoted, no prior decision, no lawyer
    assert "recevable même en l'absence de décision administrative préalable" in texte
    assert "aucune décision administrative n'a été prise" in texte
    assert "R. 522-5" in texte and "dispensée du ministère d'avocat" in texte
    # utility: the attempts on several weeks, always
    assert "CE, 10 juin 2020, n° 435594" in texte
    assert "plusieurs tentatives n'ayant pas été effectuées la même semaine" in texte
    assert ("entre le 5 octobre 2026 et le 21 octobre 2026, sur une période de dix-sept jours, au cours de trois "
            "semaines différentes") in texte
    # case law by blocage type
    type_ = dossier.blocage.type
    assert ("CE, 18 février 2022, n° 455740" in texte) == (type_ == "categorie_absente")
    assert ("n° 452798" in texte) == (type_ == "anef")
    assert ("R. 431-2 du" in texte or "R. 431-2 du CESEDA" in texte) == (type_ == "anef")
    assert dossier.blocage.plateforme in texte
    # urgency by nature
    if dossier.demande.nature == "renouvellement":
        assert "l'urgence est en principe établie" in texte
        assert "sollicite le renouvellement de son titre de séjour, qui expire le 15 décembre 2026" in texte
    else:
        assert "l'urgence est en principe établie" not in texte
        assert "circonstances particulières rendant nécessaire l'obtention rapide d'un rendez-vous" in texte
        assert "premier titre de séjour" in texte
    assert "CE, 9 juin 2022, n° 453391" in texte
    # absence d'obstacle
    assert "ne fait obstacle à l'exécution d'aucune décision administrative" in texte
    # every « pièce n° N » is a number of the bundle, and the list is the bundle's
    assert numeros_cites(texte) <= {p.numero for p in pieces}
    liste = lignes_docx(chemin)
    debut = liste.index("LISTE DES PIÈCES") + 1
    assert liste[debut:debut + len(pieces)] == [f"Pièce n° {p.numero} : {p.libelle}" for p in pieces]


def test_categorie_absente_dit_ce_que_le_site_ne_propose_pas(tmp_path):
    _, _, _, texte = rendre(tmp_path, _cas(tmp_path, "categorie_absente-M-premiere"))
    assert ("ce service ne propose pas la catégorie de titre de séjour dont relève la demande du requérant "
            "(carte de séjour « vie privée et familiale »)") in texte
    assert "de le requérant" not in texte and "à le requérant" not in texte  # always « du », « au »
    assert "Les tentatives du requérant" in texte
    assert "démarches simplifiées" in texte
    # issue 9: the published rule (Tables) first, the unpublished 7e chambre decision as its application
    assert ("ne permet pas au demandeur de sélectionner la catégorie de titre de séjour dont relève sa demande (CE, "
            "9 juin 2022, n° 453391, mentionnée aux tables du recueil Lebon ; pour une application, CE, 18 février "
            "2022, n° 455740).") in texte


def test_anef_cite_les_diligences_et_la_substitution(tmp_path):
    dossier, pieces, _, texte = rendre(tmp_path, _cas(tmp_path, "anef-M-renouvellement"))
    contact = piece_de(pieces, "demarches[1]")
    accueil = piece_de(pieces, "demarches[2]")
    # issue 9: n° 452798 is the Conseil national des barreaux' requête (La Cimade's is n° 452806)
    assert "CE, Section, 3 juin 2022, Conseil national des barreaux et autres, n° 452798" in texte
    assert "Cimade" not in texte
    assert "ayant accompli toutes les diligences qui lui incombent" in texte
    assert "décret n° 2023-191 du 22 mars 2023" in texte
    assert "a en outre accompli les diligences qui lui incombaient" in texte
    assert f"le 12 octobre 2026, sollicitation du centre de contact citoyen : formulaire du centre de contact citoyen ({contact.reference}) ;" in texte
    assert f"passage au point d'accueil numérique de la préfecture de la Seine-Saint-Denis : l'agent n'a pas pu débloquer le dossier ({accueil.reference})." in texte
    assert "Suite donnée à cette démarche : réponse automatique sans solution." in texte
    assert "date de rendez-vous en préfecture" in texte
    assert "modalité de substitution prévue par l'article R. 431-2 du CESEDA" in texte


def test_anef_sans_diligence_ne_les_invente_pas_et_avertit(tmp_path):
    data = _cas(tmp_path, "anef-F-premiere-sans-demarche")
    dossier, pieces, _, texte = rendre(tmp_path, data)
    assert "diligences qui lui incombaient" not in texte
    # issue 9: without any diligence the requête would defeat itself: blocking, not a warning
    from docassemble.rdvrefere.verification import verifier  # noqa: PLC0415
    assert any(p.chemin == "demarches" and "demande d'aide" in p.message and p.gravite == "erreur"
               for p in verifier(dossier, aujourd_hui=AUJOURD_HUI, fichiers=False))
    # first application: the date is that of the current document
    sejour = next(p for p in pieces if p.categorie == "sejour")
    assert f"Le document sous couvert duquel elle séjourne en France ({sejour.reference}) expire le 1er décembre 2026." in texte
    assert "(ANEF ; ANEF)" not in texte and "(ANEF)" in texte
    assert "Faute de pouvoir utiliser le téléservice, la requérante ne peut pas déposer sa demande" in texte


# --- facts: attempts table, démarches --------------------------------------------------

def test_tableau_des_tentatives_chronologique_avec_les_pieces(tmp_path):
    data = donnees(tmp_path)
    data["tentatives"] = [data["tentatives"][i] for i in (3, 0, 2, 1)]  # given out of order
    data["tentatives"].append({"date": "2026-10-28", "heure": "7:05", "constat": "page blanche, erreur 503"})
    dossier, pieces, chemin, texte = rendre(tmp_path, data)
    lignes = tableau_tentatives(chemin)
    assert lignes[0] == ["N°", "Date et heure", "Ce que le site affichait", "Pièce"]
    assert [l[1] for l in lignes[1:]] == ["lundi 5 octobre 2026 à 9 h 00", "mercredi 7 octobre 2026 à 14 h 30",
                                          "mercredi 14 octobre 2026 à 10 h 00", "mercredi 21 octobre 2026 à 11 h 00",
                                          "mercredi 28 octobre 2026 à 7 h 05"]
    assert [l[0] for l in lignes[1:]] == ["1", "2", "3", "4", "5"]
    # issue 9: a time never wraps in its cell (« 9 h / 00 »): no-break spaces, read from the DOCX as is
    brutes = [ligne.cells[1].text for ligne in Document(chemin).tables[0].rows[1:]]
    assert brutes[0] == "lundi 5 octobre 2026 à\u00a09\u00a0h\u00a000" and brutes[4].endswith("à\u00a07\u00a0h\u00a005")
    ordre = [2, 4, 3, 1, 5]  # dossier positions in chronological order
    for ligne, position in zip(lignes[1:], ordre, strict=True):
        piece = piece_de(pieces, f"tentatives[{position}]")
        assert ligne[3] == (piece.reference if piece else "—")
        assert ligne[2] == dossier.tentatives[position - 1].constat
    assert ("Ces 5 tentatives ont été effectuées entre le 5 octobre 2026 et le 28 octobre 2026, sur une période de "
            "vingt-quatre jours, au cours de quatre semaines différentes.") in texte


def test_la_requete_dit_la_periode_des_tentatives_honnetement(tmp_path):
    # Issue 9: h1-like attempts (Sunday 4 to Wednesday 14 October) used to read « au cours de 3 semaines
    # différentes, entre le 4 et le 14 octobre »; the period is now stated as it is.
    data = donnees(tmp_path)
    data["tentatives"] = [{"date": d, "heure": "9:02", "constat": "aucun créneau", "fichiers": ["c1.png"]}
                          for d in ("2026-10-04", "2026-10-07", "2026-10-14")]
    _, _, _, texte = rendre(tmp_path, data)
    assert ("a tenté d'obtenir un rendez-vous à 3 reprises entre le 4 octobre 2026 et le 14 octobre 2026, sur une "
            "période de onze jours, au cours de trois semaines différentes, sans qu'aucun créneau") in texte
    assert ("Ces 3 tentatives ont été effectuées entre le 4 octobre 2026 et le 14 octobre 2026, sur une période de "
            "onze jours, au cours de trois semaines différentes.") in texte


def test_largeurs_de_colonnes_fixes(tmp_path):
    _, _, chemin, _ = rendre(tmp_path, donnees(tmp_path))
    table = Document(chemin).tables[0]
    tblpr = table._tbl.tblPr
    from docx.oxml.ns import qn
    assert tblpr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    largeurs = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(largeurs) == 4 and abs(sum(largeurs) - 9071) < 5  # 16 cm


def test_demarches_resultat_par_defaut_et_donne(tmp_path):
    data = donnees(tmp_path)
    data["demarches"] = [
        {"date": "2026-10-16", "nature": "lrar", "description": "demande de rendez-vous", "fichiers": ["lrar.pdf"]},
        {"date": "2026-10-02", "nature": "courriel", "description": "courriel au bureau des étrangers",
         "resultat": "réponse type renvoyant au site internet", "fichiers": ["contrat.pdf"]},
    ]
    data["urgence"] = {"circonstances": []}
    dossier, pieces, _, texte = rendre(tmp_path, data)
    lrar, courriel = piece_de(pieces, "demarches[1]"), piece_de(pieces, "demarches[2]")
    attendu_courriel = (f"Le 2 octobre 2026, la requérante a écrit par courriel à la préfecture de la Seine-Saint-Denis : "
                        f"courriel au bureau des étrangers ({courriel.reference}). Suite donnée à cette démarche : "
                        "réponse type renvoyant au site internet.")
    attendu_lrar = (f"Le 16 octobre 2026, la requérante a adressé au préfet de la Seine-Saint-Denis une lettre recommandée "
                    f"avec demande d'avis de réception : demande de rendez-vous ({lrar.reference}). Cette démarche est "
                    "à ce jour sans réponse, au 2 novembre 2026.")  # never « restée sans réponse » by default
    assert "restée sans réponse" not in texte
    assert attendu_courriel in texte and attendu_lrar in texte
    assert texte.index(attendu_courriel) < texte.index(attendu_lrar)  # by date
    premier, second = sorted((courriel.numero, lrar.numero))
    assert f"n'ont pas davantage permis d'obtenir un rendez-vous (pièces n° {premier} et {second})" in texte


def test_demarche_recente_a_ce_jour_sans_reponse_a_la_date_de_la_requete(tmp_path):
    # Issue 9: a letter sent a few days before filing is not « restée sans réponse ».
    data = donnees(tmp_path, signature={"lieu": "Montreuil", "date": "2026-11-05"})
    data["demarches"][0]["date"] = "2026-10-30"
    _, pieces, _, texte = rendre(tmp_path, data)
    lrar = piece_de(pieces, "demarches[1]")
    assert (f"Le 30 octobre 2026, la requérante a adressé au préfet de la Seine-Saint-Denis une lettre recommandée "
            f"avec demande d'avis de réception : demande de rendez-vous ({lrar.reference}). Cette démarche est à ce "
            "jour sans réponse, au 5 novembre 2026.") in texte
    assert "restée sans réponse" not in texte


def test_demarches_sans_redite_apres_les_deux_points(tmp_path):
    # Issue 9: « s'est rendue au point d'accueil numérique… : passage au point d'accueil numérique… ».
    data = donnees(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"})
    data["demarches"] = [
        {"date": "2026-10-16", "nature": "lrar", "fichiers": ["lrar.pdf"],
         "description": "Lettre recommandée demandant un rendez-vous pour le renouvellement"},
        {"date": "2026-10-20", "nature": "accueil_numerique", "fichiers": ["titre.pdf"],
         "description": "Passage au point d'accueil numérique de la préfecture : l'agent n'a pas pu débloquer le dossier"},
        {"date": "2026-10-22", "nature": "contact_anef", "fichiers": ["contrat.pdf"],
         "description": "demande au centre de contact citoyen", "resultat": "aucune réponse utile"},
    ]
    _, pieces, _, texte = rendre(tmp_path, data)
    lrar, accueil, contact = (piece_de(pieces, f"demarches[{i}]") for i in (1, 2, 3))
    assert (f"une lettre recommandée avec demande d'avis de réception demandant un rendez-vous pour le "
            f"renouvellement ({lrar.reference}).") in texte
    assert (f"la requérante s'est rendue au point d'accueil numérique de la préfecture de la Seine-Saint-Denis : "
            f"l'agent n'a pas pu débloquer le dossier ({accueil.reference}).") in texte
    assert (f"mis à la disposition des usagers de l'ANEF ({contact.reference}). Suite donnée à cette démarche : "
            "aucune réponse utile.") in texte
    assert (f"passage au point d'accueil numérique de la préfecture de la Seine-Saint-Denis : l'agent n'a pas pu "
            f"débloquer le dossier ({accueil.reference}) ;") in texte
    assert f"le 22 octobre 2026, sollicitation du centre de contact citoyen ({contact.reference})." in texte
    minuscule = texte.split("LISTE DES PIÈCES")[0].lower()   # the list of pièces names them, rightly
    phrase = next(l for l in texte.splitlines() if l.startswith("Le 20 octobre 2026, la requérante"))
    assert phrase.count("point d'accueil numérique") == 1
    assert ": passage au point" not in minuscule and ": lettre recommandée" not in minuscule
    assert ": demande au centre de contact" not in minuscule


def test_sans_demarche_ni_aide_juridictionnelle(tmp_path):
    data = donnees(tmp_path, demarches=[])
    _, _, _, texte = rendre(tmp_path, data)
    assert "lettre recommandée" not in texte and "n'a pas davantage permis" not in texte
    assert "aide juridictionnelle" not in texte


# --- urgency ------------------------------------------------------------------------------

def test_premiere_demande_cite_les_circonstances_avec_leurs_pieces(tmp_path):
    data = donnees(tmp_path, demande={"nature": "premiere_demande", "titre": "carte « salarié »"})
    data["urgence"] = {"circonstances": [
        {"texte": "Promesse d'embauche valable jusqu'au 30 novembre 2026.", "fichiers": ["contrat.pdf"]},
        "Mon fils est scolarisé en CM2",
    ]}
    dossier, pieces, chemin, texte = rendre(tmp_path, data)
    promesse = piece_de(pieces, "urgence.circonstances[1]")
    assert "Tel est le cas en l'espèce : la requérante fait valoir les circonstances suivantes :" in texte
    # free text is the applicant's own words: quoted, never the requête's voice (issue 9 point 15)
    assert (f"La requérante fait valoir, selon ses propres termes : « Promesse d'embauche valable jusqu'au 30 novembre "
            f"2026 » ({promesse.reference}).") in lignes_docx(chemin)
    assert "La requérante fait valoir, selon ses propres termes : « Mon fils est scolarisé en CM2 »." in lignes_docx(chemin)
    assert "La condition d'urgence est, par suite, remplie." in texte
    document = Document(chemin)
    assert {p.style.name for p in document.paragraphs if "selon ses propres termes" in p.text} == {"Tiret"}


def test_premiere_demande_sans_circonstance_avertit(tmp_path):
    data = donnees(tmp_path, demande={"nature": "premiere_demande", "titre": "carte « salarié »"},
                   urgence={"circonstances": []})
    dossier, _, _, texte = rendre(tmp_path, data)
    assert "fait valoir les circonstances" not in texte
    assert "situation administrative demeure précaire" in texte
    assert "urgence.circonstances" in [p.chemin for p in avertissements_requete(dossier)]


def test_renouvellement_titre_expire_demarches_a_temps(tmp_path):
    # expired 10 October, first attempt 5 October: the sentence is true (issue 9, point 1; a late
    # renewal is in test_renouvellement.py)
    data = donnees(tmp_path, demande={"nature": "renouvellement", "titre": "carte « salarié »",
                                      "date_expiration": "2026-10-10"})
    _, _, _, texte = rendre(tmp_path, data)
    assert "qui a expiré le 10 octobre 2026" in texte
    assert "n'a pas pu déposer sa demande de renouvellement avant l'expiration de son titre" in texte


def test_oqtf_non_executee_dite_et_pas_de_presomption(tmp_path):
    data = donnees(tmp_path, urgence={"oqtf_non_executee": True,
                                      "circonstances": [{"texte": "Mariée à un Français depuis 2025", "fichiers": ["contrat.pdf"]}]})
    dossier, _, _, texte = rendre(tmp_path, data)
    assert "a fait l'objet d'une obligation de quitter le territoire français, qui n'a pas été exécutée" in texte
    assert "aucune obligation de quitter le territoire" not in texte
    assert "l'urgence est en principe établie" not in texte
    assert "fait néanmoins valoir les circonstances particulières suivantes" in texte
    assert "n'a ni pour objet ni pour effet de faire obstacle à l'exécution de l'obligation de quitter" in texte
    oqtf = [p for p in avertissements_requete(dossier) if p.chemin == "urgence.oqtf_non_executee"]
    assert len(oqtf) == 1 and "rejeté" in oqtf[0].message and oqtf[0].gravite == "avertissement"


def test_sans_oqtf_la_requete_le_dit(tmp_path):
    _, _, _, texte = rendre(tmp_path, donnees(tmp_path))
    assert "ne fait par ailleurs l'objet d'aucune obligation de quitter le territoire français restée inexécutée" in texte


# --- conclusions, signature -----------------------------------------------------------------

def test_conclusions_completes(tmp_path):
    data = donnees(tmp_path, conclusions={"delai_jours": 8, "delai_rdv_jours": 30, "astreinte_euros": 150,
                                          "aide_juridictionnelle_provisoire": True, "frais_l761_1_euros": 1500,
                                          "frais": [{"nature": "deplacement", "montant_euros": 20}]})
    dossier, _, chemin, texte = rendre(tmp_path, data)
    conclusions = section(texte, "PAR CES MOTIFS", "Fait à")
    assert ("de l'admettre à titre provisoire au bénéfice de l'aide juridictionnelle, en application de l'article 20 "
            "de la loi n° 91-647 du 10 juillet 1991") in conclusions
    assert "article 61 du décret n° 2020-1717 du 28 décembre 2020 ;" in conclusions
    assert ("d'enjoindre au préfet de la Seine-Saint-Denis de lui communiquer une date de rendez-vous permettant le "
            "dépôt de sa demande de renouvellement de titre de séjour (carte de séjour « salarié »), dans un délai de "
            "8 jours à compter de la notification de l'ordonnance à intervenir, ce rendez-vous devant avoir lieu dans "
            "un délai de 30 jours à compter de la même notification ;") in conclusions
    assert ("d'assortir cette injonction d'une astreinte de 150 euros par jour de retard, en application des articles "
            "L. 911-1 et L. 911-3 du code de justice administrative ;") in conclusions
    # issue 9 point 12: the sum asked rests on the costs stated (1 500 € asked, 20 € stated: warned)
    assert ("la somme de 1 500 euros au titre de l'article L. 761-1 du code de justice administrative, correspondant "
            "aux frais exposés par la requérante, qui n'est pas représentée par un avocat (frais de déplacement : "
            "20 euros).") in conclusions
    # issue 9: the maximum time of the appointment itself rests on CE 435594, quoted where it is asked
    utilite = section(texte, "D. Sur l'utilité de la mesure demandée", "E. Sur l'absence")
    assert ("Le juge des référés peut en outre, « si la situation de l'étranger le justifie, […] préciser le délai "
            "maximal dans lequel ce rendez-vous doit avoir lieu » et « fixe un délai bref en cas d'urgence "
            "particulière » (CE, 10 juin 2020, n° 435594). La situation de la requérante justifie que le rendez-vous "
            "lui-même ait lieu dans un délai de 30 jours à compter de la notification de l'ordonnance.") in utilite
    document = Document(chemin)
    assert sum(p.style.name == "Tiret" and p.text.startswith("d") for p in document.paragraphs) == 4
    chemins = [p.chemin for p in avertissements_requete(dossier)]
    assert "conclusions.frais_l761_1_euros" in chemins and "conclusions.aide_juridictionnelle_provisoire" in chemins


def test_conclusions_minimales_sans_astreinte_ni_frais(tmp_path):
    data = donnees(tmp_path, conclusions={"delai_jours": 1, "astreinte_euros": 0})
    dossier, _, _, texte = rendre(tmp_path, data)
    conclusions = section(texte, "PAR CES MOTIFS", "Fait à")
    assert "dans un délai de 1 jour à compter de la notification de l'ordonnance à intervenir." in conclusions
    assert "astreinte" not in conclusions and "L. 761-1" not in texte and "aide juridictionnelle" not in conclusions
    assert "ce rendez-vous devant avoir lieu" not in conclusions
    assert "délai maximal dans lequel ce rendez-vous doit avoir lieu" not in texte
    assert avertissements_requete(dossier) == []


def test_signature_par_defaut_ville_et_date_du_jour(tmp_path):
    _, _, chemin, _ = rendre(tmp_path, donnees(tmp_path), aujourd_hui=dt.date(2026, 11, 1))
    lignes = lignes_docx(chemin)
    assert "Fait à Montreuil, le 1er novembre 2026" in lignes
    assert lignes[lignes.index("Fait à Montreuil, le 1er novembre 2026") + 1] == "Awa DIALLO"


def test_signature_donnee(tmp_path):
    data = donnees(tmp_path, signature={"lieu": "Saint-Denis", "date": "2026-11-05"})
    _, _, _, texte = rendre(tmp_path, data)
    assert "Fait à Saint-Denis, le 5 novembre 2026" in texte


@pytest.mark.parametrize(("adresse", "ville"), [
    ("12 rue des Lilas, 93100 Montreuil", "Montreuil"),
    ("CHRS Les Tilleuls, 4 allée Verte 75019 Paris", "Paris"),
    ("BP 12, 13001 Marseille Cedex 01", "Marseille"),
    ("chez M. Dupont, Bobigny", "Bobigny"),
])
def test_ville_de_l_adresse(adresse, ville):
    assert ville_de(adresse) == ville


# --- pièce numbers come from numeroter() -----------------------------------------------------

def test_references_aux_pieces_viennent_de_numeroter(tmp_path):
    data = donnees(tmp_path)
    data["pieces"].append({"libelle": "Quittance de loyer", "categorie": "domicile", "fichiers": ["titre.pdf"]})
    dossier, pieces, chemin, texte = rendre(tmp_path, data)
    par_source = {s: p for p in pieces for s in p.sources}
    identite, sejour, domicile = par_source["pieces[1]"], par_source["pieces[2]"], par_source["pieces[3]"]
    assert f"de nationalité malienne ({identite.reference}), demeure 12 rue des Lilas, 93100 Montreuil ({domicile.reference})." in texte
    assert f"valable jusqu'au 15 décembre 2026 ({sejour.reference})" in texte
    tentatives = sorted({par_source[f"tentatives[{i}]"].numero for i in range(1, 5)})
    assert f"(pièces n° {', '.join(map(str, tentatives[:-1]))} et {tentatives[-1]})" in texte
    circonstance = par_source["urgence.circonstances[1]"]
    assert f"selon ses propres termes : « Mon titre expire bientôt » ({circonstance.reference})." in texte
    assert numeros_cites(texte) == {p.numero for p in pieces}  # every pièce is cited somewhere
    assert [l for l in lignes_docx(chemin) if l.startswith("Pièce n° ")] == [f"Pièce n° {p.numero} : {p.libelle}" for p in pieces]


def test_ordre_modifie_des_pieces_suivi_par_le_texte(tmp_path):
    """Staff may reorder the pièces: the text follows the Piece objects it is given."""
    import dataclasses
    dossier = dossier_depuis_donnees(donnees(tmp_path), tmp_path)
    pieces = numeroter(dossier)
    inverses = [dataclasses.replace(p, numero=len(pieces) + 1 - p.numero) for p in pieces]
    contexte = contexte_requete(dossier, inverses, aujourd_hui=AUJOURD_HUI)
    assert [l["piece"] for l in contexte["tentatives"]] == [piece_de(inverses, f"tentatives[{i}]").reference for i in range(1, 5)]
    assert [p["ligne"] for p in contexte["pieces"]] == [f"Pièce n° {p.numero} : {p.libelle}"
                                                        for p in sorted(inverses, key=lambda p: p.numero)]


def test_references():
    from docassemble.rdvrefere.numerotation import Piece
    p = [Piece(n, f"p{n}", "autre", (), ()) for n in (7, 4, 5)]
    assert references([]) == "" and references([None]) == ""
    assert references(p[:1]) == "pièce n° 7"
    assert references(p) == "pièces n° 4, 5 et 7"
    assert references([p[1], p[1]]) == "pièce n° 4"


# --- hostile text -----------------------------------------------------------------------------

def _hostile(tmp_path) -> dict:
    data = donnees(tmp_path)
    data["requerant"].update({"nom": "{{ x }}", "prenoms": "<script>alert(1)</script>", "lieu_naissance": HOSTILE,
                              "adresse": f"{HOSTILE} 93100 Montreuil", "nationalite": MOT_LONG})
    data["blocage"]["plateforme"] = HOSTILE
    data["demande"]["titre"] = "{% if %}titre{% endif %}"
    data["tentatives"][0]["constat"] = f"{HOSTILE} {MOT_LONG}"
    data["tentatives"][1]["constat"] = "ligne 1\nligne 2\ttab \x07 bip"
    data["demarches"][0].update({"description": HOSTILE, "resultat": "{{ resultat }} & <b>"})
    data["urgence"] = {"circonstances": [{"texte": f"{HOSTILE} {MOT_LONG}", "libelle": "{{ libelle }} & <i>",
                                          "fichiers": ["contrat.pdf"]}]}
    return data


def test_texte_hostile_reste_litteral_dans_le_docx(tmp_path):
    dossier, pieces, chemin, texte = rendre(tmp_path, _hostile(tmp_path))
    assert "Madame <script>alert(1)</script> {{ X }}" in texte
    assert f"de nationalité {MOT_LONG}" in texte
    assert texte.count(HOSTILE) >= 5
    assert "{% if %}titre{% endif %}" in texte
    assert "{{ resultat }} & <b>" in texte
    assert "Pièce n° 7 : {{ libelle }} & <i>" in texte
    assert "ligne 1 ligne 2 tab bip" in texte  # line breaks folded, control character dropped
    lignes = tableau_tentatives(chemin)
    assert lignes[1][2] == f"{HOSTILE} {MOT_LONG}"
    # the long word can wrap: zero-width spaces every 20 characters, in the XML itself
    brut = Document(chemin).tables[0].rows[1].cells[2].text
    assert max(len(m) for m in re.split(r"[\s\u200b]+", brut)) <= 30
    assert "\u200b" in brut


def test_texte_hostile_en_pdf(tmp_path):
    dossier = dossier_depuis_donnees(_hostile(tmp_path), tmp_path)
    pieces = numeroter(dossier)
    docx, pdf_ = rendre_requete(dossier, pieces, tmp_path / "sortie", aujourd_hui=AUJOURD_HUI, nom="Hostile")
    assert (docx.name, pdf_.name) == ("Hostile.docx", "Hostile.pdf")
    texte = _normal(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_), "-"], capture_output=True, text=True,
                                   check=True).stdout)
    plat = re.sub(r"\s+", " ", texte)
    assert "<script>alert(1)</script>" in plat and "{{ x }} {% if %}" in plat and "& % * _" in plat
    assert MOT_LONG in re.sub(r"\s+", "", texte)  # wrapped over several lines, but whole
    info = subprocess.run(["pdfinfo", str(pdf_)], capture_output=True, text=True, check=True).stdout
    largeur = re.search(r"Page size:\s+([\d.]+) x", info).group(1)
    assert abs(float(largeur) - 595.3) < 1  # A4, the layout held


def test_mise_en_page_est_idempotente_et_garde_le_reste():
    texte = f"a\n\tb  {MOT_LONG} {{{{ x }}}} \x00"
    une = mise_en_page(texte)
    assert mise_en_page(une) == une
    assert une.replace("\u200b", "") == f"a b {MOT_LONG} {{{{ x }}}}"
    assert mise_en_page({"l": [texte, 3, None, True]}) == {"l": [une, 3, None, True]}
    assert mise_en_page("anticonstitutionnellement") == "anticonstitutionnellement"


# --- context, warnings, templates, edited DOCX ---------------------------------------------

def test_contexte_en_valeurs_simples(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path), tmp_path)
    contexte = contexte_requete(dossier, numeroter(dossier), aujourd_hui=AUJOURD_HUI)
    assert json.loads(json.dumps(contexte)) == contexte
    assert contexte["tribunal"] == "Tribunal administratif de Montreuil"
    assert contexte["renouvellement"] is True and contexte["blocage"] == "aucun_creneau"
    assert contexte["fait_a"] == "Fait à Montreuil, le 2 novembre 2026"


def test_avertissements(tmp_path):
    data = donnees(tmp_path, conclusions={"astreinte_euros": 500})
    data["urgence"] = {"circonstances": ["sans pièce"]}
    data["demarches"][0]["fichiers"] = []
    dossier = dossier_depuis_donnees(data, tmp_path)
    avertissements = avertissements_requete(dossier)
    assert all(isinstance(p, Probleme) and p.gravite == "avertissement" for p in avertissements)
    assert {p.chemin for p in avertissements} == {"urgence.circonstances[1].fichiers", "demarches[1].fichiers",
                                                  "conclusions.astreinte_euros"}
    assert avertissements_requete(dossier_depuis_donnees(donnees(tmp_path), tmp_path)) == []


def test_modele_trouve_et_a_jour_avec_le_script(tmp_path):
    """The committed templates are what scripts/make_templates.py writes (same paragraphs and tags)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_templates", RACINE / "scripts" / "make_templates.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    for nom in ("requete.docx", "inventaire.docx"):
        assert modele(nom)[:2] == b"PK"
        engage, regenere = Document(RACINE / "templates" / nom), Document(tmp_path / nom)
        assert [(p.style.name, p.text) for p in engage.paragraphs] == [(p.style.name, p.text) for p in regenere.paragraphs]
        assert [c.text for t in engage.tables for r in t.rows for c in r.cells] == \
               [c.text for t in regenere.tables for r in t.rows for c in r.cells]


def test_pdf_depuis_un_docx_modifie(tmp_path):
    dossier = dossier_depuis_donnees(donnees(tmp_path), tmp_path)
    chemin = docx_requete(dossier, numeroter(dossier), tmp_path / "Requete.docx", aujourd_hui=AUJOURD_HUI)
    document = Document(chemin)
    document.add_paragraph("Paragraphe ajouté par le juriste : pièce complémentaire à venir.")
    modifie = tmp_path / "Requete modifiée.docx"
    document.save(modifie)
    pdf_ = pdf_depuis_docx(modifie, tmp_path / "final" / "Requete.pdf")
    texte = subprocess.run(["pdftotext", str(pdf_), "-"], capture_output=True, text=True, check=True).stdout
    assert "Paragraphe ajouté par le juriste" in " ".join(texte.split())

    faux = tmp_path / "faux.docx"
    faux.write_text("ceci n'est pas un document Word")
    with pytest.raises(DocxIllisible, match="n'est pas un document Word"):
        pdf_depuis_docx(faux, tmp_path / "x.pdf")
    image = capture(tmp_path / "image.png").rename(tmp_path / "image.docx")
    with pytest.raises(DocxIllisible):
        pdf_depuis_docx(image, tmp_path / "y.pdf")


def test_dossier_sans_aucune_piece_se_rend_quand_meme(tmp_path):
    data = donnees(tmp_path, demarches=[], pieces=[], urgence={"circonstances": []})
    data["tentatives"] = [{"date": "2026-10-05", "heure": "09:00", "constat": "aucun créneau"}]
    dossier, pieces, chemin, texte = rendre(tmp_path, data)
    assert pieces == []
    assert tableau_tentatives(chemin)[1] == ["1", "lundi 5 octobre 2026 à 9 h 00", "aucun créneau", "—"]
    assert "a tenté d'obtenir un rendez-vous le 5 octobre 2026, sans qu'aucun créneau lui soit proposé." in texte
    assert "Ces " not in texte and numeros_cites(texte) == set()
