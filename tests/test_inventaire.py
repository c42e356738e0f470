"""The inventaire (R. 412-2 CJA): every pièce, continuous numbers, the labels of the files, pages."""

from __future__ import annotations

import subprocess

from docx import Document

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import numeroter, piece_de
from docassemble.rdvrefere.redaction import contexte_inventaire
from docassemble.rdvrefere.requete import docx_inventaire, rendre_inventaire
from dossiers import donnees


def _normal(texte: str) -> str:
    return texte.replace("\u200b", "").replace("\u00a0", " ").replace("\u202f", " ")


def _tableau(chemin) -> list[list[str]]:
    table = Document(chemin).tables[0]
    return [[_normal(c.text) for c in ligne.cells] for ligne in table.rows]


def _dossier(tmp_path, **changements):
    dossier = dossier_depuis_donnees(donnees(tmp_path, **changements), tmp_path)
    return dossier, numeroter(dossier)


def test_numeros_libelles_et_pages(tmp_path):
    dossier, pieces = _dossier(tmp_path)
    pages = {p.numero: p.numero + 1 for p in pieces}
    del pages[3]                      # unknown: « — »
    chemin = docx_inventaire(dossier, pieces, pages, tmp_path / "Inventaire.docx")
    lignes = _tableau(chemin)
    assert lignes[0] == ["N°", "Intitulé de la pièce", "Pages"]
    assert [l[0] for l in lignes[1:]] == [str(n) for n in range(1, len(pieces) + 1)]  # continuous, increasing
    assert [l[1] for l in lignes[1:]] == [p.libelle for p in pieces]                   # the files' labels
    assert [l[2] for l in lignes[1:]] == [("—" if p.numero == 3 else str(p.numero + 1)) for p in pieces]
    texte = [_normal(p.text) for p in Document(chemin).paragraphs]
    assert texte[0] == "TRIBUNAL ADMINISTRATIF DE MONTREUIL"
    assert "INVENTAIRE DES PIÈCES" in texte
    assert "(article R. 412-2 du code de justice administrative)" in texte
    assert "Madame Awa DIALLO contre le préfet de la Seine-Saint-Denis" in texte
    assert f"Total : {len(pieces)} pièces" in texte  # no page total while one count is unknown


def test_total_des_pages_quand_toutes_sont_connues(tmp_path):
    dossier, pieces = _dossier(tmp_path, departement="75")
    contexte = contexte_inventaire(dossier, pieces, {p.numero: 2 for p in pieces})
    assert contexte["total"] == f"{len(pieces)} pièces, {2 * len(pieces)} pages"
    assert contexte["tribunal_majuscules"] == "TRIBUNAL ADMINISTRATIF DE PARIS"
    assert contexte["parties"] == "Madame Awa DIALLO contre le préfet de police"
    assert [p["pages"] for p in contexte_inventaire(dossier, pieces, {})["pieces"]] == ["—"] * len(pieces)


def test_libelles_hostiles_et_pdf(tmp_path):
    data = donnees(tmp_path)
    data["pieces"][0]["libelle"] = "{{ x }} {% if %} <script>alert(1)</script> & % * _ " + "W" * 300
    dossier = dossier_depuis_donnees(data, tmp_path)
    pieces = numeroter(dossier)
    hostile = piece_de(pieces, "pieces[1]")
    docx, pdf = rendre_inventaire(dossier, pieces, {1: 4, 2: 1}, tmp_path / "sortie")
    assert (docx.name, pdf.name) == ("Inventaire.docx", "Inventaire.pdf")
    assert _tableau(docx)[hostile.numero][1] == hostile.libelle
    texte = _normal(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout)
    assert "{{ x }} {% if %} <script>alert(1)</script> & % * _" in " ".join(texte.split())
    assert "W" * 300 in "".join(texte.split())
    for piece in pieces:
        if piece is not hostile:
            assert piece.libelle in " ".join(texte.split())
    polices = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(ligne.split()[-5] == "yes" for ligne in polices.strip().splitlines()[2:])
