"""The interview's translation files (issue 13): one XLIFF 1.2 file per language, read by
docassemble twice.

- The client interview lists it in its ``translations:`` block: each French text of a block
  (question, help, labels, choices, buttons) is shown in the client's language.
- The server's configuration lists it under ``words:``: docassemble's own phrases (« Continue »,
  the menu, the form checks…) and the package's French sentences made in Python, which the
  interview passes through ``word()``.

So the file holds two ``<file>`` elements: the French phrases (``source-language="fr"``) and
docassemble's English phrases (``source-language="en"``). docassemble matches a phrase by its
exact source text; Mako (``${ … }``, ``% if``) is part of that text and is kept in the target.

Plain Python (ElementTree): ``scripts/phrases.py`` writes the files from the interview, keeping
every translation already made; the tests read them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Phrase", "FichierDeTraduction", "FichierIllisible", "lire", "ecrire", "defauts"]

NS = "urn:oasis:names:tc:xliff:document:1.2"
ET.register_namespace("", NS)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Phrase:
    source: str
    cible: str = ""          # "" while not translated (docassemble then shows the source)
    note: str = ""           # where the phrase is used: a block's file and id, a module


@dataclass
class FichierDeTraduction:
    langue: str                              # target language code
    francais: list[Phrase]                   # the interview's phrases (source fr)
    docassemble: list[Phrase]                # docassemble's own phrases (source en)

    def cibles(self, langue_source: str) -> dict[str, str]:
        phrases = self.francais if langue_source == "fr" else self.docassemble
        return {p.source: p.cible for p in phrases if p.cible}


def _texte(element: ET.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


class FichierIllisible(ValueError):
    """A translation file that is not XLIFF: docassemble would fail to read the interview."""


def lire(chemin: Path) -> FichierDeTraduction:
    """Read a file written by `ecrire` (or by docassemble's own translation utility, or by hand).
    Raises FichierIllisible, with the file's name and the line, when it is not well-formed XML."""
    try:
        racine = ET.parse(chemin).getroot()
    except ET.ParseError as exc:
        ligne = exc.position[0] if getattr(exc, "position", None) else "?"
        raise FichierIllisible(f"{Path(chemin).name}, ligne {ligne} : ce n'est pas du XML bien formé, docassemble "
                               "ne pourrait pas le lire. Corrigez la balise ou le caractère à cet endroit "
                               "(un « & » s'écrit « &amp; », un « < » « &lt; ».") from exc
    if racine.tag != f"{{{NS}}}xliff":
        raise FichierIllisible(f"{Path(chemin).name} : ce n'est pas un fichier XLIFF 1.2 (élément racine "
                               f"« {racine.tag} »).")
    langue, francais, docassemble = "", [], []
    for fichier in racine.iter(f"{{{NS}}}file"):
        langue = fichier.get("target-language", langue)
        liste = francais if fichier.get("source-language", "fr") == "fr" else docassemble
        for unite in fichier.iter(f"{{{NS}}}trans-unit"):
            liste.append(Phrase(_texte(unite.find(f"{{{NS}}}source")), _texte(unite.find(f"{{{NS}}}target")),
                                _texte(unite.find(f"{{{NS}}}note"))))
    return FichierDeTraduction(langue, francais, docassemble)


def _fichier(racine: ET.Element, langue_source: str, langue: str, origine: str, phrases: list[Phrase]) -> None:
    fichier = ET.SubElement(racine, f"{{{NS}}}file", {
        "original": origine, "source-language": langue_source, "target-language": langue, "datatype": "plaintext"})
    corps = ET.SubElement(fichier, f"{{{NS}}}body")
    for numero, phrase in enumerate(phrases, 1):
        unite = ET.SubElement(corps, f"{{{NS}}}trans-unit", {"id": f"{langue_source}{numero}", XML_SPACE: "preserve"})
        ET.SubElement(unite, f"{{{NS}}}source").text = phrase.source
        if phrase.cible:
            ET.SubElement(unite, f"{{{NS}}}target").text = phrase.cible
        if phrase.note:
            ET.SubElement(unite, f"{{{NS}}}note").text = phrase.note


def ecrire(chemin: Path, fichier: FichierDeTraduction) -> None:
    """Write the file (written to a temporary name first: a failure leaves the old one)."""
    racine = ET.Element(f"{{{NS}}}xliff", {"version": "1.2"})
    _fichier(racine, "fr", fichier.langue, "docassemble.rdvrefere", fichier.francais)
    _fichier(racine, "en", fichier.langue, "docassemble", fichier.docassemble)
    ET.indent(racine, space="  ")
    provisoire = chemin.with_name(chemin.name + ".tmp")
    ET.ElementTree(racine).write(provisoire, encoding="utf-8", xml_declaration=True)
    provisoire.replace(chemin)


_MAKO_EXPRESSION = re.compile(r"\$\{.*?\}", re.S)
_MAKO_LIGNE = re.compile(r"^[ \t]*%.*$", re.M)
_CHAMP = re.compile(r"\{(\w*)\}")


def _mako(texte: str) -> list[str]:
    return sorted(_MAKO_EXPRESSION.findall(texte)) + sorted(ligne.strip() for ligne in _MAKO_LIGNE.findall(texte))


def defauts(fichier: FichierDeTraduction, langue_attendue: str | None = None) -> list[str]:
    """What in a translation file would break a screen or show the wrong words, one French line
    each: the wrong language code; a translated block text whose Mako (``${ … }`` expressions and
    ``% if`` / ``% for`` lines, which docassemble runs) is not the French one; a sentence made in
    Python whose ``{fields}`` are not the French ones (mots.traduire would then show the French)."""
    trouves = []
    if langue_attendue and fichier.langue != langue_attendue:
        trouves.append(f"la langue du fichier est « {fichier.langue} », pas « {langue_attendue} »")
    for phrase in fichier.francais:
        if not phrase.cible:
            continue
        debut = phrase.source.splitlines()[0][:70] if phrase.source else ""
        if _mako(phrase.source) != _mako(phrase.cible):
            trouves.append(f"« {debut} » : le code entre ${{ }} ou les lignes en % ne sont pas ceux du français")
        elif phrase.note.startswith("Python") and set(_CHAMP.findall(phrase.source)) != set(_CHAMP.findall(phrase.cible)):
            trouves.append(f"« {debut} » : les champs entre {{ }} ne sont pas ceux du français")
    return trouves
