"""`rdvrefere` as installed: check, build and tribunal, with their exit codes."""

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml

from dossiers import AUJOURD_HUI, donnees

RDVREFERE = str(Path(sys.executable).parent / "rdvrefere")


def lancer(*arguments):
    return subprocess.run([RDVREFERE, *map(str, arguments)], capture_output=True, text=True, timeout=300)


def ecrire(racine, data):
    chemin = racine / "dossier.yml"
    chemin.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return chemin


def empreintes(racine):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in racine.iterdir() if p.is_file()}


def test_tribunal_prints_authority_and_court_as_json():
    resultat = lancer("tribunal", "75")
    assert resultat.returncode == 0
    assert json.loads(resultat.stdout) == {"code": "75", "departement": "Paris", "autorite": "préfet de police",
                                           "tribunal": "Tribunal administratif de Paris",
                                           "adresse": "1 bis rue de Lutèce, 75004 Paris"}
    inconnu = lancer("tribunal", "988")
    assert inconnu.returncode == 1 and "La Nouvelle-Calédonie (988) n'est pas couverte" in inconnu.stderr


def test_check_exit_codes(tmp_path):
    bon = ecrire(tmp_path, donnees(tmp_path))
    resultat = lancer("check", bon, "--date", AUJOURD_HUI)
    assert resultat.returncode == 0, resultat.stdout
    assert "Dossier déposable." in resultat.stdout

    data = donnees(tmp_path)
    data["tentatives"] = data["tentatives"][:2]  # one week only
    mauvais = ecrire(tmp_path, data)
    resultat = lancer("check", mauvais, "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 1
    assert any(p["chemin"] == "tentatives" and p["gravite"] == "erreur" for p in json.loads(resultat.stdout))

    (tmp_path / "casse.yml").write_text("requerant: [\n", encoding="utf-8")
    resultat = lancer("check", tmp_path / "casse.yml")
    assert resultat.returncode == 2 and "n'est pas un YAML ou JSON valide" in resultat.stderr
    assert "Traceback" not in resultat.stderr


def test_check_blocks_attempts_too_close_in_time(tmp_path):
    # Issue 9, CE 435594: two ISO weeks are not enough when the attempts span under seven days
    # (Sunday then Monday used to pass as « 2 semaines différentes »).
    data = donnees(tmp_path)
    data["tentatives"] = [{"date": d, "heure": "09:00", "constat": "aucun créneau", "fichiers": ["c1.png"]}
                          for d in ("2026-10-11", "2026-10-12")]
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 1
    (probleme,) = [p for p in json.loads(resultat.stdout) if p["chemin"] == "tentatives"]
    assert probleme["gravite"] == "erreur" and "7 jours" in probleme["message"]
    data["tentatives"][1]["date"] = "2026-10-18"   # seven days later: fileable, with a warning
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 0, resultat.stdout
    assert [p["gravite"] for p in json.loads(resultat.stdout) if p["chemin"] == "tentatives"] == ["avertissement"]


def test_check_blocks_anef_without_any_diligence(tmp_path):
    # Issue 9: a requête quoting R. 431-2 (« toutes les diligences ») with no diligence defeats itself.
    data = donnees(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"})
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 1
    (probleme,) = [p for p in json.loads(resultat.stdout) if p["chemin"] == "demarches"]
    assert probleme["gravite"] == "erreur" and "centre de contact citoyen" in probleme["message"]
    data["demarches"].append({"date": "2026-10-20", "nature": "accueil_numerique",
                              "description": "l'agent n'a pas pu débloquer le dossier", "fichiers": ["titre.pdf"]})
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 0, resultat.stdout
    assert not [p for p in json.loads(resultat.stdout) if p["chemin"] == "demarches"]


def test_check_warns_on_a_demarche_without_answer_under_eight_days(tmp_path):
    data = donnees(tmp_path)
    data["demarches"][0]["date"] = "2026-10-28"    # five days before the check, no resultat
    chemin = ecrire(tmp_path, data)
    resultat = lancer("check", chemin, "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 0, resultat.stdout
    (probleme,) = [p for p in json.loads(resultat.stdout) if p["chemin"] == "demarches[1].date"]
    assert probleme["gravite"] == "avertissement"
    assert "28 octobre 2026 (il y a 5 jours)" in probleme["message"] and "à ce jour sans réponse" in probleme["message"]
    resultat = lancer("check", chemin, "--date", "2026-11-05", "--json")   # eight days: nothing to say
    assert not [p for p in json.loads(resultat.stdout) if p["chemin"] == "demarches[1].date"]
    data["demarches"][0]["resultat"] = "réponse renvoyant au site internet"   # an answer: nothing to wait for
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert not [p for p in json.loads(resultat.stdout) if p["chemin"] == "demarches[1].date"]


def test_check_lists_field_errors_without_traceback(tmp_path):
    data = donnees(tmp_path)
    data["requerant"]["courriel"] = "pas-une-adresse"
    data["tentatives"][0]["heure"] = "midi"
    resultat = lancer("check", ecrire(tmp_path, data))
    assert resultat.returncode == 1
    assert "requerant.courriel : adresse électronique « pas-une-adresse » invalide" in resultat.stdout
    assert "tentatives[1].heure : heure « midi » illisible" in resultat.stdout
    assert "Traceback" not in resultat.stdout + resultat.stderr


def test_check_names_a_bad_file(tmp_path):
    data = donnees(tmp_path)
    (tmp_path / "faux.pdf").write_bytes(b"PK\x03\x04 this is a zip, not a pdf")
    data["pieces"][0]["fichiers"] = ["faux.pdf"]
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI)
    assert resultat.returncode == 1
    assert "pieces[1].fichiers[1]" in resultat.stdout and "faux.pdf" in resultat.stdout


def test_build_writes_the_whole_bundle(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    dossier = ecrire(source, donnees(source))
    avant = empreintes(source)
    sortie = tmp_path / "depot"
    resultat = lancer("build", dossier, "--out", sortie, "--date", AUJOURD_HUI)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert empreintes(source) == avant  # inputs untouched

    manifeste = json.loads((sortie / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["tribunal"] == "Tribunal administratif de Montreuil"
    pieces = [f for f in manifeste["fichiers"] if f["role"] == "piece"]
    assert [p["numero"] for p in pieces] == list(range(1, len(pieces) + 1))
    assert {f["role"] for f in manifeste["fichiers"]} >= {"requete", "requete_docx", "inventaire", "guide"}
    for entree in manifeste["fichiers"]:
        chemin = sortie / entree["fichier"]
        assert chemin.stat().st_size == entree["octets"]
        assert hashlib.sha256(chemin.read_bytes()).hexdigest() == entree["sha256"]
        if chemin.suffix == ".pdf":
            with pikepdf.open(chemin) as pdf:
                assert len(pdf.pages) == entree["pages"]
    for piece in pieces:
        assert piece["fichier"].startswith(f"{piece['numero']:02d}_")
    with zipfile.ZipFile(sortie / "Depot_Telerecours.zip") as archive:
        assert set(archive.namelist()) == {f["fichier"] for f in manifeste["fichiers"]} | {"manifest.json"}
    guide = (sortie / "Guide_depot.txt").read_text(encoding="utf-8")
    assert "Acte attaqué" in guide and pieces[0]["fichier"] in guide
    for piece in pieces[1:]:
        assert f"tapez exactement : {piece['fichier'].removesuffix('.pdf')}" in guide


def test_build_refuses_a_bad_file_and_writes_nothing(tmp_path):
    data = donnees(tmp_path)
    (tmp_path / "vide.jpg").write_bytes(b"")
    data["pieces"][1]["fichiers"] = ["vide.jpg"]
    sortie = tmp_path / "depot"
    resultat = lancer("build", ecrire(tmp_path, data), "--out", sortie, "--date", AUJOURD_HUI)
    assert resultat.returncode == 1
    assert "vide.jpg" in resultat.stdout and "Aucun dossier de dépôt n'a été écrit." in resultat.stderr
    assert not sortie.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".depot")]  # no leftovers


def test_rebuild_replaces_a_previous_bundle_only_when_complete(tmp_path):
    dossier = ecrire(tmp_path, donnees(tmp_path))
    sortie = tmp_path / "depot"
    assert lancer("build", dossier, "--out", sortie, "--date", AUJOURD_HUI).returncode == 0
    premier = (sortie / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "c4.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    assert lancer("build", dossier, "--out", sortie, "--date", AUJOURD_HUI).returncode == 1
    assert (sortie / "manifest.json").read_text(encoding="utf-8") == premier  # the old bundle is intact


@pytest.mark.parametrize("option, attendu", [("--par-tentative", 4), (None, 3)])
def test_attempts_grouping(tmp_path, option, attendu):
    dossier = ecrire(tmp_path, donnees(tmp_path))
    arguments = ["build", dossier, "--out", tmp_path / "depot", "--date", AUJOURD_HUI] + ([option] if option else [])
    assert lancer(*arguments).returncode == 0
    manifeste = json.loads((tmp_path / "depot" / "manifest.json").read_text(encoding="utf-8"))
    assert sum("tentative" in (f["libelle"] or "") for f in manifeste["fichiers"] if f["role"] == "piece") == attendu


def test_a_piece_over_the_size_limit_is_refused_by_name(tmp_path):
    dossier = ecrire(tmp_path, donnees(tmp_path))
    resultat = lancer("build", dossier, "--out", tmp_path / "depot", "--date", AUJOURD_HUI, "--taille-max-mo", "0.001")
    assert resultat.returncode == 1
    assert "pièce n° 1" in resultat.stdout
    assert re.search(r"pèse \d+(,\d+)? (Ko|Mo) en PDF", resultat.stdout), resultat.stdout  # small sizes in Ko
    assert not (tmp_path / "depot").exists()


def test_without_libreoffice_build_says_so_and_writes_nothing(tmp_path):
    data = donnees(tmp_path)
    data["urgence"] = {"circonstances": []}  # no Word pièce: LibreOffice is needed for the requête only
    dossier = ecrire(tmp_path, data)
    sans_libreoffice = {"PATH": "/nonexistent", "HOME": str(tmp_path)}
    resultat = subprocess.run([RDVREFERE, "build", str(dossier), "--out", str(tmp_path / "depot"),
                               "--date", str(AUJOURD_HUI)], capture_output=True, text=True, timeout=300,
                              env=sans_libreoffice)
    assert resultat.returncode == 3, resultat.stdout + resultat.stderr
    assert "« Requete.docx » n'a pas pu être converti en PDF" in resultat.stderr
    assert "Traceback" not in resultat.stderr
    assert not (tmp_path / "depot").exists()


def test_the_manifest_says_each_photo_pieces_lowest_resolution(tmp_path):
    """Issue 15: photos fitted to A4 are never below 150 dpi, and the manifest says it
    (`dpi_min`, None for a pièce with no image)."""
    import fichiers  # noqa: PLC0415
    source = tmp_path / "source"
    source.mkdir()
    data = donnees(source)
    fichiers.jpeg_photo(source / "passeport.jpg", size=(4000, 3000), orientation=6)
    for piece in data["pieces"]:
        if piece["categorie"] == "identite":
            piece["fichiers"] = ["passeport.jpg"]
    resultat = lancer("build", ecrire(source, data), "--out", tmp_path / "depot", "--date", AUJOURD_HUI)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    manifeste = json.loads((tmp_path / "depot" / "manifest.json").read_text(encoding="utf-8"))
    pieces = {f["libelle"]: f for f in manifeste["fichiers"] if f["role"] == "piece"}
    photo = next(p for libelle, p in pieces.items() if libelle.startswith("Passeport"))
    assert 150 <= photo["dpi_min"] <= 4000 / 11.69 + 1
    lettre = next(p for p in pieces.values() if p["numero"] == 1)  # the LRAR, a PDF of text
    assert lettre["dpi_min"] is None
