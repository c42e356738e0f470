"""Issue 15: the paths docassemble gave for uploads are kept by the web process
(`interview_objects._CheminsTrouves`), under the key docassemble's access check used."""
from __future__ import annotations

import daharness  # noqa: F401  (docassemble configured, as for every headless test)
from docassemble.rdvrefere.interview_objects import _CheminsTrouves


def test_un_chemin_garde_sert_tant_que_le_fichier_existe(tmp_path):
    fichier = tmp_path / "file.jpg"
    fichier.write_bytes(b"x")
    chemins = _CheminsTrouves()
    cle = (12, None, ("session-a",), 7)
    chemins.garder(cle, str(fichier))
    assert chemins.lire(cle) == str(fichier)
    assert chemins.lire((12, None, ("session-b",), 7)) is None     # another session: asked again
    assert chemins.lire((12, None, ("session-a",), 8)) is None     # another user: asked again
    fichier.unlink()                                                # the dossier deleted
    assert chemins.lire(cle) is None


def test_rien_n_est_garde_hors_d_une_requete_et_la_memoire_est_bornee(tmp_path):
    fichier = tmp_path / "file.pdf"
    fichier.write_bytes(b"%PDF")
    chemins = _CheminsTrouves()
    chemins.garder(None, str(fichier))
    assert chemins.lire(None) is None
    for numero in range(_CheminsTrouves.MAX + 1):
        chemins.garder((numero, None, ("s",), None), str(fichier))
    assert len(chemins._chemins) <= _CheminsTrouves.MAX
