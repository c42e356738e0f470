"""The register of dossiers transmis (registre.py), for real: SQLite in a temporary file for
the life of a dossier, a throwaway PostgreSQL cluster for the races between the client and
staff (marked `server`: it needs PostgreSQL's binaries, as scripts/server.sh does)."""

from __future__ import annotations

import copy
import glob
import hashlib
import io
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from docassemble.rdvrefere.personnel import APPROUVE, DEPOSE, PRET_A_RELIRE, ActionRefusee
from docassemble.rdvrefere.registre import CLIENT, DossierModifie, Registre
from docassemble.rdvrefere.transmission import appliquer, identite_d_element, materialiser, references
from dossiers import capture, donnees, pdf

STAFF = "marie.dupont@association.example"


# --- helpers ---------------------------------------------------------------------------------------

def _elements(data: dict):
    for liste in ("tentatives", "demarches", "pieces"):
        yield from data.get(liste) or []
    yield from (data.get("urgence") or {}).get("circonstances") or []


def transmis(registre: Registre, racine: Path, **changements) -> dict:
    """What the interview sends: the test dossier, its files added to the register and
    replaced by references."""
    data = donnees(racine, **changements)
    for i, nom in enumerate(("c1.png", "c2.png", "c3.png", "c4.png"), 1):
        capture(racine / nom, f"Aucun créneau, tentative {i} ({racine.name})")
    for nom in ("lrar.pdf", "contrat.pdf", "passeport.pdf", "titre.pdf"):  # each dossier its own contents
        pdf(racine / nom, (nom, racine.name))
    for element in _elements(data):
        element["fichiers"] = [{"nom": Path(f).name, "sha256": registre.ajouter_fichier(racine / f)}
                               for f in element.get("fichiers") or []]
    return data


def identite(data: dict, liste: str, rang: int) -> str:
    return identite_d_element(liste, data[liste][rang - 1])


def construire_depot(registre: Registre, dossier, sortie: Path) -> dict:
    """What the staff's « régénérer » records: the files the bundle was built from (here the
    materialised files themselves, zipped), their sha256, the zip's sha256 and the content's
    fingerprint read before building."""
    empreinte = dossier.empreinte_du_contenu
    _, sha_du_chemin = materialiser(dossier.donnees(), sortie, registre.ecrire_contenu)
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for chemin in sorted(sha_du_chemin):
            archive.write(chemin, Path(chemin).name)
    zip_sha = registre.ajouter_contenu(tampon.getvalue())
    return {"empreinte": empreinte, "manifeste": {"pieces": len(sha_du_chemin)},
            "fichiers": {Path(c).name: s for c, s in sha_du_chemin.items()}, "zip": zip_sha,
            "construit_le": "2026-11-02T10:00:00"}


def renommer(libelle: str, identite_piece: str):
    def modification(corrections, _dossier):
        corrections["libelles"][identite_piece] = libelle
    return modification


def etat(registre: Registre, identifiant: int) -> tuple:
    d = registre.lire(identifiant)
    return d.version, d.statut, d.corrections, d.depot, d.approbation, d.journal, len(d.envois), d.numero_affaire


# --- SQLite: the life of a dossier -------------------------------------------------------------------

@pytest.fixture
def registre(tmp_path) -> Registre:
    return Registre(f"sqlite:///{tmp_path / 'registre.db'}")


@pytest.fixture
def v1(registre, tmp_path) -> dict:
    return transmis(registre, tmp_path / "v1")


