"""Issue 15: an upload is only checked on its screen (the fast check); its conversion to PDF
happens off the web request, and the review converts what the background has not. Headless:
there is no Celery here, so the background task cannot start and the review must do it."""
from __future__ import annotations

import fichiers as f
from test_interview import Parcours, session

MODULE = "__import__('docassemble.rdvrefere.interview_objects', fromlist=['x'])"


def _entree(s, chemins_expr: str):
    return s.eval(f"{MODULE}._conversions().get({MODULE}._cle_de_conversion({chemins_expr}))")


def test_upload_screen_checks_only_and_the_review_converts_what_is_missing(tmp_path):
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    f.jpeg_photo(tmp_path / "ecran.jpg", size=(2000, 1500), orientation=6)
    s.upload("client.tentatives[0].captures", tmp_path / "ecran.jpg")
    chemins = f"{MODULE}._chemins(client.tentatives[0].captures)"

    # on its screen: the fast check, nothing converted yet
    assert s.eval("refus_televersement(client.tentatives[0].captures, 'la capture de la tentative n° 1')") is None
    entree = _entree(s, chemins)
    assert entree["etat"] == "examine" and entree["noms"] == ["ecran.jpg"]
    assert entree["piece"] == "la capture de la tentative n° 1"

    # the screen accepted: no background task can start here, so the conversion is left to the review
    s.eval("retenir_televersement('client.tentatives[0].captures', client.tentatives[0].captures)")
    assert _entree(s, chemins)["etat"] == "a_refaire"

    # the review converts it (never dropped) and remembers the outcome
    assert s.eval("client.refus_de_conversion()") == []
    entree = _entree(s, chemins)
    assert entree["etat"] == "ok" and entree["pages"] == 1


def test_a_refused_file_is_never_converted_nor_remembered(tmp_path):
    s = session()
    Parcours(tmp_path).jusqua(s, "Tentative n° 1")
    (tmp_path / "capture.png").write_bytes(b"PK\x03\x04 ceci est une archive zip")
    s.upload("client.tentatives[0].captures", tmp_path / "capture.png")
    message = s.eval("refus_televersement(client.tentatives[0].captures, 'la capture de la tentative n° 1')")
    assert "capture.png" in message
    assert s.eval(f"{MODULE}._conversions().defined({MODULE}._cle_de_conversion("
                  f"{MODULE}._chemins(client.tentatives[0].captures)))") is False

