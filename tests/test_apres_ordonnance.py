"""Issue 12, the staff side without a server: the client's ordonnance versions in the register
(found by owner AND référé session, never a status), the staff's statuses after the filing, the
next deadline the staff list shows, and the reminder at the end of the préfet's délai."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from docassemble.rdvrefere.dossier import lire_donnees
from docassemble.rdvrefere.personnel import ActionRefusee, prochaine_echeance
from docassemble.rdvrefere.rappels import Echeance, composer, programmer, rappels_dus
from docassemble.rdvrefere.registre import Registre
from docassemble.rdvrefere.transmission import vers_json

EXEMPLE = Path(__file__).resolve().parent.parent / "examples" / "ordonnance-awa" / "ordonnance.yml"


def _ordonnance(registre: Registre) -> dict:
    """The example's data as the interview sends it: JSON, files as references."""
    donnees = vers_json(lire_donnees(EXEMPLE, "ordonnance"))
    sha = registre.ajouter_contenu(b"%PDF-1.4 ordonnance")
    donnees["ordonnance"]["fichiers"] = [{"nom": "ordonnance.pdf", "sha256": sha}]
    donnees["suivi"]["courrier_prefet"]["fichiers"] = []
    for constat in donnees["suivi"]["constats"]:
        constat["fichiers"] = []
    return donnees


@pytest.fixture
def registre(tmp_path):
    return Registre(f"sqlite:///{tmp_path / 'registre.db'}")


def test_la_version_du_client_ne_touche_pas_au_statut(registre):
    transmis, _ = registre.transmettre(7, "refere-a", {"requerant": {"nom": "Diallo"}})
    with registre.engine.begin() as cx:
        cx.execute(text("UPDATE rdvrefere_dossier SET statut = 'déposé' WHERE id = :id"), {"id": transmis.id})
    donnees = _ordonnance(registre)
    apres, nouvelle = registre.transmettre_ordonnance(7, "refere-a", donnees)
    assert nouvelle and apres.statut == "déposé" and apres.ordonnance.numero == 1
    assert apres.version == transmis.version + 1            # a staff write based on the old version is refused
    assert donnees["ordonnance"]["fichiers"][0]["sha256"] in apres.shas()   # staff may open the ordonnance
    assert apres.journal[-1]["code"] == "ordonnance_client"
    # the same answers again: no new version
    assert registre.transmettre_ordonnance(7, "refere-a", donnees)[1] is False
    # another owner, or another session of the same owner: refused, nothing written
    for proprietaire, session in ((8, "refere-a"), (7, "refere-b")):
        with pytest.raises(ActionRefusee):
            registre.transmettre_ordonnance(proprietaire, session, donnees)
    assert len(registre.lire(transmis.id).ordonnances) == 1
    # the staff's list reads the latest version only
    assert registre.tous()[0].ordonnance.numero == 1


def test_les_statuts_apres_le_depot(registre):
    transmis, _ = registre.transmettre(7, "refere-a", {"requerant": {"nom": "Diallo"}})
    with pytest.raises(ActionRefusee, match="Seul un dossier déposé"):
        registre.changer_statut(transmis.id, transmis.version, "juriste@asso", "ordonnance reçue")
    with registre.engine.begin() as cx:
        cx.execute(text("UPDATE rdvrefere_dossier SET statut = 'déposé' WHERE id = :id"), {"id": transmis.id})
    d = registre.lire(transmis.id)
    d = registre.changer_statut(d.id, d.version, "juriste@asso", "ordonnance reçue")
    d = registre.changer_statut(d.id, d.version, "juriste@asso", "exécution demandée")
    with pytest.raises(ActionRefusee):
        registre.changer_statut(d.id, d.version, "juriste@asso", "rejetée")
    d = registre.changer_statut(d.id, d.version, "juriste@asso", "exécutée")
    assert d.statut == "exécutée"
    assert [e["code"] for e in d.journal][-3:] == ["ordonnance", "execution_demandee", "executee"]
    # a client's new version after the filing keeps the status
    apres, _ = registre.transmettre(7, "refere-a", {"requerant": {"nom": "Diallo", "prenoms": "Awa"}})
    assert apres.statut == "exécutée" and "après le dépôt" in apres.journal[-1]["quoi"]


def test_la_prochaine_echeance_pour_la_liste(registre):
    donnees = json.loads(json.dumps(_ordonnance(registre)))
    avant = prochaine_echeance({**donnees, "suivi": {}}, dt.date(2026, 12, 1))
    assert avant.code == "en_attente_du_delai" and avant.prochaine_date == dt.date(2026, 12, 7)
    assert prochaine_echeance(donnees, dt.date(2026, 12, 20)).code == "demande_execution"
    assert prochaine_echeance({"ordonnance": {"issue": "injonction"}}) is None
    assert prochaine_echeance(None) is None


