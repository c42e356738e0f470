"""A dossier transmis (transmission.py): the client's data with file references, staff
corrections on top, files written back to disk for the core, staff labels through the one
numbering. Real files, real numbering, no mocks."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import pytest

from docassemble.rdvrefere.dossier import dossier_depuis_donnees
from docassemble.rdvrefere.numerotation import numeroter
from docassemble.rdvrefere.transmission import (CORRECTIONS_VIDES, appliquer, empreinte, identite_d_element, identite_de_piece,
                                                libelles_par_source, lire_chemin, materialiser,
                                                nom_de_fichier_sur, references, vers_json)
from dossiers import capture, donnees, pdf

# --- a client's dossier as the interview sends it: every file a reference -------------------------


class Magasin(dict):
    """File contents by sha256, as the register keeps them; `lire` is materialiser's reader."""

    def ajouter(self, chemin: Path) -> dict:
        octets = Path(chemin).read_bytes()
        sha = hashlib.sha256(octets).hexdigest()
        self[sha] = octets
        return {"nom": Path(chemin).name, "sha256": sha}

    def lire(self, sha: str, destination: Path) -> None:
        destination.write_bytes(self[sha])


def _elements(data: dict):
    for liste in ("tentatives", "demarches", "pieces"):
        yield from data.get(liste) or []
    yield from (data.get("urgence") or {}).get("circonstances") or []


def transmis(racine: Path, magasin: Magasin, **changements) -> dict:
    """The test dossier (tests/dossiers.py) with its files replaced by references; every
    capture has its own content (the helper draws them all alike)."""
    data = donnees(racine, **changements)
    for i, nom in enumerate(("c1.png", "c2.png", "c3.png", "c4.png"), 1):
        capture(racine / nom, f"Aucun créneau, tentative {i}")
    for element in _elements(data):
        element["fichiers"] = [magasin.ajouter(racine / f) for f in element.get("fichiers") or []]
    return data


def sha_de(data: dict, liste: str, rang: int) -> str:
    return identite_d_element(liste, data[liste][rang - 1])


@pytest.fixture
def magasin() -> Magasin:
    return Magasin()


@pytest.fixture
def client(tmp_path, magasin) -> dict:
    return transmis(tmp_path / "client", magasin)


def numerotes(data: dict, dossier: Path, magasin: Magasin, corrections: dict | None = None):
    """What staff see: corrections applied, files written, the core's dossier numbered with
    staff labels."""
    corrige = appliquer(data, corrections)
    chemins, sha_du_chemin = materialiser(corrige, dossier, magasin.lire)
    noyau = dossier_depuis_donnees(chemins, dossier)
    pieces = numeroter(noyau)
    return numeroter(noyau, libelles=libelles_par_source(pieces, sha_du_chemin, corrections)), sha_du_chemin


# --- appliquer -------------------------------------------------------------------------------------


def test_sans_correction_les_donnees_du_client_a_l_identique(client):
    assert appliquer(client, None) == appliquer(client, copy.deepcopy(CORRECTIONS_VIDES)) == client


def test_texte_corrige_garde_tant_que_le_client_n_a_pas_change_ce_texte(client):
    avant = copy.deepcopy(client)
    corrections = {"textes": {"tentatives[2].constat": {
        "origine": "aucun créneau", "texte": "aucun créneau disponible, message « Veuillez recommencer »"}}}
    corrige = appliquer(client, corrections)
    assert corrige["tentatives"][1]["constat"] == "aucun créneau disponible, message « Veuillez recommencer »"
    assert corrige["tentatives"][0]["constat"] == "aucun créneau"  # only that path
    assert client == avant  # the client's data is never touched

    # spaces around the client's text do not matter
    client["tentatives"][1]["constat"] = "  aucun créneau "
    assert appliquer(client, corrections)["tentatives"][1]["constat"].startswith("aucun créneau disponible")

    # the client rewrote it: the client's new words win, the staff text lapses
    client["tentatives"][1]["constat"] = "le site était en maintenance"
    assert appliquer(client, corrections)["tentatives"][1]["constat"] == "le site était en maintenance"


def test_texte_ajoute_la_ou_le_client_n_avait_rien_ecrit(client):
    corrections = {"textes": {"demarches[1].resultat": {"origine": "", "texte": "restée sans réponse à ce jour"}}}
    assert "resultat" not in client["demarches"][0]
    assert appliquer(client, corrections)["demarches"][0]["resultat"] == "restée sans réponse à ce jour"


