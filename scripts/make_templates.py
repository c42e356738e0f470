"""Regenerate the Word templates `templates/requete.docx`, `templates/inventaire.docx`, `templates/lrar.docx`,
and, after the ordonnance (execution.py), `templates/lettre_execution.docx` and `templates/demande_execution.docx`.

    .venv/bin/python scripts/make_templates.py

The templates are committed; this script is the way to remake them after a change of layout.
It writes real Word paragraphs, styles and tables with python-docx and puts the docxtpl/Jinja
tags in them, each tag in a single run (Word may split a tag typed by hand into several runs;
docxtpl copes with most of it, but a tag written here never is split):

- `{{ variable }}` places a value computed by `docassemble/rdvrefere/redaction.py`;
- `{%p for texte in liste %}` … `{%p endfor %}` repeats a paragraph (the tag paragraphs vanish);
- `{%tr for … %}` … `{%tr endfor %}` repeats a table row.

The templates stay simple on purpose: every sentence, agreement and « pièce n° N » is computed
in Python; the templates only hold the layout, the headings and the invariant quotation of
L. 521-3. Staff may edit wording and layout in Word; the tags must stay as they are.

Layout: A4, 2.5 cm margins, Times New Roman 12 (Liberation Serif, metric-compatible, under
LibreOffice), justified body, real heading styles (Word's navigation pane shows the plan),
fixed-width tables (long user text wraps inside its cell instead of widening the table),
« page N sur M » in the footer, French as the proofing language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

RACINE = Path(__file__).resolve().parents[1]
SORTIE = RACINE / "templates"
POLICE = "Times New Roman"
NOIR = RGBColor(0, 0, 0)
LARGEUR_TEXTE = Cm(16)  # A4 (21 cm) minus 2 × 2.5 cm


# --- Document, styles -----------------------------------------------------------------------

def _polices(rpr) -> None:
    """Force one font on a run-properties element, dropping Word's theme fonts (which win otherwise)."""
    polices = rpr.find(qn("w:rFonts"))
    if polices is None:
        polices = OxmlElement("w:rFonts")
        rpr.insert(0, polices)
    for attribut in list(polices.attrib):
        if attribut.endswith("Theme"):
            del polices.attrib[attribut]
    for attribut in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        polices.set(qn(attribut), POLICE)


def _langue(rpr) -> None:
    langue = rpr.find(qn("w:lang"))
    if langue is None:
        langue = OxmlElement("w:lang")
        rpr.append(langue)
    langue.set(qn("w:val"), "fr-FR")
    langue.set(qn("w:eastAsia"), "fr-FR")
    langue.set(qn("w:bidi"), "ar-SA")


def _style(document, nom: str, *, base: str = "Normal", taille: float | None = None, gras: bool | None = None,
           italique: bool | None = None, alignement=None, avant: float | None = None, apres: float | None = None,
           gauche: float | None = None, premiere_ligne: float | None = None, suivant_ensemble: bool = False,
           majuscules: bool = False, type_=WD_STYLE_TYPE.PARAGRAPH):
    styles = document.styles
    style = styles[nom] if nom in [s.name for s in styles] else styles.add_style(nom, type_)
    if base and style.name != base:
        style.base_style = styles[base]
    police = style.font
    police.name = POLICE
    police.color.rgb = NOIR
    if taille is not None:
        police.size = Pt(taille)
    if gras is not None:
        police.bold = gras
    if italique is not None:
        police.italic = italique
    if majuscules:
        police.all_caps = True
    _polices(style.element.get_or_add_rPr())
    format_ = style.paragraph_format
    if alignement is not None:
        format_.alignment = alignement
    if avant is not None:
        format_.space_before = Pt(avant)
    if apres is not None:
        format_.space_after = Pt(apres)
    if gauche is not None:
        format_.left_indent = Cm(gauche)
    if premiere_ligne is not None:
        format_.first_line_indent = Cm(premiere_ligne)
    if suivant_ensemble:
        format_.keep_with_next = True
    return style


