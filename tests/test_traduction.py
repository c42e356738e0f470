"""Issue 13, the core's side (no docassemble): a sentence made in Python stays the same French
str everywhere and keeps what the interview needs to translate it (mots.Texte); the translation
files are read and written without losing a phrase; the plain summary of what the requête asks
comes from the same facts as its « PAR CES MOTIFS »."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re

import pytest

from dossiers import AUJOURD_HUI, donnees
from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.langues import LANGUES, Langue, langue, langue_valide, langues_du_dossier
from docassemble.rdvrefere.conversion import essayer_la_conversion
from docassemble.rdvrefere.mots import Texte, depuis_json, en_json, phrase_recue, traduire
from docassemble.rdvrefere.numerotation import numeroter
from docassemble.rdvrefere.redaction import contexte_requete
from docassemble.rdvrefere.resume_demande import CE_QUE_PROUVE, resume_de_la_demande
from docassemble.rdvrefere.traductions import FichierDeTraduction, FichierIllisible, Phrase, defauts, ecrire, lire

ANGLAIS = {"Le fichier « {nom} » est vide.": "The file « {nom} » is empty.",
           "{n} tentatives le {date}": "{n} attempts on {date}",
           "Autre chose": "Something else"}


def en_anglais(texte: str) -> str:
    return ANGLAIS.get(texte, texte)


def test_un_texte_est_la_phrase_francaise_et_garde_son_gabarit():
    t = Texte("Le fichier « {nom} » est vide.", nom="a{b}.png")
    assert t == "Le fichier « a{b}.png » est vide." and isinstance(t, str)
    assert json.loads(json.dumps({"m": t})) == {"m": "Le fichier « a{b}.png » est vide."}
    copie = pickle.loads(pickle.dumps(t))
    assert copie == t and copie.gabarit == t.gabarit and copie.valeurs == {"nom": "a{b}.png"}
    # the client's text is a value, never read as a template: braces stay as typed
    assert traduire(t, en_anglais) == "The file « a{b}.png » is empty."


def test_traduire_les_valeurs_les_dates_et_garder_le_francais_sans_traduction():
    quand = dt.date(2026, 10, 5)
    t = Texte("{n} tentatives le {date}", n=3, date=quand)
    assert t == "3 tentatives le 5 octobre 2026"
    assert traduire(t, en_anglais, lambda d: d.isoformat()) == "3 attempts on 2026-10-05"
    assert traduire(Texte("Rien de traduit {x}", x=Texte("Autre chose")), en_anglais) == "Rien de traduit Something else"
    assert traduire("Autre chose", en_anglais) == "Something else" and traduire(12, en_anglais) == "12"


def test_une_traduction_qui_perd_un_champ_laisse_le_francais():
    t = Texte("Le fichier « {nom} » est vide.", nom="x.png")
    assert traduire(t, lambda s: "The file is empty.") == "Le fichier « x.png » est vide."
    assert traduire(t, lambda s: "The file {autre} is empty.") == "Le fichier « x.png » est vide."
    # a broken translation file (a lone brace, a field with no name, an attribute) never breaks a screen
    for casse in ("The file « {nom} » is {empty.", "The file « {} » is empty.", "The file « {nom.__class__} »."):
        assert traduire(t, lambda s, casse=casse: casse) == "Le fichier « x.png » est vide."


def test_les_langues_et_un_code_force():
    assert set(LANGUES) == {"fr", "en", "ar"} and LANGUES["ar"].sens == "rtl"
    assert list(LANGUES)[0] == "fr" and LANGUES["ar"].nom == "العربية" and LANGUES["en"].nom == "English"
    for force in ("xx", "AR", "ar ", "../ar", None, 3, ["ar"]):
        assert langue_valide(force) == "fr"


def test_une_langue_de_plus_est_nommee_et_orientee_par_le_cldr():
    """What an association's new file gets without declaring anything: its name in its own
    language and its direction (the installed files are the languages offered, langues.py)."""
    assert langue("es") == Langue("es", "Español", "ltr")
    assert langue("fa").sens == "rtl" and langue("fa").nom == "فارسی"
    assert langue("zz") == Langue("zz", "zz", "ltr")



def test_un_fichier_ajoute_est_une_langue_offerte(tmp_path):
    for nom in ("rdvrefere-ar.xlf", "rdvrefere-es.xlf", "fr-words.yml", "rdvrefere-es.xlf.tmp", "autre-de.xlf"):
        (tmp_path / nom).write_text("", encoding="utf-8")
    assert list(langues_du_dossier(tmp_path)) == ["fr", "ar", "es"]
    assert langues_du_dossier(tmp_path)["es"].nom == "Español"
    assert list(langues_du_dossier(tmp_path / "absent")) == ["fr"]


def test_un_fichier_de_traduction_relu_est_le_meme(tmp_path):
    phrases = [Phrase("Bonjour ${ nom } & <b>", "مرحبا ${ nom } & <b>", "accueil"), Phrase("Sans traduction")]
    chemin = tmp_path / "rdvrefere-ar.xlf"
    ecrire(chemin, FichierDeTraduction("ar", phrases, [Phrase("Continue", "متابعة", "docassemble")]))
    relu = lire(chemin)
    assert relu.langue == "ar" and relu.francais == phrases
    assert relu.cibles("fr") == {"Bonjour ${ nom } & <b>": "مرحبا ${ nom } & <b>"}
    assert relu.cibles("en") == {"Continue": "متابعة"}
    assert not (tmp_path / "rdvrefere-ar.xlf.tmp").exists()


@pytest.fixture
def dossier(tmp_path):
    return dossier_depuis_donnees(donnees(tmp_path), racine=tmp_path)


def test_le_resume_dit_ce_que_disent_les_conclusions_de_la_requete(dossier):
    pieces = numeroter(dossier)
    resume = resume_de_la_demande(dossier, pieces)
    contexte = contexte_requete(dossier, pieces, aujourd_hui=AUJOURD_HUI)
    conclusions = " ".join([contexte["conclusions_intro"]] + contexte["conclusions"])
    c = dossier.conclusions
    # the same délai, the same astreinte, the same tribunal, as the requête asks
    assert f"dans un délai de {c.delai_jours} jours" in conclusions
    assert any(f"dans les {c.delai_jours} jours" in p for p in resume)
    assert ("astreinte" in conclusions) == any(f"{c.astreinte_euros} €" in p for p in resume)
    assert ("aide juridictionnelle" in conclusions) == any("aide juridictionnelle" in p for p in resume)
    ville = re.search(r"tribunal administratif de ([^ :]+)", conclusions).group(1)
    assert f"Tribunal administratif de {ville}" in resume[0]
    # one sentence per pièce, in order, saying what it shows
    phrases_pieces = [p for p in resume if p.startswith("La pièce n°")]
    assert [p.valeurs["numero"] for p in phrases_pieces] == [p.numero for p in pieces]
    assert all(p.valeurs["preuve"] in CE_QUE_PROUVE.values() for p in phrases_pieces)
    assert all(isinstance(p, Texte) for p in resume)


def test_le_resume_suit_les_demandes_du_dossier(tmp_path):
    sans = dossier_depuis_donnees(donnees(tmp_path, conclusions={"delai_jours": 30, "astreinte_euros": 0,
                                                               "aide_juridictionnelle_provisoire": False}),
                                  racine=tmp_path)
    resume = resume_de_la_demande(sans, numeroter(sans))
    assert any("dans les 30 jours" in p for p in resume)
    assert not any("astreinte" in p or "aide juridictionnelle" in p for p in resume)


@pytest.mark.parametrize("nature, attestation", [("renouvellement", "attestation de prolongation de l'instruction"),
                                                  ("premiere_demande", "attestation de dépôt en ligne")])
def test_le_resume_d_un_blocage_anef_nomme_l_attestation_que_la_requete_demande(tmp_path, nature, attestation):
    """CESEDA R. 431-15-1: the requête asks for the registration and an attestation; the summary
    names the same one (renouvellement.attestation_anef decides for both)."""
    demande = {"nature": nature, "titre": "carte de séjour « salarié »", "date_expiration": "2026-12-15"}
    anef = dossier_depuis_donnees(donnees(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"}, demande=demande),
                                  racine=tmp_path)
    pieces = numeroter(anef)
    contexte = contexte_requete(anef, pieces, aujourd_hui=AUJOURD_HUI)
    conclusions = " ".join([contexte["conclusions_intro"]] + contexte["conclusions"])
    resume = resume_de_la_demande(anef, pieces)
    assert attestation in conclusions
    assert [p for p in resume if attestation in p and "enregistrée" in p]
    autre = ({"attestation de prolongation de l'instruction", "attestation de dépôt en ligne"} - {attestation}).pop()
    assert autre not in conclusions and not any(autre in p for p in resume)


def test_le_resume_dit_ce_que_le_client_demande_pas_ce_que_le_juge_fera(dossier):
    """The judge may grant less: every request is « vous demandez », and the summary says the judge decides."""
    resume = resume_de_la_demande(dossier, numeroter(dossier))
    assert not any("devra" in p or "l'État paie" in p and "Vous demandez" not in p for p in resume)
    assert any(p.startswith("Le juge décide") for p in resume)


def test_un_fichier_de_traduction_mal_forme_est_nomme_avec_sa_ligne(tmp_path):
    """An association's new file, checked before it is installed (scripts/phrases.py --check):
    broken XML gives the file and the line, in French, never a traceback."""
    chemin = tmp_path / "rdvrefere-es.xlf"
    chemin.write_text('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
                      '<file><body><trans-unit id="1"><source>Fais & défais</source></trans-unit></body></file>\n'
                      '</xliff>\n', encoding="utf-8")
    with pytest.raises(FichierIllisible, match=r"rdvrefere-es\.xlf, ligne 3 : ce n'est pas du XML bien formé"):
        lire(chemin)
    chemin.write_text('<?xml version="1.0"?>\n<html><body/></html>\n', encoding="utf-8")
    with pytest.raises(FichierIllisible, match="pas un fichier XLIFF"):
        lire(chemin)


def test_une_traduction_qui_casse_le_mako_ou_les_champs_est_signalee():
    phrases = [
        Phrase("Bonjour ${ nom }", "Hola ${ nombre }", "rdvrefere.yml · accueil"),
        Phrase("% if x:\nOui\n% endif", "Sí", "rdvrefere.yml · a"),
        Phrase("La pièce n° {numero}", "El documento n.º {num}", "Python · resume_demande.py:40"),
        Phrase("Bien ${ x }\n% if y:\nz\n% endif", "Bien ${ x }\n% if y:\nz\n% endif", "rdvrefere.yml · b"),
        Phrase("Pas encore traduit ${ x }", "", "rdvrefere.yml · c"),
    ]
    trouves = defauts(FichierDeTraduction("ar", phrases, []), "es")
    assert trouves[0] == "la langue du fichier est « ar », pas « es »"
    assert len(trouves) == 4
    assert "« Bonjour ${ nom } »" in trouves[1] and "${ }" in trouves[1]
    assert "« % if x: »" in trouves[2]
    assert "champs entre { }" in trouves[3]


def test_le_nom_de_la_piece_traverse_celery_avec_son_gabarit(tmp_path):
    """The pièce's name goes to the Celery task and its refusal comes back through Redis, both as
    JSON (conversion_serveur): the name keeps its template, so the refusal names the pièce in the
    client's language too, not in French inside a translated sentence."""
    piece = Texte("la preuve n° {numero}", numero=2)
    envoye = depuis_json(json.loads(json.dumps(en_json(piece))))
    assert isinstance(envoye, Texte) and envoye.gabarit == piece.gabarit and envoye == piece
    faux = tmp_path / "faux.pdf"
    faux.write_bytes(b"ceci n'est pas un PDF")
    resultat = essayer_la_conversion([faux], ["releve.pdf"], envoye)
    assert resultat["etat"] == "refus"
    refus = phrase_recue(json.loads(json.dumps(resultat, ensure_ascii=False)))
    assert isinstance(refus, Texte) and "la preuve n° 2" in refus

    def gabarits(texte):
        return {texte.gabarit} | {g for v in texte.valeurs.values() if isinstance(v, Texte) for g in gabarits(v)}
    assert "la preuve n° {numero}" in gabarits(refus)
    anglais = {"la preuve n° {numero}": "proof no. {numero}"}
    assert "proof no. 2" in traduire(refus, lambda s: anglais.get(s, s))
    with pytest.raises(ValueError):
        depuis_json(["pas", "un", "texte"])


def test_une_phrase_datee_traverse_json_avec_sa_date():
    """The execution bundle's problems come back from the background task as JSON
    (ordonnance_serveur.problemes_pour_la_reponse): the date stays a date, written in the page's
    language; a phrase that does not give back the French sent is not used."""
    texte = Texte("la date de notification ({notif}) est avant la date de l'ordonnance ({date})",
                  notif=dt.date(2026, 12, 1), date=dt.date(2026, 12, 5))
    donnees = json.loads(json.dumps({"message": str(texte), "phrase": en_json(texte)}))
    recue = phrase_recue(donnees)
    assert isinstance(recue, Texte) and recue == texte and recue.valeurs["date"] == dt.date(2026, 12, 5)
    assert traduire(recue, lambda s: s, lambda jour: jour.isoformat()).endswith("(2026-12-05)")
    assert phrase_recue({**donnees, "message": "autre chose"}) == "autre chose"
    assert phrase_recue({"message": "sans phrase"}) == "sans phrase"