def test_texte_vide_par_le_personnel_efface_le_champ(client):
    corrections = {"textes": {"urgence.circonstances[1].texte": {"origine": "Mon titre expire bientôt.", "texte": ""}}}
    assert appliquer(client, corrections)["urgence"]["circonstances"][0]["texte"] is None


def test_texte_d_un_element_que_le_client_a_retire_est_ignore(client):
    """The client's new version has no démarche (and fewer attempts): staff texts written for
    them lapse, nothing breaks, nothing lands on another element."""
    corrections = {"textes": {
        "demarches[1].resultat": {"origine": "", "texte": "restée sans réponse"},
        "tentatives[4].constat": {"origine": "", "texte": "ajout"},
        "tentatives[0].constat": {"origine": "", "texte": "pas un chemin (1-based)"},
        "urgence.circonstances[3].libelle": {"origine": "", "texte": "x"},
        "Requerant.nom": {"origine": "", "texte": "pas un chemin"},
    }}
    client["demarches"] = []
    client["tentatives"] = client["tentatives"][:3]
    corrige = appliquer(client, corrections)
    assert corrige["demarches"] == [] and len(corrige["tentatives"]) == 3
    assert [t["constat"] for t in corrige["tentatives"]] == ["aucun créneau"] * 3
    assert len(corrige["urgence"]["circonstances"]) == 1


def test_lire_chemin():
    data = {"tentatives": [{"constat": "a"}, {"constat": "b"}], "urgence": {"circonstances": [{"texte": "t"}]}}
    assert lire_chemin(data, "tentatives[2].constat") == "b"
    assert lire_chemin(data, "urgence.circonstances[1].texte") == "t"
    assert lire_chemin(data, "tentatives[3].constat") is None
    assert lire_chemin(data, "demarches[1].description") is None
    with pytest.raises(KeyError):
        lire_chemin(data, "tentatives[0].constat")


def test_piece_retiree_par_son_identite_meme_si_le_client_la_deplace(client):
    passeport = sha_de(client, "pieces", 1)
    corrections = {"retirees": [passeport]}
    corrige = appliquer(client, corrections)
    assert [p["libelle"] for p in corrige["pieces"]] == ["Titre de séjour"]

    client["pieces"].reverse()  # another order in a new version: the same content is still removed
    assert [p["libelle"] for p in appliquer(client, corrections)["pieces"]] == ["Titre de séjour"]


def test_justificatifs_de_demarche_et_d_urgence_retires_mais_pas_les_tentatives(client):
    lrar = sha_de(client, "demarches", 1)
    contrat = identite_d_element("circonstances", client["urgence"]["circonstances"][0])
    capture1 = sha_de(client, "tentatives", 1)
    corrige = appliquer(client, {"retirees": [lrar, contrat, capture1]})
    # the démarche and the circumstance stay (the requête tells them), without their files
    assert corrige["demarches"][0]["description"] == "demande de rendez-vous"
    assert corrige["demarches"][0]["fichiers"] == []
    assert corrige["urgence"]["circonstances"][0]["fichiers"] == []
    # attempts are the heart of the case: never removed by staff
    assert corrige["tentatives"] == client["tentatives"]
    assert len(corrige["pieces"]) == 2


def test_piece_dont_le_contenu_a_change_n_est_plus_retiree(tmp_path, client, magasin):
    corrections = {"retirees": [sha_de(client, "pieces", 1)]}
    client["pieces"][0]["fichiers"] = [magasin.ajouter(pdf(tmp_path / "autre" / "passeport.pdf", ("Nouveau scan",)))]
    assert [p["libelle"] for p in appliquer(client, corrections)["pieces"]] == ["Passeport", "Titre de séjour"]


def test_pieces_ajoutees_a_la_fin_et_copiees(tmp_path, client, magasin):
    ajoutee = {"libelle": "Attestation de l'employeur", "categorie": "autre",
               "fichiers": [magasin.ajouter(pdf(tmp_path / "attestation.pdf", ("Attestation",)))]}
    corrections = {"ajoutees": [ajoutee]}
    corrige = appliquer(client, corrections)
    assert [p["libelle"] for p in corrige["pieces"]] == ["Passeport", "Titre de séjour", "Attestation de l'employeur"]
    corrige["pieces"][-1]["libelle"] = "changé"
    assert ajoutee["libelle"] == "Attestation de l'employeur"  # the corrections are not shared
    assert len(client["pieces"]) == 2