def test_le_rappel_de_fin_de_delai(tmp_path):
    moteur = create_engine(f"sqlite:///{tmp_path / 'rappels.db'}")
    jour = dt.date(2026, 12, 7)   # a Monday: the first day the client may act
    programme = programmer(moteur, (7, "ordonnance-a"), "awa@example.org", jour.weekday(),
                           [Echeance("execution", jour)], "https://serveur/interview",
                           lien_arret="https://serveur/stop?jeton=")
    assert programme.echeances[0]["envoi"] == jour.isoformat()   # sent on the day itself
    assert rappels_dus(moteur, jour - dt.timedelta(days=1)) == []
    [(trouve, dus)] = rappels_dus(moteur, jour)
    courriel = composer(trouve, dus, jour)
    assert "délai donné au préfet est fini" in courriel.sujet
    assert "7 décembre 2026" in courriel.texte and "le jour où le délai du préfet finit" in courriel.texte


# --- the ordonnance entered by staff (staff.yml « Saisir l'ordonnance ») ---------------------------

def _depose(registre: Registre):
    transmis, _ = registre.transmettre(7, "refere-a", {"requerant": {"nom": "Diallo"}})
    with registre.engine.begin() as cx:
        cx.execute(text("UPDATE rdvrefere_dossier SET statut = 'déposé' WHERE id = :id"), {"id": transmis.id})
    return registre.lire(transmis.id)


def test_la_version_saisie_par_l_equipe(registre):
    from docassemble.rdvrefere.ordonnance import ordonnance_depuis_donnees
    from docassemble.rdvrefere.personnel import _sans_fichiers
    from docassemble.rdvrefere.registre import DossierModifie
    d = _depose(registre)
    client = _ordonnance(registre)
    d, _ = registre.transmettre_ordonnance(7, "refere-a", client)
    equipe = json.loads(json.dumps(client))
    equipe["ordonnance"].update(delai_jours=30, numero="2612399")
    ordonnance_depuis_donnees(_sans_fichiers(equipe), racine="/")     # what staff_objects checks first
    # a stale version shown to staff, or a dossier not filed: refused, nothing written
    with pytest.raises(DossierModifie):
        registre.saisir_ordonnance(d.id, d.version - 1, "juriste@asso", equipe)
    apres = registre.saisir_ordonnance(d.id, d.version, "juriste@asso", equipe)
    assert [o.auteur for o in apres.ordonnances] == ["le client", "juriste@asso"]
    assert apres.ordonnance.par_l_equipe and apres.ordonnance.numero == 2
    assert apres.journal[-1]["qui"] == "juriste@asso" and apres.journal[-1]["code"] == "ordonnance_personnel"
    assert apres.statut == "déposé" and apres.version == d.version + 1
    assert registre.tous()[0].ordonnance.auteur == "juriste@asso"    # the list reads the staff version
    assert registre.derniere_ordonnance(7, "refere-a").numero == 2
    assert registre.derniere_ordonnance(8, "refere-a") is None
    # the latest wins: the deadline follows the staff's délai (30 days from the notification)
    etat = prochaine_echeance(apres.ordonnance.donnees, dt.date(2026, 12, 1))
    assert etat.prochaine_date == prochaine_echeance(client, dt.date(2026, 12, 1)).prochaine_date + dt.timedelta(days=15)
    with pytest.raises(ActionRefusee, match="déjà celles"):
        registre.saisir_ordonnance(d.id, apres.version, "juriste@asso", equipe)
    # the client's session, unaware of the staff version, sends its old answers with a new follow-up:
    # the staff's ordonnance is kept, the client's follow-up recorded
    client["suivi"]["demande_execution_le"] = "2026-12-21"
    client_apres, nouvelle = registre.transmettre_ordonnance(7, "refere-a", client, connue=1)
    assert nouvelle and client_apres.ordonnance.donnees["ordonnance"]["delai_jours"] == 30
    assert client_apres.ordonnance.donnees["suivi"]["demande_execution_le"] == "2026-12-21"
    assert "saisie par l'équipe (version 2) est gardée" in client_apres.journal[-1]["quoi"]
    # once the client's session knows the staff version, the client's own change wins (latest wins)
    client["ordonnance"]["delai_jours"] = 10
    final, _ = registre.transmettre_ordonnance(7, "refere-a", client, connue=3)
    assert final.ordonnance.donnees["ordonnance"]["delai_jours"] == 10 and not final.ordonnance.par_l_equipe


def test_seul_un_dossier_depose_recoit_une_ordonnance_de_l_equipe(registre):
    transmis, _ = registre.transmettre(7, "refere-a", {"requerant": {"nom": "Diallo"}})
    with pytest.raises(ActionRefusee, match="Seul un dossier déposé"):
        registre.saisir_ordonnance(transmis.id, transmis.version, "juriste@asso", _ordonnance(registre))
    assert registre.lire(transmis.id).ordonnances == []


def test_une_ancienne_table_recoit_la_colonne_auteur(tmp_path):
    """A register created before the column existed (create_all never alters): added on start."""
    moteur = create_engine(f"sqlite:///{tmp_path / 'ancien.db'}")
    Registre(moteur)
    with moteur.begin() as cx:
        cx.execute(text("ALTER TABLE rdvrefere_ordonnance DROP COLUMN auteur"))
    registre = Registre(moteur)
    d = _depose(registre)
    assert registre.saisir_ordonnance(d.id, d.version, "juriste@asso", _ordonnance(registre)).ordonnance.auteur == "juriste@asso"
