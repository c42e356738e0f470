"""Issue 12 point 1, the staff side: « the client or staff uploads it [the ordonnance] ». On a
filed dossier without an ordonnance, a staff member opens « Saisir l'ordonnance », uploads a PDF,
enters an injonction whose délai is already past; the core refuses an impossible date (the French
message, nothing lost); the version is recorded in the register with its author (the staff
member) and the dossier screen and the list show the état « écrire au préfet » and the deadline.
A client can neither reach the staff screen nor write a staff version (forged POST with the
client's own CSRF token, the staff action URL replayed)."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
import requests
from playwright.sync_api import expect

import dossiers as exemples
import fichiers
import parcours_navigateur as nav
from server import safeid

pytestmark = pytest.mark.server
expect.set_options(timeout=30_000)

MARQUE = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
NOM = f"Saisie-{MARQUE}"
STAFF_YML = "docassemble.rdvrefere:data/questions/staff.yml"
ORDONNANCE_YML = "docassemble.rdvrefere:data/questions/rdv_ordonnance.yml"
AUJOURD_HUI = dt.date.today()



@pytest.fixture(scope="module")
def registre(serveur):
    return serveur.registre()


@pytest.fixture(scope="module")
def comptes(serveur):
    jeton = secrets.token_hex(4)
    return {"client": serveur.create_user(f"saisie.{jeton}@example.org", "Motdepasse-123!"),
            "equipe": serveur.create_user(f"juriste.{jeton}@asso.example.org", "Motdepasse-123!",
                                          privileges=("user", "rdvrefere_personnel"))}


@pytest.fixture(scope="module")
def depose(registre, comptes, tmp_path_factory):
    """A référé dossier transmitted by the client and filed by the team, no ordonnance yet."""
    session = "refere-" + MARQUE
    identifiant = exemples.dossier_depose(registre, comptes["client"].id, session,
                                          tmp_path_factory.mktemp("refere"), NOM)
    return {"id": identifiant, "session": session}


def _contexte(navigateur, serveur, compte):
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    page.set_default_timeout(60_000)
    serveur.login(page, compte)
    return page


def _date(jours: int) -> str:
    return (AUJOURD_HUI + dt.timedelta(days=jours)).isoformat()




def test_un_client_ne_peut_pas_ecrire_une_version_de_l_equipe(serveur, navigateur, registre, comptes, depose):
    """Forged POSTs with the client's own CSRF token (the staff form's variables, on staff.yml and
    on the client's ordonnance interview) and the staff action URL replayed: no staff version."""
    avant = registre.lire(depose["id"])
    page = _contexte(navigateur, serveur, comptes["client"])
    try:
        page.goto(serveur.interview_url(ORDONNANCE_YML, refere=depose["session"]))
        page.wait_for_load_state("networkidle")
        jeton = page.locator("input[name=csrf_token]").first.get_attribute("value")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        forme = {"ordonnance_saisie.issue": "rejet", "ordonnance_saisie.motif_rejet": "urgence",
                 "ordonnance_saisie.numero": "2612345", "ordonnance_saisie.date_ordonnance": _date(-3),
                 "ordonnance_saisie.date_notification": _date(-2), "ordonnance_saisie_valide": "True",
                 "demande": "{'type': 'ordonnance', 'version': 1}", "dossier_ouvert": str(depose["id"])}
        for yaml in (STAFF_YML, ORDONNANCE_YML):
            donnees = {"csrf_token": jeton, "json": "1", **{safeid(k): v for k, v in forme.items()}}
            reponse = requests.post(f"{serveur.url}/interview?i={yaml}", data=donnees, cookies=cookies, timeout=60)
            assert reponse.status_code in (200, 400), reponse.status_code
        # the staff's own actions, replayed by the client
        for action in ("faire_saisir_ordonnance", "ouvrir_dossier"):
            page.goto(serveur.lien_action(STAFF_YML, action, dossier=depose["id"],
                              version=registre.lire(depose["id"]).version))
            nav.question(page, "Accès réservé à l'équipe")
    finally:
        page.context.close()
    apres = registre.lire(depose["id"])
    assert not any(o.par_l_equipe for o in apres.ordonnances)
    assert apres.statut == avant.statut
    assert not any(e.get("code") == "ordonnance_personnel" for e in apres.journal)