def test_conclusions_du_personnel_remplacent_celles_du_client(client):
    client["conclusions"] = {"delai_jours": 15, "delai_rdv_jours": 30, "astreinte_euros": 100,
                             "aide_juridictionnelle_provisoire": True}
    # the staff form: every value, delai_rdv_jours emptied
    corrige = appliquer(client, {"conclusions": {"delai_jours": 8, "delai_rdv_jours": None, "astreinte_euros": 200}})
    assert corrige["conclusions"] == {"delai_jours": 8, "astreinte_euros": 200, "aide_juridictionnelle_provisoire": True}
    # set by staff
    corrige = appliquer(client, {"conclusions": {"delai_jours": 8, "delai_rdv_jours": 60, "astreinte_euros": 200}})
    assert corrige["conclusions"]["delai_rdv_jours"] == 60
    # only the astreinte corrected: the client's other choices stay
    corrige = appliquer(client, {"conclusions": {"astreinte_euros": 150}})
    assert corrige["conclusions"] == {"delai_jours": 15, "delai_rdv_jours": 30, "astreinte_euros": 150,
                                      "aide_juridictionnelle_provisoire": True}
    # no conclusions from the client: staff's are the whole of them
    del client["conclusions"]
    assert appliquer(client, {"conclusions": {"delai_jours": 10, "delai_rdv_jours": None}})["conclusions"] == {
        "delai_jours": 10}
    assert "conclusions" not in appliquer(client, {"conclusions": {}})


def test_donnees_corrigees_lues_par_le_coeur(tmp_path, client, magasin):
    """Every kind of correction at once, through materialiser and the core's model."""
    ajoutee = {"libelle": "Attestation de l'employeur", "categorie": "autre",
               "fichiers": [magasin.ajouter(pdf(tmp_path / "attestation.pdf", ("Attestation",)))]}
    corrections = {
        "textes": {"blocage.plateforme": {"origine": "site de la préfecture", "texte": "site de la préfecture de la Seine-Saint-Denis"}},
        "retirees": [sha_de(client, "pieces", 2)],
        "ajoutees": [ajoutee],
        "conclusions": {"delai_jours": 10, "delai_rdv_jours": 45, "astreinte_euros": 150},
    }
    pieces, _ = numerotes(client, tmp_path / "staff", magasin, corrections)
    noyau = dossier_depuis_donnees(materialiser(appliquer(client, corrections), tmp_path / "staff", magasin.lire)[0],
                                   tmp_path / "staff")
    assert noyau.blocage.plateforme == "site de la préfecture de la Seine-Saint-Denis"
    assert (noyau.conclusions.delai_jours, noyau.conclusions.delai_rdv_jours, noyau.conclusions.astreinte_euros) == (10, 45, 150)
    libelles = [p.libelle for p in pieces]
    assert "Titre de séjour" not in libelles
    assert libelles[-1] == "Attestation de l'employeur"
    assert [p.numero for p in pieces] == list(range(1, len(pieces) + 1))


# --- materialiser ----------------------------------------------------------------------------------


def test_materialiser_ecrit_chaque_fichier_et_rend_les_sha(tmp_path, client, magasin):
    sortie = tmp_path / "sortie"
    chemins, sha_du_chemin = materialiser(client, sortie, magasin.lire)
    fichiers = [f for e in _elements(chemins) for f in e["fichiers"]]
    assert len(fichiers) == len(references(client)) == 8
    for relatif, reference in zip(fichiers, references(client), strict=True):
        assert not Path(relatif).is_absolute()
        cible = (sortie / relatif).resolve()
        assert cible.is_relative_to(sortie.resolve())
        assert cible.name == reference["nom"]
        assert hashlib.sha256(cible.read_bytes()).hexdigest() == reference["sha256"]
        assert sha_du_chemin[str(cible)] == reference["sha256"]
    assert set(sha_du_chemin.values()) == set(magasin)
    assert references(client)[0] == {"nom": "c1.png", "sha256": references(client)[0]["sha256"]}  # untouched
    # the core reads the result as it reads a dossier.yml
    noyau = dossier_depuis_donnees(chemins, sortie)
    assert len(noyau.tous_les_fichiers()) == 8