def test_vie_d_un_dossier(registre, v1, tmp_path):
    # the client transmits: ready for review, version 1, in the journal
    d, nouveau = registre.transmettre(7, "session-awa", v1)
    assert nouveau
    assert (d.version, d.statut, d.proprietaire, d.session) == (1, PRET_A_RELIRE, 7, "session-awa")
    assert [e.numero for e in d.envois] == [1] and d.envoi.donnees == v1
    assert [(e["qui"], e["code"]) for e in d.journal] == [(CLIENT, "envoi")]
    assert d.approbation is None and d.depot is None and not d.depot_a_jour
    assert registre.du_client(7, "session-awa").id == d.id
    assert registre.du_client(7, "autre") is None and registre.du_client(8, "session-awa") is None

    # the same data sent again (keys in another order): not a new version
    renvoi = dict(reversed(list(copy.deepcopy(v1).items())))
    d2, nouveau = registre.transmettre(7, "session-awa", renvoi)
    assert not nouveau
    assert (d2.id, d2.version, len(d2.envois), len(d2.journal)) == (d.id, 1, 1, 1)

    # a staff correction raises the version, in the journal under the staff member's name
    passeport = identite(v1, "pieces", 1)
    d = registre.corriger(d.id, 1, STAFF, "Pièce renommée : Passeport (pages 2 et 3)", "libelle",
                          renommer("Passeport (pages 2 et 3)", passeport))
    assert d.version == 2 and d.statut == PRET_A_RELIRE
    assert d.corrections["libelles"] == {passeport: "Passeport (pages 2 et 3)"}
    assert d.journal[-1] | {"quand": None} == {"quand": None, "qui": STAFF, "code": "libelle",
                                               "quoi": "Pièce renommée : Passeport (pages 2 et 3)"}
    assert d.envoi.donnees == v1  # the client's data is never touched

    # a correction based on version 1 is refused and changes nothing
    avant = etat(registre, d.id)
    with pytest.raises(DossierModifie, match="Le dossier a changé depuis que vous l'avez ouvert") as refus:
        registre.corriger(d.id, 1, "autre@association.example", "Pièce retirée", "piece",
                          lambda c, _d: c["retirees"].append(passeport))
    assert isinstance(refus.value, ActionRefusee)  # the staff screens show it like any refusal
    assert "rien n'a été modifié" in str(refus.value)
    assert etat(registre, d.id) == avant

    # the bundle is recorded from the current content, then approved: bound to the zip
    depot = construire_depot(registre, d, tmp_path / "depot1")
    d = registre.enregistrer_depot(d.id, 2, STAFF, "Dossier de dépôt régénéré", "depot", depot)
    assert d.version == 3 and d.depot_a_jour and d.depot["zip"] == depot["zip"] and d.depot["precedents"] == []
    d = registre.changer_statut(d.id, 3, STAFF, APPROUVE)
    assert d.statut == APPROUVE and d.version == 4
    assert d.approbation["zip"] == depot["zip"]
    assert d.approbation["empreinte"] == d.empreinte_du_contenu == depot["empreinte"]
    assert (d.approbation["version"], d.approbation["envoi"], d.approbation["qui"]) == (4, 1, STAFF)
    assert d.journal[-1]["code"] == "approuve" and depot["zip"][:12] in d.journal[-1]["quoi"]

    # the client sends a new version: the approval is withdrawn, staff corrections stay
    v2 = copy.deepcopy(v1)
    v2["requerant"]["telephone"] = "0699999999"
    v2["pieces"].reverse()
    d, nouveau = registre.transmettre(7, "session-awa", v2)
    assert nouveau
    assert (d.statut, d.approbation, d.version) == (PRET_A_RELIRE, None, 5)
    assert [e.numero for e in d.envois] == [1, 2] and d.envoi.donnees == v2
    assert d.journal[-1]["qui"] == CLIENT and d.journal[-1]["code"] == "envoi"
    assert d.journal[-1]["quoi"] == "Nouvelle version transmise par le client (version 2) : approbation retirée"
    assert d.corrections["libelles"] == {passeport: "Passeport (pages 2 et 3)"}
    assert d.donnees()["requerant"]["telephone"] == "0699999999"
    assert d.depot["zip"] == depot["zip"] and not d.depot_a_jour

    # approving with the bundle of version 1 is refused, with the reason, and changes nothing
    avant = etat(registre, d.id)
    with pytest.raises(ActionRefusee, match="Régénérez d'abord le dossier de dépôt"):
        registre.changer_statut(d.id, 5, STAFF, APPROUVE)
    with pytest.raises(ActionRefusee, match="Seul un dossier approuvé peut être marqué comme déposé"):
        registre.changer_statut(d.id, 5, STAFF, DEPOSE, numero_affaire="2612345")
    assert etat(registre, d.id) == avant

    # bundle again (the previous one kept), blocking errors refuse the approval, then approve
    depot2 = construire_depot(registre, d, tmp_path / "depot2")
    d = registre.enregistrer_depot(d.id, None, STAFF, "Dossier de dépôt régénéré", "depot", depot2)
    assert d.depot_a_jour and d.depot["precedents"][0]["zip"] == depot["zip"]
    with pytest.raises(ActionRefusee, match="erreurs bloquantes"):
        registre.changer_statut(d.id, d.version, STAFF, APPROUVE, erreurs_bloquantes=2)
    d = registre.changer_statut(d.id, d.version, STAFF, APPROUVE)
    assert d.statut == APPROUVE and d.approbation["zip"] == depot2["zip"] and d.approbation["envoi"] == 2

    # filed: needs the court's case number
    version = d.version
    for mauvais in (None, "", "12", "26123456", "abc1234"):
        with pytest.raises(ActionRefusee, match="numéro d'affaire|n'est pas un numéro"):
            registre.changer_statut(d.id, version, STAFF, DEPOSE, numero_affaire=mauvais)
    assert registre.lire(d.id).statut == APPROUVE and registre.lire(d.id).version == version
    d = registre.changer_statut(d.id, version, STAFF, DEPOSE, numero_affaire="n° 2612 345/1")
    assert (d.statut, d.numero_affaire) == (DEPOSE, "2612345/1")
    assert d.approbation["zip"] == depot2["zip"]  # what was filed stays known
    assert d.journal[-1]["code"] == "depose" and "2612345/1" in d.journal[-1]["quoi"]

    # a filed dossier is frozen for staff
    avant = etat(registre, d.id)
    with pytest.raises(ActionRefusee, match="déposé au tribunal"):
        registre.corriger(d.id, d.version, STAFF, "Pièce retirée", "piece", lambda c, _d: c["retirees"].append(passeport))
    with pytest.raises(ActionRefusee, match="déposé au tribunal"):
        registre.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot", depot2)
    with pytest.raises(ActionRefusee):
        registre.changer_statut(d.id, d.version, STAFF, APPROUVE)
    assert etat(registre, d.id) == avant

    # a version sent after the filing is recorded, said in the journal, the status stays
    v3 = copy.deepcopy(v2)
    v3["requerant"]["telephone"] = "0611111111"
    d, nouveau = registre.transmettre(7, "session-awa", v3)
    assert nouveau and d.statut == DEPOSE and d.numero_affaire == "2612345/1"
    assert "après le dépôt au tribunal" in d.journal[-1]["quoi"]

    # the journal tells the whole story, in order
    assert [e["code"] for e in d.journal] == ["envoi", "libelle", "depot", "approuve", "envoi", "depot",
                                             "approuve", "depose", "envoi"]


