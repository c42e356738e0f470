"""The plain-language guide to filing the bundle on Télérecours citoyens, slot by slot.

Built from the numbered pièces so that the text to type in each « Nommer la pièce n° X » field
is the file's own name (R. 414-5 CJA: the title starts with the pièce's number, then an
explicit label). Deposit steps: telerecours-citoyens.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import mots
from .juridictions import Juridiction
from .numerotation import Piece

__all__ = ["APRES_LE_DEPOT", "Etape", "etapes_du_depot", "etape_pieces_complementaires", "guide_en_texte"]

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
            "Le site demande ici une décision de la préfecture. Mais la préfecture n'a pris aucune décision : "
            "c'est justement le problème. Dans cette case, mettez donc le document qui montre votre demande "
            "restée sans réponse.",
            (f"Déposez le fichier {acte.nom_fichier} (pièce n° {acte.numero} : {acte.libelle}). "
             "Ne le déposez pas une seconde fois plus bas." if acte else
             "Déposez la première de vos pièces qui montre vos tentatives ou votre courrier à la préfecture."),
        )),
    ]
    etapes.append(etape_pieces_complementaires(autres))
    etapes.append(Etape("5. Vérifier et envoyer", (
        "Sur la page de résumé, vérifiez que chaque nom commence par son numéro, sans trou ni doublon.",
        "Le site vous demande de cocher un avertissement sur les « requêtes abusives ». Cela veut dire : "
        "le juge peut donner une amende à une personne qui saisit le tribunal sans raison sérieuse. "
        "Ce n'est pas votre cas si vos réponses et vos captures sont vraies. Cochez, puis cliquez sur « Envoyer ».",
        "Vous recevrez par courriel un « accusé de dépôt », puis un « accusé d'enregistrement » avec le numéro "
        "de l'affaire. Gardez-les : ce numéro sert pour toute la suite.",
        "Le fichier Inventaire.pdf n'est pas à déposer : Télérecours dresse l'inventaire à partir des noms, "
        "et la requête se termine par la liste des pièces. Gardez-le pour vous.",
    )))
    etapes.append(Etape("6. Après le dépôt", APRES_LE_DEPOT))
    return etapes


# After filing (issue 14 point 6). Sources, verified:
# - CJA R. 611-8-6 (Télérecours citoyens): a party is deemed to receive a document on its first
#   consultation, or, without one, two working days after it is put online (jurisconsulte.net
#   quoting the article, « dans un délai de deux jours ouvrés à compter de la date de mise à
#   disposition du document dans l'application, à l'issue de ce délai »);
# - the juge des référés may reject without a hearing (CJA L. 522-3: when the demand « ne présente
#   pas un caractère d'urgence » or is manifestly inadmissible or ill-founded, by « une ordonnance
#   motivée » without the L. 522-1 hearing; consultation.avocat.fr quoting the article);
# - appeal: CJA L. 523-1, the orders under L. 521-3 « sont rendues en dernier ressort » (text on
#   legifrance.gouv.fr): only cassation before the Conseil d'État, within 15 days, with an avocat
#   au Conseil d'État (droit.md « Who, where, what it costs »);
# - a new requête after a rejection: a référé order is provisional and the new attempts are new
#   facts; this is practice, not a text found (said as « vous pourrez en déposer une nouvelle »).
APRES_LE_DEPOT = (
    "Déposez le dossier une seule fois. Si une équipe relit votre dossier, attendez qu'elle l'ait approuvé.",
    "Le tribunal vous écrit sur Télérecours citoyens, pas par la poste. Regardez le site tous les deux jours, "
    "et lisez les courriels qui vous préviennent.",
    "Un document mis sur le site compte comme reçu deux jours ouvrés plus tard, même si vous ne l'avez pas ouvert. "
    "Les délais commencent alors.",
    "Le juge peut décider sans audience. S'il vous convoque, venez avec les originaux de vos documents "
    "et de vos captures.",
    "Si la préfecture vous donne un rendez-vous pendant ce temps, dites-le tout de suite au tribunal, "
    "par un message sur Télérecours citoyens.",
    "Vous ne pouvez pas faire appel de la décision du juge. Un seul recours existe : devant le Conseil d'État, "
    "dans les 15 jours, avec un avocat spécialisé (avocat au Conseil d'État).",
    "Si le juge rejette votre demande, vous pourrez en déposer une nouvelle plus tard, avec de nouveaux essais "
    "de rendez-vous.",
)


def etape_pieces_complementaires(autres: list[Piece],
                                 titre: str = mots.Texte("4. Cases « Pièce complémentaire »")) -> Etape:
    """The « Pièce complémentaire » slots, one per pièce after n° 1, with the exact name to type
    (shared by the référé's guide and the demande d'exécution's). Each line a mots.Texte: the
    guide's text is its French, a client's screen shows it translated (the names to type stay)."""
    lignes = [mots.Texte(
        "Une pièce complémentaire est un de vos autres documents, qui prouve ce que dit la requête. Ajoutez une case "
        "par pièce, dans cet ordre. Le nom tapé doit commencer par le numéro de la pièce : c'est ce nom que le "
        "tribunal lira dans l'inventaire. Le numéro de la case sur le site peut différer du numéro de la pièce (la "
        "pièce n° 1 est dans la case « Acte attaqué ») : seul le nom compte.")]
    lignes += [mots.Texte("Pièce complémentaire n° {rang} : déposez {fichier} ; dans « Nommer la pièce n° {rang} », "
                          "tapez exactement : {nom}", rang=rang, fichier=piece.nom_fichier, nom=piece.nom_telerecours)
               for rang, piece in enumerate(autres, 1)]
    return Etape(titre, tuple(lignes))


def guide_en_texte(etapes: list[Etape], titre: str = "DÉPOSER VOTRE RÉFÉRÉ SUR TÉLÉRECOURS CITOYENS") -> str:
    """Plain text, readable on any phone."""
    blocs = [titre, ""]
    for etape in etapes:
        blocs += [etape.titre.upper(), *[f"  - {ligne}" for ligne in etape.lignes], ""]
    return "\n".join(blocs)