def test_materialiser_ne_lit_qu_une_fois_un_fichier_deja_ecrit(tmp_path, client, magasin):
    lus = []

    def lire(sha, destination):
        lus.append(sha)
        magasin.lire(sha, destination)

    materialiser(client, tmp_path / "s", lire)
    assert len(lus) == 8
    materialiser(client, tmp_path / "s", lire)
    assert len(lus) == 8


def test_materialiser_garde_les_fichiers_dans_le_dossier(tmp_path, magasin):
    secret = tmp_path / "secret.txt"
    secret.write_text("ne pas écraser")
    octets = b"%PDF-1.4 contenu"
    sha = hashlib.sha256(octets).hexdigest()
    magasin[sha] = octets
    data = {"pieces": [{"libelle": "x", "fichiers": [
        {"nom": "../../secret.txt", "sha256": sha}, {"nom": "/etc/passwd", "sha256": sha},
        {"nom": "..\\..\\win.ini", "sha256": sha}, {"nom": "..", "sha256": sha}]}]}
    sortie = tmp_path / "a" / "b"
    chemins, sha_du_chemin = materialiser(data, sortie, magasin.lire)
    assert secret.read_text() == "ne pas écraser"
    assert [Path(f).name for f in chemins["pieces"][0]["fichiers"]] == ["secret.txt", "passwd", "win.ini", "fichier"]
    for chemin in sha_du_chemin:
        assert Path(chemin).is_relative_to(sortie.resolve())
    assert list(sha_du_chemin.values()) == [sha] * 4


@pytest.mark.parametrize("sha", ["", "abc", "A" * 64, "g" * 64, "../" + "a" * 61, "a" * 65, None])
def test_materialiser_refuse_une_reference_mal_formee(tmp_path, sha):
    appels = []
    data = {"tentatives": [{"constat": "x", "fichiers": [{"nom": "c.png", "sha256": sha}]}]}
    with pytest.raises(ValueError, match="référence de fichier invalide"):
        materialiser(data, tmp_path / "s", lambda s, d: appels.append(s))
    assert appels == []
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").rglob("*.*"))


# --- nom_de_fichier_sur ----------------------------------------------------------------------------


