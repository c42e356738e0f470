"""Attacks on the client interview and on what it transmits to staff (issue 8), headless
(tests/daharness.py), each written as the attacker would act.

1. A client's session makes one of its upload variables point at another client's file number
   (a forged POST does that on a server without « restrict input variables »): the transmission
   is refused with a French sentence naming the file, and the register never holds that file
   for the attacker's dossier.
2. Hostile text in every free text field (Mako, Jinja, docassemble markup, HTML, Markdown):
   the register keeps it exactly; the client's screens, the staff table and the documents
   built from the register's copy show it literally, never evaluate it.

The harness applies docassemble's rule for private uploads (a session reads its own files), so
what the attacker's session can open here is what it could open on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docassemble.base.error import DAError

import daharness as da
import dossiers as exemples
from test_interview import Parcours

CLIENTE_A = {"email": "a@example.org", "theid": 11}
CLIENT_B = {"email": "b@example.org", "theid": 12}
REVUE = "Vérifiez votre dossier"
REGISTRE = "__import__('docassemble.rdvrefere.registre_serveur', fromlist=['registre']).registre()"


def _sha256(chemin: Path) -> str:
    return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()


def _shas_du_proprietaire(registre, proprietaire: int) -> set[str]:
    """Every file content referenced by any version of any dossier of this user."""
    from docassemble.rdvrefere.transmission import references  # noqa: PLC0415
    shas = set()
    for resume in registre.tous():
        if resume.proprietaire == proprietaire:
            for envoi in registre.lire(resume.id).envois:
                shas |= {f["sha256"] for f in references(envoi.donnees)}
    return shas


# --- 0. the rule the harness applies, as the server ------------------------------------------------

VIDE = "mandatory: True\nquestion: Rien\nfield: fini\n"
TROUVER = "__import__('docassemble.base.hooks', fromlist=['x']).file_number_finder"


def test_le_harnais_applique_la_regle_des_televersements_prives(tmp_path):
    """What the attacks below rely on: as docassemble.webapp, a private upload is readable by
    its own session, by the user who started it, by privileged roles, and by nobody else."""
    fichier = exemples.pdf(tmp_path / "p.pdf")

    def session(user=None):
        return da.start("docassemble.base:data/questions/examples/_attaques.yml", content=VIDE, user=user)
    a = session(CLIENTE_A)
    a.upload("doc", fichier)
    numero = a.eval("doc[0].number")
    assert a.eval(f"{TROUVER}({numero})")["fullpath"] == a.eval("doc[0].path()")
    b = session(CLIENT_B)
    assert b.eval(f"{TROUVER}({numero})") == {}
    assert b.eval(f"{TROUVER}({numero}, uids=[{b.session_id!r}], privileged=False)") == {}
    assert b.eval(f"{TROUVER}({numero}, uids=[{a.session_id!r}])")          # the caller names A's session
    assert b.eval(f"{TROUVER}({numero}, privileged=True)")
    b.run("import docassemble.base.util as _u\n"
          f"volee = _u.DAFile('volee', filename='p.pdf', number={numero}, extension='pdf', mimetype='application/pdf')")
    with pytest.raises(DAError, match="Could not retrieve file"):
        b.eval("volee.path()")
    assert session().eval(f"{TROUVER}({numero})") == {}                          # anonymous
    assert session(dict(CLIENTE_A)).eval(f"{TROUVER}({numero})")                 # A's other session
    assert session({"email": "admin@example.org", "theid": 1, "roles": ["admin"]}).eval(f"{TROUVER}({numero})")
    a.run("doc[0].set_attributes(private=False)")
    assert b.eval(f"{TROUVER}({numero})")                                       # made public by A


# --- 1. another session's file ------------------------------------------------------------------

def test_une_session_ne_peut_pas_transmettre_le_fichier_d_une_autre(tmp_path):
    # A, a real client, sends her dossier with her own passport
    racine_a = tmp_path / "a"
    parcours_a = Parcours(racine_a, **{"client.piece_identite": "passeport_a.pdf"})
    passeport_a = exemples.pdf(racine_a / "passeport_a.pdf", ("PASSEPORT DE A", "P<MLIDIALLO<<AWA<<<<<<<<"))
    a = da.start("rdvrefere.yml", user=CLIENTE_A)
    parcours_a.jusqua(a, REVUE)
    assert a.eval("client.transmission_reussie()") is True
    numero_a = a.eval("client.piece_identite[0].number")
    sha_a = _sha256(passeport_a)
    registre = a.eval(REGISTRE)
    assert sha_a in _shas_du_proprietaire(registre, 11)

    # B, the attacker, has a dossier of his own, transmitted once
    b = da.start("rdvrefere.yml", user=CLIENT_B)
    Parcours(tmp_path / "b").jusqua(b, REVUE)
    assert b.eval("client.transmission_reussie()") is True
    assert sha_a not in _shas_du_proprietaire(registre, 12)
    # as on the server, docassemble itself does not let B's session open A's file
    assert a.eval(f"{TROUVER}({numero_a})") and b.eval(f"{TROUVER}({numero_a})") == {}

    def attaque(injection: str, remise: str, nom: str) -> None:
        b.run(injection)
        assert b.eval("client.transmission_reussie()") is False, injection
        refus = b.eval("client.refus_de_transmission")
        assert f"« {nom} » n'appartient pas à ce dossier" in refus, refus
        assert sha_a not in _shas_du_proprietaire(registre, 12), injection
        b.run(remise)

    # a forged field value: the number as the form would post it (text), then as a number
    numero_b = b.eval("client.piece_identite[0].number")
    attaque(f"client.piece_identite[0].number = '{numero_a}'",
            f"client.piece_identite[0].number = {numero_b}", "passeport.pdf")
    capture_b = b.eval("client.tentatives[1].captures[0].number")
    attaque(f"client.tentatives[1].captures[0].number = {numero_a}",
            f"client.tentatives[1].captures[0].number = {capture_b}", "c2.png")
    # a whole forged upload, as the harness (and the server) represent one
    attaque("import docassemble.base.util as _u\n"
            "_vrai_sejour = client.piece_sejour\n"
            "client.piece_sejour = _u.DAFileList('client.piece_sejour', elements=[_u.DAFile("
            f"'client.piece_sejour[0]', filename='passeport_a.pdf', number={numero_a}, "
            "mimetype='application/pdf', extension='pdf')])",
            "client.piece_sejour = _vrai_sejour\ndel _vrai_sejour, _u", "passeport_a.pdf")
    # and as an extra pièce appended to a list
    attaque("import docassemble.base.util as _u\n"
            "_p = client.autres_pieces.appendObject()\n"
            "_p.libelle = 'Justificatif'\n_p.categorie = 'autre'\n_p.complete = True\n"
            "_p.fichiers = _u.DAFileList('_p.fichiers', elements=[_u.DAFile('_p.fichiers[0]', "
            f"filename='piece.pdf', number={numero_a}, mimetype='application/pdf', extension='pdf')])",
            "client.autres_pieces.pop()\ndel _p, _u", "piece.pdf")

    # B's own dossier is untouched: one version, his files only; A's is A's
    dossier_b = registre.du_client(12, b.session_id)
    assert [e.numero for e in dossier_b.envois] == [1]
    assert b.eval("client.transmission_reussie()") is True  # back to his own files: nothing new
    assert [e.numero for e in registre.du_client(12, b.session_id).envois] == [1]
    assert registre.du_client(11, b.session_id) is None and registre.du_client(12, a.session_id) is None


# --- 2. hostile text --------------------------------------------------------------------------------

CHARGES = ("${ 7*7 }", "{{ 7*7 }}", "{% if True %}X{% endif %}", "<script>window.P=1</script>", "[BR]",
           "[FILE passeport.pdf]", "**gras**")


def hostile(etiquette: str, rang: int) -> str:
    """`etiquette` then every payload, rotated by `rang` (each field its own string and order)."""
    decalage = rang % len(CHARGES)
    return " ".join((etiquette, *CHARGES[decalage:], *CHARGES[:decalage]))


H = {
    "nom": hostile("Nomhostile", 0),
    "prenoms": hostile("Prenomshostiles", 1),
    "lieu_naissance": hostile("Lieuhostile", 2),
    "nationalite": hostile("Nationalitehostile", 3),
    "adresse": hostile("Adressehostile 12 rue des Lilas 93100 Montreuil", 4),
    "telephone": hostile("Telephonehostile", 5),
    "titre": hostile("Titrehostile", 6),
    "plateforme": hostile("Plateformehostile", 7),
    "constat1": hostile("Constatun", 8),
    "constat2": hostile("Constatdeux", 9),
    "constat3": hostile("Constattrois", 10),
    "description": hostile("Descriptionhostile", 11),
    "resultat": hostile("Resultathostile", 12),
    "urgence": hostile("Urgencehostile", 13),
    "urgence_libelle": hostile("Justificatifhostile", 14),
    "piece_libelle": hostile("Piecehostile", 15),
    "lieu_signature": hostile("Signaturehostile", 16),
}
# where the register keeps each one (the core's schema)
CHEMINS = {
    "nom": ("requerant", "nom"), "prenoms": ("requerant", "prenoms"),
    "lieu_naissance": ("requerant", "lieu_naissance"), "nationalite": ("requerant", "nationalite"),
    "adresse": ("requerant", "adresse"), "telephone": ("requerant", "telephone"),
    "titre": ("demande", "titre"), "plateforme": ("blocage", "plateforme"),
    "constat1": ("tentatives", 0, "constat"), "constat2": ("tentatives", 1, "constat"),
    "constat3": ("tentatives", 2, "constat"),
    "description": ("demarches", 0, "description"), "resultat": ("demarches", 0, "resultat"),
    "urgence": ("urgence", "circonstances", 0, "texte"),
    "urgence_libelle": ("urgence", "circonstances", 0, "libelle"),
    "piece_libelle": ("pieces", 2, "libelle"), "lieu_signature": ("signature", "lieu"),
}
EVALUE = re.compile(r"(?<![\d.,])49(?![\d.,])")  # « 7*7 » computed by some template engine


class ParcoursHostile(Parcours):
    """The whole interview with a hostile string in every free text field."""

    def __init__(self, racine: Path):
        super().__init__(racine, **{
            "client.requerant.nom": {"client.requerant.nom": H["nom"], "client.requerant.prenoms": H["prenoms"],
                                     "client.requerant.sexe": "F"},
            "client.requerant.date_naissance": {
                "client.requerant.date_naissance": dt.datetime(1990, 4, 12),
                "client.requerant.lieu_naissance": H["lieu_naissance"],
                "client.requerant.nationalite": H["nationalite"], "client.requerant.numero_etranger": ""},
            "client.requerant.adresse": {"client.requerant.adresse": H["adresse"],
                                         "client.requerant.telephone": H["telephone"],
                                         "client.requerant.courriel": "awa@example.org"},
            "client.titre": {"client.titre": H["titre"], "client.date_expiration": dt.datetime(2026, 12, 15)},
            "client.plateforme": {"client.plateforme": H["plateforme"]},
            "autres_pieces": [(H["piece_libelle"], "contrat.pdf")],
            "client.delai_jours": {"client.delai_jours": 15, "client.delai_rdv_jours": None,
                                   "client.astreinte_euros": 100, "client.frais_copies": 0,
                                   "client.lieu_signature": H["lieu_signature"]},
        })

    def _liste(self, s, nom: str, index: int) -> None:
        if nom == "tentatives":
            date, heure = self.plan["tentatives"][index]
            s.upload(f"client.tentatives[{index}].captures", self.racine / f"c{index + 1}.png")
            s.answer({f"client.tentatives[{index}].date": date, f"client.tentatives[{index}].heure": heure,
                      f"client.tentatives[{index}].constat": H[f"constat{index + 1}"]})
        elif nom == "demarches":
            s.upload(f"client.demarches[{index}].fichiers", self.racine / "lrar.pdf")
            s.answer({f"client.demarches[{index}].nature": "lrar",
                      f"client.demarches[{index}].date": dt.datetime(2026, 10, 16),
                      f"client.demarches[{index}].description": H["description"],
                      f"client.demarches[{index}].resultat": H["resultat"]})
        elif nom == "circonstances":
            s.upload(f"client.circonstances[{index}].fichiers", self.racine / "contrat.pdf")
            s.answer({f"client.circonstances[{index}].texte": H["urgence"],
                      f"client.circonstances[{index}].libelle": H["urgence_libelle"]})
        else:
            super()._liste(s, nom, index)


def _lire(donnees: dict, chemin: tuple) -> object:
    for etape in chemin:
        donnees = donnees[etape]
    return donnees


def _html(s, markdown: str) -> str:
    """A screen's Markdown as docassemble turns it into HTML (its markup, then Markdown)."""
    return s.eval(f"__import__('docassemble.base.filter.html', fromlist=['x']).markdown_to_html({markdown!r})")


