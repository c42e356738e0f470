"""Letters to the préfecture (courriers.py): the registered letter read back from the DOCX and the
PDF, the e-mail, the ANEF texts; the client's text is placed literally, never evaluated."""

from __future__ import annotations

import datetime as dt
import subprocess

import yaml
from docx import Document

from docassemble.rdvrefere.cli import main
from docassemble.rdvrefere.courriers import (ValeursCourrier, courriel, docx_lrar, liste_accueil_numerique,
                                             rendre_lrar, texte_contact_anef, valeurs_depuis_dossier)
from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from dossiers import AUJOURD_HUI, donnees

HOSTILE = "{{ 7*7 }} ${ x } <script>alert(1)</script> {% if %} &"


def lignes_docx(chemin) -> list[str]:
    document = Document(chemin)
    lignes = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            lignes += [c.text for c in ligne.cells]
    return [l.replace("\u200b", "").replace("\u00a0", " ").replace("\u202f", " ") for l in lignes]


def n(texte: str) -> str:
    """No-break spaces (French typography around « ») as plain spaces, for comparisons."""
    return texte.replace("\u00a0", " ").replace("\u202f", " ")


def valeurs(tmp_path, **changements) -> ValeursCourrier:
    return valeurs_depuis_dossier(dossier_depuis_donnees(donnees(tmp_path, **changements), tmp_path))


def test_lrar_docx_relue(tmp_path):
    chemin = docx_lrar(valeurs(tmp_path), tmp_path / "lrar.docx", aujourd_hui=AUJOURD_HUI)
    lignes = [l for l in lignes_docx(chemin) if l.strip()]
    texte = "\n".join(lignes)
    # sender, then addressee (authority and sourced address), then place and date, then the subject
    assert lignes[0] == "Awa DIALLO" and lignes[1] == "12 rue des Lilas, 93100 Montreuil"
    i = lignes.index("Préfet de la Seine-Saint-Denis")
    assert lignes[i + 1] == "1 esplanade Jean Moulin, 93007 Bobigny Cedex"
    assert lignes.index("Montreuil, le 2 novembre 2026") > i
    assert "Lettre recommandée avec demande d'avis de réception" in lignes
    assert ("Objet : demande de rendez-vous pour déposer ma demande de renouvellement de mon titre de séjour "
            "(carte de séjour « salarié »)") in lignes
    # identity, first person, agreement
    assert ("Je soussignée Awa DIALLO, née le 12 avril 1990 à Bamako (Mali), de nationalité malienne, demeurant "
            "12 rue des Lilas, 93100 Montreuil") in texte
    assert "Mon titre de séjour actuel expire le 15 décembre 2026." in texte
    # the attempts, with their dates
    assert "Depuis le 5 octobre 2026, j'ai tenté à 4 reprises d'obtenir un rendez-vous en ligne" in texte
    for quand in ("le lundi 5 octobre 2026 à 9 h 00", "le mercredi 7 octobre 2026 à 14 h 30",
                  "le mercredi 14 octobre 2026 à 10 h 00", "le mercredi 21 octobre 2026 à 11 h 00"):
        assert f"{quand} : « aucun créneau »" in lignes
    # what is asked, the earlier letter left unanswered, the référé announced, the signature
    assert ("Je vous demande de me donner un rendez-vous en préfecture pour déposer ma demande de renouvellement "
            "de mon titre de séjour (carte de séjour « salarié »).") in lignes
    assert "Ma lettre recommandée du 16 octobre 2026 est restée sans réponse." in lignes
    assert "dans un délai raisonnable » (Conseil d'État, 10 juin 2020, n° 435594)" in texte
    assert ("Sans réponse de votre part dans un délai de huit jours, je saisirai le juge des référés du tribunal "
            "administratif de Montreuil (article L. 521-3 du code de justice administrative).") in lignes
    assert lignes[-1] == "Awa DIALLO"


