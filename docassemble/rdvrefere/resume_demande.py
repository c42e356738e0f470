"""What the requête asks, in plain words, for the client before filing it under their own name
(issue 13 point 4): who is asked what, by when, and what each pièce proves.

Not a translation of the legal text: short sentences made from the same facts as the requête's
« PAR CES MOTIFS » (redaction._Redaction.conclusions: the tribunal and the préfet of the
département, the délais, the ANEF registration, the astreinte, the provisional legal aid, the
L. 761-1 costs) and from the same numbered pièces. Each sentence is a mots.Texte: French here
and on the command line, shown in the client's language by the interview.
"""

from __future__ import annotations

from .dossier import Dossier
from .juridictions import juridiction
from .mots import Texte
from .numerotation import Categorie, Piece
from .renouvellement import attestation_anef

__all__ = ["resume_de_la_demande", "CE_QUE_PROUVE"]

# What a pièce of each category shows the judge (numerotation.Categorie).
CE_QUE_PROUVE: dict[Categorie, Texte] = {
    "identite": Texte("qui vous êtes"),
    "sejour": Texte("votre situation de séjour"),
    "domicile": Texte("où vous habitez : c'est ce qui désigne le tribunal"),
    "tentatives": Texte("vos essais pour avoir un rendez-vous, semaine après semaine"),
    "demarche": Texte("que vous avez demandé un rendez-vous à la préfecture"),
    "urgence": Texte("pourquoi c'est urgent pour vous"),
    "autre": Texte("un autre point de votre situation"),
}


def resume_de_la_demande(dossier: Dossier, pieces: list[Piece]) -> list[Texte]:
    """The summary's sentences, in order: the request, the délais, what else is asked, then one
    sentence per pièce."""
    j = juridiction(dossier.departement)
    c = dossier.conclusions
    phrases = [Texte("Vous demandez au juge des référés du « {tribunal} » d'ordonner au « {autorite} » "
                     "de vous donner un rendez-vous pour déposer votre demande de titre de séjour.",
                     tribunal=j.tribunal, autorite=j.autorite)]
    # « dans un délai de … à compter de la notification de l'ordonnance à intervenir »: what the
    # client asks, not what will happen (the judge may grant less, or nothing)
    phrases.append(Texte("Vous demandez que la préfecture vous donne la date de ce rendez-vous dans les {jours} "
                         "jours après avoir reçu la décision du juge.", jours=c.delai_jours))
    if c.delai_rdv_jours:
        phrases.append(Texte("Vous demandez aussi que le rendez-vous lui-même ait lieu dans les {jours} jours après "
                             "cette réception.", jours=c.delai_rdv_jours))
    # CESEDA R. 431-15-1: the attestation the requête asks for along with the registration
    attestation = attestation_anef(dossier)
    if attestation == "prolongation":
        phrases.append(Texte("Comme le site de l'ANEF vous bloque, vous demandez que ce rendez-vous ait lieu en "
                             "préfecture, que votre demande y soit enregistrée et, si son examen dure au-delà de la "
                             "fin de votre titre, que la préfecture vous remette l'« attestation de prolongation de "
                             "l'instruction »."))
    elif attestation == "depot":
        phrases.append(Texte("Comme le site de l'ANEF vous bloque, vous demandez que ce rendez-vous ait lieu en "
                             "préfecture, que votre demande y soit enregistrée et que la préfecture vous remette "
                             "l'« attestation de dépôt en ligne »."))
    if c.astreinte_euros > 0:
        phrases.append(Texte("Vous demandez que, si la préfecture ne le fait pas à temps, l'État paie {euros} € par "
                             "jour de retard : c'est l'« astreinte ».", euros=c.astreinte_euros))
    if c.aide_juridictionnelle_provisoire:
        phrases.append(Texte("Vous demandez aussi l'aide juridictionnelle provisoire : l'État paie les frais de "
                             "justice pendant que votre demande d'aide est examinée."))
    if c.somme_l761_1 > 0:
        phrases.append(Texte("Vous demandez enfin que l'État vous rembourse {euros} € de frais que vous avez "
                             "payés pour cette procédure.", euros=c.somme_l761_1))
    phrases.append(Texte("Le juge décide : il peut accorder tout ce que vous demandez, une partie, ou rien."))
    for piece in sorted(pieces, key=lambda p: p.numero):
        phrases.append(Texte("La pièce n° {numero} (« {libelle} ») montre {preuve}.", numero=piece.numero,
                             libelle=piece.libelle, preuve=CE_QUE_PROUVE[piece.categorie]))
    return phrases