def test_l_equipe_saisit_l_ordonnance(serveur, navigateur, registre, comptes, depose, tmp_path):
    from docassemble.rdvrefere.dates import date_longue  # noqa: PLC0415
    from docassemble.rdvrefere.personnel import prochaine_echeance  # noqa: PLC0415
    ordonnance = fichiers.pdf(tmp_path / "ordonnance.pdf", pages=2, text="ORDONNANCE N° 2612345")
    page = _contexte(navigateur, serveur, comptes["equipe"])
    try:
        page.goto(serveur.interview_url("staff.yml"))
        nav.question(page, "Dossiers transmis par les clients")
        page.locator("table.rdv-dossiers tr", has_text=NOM.upper()).first.locator("a").first.click()
        nav.question(page, re.compile("Dossier de"))
        expect(page.locator("#daquestion")).to_contain_text("pas encore transmis d'ordonnance")
        page.get_by_role("link", name="Saisir l'ordonnance").click()
        nav.question(page, "Saisir l'ordonnance")
        assert "Par ces motifs" in page.locator("#daquestion").inner_text()
        page.locator("input[type=file]").set_input_files(str(ordonnance))
        page.get_by_text("Injonction : le juge ordonne au préfet de donner un rendez-vous", exact=True).click()
        nav.champ(page, "Numéro de l'ordonnance").fill("2612345")
        # first an impossible date: notified before the ordonnance was made
        nav.champ(page, "Date de l'ordonnance").fill(_date(-40))
        nav.champ(page, "Date de notification au client").fill(_date(-41))
        page.get_by_text("Un délai en jours", exact=True).click()
        nav.remplir(page, "Nombre de jours", "15")
        page.locator("label", has_text="Oui").first.click()
        nav.remplir(page, "Montant par jour de retard (euros)", "100")
        page.get_by_role("button", name=re.compile("Enregistrer l.ordonnance")).click()
        expect(page.locator("body")).to_contain_text("la date de notification")
        expect(page.locator("body")).to_contain_text("est avant la date de l'ordonnance")
        nav.question(page, "Saisir l'ordonnance")
        assert nav.champ(page, "Numéro de l'ordonnance").input_value() == "2612345"   # nothing lost
        assert registre.lire(depose["id"]).ordonnances == []
        nav.champ(page, "Date de notification au client").fill(_date(-39))
        page.get_by_role("button", name=re.compile("Enregistrer l.ordonnance")).click()
        nav.question(page, re.compile("Dossier de"))
        expect(page.locator(".rdv-avis")).to_contain_text("Ordonnance enregistrée")
        expect(page.locator(".rdv-etat-ordonnance")).to_contain_text("écrire au préfet")
        expect(page.locator(".rdv-saisie-equipe")).to_contain_text(comptes["equipe"].email)
        page.get_by_role("link", name="Retour à la liste").click()
        nav.question(page, "Dossiers transmis par les clients")
        transmis = registre.lire(depose["id"])
        etat = prochaine_echeance(transmis.ordonnance.donnees)
        ligne = page.locator("table.rdv-dossiers tr", has_text=NOM.upper()).first
        expect(ligne.locator(".rdv-echeance")).to_contain_text("écrire au préfet")
        if etat.prochaine_date:
            expect(ligne.locator(".rdv-echeance")).to_contain_text(date_longue(etat.prochaine_date))
    finally:
        page.context.close()
    transmis = registre.lire(depose["id"])
    assert transmis.statut == "déposé"
    assert transmis.ordonnance.auteur == comptes["equipe"].email and transmis.ordonnance.par_l_equipe
    o = transmis.ordonnance.donnees["ordonnance"]
    assert (o["issue"], o["delai_jours"], o["astreinte"]["montant_euros"]) == ("injonction", 15, 100)
    assert o["fichiers"][0]["nom"] == "ordonnance.pdf"
    assert [e for e in transmis.journal if e.get("code") == "ordonnance_personnel"][-1]["qui"] == comptes["equipe"].email

    # the client's next visit starts from the staff's version (latest wins), and sends nothing older
    page = _contexte(navigateur, serveur, comptes["client"])
    try:
        page.goto(serveur.interview_url(ORDONNANCE_YML, refere=depose["session"]))
        nav.question(page, re.compile("La préfecture vous a-t-elle donné un rendez-vous"))
    finally:
        page.context.close()
    apres = registre.lire(depose["id"])
    assert apres.ordonnance.donnees["ordonnance"] == o