def test_lrar_homme_sans_adresse_sourcee_anef(tmp_path):
    d = donnees(tmp_path, departement="01", blocage={"type": "anef", "plateforme": "ANEF"})
    d["requerant"].update({"nom": "Traoré", "prenoms": "Moussa", "sexe": "M",
                           "adresse": "3 rue de la Gare, 01000 Bourg-en-Bresse"})
    v = valeurs_depuis_dossier(dossier_depuis_donnees(d, tmp_path))
    lignes = [l for l in lignes_docx(docx_lrar(v, tmp_path / "l.docx", aujourd_hui=AUJOURD_HUI)) if l.strip()]
    texte = "\n".join(lignes)
    assert "Je soussigné Moussa TRAORÉ, né le 12 avril 1990" in texte
    assert "demeurant 3 rue de la Gare, 01000 Bourg-en-Bresse, souhaite déposer ma demande" in texte
    i = lignes.index("Préfet de l'Ain")
    assert lignes[i + 1] == "Bourg-en-Bresse, le 2 novembre 2026"         # no address line invented
    assert "tribunal administratif de Lyon" in texte
    assert "modalité de substitution prévue par l'article R. 431-2" in texte


def test_lrar_pdf(tmp_path):
    docx, pdf = rendre_lrar(valeurs(tmp_path), tmp_path / "sortie", aujourd_hui=AUJOURD_HUI)
    assert docx.is_file() and pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    texte = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Awa DIALLO" in texte and "Préfet de la Seine-Saint-Denis" in texte
    assert "Montreuil, le 2 novembre 2026" in texte


def test_courriel(tmp_path):
    c = courriel(valeurs(tmp_path), aujourd_hui=AUJOURD_HUI)
    c = type(c)(n(c.objet), n(c.corps), c.destinataire)
    assert c.objet == ("Demande de rendez-vous — renouvellement de titre de séjour (carte de séjour « salarié ») — "
                       "Awa DIALLO (née le 12/04/1990)")
    assert "préfecture de la Seine-Saint-Denis" in c.destinataire
    assert c.corps.startswith("Madame, Monsieur,\n\nJe soussignée Awa DIALLO")
    assert "- le lundi 5 octobre 2026 à 9 h 00 : « aucun créneau »" in c.corps
    assert "- le mercredi 21 octobre 2026 à 11 h 00 : « aucun créneau »" in c.corps
    assert "\n\nMa lettre recommandée du 16 octobre 2026 est restée sans réponse.\n\n" in c.corps
    assert "Je vous demande de me donner un rendez-vous en préfecture" in c.corps
    assert c.corps.rstrip().endswith("Courriel : awa@example.org")
    assert c.texte().startswith("À : ")


def test_demarches_sans_reponse_accord(tmp_path):
    demarches = [{"date": "2026-10-10", "nature": "courriel", "description": "demande", "fichiers": ["lrar.pdf"]},
                 {"date": "2026-10-16", "nature": "lrar", "description": "demande", "resultat": "restée sans réponse",
                  "fichiers": ["lrar.pdf"]},
                 {"date": "2026-10-20", "nature": "contact_anef", "description": "ticket",
                  "resultat": "réponse : réessayez plus tard", "fichiers": ["lrar.pdf"]}]
    c = courriel(valeurs(tmp_path, demarches=demarches), aujourd_hui=AUJOURD_HUI)
    assert ("Mon courriel du 10 octobre 2026 et ma lettre recommandée du 16 octobre 2026 sont restés sans réponse."
            in c.corps)
    assert "centre de contact citoyen de l'ANEF du 20 octobre" not in c.corps      # it was answered


def test_courriel_depuis_rien():
    """The interview can write the e-mail before any dossier exists: only a name and a few values."""
    v = ValeursCourrier(nom="Diallo", prenoms="Awa", sexe="F", nature="premiere_demande", titre="carte « salarié »")
    c = courriel(v, aujourd_hui=AUJOURD_HUI)
    assert "Je n'ai pas pu obtenir de rendez-vous sur le site de la préfecture" in c.corps
    assert "Je soussignée Awa DIALLO souhaite déposer ma première demande de titre de séjour (carte « salarié »)." in c.corps
    assert "la préfecture" in c.destinataire