def _nouveau_document(titre: str):
    document = Document()
    # Defaults for every run: the font, French proofing (Word's hyphenation and spelling).
    defauts = document.styles.element.find(qn("w:docDefaults"))
    rpr = defauts.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _polices(rpr)
    _langue(rpr)
    for polices in document.styles.element.iter(qn("w:rFonts")):
        for attribut in list(polices.attrib):
            if attribut.endswith("Theme"):
                del polices.attrib[attribut]

    normal = _style(document, "Normal", base="", taille=12, alignement=WD_ALIGN_PARAGRAPH.JUSTIFY, avant=0, apres=6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.widow_control = True
    _style(document, "Heading 1", taille=13, gras=True, italique=False, alignement=WD_ALIGN_PARAGRAPH.LEFT,
           avant=18, apres=8, suivant_ensemble=True)
    _style(document, "Heading 2", taille=12, gras=True, italique=False, alignement=WD_ALIGN_PARAGRAPH.LEFT,
           avant=12, apres=6, gauche=0.5, suivant_ensemble=True)
    _style(document, "Tribunal", taille=14, gras=True, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=12)
    _style(document, "Mention", taille=18, gras=True, alignement=WD_ALIGN_PARAGRAPH.CENTER, avant=6, apres=12)
    _style(document, "TitreDocument", taille=13, gras=True, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=0)
    _style(document, "SousTitre", taille=12, italique=True, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=18)
    _style(document, "Destinataire", taille=12, gras=True, alignement=WD_ALIGN_PARAGRAPH.LEFT, avant=6, apres=18)
    _style(document, "EtiquettePartie", gras=True, alignement=WD_ALIGN_PARAGRAPH.LEFT, avant=12, apres=4,
           suivant_ensemble=True)
    _style(document, "Partie", alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=0, gauche=1.0, suivant_ensemble=True)
    _style(document, "Qualite", italique=True, alignement=WD_ALIGN_PARAGRAPH.RIGHT, avant=4, apres=6)
    _style(document, "Citation", italique=True, gauche=1.0, apres=8)
    tiret = _style(document, "Tiret", gauche=1.25, premiere_ligne=-0.5, apres=4)
    _puces(document, tiret)
    _style(document, "FaitA", alignement=WD_ALIGN_PARAGRAPH.RIGHT, avant=24, apres=18, suivant_ensemble=True)
    _style(document, "Signature", gras=True, alignement=WD_ALIGN_PARAGRAPH.RIGHT, apres=12)
    _style(document, "ListePieces", alignement=WD_ALIGN_PARAGRAPH.LEFT, gauche=2.0, premiere_ligne=-2.0, apres=3)
    _style(document, "Cellule", taille=10, alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=0)
    _style(document, "CelluleCentree", taille=10, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=0)
    _style(document, "EnteteTableau", taille=10, gras=True, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=0)
    _style(document, "PiedDePage", taille=9, alignement=WD_ALIGN_PARAGRAPH.CENTER, apres=0)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for cote in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, cote, Cm(2.5))
    proprietes = document.core_properties
    proprietes.title, proprietes.author, proprietes.language = titre, "rdvrefere", "fr-FR"
    proprietes.comments = "Modèle docxtpl généré par scripts/make_templates.py : ne modifiez pas les balises Jinja."
    return document


def _puces(document, style) -> None:
    """Give the « Tiret » style its own list with an en dash, the French way of listing claims."""
    numerotation = document.part.numbering_part.element
    abstrait = OxmlElement("w:abstractNum")
    identifiant = str(90 + len(numerotation.findall(qn("w:abstractNum"))))
    abstrait.set(qn("w:abstractNumId"), identifiant)
    niveau = OxmlElement("w:lvl")
    niveau.set(qn("w:ilvl"), "0")
    for balise, valeur in (("w:start", "1"), ("w:numFmt", "bullet"), ("w:lvlText", "–"), ("w:lvlJc", "left")):
        element = OxmlElement(balise)
        element.set(qn("w:val"), valeur)
        niveau.append(element)
    ppr = OxmlElement("w:pPr")
    retrait = OxmlElement("w:ind")
    retrait.set(qn("w:left"), str(int(Cm(1.25).twips)))
    retrait.set(qn("w:hanging"), str(int(Cm(0.5).twips)))
    ppr.append(retrait)
    niveau.append(ppr)
    rpr = OxmlElement("w:rPr")
    polices = OxmlElement("w:rFonts")
    for attribut in ("w:ascii", "w:hAnsi", "w:cs"):
        polices.set(qn(attribut), POLICE)
    rpr.append(polices)
    niveau.append(rpr)
    abstrait.append(niveau)
    premier_num = numerotation.find(qn("w:num"))
    if premier_num is not None:
        premier_num.addprevious(abstrait)
    else:
        numerotation.append(abstrait)
    numero = numerotation.add_num(int(identifiant))
    num_id = numero.get(qn("w:numId"))
    ppr_style = style.element.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    numid = OxmlElement("w:numId")
    numid.set(qn("w:val"), num_id)
    numpr.append(ilvl)
    numpr.append(numid)
    ppr_style.insert(0, numpr)


