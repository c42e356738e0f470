"""The bundle built by several threads is the bundle built one pièce at a time.

`RDVREFERE_THREADS=1` builds everything in the calling thread, in order (the reference);
more threads build the pièces concurrently and run LibreOffice for the requête and the
inventaire beside them. Names, order, page counts, stamps and page contents must not change,
and a pièce failing in the middle must still leave nothing written and be the one reported.
"""
from __future__ import annotations

import hashlib
import subprocess
import warnings
import zipfile
from pathlib import Path

import pikepdf
import pytest

import fichiers as f
from dossiers import AUJOURD_HUI, donnees
from docassemble.rdvrefere import bundle
from docassemble.rdvrefere.bundle import DossierNonDeposable, construire
from docassemble.rdvrefere.dossier import lire_dossier


def _docx_illisible(chemin: Path) -> Path:
    """A .docx that passes the upload check but that LibreOffice cannot read."""
    with zipfile.ZipFile(chemin, "w") as z:
        z.writestr("[Content_Types].xml", "<pas du xml")
        z.writestr("word/document.xml", "<<<")
    return chemin


def _dossier(racine: Path, *, casses: tuple[str, ...] = ()) -> Path:
    """Ten pièces or more of every kind: photos (EXIF-rotated too), screenshots, PDFs, a DOCX;
    `casses` replaces the files of the « Contrat » and « Avenant » pièces by unreadable DOCX."""
    import yaml
    for i, orientation in enumerate((6, None, 3, 8, None, 6)):
        f.jpeg_photo(racine / f"photo{i}.jpg", size=(1600, 1200), orientation=orientation)
    f.pdf(racine / "bulletins.pdf", pages=3, text="Bulletins de salaire")
    f.docx(racine / "attestation.docx", "Attestation de l'employeur")
    for nom in casses:
        _docx_illisible(racine / nom)
    pieces = [
        {"libelle": "Passeport", "categorie": "identite", "fichiers": ["photo0.jpg", "photo1.jpg"]},
        {"libelle": "Titre de séjour", "categorie": "sejour", "fichiers": ["titre.pdf", "photo2.jpg"]},
        {"libelle": "Contrat", "categorie": "autre", "fichiers": [casses[0] if casses else "attestation.docx"]},
        {"libelle": "Bulletins de salaire", "categorie": "autre", "fichiers": ["bulletins.pdf"]},
        {"libelle": "Photos de la file", "categorie": "autre", "fichiers": ["photo3.jpg", "photo4.jpg", "photo5.jpg"]},
    ]
    if len(casses) > 1:
        pieces.append({"libelle": "Avenant", "categorie": "autre", "fichiers": [casses[1]]})
    data = donnees(racine, pieces=pieces)
    chemin = racine / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return chemin


def _construire(monkeypatch, fils: int, dossier: Path, sortie: Path):
    monkeypatch.setenv("RDVREFERE_THREADS", str(fils))
    assert bundle._nombre_de_fils() == fils
    return construire(lire_dossier(dossier), sortie, aujourd_hui=AUJOURD_HUI)


