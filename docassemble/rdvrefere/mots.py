"""The French sentences the package makes in Python for the client's screens, made translatable
(issue 13).

A sentence with values is a `Texte`: a `str` holding the French sentence, as before, for the
command line, the staff and the documents; it also keeps its template (``gabarit``) and its
values, so that the interview can show it in the client's language: `traduire` translates the
template with docassemble's ``word()`` and puts the values back in. ``scripts/phrases.py`` finds
every ``Texte("…")`` and ``word("…")`` written in the package's code and adds their templates to
each language's translation file; `PHRASES` lists the few it cannot find that way.

Plain Python: no docassemble import (the interview passes ``word``).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable

from .dates import date_longue

__all__ = ["Texte", "traduire", "PHRASES", "JOURS", "en_json", "depuis_json", "phrase_a_envoyer",
           "phrase_recue"]

PHRASES: tuple[str, ...] = (
    # docassemble's tables: the column of buttons is named when the interview is read (parse.py's
    # word("Actions")); the client tables name it with `edit header: Actions`, a block text
    "Actions",
)


class Texte(str):
    """A French sentence made from a template (``str.format`` fields, ``{nom}``) and values.
    A value may itself be a `Texte` (translated too), a date (written by the page's language)
    or anything else (shown as it is: a file name, what the client typed, a number)."""

    gabarit: str
    valeurs: dict[str, object]

    def __new__(cls, gabarit: str, **valeurs: object) -> Texte:
        texte = super().__new__(cls, gabarit.format(**{k: _en_francais(v) for k, v in valeurs.items()}))
        texte.gabarit = gabarit
        texte.valeurs = valeurs
        return texte

    def __reduce__(self):   # pickled in docassemble's sessions: keep the template and values
        return (_refaire, (self.gabarit, self.valeurs))


# dates.JOURS, translatable (lundi … dimanche, by date.weekday()): the reminder mails, the
# ordonnance's dates (ordonnance.jour_nomme), the weekday chosen for the reminders
JOURS = (Texte("lundi"), Texte("mardi"), Texte("mercredi"), Texte("jeudi"), Texte("vendredi"), Texte("samedi"),
         Texte("dimanche"))


def _refaire(gabarit: str, valeurs: dict[str, object]) -> Texte:
    return Texte(gabarit, **valeurs)


def _en_francais(valeur: object) -> str:
    if isinstance(valeur, dt.date):
        return date_longue(valeur)
    return str(valeur)


def _champs(gabarit: str) -> set[str] | None:
    """The template's named fields; None when it is not a valid template (a lone « { »), or has
    a field with no name (« {} »): such a translation is not used."""
    try:
        champs = [nom for _, nom, _, _ in string.Formatter().parse(gabarit) if nom is not None]
    except ValueError:
        return None
    return None if "" in champs else set(champs)


def traduire(texte: object, mot: Callable[[str], str],
             date: Callable[[dt.date], str] | None = None) -> str:
    """`texte` in the page's language: its template through `mot` (docassemble's word(): the
    translation, or the French when there is none), its values put back, dates through `date`.
    A translation that names other fields than the French, or is not a valid template (a broken
    translation file), is not used: the French is shown, never an error."""
    if not isinstance(texte, str):
        return str(texte)
    if not isinstance(texte, Texte):
        return mot(texte)
    traduit = mot(texte.gabarit)
    champs = _champs(traduit)
    if champs is None or champs != _champs(texte.gabarit):
        return str(texte)
    valeurs = {}
    for nom, valeur in texte.valeurs.items():
        if isinstance(valeur, Texte):
            valeurs[nom] = traduire(valeur, mot, date)
        elif isinstance(valeur, dt.date) and date is not None:
            valeurs[nom] = date(valeur)
        else:
            valeurs[nom] = _en_francais(valeur)
    return traduit.format(**valeurs)


def en_json(valeur: object) -> object:
    """A Texte as JSON-ready data that keeps its template and values (JSON alone would keep only
    the French): for what crosses Redis or Celery. A date stays a date; anything else becomes its
    str."""
    if isinstance(valeur, Texte):
        return {"gabarit": valeur.gabarit, "valeurs": {k: en_json(v) for k, v in valeur.valeurs.items()}}
    if isinstance(valeur, dt.date):
        return {"date": (valeur.date() if isinstance(valeur, dt.datetime) else valeur).isoformat()}
    return str(valeur)


def depuis_json(valeur: object) -> object:
    """The Texte, date or str `en_json` made; ValueError for anything it cannot have made."""
    if isinstance(valeur, dict) and "date" in valeur:
        return dt.date.fromisoformat(valeur["date"])
    if isinstance(valeur, dict):
        return Texte(valeur["gabarit"], **{k: depuis_json(v) for k, v in valeur["valeurs"].items()})
    if isinstance(valeur, str):
        return valeur
    raise ValueError(valeur)


def phrase_a_envoyer(texte: object) -> dict:
    """A sentence as data that crosses JSON (Redis, a background task): its French as « message »
    and, as « phrase », its template and values; `phrase_recue` reads it back."""
    return {"message": str(texte), "phrase": en_json(texte)}


def phrase_recue(donnees: dict) -> str:
    """The sentence of data that crossed JSON ({"message": the French, "phrase": en_json of the
    Texte}): the Texte again, for tr(); the plain French « message » when « phrase » is missing
    (data written before) or does not give back exactly that French."""
    message = str(donnees.get("message") or "")
    try:
        texte = depuis_json(donnees["phrase"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return message
    return texte if texte == message else message