def _paragraphe(document, texte: str, style: str = "Normal"):
    paragraphe = document.add_paragraph(style=style)
    paragraphe.add_run(texte)
    return paragraphe


def _boucle(document, liste: str, style: str = "Normal", variable: str = "texte", champ: str | None = None) -> None:
    """One paragraph repeated for each item of `liste` (placing `champ`, by default the item)."""
    _paragraphe(document, f"{{%p for {variable} in {liste} %}}")
    _paragraphe(document, f"{{{{ {champ or variable} }}}}", style)
    _paragraphe(document, "{%p endfor %}")


def _champ(paragraphe, instruction: str, defaut: str) -> None:
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    texte = OxmlElement("w:t")
    texte.text = defaut
    run.append(texte)
    champ.append(run)
    paragraphe._p.append(champ)


def _pied_de_page(document) -> None:
    pied = document.sections[0].footer
    paragraphe = pied.paragraphs[0]
    paragraphe.style = document.styles["PiedDePage"]
    paragraphe.add_run("{{ pied_de_page }} — page ")
    _champ(paragraphe, " PAGE ", "1")
    paragraphe.add_run(" sur ")
    _champ(paragraphe, " NUMPAGES ", "1")


# --- Tables ---------------------------------------------------------------------------------

def _largeurs_fixes(table, largeurs: list[Cm]) -> None:
    """Fixed layout: the columns keep their width whatever the text (long words wrap)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = table._tbl.tblPr  # `autofit = False` above wrote <w:tblLayout w:type="fixed"/>
    largeur = tblpr.find(qn("w:tblW"))
    if largeur is None:
        largeur = OxmlElement("w:tblW")
        tblpr.append(largeur)
    largeur.set(qn("w:type"), "dxa")
    largeur.set(qn("w:w"), str(sum(int(l.twips) for l in largeurs)))
    for colonne, valeur in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), largeurs, strict=True):
        colonne.set(qn("w:w"), str(int(valeur.twips)))
    for ligne in table.rows:
        for cellule, valeur in zip(ligne.cells, largeurs, strict=True):
            cellule.width = valeur


def _ligne_entete(ligne) -> None:
    """Repeated at the top of each page; kept with the first row (its paragraphs « keep with next »).
    No « cantSplit » here: LibreOffice 7.4 drops the following rows from the PDF when a header row
    with both properties ends a page."""
    element = OxmlElement("w:tblHeader")
    ligne._tr.get_or_add_trPr().append(element)
    for cellule in ligne.cells:
        for paragraphe in cellule.paragraphs:
            paragraphe.paragraph_format.keep_with_next = True


def _insecable(ligne) -> None:
    ligne._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _ecrire(cellule, texte: str, style: str) -> None:
    paragraphe = cellule.paragraphs[0]
    paragraphe.style = cellule.part.document.styles[style]
    paragraphe.add_run(texte)


def _tableau(document, entetes: list[str], cellules: list[tuple[str, str]], largeurs: list[Cm], boucle: str) -> None:
    """A header row, then one row repeated by `{%tr for … %}`: `cellules` are (text, style)."""
    table = document.add_table(rows=4, cols=len(entetes))
    table.style = document.styles["Table Grid"]
    _largeurs_fixes(table, largeurs)
    for cellule, texte in zip(table.rows[0].cells, entetes, strict=True):
        _ecrire(cellule, texte, "EnteteTableau")
    _ligne_entete(table.rows[0])
    _ecrire(table.rows[1].cells[0], f"{{%tr {boucle} %}}", "Cellule")
    for cellule, (texte, style) in zip(table.rows[2].cells, cellules, strict=True):
        _ecrire(cellule, texte, style)
    _insecable(table.rows[2])
    _ecrire(table.rows[3].cells[0], "{%tr endfor %}", "Cellule")


# --- The two templates ----------------------------------------------------------------------

def _en_tete_et_parties(d, mention: str) -> None:
    """The head of a requête: footer, tribunal, mention, title, basis, addressee, then POUR and
    CONTRE (the préfecture's address only when sourced) and the object line."""
    _pied_de_page(d)
    _paragraphe(d, "{{ tribunal_majuscules }}", "Tribunal")
    _paragraphe(d, mention, "Mention")
    _paragraphe(d, "{{ titre_requete }}", "TitreDocument")
    _paragraphe(d, "{{ fondement }}", "SousTitre")
    _paragraphe(d, "{{ destinataire }}", "Destinataire")

    _paragraphe(d, "POUR :", "EtiquettePartie")
    _boucle(d, "pour", "Partie", "ligne")
    _paragraphe(d, "{{ qualite_requerant }}", "Qualite")
    _paragraphe(d, "CONTRE :", "EtiquettePartie")
    _paragraphe(d, "{{ contre }}", "Partie")
    _paragraphe(d, "{%p if adresse_defendeur %}")      # the préfecture's address, only when sourced
    _paragraphe(d, "{{ adresse_defendeur }}", "Partie")
    _paragraphe(d, "{%p endif %}")
    _paragraphe(d, "{{ qualite_defendeur }}", "Qualite")
    _paragraphe(d, "{{ objet }}")


def _conclusions_et_pieces(d) -> None:
    """The end of a requête: PAR CES MOTIFS, the conclusions, place, date and signature, then
    the list of the pièces."""
    d.add_heading("PAR CES MOTIFS", level=1)
    _paragraphe(d, "{{ conclusions_intro }}")
    _boucle(d, "conclusions", "Tiret")
    _paragraphe(d, "{{ fait_a }}", "FaitA")
    _paragraphe(d, "{{ signataire }}", "Signature")

    d.add_heading("LISTE DES PIÈCES", level=1)
    _boucle(d, "pieces", "ListePieces", "p", "p.ligne")


def requete() -> object:
    d = _nouveau_document("Requête en référé mesures utiles (article L. 521-3 du code de justice administrative)")
    _en_tete_et_parties(d, "RÉFÉRÉ")

    d.add_heading("I. FAITS ET PROCÉDURE", level=1)
    _boucle(d, "faits_situation")
    _boucle(d, "faits_blocage")
    _paragraphe(d, "{{ tentatives_intro }}").paragraph_format.keep_with_next = True
    _tableau(d, ["N°", "Date et heure", "Ce que le site affichait", "Pièce"],
             [("{{ t.numero }}", "CelluleCentree"), ("{{ t.date_heure }}", "Cellule"),
              ("{{ t.constat }}", "Cellule"), ("{{ t.piece }}", "CelluleCentree")],
             [Cm(1.1), Cm(4.3), Cm(8.1), Cm(2.5)], "for t in tentatives")
    _paragraphe(d, "{%p if tentatives_bilan %}")
    p = _paragraphe(d, "{{ tentatives_bilan }}")
    p.paragraph_format.space_before = Pt(6)
    _paragraphe(d, "{%p endif %}")
    _boucle(d, "faits_demarches")
    _boucle(d, "faits_consequences")

    d.add_heading("II. DISCUSSION", level=1)
    d.add_heading("A. Sur la compétence du juge des référés", level=2)
    _boucle(d, "competence")
    d.add_heading("B. Sur la recevabilité de la requête", level=2)
    _paragraphe(d, "Aux termes de l'article L. 521-3 du code de justice administrative :")
    _paragraphe(d, "«\u00a0En cas d'urgence et sur simple requête qui sera recevable même en l'absence de décision "
                   "administrative préalable, le juge des référés peut ordonner toutes autres mesures utiles sans "
                   "faire obstacle à l'exécution d'aucune décision administrative.\u00a0»", "Citation")
    _boucle(d, "recevabilite")
    d.add_heading("C. Sur l'urgence", level=2)
    _boucle(d, "urgence")
    _boucle(d, "urgence_circonstances", "Tiret")
    _boucle(d, "urgence_suite")
    d.add_heading("D. Sur l'utilité de la mesure demandée", level=2)
    _boucle(d, "utilite")
    _boucle(d, "utilite_diligences", "Tiret")
    _boucle(d, "utilite_suite")
    d.add_heading("E. Sur l'absence d'obstacle à l'exécution d'une décision administrative", level=2)
    _boucle(d, "obstacle")

    _conclusions_et_pieces(d)
    return d


def inventaire() -> object:
    d = _nouveau_document("Inventaire des pièces (article R. 412-2 du code de justice administrative)")
    _pied_de_page(d)
    _paragraphe(d, "{{ tribunal_majuscules }}", "Tribunal")
    _paragraphe(d, "{{ mention }}", "Mention")            # « RÉFÉRÉ », « EXÉCUTION »
    _paragraphe(d, "{{ affaire }}", "TitreDocument")
    _paragraphe(d, "{{ parties }}", "SousTitre")
    d.add_heading("INVENTAIRE DES PIÈCES", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraphe(d, "{{ fondement }}", "SousTitre")
    _tableau(d, ["N°", "Intitulé de la pièce", "Pages"],
             [("{{ p.numero }}", "CelluleCentree"), ("{{ p.libelle }}", "Cellule"), ("{{ p.pages }}", "CelluleCentree")],
             [Cm(1.5), Cm(12.0), Cm(2.5)], "for p in pieces")
    p = _paragraphe(d, "Total : {{ total }}", "FaitA")
    p.paragraph_format.space_before = Pt(8)
    return d


def lrar() -> object:
    """The registered letter to the préfecture (courriers.py): the applicant's own letter, first person."""
    return _lettre("Lettre recommandée avec demande d'avis de réception à la préfecture")


def lettre_execution() -> object:
    """The letter asking the préfet to execute the ordonnance (execution.py): same layout as the LRAR."""
    return _lettre("Lettre au préfet : exécution de l'ordonnance du juge des référés")


def demande_execution() -> object:
    """The demande d'exécution to the tribunal (execution.py): third person, sections computed in Python."""
    d = _nouveau_document("Demande d'exécution d'une ordonnance de référé (article L. 911-4 du code de justice "
                          "administrative)")
    _en_tete_et_parties(d, "{{ mention }}")
    d.add_heading("I. FAITS", level=1)
    _boucle(d, "faits")
    _paragraphe(d, "{%p if constats_intro %}")
    _paragraphe(d, "{{ constats_intro }}").paragraph_format.keep_with_next = True
    _paragraphe(d, "{%p endif %}")
    _boucle(d, "constats", "Tiret")
    _boucle(d, "faits_fin")
    d.add_heading("II. DISCUSSION", level=1)
    _paragraphe(d, "{%p for s in sections %}")
    _paragraphe(d, "{{ s.titre }}", "Heading 2")
    _paragraphe(d, "{%p for texte in s.paragraphes %}")
    _paragraphe(d, "{{ texte }}")
    _paragraphe(d, "{%p endfor %}")
    _paragraphe(d, "{%p endfor %}")
    _conclusions_et_pieces(d)
    return d


def _lettre(titre: str) -> object:
    """A letter from the applicant (first person): sender, addressee, place and date, object, text."""
    d = _nouveau_document(titre)
    _style(d, "Expediteur", alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=0)
    _style(d, "DestinataireLettre", alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=0, gauche=9.0)
    _style(d, "LieuDate", alignement=WD_ALIGN_PARAGRAPH.RIGHT, avant=18, apres=18)
    _style(d, "MentionLettre", gras=True, alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=4)
    _style(d, "ObjetLettre", gras=True, alignement=WD_ALIGN_PARAGRAPH.LEFT, apres=18)
    _boucle(d, "expediteur", "Expediteur", "ligne")
    p = _paragraphe(d, "")
    p.paragraph_format.space_after = Pt(12)
    _boucle(d, "destinataire", "DestinataireLettre", "ligne")
    _paragraphe(d, "{{ lieu_date }}", "LieuDate")
    _paragraphe(d, "{{ mention }}", "MentionLettre")
    _paragraphe(d, "{{ objet }}", "ObjetLettre")
    _paragraphe(d, "{{ salutation }}")
    _boucle(d, "intro")
    _boucle(d, "tentatives", "Tiret")
    _boucle(d, "suite")
    _paragraphe(d, "{{ formule }}")
    _paragraphe(d, "{{ signataire }}", "Signature").paragraph_format.space_before = Pt(24)
    return d


def main(dossier: Path = SORTIE) -> int:
    dossier.mkdir(parents=True, exist_ok=True)
    for nom, fabrique in (("requete.docx", requete), ("inventaire.docx", inventaire), ("lrar.docx", lrar),
                          ("lettre_execution.docx", lettre_execution), ("demande_execution.docx", demande_execution)):
        fabrique().save(dossier / nom)
        print(f"écrit : {dossier / nom}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SORTIE))
