"""Issue 9 points 2, 8, 12 and 15, issue 14 point 4: urgency in the requête's own words, the
unexecuted OQTF pleaded against CE 453391, the costs and the astreinte's basis, the ANEF
attestation; read back from the rendered DOCX, and `check` through the installed command."""

from __future__ import annotations

import json
import re

from dossiers import AUJOURD_HUI, donnees, pdf
from test_cli import ecrire, lancer
from test_requete import rendre, section

PREMIERE = {"nature": "premiere_demande", "titre": "carte de séjour « vie privée et familiale »"}


def _urgence(texte: str) -> str:
    return section(texte, "Sur l'urgence", "Sur l'utilité")


def _conclusions(texte: str) -> str:
    return texte[texte.index("demande au juge des référés du tribunal administratif"):texte.index("Fait à")]


# --- point 15: structured urgency, third person ------------------------------------------------

def test_structured_urgency_is_composed_in_the_third_person_with_its_pieces(tmp_path):
    pdf(tmp_path / "promesse.pdf", ("Promesse d'embauche",))
    pdf(tmp_path / "caf.pdf", ("Attestation CAF",))
    data = donnees(tmp_path, demande=PREMIERE, urgence={"circonstances": [
        {"nature": "emploi", "emploi": "promesse_embauche", "organisme": "Boulangerie Martin",
         "date": "2026-12-01", "montant_euros": 1800, "fichiers": ["promesse.pdf"]},
        {"nature": "droits_sociaux", "organisme": "la CAF de la Seine-Saint-Denis", "montant_euros": 420,
         "date": "2026-12-31", "fichiers": ["caf.pdf"]},
        {"nature": "fin_document", "document": "visa", "date": "2026-11-20"},
    ]})
    _, pieces, _, texte = rendre(tmp_path, data)
    promesse = next(p for p in pieces if "urgence.circonstances[1]" in p.sources)
    caf = next(p for p in pieces if "urgence.circonstances[2]" in p.sources)
    assert promesse.libelle.startswith("Justificatif : emploi")
    urgence = _urgence(texte)
    assert ("La requérante bénéficie d'une promesse d'embauche auprès de Boulangerie Martin, pour un emploi devant "
            "commencer le 1er décembre 2026, rémunéré 1 800 euros par mois ; faute de pouvoir justifier d'un droit au séjour "
            f"et au travail, elle risque de perdre cet emploi (pièce n° {promesse.numero}).") in urgence
    assert ("La requérante perçoit des prestations sociales versées par la CAF de la Seine-Saint-Denis, d'un montant "
            "de 420 euros par mois ; faute de document justifiant de la régularité de son séjour, leur versement sera "
            f"interrompu le 31 décembre 2026 (pièce n° {caf.numero}).") in urgence
    assert "Le visa sous couvert duquel la requérante séjourne en France expire le 20 novembre 2026." in urgence
    assert "La condition d'urgence est, par suite, remplie." in urgence
    assert not re.search(r"\b(je|j'|mon|ma|mes)\b", urgence, flags=re.IGNORECASE)


def test_first_person_legacy_text_appears_only_as_a_quotation(tmp_path):
    data = donnees(tmp_path, demande=PREMIERE, urgence={"circonstances": [
        "Je vais perdre mon emploi si je n'ai pas de récépissé.",
        {"texte": "Mon titre expire bientôt.", "libelle": "Contrat de travail", "fichiers": ["contrat.pdf"]},
    ]})
    _, pieces, _, texte = rendre(tmp_path, data)
    contrat = next(p for p in pieces if "urgence.circonstances[2]" in p.sources)
    urgence = _urgence(texte)
    assert ("La requérante fait valoir, selon ses propres termes : « Je vais perdre mon emploi si je n'ai pas de "
            "récépissé »." in urgence)
    assert (f"La requérante fait valoir, selon ses propres termes : « Mon titre expire bientôt » (pièce n° "
            f"{contrat.numero}).") in urgence
    # outside the quotations, the requête never speaks in the first person
    hors_citations = re.sub(r"« [^»]*»", "", texte)
    assert "Mon titre" not in hors_citations and "Je vais" not in hors_citations