def test_textes_anef(tmp_path):
    v = valeurs(tmp_path, blocage={"type": "anef", "plateforme": "ANEF"})
    texte = n(texte_contact_anef(v, aujourd_hui=AUJOURD_HUI))
    assert "sur le site de l'administration numérique des étrangers en France (ANEF)" in texte
    assert "le lundi 5 octobre 2026 à 9 h 00 : « aucun créneau »" in texte
    assert "article R. 431-2" in texte
    assert "Nom : DIALLO\nPrénoms : Awa\nDate de naissance : 12/04/1990" in texte
    liste = liste_accueil_numerique(v)
    assert any("ticket" in l and "photographiez" in l for l in liste)
    assert any(l.startswith("Demandez que soit écrit") for l in liste)
    assert any("titre de séjour actuel" in l for l in liste)             # a renewal
    assert "préfecture de la Seine-Saint-Denis" in liste[0]


def test_texte_hostile_reste_litteral(tmp_path):
    d = donnees(tmp_path)
    d["tentatives"][0]["constat"] = HOSTILE
    d["requerant"]["lieu_naissance"] = HOSTILE
    v = valeurs_depuis_dossier(dossier_depuis_donnees(d, tmp_path))
    texte = "\n".join(lignes_docx(docx_lrar(v, tmp_path / "h.docx", aujourd_hui=AUJOURD_HUI)))
    assert texte.count(HOSTILE) == 2
    assert "49" not in texte
    c = courriel(v, aujourd_hui=AUJOURD_HUI)
    assert c.corps.count(HOSTILE) == 2 and "49" not in c.corps
    assert HOSTILE in texte_contact_anef(v, aujourd_hui=AUJOURD_HUI)


def test_cli_courrier(tmp_path, capsys):
    chemin = tmp_path / "dossier.yml"
    chemin.write_text(yaml.safe_dump(donnees(tmp_path), allow_unicode=True), encoding="utf-8")
    sortie = tmp_path / "courriers"
    assert main(["courrier", str(chemin), "--type", "courriel", "--out", str(sortie), "--date", "2026-11-02"]) == 0
    assert "Objet : Demande de rendez-vous" in (sortie / "Courriel_prefecture.txt").read_text("utf-8")
    assert main(["courrier", str(chemin), "--type", "anef", "--out", str(sortie), "--date", "2026-11-02"]) == 0
    assert "ANEF" in (sortie / "Message_contact_ANEF.txt").read_text("utf-8")
    assert "- Gardez le ticket" in (sortie / "Accueil_numerique_a_faire.txt").read_text("utf-8")
    assert main(["courrier", str(chemin), "--type", "lrar", "--out", str(sortie), "--date", "2026-11-02"]) == 0
    assert (sortie / "Lettre_recommandee_prefecture.pdf").is_file()
    lignes = lignes_docx(sortie / "Lettre_recommandee_prefecture.docx")
    assert "Montreuil, le 2 novembre 2026" in lignes
    assert "Lettre_recommandee_prefecture.pdf" in capsys.readouterr().out


def test_modele_lrar_installe_et_a_jour_avec_le_script(tmp_path):
    """templates/lrar.docx is packaged and is what scripts/make_templates.py writes."""
    import importlib.util
    from pathlib import Path

    from docassemble.rdvrefere.requete import modele
    racine = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("make_templates", racine / "scripts" / "make_templates.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.lrar().save(tmp_path / "lrar.docx")
    installe = tmp_path / "installe.docx"
    installe.write_bytes(modele("lrar.docx"))
    for engage in (Document(racine / "templates" / "lrar.docx"), Document(installe)):
        assert [(p.style.name, p.text) for p in engage.paragraphs] == \
               [(p.style.name, p.text) for p in Document(tmp_path / "lrar.docx").paragraphs]
