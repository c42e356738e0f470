"""Write or update the client interview's translation file for a language (issue 13):

    .venv/bin/python scripts/phrases.py ar          # sources/rdvrefere-ar.xlf
    .venv/bin/python scripts/phrases.py es --check  # what is left to translate, and what is broken

The phrases are read the way docassemble reads them: the client interview parsed by
docassemble.base in translation mode (every text of every block, Mako included), the French
sentences the package makes in Python (each Texte("…") and word("…"), see docassemble/rdvrefere/mots.py), and docassemble's
own phrases that its interview pages use (its word("…") calls, and the keys of the package's
sources/fr-words.yml). Translations already in the file are kept; phrases no longer used are
dropped; new ones are added with an empty target (docassemble then shows the French, or
docassemble's English). Runs in the test harness's environment (tests/daharness.py: no server).
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "tests"))

import daharness  # noqa: E402,F401  (sets docassemble's environment up before it is imported)
import yaml  # noqa: E402
from docassemble.base.interview_source import interview_source_from_string  # noqa: E402
from docassemble.base.parse import Interview  # noqa: E402
from docassemble.base.thread_context import empty_globals, global_context  # noqa: E402

from docassemble.rdvrefere import dossier, mots  # noqa: E402
from docassemble.rdvrefere.langues import fichier_de_traduction  # noqa: E402
from docassemble.rdvrefere.traductions import (FichierDeTraduction, FichierIllisible, Phrase, defauts,  # noqa: E402
                                               ecrire, lire)

# the client's interviews, which share each language's file (docassemble matches a phrase by its
# text, whatever the interview): the référé, after the ordonnance, « Mes dossiers », the reminders'
# stop page. The staff screens stay French.
ENTRETIENS = tuple(f"docassemble.rdvrefere:data/questions/{nom}.yml"
                   for nom in ("rdvrefere", "rdv_ordonnance", "rdv_mes_dossiers", "rdv_rappels"))
# dossier.py's labels shown on the client's screens through tr()
CONSTANTES_AFFICHEES = ("TYPES_BLOCAGE", "NATURES_DEMARCHE", "LIBELLES_DEMARCHE", "REPONSES_DEMARCHE")
# docassemble's modules that build an interview page's words (buttons, menu, form checks)
MODULES_DES_PAGES = ("base/standardformatter.py", "base/parse.py", "base/util.py", "webapp/utils/helpers.py")
MOT = re.compile(r'''word\((["'])((?:(?!\1)[^\\\n])+)\1\)''')
# in the interviews' code: word("…") and Texte("…", …), the template written first
MOT_OU_TEXTE = re.compile(r'''\b(?:word|Texte)\((["'])((?:(?!\1)[^\\\n])+)\1[,)]''')


def phrases_de_l_entretien() -> list[Phrase]:
    """Each text of the client interviews' blocks, once, in the order docassemble reads them."""
    vues: dict[str, Phrase] = {}
    for nom in ENTRETIENS:
        with global_context(empty_globals()):
            source = interview_source_from_string(nom)
            source.update()
            source.translating = True
            entretien = Interview(source=source)
        for bloc in entretien.all_questions:
            for texte in getattr(bloc, "translations", []):
                if texte not in vues:
                    fichier = bloc.from_source.path.split("/")[-1]
                    vues[texte] = Phrase(texte, note=f"{fichier} · {getattr(bloc, 'id', '') or ''}".strip(" ·"))
    return list(vues.values())


def phrases_du_code() -> list[Phrase]:
    """The package's sentences made in Python: each Texte("…") and word("…") with a written
    template, in its modules and in the interviews' code, then mots.PHRASES."""
    trouvees: dict[str, str] = {}
    for module in sorted((RACINE / "docassemble" / "rdvrefere").glob("*.py")):
        for noeud in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(noeud, ast.Call) and noeud.args and isinstance(noeud.args[0], ast.Constant)
                    and isinstance(noeud.args[0].value, str)
                    and getattr(noeud.func, "id", getattr(noeud.func, "attr", None)) in ("Texte", "word")):
                trouvees.setdefault(noeud.args[0].value, f"{module.name}:{noeud.lineno}")
    for entretien in sorted((RACINE / "interviews").glob("*.yml")):
        for m in MOT_OU_TEXTE.finditer(entretien.read_text(encoding="utf-8")):
            trouvees.setdefault(m.group(2), entretien.name)
    for phrase in mots.PHRASES:
        trouvees.setdefault(phrase, "mots.py")
    # the core's labels the screens show through tr() (choices, tables, the review)
    for nom in CONSTANTES_AFFICHEES:
        for phrase in getattr(dossier, nom).values():
            trouvees.setdefault(phrase, f"dossier.{nom}")
    return [Phrase(source, note=f"Python · {ou}") for source, ou in trouvees.items()]