def test_correction_d_un_dossier_approuve_retire_l_approbation(registre, v1, tmp_path):
    d, _ = registre.transmettre(1, "s", v1)
    d = registre.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot",
                                   construire_depot(registre, d, tmp_path / "depot"))
    d = registre.changer_statut(d.id, d.version, STAFF, APPROUVE)
    d = registre.corriger(d.id, d.version, STAFF, "Demandes au juge modifiées", "conclusions",
                          lambda c, _d: c["conclusions"].update(delai_jours=8, delai_rdv_jours=None, astreinte_euros=150))
    assert (d.statut, d.approbation) == (PRET_A_RELIRE, None)
    assert d.journal[-1]["quoi"] == "Demandes au juge modifiées (approbation retirée : le dossier a changé)"
    assert d.donnees()["conclusions"]["delai_jours"] == 8
    assert not d.depot_a_jour  # the corrections are part of what the bundle is built from
    with pytest.raises(ActionRefusee, match="Régénérez d'abord"):
        registre.changer_statut(d.id, d.version, STAFF, APPROUVE)


def test_retirer_l_approbation(registre, v1, tmp_path):
    d, _ = registre.transmettre(1, "s", v1)
    with pytest.raises(ActionRefusee):
        registre.changer_statut(d.id, d.version, STAFF, PRET_A_RELIRE)  # not approved
    d = registre.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot",
                                   construire_depot(registre, d, tmp_path / "depot"))
    d = registre.changer_statut(d.id, d.version, STAFF, APPROUVE)
    d = registre.changer_statut(d.id, d.version, STAFF, PRET_A_RELIRE)
    assert (d.statut, d.approbation, d.journal[-1]["code"]) == (PRET_A_RELIRE, None, "desapprouve")
    assert d.depot_a_jour  # nothing changed: approving again needs no new bundle
    assert registre.changer_statut(d.id, d.version, STAFF, APPROUVE).statut == APPROUVE