@pytest.mark.parametrize("nom, attendu", [
    ("passeport.jpg", "passeport.jpg"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\awa\\Documents\\titre.pdf", "titre.pdf"),
    ("/", "fichier"),
    ("..", "fichier"),
    ("", "fichier"),
    (None, "fichier"),
    ("   ", "fichier"),
    (".bashrc", "bashrc"),
    ("a\x00b\nc\td.pdf", "abcd.pdf"),
    ('re<q>u:"ête|?*.pdf', "requête.pdf"),
    ("Capture d'écran 2026-10-05 à 09.02.png", "Capture d'écran 2026-10-05 à 09.02.png"),
])
def test_nom_de_fichier_sur(nom, attendu):
    assert nom_de_fichier_sur(nom) == attendu


def test_nom_de_fichier_sur_defaut_et_unicode():
    assert nom_de_fichier_sur("", defaut="piece.pdf") == "piece.pdf"
    decompose = "e\u0301cran.png"  # « écran » as macOS writes it
    assert nom_de_fichier_sur(decompose) == "\u00e9cran.png"


@pytest.mark.parametrize("racine", ["a", "é", "文", "😀"])
def test_nom_tres_long_garde_son_extension_et_tient_sur_le_disque(tmp_path, racine):
    nom = nom_de_fichier_sur(racine * 400 + ".pdf")
    assert nom.endswith(".pdf") and nom.startswith(racine)
    assert len(nom) <= 120
    assert len(nom.encode("utf-8")) <= 240
    (tmp_path / nom).write_bytes(b"x")  # the disk accepts it (255 bytes at most per name)


def test_nom_tres_long_sans_extension():
    assert nom_de_fichier_sur("x" * 500) == "x" * 120
    long_suffixe = "scan." + "y" * 300  # not an extension: cut as one name
    assert nom_de_fichier_sur(long_suffixe) == long_suffixe[:120]


# --- empreinte, vers_json ----------------------------------------------------------------------------


def test_empreinte_ne_depend_ni_de_l_ordre_des_cles_ni_du_type_des_dates():
    import datetime as dt
    a = {"b": 1, "a": {"date": dt.date(2026, 10, 5), "heure": dt.time(9, 30)}}
    b = {"a": {"heure": "09:30", "date": "2026-10-05"}, "b": 1}
    assert empreinte(a) == empreinte(b)
    assert empreinte(a) != empreinte({**b, "b": 2})
    assert vers_json({"t": (dt.datetime(2026, 10, 5, 14, 0),)}) == {"t": ["2026-10-05"]}


# --- libelles_par_source: staff labels through the real numbering -------------------------------------


def _piece(pieces, libelle_ou_fichier):
    trouvees = [p for p in pieces if any(f.name == libelle_ou_fichier for f in p.fichiers)]
    assert len(trouvees) == 1, [(p.libelle, p.fichiers) for p in pieces]
    return trouvees[0]


def test_libelle_du_personnel_suit_la_piece_puis_tombe_quand_ses_fichiers_changent(tmp_path, client, magasin):
    passeport = sha_de(client, "pieces", 1)
    semaine = identite_de_piece((f["sha256"] for t in client["tentatives"][:2] for f in t["fichiers"]), "tentatives")
    corrections = {"libelles": {passeport: "Passeport (pages 2 et 3)",
                                semaine: "Captures d'écran de la première semaine"}}

    pieces, sha_du_chemin = numerotes(client, tmp_path / "v1", magasin, corrections)
    assert len(set(sha_du_chemin.values())) == 8
    assert _piece(pieces, "passeport.pdf").libelle == "Passeport (pages 2 et 3)"
    assert _piece(pieces, "passeport.pdf").sources == ("pieces[1]",)
    serie = _piece(pieces, "c1.png")
    assert serie.sources == ("tentatives[1]", "tentatives[2]")
    assert serie.libelle == "Captures d'écran de la première semaine"
    assert _piece(pieces, "titre.pdf").libelle == "Titre de séjour"
    assert _piece(pieces, "c3.png").libelle.startswith("Capture d'écran de la tentative du 14 octobre 2026")
    assert numerotes(client, tmp_path / "v1bis", magasin, None)[0][1].libelle == "Passeport"  # no label without staff

    # version 2: the client put the pièces in another order and renamed the passport's file
    v2 = copy.deepcopy(client)
    v2["pieces"].reverse()
    v2["pieces"][1]["fichiers"][0]["nom"] = "scan-passeport.pdf"
    v2["tentatives"] = [v2["tentatives"][i] for i in (3, 1, 2, 0)]
    pieces, _ = numerotes(v2, tmp_path / "v2", magasin, corrections)
    assert _piece(pieces, "scan-passeport.pdf").sources == ("pieces[2]",)
    assert _piece(pieces, "scan-passeport.pdf").libelle == "Passeport (pages 2 et 3)"
    assert _piece(pieces, "c1.png").libelle == "Captures d'écran de la première semaine"
    assert _piece(pieces, "titre.pdf").libelle == "Titre de séjour"

    # version 3: a new scan of the passport, one more attempt that week: both labels lapse
    v3 = copy.deepcopy(v2)
    v3["pieces"][1]["fichiers"] = [magasin.ajouter(pdf(tmp_path / "v3src" / "passeport.pdf", ("Nouveau scan",)))]
    v3["tentatives"].append({"date": "2026-10-08", "heure": "10:00", "constat": "aucun créneau",
                             "fichiers": [magasin.ajouter(capture(tmp_path / "v3src" / "c5.png", "tentative 5"))]})
    pieces, _ = numerotes(v3, tmp_path / "v3", magasin, corrections)
    assert _piece(pieces, "passeport.pdf").libelle == "Passeport"
    assert _piece(pieces, "c1.png").libelle == "Captures d'écran des tentatives de la semaine du 5 octobre 2026"
    assert _piece(pieces, "titre.pdf").libelle == "Titre de séjour"


def test_libelles_par_source_sans_libelle_ou_chemin_inconnu(tmp_path, client, magasin):
    pieces, sha_du_chemin = numerotes(client, tmp_path / "s", magasin)
    assert libelles_par_source(pieces, sha_du_chemin, None) == {}
    assert libelles_par_source(pieces, sha_du_chemin, {"libelles": {}}) == {}
    # a path the map does not know never matches a label
    assert libelles_par_source(pieces, {}, {"libelles": {sha_de(client, "pieces", 1): "x"}}) == {}
