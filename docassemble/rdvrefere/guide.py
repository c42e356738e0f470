"""The plain-language guide to filing the bundle on Télérecours citoyens, slot by slot.

Built from the numbered pièces so that the text to type in each « Nommer la pièce n° X » field
is the file's own name (R. 414-5 CJA: the title starts with the pièce's number, then an
explicit label). Deposit steps: telerecours-citoyens.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from .juridictions import Juridiction
from .numerotation import Piece

__all__ = ["Etape", "etapes_du_depot", "guide_en_texte"]

ADRESSE = "https://citoyens.telerecours.fr"


@dataclass(frozen=True)
class Etape:
    titre: str
    lignes: tuple[str, ...]


def etapes_du_depot(pieces: list[Piece], juridiction: Juridiction, *, requete: str = "Requete.pdf") -> list[Etape]:
    """The deposit, step by step, for this bundle."""
    acte = next((p for p in pieces if p.acte_attaque), None)
    autres = [p for p in pieces if not p.acte_attaque]
    etapes = [
        Etape("Avant de commencer", (
            f"Ouvrez {ADRESSE} et connectez-vous (par votre compte Télérecours citoyens ou FranceConnect). "
            "Être connecté au moment de l'envoi vaut signature de la requête.",
            "Gardez ce dossier ouvert à côté : chaque fichier à déposer y porte déjà son numéro.",
            "Le dépôt est gratuit. Aucun avocat n'est obligatoire.",
        )),
        Etape("1. Choisir le tribunal et le type de requête", (
            "Acceptez les conditions d'utilisation.",
            f"Juridiction : « Tribunal administratif », puis « {juridiction.tribunal} ».",
            "Type de requête : choisissez « Référé ». Ne choisissez pas une requête ordinaire.",
        )),
        Etape("2. Case « Requête »", (f"Déposez le fichier {requete}.",)),
        Etape("3. Case « Acte attaqué » (obligatoire)", (
            "Ce référé n'attaque aucune décision : la préfecture n'en a pris aucune (article L. 521-3 du code "
            "de justice administrative). Cette case attend donc la preuve qu'il n'existe pas de décision.",
            (f"Déposez le fichier {acte.nom_fichier} (pièce n° {acte.numero} : {acte.libelle}). "
             "Ne le déposez pas une seconde fois plus bas." if acte else
             "Déposez la première de vos pièces qui montre vos tentatives ou votre courrier à la préfecture."),
        )),
    ]
    lignes = []
    for rang, piece in enumerate(autres, 1):
        lignes.append(f"Pièce complémentaire n° {rang} : déposez {piece.nom_fichier} ; dans « Nommer la pièce "
                      f"n° {rang} », tapez exactement : {piece.nom_telerecours}")
    etapes.append(Etape("4. Cases « Pièce complémentaire »", tuple(
        ["Ajoutez une case par pièce, dans cet ordre. Le nom tapé doit commencer par le numéro de la pièce : "
         "c'est ce nom que le tribunal lira dans l'inventaire. Le numéro de la case sur le site peut différer "
         "du numéro de la pièce (la pièce n° 1 est dans la case « Acte attaqué ») : seul le nom compte."] + lignes)))
    etapes.append(Etape("5. Vérifier et envoyer", (
        "Sur la page de résumé, vérifiez que chaque nom commence par son numéro, sans trou ni doublon.",
        "Lisez et cochez l'avertissement sur les requêtes abusives, puis cliquez sur « Envoyer ».",
        "Vous recevrez par courriel un « accusé de dépôt », puis un « accusé d'enregistrement » avec le numéro "
        "de l'affaire. Gardez-les : ce numéro sert pour toute la suite.",
        "Le fichier Inventaire.pdf n'est pas à déposer : Télérecours dresse l'inventaire à partir des noms, "
        "et la requête se termine par la liste des pièces. Gardez-le pour vous.",
    )))
    return etapes


def guide_en_texte(etapes: list[Etape]) -> str:
    """Plain text, readable on any phone."""
    blocs = ["DÉPOSER VOTRE RÉFÉRÉ SUR TÉLÉRECOURS CITOYENS", ""]
    for etape in etapes:
        blocs += [etape.titre.upper(), *[f"  - {ligne}" for ligne in etape.lignes], ""]
    return "\n".join(blocs)

