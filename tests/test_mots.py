"""The package's French words for docassemble's own pages (sources/fr-words.yml) and the
`accept` list of the upload fields (types_fichiers.ACCEPT_TELEVERSEMENT): no server needed."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import yaml

from docassemble.rdvrefere import types_fichiers

REPO = Path(__file__).resolve().parent.parent
# Flask-User fills « %(username_or_email)s » in BEFORE docassemble translates the phrase: these
# keys are the phrases once « Email » is translated (sources/fr-words.yml says so too)
DEJA_REMPLIES = {"Adresse électronique does not exist", "Incorrect Adresse électronique and/or Password"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|\{\d+\}")


def _mots() -> dict[str, str]:
    installe = importlib.resources.files("docassemble.rdvrefere").joinpath("data/sources/fr-words.yml")
    assert installe.is_file(), "sources/fr-words.yml is not in the wheel (setup.py package_data)"
    return yaml.safe_load(installe.read_text(encoding="utf-8"))["fr"]


def test_every_word_is_a_docassemble_phrase_with_its_placeholders():
    base = yaml.safe_load(importlib.resources.files("docassemble.base").joinpath(
        "data/sources/base-words.yml").read_text(encoding="utf-8"))
    mots = _mots()
    inconnus = [cle for cle in mots if cle not in base and cle not in DEJA_REMPLIES]
    assert inconnus == [], f"not docassemble phrases (typo?): {inconnus}"
    for anglais, francais in mots.items():
        en, fr = PLACEHOLDER.findall(anglais), PLACEHOLDER.findall(francais)
        # positional ones (%s, {0}) all kept, in number; a named one may be left out, never invented
        assert sorted(p for p in en if "(" not in p) == sorted(p for p in fr if "(" not in p), anglais
        assert {p for p in fr if "(" in p} <= set(en), anglais
        assert francais.strip() and francais != anglais, anglais


def test_the_phrases_a_client_meets_are_translated():
    mots = _mots()
    for phrase in ("Skip to main content", "Interview Progress", "Close", "Resume an interview", "Started",
                   "Forgot your Password?", "Retype Password", "Password is required", "Send reset password email",
                   "Incorrect Email and/or Password", "There was an error. Please contact the system administrator.",
                   "Please upload a file with a valid file format."):
        assert phrase in mots, phrase


def test_local_server_lists_the_package_words_after_docassemble_s():
    script = (REPO / "scripts" / "server.sh").read_text(encoding="utf-8")
    base = script.index("- docassemble.base:data/sources/fr-words.yml")
    paquet = script.index("- docassemble.rdvrefere:data/sources/fr-words.yml")
    assert base < paquet
    assert re.search(r"^imagemagick: null$", script, re.M)


def test_accept_list_covers_every_format_the_engine_converts():
    jetons = types_fichiers.ACCEPT_TELEVERSEMENT.split(",")
    for extension, genre in types_fichiers.EXTENSIONS.items():
        assert (extension in jetons) == (genre in types_fichiers.GENRES_ACCEPTES), extension
    for genre in types_fichiers.GENRES_ACCEPTES:
        assert types_fichiers.TYPES_MIME[genre], genre
        assert all(m in jetons for m in types_fichiers.TYPES_MIME[genre]), genre
    assert not any(j.endswith("/*") for j in jetons)  # no BMP or SVG let through as « image/* »
    for format_ in ("HEIC", "JPEG", "PNG", "PDF", ".docx", ".doc", ".odt", "RTF"):
        assert format_ in types_fichiers.FORMATS_ACCEPTES


def test_every_upload_field_of_the_interviews_uses_the_one_list():
    for yml in sorted((REPO / "interviews").glob("*.yml")):
        texte = yml.read_text(encoding="utf-8")
        for bloc in re.findall(r"datatype: files?\n(?:\s{4}.*\n)*", texte):
            if "wordprocessingml" in bloc and "image" not in bloc:
                continue  # staff's « Requête modifiée (.docx) »: a Word file only, on purpose
            assert "accept: ACCEPT_TELEVERSEMENT" in bloc, f"{yml.name}: {bloc}"
