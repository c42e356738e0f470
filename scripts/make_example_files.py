"""Regenerate the small, fictitious files of examples/dossier-awa/ (screenshots, letters, scans).

Run once when the example changes: `.venv/bin/python scripts/make_example_files.py`.
"""
from pathlib import Path

import docx
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ICI = Path(__file__).resolve().parent.parent / "examples" / "dossier-awa"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def capture(nom: str, horodatage: str, message: str) -> None:
    image = Image.new("RGB", (780, 1400), "white")
    dessin = ImageDraw.Draw(image)
    grande, petite = ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT, 26)
    dessin.rectangle((0, 0, 780, 90), fill=(0, 0, 145))
    dessin.text((24, 26), "Préfecture de la Seine-Saint-Denis", font=petite, fill="white")
    dessin.text((24, 130), "Prise de rendez-vous", font=grande, fill="black")
    dessin.text((24, 210), "Titre de séjour — renouvellement", font=petite, fill="black")
    y = 320
    for ligne in message.split("\n"):
        dessin.text((24, y), ligne, font=petite, fill=(180, 0, 0))
        y += 40
    dessin.text((24, 1330), horodatage, font=petite, fill=(90, 90, 90))
    image.save(ICI / "captures" / nom, optimize=True)


def lettre(nom: str, lignes: list[str]) -> None:
    page = canvas.Canvas(str(ICI / nom), pagesize=A4)
    y = 780
    for ligne in lignes:
        page.drawString(72, y, ligne)
        y -= 18
    page.save()


def photo(nom: str, texte: str) -> None:
    image = Image.new("RGB", (1200, 850), (225, 232, 240))
    dessin = ImageDraw.Draw(image)
    dessin.rectangle((30, 30, 1170, 820), outline=(40, 40, 90), width=6)
    dessin.text((70, 90), texte, font=ImageFont.truetype(FONT, 44), fill=(20, 20, 60))
    dessin.text((70, 700), "SPÉCIMEN — document fictif", font=ImageFont.truetype(FONT, 36), fill=(150, 0, 0))
    image.save(ICI / "pieces" / nom, quality=80)


def main() -> None:
    for dossier in ("captures", "courriers", "pieces"):
        (ICI / dossier).mkdir(parents=True, exist_ok=True)
    message = "Il n'existe plus de plage horaire libre\npour votre demande de rendez-vous.\nVeuillez recommencer ultérieurement."
    for jour, heure in (("2026-10-05", "09:02"), ("2026-10-07", "14:30"), ("2026-10-14", "08:15"), ("2026-10-21", "11:40")):
        capture(f"{jour}.png", f"{jour} {heure}", message)
    lettre("courriers/lrar.pdf", ["Awa Mariam DIALLO", "12 rue des Lilas, 93100 Montreuil", "",
                                   "A Monsieur le préfet de la Seine-Saint-Denis", "",
                                   "Lettre recommandée avec accusé de réception, le 16 octobre 2026", "",
                                   "Objet : demande de rendez-vous pour le renouvellement de mon titre de séjour", "",
                                   "Je n'obtiens aucun rendez-vous en ligne depuis le 5 octobre 2026.",
                                   "Je vous prie de bien vouloir me fixer un rendez-vous.", "", "Awa Mariam DIALLO"])
    lettre("pieces/facture.pdf", ["Facture d'électricité (spécimen)", "Mme Awa Mariam DIALLO",
                                  "12 rue des Lilas, 93100 Montreuil", "Période : septembre 2026"])
    photo("passeport.jpg", "PASSEPORT — DIALLO Awa Mariam")
    photo("titre-recto.jpg", "TITRE DE SÉJOUR (recto)")
    photo("titre-verso.jpg", "TITRE DE SÉJOUR (verso)")
    contrat = docx.Document()
    contrat.add_heading("Contrat de travail à durée indéterminée (spécimen)", 1)
    contrat.add_paragraph("Entre l'EHPAD Les Tilleuls et Mme Awa Mariam DIALLO, aide-soignante.")
    contrat.save(ICI / "pieces" / "contrat.docx")


if __name__ == "__main__":
    main()