def test_a_structured_circonstance_quotes_the_applicants_words_after_the_requetes_sentence(tmp_path):
    data = donnees(tmp_path, urgence={"circonstances": [
        {"nature": "sante", "personne": "enfant", "organisme": "hôpital Necker", "texte": "Mon fils est malade"}]})
    _, _, _, texte = rendre(tmp_path, data)
    assert ("La requérante accompagne son enfant, dont l'état de santé nécessite des soins en France (hôpital Necker). "
            "Elle précise, selon ses propres termes : « Mon fils est malade »." in _urgence(texte))


def test_a_circonstance_without_text_or_nature_is_refused_in_french(tmp_path):
    data = donnees(tmp_path, urgence={"circonstances": [{"libelle": "Justificatif", "fichiers": ["contrat.pdf"]}]})
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI)
    assert resultat.returncode == 1
    assert "urgence.circonstances[1]" in resultat.stdout + resultat.stderr
    assert "décrivez la circonstance" in resultat.stdout + resultat.stderr


# --- point 2: unexecuted OQTF --------------------------------------------------------------------

def _oqtf(tmp_path, circonstances, recours="rejete", date="2024-03-01"):
    return donnees(tmp_path, demande=PREMIERE,
                   urgence={"oqtf": {"date": date, "recours": recours}, "circonstances": circonstances})


def test_oqtf_with_new_facts_is_pleaded_against_453391_and_concluded(tmp_path):
    pdf(tmp_path / "naissance.pdf", ("Acte de naissance",))
    data = _oqtf(tmp_path, [
        {"nature": "enfant_francais", "date": "2025-02-10", "fait_nouveau": True, "fichiers": ["naissance.pdf"]},
        {"nature": "emploi", "organisme": "Nettoyage Services", "date": "2025-06-01", "fait_nouveau": True},
    ])
    _, pieces, _, texte = rendre(tmp_path, data)
    naissance = next(p for p in pieces if "urgence.circonstances[1]" in p.sources)
    urgence = _urgence(texte)
    assert ("le Conseil d'État a estimé que l'urgence n'était pas établie pour un étranger qui, ayant fait l'objet "
            "d'un refus de titre de séjour assorti d'une obligation de quitter le territoire français, n'avait pas "
            "déféré à cette obligation") in urgence
    assert ("Le 1er mars 2024, la requérante a fait l'objet d'une obligation de quitter le territoire français, qui "
            "n'a pas été exécutée. Le recours formé contre cette mesure a été rejeté.") in urgence
    assert "Depuis le 1er mars 2024, sont survenus les faits nouveaux suivants" in urgence
    assert (f"La requérante est mère d'un enfant de nationalité française, né le 10 février 2025 (pièce n° "
            f"{naissance.numero}).") in urgence
    assert "La requérante exerce un emploi auprès de Nettoyage Services depuis le 1er juin 2025." in urgence
    assert ("distinguent la situation de la requérante de celle qu'a jugée le Conseil d'État" in urgence
            and "la condition d'urgence doit, par suite, être regardée comme remplie." in urgence)
    assert "453391" in urgence
    dossier_yml = ecrire(tmp_path, data)
    resultat = lancer("check", dossier_yml, "--date", AUJOURD_HUI, "--json")
    chemins = [p["chemin"] for p in json.loads(resultat.stdout)]
    assert resultat.returncode == 0 and "urgence.oqtf" not in chemins
    assert not any("aucun fait nouveau" in p["message"] for p in json.loads(resultat.stdout))


def test_oqtf_without_new_facts_is_warned_by_check(tmp_path):
    data = _oqtf(tmp_path, [{"nature": "residence", "date": "2015-09-01"}], recours="non_contestee")
    resultat = lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json")
    assert resultat.returncode == 0  # a warning: the dossier can still be filed
    problemes = json.loads(resultat.stdout)
    sans = [p for p in problemes if "aucun fait nouveau" in p["message"]]
    assert len(sans) == 1 and sans[0]["gravite"] == "avertissement"
    assert "arrestation" in sans[0]["message"] and "rejettera" in sans[0]["message"]
    _, _, _, texte = rendre(tmp_path, data)
    assert "Ces circonstances caractérisent la nécessité pour elle d'obtenir rapidement un rendez-vous" in texte