def _rien_d_evalue(rendu: str, ou: str) -> None:
    assert "<script" not in rendu.lower() and "<iframe" not in rendu.lower(), ou
    assert "Invalid image reference" not in rendu and "<img" not in rendu and "<svg" not in rendu, ou
    assert not EVALUE.search(rendu), f"{ou}: {rendu}"


def _texte_docx(chemin: Path) -> str:
    document = docx.Document(chemin)
    morceaux = [p.text for p in document.paragraphs]
    for tableau in document.tables:
        for ligne in tableau.rows:
            morceaux += [cellule.text for cellule in ligne.cells]
    for section in document.sections:
        morceaux += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
    return "\n".join(morceaux)


def test_un_texte_hostile_est_garde_tel_quel_et_jamais_evalue(tmp_path):
    s = da.start("rdvrefere.yml", user=CLIENTE_A)
    ParcoursHostile(tmp_path / "client").jusqua(s, REVUE)

    # the client's review screen: each text escaped in the Markdown, literal once rendered
    ecran = {"subquestion": s.subquestion_text, **{f"bouton {n}": t for n, t in s.status.helptexts.items()}}
    montre = ("nom", "prenoms", "lieu_naissance", "nationalite", "adresse", "telephone", "titre", "plateforme",
              "urgence_libelle", "piece_libelle")
    tout = "\n".join(ecran.values())
    for cle in montre:
        assert s.eval(f"texte_sur({H[cle]!r})") in tout, cle
    for ou, markdown in ecran.items():
        assert "<script" not in markdown and not EVALUE.search(markdown), ou
        _rien_d_evalue(_html(s, markdown), f"relecture, {ou}")
    rendu = html.unescape(_html(s, tout))
    for cle in montre:
        assert H[cle] in rendu, cle  # what the client reads is what the client typed

    # the register keeps every string exactly
    assert s.eval("client.transmission_reussie()") is True, s.get("client.refus_de_transmission")
    registre = s.eval(REGISTRE)
    transmis = registre.du_client(11, s.session_id)
    donnees = transmis.envoi.donnees
    for cle, chemin in CHEMINS.items():
        assert _lire(donnees, chemin) == H[cle], cle

    # the staff table of the answers: everything escaped, nothing Markdown or docassemble reads
    from docassemble.rdvrefere.staff_objects import _reponses, html_sur  # noqa: PLC0415
    table = _reponses(transmis.donnees())
    _rien_d_evalue(table, "réponses (personnel)")
    for caractere in "${}[]*<":
        assert caractere not in re.sub(r"<(/?)(table|tbody|tr|th|td)\b[^>]*>", "", table), caractere
    for cle in ("prenoms", "lieu_naissance", "nationalite", "adresse", "telephone", "titre", "plateforme",
                "constat1", "constat2", "constat3", "description", "resultat", "urgence", "piece_libelle"):
        assert html_sur(H[cle]) in table, cle
    assert html_sur(H["nom"].upper()) in table

    # the bundle staff build from the register's copy
    from docassemble.rdvrefere.chantier import ouvrir_chantier  # noqa: PLC0415
    sortie = tmp_path / "depot"
    manifeste = ouvrir_chantier(registre, transmis).construire(sortie)
    requete, inventaire = _texte_docx(sortie / "Requete.docx"), _texte_docx(sortie / "Inventaire.docx")
    for cle in ("prenoms", "lieu_naissance", "nationalite", "titre", "plateforme", "constat1", "constat2",
                "constat3", "description", "resultat", "urgence", "urgence_libelle", "piece_libelle",
                "lieu_signature"):
        assert H[cle] in requete, cle
    assert f"{H['prenoms']} {H['nom'].upper()}" in requete
    assert H["adresse"] in requete and H["telephone"] in requete
    for cle in ("urgence_libelle", "piece_libelle"):
        assert H[cle] in inventaire, cle
    for nom, texte in (("Requete.docx", requete), ("Inventaire.docx", inventaire)):
        assert not EVALUE.search(texte), nom
    # the document's title (set after rendering: docxtpl would render it as a template)
    titre = f"Requête en référé mesures utiles — {H['prenoms']} {H['nom'].upper()}"[:250]
    assert docx.Document(sortie / "Requete.docx").core_properties.title == titre

    # file names: plain ASCII « NN_Label.pdf », whatever the labels
    with zipfile.ZipFile(sortie / "Depot_Telerecours.zip") as archive:
        noms = archive.namelist()
    pieces = [f.fichier for f in manifeste.fichiers if f.role == "piece"]
    assert pieces and set(pieces) <= set(noms)
    for nom in noms:
        assert nom.isascii() and "/" not in nom and not nom.startswith("."), nom
    for nom in pieces:
        assert re.fullmatch(r"\d{2}_[A-Za-z0-9_-]+\.pdf", nom), nom
    # (the other pièce's hostile label names a « passeport »: classified as identity, it comes early)
    assert any(re.fullmatch(r"\d{2}_Justificatifhostile_7_7_7_7_if_True_X_endif_script_.*", n) for n in pieces), pieces
    assert any(re.fullmatch(r"\d{2}_Piecehostile_7_7_if_True_X_endif_script_window_P_1_.*", n) for n in pieces), pieces

    # the client's other screens that quote the texts (the tables of the review)
    for action, cles in (("client.tentatives.revisit", ("constat1", "constat2", "constat3")),
                         ("client.demarches.revisit", ("resultat",)),
                         ("client.circonstances.revisit", ("urgence",)),
                         ("client.autres_pieces.revisit", ("piece_libelle",))):
        s.next(action=action)
        rendu = _html(s, s.subquestion_text)
        _rien_d_evalue(rendu, action)
        for cle in cles:
            assert H[cle] in html.unescape(rendu), (action, cle)
