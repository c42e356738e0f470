"""`rdvrefere`: the command line over the engine, for staff and for tests.

    rdvrefere check DOSSIER        errors and warnings; exit 0 fileable, 1 blocking errors, 2 unreadable
    rdvrefere build DOSSIER --out DIR   the whole bundle (same exit codes; 3 when this machine cannot
                                   make the documents, e.g. LibreOffice missing or an edited template broken)
    rdvrefere tribunal CODE        the authority and the tribunal, as JSON
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .bundle import NOM_ZIP, DossierNonDeposable, construire
from .conversion import Limites, taille_en_mo
from .dossier import DossierIllisible, DossierInvalide, lire_dossier
from .juridictions import JuridictionInconnue, juridiction
from .problemes import Probleme, erreurs
from .requete import ModeleInvalide, PdfImpossible
from .verification import verifier

__all__ = ["main"]

FILEABLE, BLOCKING, UNREADABLE, ENVIRONMENT = 0, 1, 2, 3


def _date(texte: str) -> dt.date:
    try:
        return dt.date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {texte} » illisible : AAAA-MM-JJ attendu") from None


def _afficher(problemes: list[Probleme], en_json: bool) -> None:
    if en_json:
        print(json.dumps([p.as_dict() for p in problemes], ensure_ascii=False, indent=2))
        return
    for probleme in problemes:
        marque = "ERREUR" if probleme.gravite == "erreur" else "AVERTISSEMENT"
        print(f"{marque} {probleme}")


def _limites(args: argparse.Namespace) -> Limites:
    return Limites(taille_max_fichier=int(args.taille_max_mo * 1024 * 1024), nombre_max_fichiers=args.fichiers_max)


def _check(args: argparse.Namespace) -> int:
    dossier = lire_dossier(args.dossier)
    problemes = verifier(dossier, aujourd_hui=args.date, limites=_limites(args))
    _afficher(problemes, args.json)
    if not args.json:
        print("Dossier déposable." if not erreurs(problemes) else
              f"{len(erreurs(problemes))} erreur(s) bloquante(s) : corrigez-les avant de déposer.")
    return BLOCKING if erreurs(problemes) else FILEABLE


def _build(args: argparse.Namespace) -> int:
    dossier = lire_dossier(args.dossier)
    try:
        manifeste = construire(dossier, args.out, aujourd_hui=args.date, limites=_limites(args),
                               regroupement="tentative" if args.par_tentative else "semaine")
    except DossierNonDeposable as exc:
        _afficher(exc.problemes, False)
        print("Aucun dossier de dépôt n'a été écrit.", file=sys.stderr)
        return BLOCKING
    except (ModeleInvalide, PdfImpossible) as exc:
        print(f"{exc}\nAucun dossier de dépôt n'a été écrit.", file=sys.stderr)
        return ENVIRONMENT
    for avertissement in manifeste.avertissements:
        print(f"AVERTISSEMENT {avertissement}")
    for fichier in manifeste.fichiers:
        print(f"{fichier.fichier}\t{fichier.pages or '-'} p.\t{taille_en_mo(fichier.octets)}")
    print(f"Dossier de dépôt écrit dans {Path(args.out).resolve()} (archive {NOM_ZIP}).")
    return FILEABLE


def _tribunal(args: argparse.Namespace) -> int:
    try:
        print(json.dumps(juridiction(args.code).as_dict(), ensure_ascii=False, indent=2))
    except JuridictionInconnue as exc:
        print(str(exc), file=sys.stderr)
        return BLOCKING
    return FILEABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rdvrefere", description="Référé « rendez-vous préfecture » (L. 521-3 CJA).")
    commandes = parser.add_subparsers(dest="commande", required=True)
    for nom, aide in (("check", "vérifier un dossier"), ("build", "construire le dossier de dépôt")):
        sous = commandes.add_parser(nom, help=aide)
        sous.add_argument("dossier", type=Path, help="fichier du dossier (.yml ou .json)")
        sous.add_argument("--date", type=_date, default=None, help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
        sous.add_argument("--taille-max-mo", type=float, default=30, help="taille maximale d'un fichier (Mo)")
        sous.add_argument("--fichiers-max", type=int, default=99, help="nombre maximal de fichiers déposés")
        if nom == "check":
            sous.add_argument("--json", action="store_true", help="sortie JSON")
        else:
            sous.add_argument("--out", type=Path, required=True, help="dossier de sortie")
            sous.add_argument("--par-tentative", action="store_true",
                              help="une pièce par tentative au lieu d'une par semaine")
    tribunal = commandes.add_parser("tribunal", help="autorité et tribunal d'un département")
    tribunal.add_argument("code")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"check": _check, "build": _build, "tribunal": _tribunal}[args.commande](args)
    except DossierIllisible as exc:
        print(str(exc), file=sys.stderr)
        return UNREADABLE
    except DossierInvalide as exc:
        _afficher(exc.problemes, getattr(args, "json", False))
        return BLOCKING


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
