"""When the préfet does not comply (execution.py): the letter and the demande read back from the
DOCX, the execution bundle through the référé's checks (names, numbering, stamps, limits, manifest,
zip), and the `rdvrefere echeances` / `rdvrefere execution` commands with their exit codes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml
from docx import Document

import fichiers as f
from docassemble.rdvrefere.bundle import DossierNonDeposable
from docassemble.rdvrefere.conversion import Limites
from docassemble.rdvrefere.execution import (construire_execution, docx_demande_execution, docx_lettre_prefet,
                                             pieces_execution, problemes_execution)
from docassemble.rdvrefere.numerotation import LONGUEUR_MAX_NOM, nom_de_fichier
from docassemble.rdvrefere.ordonnance import ordonnance_depuis_donnees
from test_ordonnance import REQUERANT

RDVREFERE = str(Path(sys.executable).parent / "rdvrefere")
APRES = dt.date(2026, 12, 20)            # the délai (15 days from 21 November) ended on 6 December
HOSTILE = "{{ 7*7 }} <script>x</script> & {% if %}"


def lignes_docx(chemin) -> list[str]:
    return [p.text.replace("\u200b", "").replace("\u00a0", " ").replace("\u202f", " ")
            for p in Document(chemin).paragraphs]


def donnees(racine: Path, ordonnance: dict | None = None, suivi: dict | None = None, **autres) -> dict:
    """An ordonnance with an astreinte, the letter sent, two proofs of silence; real files on disk."""
    f.pdf(racine / "ordonnance.pdf", pages=2, text="Ordonnance n° 2612345")
    f.pdf(racine / "lettre.pdf", pages=1, text="Lettre au préfet et avis de réception")
    f.png_capture(racine / "c1.png", size=(600, 1300))
    f.jpeg_photo(racine / "c2.jpg", size=(1200, 900), orientation=6)
    base = {"numero": "2612345", "date": "2026-11-20", "date_notification": "2026-11-21", "issue": "injonction",
            "delai_jours": 15, "astreinte": {"montant_euros": 100}, "fichiers": ["ordonnance.pdf"]}
    suivi_base = {"courrier_prefet": {"date": "2026-12-08", "fichiers": ["lettre.pdf"]},
                  "constats": [{"date": "2026-12-16", "heure": "14:02", "constat": HOSTILE, "fichiers": ["c2.jpg"]},
                               {"date": "2026-12-09", "heure": "9:14", "constat": "« Aucun créneau disponible »",
                                "fichiers": ["c1.png"]}]}
    return {"requerant": copy.deepcopy(REQUERANT), "departement": "93", "titre": "carte de séjour « salarié »",
            "ordonnance": {**base, **(ordonnance or {})}, "suivi": {**suivi_base, **(suivi or {})}, **autres}


def charger(racine, *args, **kwargs):
    return ordonnance_depuis_donnees(donnees(racine, *args, **kwargs), racine)


# --- Checks and pièces -------------------------------------------------------------------------

def test_pieces_numerotees_ordonnance_en_premier_puis_lettre_puis_constats_par_date(tmp_path):
    pieces = pieces_execution(charger(tmp_path))
    assert [p.numero for p in pieces] == [1, 2, 3, 4]
    assert pieces[0].acte_attaque and pieces[0].sources == ("ordonnance",)
    assert not any(p.acte_attaque for p in pieces[1:])
    assert pieces[1].sources == ("suivi.courrier_prefet",)
    assert [p.sources[0] for p in pieces[2:]] == ["suivi.constats[2]", "suivi.constats[1]"]   # by date
    assert pieces[2].libelle == "Capture d'écran du 9 décembre 2026 à 9 h 14"
    for p in pieces:
        assert p.nom_fichier == nom_de_fichier(p.numero, p.libelle) and p.tampon == f"Pièce n° {p.numero}"


def test_avant_la_fin_du_delai_rien_n_est_possible(tmp_path):
    d = charger(tmp_path, suivi={"courrier_prefet": None, "constats": []})
    for pour in ("lettre", "demande"):
        erreurs = [p for p in problemes_execution(d, aujourd_hui=dt.date(2026, 12, 6), pour=pour) if p.gravite == "erreur"]
        assert [p.chemin for p in erreurs] == ["ordonnance.delai_jours"]
        assert "à partir du 7 décembre 2026" in erreurs[0].message
    assert not [p for p in problemes_execution(d, aujourd_hui=dt.date(2026, 12, 7), pour="lettre")
                if p.gravite == "erreur"]


def test_rejet_rendez_vous_ordonnance_absente_et_fichier_illisible_nomment_leur_champ(tmp_path):
    rejet = charger(tmp_path, {"issue": "rejet", "delai_jours": None, "astreinte": None, "motif_rejet": "urgence"})
    assert [p.chemin for p in problemes_execution(rejet, aujourd_hui=APRES)] == ["ordonnance.issue"]
    fait = charger(tmp_path, {"astreinte": None}, {"rendez_vous_le": "2026-12-10"})
    assert "suivi.rendez_vous_le" in [p.chemin for p in problemes_execution(fait, aujourd_hui=APRES) if p.gravite == "erreur"]
    sans = charger(tmp_path, {"fichiers": []})
    assert "ordonnance.fichiers" in [p.chemin for p in problemes_execution(sans, aujourd_hui=APRES) if p.gravite == "erreur"]
    (tmp_path / "faux.pdf").write_bytes(b"PK\x03\x04 une archive, pas un pdf")
    faux = charger(tmp_path, {"fichiers": ["faux.pdf"]})
    probleme = next(p for p in problemes_execution(faux, aujourd_hui=APRES) if p.gravite == "erreur")
    assert probleme.chemin == "ordonnance.fichiers[1]" and "faux.pdf" in probleme.message
    futur = charger(tmp_path, suivi={"constats": [{"date": "2027-01-05", "constat": "x", "fichiers": ["c1.png"]}]})
    assert "suivi.constats[1].date" in [p.chemin for p in problemes_execution(futur, aujourd_hui=APRES)]


# --- (a) The letter --------------------------------------------------------------------------

def test_lettre_au_prefet_relue(tmp_path):
    chemin = docx_lettre_prefet(charger(tmp_path), tmp_path / "lettre.docx", aujourd_hui=APRES)
    lignes = lignes_docx(chemin)
    texte = "\n".join(lignes)
    assert lignes[0] == "Awa DIALLO" and "Préfet de la Seine-Saint-Denis" in lignes
    assert "Montreuil, le 20 décembre 2026" in lignes
    assert "Lettre recommandée avec demande d'avis de réception" in lignes
    assert ("Par l'ordonnance n° 2612345 du 20 novembre 2026, qui m'a été notifiée le 21 novembre 2026, le juge des "
            "référés du tribunal administratif de Montreuil vous a enjoint de me fixer un rendez-vous") in texte
    assert "dans un délai de quinze jours à compter de la notification de l'ordonnance, sous astreinte de 100 euros " \
           "par jour de retard" in texte
    assert "Ce délai a expiré le 6 décembre 2026." in texte
    assert "le mercredi 9 décembre 2026 à 9 h 14 : « Aucun créneau disponible »" in lignes    # quoted once, not twice
    assert f"le mercredi 16 décembre 2026 à 14 h 02 : « {HOSTILE} »" in lignes                # placed, never evaluated
    assert "liquider l'astreinte (article L. 911-7 du même code)" in texte
    assert "Pièce jointe : copie de l'ordonnance n° 2612345 du 20 novembre 2026." in lignes


def test_lettre_sans_astreinte_ni_constat(tmp_path):
    d = charger(tmp_path, {"astreinte": None}, {"constats": []})
    texte = "\n".join(lignes_docx(docx_lettre_prefet(d, tmp_path / "l.docx", aujourd_hui=APRES)))
    assert "astreinte" not in texte and "de nouveau constaté" not in texte
    assert "d'en assurer l'exécution (article L. 911-4 du code de justice administrative)." in texte


# --- (b) The demande ---------------------------------------------------------------------------

def test_demande_d_execution_relue_a_la_troisieme_personne(tmp_path):
    d = charger(tmp_path)
    pieces = pieces_execution(d)
    lignes = lignes_docx(docx_demande_execution(d, pieces, tmp_path / "demande.docx", aujourd_hui=APRES))
    texte = "\n".join(lignes)
    assert lignes[:4] == ["TRIBUNAL ADMINISTRATIF DE MONTREUIL", "EXÉCUTION",
                          "Demande d'exécution de l'ordonnance n° 2612345 du 20 novembre 2026",
                          "(articles L. 911-4, L. 911-7 et R. 921-1-1 du code de justice administrative)"]
    assert "À Madame ou Monsieur le président du tribunal administratif de Montreuil, juge des référés" in lignes
    assert "Le préfet de la Seine-Saint-Denis" in lignes and "Requérante" in lignes
    assert "Par l'ordonnance n° 2612345 du 20 novembre 2026 (pièce n° 1)" in texte
    assert "Par une lettre du 8 décembre 2026 (pièce n° 2), la requérante a demandé" in texte
    assert "le mercredi 9 décembre 2026 à 9 h 14 : « Aucun créneau disponible » (pièce n° 3)" in lignes
    assert f"le mercredi 16 décembre 2026 à 14 h 02 : « {HOSTILE} » (pièce n° 4)" in lignes
    assert "selon ses propres termes" in texte
    assert "« la demande ne peut être présentée qu'à l'expiration de ce délai »" in texte
    assert "Le délai fixé par l'ordonnance a expiré le 6 décembre 2026 : la présente demande est recevable." in texte
    assert "soit quatorze jours (1 400 euros)" in texte
    assert "de procéder à la liquidation de l'astreinte prononcée par l'ordonnance n° 2612345 du 20 novembre 2026, " \
           "à compter du 7 décembre 2026." in lignes
    assert "Pièce n° 4 : Capture d'écran du 16 décembre 2026 à 14 h 02" in lignes
    # third person: the applicant never speaks as « je » outside her own quoted words
    sans_citations = re.sub(r"«[^»]*»", "", texte)
    assert not re.search(r"\b(je|j'|me|mon|ma|mes)\b", sans_citations, re.IGNORECASE)


def test_demande_sans_astreinte_en_demande_une(tmp_path):
    d = charger(tmp_path, {"astreinte": None})
    lignes = lignes_docx(docx_demande_execution(d, pieces_execution(d), tmp_path / "d.docx", aujourd_hui=APRES))
    texte = "\n".join(lignes)
    assert "(articles L. 911-4 et R. 921-1-1 du code de justice administrative)" in lignes
    assert "L. 911-7" not in texte
    assert "À Madame ou Monsieur le président du tribunal administratif de Montreuil" in lignes
    assert "dans un délai de huit jours à compter de la notification de la décision à intervenir, sous astreinte de " \
           "100 euros par jour de retard." in texte


def test_rendez_vous_tardif_sous_astreinte_liquidation_seule(tmp_path):
    d = charger(tmp_path, suivi={"rendez_vous_le": "2026-12-18"})
    problemes = problemes_execution(d, aujourd_hui=APRES)
    assert not [p for p in problemes if p.gravite == "erreur"]
    assert any(p.chemin == "suivi.rendez_vous_le" and "peut refuser" in p.message for p in problemes)
    texte = "\n".join(lignes_docx(docx_demande_execution(d, pieces_execution(d), tmp_path / "d.docx",
                                                         aujourd_hui=APRES)))
    assert "Demande de liquidation de l'astreinte de l'ordonnance n° 2612345" in texte
    assert "n'a fixé le rendez-vous que le 18 décembre 2026, soit douze jours après l'expiration du délai" in texte
    assert "soit onze jours (1 100 euros)" in texte          # 7 to 17 December
    assert "Sur la recevabilité" not in texte and "enjoignant" not in texte


# --- (c) The bundle, through the référé's checks ---------------------------------------------

def _verifier_depot(sortie: Path, manifeste) -> list[dict]:
    """The checks the référé's bundle passes (test_cli): names, numbering, stamps, manifest, zip."""
    donnees_manifeste = json.loads((sortie / "manifest.json").read_text(encoding="utf-8"))
    assert donnees_manifeste["tribunal"] == "Tribunal administratif de Montreuil"
    roles = [x["role"] for x in donnees_manifeste["fichiers"]]
    assert roles == ["requete", "requete_docx"] + ["piece"] * roles.count("piece") + \
        ["inventaire", "inventaire_docx", "guide"]
    pieces = [x for x in donnees_manifeste["fichiers"] if x["role"] == "piece"]
    assert [p["numero"] for p in pieces] == list(range(1, len(pieces) + 1))
    assert [p["acte_attaque"] for p in pieces] == [True] + [False] * (len(pieces) - 1)
    for p in pieces:
        nom = p["fichier"]
        assert re.fullmatch(r"\d{2}_[A-Za-z0-9_-]+\.pdf", nom) and len(nom) - 4 <= LONGUEUR_MAX_NOM
        assert nom.startswith(f"{p['numero']:02d}_") and nom == nom_de_fichier(p["numero"], p["libelle"])
        with pikepdf.open(sortie / nom) as pdf:
            assert len(pdf.pages) == p["pages"]
        texte = subprocess.run(["pdftotext", str(sortie / nom), "-"], capture_output=True, text=True, check=True).stdout
        assert f"Pièce n° {p['numero']}" in texte
        assert p["octets"] == (sortie / nom).stat().st_size <= Limites().taille_max_fichier
    with zipfile.ZipFile(sortie / "Depot_Telerecours.zip") as archive:
        assert set(archive.namelist()) == {x["fichier"] for x in donnees_manifeste["fichiers"]} | {"manifest.json"}
    assert [x.fichier for x in manifeste.fichiers] == [x["fichier"] for x in donnees_manifeste["fichiers"]]
    return pieces


