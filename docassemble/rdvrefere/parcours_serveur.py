"""The journey plan and the letters to the préfecture in the client interview (docassemble layer of
plan.py and courriers.py, issue 11 points 1 and 4): the screen « Où en êtes-vous ? » and the
screen of the letters, both in rdvrefere.yml.

The plan's inputs are read from the client's answers without asking anything (an answer not given
yet is simply missing: plan() accepts an incomplete dossier). Every text shown goes through
`texte_sur`: the client's own words (name, address, what the site showed) are never evaluated.
The plan's sentences (mots.Texte) are shown in the client's language (issue 13): each translated
by `tr`, then escaped; a fixed template's own words are ours, not the client's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

from docassemble.base.util import DAFile, log

from .courriers import (DemarcheCourrier, TentativeCourrier, ValeursCourrier, courriel, liste_accueil_numerique,
                        texte_contact_anef)
from .dossier import NATURES_DEMARCHE, REPONSES_DEMARCHE, reponse_de_la_demarche
from .langues_serveur import date_pour_ecran, tr
from .mots import Texte
from .plan import Plan, plan
from .verification import demarche_qui_arrete
from .interview_objects import _defini, texte_html_sur, texte_sur

__all__ = ["entrees_du_plan", "plan_du_client", "plan_pour_ecran", "plan_a_montrer", "plan_montre",
           "valeurs_courrier_du_client", "courriers_a_proposer", "courriers_pour_ecran", "preparer_lrar",
           "arret_du_client", "arret_de_la_demarche", "demarche_de_l_arret", "garder_le_resultat",
           "reponse_pour_tableau", "corriger_la_reponse"]

NOM_LRAR = "Lettre_recommandee_prefecture"


def _jour(valeur) -> dt.date | None:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    return valeur if isinstance(valeur, dt.date) else None


def _elements(client, nom: str) -> list:
    liste = _defini(client, nom)
    return list(getattr(liste, "elements", None) or [])


def _aujourd_hui() -> dt.date:
    return dt.date.today()


def entrees_du_plan(client) -> dict:
    """plan()'s arguments from the client's answers so far (undefined answers are left out)."""
    demarches = []
    for d in _elements(client, "demarches"):
        jour, nature = _jour(_defini(d, "date")), _defini(d, "nature")
        if jour is not None and isinstance(nature, str):
            demarches.append({"nature": nature, "date": jour, "resultat": _defini(d, "resultat") or None,
                              "reponse": _defini(d, "reponse")})
    circonstances = _elements(client, "circonstances")
    urgence = any(_defini(c, "texte") or _defini(c, "nature") for c in circonstances)
    requerant = _defini(client, "requerant")
    return {"nature": _defini(client, "nature_demande"),
            "date_expiration": _jour(_defini(client, "date_expiration")),
            "blocage": _defini(client, "type_blocage"),
            "dates_tentatives": [d for d in (_jour(_defini(t, "date")) for t in _elements(client, "tentatives")) if d],
            "demarches": demarches,
            "urgence": urgence,
            "date_naissance": _jour(_defini(requerant, "date_naissance")) if requerant is not None else None}


def plan_du_client(client, aujourd_hui: dt.date | None = None) -> Plan:
    """The journey plan (plan.plan(), the core's rules) from the client's current answers."""
    return plan(aujourd_hui=aujourd_hui or _aujourd_hui(), **entrees_du_plan(client))


# --- the screen « Où en êtes-vous ? » ----------------------------------------------------------

def plan_pour_ecran(client, aujourd_hui: dt.date | None = None) -> str:
    """The plan's steps as a Markdown list (status, when, label), then the filing date."""
    p = plan_du_client(client, aujourd_hui)
    lignes = []
    for e in p.etapes:
        if e.cle == "depot":
            continue
        marque = "✔" if e.statut == "fait" else "➜" if e.statut == "maintenant" else "○"
        # each value translated then escaped; the template only adds its punctuation (« : » in French)
        ligne = Texte("{etape} : {quand}.", etape=f"**{texte_sur(tr(e.libelle))}**", quand=texte_sur(tr(e.quand)))
        lignes.append(f"* {marque} {tr(ligne)}")
    lignes.append("")
    if p.arret:   # a written refusal or an appointment: no filing date, the reason instead (issue 11 point 4)
        lignes += [f"**{texte_sur(tr(m.texte))}**" for m in p.manque if m.chemin.endswith(".reponse")]
        return "\n".join(lignes)
    # the dates written in the page's language and escaped, values of the fixed sentences
    possible = Texte("Dépôt au tribunal possible à partir du {date}.",
                     date=texte_sur(date_pour_ecran(p.depot_possible_a_partir_du)))
    lignes.append(f"**{tr(possible)}**")
    if p.depot_conseille_a_partir_du != p.depot_possible_a_partir_du:
        lignes.append("")
        lignes.append(tr(Texte("Conseillé à partir du {date}.",
                               date=texte_sur(date_pour_ecran(p.depot_conseille_a_partir_du)))))
    return "\n".join(lignes)


def plan_a_montrer(client) -> bool:
    """The plan is shown after the eligibility questions, then on the first pass of each new day
    (the client comes back)."""
    return _defini(client, "plan_vu_le") != _aujourd_hui().isoformat()


def plan_montre(client) -> None:
    client.plan_vu_le = _aujourd_hui().isoformat()


# --- the letters -------------------------------------------------------------------------------

def valeurs_courrier_du_client(client) -> ValeursCourrier | None:
    """What the letters need, from the answers so far; None before the client's name is known."""
    r = _defini(client, "requerant")
    nom = _defini(r, "nom") if r is not None else None
    if not isinstance(nom, str) or not nom.strip():
        return None

    def texte(objet, attribut):
        valeur = _defini(objet, attribut)
        return valeur.strip() if isinstance(valeur, str) else ""

    tentatives = tuple(TentativeCourrier(_jour(t.date), _defini(t, "heure") if isinstance(_defini(t, "heure"), dt.time)
                                         else None, texte(t, "constat"))
                       for t in _elements(client, "tentatives") if _jour(_defini(t, "date")))
    demarches = tuple(DemarcheCourrier(_jour(d.date), d.nature,
                                       reponse_de_la_demarche(_defini(d, "reponse"), _defini(d, "resultat")) != "aucune")
                      for d in _elements(client, "demarches")
                      if _jour(_defini(d, "date")) and isinstance(_defini(d, "nature"), str))
    sexe = _defini(r, "sexe")
    return ValeursCourrier(
        nom=nom.strip(), prenoms=texte(r, "prenoms"), sexe=sexe if sexe in ("F", "M") else None,
        date_naissance=_jour(_defini(r, "date_naissance")), lieu_naissance=texte(r, "lieu_naissance"),
        nationalite=texte(r, "nationalite"), adresse=texte(r, "adresse"), telephone=texte(r, "telephone"),
        courriel=texte(r, "courriel"), numero_etranger=texte(r, "numero_etranger"),
        departement=_defini(client, "departement"), nature=_defini(client, "nature_demande"),
        titre=texte(client, "titre"), date_expiration=_jour(_defini(client, "date_expiration")),
        blocage=_defini(client, "type_blocage"), plateforme=texte(client, "plateforme"),
        tentatives=tentatives, demarches=demarches, lieu=texte(client, "lieu_signature"))


def courriers_a_proposer(client, aujourd_hui: dt.date | None = None) -> list[str]:
    """The letters the plan still asks for: « courriel », « lrar », « contact_anef », « accueil_numerique »."""
    p = plan_du_client(client, aujourd_hui)
    return [cle for cle in ("courriel", "lrar", "contact_anef", "accueil_numerique")
            if p.etape(cle) is not None and p.etape(cle).statut != "fait"]


def _texte_a_copier(texte: str) -> str:
    """A French text to copy as it is (the préfecture reads French), shown literally line by line:
    one HTML block on one line (Markdown leaves it alone), every line escaped, marked `lang="fr"`
    so that a screen reader on an English or Arabic page reads it in French, left to right."""
    lignes = "<br>".join(texte_html_sur(ligne) for ligne in texte.splitlines())
    return f'<div class="rdv-a-copier" lang="fr" dir="ltr">{lignes}</div>'


def _en_francais(texte: str) -> str:
    """A short French text inside a sentence (a letter's subject), marked as French."""
    return f'<span lang="fr" dir="ltr">{texte_html_sur(texte)}</span>'


def preparer_lrar(client, aujourd_hui: dt.date | None = None) -> list[dict[str, str]]:
    """The registered letter as DOCX and PDF (courriers.rendre_lrar) in DAFiles of the session
    (`client.lrar_docx`, `client.lrar_pdf`), rebuilt only when its values change; one line per
    file for the screen ({titre, url}). The PDF is left out when the machine cannot make it."""
    valeurs = valeurs_courrier_du_client(client)
    if valeurs is None:
        return []
    aujourd_hui = aujourd_hui or _aujourd_hui()
    empreinte = hashlib.sha256(f"{valeurs!r}|{aujourd_hui.isoformat()}".encode()).hexdigest()
    if _defini(client, "lrar_empreinte") != empreinte:
        from .courriers import docx_lrar  # noqa: PLC0415
        from .requete import PdfImpossible, _en_pdf  # noqa: PLC0415
        with tempfile.TemporaryDirectory(prefix="rdv-lrar-") as chantier:
            docx = docx_lrar(valeurs, Path(chantier) / f"{NOM_LRAR}.docx", aujourd_hui=aujourd_hui)
            try:
                pdf = _en_pdf(docx, docx.with_suffix(".pdf"))
            except PdfImpossible as exc:
                log(f"rdvrefere: letter PDF not made: {exc!r}")
                pdf = None
            for attribut, chemin in (("lrar_docx", docx), ("lrar_pdf", pdf)):
                if chemin is None:
                    if hasattr(client, attribut):
                        delattr(client, attribut)
                    continue
                client.initializeAttribute(attribut, DAFile)
                fichier = getattr(client, attribut)
                fichier.initialize(filename=chemin.name)
                fichier.copy_into(str(chemin))
                fichier.commit()
        client.lrar_empreinte = empreinte
    lignes = []
    for attribut, titre in (("lrar_docx", Texte("Lettre recommandée (Word, à modifier si besoin)")),
                            ("lrar_pdf", Texte("Lettre recommandée (PDF, à imprimer)"))):
        if hasattr(client, attribut):
            lignes.append({"titre": titre, "url": getattr(client, attribut).url_for(attachment=True)})
    return lignes


def courriers_pour_ecran(client, aujourd_hui: dt.date | None = None) -> str:
    """The letters the plan still asks for, as Markdown (every text escaped). The instructions are
    in the client's language; the letters themselves stay French (the préfecture reads French)."""
    aujourd_hui = aujourd_hui or _aujourd_hui()
    valeurs = valeurs_courrier_du_client(client)
    if valeurs is None:
        return tr(Texte("Les courriers seront prêts quand vous aurez donné votre nom."))
    a_faire = courriers_a_proposer(client, aujourd_hui)
    if not a_faire:
        return tr(Texte("Tous les courriers du plan sont faits. Gardez leurs preuves."))
    blocs = []
    if "courriel" in a_faire:
        c = courriel(valeurs, aujourd_hui=aujourd_hui)
        blocs += ["## " + tr(Texte("Le courriel à la préfecture")), "",
                  texte_sur(tr(Texte("Envoyez-le à {adresse}. Copiez l'objet et le texte, en français.",
                                     adresse=c.destinataire))), "",
                  f"**{texte_sur(tr(Texte('Objet :')))}** {_en_francais(c.objet)}", "", _texte_a_copier(c.corps), ""]
    if "lrar" in a_faire:
        blocs += ["## " + tr(Texte("La lettre recommandée avec accusé de réception")), "",
                  tr(Texte("Imprimez-la, signez-la et envoyez-la à la poste en recommandé avec accusé de réception.")),
                  ""]
        lignes = preparer_lrar(client, aujourd_hui)
        # fixed titles, the files' own URLs
        blocs += [f"* [{texte_sur(tr(l['titre']))}]({l['url']})" for l in lignes] or [
            tr(Texte("La lettre n'a pas pu être préparée. Prévenez l'équipe."))]
        blocs.append("")
    if "contact_anef" in a_faire:
        blocs += ["## " + tr(Texte("Le message pour le centre de contact de l'ANEF")), "",
                  tr(Texte("Collez ce texte, en français, dans le formulaire de contact du site de l'ANEF. Gardez le "
                           "numéro de demande.")), "",
                  _texte_a_copier(texte_contact_anef(valeurs, aujourd_hui=aujourd_hui)), ""]
    if "accueil_numerique" in a_faire:
        blocs += ["## " + tr(Texte("Le passage au point d'accueil numérique")), "",
                  *[f"* {texte_sur(tr(ligne))}" for ligne in liste_accueil_numerique(valeurs)], ""]
    return "\n".join(blocs).strip()


# --- the préfecture's answer to a démarche (issue 11 point 4) ------------------------------------
# A written refusal or an appointment given ends the référé path: the rule is the core's
# (verification.demarche_qui_arrete, which `check`, the review and the plan apply too); these read
# the client's answers without asking anything and drive the stop screen of rdv_demarches.yml.

def _reponses(client) -> list[dict]:
    return [{"reponse": _defini(d, "reponse"), "resultat": _defini(d, "resultat")}
            for d in _elements(client, "demarches")]


def arret_du_client(client) -> str | None:
    """« refus_ecrit » / « rendez_vous » when one of the client's démarches ends the référé, else None."""
    trouvee = demarche_qui_arrete(_reponses(client))
    return trouvee[2] if trouvee else None


def arret_de_la_demarche(demarche) -> str | None:
    """The same for one démarche (the one just answered)."""
    trouvee = demarche_qui_arrete([{"reponse": _defini(demarche, "reponse"), "resultat": _defini(demarche, "resultat")}])
    return trouvee[2] if trouvee else None


def demarche_de_l_arret(client) -> str:
    """« votre démarche n° 2 (lettre recommandée avec accusé de réception du 16 octobre 2026) »: fixed
    words and a date, for the stop screen (escape it all the same)."""
    trouvee = demarche_qui_arrete(_reponses(client))
    if trouvee is None:
        return Texte("votre démarche")
    numero = trouvee[0]
    d = _elements(client, "demarches")[numero - 1]
    nature, jour = _defini(d, "nature"), _jour(_defini(d, "date"))
    if nature in NATURES_DEMARCHE and jour is not None:
        return Texte("votre démarche n° {numero} ({nature} du {date})", numero=numero,
                     nature=Texte(NATURES_DEMARCHE[nature]), date=jour)
    if nature in NATURES_DEMARCHE:
        return Texte("votre démarche n° {numero} ({nature})", numero=numero, nature=Texte(NATURES_DEMARCHE[nature]))
    if jour is not None:
        return Texte("votre démarche n° {numero} (du {date})", numero=numero, date=jour)
    return Texte("votre démarche n° {numero}", numero=numero)


def garder_le_resultat(demarche) -> None:
    """The free text is kept only for « une autre réponse » (a field hidden by `show if` may come back
    undefined): never left undefined, so that nothing asks for it again."""
    reponse = _defini(demarche, "reponse")
    if reponse in REPONSES_DEMARCHE and reponse != "autre":
        demarche.resultat = ""
    elif not isinstance(_defini(demarche, "resultat"), str):
        demarche.resultat = ""


def reponse_pour_tableau(demarche) -> str:
    """The « Réponse » column: the choice's words in the client's language, and for « autre » the
    client's text as typed (escaped)."""
    recue = reponse_de_la_demarche(_defini(demarche, "reponse"), _defini(demarche, "resultat"))
    texte = _defini(demarche, "resultat")
    if recue == "autre" and isinstance(texte, str) and texte.strip():
        return texte_sur(texte.strip())
    return texte_sur(tr(REPONSES_DEMARCHE[recue]))


def corriger_la_reponse(client) -> None:
    """« Corriger ma réponse » on the stop screen: the démarche that stopped the référé is asked again
    (its screen, filled with the other answers given: rdv_demarches.yml asks for `reponse` again when
    `resultat` is undefined). Only this session's own answers change."""
    trouvee = demarche_qui_arrete(_reponses(client))
    if trouvee is None:
        return
    d = _elements(client, "demarches")[trouvee[0] - 1]
    for attribut in ("complete", "reponse", "resultat"):
        if hasattr(d, attribut):
            delattr(d, attribut)