def test_depot_construit_pendant_une_modification_reste_perime(registre, v1, tmp_path):
    d, _ = registre.transmettre(1, "s", v1)
    depot = construire_depot(registre, d, tmp_path / "depot")  # built from version 1…
    d = registre.corriger(d.id, d.version, STAFF, "Pièce retirée", "piece",
                          lambda c, _d: c["retirees"].append(identite(v1, "pieces", 2)))  # …changed meanwhile
    d = registre.enregistrer_depot(d.id, None, STAFF, "Dossier de dépôt régénéré", "depot", depot)
    assert d.depot["zip"] == depot["zip"] and not d.depot_a_jour
    assert d.journal[-1]["quoi"].endswith("le dossier a changé pendant la construction : régénérez-le de nouveau")
    with pytest.raises(ActionRefusee, match="Régénérez d'abord le dossier de dépôt"):
        registre.changer_statut(d.id, d.version, STAFF, APPROUVE)


def test_nouveau_depot_retire_l_approbation_d_un_autre(registre, v1, tmp_path):
    d, _ = registre.transmettre(1, "s", v1)
    d = registre.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot",
                                   construire_depot(registre, d, tmp_path / "d1"))
    d = registre.changer_statut(d.id, d.version, STAFF, APPROUVE)
    autre = construire_depot(registre, d, tmp_path / "d2") | {"zip": registre.ajouter_contenu(b"autre zip")}
    d = registre.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot", autre)
    assert (d.statut, d.approbation) == (PRET_A_RELIRE, None)
    assert "(approbation retirée)" in d.journal[-1]["quoi"]


def test_correction_refusee_par_la_modification_ne_change_rien(registre, v1):
    d, _ = registre.transmettre(1, "s", v1)
    avant = etat(registre, d.id)

    def tentative_retiree(corrections, _dossier):
        corrections["retirees"].append("x")
        raise ActionRefusee("Les captures des tentatives ne peuvent pas être retirées.")
    with pytest.raises(ActionRefusee, match="ne peuvent pas être retirées"):
        registre.corriger(d.id, d.version, STAFF, "Pièce retirée", "piece", tentative_retiree)
    assert etat(registre, d.id) == avant
    with pytest.raises(ActionRefusee, match="introuvable"):
        registre.corriger(999, 1, STAFF, "x", "x", lambda c, _d: None)


def test_corrections_appliquees_a_la_derniere_version(registre, v1, tmp_path):
    d, _ = registre.transmettre(1, "s", v1)
    ajoutee = {"libelle": "Attestation de l'employeur", "categorie": "autre",
               "fichiers": [{"nom": "attestation.pdf",
                             "sha256": registre.ajouter_fichier(pdf(tmp_path / "attestation.pdf", ("Attestation",)))}]}
    d = registre.corriger(d.id, d.version, STAFF, "Pièce ajoutée", "piece",
                          lambda c, _d: c["ajoutees"].append(ajoutee))
    d = registre.corriger(d.id, d.version, STAFF, "Pièce retirée", "piece",
                          lambda c, _d: c["retirees"].append(identite(v1, "pieces", 2)))
    v2 = copy.deepcopy(v1)
    v2["pieces"].reverse()
    d, _ = registre.transmettre(1, "s", v2)
    assert [p["libelle"] for p in d.donnees()["pieces"]] == ["Passeport", "Attestation de l'employeur"]
    assert d.donnees() == appliquer(v2, d.corrections)