def test_depot_d_execution_complet(tmp_path):
    d = charger(tmp_path)
    sortie = tmp_path / "depot"
    manifeste = construire_execution(d, sortie, aujourd_hui=APRES)
    pieces = _verifier_depot(sortie, manifeste)
    assert [p["fichier"] for p in pieces] == [
        "01_Ordonnance_de_refere_n_2612345_du_20_novembre_2026.pdf",
        "02_Lettre_au_prefet_du_8_decembre_2026_et_preuve_de_l_envoi.pdf",
        "03_Capture_d_ecran_du_9_decembre_2026_a_9_h_14.pdf",
        "04_Capture_d_ecran_du_16_decembre_2026_a_14_h_02.pdf"]
    requete = subprocess.run(["pdftotext", "-layout", str(sortie / "Requete.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "DEMANDE D'EXÉCUTION" in requete.upper() and "pièce n° 4" in requete
    inventaire = [c.text for t in Document(sortie / "Inventaire.docx").tables for r in t.rows for c in r.cells]
    assert "Ordonnance de référé n° 2612345 du 20 novembre 2026" in inventaire and "2" in inventaire
    assert lignes_docx(sortie / "Inventaire.docx")[1] == "EXÉCUTION"
    guide = (sortie / "Guide_depot.txt").read_text(encoding="utf-8")
    assert guide.startswith("DEMANDER L'EXÉCUTION DE L'ORDONNANCE SUR TÉLÉRECOURS CITOYENS")
    assert "Déposez le fichier 01_Ordonnance_de_refere_n_2612345_du_20_novembre_2026.pdf" in guide
    assert "tapez exactement : 04_Capture_d_ecran_du_16_decembre_2026_a_14_h_02" in guide
    assert "Ne choisissez pas « Référé »" in guide


def test_limites_du_portail_et_rien_d_ecrit(tmp_path):
    d = charger(tmp_path)
    sortie = tmp_path / "depot"
    with pytest.raises(DossierNonDeposable) as exc:
        construire_execution(d, sortie, aujourd_hui=APRES, limites=Limites(nombre_max_fichiers=4))
    assert "5 fichiers à déposer" in str(exc.value) and "au plus 4" in str(exc.value)
    assert not sortie.exists() and not list(tmp_path.glob(".depot*"))
    with pytest.raises(DossierNonDeposable) as exc:
        construire_execution(charger(tmp_path, {"fichiers": []}), sortie, aujourd_hui=APRES)
    assert exc.value.problemes[0].chemin == "ordonnance.fichiers"
    assert not sortie.exists()


# --- Command line ------------------------------------------------------------------------------

def _fichier(tmp_path, **kwargs) -> Path:
    chemin = tmp_path / "ordonnance.yml"
    chemin.write_text(yaml.safe_dump(donnees(tmp_path, **kwargs), allow_unicode=True), encoding="utf-8")
    return chemin


def lancer(*arguments):
    return subprocess.run([RDVREFERE, *map(str, arguments)], capture_output=True, text=True)


def test_cli_echeances(tmp_path):
    chemin = _fichier(tmp_path)
    sortie = lancer("echeances", chemin, "--date", "2026-12-01")
    assert sortie.returncode == 0, sortie.stderr
    assert "En attente du délai donné au préfet." in sortie.stdout
    assert "demande d'exécution possible à partir du lundi 7 décembre 2026" in sortie.stdout
    en_json = json.loads(lancer("echeances", chemin, "--date", "2026-12-20", "--json").stdout)
    assert en_json["code"] == "demande_execution"
    assert en_json["echeances"]["date_limite_prefet"] == "2026-12-06"
    assert lancer("echeances", tmp_path / "absent.yml").returncode == 2
    (tmp_path / "faux.yml").write_text(yaml.safe_dump({**donnees(tmp_path), "departement": "00"}), encoding="utf-8")
    faux = lancer("echeances", tmp_path / "faux.yml")
    assert faux.returncode == 1 and "departement" in faux.stdout and "Traceback" not in faux.stderr


def test_cli_execution_lettre_puis_depot(tmp_path):
    chemin = _fichier(tmp_path)
    trop_tot = lancer("execution", chemin, "--lettre", "--out", tmp_path / "l", "--date", "2026-12-05")
    assert trop_tot.returncode == 1 and "ordonnance.delai_jours" in trop_tot.stdout
    assert not (tmp_path / "l").exists()
    lettre = lancer("execution", chemin, "--lettre", "--out", tmp_path / "l", "--date", "2026-12-20")
    assert lettre.returncode == 0, lettre.stdout + lettre.stderr
    assert (tmp_path / "l" / "Lettre_prefet_execution.pdf").stat().st_size > 1000
    depot = lancer("execution", chemin, "--out", tmp_path / "depot", "--date", "2026-12-20")
    assert depot.returncode == 0, depot.stdout + depot.stderr
    assert "01_Ordonnance_de_refere_n_2612345_du_20_novembre_2026.pdf" in depot.stdout
    assert (tmp_path / "depot" / "Depot_Telerecours.zip").is_file()
    bloque = lancer("execution", chemin, "--out", tmp_path / "depot2", "--date", "2026-12-20", "--fichiers-max", "3")
    assert bloque.returncode == 1 and not (tmp_path / "depot2").exists()


def test_exemple_du_depot(tmp_path):
    exemple = Path(__file__).resolve().parents[1] / "examples" / "ordonnance-awa" / "ordonnance.yml"
    sortie = lancer("echeances", exemple, "--date", "2026-12-20")
    assert sortie.returncode == 0 and "Demandez maintenant au tribunal" in sortie.stdout