def phrases_de_docassemble() -> list[Phrase]:
    """docassemble's English phrases an interview page can show."""
    import docassemble  # noqa: PLC0415
    base = Path(docassemble.__path__[0])
    trouvees: dict[str, None] = {}
    for module in MODULES_DES_PAGES:
        for m in MOT.finditer((base / module).read_text(encoding="utf-8")):
            trouvees.setdefault(m.group(2))
    mots_fr = yaml.safe_load((RACINE / "sources" / "fr-words.yml").read_text(encoding="utf-8"))["fr"]
    for cle in mots_fr:
        trouvees.setdefault(cle)
    return [Phrase(p, note="docassemble") for p in sorted(trouvees)]


def mettre_a_jour(langue: str, ancien: FichierDeTraduction | None) -> FichierDeTraduction:
    fr = ancien.cibles("fr") if ancien else {}
    en = ancien.cibles("en") if ancien else {}
    francais = phrases_de_l_entretien() + phrases_du_code()
    uniques: dict[str, Phrase] = {}
    for p in francais:
        # a text made only of Mako expressions has nothing to translate: its target is itself
        rien_a_traduire = not re.sub(r"\$\{.*?\}", "", p.source, flags=re.S).strip()
        uniques.setdefault(p.source, Phrase(p.source, p.source if rien_a_traduire else fr.get(p.source, ""), p.note))
    return FichierDeTraduction(langue, list(uniques.values()),
                               [Phrase(p.source, en.get(p.source, ""), p.note) for p in phrases_de_docassemble()])


def declarer(nom: str, *, ecrire_la_declaration: bool) -> bool:
    """Whether the client interviews read the file (its line in interviews/rdv_traductions.yml);
    when writing, the line is added to the list."""
    liste = RACINE / "interviews" / "rdv_traductions.yml"
    texte = liste.read_text(encoding="utf-8")
    if nom in yaml.safe_load(texte).get("translations", []):
        return True
    if not ecrire_la_declaration:
        print(f"{nom} : absent de interviews/rdv_traductions.yml, les entretiens ne le lisent pas", file=sys.stderr)
        return False
    liste.write_text(texte.rstrip("\n") + f"\n  - {nom}\n", encoding="utf-8")
    print(f"interviews/rdv_traductions.yml: {nom} added")
    return True


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("langue", help="docassemble's language code: en, ar, es…")
    arguments.add_argument("--check", action="store_true", help="count what is left to translate, write nothing")
    options = arguments.parse_args()
    chemin = RACINE / "sources" / fichier_de_traduction(options.langue)
    try:
        ancien = lire(chemin) if chemin.exists() else None
    except FichierIllisible as exc:
        print(exc, file=sys.stderr)
        return 2
    problemes = defauts(ancien, options.langue) if ancien else []
    for probleme in problemes:
        print(f"{chemin.name} : {probleme}", file=sys.stderr)
    nouveau = mettre_a_jour(options.langue, ancien)
    manque_fr = [p for p in nouveau.francais if not p.cible]
    manque_en = [p for p in nouveau.docassemble if not p.cible]
    print(f"{chemin.relative_to(RACINE)}: {len(nouveau.francais)} phrases of the interview "
          f"({len(manque_fr)} to translate), {len(nouveau.docassemble)} of docassemble ({len(manque_en)} to translate)")
    declaree = declarer(fichier_de_traduction(options.langue), ecrire_la_declaration=not options.check)
    if not options.check:
        ecrire(chemin, nouveau)
    return 1 if options.check and (manque_fr or problemes or not declaree) else 0


if __name__ == "__main__":
    sys.exit(main())
