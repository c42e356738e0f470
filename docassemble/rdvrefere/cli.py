"""`rdvrefere`: the command line over the engine, for staff and for tests.

    rdvrefere check DOSSIER        errors and warnings; exit 0 fileable, 1 blocking errors, 2 unreadable
    rdvrefere build DOSSIER --out DIR   the whole bundle (same exit codes; 3 when this machine cannot
                                   make the documents, e.g. LibreOffice missing or an edited template broken)
    rdvrefere tribunal CODE        the authority and the tribunal, as JSON
    rdvrefere rappels [--envoyer] [--date AAAA-MM-JJ] [--config config.yml]
                                   the reminders due today (rappels.py), sent with --envoyer: the
                                   database and mail settings come from docassemble's config file;
                                   exit 1 when a mail failed (it is retried by the next run), 2 when
                                   the configuration is unreadable
    rdvrefere plan DOSSIER         the journey plan in French (--json); exit 0 nothing blocks filing, 1 otherwise
    rdvrefere courrier DOSSIER --type lrar|courriel|anef --out DIR   the letters to the préfecture
    rdvrefere echeances ORDONNANCE   after the order: the deadlines and what to do now (--json);
                                   exit 0 (2 when the file is unreadable, 1 when a field is wrong)
    rdvrefere execution ORDONNANCE --out DIR   the demande d'exécution's bundle (exit codes of build);
                                   with --lettre, only the letter to the préfet (DOCX and PDF)
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
    return _ecrire_le_depot(lambda: construire(dossier, args.out, aujourd_hui=args.date, limites=_limites(args),
                                               regroupement="tentative" if args.par_tentative else "semaine"),
                            f"Dossier de dépôt écrit dans {Path(args.out).resolve()} (archive {NOM_ZIP}).")


def _ecrire_le_depot(construire_le_depot, ecrit: str) -> int:
    """Run a bundle build (référé or execution), print its files or why none was written, and
    return the exit code."""
    try:
        manifeste = construire_le_depot()
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
    print(ecrit)
    return FILEABLE


def _plan(args: argparse.Namespace) -> int:
    from .plan import plan_depuis_dossier  # noqa: PLC0415
    plan = plan_depuis_dossier(lire_dossier(args.dossier), args.date or dt.date.today())
    print(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2) if args.json else plan.texte())
    return BLOCKING if plan.manque else FILEABLE


def _courrier(args: argparse.Namespace) -> int:
    from . import courriers  # noqa: PLC0415
    valeurs = courriers.valeurs_depuis_dossier(lire_dossier(args.dossier))
    jour = args.date or dt.date.today()
    sortie = Path(args.out)
    sortie.mkdir(parents=True, exist_ok=True)
    if args.type == "lrar":
        try:
            ecrits = list(courriers.rendre_lrar(valeurs, sortie, aujourd_hui=jour))
        except (ModeleInvalide, PdfImpossible) as exc:
            print(str(exc), file=sys.stderr)
            return ENVIRONMENT
    elif args.type == "courriel":
        ecrits = [sortie / "Courriel_prefecture.txt"]
        ecrits[0].write_text(courriers.courriel(valeurs, aujourd_hui=jour).texte(), encoding="utf-8")
    else:
        ecrits = [sortie / "Message_contact_ANEF.txt", sortie / "Accueil_numerique_a_faire.txt"]
        ecrits[0].write_text(courriers.texte_contact_anef(valeurs, aujourd_hui=jour) + "\n", encoding="utf-8")
        ecrits[1].write_text("".join(f"- {ligne}\n" for ligne in courriers.liste_accueil_numerique(valeurs)),
                             encoding="utf-8")
    for chemin in ecrits:
        print(f"écrit : {chemin}")
    return FILEABLE


def _echeances(args: argparse.Namespace) -> int:
    from .ordonnance import etat_a_la_date, lire_ordonnance  # noqa: PLC0415
    etat = etat_a_la_date(lire_ordonnance(args.ordonnance), args.date or dt.date.today())
    print(json.dumps(etat.as_dict(), ensure_ascii=False, indent=2) if args.json else etat.texte())
    return FILEABLE


def _execution(args: argparse.Namespace) -> int:
    from . import execution  # noqa: PLC0415
    from .ordonnance import lire_ordonnance  # noqa: PLC0415
    d = lire_ordonnance(args.ordonnance)
    jour = args.date or dt.date.today()
    if args.lettre:
        problemes = execution.problemes_execution(d, aujourd_hui=jour, pour="lettre")
        if erreurs(problemes):
            _afficher(erreurs(problemes), False)
            print("Aucune lettre n'a été écrite.", file=sys.stderr)
            return BLOCKING
        sortie = Path(args.out)
        sortie.mkdir(parents=True, exist_ok=True)
        try:
            ecrits = execution.rendre_lettre_prefet(d, sortie, aujourd_hui=jour)
        except (ModeleInvalide, PdfImpossible) as exc:
            print(str(exc), file=sys.stderr)
            return ENVIRONMENT
        for chemin in ecrits:
            print(f"écrit : {chemin}")
        return FILEABLE
    return _ecrire_le_depot(lambda: execution.construire_execution(d, args.out, aujourd_hui=jour, limites=_limites(args)),
                            f"Demande d'exécution écrite dans {Path(args.out).resolve()} (archive {NOM_ZIP}).")


def _tribunal(args: argparse.Namespace) -> int:
    try:
        print(json.dumps(juridiction(args.code).as_dict(), ensure_ascii=False, indent=2))
    except JuridictionInconnue as exc:
        print(str(exc), file=sys.stderr)
        return BLOCKING
    return FILEABLE


def _rappels(args: argparse.Namespace) -> int:
    import os  # noqa: PLC0415

    from .rappels import ConfigInvalide, composer, envoyer_rappels_dus, lire_config_docassemble, moteur, rappels_dus
    chemin = args.config or os.environ.get("DA_CONFIG_FILE") or "/usr/share/docassemble/config/config.yml"
    try:
        url, arguments, smtp = lire_config_docassemble(chemin)
    except ConfigInvalide as exc:
        print(str(exc), file=sys.stderr)
        return UNREADABLE
    aujourd_hui = args.date or dt.date.today()
    engine = moteur(url, arguments)
    try:
        if not args.envoyer:
            for programme, echeances in rappels_dus(engine, aujourd_hui):
                print(f"{programme.courriel}\t{composer(programme, echeances, aujourd_hui).sujet}")
            return FILEABLE
        bilan = envoyer_rappels_dus(engine, aujourd_hui, smtp)
    finally:
        engine.dispose()
    for adresse, raison in bilan.echecs:
        print(f"ÉCHEC {adresse} : {raison}", file=sys.stderr)
    print(f"{len(bilan.envoyes)} rappel(s) envoyé(s) le {aujourd_hui.isoformat()}, {len(bilan.echecs)} échec(s).")
    return BLOCKING if bilan.echecs else FILEABLE


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
    plan = commandes.add_parser("plan", help="le plan du parcours : ce qui est fait, ce qui reste, avec les dates")
    plan.add_argument("dossier", type=Path, help="fichier du dossier (.yml ou .json)")
    plan.add_argument("--date", type=_date, default=None, help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
    plan.add_argument("--json", action="store_true", help="sortie JSON")
    courrier = commandes.add_parser("courrier", help="les courriers à la préfecture")
    courrier.add_argument("dossier", type=Path, help="fichier du dossier (.yml ou .json)")
    courrier.add_argument("--type", choices=("lrar", "courriel", "anef"), required=True,
                          help="lrar : lettre recommandée (Word et PDF) ; courriel : texte du courriel ; "
                               "anef : message pour le formulaire de contact et liste pour l'accueil numérique")
    courrier.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    courrier.add_argument("--date", type=_date, default=None, help="date de la lettre (AAAA-MM-JJ)")
    echeances = commandes.add_parser("echeances", help="après l'ordonnance : les dates et ce qu'il faut faire")
    echeances.add_argument("ordonnance", type=Path, help="fichier de l'ordonnance (.yml ou .json)")
    echeances.add_argument("--date", type=_date, default=None, help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
    echeances.add_argument("--json", action="store_true", help="sortie JSON")
    execution = commandes.add_parser("execution", help="la demande d'exécution de l'ordonnance (ou la lettre au préfet)")
    execution.add_argument("ordonnance", type=Path, help="fichier de l'ordonnance (.yml ou .json)")
    execution.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    execution.add_argument("--lettre", action="store_true", help="seulement la lettre au préfet (Word et PDF)")
    execution.add_argument("--date", type=_date, default=None, help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
    execution.add_argument("--taille-max-mo", type=float, default=30, help="taille maximale d'un fichier (Mo)")
    execution.add_argument("--fichiers-max", type=int, default=99, help="nombre maximal de fichiers déposés")
    tribunal = commandes.add_parser("tribunal", help="autorité et tribunal d'un département")
    tribunal.add_argument("code")
    rappels = commandes.add_parser("rappels", help="rappels par courriel dus ce jour (tâche quotidienne du serveur)")
    rappels.add_argument("--envoyer", action="store_true", help="les envoyer (sans cette option : les lister)")
    rappels.add_argument("--date", type=_date, default=None, help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
    rappels.add_argument("--config", type=Path, default=None,
                         help="configuration docassemble (par défaut $DA_CONFIG_FILE, sinon "
                              "/usr/share/docassemble/config/config.yml)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"check": _check, "build": _build, "tribunal": _tribunal, "rappels": _rappels, "plan": _plan,
                "courrier": _courrier, "echeances": _echeances, "execution": _execution}[args.commande](args)
    except DossierIllisible as exc:
        print(str(exc), file=sys.stderr)
        return UNREADABLE
    except DossierInvalide as exc:
        _afficher(exc.problemes, getattr(args, "json", False))
        return BLOCKING


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