def test_contenus_dedupliques_et_shas_de_chaque_dossier(registre, tmp_path):
    a1 = transmis(registre, tmp_path / "a")
    b1 = transmis(registre, tmp_path / "b")
    with registre.engine.connect() as cx:
        lignes = cx.execute(text("select count(*) from rdvrefere_contenu")).scalar()
    a, _ = registre.transmettre(1, "a", a1)
    b, _ = registre.transmettre(2, "b", b1)

    # contents are kept once, whoever sends them, however many times
    octets = (tmp_path / "a" / "passeport.pdf").read_bytes()
    sha = hashlib.sha256(octets).hexdigest()
    assert registre.ajouter_contenu(octets) == sha == registre.ajouter_fichier(tmp_path / "a" / "passeport.pdf")
    with registre.engine.connect() as cx:
        assert cx.execute(text("select count(*) from rdvrefere_contenu")).scalar() == lignes
        assert cx.execute(text("select taille from rdvrefere_contenu where sha256 = :s"), {"s": sha}).scalar() == len(octets)
    assert registre.contenu(sha) == octets
    with pytest.raises(KeyError):
        registre.contenu("0" * 64)
    destination = tmp_path / "copie.pdf"
    registre.ecrire_contenu(sha, destination)
    assert destination.read_bytes() == octets

    # A: a second version with a new passport, a staff addition, a bundle
    a2 = copy.deepcopy(a1)
    nouveau_passeport = registre.ajouter_fichier(pdf(tmp_path / "a2" / "passeport.pdf", ("Nouveau scan",)))
    a2["pieces"][0]["fichiers"] = [{"nom": "passeport.pdf", "sha256": nouveau_passeport}]
    a, _ = registre.transmettre(1, "a", a2)
    ajoutee = registre.ajouter_contenu(b"%PDF-1.4 attestation")
    a = registre.corriger(a.id, a.version, STAFF, "Pièce ajoutée", "piece", lambda c, _d: c["ajoutees"].append(
        {"libelle": "Attestation", "categorie": "autre", "fichiers": [{"nom": "att.pdf", "sha256": ajoutee}]}))
    depot = construire_depot(registre, a, tmp_path / "depot")
    depot["fichiers"]["Inventaire.pdf"] = registre.ajouter_contenu(b"%PDF-1.4 inventaire")
    a = registre.enregistrer_depot(a.id, a.version, STAFF, "Dossier de dépôt régénéré", "depot", depot)
    a = registre.changer_statut(a.id, a.version, STAFF, APPROUVE)

    attendus_a = ({f["sha256"] for f in references(a1)} | {f["sha256"] for f in references(a2)}
                  | {ajoutee, depot["zip"], depot["fichiers"]["Inventaire.pdf"]})
    assert registre.lire(a.id).shas() == attendus_a
    assert set(depot["fichiers"].values()) <= attendus_a
    assert {f["sha256"] for f in references(a1)} - {nouveau_passeport} <= registre.lire(a.id).shas()
    assert registre.lire(b.id).shas() == {f["sha256"] for f in references(b1)}
    assert not registre.lire(a.id).shas() & registre.lire(b.id).shas()  # nothing of another dossier
    with registre.engine.connect() as cx:
        tous = set(cx.execute(text("select sha256 from rdvrefere_contenu")).scalars())
    assert attendus_a | registre.lire(b.id).shas() <= tous


def test_liste_du_personnel_et_registre_rouvert(registre, v1, tmp_path):
    a, _ = registre.transmettre(1, "a", v1)
    v2 = copy.deepcopy(v1)
    v2["departement"] = "75"
    registre.transmettre(1, "a", v2)
    b, _ = registre.transmettre(2, "b", v1)
    tous = {d.id: d for d in Registre(str(registre.engine.url)).tous()}  # tables already there
    assert set(tous) == {a.id, b.id}
    assert [e.numero for e in tous[a.id].envois] == [2] and tous[a.id].envoi.donnees["departement"] == "75"
    assert tous[a.id].version == 2 and tous[b.id].version == 1



def test_dernier_dossier_du_proprietaire_toutes_sessions(registre, v1, tmp_path):
    """A new session finds the user's latest dossier transmis, whichever session sent it (after a
    password reset docassemble can no longer open the old, encrypted session)."""
    assert registre.dernier_du_proprietaire(1) is None
    a, _ = registre.transmettre(1, "a", v1)
    b, _ = registre.transmettre(2, "b", transmis(registre, tmp_path / "b"))  # another user
    assert registre.dernier_du_proprietaire(1).id == a.id and registre.dernier_du_proprietaire(2).id == b.id
    v2 = copy.deepcopy(v1)
    v2["departement"] = "75"
    c, _ = registre.transmettre(1, "c", v2)
    dernier = registre.dernier_du_proprietaire(1)
    assert (dernier.id, dernier.session, dernier.envoi.donnees) == (c.id, "c", v2)  # same second: the later one
    # the most recently modified, not the most recently created: A's session sends a new version
    v3 = copy.deepcopy(v1)
    v3["departement"] = "92"
    registre.transmettre(1, "a", v3)
    with registre.engine.begin() as cx:
        for identifiant, quand in ((c.id, "2026-11-01 10:00:00"), (a.id, "2026-11-02 09:00:00")):
            cx.execute(text("update rdvrefere_dossier set modifie_le = :q where id = :i"), {"q": quand, "i": identifiant})
    dernier = registre.dernier_du_proprietaire(1)
    assert (dernier.id, dernier.proprietaire, dernier.session) == (a.id, 1, "a")
    assert [e.numero for e in dernier.envois] == [1, 2] and dernier.envoi.donnees == v3
    assert registre.dernier_du_proprietaire(2).id == b.id and registre.dernier_du_proprietaire(3) is None