def _pages(pdf: Path) -> list[tuple]:
    """Per page: visible size, the embedded images' bytes, the text (stamp included)."""
    pages = []
    with pikepdf.open(pdf) as doc:
        for numero, page in enumerate(doc.pages, 1):
            images = []

            def parcourir(ressources, profondeur=0):
                for objet in dict(ressources.get("/XObject", {}) or {}).values():
                    if objet.get("/Subtype") == "/Image":
                        images.append(hashlib.sha256(objet.read_raw_bytes()).hexdigest())
                    elif profondeur < 4 and "/Resources" in objet:
                        parcourir(objet.Resources, profondeur + 1)
            parcourir(page.obj.get("/Resources", {}))
            texte = subprocess.run(["pdftotext", "-f", str(numero), "-l", str(numero), "-layout", str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout
            pages.append((tuple(round(float(v), 2) for v in page.mediabox), tuple(images), texte))
    return pages


def _contenu(sortie: Path, manifeste) -> list[tuple]:
    decrits = []
    for fichier in manifeste.fichiers:
        chemin = sortie / fichier.fichier
        assert chemin.stat().st_size == fichier.octets
        assert hashlib.sha256(chemin.read_bytes()).hexdigest() == fichier.sha256
        decrits.append((fichier.role, fichier.fichier, fichier.pages, fichier.numero, fichier.libelle,
                        fichier.acte_attaque, _pages(chemin) if chemin.suffix == ".pdf" else None))
    return decrits


def test_plusieurs_fils_meme_depot_qu_un_seul(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    dossier = _dossier(source)
    avant = {p.name: f.sha256(p) for p in source.iterdir()}
    filtres = list(warnings.filters)

    seul = _construire(monkeypatch, 1, dossier, tmp_path / "un")
    plusieurs = _construire(monkeypatch, 3, dossier, tmp_path / "trois")

    assert {p.name: f.sha256(p) for p in source.iterdir()} == avant            # inputs untouched
    assert warnings.filters == filtres                                          # no filter left behind
    assert sorted(p.name for p in (tmp_path / "un").iterdir()) == sorted(p.name for p in (tmp_path / "trois").iterdir())
    assert [f.numero for f in plusieurs.pieces()] == list(range(1, len(plusieurs.pieces()) + 1))
    assert (seul.tribunal, seul.autorite, seul.avertissements) == (plusieurs.tribunal, plusieurs.autorite,
                                                                   plusieurs.avertissements)
    # same files in the same order, same pages, same stamps and page contents
    assert _contenu(tmp_path / "un", seul) == _contenu(tmp_path / "trois", plusieurs)
    bulletins = next(f for f in plusieurs.pieces() if f.libelle == "Bulletins de salaire")
    assert f"Pièce n° {bulletins.numero} — page 3/3" in _pages(tmp_path / "trois" / bulletins.fichier)[2][2]
    inventaire = subprocess.run(["pdftotext", "-layout", str(tmp_path / "trois" / "Inventaire.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "Photos de la file" in inventaire
    with zipfile.ZipFile(tmp_path / "trois" / bundle.NOM_ZIP) as archive:
        assert set(archive.namelist()) == {f.fichier for f in plusieurs.fichiers} | {"manifest.json"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]     # no leftovers


@pytest.mark.parametrize("fils", [1, 3])
def test_piece_en_echec_au_milieu_rien_n_est_ecrit(tmp_path, monkeypatch, fils):
    source = tmp_path / "source"
    source.mkdir()
    # the « Contrat » pièce (in the middle) and the last one (« Avenant ») cannot be converted:
    # the first in order is reported, whatever thread finished first
    dossier = _dossier(source, casses=("contrat_casse.docx", "avenant_casse.docx"))
    avant = {p.name: f.sha256(p) for p in source.iterdir()}
    sortie = tmp_path / "depot"
    with pytest.raises(DossierNonDeposable) as echec:
        _construire(monkeypatch, fils, dossier, sortie)
    probleme, = echec.value.problemes
    assert "« contrat_casse.docx »" in probleme.message and "Contrat" in probleme.message
    assert "avenant" not in probleme.message
    assert probleme.chemin.startswith("pieces[")
    assert not sortie.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]          # nothing half-written
    assert {p.name: f.sha256(p) for p in source.iterdir()} == avant


def test_echec_en_parallele_remplace_pas_l_ancien_depot(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    bon = _dossier(source)
    sortie = tmp_path / "depot"
    _construire(monkeypatch, 3, bon, sortie)
    manifeste = (sortie / "manifest.json").read_bytes()
    mauvais = _dossier(source, casses=("contrat_casse.docx",))
    with pytest.raises(DossierNonDeposable):
        _construire(monkeypatch, 3, mauvais, sortie)
    assert (sortie / "manifest.json").read_bytes() == manifeste
    assert sorted(p.name for p in tmp_path.iterdir()) == ["depot", "source"]


def test_pages_mal_prevues_l_inventaire_est_refait(tmp_path, monkeypatch):
    """The inventaire made beside the pièces uses foreseen page counts; when one is wrong, the
    inventaire is made again from the built pièces."""
    source = tmp_path / "source"
    source.mkdir()
    dossier = _dossier(source)
    seul = _construire(monkeypatch, 1, dossier, tmp_path / "un")
    monkeypatch.setattr(bundle, "_pages_prevues", lambda piece: 99)
    plusieurs = _construire(monkeypatch, 2, dossier, tmp_path / "deux")
    inventaires = [next(f for f in m.fichiers if f.role == "inventaire") for m in (seul, plusieurs)]
    assert _pages(tmp_path / "un" / inventaires[0].fichier) == _pages(tmp_path / "deux" / inventaires[1].fichier)
    assert "99" not in subprocess.run(["pdftotext", str(tmp_path / "deux" / "Inventaire.pdf"), "-"],
                                      capture_output=True, text=True, check=True).stdout