def test_a_recent_uncontested_oqtf_and_an_old_fact_are_warned(tmp_path):
    data = _oqtf(tmp_path, [{"nature": "mariage_pacs", "union": "pacs", "conjoint": "francais",
                             "date": "2026-09-01", "fait_nouveau": True}], recours="non_contestee", date="2026-10-20")
    problemes = json.loads(lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json").stdout)
    assert any(p["chemin"] == "urgence.oqtf.date" and "contester" in p["message"] for p in problemes)
    assert any(p["chemin"] == "urgence.circonstances[1].date" and "pas un fait nouveau" in p["message"]
               for p in problemes)


def test_a_legacy_oqtf_flag_asks_for_its_date_and_outcome(tmp_path):
    data = donnees(tmp_path, demande=PREMIERE, urgence={"oqtf_non_executee": True, "circonstances": ["Travail."]})
    problemes = json.loads(lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json").stdout)
    assert any(p["chemin"] == "urgence.oqtf" for p in problemes)


# --- point 12: costs and astreinte ----------------------------------------------------------------

def test_l761_1_is_left_out_without_stated_costs_and_check_warns(tmp_path):
    data = donnees(tmp_path, conclusions={"frais_l761_1_euros": 50, "astreinte_euros": 100})
    _, _, _, texte = rendre(tmp_path, data)
    conclusions = _conclusions(texte)
    assert "L. 761-1" not in conclusions
    assert ("d'assortir cette injonction d'une astreinte de 100 euros par jour de retard, en application des "
            "articles L. 911-1 et L. 911-3 du code de justice administrative") in conclusions
    problemes = json.loads(lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json").stdout)
    frais = [p for p in problemes if p["chemin"] == "conclusions.frais_l761_1_euros"]
    assert len(frais) == 1 and "sans dire lesquels" in frais[0]["message"]


def test_l761_1_is_asked_with_the_costs_stated(tmp_path):
    data = donnees(tmp_path, conclusions={"frais": [{"nature": "affranchissement", "montant_euros": 8},
                                                    {"nature": "copies", "montant_euros": 5}]})
    _, _, _, texte = rendre(tmp_path, data)
    assert ("de mettre à la charge de l'État la somme de 13 euros au titre de l'article L. 761-1 du code de justice "
            "administrative, correspondant aux frais exposés par la requérante, qui n'est pas représentée par un "
            "avocat (affranchissement de la lettre recommandée : 8 euros ; copies et impressions : 5 euros).") in (
        _conclusions(texte))
    problemes = json.loads(lancer("check", ecrire(tmp_path, data), "--date", AUJOURD_HUI, "--json").stdout)
    assert not any(p["chemin"].startswith("conclusions.frais") for p in problemes)


# --- point 8: ANEF ---------------------------------------------------------------------------------

def _anef(tmp_path, **changements):
    return donnees(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"}, demarches=[
        {"date": "2026-10-16", "nature": "contact_anef", "description": "ticket n° 123", "fichiers": ["lrar.pdf"]}],
        **changements)


def test_anef_renewal_asks_for_the_attestation_de_prolongation_and_never_a_recepisse(tmp_path):
    _, _, _, texte = rendre(tmp_path, _anef(tmp_path))
    assert "récépissé" not in texte.lower()
    assert "l'attestation de prolongation de l'instruction prévue à l'article R. 431-15-1" in texte
    assert ("d'enjoindre au préfet de la Seine-Saint-Denis d'enregistrer sa demande lors de ce rendez-vous, et, si "
            "l'instruction de cette demande se poursuit au-delà de la date de validité de son titre de séjour, de lui "
            "délivrer l'attestation de prolongation de l'instruction prévue à l'article R. 431-15-1") in (
        _conclusions(texte))
    assert "d'assortir ces injonctions d'une astreinte" in _conclusions(texte)


def test_anef_first_application_asks_for_the_attestation_de_depot(tmp_path):
    data = _anef(tmp_path, demande=PREMIERE,
                 urgence={"circonstances": [{"nature": "etudes", "organisme": "université Paris 8",
                                             "date": "2027-01-15", "fichiers": ["contrat.pdf"]}]})
    _, _, _, texte = rendre(tmp_path, data)
    assert "récépissé" not in texte.lower()
    assert "de lui délivrer l'attestation de dépôt en ligne prévue à l'article R. 431-15-1" in _conclusions(texte)
    assert "La requérante poursuit des études (université Paris 8) et doit se présenter à un examen le 15 janvier 2027" in (
        _urgence(texte))


def test_without_anef_the_recepisse_stays(tmp_path):
    _, _, _, texte = rendre(tmp_path, donnees(tmp_path))
    assert "récépissé" in texte and "attestation de prolongation" not in texte
    assert "d'enjoindre au préfet de la Seine-Saint-Denis d'enregistrer" not in texte


# --- the interview: explanation, OQTF, structured choices, costs (headless) ----------------------

def test_interview_structured_urgency_with_oqtf_reaches_the_requete(tmp_path):
    import datetime as dt  # noqa: PLC0415

    from test_interview import Parcours, session  # noqa: PLC0415

    s = session()
    parcours = Parcours(tmp_path, **{
        "client.decision_existante": True,
        "client.decisions": {"client.decisions": {"refus": True, "oqtf": True, "refus_rdv": False, "autre": False}},
        "client.date_decision": "ancienne", "client.oqtf_compris": True,
        "client.nature_demande": "premiere_demande",
        "client.titre": {"client.titre": "carte de séjour « vie privée et familiale »"},
        "circonstances": [None, None],
        "client.delai_jours": {"client.delai_jours": 15, "client.delai_rdv_jours": None, "client.astreinte_euros": 100,
                               "client.frais_affranchissement": 8, "client.lieu_signature": "Montreuil"},
    })
    parcours.jusqua(s, "Le juge agit seulement si c'est urgent")
    assert "Être sans papiers ne suffit pas" in s.subquestion_text and "453391" not in s.subquestion_text
    s.answer()
    assert s.question_text == "Votre obligation de quitter le territoire (OQTF)"
    s.answer({"client.oqtf_date": dt.datetime(2024, 3, 1), "client.oqtf_recours": "rejete"})
    assert s.question_text == "Qu'est-ce qui rend le rendez-vous urgent ?"
    s.answer({"client.natures_urgence": {"emploi": True, "enfant_francais": True}})
    assert s.question_text == "Un travail ou une promesse d'embauche que je risque de perdre"
    s.upload("client.circonstances[0].fichiers", tmp_path / "contrat.pdf")
    s.answer({"client.circonstances[0].nature": "emploi", "client.circonstances[0].emploi": "contrat",
              "client.circonstances[0].organisme": "Nettoyage Services",
              "client.circonstances[0].date": dt.datetime(2025, 6, 1), "client.circonstances[0].fait_nouveau": True,
              "client.circonstances[0].texte": "", "client.circonstances[0].libelle": ""})
    assert s.question_text == "J'ai un enfant français"
    s.upload("client.circonstances[1].fichiers", tmp_path / "passeport.pdf")
    s.answer({"client.circonstances[1].nature": "enfant_francais",
              "client.circonstances[1].date": dt.datetime(2025, 2, 10), "client.circonstances[1].fait_nouveau": True,
              "client.circonstances[1].texte": "", "client.circonstances[1].libelle": "Acte de naissance de l'enfant"})
    parcours.jusqua(s, "Vérifiez votre dossier")
    urgence = s.eval("client.donnees()['urgence']")
    assert urgence["oqtf"] == {"date": dt.date(2024, 3, 1), "recours": "rejete"}
    assert [c["nature"] for c in urgence["circonstances"]] == ["emploi", "enfant_francais"]
    assert urgence["circonstances"][0]["organisme"] == "Nettoyage Services"
    assert s.eval("client.donnees()['conclusions']['frais']") == [{"nature": "affranchissement", "montant_euros": 8}]
    assert s.eval("client.construire_depot()") == []
    from docx import Document  # noqa: PLC0415
    requete = s.eval("client.fichier_du_depot('Requete.docx').path()")
    texte = "\n".join(p.text for p in Document(requete).paragraphs).replace("\u00a0", " ").replace("\u202f", " ")
    assert "Depuis le 1er mars 2024, sont survenus les faits nouveaux suivants" in texte
    assert "La requérante est mère d'un enfant de nationalité française, né le 10 février 2025 (pièce n° " in texte
    assert "au titre de l'article L. 761-1 du code de justice administrative, correspondant aux frais exposés" in texte