# --- PostgreSQL: races ---------------------------------------------------------------------------------

def _pg_bin() -> Path:
    dossiers = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: [int(n) for n in re.findall(r"\d+", d)])
    if not dossiers:
        pytest.fail("PostgreSQL not installed (make system)")
    return Path(dossiers[-1])


def _comme_postgres(commande: list) -> list[str]:
    """initdb and postgres refuse root: as scripts/server.sh, run them as the postgres user."""
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + [str(c) for c in commande]


def _port_libre(depart: int = 5491) -> int:
    for port in range(depart, depart + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port for PostgreSQL")


@pytest.fixture(scope="module")
def postgresql():
    """A throwaway PostgreSQL cluster in /tmp (stopped and removed at the end): the races need
    a database that really locks rows, and these tests never touch the server's own data."""
    binaires = _pg_bin()
    racine = Path(tempfile.mkdtemp(prefix="rdvrefere-pg-", dir="/tmp"))
    racine.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(racine, "postgres", "postgres")
    data, journal = racine / "data", racine / "server.log"
    demarre = False
    try:
        fait = subprocess.run(_comme_postgres([binaires / "initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                               "-E", "UTF8", "--locale=C"]),
                              capture_output=True, text=True, timeout=120)
        if fait.returncode:
            pytest.fail(f"initdb failed:\n{fait.stdout}\n{fait.stderr}")
        port = _port_libre()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {racine} -c fsync=off -c full_page_writes=off "
                   "-c synchronous_commit=off -c max_connections=100")
        # the server inherits pg_ctl's outputs: never pipes, or run() would wait for it to exit
        fait = subprocess.run(_comme_postgres([binaires / "pg_ctl", "-D", data, "-l", journal, "-w", "-t", "60",
                                               "-o", options, "start"]),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)
        demarre = True
        if fait.returncode:
            pytest.fail(f"PostgreSQL did not start:\n{journal.read_text() if journal.exists() else ''}")
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        if demarre:
            subprocess.run(_comme_postgres([binaires / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(racine, ignore_errors=True)


@pytest.fixture
def registre_pg(postgresql):
    """A register in a database of its own, dropped after the test."""
    nom = f"rdvrefere_{secrets.token_hex(4)}"
    admin = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    with admin.connect() as cx:
        cx.execute(text(f'create database "{nom}"'))
    moteur = create_engine(make_url(postgresql).set(database=nom), pool_size=20, max_overflow=20)
    try:
        yield Registre(moteur)
    finally:
        moteur.dispose()
        with admin.connect() as cx:
            cx.execute(text(f'drop database "{nom}" with (force)'))
        admin.dispose()


def en_meme_temps(*fonctions) -> list:
    """Run the functions in threads started together; their results or exceptions, in order."""
    barriere = threading.Barrier(len(fonctions))
    resultats: list = [None] * len(fonctions)

    def lancer(i, fonction):
        barriere.wait()
        try:
            resultats[i] = fonction()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            resultats[i] = exc

    fils = [threading.Thread(target=lancer, args=(i, f)) for i, f in enumerate(fonctions)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(120)
    assert not any(f.is_alive() for f in fils), "a thread is stuck (a lock never released?)"
    return resultats


DONNEES = {"requerant": {"nom": "Diallo", "prenoms": "Awa"}, "departement": "93",
           "tentatives": [{"date": "2026-10-05", "heure": "09:00", "constat": "aucun créneau",
                           "fichiers": [{"nom": "c1.png", "sha256": "a" * 64}]}],
           "pieces": [{"libelle": "Passeport", "categorie": "identite",
                       "fichiers": [{"nom": "passeport.pdf", "sha256": "b" * 64}]}]}


def version_du_client(numero: int) -> dict:
    data = copy.deepcopy(DONNEES)
    data["requerant"]["telephone"] = f"06000000{numero:02d}"
    return data


@pytest.mark.server
@pytest.mark.parametrize("verrou_tenu", [0, 0.05])
def test_corrections_simultanees_une_seule_reussit(registre_pg, verrou_tenu):
    """8 staff members write from the same version: one wins, the others are told, the
    journal and the version say one write."""
    d, _ = registre_pg.transmettre(1, "s", DONNEES)

    def correction(i):
        def modification(corrections, _dossier):
            time.sleep(verrou_tenu)  # holding the row: the others wait behind it
            corrections["libelles"]["b" * 64] = f"Passeport, libellé {i}"
        return lambda: registre_pg.corriger(d.id, d.version, f"membre{i}@association.example",
                                            f"Pièce renommée : libellé {i}", "libelle", modification)

    resultats = en_meme_temps(*(correction(i) for i in range(8)))
    reussis = [i for i, r in enumerate(resultats) if not isinstance(r, Exception)]
    assert len(reussis) == 1, resultats
    assert all(isinstance(r, DossierModifie) for i, r in enumerate(resultats) if i not in reussis), resultats
    gagnant = reussis[0]
    final = registre_pg.lire(d.id)
    assert final.version == d.version + 1
    assert final.corrections["libelles"] == {"b" * 64: f"Passeport, libellé {gagnant}"}
    assert [(e["qui"], e["quoi"]) for e in final.journal if e.get("code") == "libelle"] == [
        (f"membre{gagnant}@association.example", f"Pièce renommée : libellé {gagnant}")]
    assert len(final.journal) == 2


@pytest.mark.server
def test_version_du_client_et_corrections_du_personnel_jamais_perdues(registre_pg):
    """The client sends a new version while three staff members correct (each reads the
    dossier, then writes with the version read, and tries again when refused), at random
    moments, 20 times: the client's version is always recorded, every correction reported as
    done is there, none reported as refused is, and the version counts every write."""
    alea = random.Random(20261102)
    milieu = refus_total = 0
    for tour in range(20):
        session = f"session-{tour}"
        d, _ = registre_pg.transmettre(1, session, version_du_client(1))
        reussies, refusees = [], []
        attentes = [alea.uniform(0, 0.02) for _ in range(40)]

        def client():
            time.sleep(attentes[0])
            return registre_pg.transmettre(1, session, version_du_client(2))

        def membre(k):
            def agir():
                for essai in range(3):
                    vu = registre_pg.lire(d.id)
                    time.sleep(attentes[1 + 3 * k + essai])
                    cle = f"{tour}-{k}-{essai}"

                    def modification(corrections, _dossier, cle=cle, k=k, essai=essai):
                        time.sleep(attentes[20 + 3 * k + essai] / 4)
                        corrections["libelles"][cle] = f"Libellé {cle}"
                    try:
                        registre_pg.corriger(d.id, vu.version, f"membre{k}@association.example",
                                             f"Pièce renommée : {cle}", "libelle", modification)
                        reussies.append(cle)
                    except DossierModifie:
                        refusees.append(cle)
            return agir

        resultats = en_meme_temps(client, membre(0), membre(1), membre(2))
        assert not any(isinstance(r, Exception) for r in resultats), resultats
        _, nouveau = resultats[0]
        assert nouveau

        final = registre_pg.lire(d.id)
        assert [e.numero for e in final.envois] == [1, 2]
        assert final.envoi.donnees == version_du_client(2)
        assert set(final.corrections["libelles"]) == set(reussies)
        assert not set(refusees) & set(final.corrections["libelles"])
        assert final.version == 1 + 1 + len(reussies)
        codes = [e["code"] for e in final.journal]
        assert codes.count("envoi") == 2 and codes.count("libelle") == len(reussies)
        assert sorted(e["quoi"].removeprefix("Pièce renommée : ") for e in final.journal if e["code"] == "libelle") \
            == sorted(reussies)
        assert final.statut == PRET_A_RELIRE
        assert registre_pg.du_client(1, session).id == d.id
        position = codes.index("envoi", 1)
        milieu += 1 < position < len(codes) - 1
        refus_total += len(refusees)
    # the races really happened: refusals, and client versions landing between staff writes
    assert refus_total > 0
    assert milieu > 0


@pytest.mark.server
def test_approbation_et_nouvelle_version_du_client_en_meme_temps(registre_pg):
    """Staff approve while the client sends a new version, 20 times: whichever comes first,
    the dossier never ends approved on content the bundle was not built from."""
    alea = random.Random(911)
    approuve_puis_retire = refuse = 0
    for tour in range(20):
        session = f"approbation-{tour}"
        d, _ = registre_pg.transmettre(1, session, version_du_client(1))
        depot = {"empreinte": d.empreinte_du_contenu, "fichiers": {}, "zip": hashlib.sha256(session.encode()).hexdigest()}
        d = registre_pg.enregistrer_depot(d.id, d.version, STAFF, "Dossier de dépôt régénéré", "depot", depot)
        assert d.depot_a_jour
        a, b = alea.uniform(0, 0.01), alea.uniform(0, 0.01)

        def client():
            time.sleep(a)
            return registre_pg.transmettre(1, session, version_du_client(2))

        def approuver():
            time.sleep(b)
            return registre_pg.changer_statut(d.id, d.version, STAFF, APPROUVE)

        envoi, approbation = en_meme_temps(client, approuver)
        assert not isinstance(envoi, Exception), envoi
        final = registre_pg.lire(d.id)
        assert final.envoi.numero == 2 and final.statut == PRET_A_RELIRE and final.approbation is None
        assert not final.depot_a_jour
        if isinstance(approbation, Exception):
            assert isinstance(approbation, DossierModifie), approbation
            assert [e["code"] for e in final.journal] == ["envoi", "depot", "envoi"]
            refuse += 1
        else:
            assert [e["code"] for e in final.journal] == ["envoi", "depot", "approuve", "envoi"]
            assert final.journal[-1]["quoi"].endswith("approbation retirée")
            approuve_puis_retire += 1
        assert final.version == d.version + 1 + (not isinstance(approbation, Exception))
    assert approuve_puis_retire + refuse == 20


@pytest.mark.server
def test_premiers_envois_simultanes_d_une_session(registre_pg):
    """A double click on « transmettre »: one dossier per session, never two."""
    resultats = en_meme_temps(*(lambda: registre_pg.transmettre(3, "double-clic", DONNEES) for _ in range(8)))
    assert not any(isinstance(r, Exception) for r in resultats), resultats
    assert len({d.id for d, _ in resultats}) == 1
    assert [nouveau for _, nouveau in resultats].count(True) == 1
    d = registre_pg.du_client(3, "double-clic")
    assert [e.numero for e in d.envois] == [1] and d.version == 1 and len(d.journal) == 1

    # different versions at once: one dossier, every version recorded once, in some order
    resultats = en_meme_temps(*(lambda n=n: registre_pg.transmettre(4, "versions", version_du_client(n)) for n in range(6)))
    assert not any(isinstance(r, Exception) for r in resultats), resultats
    assert len({d.id for d, _ in resultats}) == 1 and all(nouveau for _, nouveau in resultats)
    d = registre_pg.du_client(4, "versions")
    assert [e.numero for e in d.envois] == [1, 2, 3, 4, 5, 6]
    assert sorted(e.donnees["requerant"]["telephone"] for e in d.envois) == sorted(
        version_du_client(n)["requerant"]["telephone"] for n in range(6))
    assert d.version == 6 and len(d.journal) == 6
    assert len([x for x in registre_pg.tous() if x.proprietaire == 4]) == 1


@pytest.mark.server
def test_meme_contenu_ajoute_en_meme_temps(registre_pg):
    octets = secrets.token_bytes(50_000)
    resultats = en_meme_temps(*(lambda: registre_pg.ajouter_contenu(octets) for _ in range(8)))
    assert resultats == [hashlib.sha256(octets).hexdigest()] * 8
    with registre_pg.engine.connect() as cx:
        assert cx.execute(text("select count(*) from rdvrefere_contenu")).scalar() == 1
    assert registre_pg.contenu(resultats[0]) == octets
