"""Problems found in a dossier: one French sentence each, tied to the field it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Gravite = Literal["erreur", "avertissement"]

__all__ = ["Probleme", "Gravite", "erreurs", "avertissements"]


@dataclass(frozen=True)
class Probleme:
    """One problem: `chemin` is the field's path (« tentatives[2].date », 1-based lists),
    `message` a French sentence, `gravite` « erreur » (blocks filing) or « avertissement ».
    The message is often a mots.Texte (a str that keeps its template, so the client's screen can
    show it translated); `str()` and `as_dict()` give the plain French str."""

    chemin: str
    message: str
    gravite: Gravite = "erreur"

    def __str__(self) -> str:
        return f"{self.chemin} : {self.message}" if self.chemin else str(self.message)

    def as_dict(self) -> dict[str, str]:
        """Plain data (the bundle's manifest, the background's answers): the message as a plain str."""
        return {"chemin": self.chemin, "message": str(self.message), "gravite": self.gravite}


def erreurs(problemes: list[Probleme]) -> list[Probleme]:
    """The blocking problems."""
    return [p for p in problemes if p.gravite == "erreur"]


def avertissements(problemes: list[Probleme]) -> list[Probleme]:
    """The warnings (fileable, but the judge may refuse)."""
    return [p for p in problemes if p.gravite == "avertissement"]
