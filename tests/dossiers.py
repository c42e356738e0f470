"""Dossiers for the tests: a valid base case, as plain data, with real small files on disk."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas

AUJOURD_HUI = dt.date(2026, 11, 2)


def capture(chemin: Path, texte: str = "Aucun créneau disponible") -> Path:
    """A small real PNG screenshot."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (390, 844), "white")
    ImageDraw.Draw(image).text((20, 100), texte, fill="black")
    image.save(chemin)
    return chemin


def pdf(chemin: Path, lignes: tuple[str, ...] = ("Document",), pages: int = 1) -> Path:
    """A small real PDF with text."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    page = canvas.Canvas(str(chemin))
    for numero in range(pages):
        for i, ligne in enumerate(lignes):
            page.drawString(72, 760 - 16 * i, f"{ligne} (p. {numero + 1})")
        page.showPage()
    page.save()
    return chemin


BASE = {
    "requerant": {
        "nom": "Diallo", "prenoms": "Awa", "sexe": "F", "date_naissance": "1990-04-12",
        "lieu_naissance": "Bamako (Mali)", "nationalite": "malienne",
        "adresse": "12 rue des Lilas, 93100 Montreuil", "telephone": "0612345678",
        "courriel": "awa@example.org",
    },
    "departement": "93",
    "demande": {"nature": "renouvellement", "titre": "carte de séjour « salarié »", "date_expiration": "2026-12-15"},
    "blocage": {"type": "aucun_creneau", "plateforme": "site de la préfecture"},
    "tentatives": [
        {"date": "2026-10-05", "heure": "09:00", "constat": "aucun créneau", "fichiers": ["c1.png"]},
        {"date": "2026-10-07", "heure": "14:30", "constat": "aucun créneau", "fichiers": ["c2.png"]},
        {"date": "2026-10-14", "heure": "10:00", "constat": "aucun créneau", "fichiers": ["c3.png"]},
        {"date": "2026-10-21", "heure": "11:00", "constat": "aucun créneau", "fichiers": ["c4.png"]},
    ],
    "demarches": [
        {"date": "2026-10-16", "nature": "lrar", "description": "demande de rendez-vous", "fichiers": ["lrar.pdf"]},
    ],
    "urgence": {"circonstances": [{"texte": "Mon titre expire bientôt.", "fichiers": ["contrat.pdf"]}]},
    "pieces": [
        {"libelle": "Passeport", "categorie": "identite", "fichiers": ["passeport.pdf"]},
        {"libelle": "Titre de séjour", "categorie": "sejour", "fichiers": ["titre.pdf"]},
    ],
}


def donnees(racine: Path, **changements) -> dict:
    """The base case with top-level keys replaced; writes every file it names into `racine`."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changements))
    for nom in ("c1.png", "c2.png", "c3.png", "c4.png"):
        capture(racine / nom)
    for nom in ("lrar.pdf", "contrat.pdf", "passeport.pdf", "titre.pdf"):
        pdf(racine / nom, (nom,))
    return data


def en_references(valeur, racine: Path, registre):
    """The dossier's file names → {nom, sha256}, each content added to the register: the data a
    client's session transmits (transmission.py)."""
    if isinstance(valeur, dict):
        return {k: ([{"nom": n, "sha256": registre.ajouter_fichier(racine / n)} for n in v]
                    if k == "fichiers" else en_references(v, racine, registre)) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [en_references(v, racine, registre) for v in valeur]
    return valeur


def dossier_depose(registre, proprietaire: int, session: str, racine: Path, nom: str) -> int:
    """The base dossier under the name `nom`, transmitted by its client and filed by the team as
    the staff screens leave it (statut « déposé », a numéro d'affaire, a new version), written to
    the register directly; its id."""
    import json  # noqa: PLC0415
    from sqlalchemy import text  # noqa: PLC0415
    brutes = donnees(racine)
    brutes["requerant"] = {**brutes["requerant"], "nom": nom}
    references = en_references(json.loads(json.dumps(brutes, default=str)), racine, registre)
    transmis, _ = registre.transmettre(proprietaire, session, references)
    with registre.engine.begin() as cx:
        cx.execute(text("UPDATE rdvrefere_dossier SET statut = 'déposé', numero_affaire = '2612345', "
                        "version = version + 1 WHERE id = :id"), {"id": transmis.id})
    return transmis.id
