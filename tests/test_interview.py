"""The client interview, headless (tests/daharness.py): every path, the questions asked, the
values computed and the documents generated. What the browser does (form validation,
uploads over HTTP, JavaScript, the background assembly) is in test_interview_e2e.py."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

import daharness as da
import dossiers as exemples

CLIENTE = {"email": "cliente@example.org"}
ACCUEIL = "Bienvenue"
# the eligibility screen's checkboxes, nothing ticked (« Aucune de ces situations »)
AUCUNE_SITUATION = {"deja_enregistre": False, "asile": False, "mineur": False, "retention": False}


class Parcours:
    """Answers the interview screen by screen from a plan: {variable sought: answer}. A value
    may be a callable taking the session (for uploads). Stops at the screen named `jusqua`."""

    def __init__(self, racine: Path, **changements):
        self.racine = racine
        exemples.donnees(racine)  # real small files: c1..c4.png, lrar.pdf, contrat.pdf…
        self.plan = {
            # the welcome screen, acknowledged before any question (issue 14 point 2)
            "client.accueil_compris": None,
            # a user who sent a dossier from another session is offered to reload it: not here
            "client.choix_reprise": "vide",
            "client.departement": {"client.departement": "93"},
            "client.decision_existante": False,
            "client.situations": {"client.situations": AUCUNE_SITUATION},
            # the journey plan « Où en êtes-vous ? » (issue 11 point 1), once a day: one screen, continue
            "client.plan_vu": None,
            "client.nature_demande": "renouvellement",
            "client.requerant.nom": {"client.requerant.nom": "Diallo", "client.requerant.prenoms": "Awa",
                                     "client.requerant.sexe": "F"},
            "client.requerant.date_naissance": {
                "client.requerant.date_naissance": dt.datetime(1990, 4, 12),
                "client.requerant.lieu_naissance": "Bamako (Mali)", "client.requerant.nationalite": "malienne",
                "client.requerant.numero_etranger": ""},
            "client.requerant.adresse": {"client.requerant.adresse": "12 rue des Lilas, 93100 Montreuil",
                                         "client.requerant.telephone": "0612345678",
                                         "client.requerant.courriel": "awa@example.org"},
            "client.titre": {"client.titre": "carte de séjour « salarié »",
                             "client.date_expiration": dt.datetime(2026, 12, 15)},
            "client.type_blocage": "aucun_creneau",
            "client.titre_anef": "non",
            "client.plateforme": {"client.plateforme": "site de la préfecture"},
            "client.tentatives.explique": None,
            "tentatives": [(dt.datetime(2026, 10, 5), dt.time(9, 0)), (dt.datetime(2026, 10, 14), dt.time(10, 0)),
                           (dt.datetime(2026, 10, 21), dt.time(11, 0))],
            "constat": "aucun créneau disponible",
            "demarches": [("lrar", dt.datetime(2026, 10, 16), "lrar.pdf")],
            "circonstances": [("Mon titre expire le 15 décembre.", "contrat.pdf")],
            # the structured urgency choices (issue 9 point 15): none checked, the text is « autre »
            "client.urgence_expliquee": None,
            "client.natures_urgence": {"client.natures_urgence": {}},
            "client.piece_identite": "passeport.pdf",
            "client.piece_sejour": "titre.pdf",
            "client.piece_domicile": None,
            "autres_pieces": [],
            "client.aide_juridictionnelle_provisoire": True,
            "client.delai_jours": {"client.delai_jours": 15, "client.delai_rdv_jours": None,
                                   "client.astreinte_euros": 100, "client.frais_copies": 0,
                                   "client.lieu_signature": "Montreuil"},
        }
        self.plan.update(changements)
        self.vus: list[str] = []
        # called with the session on each screen before it is answered (test_langues.py reads them)
        self.a_chaque_ecran = None

    def _liste(self, s, nom: str, index: int) -> None:
        """Answer item `index` of list `nom` (client.tentatives[0].date…)."""
        if nom == "tentatives":
            date, heure = self.plan["tentatives"][index]
            s.upload(f"client.tentatives[{index}].captures", self.racine / f"c{index + 1}.png")
            s.answer({f"client.tentatives[{index}].date": date, f"client.tentatives[{index}].heure": heure,
                      f"client.tentatives[{index}].constat": self.plan["constat"]})
        elif nom == "demarches":
            nature, date, fichier = self.plan["demarches"][index]
            if fichier:
                s.upload(f"client.demarches[{index}].fichiers", self.racine / fichier)
            s.answer({f"client.demarches[{index}].nature": nature, f"client.demarches[{index}].date": date,
                      f"client.demarches[{index}].description": "demande de rendez-vous",
                      f"client.demarches[{index}].resultat": ""}
                     | ({} if fichier else {f"client.demarches[{index}].fichiers": None}))
        elif nom == "circonstances":
            texte, fichier = self.plan["circonstances"][index]
            champs = {f"client.circonstances[{index}].texte": texte, f"client.circonstances[{index}].libelle": ""}
            if f"client.circonstances[{index}].nature" in s.fields and not s.get(f"client.circonstances[{index}].nature"):
                champs[f"client.circonstances[{index}].nature"] = "autre"
            if fichier:
                s.upload(f"client.circonstances[{index}].fichiers", self.racine / fichier)
            else:
                champs[f"client.circonstances[{index}].fichiers"] = None
            s.answer(champs)
        elif nom == "autres_pieces":
            libelle, fichier = self.plan["autres_pieces"][index]
            s.upload(f"client.autres_pieces[{index}].fichiers", self.racine / fichier)
            s.answer({f"client.autres_pieces[{index}].libelle": libelle})

    def jusqua(self, s, titre: str, limite: int = 80):
        for _ in range(limite):
            if titre in (s.question_text or ""):
                return s
            cherche = s.sought or ""
            self.vus.append(s.question_text)
            if self.a_chaque_ecran:
                self.a_chaque_ecran(s)
            if ".there_are_any" in cherche or ".there_is_another" in cherche:
                nom = cherche.split(".")[1]
                deja = s.eval(f"len(client.{nom}.elements)")
                s.answer(deja < len(self.plan[nom]))
            elif "[" in cherche and cherche.startswith("client.") and cherche.split(".")[1].split("[")[0] in (
                    "tentatives", "demarches", "circonstances", "autres_pieces"):
                nom = cherche.split(".")[1].split("[")[0]
                self._liste(s, nom, int(cherche.split("[")[1].split("]")[0]))
            elif cherche in ("client.piece_identite", "client.piece_sejour", "client.piece_domicile"):
                fichier = self.plan[cherche]
                if fichier:
                    s.upload(cherche, self.racine / fichier)
                    s.answer({})
                else:
                    s.answer({cherche: None})
            elif cherche in self.plan:
                valeur = self.plan[cherche]
                s.answer() if valeur is None else s.answer(valeur)
            else:
                raise AssertionError(f"unexpected screen: {s.screen()}")
        raise AssertionError(f"never reached « {titre} »; last: {s.question_text}")


def session():
    """A new session, past the welcome screen (acknowledged first, before any question)."""
    s = da.start("rdvrefere.yml", user=CLIENTE)
    assert s.question_text == ACCUEIL, s.screen()
    s.answer()
    return s


def test_renewal_no_slot_whole_path_to_review_and_bundle(tmp_path):
    s, parcours = session(), Parcours(tmp_path)
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert parcours.vus[:5] == ["Où habitez-vous ?", "Avez-vous reçu une décision de la préfecture ?",
                                "Est-ce que l'une de ces situations vous concerne ?", "Où en êtes-vous ?",
                                "Que demandez-vous à la préfecture ?"]
    texte = s.subquestion_text
    # pièces in their final order with numbers, from the core's numbering
    pieces = s.eval("[(p.numero, p.libelle, p.acte_attaque) for p in client.pieces()]")
    assert pieces[0][2] and pieces[0][1].startswith("Lettre recommandée")
    for numero, libelle, _ in pieces:
        assert f"**{numero}.**" in texte
    assert "Bloquant" not in texte and "aide juridictionnelle" in texte  # warning shown, no error
    assert s.eval("client.donnees()['departement']") == "93"

    assert s.eval("client.construire_depot()") == []
    noms = s.eval("[f.filename for f in client.depot]")
    assert {"Requete.pdf", "Requete.docx", "Inventaire.pdf", "Guide_depot.txt", "Depot_Telerecours.zip"} <= set(noms)
    assert [n for n in noms if n[:2].isdigit()] == [s.eval("client.pieces()")[i].nom_fichier for i in range(len(pieces))]
    archive = Path(s.eval("client.fichier_du_depot('Depot_Telerecours.zip').path()"))
    with zipfile.ZipFile(archive) as zf:
        assert "manifest.json" in zf.namelist() and "Requete.pdf" in zf.namelist()
    lignes = s.eval("client.lignes_de_telechargement()")
    assert lignes[0]["titre"] == "Requête (PDF, à déposer)"
    assert any(l["titre"].startswith("Pièce n° 1 — Lettre recommandée") for l in lignes)
    assert "Tribunal administratif de Montreuil" in s.eval("client.guide_pour_ecran()")


def test_first_application_category_absent_man_without_aid_or_demarche(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, **{
        "client.nature_demande": "premiere_demande",
        "client.type_blocage": "categorie_absente",
        "client.requerant.nom": {"client.requerant.nom": "Traoré", "client.requerant.prenoms": "Moussa",
                                 "client.requerant.sexe": "M"},
        "client.titre": {"client.titre": "carte de séjour « vie privée et familiale »"},
        "demarches": [],
        "circonstances": [("Promesse d'embauche qui expire fin novembre.", None)],
        "client.aide_juridictionnelle_provisoire": False,
    })
    parcours.jusqua(s, "Vérifiez votre dossier")
    # urgency is not presumed for a first application: the interview asks without a yes/no
    assert "Pourquoi est-ce urgent pour vous ?" not in parcours.vus
    # issue 14 point 4: what urgency the judge accepts, explained before it is asked
    assert parcours.vus.index("Le juge agit seulement si c'est urgent") < parcours.vus.index("Ce qui est urgent")
    assert "Bloquant" not in s.subquestion_text
    donnees = s.eval("client.donnees()")
    assert donnees["demande"] == {"nature": "premiere_demande", "titre": "carte de séjour « vie privée et familiale »"}
    assert donnees["blocage"]["plateforme"] == "site de la préfecture"
    # without démarche, the first attempts prove the absence of decision (pièce n° 1)
    assert s.eval("client.pieces()[0].categorie") == "tentatives"
    assert s.eval("client.construire_depot()") == []
    requete = Path(s.eval("client.fichier_du_depot('Requete.docx').path()"))
    import docx  # noqa: PLC0415
    texte = "\n".join(p.text for p in docx.Document(requete).paragraphs)
    assert "455740" in texte and "le requérant" in texte.lower()
    assert "aide juridictionnelle" not in texte.split("PAR CES MOTIFS")[1].lower()


def test_anef_without_contact_centre_is_flagged_on_review(tmp_path):
    s = session()
    Parcours(tmp_path, **{"client.type_blocage": "anef", "demarches": []}).jusqua(s, "Vérifiez votre dossier")
    assert s.eval("client.plateforme") == "site de la préfecture"
    texte = s.subquestion_text
    # blocking since issue 9 (point 3): no contact-centre ticket, no accueil-numérique visit
    assert "**Bloquant** — Démarches" in texte and "centre de contact citoyen de l" in texte


def test_anef_with_contact_centre_is_clean(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, **{"client.type_blocage": "anef",
                                     "demarches": [("contact_anef", dt.datetime(2026, 10, 12), "lrar.pdf")]})
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert not [p for p in s.eval("client.problemes()") if p.chemin == "demarches"]  # the R. 431-2 rule
    assert s.eval("client.pieces()[0].libelle").startswith("Demande au centre de contact citoyen")


def test_one_week_of_attempts_blocks_and_the_live_rule_says_why(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, tentatives=[(dt.datetime(2026, 10, 5), dt.time(9, 0)),
                                              (dt.datetime(2026, 10, 6), dt.time(9, 0))])
    parcours.jusqua(s, "Avez-vous fait une autre tentative ?")
    assert "1 tentative pour l'instant" in s.subquestion_text and "une autre semaine" in s.subquestion_text
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert "**Bloquant** — Tentatives : " in s.subquestion_text
    assert not s.eval("client.est_deposable()")
    assert s.eval("client.construire_depot()")[0].chemin == "tentatives"
    assert s.eval("len(client.depot)") == 0  # nothing built


def test_overseas_collectivity_gets_a_clear_answer(tmp_path):
    s = session()
    s.answer({"client.departement": "987"})
    assert s.question_text == "Ce service ne couvre pas votre lieu de résidence"
    assert "La Polynésie française \\(987\\) n'est pas couverte" in s.subquestion_text
    assert "372 du 26 avril 2000" in s.subquestion_text


def test_a_recent_refusal_decision_ends_the_interview(tmp_path):
    s = session()
    s.answer({"client.departement": "75"})
    s.answer(True)
    s.answer({"client.decisions": {"refus": True, "oqtf": False, "refus_rdv": False, "autre": False}})
    s.answer("recente")
    assert s.question_text == "Contestez d'abord cette décision, aujourd'hui"


def test_an_old_oqtf_is_warned_then_carried_into_the_checks(tmp_path):
    s = session()
    s.answer({"client.departement": "75"})
    s.answer(True)
    s.answer({"client.decisions": {"refus": True, "oqtf": True, "refus_rdv": False, "autre": False}})
    s.answer("ancienne")
    # the risks said plainly, no case number on the client's screen (issue 14 point 8)
    assert "OQTF" in s.question_text and "arrestation" in s.subquestion_text
    assert "453391" not in s.subquestion_text
    s.answer(True)
    s.answer({"client.situations": AUCUNE_SITUATION})
    assert s.question_text == "Où en êtes-vous ?"  # the journey plan (issue 11 point 1), one screen
    s.answer()
    assert s.question_text == "Que demandez-vous à la préfecture ?"
    assert s.eval("client.oqtf_non_executee") is True


def test_upload_check_converts_and_names_the_bad_file(tmp_path):
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    (tmp_path / "capture.pdf").write_bytes(b"")
    s.upload("client.tentatives[0].captures", tmp_path / "capture.pdf")
    message = s.eval("refus_televersement(client.tentatives[0].captures, 'la capture de la tentative n° 1')")
    assert "capture.pdf" in message and "vide" in message
    s.upload("client.tentatives[0].captures", tmp_path / "c1.png")
    assert s.eval("refus_televersement(client.tentatives[0].captures, 'x')") is None


def test_attempt_date_in_the_future_is_refused_on_its_screen(tmp_path):
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    s.set({"client.tentatives[0].date": dt.datetime.now() + dt.timedelta(days=3),
           "client.tentatives[0].heure": dt.time(9, 0), "client.tentatives[0].constat": "x"})
    assert "est dans le futur" in s.eval("probleme_de_tentative(client, 0)")
    s.set({"client.tentatives[0].date": dt.datetime(1980, 1, 1)})
    assert "antérieure à la naissance" in s.eval("probleme_de_tentative(client, 0)")


def test_hostile_text_is_shown_literally(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, constat="<script>alert(1)</script> ${ 1+1 } **gras** <img src=x onerror=alert(2)>")
    parcours.jusqua(s, "Avez-vous fait une autre tentative ?")
    texte = s.subquestion_text
    assert "<script>" not in texte and "&lt;script&gt;" in texte and "&lt;img" in texte
    assert "$\\{ 1\\+1 \\}" in texte and "\\*\\*gras\\*\\*" in texte


def test_other_pieces_are_numbered_after_the_rest_and_reorderable(tmp_path):
    s = session()
    parcours = Parcours(tmp_path, autres_pieces=[("Certificat de scolarité", "contrat.pdf"),
                                                 ("Attestation de bénévolat", "passeport.pdf")])
    parcours.jusqua(s, "Vérifiez votre dossier")
    libelles = s.eval("[p.libelle for p in client.pieces()]")
    assert libelles[-2:] == ["Certificat de scolarité", "Attestation de bénévolat"]
    s.run("client.autres_pieces.elements.reverse()")
    assert s.eval("[p.libelle for p in client.pieces()]")[-2:] == ["Attestation de bénévolat", "Certificat de scolarité"]
    s.run("client.autres_pieces.pop(0)")
    assert s.eval("[p.libelle for p in client.pieces()]")[-1] == "Certificat de scolarité"


@pytest.mark.parametrize("chemin, attendu", [
    ("tentatives[2].date", "Tentative n° 2 (date) : "),
    ("urgence.circonstances[1].fichiers[1]", "Circonstance n° 1 (fichiers[1]) : "),
    ("", ""),
])
def test_problem_paths_read_as_words(chemin, attendu):
    s = session()
    assert s.eval(f"libelle_du_chemin({chemin!r})") == attendu


def test_finishing_the_review_transmits_a_copy_for_staff_and_only_new_versions(tmp_path):
    """Issue 8: staff work on a dossier transmis kept in the register, never on the session.
    The copy holds the core's data with file references (sha256) and the files' bytes."""
    s, parcours = session(), Parcours(tmp_path)
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert s.eval("client.dossier_transmis()") is None
    assert s.eval("client.transmission_reussie()") is True
    transmis = s.eval("client.dossier_transmis()")
    assert transmis.statut == "prêt à relire" and [e.numero for e in transmis.envois] == [1]
    donnees = transmis.envoi.donnees
    assert donnees["requerant"]["nom"] == "Diallo" and donnees["tentatives"][0]["date"] == "2026-10-05"
    capture = donnees["tentatives"][0]["fichiers"][0]
    assert set(capture) == {"nom", "sha256"} and capture["nom"].endswith(".png")
    assert "/" not in str(donnees.get("pieces"))  # no server path leaves the session
    chemin = s.eval("client.tentatives[0].captures[0].path()")
    assert s.eval(f"__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).registre().contenu('{capture['sha256']}')") \
        == Path(chemin).read_bytes()
    # the same answers again: no new version; a changed answer: version 2, status kept
    assert s.eval("client.transmettre()") is False
    s.run("client.tentatives[0].constat = 'Le site affichait : « plus de plage horaire libre »'")
    assert s.eval("client.transmettre()") is True
    transmis = s.eval("client.dossier_transmis()")
    assert [e.numero for e in transmis.envois] == [1, 2] and transmis.statut == "prêt à relire"
    assert transmis.envoi.donnees["tentatives"][0]["constat"].startswith("Le site affichait")
    assert transmis.envois[0].donnees["tentatives"][0]["constat"] == "aucun créneau disponible"
    assert "le client" in [e["qui"] for e in transmis.journal]


def test_staff_screens_warn_when_the_server_accepts_any_posted_variable():
    """Issue 8: without `restrict input variables: True` a client may POST variables its screens
    do not ask for; the staff screens say so (the harness's configuration lacks the setting)."""
    s = session()
    avertissement = s.eval("__import__('docassemble.rdvrefere.staff_objects', fromlist=['x']).avertissement_configuration()")
    assert "restrict input variables: True" in avertissement and avertissement.startswith("Attention")


def _jusqu_au_telechargement(tmp_path, theid):
    """A whole case to the download screen: the bundle built in the test (the background task is
    the server's), the review finished, the dossier transmitted to the team. A user of its own
    (`theid`): the other tests' clients are not offered this dossier to resume."""
    s = da.start("rdvrefere.yml", user={"email": f"telechargement{theid}@example.org", "theid": theid})
    s.answer()
    parcours = Parcours(tmp_path)
    parcours.jusqua(s, "Vérifiez votre dossier")
    assert s.eval("client.construire_depot()") == []
    s.set({"client.relu": True, "client.depot_demande": True, "client.depot_pret": True})
    s.next()
    return s


def _approuver(s):
    """What staff do (staff.yml): record a bundle (here a small zip with its guide) for the current
    content, then approve it."""
    import io  # noqa: PLC0415
    from docassemble.rdvrefere.personnel import APPROUVE  # noqa: PLC0415
    registre = s.eval("__import__('docassemble.rdvrefere.registre_serveur', fromlist=['x']).registre()")
    transmis = s.eval("client.dossier_transmis()")
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("Guide_depot.txt", "DÉPOSER VOTRE RÉFÉRÉ SUR TÉLÉRECOURS CITOYENS\n\n"
                         "1. SE CONNECTER\n  - Ouvrez le site *Télérecours citoyens*.\n")
        archive.writestr("Requete.pdf", b"%PDF-1.4")
    depot = {"empreinte": transmis.empreinte_du_contenu, "manifeste": {}, "fichiers": {},
             "zip": registre.ajouter_contenu(tampon.getvalue())}
    d = registre.enregistrer_depot(transmis.id, None, "equipe@asso.example", "Dossier de dépôt régénéré", "depot", depot)
    registre.changer_statut(d.id, d.version, "equipe@asso.example", APPROUVE)


def test_download_screen_in_review_then_approved(tmp_path):
    """Issue 10 point 11: with the team's review (the default) the client sees « en relecture »,
    no guide and no file, the next step as the biggest button; once approved, the approved zip
    and its guide."""
    s = _jusqu_au_telechargement(tmp_path, 9101)
    assert s.question_text == "Votre dossier est en relecture", s.screen()
    texte = s.subquestion_text
    assert "relecture" in texte and "Déposer sur Télérecours" not in texte
    assert "Depot_Telerecours" not in texte and ".zip" not in texte and "Requete" not in texte
    assert "btn-lg" in texte.split("Modifier mes réponses")[0]  # the big button comes first
    assert "btn-lg" not in texte.split("Voir si mon dossier est approuvé")[1]

    _approuver(s)
    s.next(action="revenir_telechargement")
    assert s.question_text == "Votre dossier est approuvé", s.screen()
    texte = s.subquestion_text
    assert "Télécharger le dossier à déposer (.zip)" in texte and "Déposer sur Télérecours citoyens" in texte
    assert s.eval("client.ecran_de_telechargement()['zip_approuve']") is not None
    assert "1\\. Se connecter" in texte and "\\*Télérecours citoyens\\*" in texte  # the approved guide, escaped
    assert "en relecture" not in texte
    premier_bouton = texte.index("btn-lg")
    assert premier_bouton < texte.index("Télécharger le dossier à déposer") < texte.index("Modifier mes réponses")


def test_download_screen_without_review_gives_the_bundle_at_once(tmp_path):
    """Issue 10 point 11: `rdvrefere relecture: False` (README): clients file themselves."""
    from docassemble.base.config import daconfig  # noqa: PLC0415
    daconfig["rdvrefere relecture"] = False
    try:
        s = _jusqu_au_telechargement(tmp_path, 9102)
        assert s.question_text == "Votre dossier est prêt", s.screen()
        texte = s.subquestion_text
        assert "relecture" not in texte and "Déposer sur Télérecours citoyens" in texte
        assert "Requête \\(PDF, à déposer\\)" in texte and "Pièce n° 1" in texte
        assert texte.index("btn-lg") < texte.index("Modifier mes réponses")
        assert " 0 Mo" not in texte and "0,0 Mo" not in texte
    finally:
        daconfig.pop("rdvrefere relecture", None)


def test_plain_words_glossary_from_the_menu_and_whole_phrase_placeholders(tmp_path):
    """Issue 10 point 10: a glossary reachable from the menu on every screen; the lists' empty
    first choice is a whole phrase; the court's words explained where they appear. A user of its
    own: another test's transmitted dossier would be offered to resume first."""
    s = da.start("rdvrefere.yml", user={"email": "lexique@example.org", "theid": 9103})
    s.answer()
    assert s.question_text == "Où habitez-vous ?", s.screen()
    assert list(s.status.hints.values()) == ["Choisissez votre département dans la liste"]
    assert {"label": "Les mots du tribunal"}.items() <= s.eval("menu_items[0]").items()
    s.next(action="lexique")
    assert s.question_text == "Les mots du tribunal", s.screen()
    for mot in ("Référé", "Acte attaqué", "Pièce complémentaire", "Astreinte", "Décision du Conseil d'État"):
        assert f"**{mot}**" in s.subquestion_text
    # the screen's « continue » button: the server pops the event when its form is posted (the
    # harness does not post event screens, so it is popped here), then the flow goes on
    s.run("__import__('docassemble.base.functions', fromlist=['x']).pop_event_stack('lexique')")
    s.next()
    assert s.question_text == "Où habitez-vous ?", s.screen()

    parcours = Parcours(tmp_path)
    parcours.jusqua(s, "Vérifiez votre dossier")
    texte = s.subquestion_text
    assert "la case « Acte attaqué » attend une décision" in texte and "Pièce complémentaire" in texte
    assert "astreinte" not in texte.replace("(astreinte)", "") or "par jour de retard" in texte
