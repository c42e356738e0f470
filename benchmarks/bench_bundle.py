"""Benchmark: build a reference dossier with rdvrefere and with docassemble's own path, compare.

    PYTHONPATH=/work/main .venv/bin/python benchmarks/bench_bundle.py [--json results.json] [--keep]
    make bench          (same, against the installed wheel)

The reference dossier is generated in a temporary folder (deterministic): 30 phone photos of
12 MP (10 of them EXIF-rotated), 10 screenshots 1170×2532, 3 text PDFs of 10 pages, 1 DOCX, in
12 pièces. It must pass `verification.verifier` (what `rdvrefere check` runs) or the bench stops.

Each side runs in its own fresh child process (wall time around the work only, imports
excluded; peak RSS = VmHWM of that Python process, and the largest subprocess it waited for):

- rdvrefere: `bundle.construire(dossier, out, aujourd_hui=…)`: the whole bundle (12 pièces
  stamped, requête, inventaire, guide, manifest, zip);
- docassemble: per pièce, in an interview context of the headless harness (tests/daharness.py),
  `pdf_concatenate(files)` (ImageMagick `convert` per image, LibreOffice macro for the DOCX,
  pikepdf to join), then `DAFile.bates_number(prefix="Pièce n° N - p. ")` (Marisol, run by
  docassemble in a `python -m docassemble.base.bates` subprocess);
- a second section: one pièce of the 30 photos through `conversion.convertir_en_pdf`.

Outputs are then inspected (pdfimages, pdftoppm): sizes, pages, whether the EXIF-rotated
photos come out upright (the photos have a red band at their displayed top; its position is
found on the rendered page), the photos' resolution when the page is printed on A4.

Not a test: it prints a table (and writes JSON with --json), and exits 0 unless it crashed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AUJOURD_HUI = dt.date(2026, 11, 2)          # a Monday; the attempts span the 4 ISO weeks before it
IMAGEMAGICK = "/usr/bin/convert"             # the real one (/usr/local/bin/convert is a sandbox wrapper)
MB = 1_000_000
# goals of the issue
GOAL_TIME, GOAL_SIZE, GOAL_MEMORY_MB = 0.2, 0.5, 500
LEGIBLE_DPI = 150

# photo index -> EXIF orientation (None: no EXIF tag). 10 of 30 rotated, as phones store them.
ORIENTATIONS = {i: None if i % 2 else 1 for i in range(30)}
ORIENTATIONS.update({0: 6, 3: 8, 5: 3, 8: 6, 12: 6, 15: 8, 19: 6, 22: 3, 25: 6, 28: 8})


def _load(name: str, path: Path):
    """Import a module by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _proc_status(key: str) -> float:
    """A /proc/self/status memory line (kB) in MB (10^6 bytes)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024 / MB
    return float("nan")


# ============================================================== generating the reference dossier
def generer(racine: Path) -> tuple[dict, dict]:
    """Write the input files and the dossier; returns (dossier data, facts about the photos)."""
    from PIL import Image
    fichiers = _load("bench_fichiers", REPO / "tests" / "fichiers.py")
    (racine / "photos").mkdir(parents=True)
    (racine / "captures").mkdir()
    (racine / "docs").mkdir()

    photos = []
    for i in range(30):
        orientation = ORIENTATIONS[i]
        droite = (3000, 4000) if orientation in (6, 8) else (4000, 3000)    # as displayed
        img = fichiers._photo_droite(droite, texte=f"HAUT - photo {i + 1:02d}")
        if orientation and orientation != 1:
            img = img.transpose(fichiers._STOCKAGE[orientation])                # as stored
        assert img.size[0] * img.size[1] == 12_000_000
        chemin = racine / "photos" / f"IMG_{2041 + i}.jpg"
        options = {"quality": 85 + 3 * (i % 4)}          # 3.5 to 5 MB, as phones vary
        if orientation is not None:
            exif = Image.Exif()
            exif[0x0112] = orientation
            options["exif"] = exif.tobytes()
        img.save(chemin, "JPEG", **options)
        photos.append({"fichier": f"photos/{chemin.name}", "orientation": orientation,
                       "affichee": list(droite), "octets": chemin.stat().st_size})

    # 10 attempts over 4 ISO weeks (weeks of 5, 12, 19 and 26 October 2026)
    jours = ["2026-10-05", "2026-10-06", "2026-10-08", "2026-10-12", "2026-10-14", "2026-10-16",
             "2026-10-19", "2026-10-22", "2026-10-26", "2026-10-29"]
    heures = ["09:01", "14:30", "08:15", "11:40", "09:00", "16:05", "10:10", "08:30", "13:45", "09:20"]
    tentatives = []
    for jour, heure in zip(jours, heures):
        nom = f"captures/Capture_{jour}_{heure.replace(':', 'h')}.png"
        date_fr = dt.date.fromisoformat(jour).strftime("%d/%m/%Y")
        fichiers.png_capture(racine / nom, (1170, 2532), lignes=[
            "Prendre un rendez-vous", "Aucun créneau disponible.", "Veuillez réessayer plus tard.",
            f"{date_fr} {heure}"])
        tentatives.append({"date": jour, "heure": heure, "constat": "aucun créneau disponible", "fichiers": [nom]})

    fichiers.pdf(racine / "docs/lrar.pdf", pages=10, text="Lettre recommandée à la préfecture et accusé de réception")
    fichiers.pdf(racine / "docs/factures.pdf", pages=10, text="Factures d'électricité et quittances de loyer")
    fichiers.pdf(racine / "docs/bulletins.pdf", pages=10, text="Bulletins de salaire")
    fichiers.docx(racine / "docs/contrat.docx", "\n".join(
        ["CONTRAT DE TRAVAIL À DURÉE INDÉTERMINÉE", "Entre la société Soins à domicile SAS et Mme Awa DIALLO."]
        + [f"Article {n}. Stipulation contractuelle numéro {n}, rédigée sur plusieurs lignes pour occuper "
           f"la page comme un vrai contrat de travail." for n in range(1, 41)]))

    p = [ph["fichier"] for ph in photos]
    donnees = {
        "requerant": {"nom": "Diallo", "prenoms": "Awa", "sexe": "F", "date_naissance": "1990-04-12",
                      "lieu_naissance": "Bamako (Mali)", "nationalite": "malienne",
                      "adresse": "12 rue des Lilas, 93100 Montreuil", "telephone": "0612345678",
                      "courriel": "awa@example.org", "numero_etranger": "9301234567"},
        "departement": "93",
        "demande": {"nature": "renouvellement", "titre": "carte de séjour temporaire « salarié »",
                    "date_expiration": "2026-12-15"},
        "blocage": {"type": "aucun_creneau", "plateforme": "site de prise de rendez-vous de la préfecture"},
        "tentatives": tentatives,
        "demarches": [{"date": "2026-10-16", "nature": "lrar", "description": "lettre recommandée demandant un rendez-vous",
                       "resultat": "restée sans réponse", "fichiers": ["docs/lrar.pdf"]}],
        "urgence": {"circonstances": [
            {"texte": "Mon titre expire le 15 décembre 2026 ; sans récépissé je perdrai mon emploi.",
             "libelle": "Contrat de travail à durée indéterminée", "fichiers": ["docs/contrat.docx"]},
            {"texte": "Mon employeur exige un titre valide.", "libelle": "Courrier de l'employeur (photos)",
             "fichiers": p[6:10]},
        ]},
        "pieces": [
            {"libelle": "Passeport (pages d'identité)", "categorie": "identite", "fichiers": p[0:2]},
            {"libelle": "Carte de séjour temporaire et récépissés", "categorie": "sejour", "fichiers": p[2:6]},
            {"libelle": "Factures et quittances (justificatif de domicile)", "categorie": "domicile",
             "fichiers": ["docs/factures.pdf"]},
            {"libelle": "Bulletins de salaire", "categorie": "autre", "fichiers": ["docs/bulletins.pdf"]},
            {"libelle": "Photos de la file d'attente devant la préfecture", "categorie": "autre", "fichiers": p[10:30]},
        ],
        "conclusions": {"delai_jours": 15, "astreinte_euros": 100},
        "signature": {"lieu": "Montreuil"},
    }
    import yaml
    (racine / "dossier.yml").write_text(yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return donnees, {"photos": photos}


def plan_du_dossier(racine: Path, photos: list[dict]) -> dict:
    """Load and check the dossier as `rdvrefere check` does; the pièces as the engine numbers them."""
    from docassemble.rdvrefere.conversion import Limites
    from docassemble.rdvrefere.dossier import lire_dossier
    from docassemble.rdvrefere.numerotation import numeroter
    from docassemble.rdvrefere.problemes import erreurs
    from docassemble.rdvrefere.verification import verifier
    dossier = lire_dossier(racine / "dossier.yml")
    problemes = verifier(dossier, aujourd_hui=AUJOURD_HUI, limites=Limites())
    if erreurs(problemes):
        raise SystemExit("The reference dossier does not pass the engine's checks:\n"
                         + "\n".join(str(p) for p in erreurs(problemes)))
    par_chemin = {str((racine / ph["fichier"]).resolve()): ph for ph in photos}
    pieces = []
    for piece in numeroter(dossier):
        fichiers = [str(f) for f in piece.fichiers]
        pieces.append({"numero": piece.numero, "libelle": piece.libelle, "nom": piece.nom_fichier,
                       "tampon": piece.tampon, "serie": len(piece.serie), "fichiers": fichiers,
                       "photos": [dict(par_chemin[f], rang=j) for j, f in enumerate(fichiers) if f in par_chemin],
                       "que_des_photos": all(f in par_chemin for f in fichiers)})
    return {"dossier": str(racine / "dossier.yml"), "pieces": pieces,
            "avertissements": [str(p) for p in problemes]}


# ============================================================== children (one fresh process each)
def enfant_rdvrefere(plan: dict, sortie: Path) -> dict:
    t = time.perf_counter()
    import docassemble.rdvrefere as paquet
    from docassemble.rdvrefere import bundle, conversion, requete
    from docassemble.rdvrefere.dossier import lire_dossier
    importation = time.perf_counter() - t
    base = _proc_status("VmRSS")

    # instrumentation only (timers around the engine's own functions)
    temps_lo, temps_pieces = [0.0], {}

    def chrono_lo(original):
        def f(*a, **k):
            debut = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                temps_lo[0] += time.perf_counter() - debut
        return f
    conversion.convertir_documents = chrono_lo(conversion.convertir_documents)
    requete.convertir_documents = chrono_lo(requete.convertir_documents)
    # (LibreOffice may run beside the pièces: this is the time it ran, not what it added)
    construire_piece = bundle._construire_piece

    bornes = []       # (start, end) of each pièce: the pièces are built by several threads

    def chrono_piece(piece, *a, **k):
        debut = time.perf_counter()
        try:
            return construire_piece(piece, *a, **k)
        finally:
            fin = time.perf_counter()
            temps_pieces[piece.numero] = fin - debut
            bornes.append((debut, fin))
    bundle._construire_piece = chrono_piece

    debut = time.perf_counter()
    dossier = lire_dossier(plan["dossier"])
    manifeste = bundle.construire(dossier, sortie, aujourd_hui=AUJOURD_HUI)
    total = time.perf_counter() - debut
    return {"engine": str(Path(paquet.__file__).parent), "version": paquet.__version__,
            "import_s": importation, "wall_s": total,
            # wall time from the first pièce started to the last one finished
            "pieces_s": max(f for _, f in bornes) - min(d for d, _ in bornes) if bornes else 0.0,
            "pieces_somme_s": sum(temps_pieces.values()), "fils": bundle._nombre_de_fils()
            if hasattr(bundle, "_nombre_de_fils") else 1,
            "libreoffice_s": temps_lo[0], "temps_par_piece": temps_pieces,
            "rss_base_mb": base, "rss_peak_mb": _proc_status("VmHWM"),
            "fichiers": [{"role": f.role, "fichier": f.fichier, "pages": f.pages, "octets": f.octets}
                         for f in manifeste.fichiers]}


INTERVIEW_BANC = "modules:\n  - docassemble.base.util\n---\nmandatory: True\nquestion: Banc d'essai\n"


def enfant_docassemble(plan: dict, sortie: Path) -> dict:
    t = time.perf_counter()
    da = _load("daharness", REPO / "tests" / "daharness.py")
    import docassemble.base
    import docassemble.base.pandoc as pandoc
    from docassemble.base.config import daconfig
    pandoc.initialize_libreoffice()     # a running server has done it at its first conversion
    session = da.Session("docassemble.base:data/questions/rdvrefere_banc.yml", content=INTERVIEW_BANC, roundtrip=False)
    session.next()
    importation = time.perf_counter() - t
    base = _proc_status("VmRSS")

    temps_lo = [0.0]
    word_to_pdf = pandoc.word_to_pdf

    def chrono_lo(*a, **k):
        debut = time.perf_counter()
        try:
            return word_to_pdf(*a, **k)
        finally:
            temps_lo[0] += time.perf_counter() - debut
    pandoc.word_to_pdf = chrono_lo

    sortie.mkdir(parents=True, exist_ok=True)
    resultats, temps_pieces = [], {}
    debut = time.perf_counter()
    for piece in plan["pieces"]:
        d = time.perf_counter()
        code = (f"banc_pdf = pdf_concatenate({piece['fichiers']!r}, filename={piece['nom']!r})\n"
                f"banc_pdf.bates_number(prefix={piece['tampon'] + ' - p. '!r}, digits=1, start=1, "
                f"area='TOP_RIGHT', filename={piece['nom']!r})\n")
        try:
            session.run(code)
            shutil.copyfile(session.eval("banc_pdf.path()"), sortie / piece["nom"])
            resultats.append({"numero": piece["numero"], "fichier": piece["nom"], "erreur": None})
        except Exception as exc:      # reported in the table, not fatal
            resultats.append({"numero": piece["numero"], "fichier": piece["nom"],
                              "erreur": f"{type(exc).__name__}: {str(exc)[:300]}"})
        temps_pieces[piece["numero"]] = time.perf_counter() - d
    total = time.perf_counter() - debut
    return {"docassemble_base": getattr(docassemble.base, "__version__", None) or _version("docassemble.base"),
            "imagemagick": daconfig.get("imagemagick"), "import_s": importation, "wall_s": total,
            "pieces_s": total, "libreoffice_s": temps_lo[0], "temps_par_piece": temps_pieces,
            "rss_base_mb": base, "rss_peak_mb": _proc_status("VmHWM"),
            "resultats": resultats}


def enfant_photos(plan: dict, sortie: Path) -> dict:
    t = time.perf_counter()
    from docassemble.rdvrefere.conversion import FichierRefuse, convertir_en_pdf
    importation = time.perf_counter() - t
    base = _proc_status("VmRSS")
    photos = [f for p in plan["pieces"] if p["que_des_photos"] for f in p["fichiers"]]
    sortie.mkdir(parents=True, exist_ok=True)
    destination = sortie / "30_photos.pdf"
    debut = time.perf_counter()
    erreur, pages = None, None
    try:
        pages = convertir_en_pdf(photos, destination, piece="banc d'essai")
    except FichierRefuse as refus:
        erreur = refus.message
    total = time.perf_counter() - debut
    return {"import_s": importation, "wall_s": total, "photos": len(photos), "pages": pages, "erreur": erreur,
            "octets": destination.stat().st_size if destination.exists() else None,
            "rss_base_mb": base, "rss_peak_mb": _proc_status("VmHWM")}


ENFANTS = {"rdvrefere": enfant_rdvrefere, "docassemble": enfant_docassemble, "photos": enfant_photos}


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


class Surveillant:
    """Samples, every 50 ms, the child's process tree: the largest peak RSS (VmHWM) of any
    subprocess it starts (convert, soffice.bin, python -m docassemble.base.bates…) and the
    largest sum of RSS over the whole tree. (getrusage(RUSAGE_CHILDREN) cannot be used: it
    charges a forked child with its parent's size before exec; such not-yet-exec'd forks are
    skipped here too.) A subprocess shorter than 50 ms may be missed."""

    def __init__(self, pid: int):
        import threading
        self.pid, self.sous_processus_mb, self.arbre_mb, self.nom = pid, 0.0, 0.0, None
        self._fin = threading.Event()
        self._fil = threading.Thread(target=self._boucle, daemon=True)
        self._fil.start()

    @staticmethod
    def _hwm(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024 / MB
        except OSError:
            pass
        return 0.0

    def _boucle(self) -> None:
        import psutil
        try:
            racine = psutil.Process(self.pid)
            commande = racine.cmdline()
        except psutil.Error:
            return
        while not self._fin.is_set():
            try:
                descendants = racine.children(recursive=True)
                total = racine.memory_info().rss
            except psutil.Error:
                break
            for proc in descendants:
                try:
                    if proc.cmdline() == commande:      # forked, not yet exec'd: the parent's pages
                        continue
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
                pic = self._hwm(proc.pid)
                if pic > self.sous_processus_mb:
                    self.sous_processus_mb = pic
                    try:
                        ligne = proc.cmdline()
                        self.nom = (" ".join([Path(ligne[0]).name] + ligne[1:3]) if ligne else proc.name())[:60]
                    except psutil.Error:
                        pass
            self.arbre_mb = max(self.arbre_mb, total / MB)
            self._fin.wait(0.05)

    def arreter(self) -> None:
        self._fin.set()
        self._fil.join()


def lancer_enfant(nom: str, plan_json: Path, sortie: Path, travail: Path, env: dict) -> dict:
    resultat = travail / f"resultat-{nom}.json"
    commande = [sys.executable, str(Path(__file__).resolve()), "--enfant", nom, "--plan", str(plan_json),
                "--sortie", str(sortie), "--resultat", str(resultat)]
    debut = time.perf_counter()
    with open(travail / f"stderr-{nom}.txt", "w+") as erreurs:
        proc = subprocess.Popen(commande, env=env, cwd=travail, stdout=erreurs, stderr=subprocess.STDOUT)
        surveillant = Surveillant(proc.pid)
        try:
            code = proc.wait(timeout=900)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        surveillant.arreter()
        erreurs.seek(0)
        journal = erreurs.read()
    duree = time.perf_counter() - debut
    if code != 0 or not resultat.exists():
        return {"crash": f"exit {code}", "stderr": journal[-3000:], "process_s": duree}
    donnees = json.loads(resultat.read_text())
    donnees.update(process_s=duree, children_peak_mb=surveillant.sous_processus_mb, children_peak_cmd=surveillant.nom,
                   tree_peak_mb=max(surveillant.arbre_mb, donnees["rss_peak_mb"]))
    return donnees


# ============================================================== the docassemble child's environment
def environnement_docassemble(travail: Path) -> dict:
    """The docassemble child's environment: the harness works in a private folder whose HOME
    holds a LibreOffice profile (docassemble copies its macro there) and an ImageMagick policy
    allowing PDF output, as docassemble's own Docker image does; a docassemble config file."""
    harness = travail / "da-harness"
    home = harness / "home"          # daharness sets HOME to $RDV_HARNESS_WORK/home
    profil_harness = REPO / "var" / "harness" / "home" / ".config" / "libreoffice"
    if profil_harness.is_dir():   # a warm profile, as a running server has (else daharness creates one)
        shutil.copytree(profil_harness, home / ".config" / "libreoffice",
                        ignore=shutil.ignore_patterns(".lock", "*.lock", ".~lock*"))
    # Debian's /etc/ImageMagick-6/policy.xml forbids the PDF coder; docassemble's Docker image
    # removes that line. A user policy, read after the system one, re-allows it for this HOME only.
    (home / ".config" / "ImageMagick").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "ImageMagick" / "policy.xml").write_text(
        '<policymap>\n  <policy domain="coder" rights="read|write" pattern="PDF" />\n</policymap>\n')
    macro = home / ".config/libreoffice/4/user/basic/Standard/Module1.xba"
    config = travail / "da-config.yml"
    config.write_text(
        "# written by benchmarks/bench_bundle.py\n"
        "debug: True\nsecretkey: rdvrefere-bench-not-secret\n"
        "language: en\nlocale: en_US.utf8\ntimezone: Europe/Paris\ncountry: FR\n"
        f"uploads: {travail / 'da-uploads'}\n"
        f"libreoffice macro file: {macro}\n"
        f"imagemagick: {IMAGEMAGICK}\n"
        f"modules: {sys.prefix}\n",            # bates_number runs {modules}/bin/python -m docassemble.base.bates
        encoding="utf-8")
    env = dict(os.environ)
    env["DA_CONFIG_FILE"] = str(config)
    env["RDV_HARNESS_WORK"] = str(harness)
    nltk = REPO / "var" / "harness" / "nltk_data"
    if (nltk / "corpora" / "wordnet").is_dir() and not env.get("NLTK_DATA"):
        env["NLTK_DATA"] = str(nltk)   # built offline by scripts/make_nltk_data.py (else daharness builds it)
    return env


# ============================================================== inspecting the outputs
def _pdfimages(pdf: Path, page: int) -> list[dict]:
    sortie = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    images = []
    for ligne in sortie:
        c = ligne.split()
        # page num type width height color comp bpc enc interp object-id generation x-ppi y-ppi size ratio
        if len(c) >= 14 and c[2] == "image":
            images.append({"largeur": int(c[3]), "hauteur": int(c[4]), "ppi": min(float(c[12]), float(c[13]))})
    return images


def _taille_page(pdf, index: int) -> tuple[float, float]:
    page = pdf.pages[index]
    x0, y0, x1, y1 = [float(v) for v in page.mediabox]
    largeur, hauteur = abs(x1 - x0), abs(y1 - y0)
    if int(page.obj.get("/Rotate", 0)) % 180:
        largeur, hauteur = hauteur, largeur
    return largeur, hauteur


def _bande_rouge(pdf: Path, page: int) -> str:
    """Where the photo's red band (its displayed top) is on the rendered page."""
    from PIL import Image, ImageChops
    with tempfile.TemporaryDirectory() as dossier:
        subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-scale-to", "200", "-singlefile", "-png",
                        str(pdf), f"{dossier}/page"], capture_output=True, check=True)
        with Image.open(f"{dossier}/page.png") as rendu:
            img = rendu.convert("RGB")
    r, g, b = img.split()
    rouge = ImageChops.multiply(ImageChops.multiply(r.point(lambda v: 255 if v > 140 else 0),
                                                    g.point(lambda v: 255 if v < 90 else 0)),
                                b.point(lambda v: 255 if v < 90 else 0))
    largeur, hauteur = img.size
    lignes = rouge.resize((1, hauteur), Image.Resampling.BOX).tobytes()      # share of red per row, 0-255
    colonnes = rouge.resize((largeur, 1), Image.Resampling.BOX).tobytes()
    if max(lignes) >= 0.4 * 255:
        ys = [y for y, v in enumerate(lignes) if v >= 0.4 * 255]
        return "upright" if sum(ys) / len(ys) < hauteur / 2 else "upside down"
    if max(colonnes) >= 0.4 * 255:
        xs = [x for x, v in enumerate(colonnes) if v >= 0.4 * 255]
        return "sideways (top at left)" if sum(xs) / len(xs) < largeur / 2 else "sideways (top at right)"
    return "not found"


def inspecter(dossier_pdf: Path, plan: dict, fichiers: dict[int, str]) -> dict:
    """Sizes, pages, rotated photos, photo resolution of one side's pièces."""
    import pikepdf
    a4_long, a4_court = 841.89, 595.28
    pieces, photos_tournees, dpis = [], [], []
    for piece in plan["pieces"]:
        nom = fichiers.get(piece["numero"])
        chemin = dossier_pdf / nom if nom else None
        if chemin is None or not chemin.exists():
            pieces.append({"numero": piece["numero"], "octets": 0, "pages": 0, "manquante": True})
            continue
        with pikepdf.open(chemin) as pdf:
            pages = len(pdf.pages)
            tailles = [_taille_page(pdf, i) for i in range(pages)]
        attendues = len(piece["fichiers"]) if piece["que_des_photos"] else None
        pieces.append({"numero": piece["numero"], "fichier": nom, "octets": chemin.stat().st_size, "pages": pages})
        if not piece["que_des_photos"]:
            continue
        decalage = pages - attendues     # an index page first, if any
        if decalage < 0:
            pieces[-1]["pages_perdues"] = -decalage
            continue
        for photo in piece["photos"]:
            numero_page = decalage + photo["rang"] + 1
            images = _pdfimages(chemin, numero_page)
            if not images:
                continue
            image = max(images, key=lambda i: i["largeur"] * i["hauteur"])
            largeur, hauteur = tailles[numero_page - 1]
            agrandi = max(1.0, max(largeur, hauteur) / a4_long, min(largeur, hauteur) / a4_court)
            dpis.append({"ppi_page": image["ppi"], "dpi_a4": image["ppi"] * agrandi,
                         "page_pouces": [round(largeur / 72, 1), round(hauteur / 72, 1)]})
            if photo["orientation"] not in (None, 1):
                photos_tournees.append({
                    "fichier": photo["fichier"], "orientation": photo["orientation"], "piece": piece["numero"],
                    "page": numero_page, "affichee": photo["affichee"],
                    "image": [image["largeur"], image["hauteur"]],
                    "meme_forme": (image["largeur"] > image["hauteur"]) == (photo["affichee"][0] > photo["affichee"][1]),
                    "rendu": _bande_rouge(chemin, numero_page)})
    octets = [p["octets"] for p in pieces]
    from docassemble.rdvrefere.conversion import Limites
    plafond = Limites().taille_max_fichier
    return {"pieces": pieces, "total_octets": sum(octets), "max_octets": max(octets), "pages": sum(p["pages"] for p in pieces),
            "au_dela_plafond": sum(o > plafond for o in octets), "plafond_octets": plafond,
            "photos_tournees": photos_tournees,
            "droites": sum(p["rendu"] == "upright" for p in photos_tournees),
            "dpi_min_a4": min((d["dpi_a4"] for d in dpis), default=None),
            "ppi_min_page": min((d["ppi_page"] for d in dpis), default=None),
            "page_photo_max_pouces": max((d["page_pouces"] for d in dpis), default=None,
                                         key=lambda p: p[0] * p[1])}


# ============================================================== report
def _f(valeur, fmt="{:.1f}") -> str:
    return "—" if valeur is None else fmt.format(valeur)


def rapport(r: dict) -> str:
    nous, da, ph = r["rdvrefere"], r["docassemble"], r["photos"]
    ni, di = r.get("inspection_rdvrefere", {}), r.get("inspection_docassemble", {})
    lignes = [f"rdvrefere bench — {r['date']} — {r['machine']}",
              f"inputs: {r['entrees']['resume']}; {len(r['plan']['pieces'])} pièces; "
              f"dossier checks: OK ({len(r['plan']['avertissements'])} warning(s))",
              f"engine: {nous.get('engine', '?')}; docassemble.base {da.get('docassemble_base', '?')}, "
              f"ImageMagick {r['imagemagick']}", ""]
    largeurs = (40, 12, 13, 9, 22)

    def ligne(*cellules):
        return "  ".join(str(c).ljust(l) if i == 0 else str(c).rjust(l)
                         for i, (c, l) in enumerate(zip(cellules, largeurs))).rstrip()

    def verdict(valeur, limite, inferieur_ou_egal=True):
        if valeur is None:
            return "—"
        ok = valeur <= limite if inferieur_ou_egal else valeur < limite
        return "met" if ok else "NOT MET"

    def ratio(a, b):
        return a / b if a is not None and b else None

    lignes.append(ligne("", "rdvrefere", "docassemble", "ours/da", "goal"))
    lignes.append("-" * (sum(largeurs) + 8))
    for nom in ("rdvrefere", "docassemble"):
        if "crash" in r[nom]:
            lignes.append(f"!! {nom} child crashed ({r[nom]['crash']}):\n{r[nom]['stderr']}")
    if "crash" not in nous and "crash" not in da:
        rt = ratio(nous["wall_s"], da["wall_s"])
        rp = ratio(nous["pieces_s"], da["pieces_s"])
        lignes.append(ligne("wall time, whole build (s)", _f(nous["wall_s"]), _f(da["wall_s"]), _f(rt, "{:.2f}"),
                            f"≤ {GOAL_TIME:.2f}  {verdict(rt, GOAL_TIME)}"))
        lignes.append(ligne("wall time, the 12 pièces only (s)", _f(nous["pieces_s"]), _f(da["pieces_s"]),
                            _f(rp, "{:.2f}"), f"≤ {GOAL_TIME:.2f}  {verdict(rp, GOAL_TIME)}"))
        if nous.get("fils", 1) > 1:
            lignes.append(ligne(f"  pièces: sum over {nous['fils']} threads (s)", _f(nous.get("pieces_somme_s")), ""))
        lignes.append(ligne("  LibreOffice ran (s)", _f(nous["libreoffice_s"]), _f(da["libreoffice_s"])))
        lignes.append(ligne("imports before timing (s, not counted)", _f(nous["import_s"]), _f(da["import_s"])))
        lignes.append(ligne("peak RSS, Python process (MB)", _f(nous["rss_peak_mb"], "{:.0f}"),
                            _f(da["rss_peak_mb"], "{:.0f}"), _f(ratio(nous["rss_peak_mb"], da["rss_peak_mb"]), "{:.2f}")))
        lignes.append(ligne("  of which after imports (MB)", _f(nous["rss_base_mb"], "{:.0f}"), _f(da["rss_base_mb"], "{:.0f}")))
        lignes.append(ligne("peak RSS, largest subprocess (MB)", _f(nous["children_peak_mb"], "{:.0f}"),
                            _f(da["children_peak_mb"], "{:.0f}")))
        lignes.append(f"  largest subprocess: rdvrefere {nous['children_peak_cmd']}; docassemble {da['children_peak_cmd']}")
        lignes.append(ligne("peak RSS, whole process tree (MB)", _f(nous["tree_peak_mb"], "{:.0f}"),
                            _f(da["tree_peak_mb"], "{:.0f}"), _f(ratio(nous["tree_peak_mb"], da["tree_peak_mb"]), "{:.2f}"),
                            f"< {GOAL_MEMORY_MB}  {verdict(nous['tree_peak_mb'], GOAL_MEMORY_MB, False)}"))
    if ni and di:
        rs = ratio(ni["total_octets"], di["total_octets"])
        lignes.append(ligne("output: the 12 pièces (MB)", _f(ni["total_octets"] / MB), _f(di["total_octets"] / MB),
                            _f(rs, "{:.2f}"), f"≤ {GOAL_SIZE:.2f}  {verdict(rs, GOAL_SIZE)}"))
        if nous.get("fichiers"):
            autres = sum(f["octets"] for f in nous["fichiers"] if f["role"] != "piece")
            lignes.append(ligne("  + requête, inventaire, guide (MB)", _f(autres / MB), "—"))
        lignes.append(ligne("biggest pièce (MB)", _f(ni["max_octets"] / MB), _f(di["max_octets"] / MB),
                            _f(ratio(ni["max_octets"], di["max_octets"]), "{:.2f}")))
        lignes.append(ligne("pièces over 30 MiB (portal: 32 Mo)",
                            ni["au_dela_plafond"], di["au_dela_plafond"], "", "0"))
        lignes.append(ligne("pages in the pièces", ni["pages"], di["pages"]))
        n_tour = len(r["plan_photos_tournees"])
        lignes.append(ligne(f"EXIF-rotated photos upright (of {n_tour})", f"{ni['droites']}/{n_tour}",
                            f"{di['droites']}/{n_tour}", "", f"{n_tour}/{n_tour}"))
        for cote, insp in (("rdvrefere", ni), ("docassemble", di)):
            if insp["photos_tournees"]:
                p = insp["photos_tournees"][0]
                lignes.append(f"  {cote}: {Path(p['fichier']).name} (EXIF {p['orientation']}, shown "
                              f"{p['affichee'][0]}×{p['affichee'][1]}) → embedded {p['image'][0]}×{p['image'][1]}, "
                              f"rendered {p['rendu']}")
        lignes.append(ligne("min photo dpi, page printed on A4", _f(ni["dpi_min_a4"], "{:.0f}"),
                            _f(di["dpi_min_a4"], "{:.0f}"), "", f"≥ {LEGIBLE_DPI}  "
                            + ("met" if (ni["dpi_min_a4"] or 0) >= LEGIBLE_DPI else "NOT MET")))
        lignes.append(ligne("  nominal (ppi on the page as stored)", _f(ni["ppi_min_page"], "{:.0f}"),
                            _f(di["ppi_min_page"], "{:.0f}")))
        if di.get("page_photo_max_pouces"):
            lignes.append(f"  largest photo page: rdvrefere {ni['page_photo_max_pouces'][0]}×{ni['page_photo_max_pouces'][1]} in, "
                          f"docassemble {di['page_photo_max_pouces'][0]}×{di['page_photo_max_pouces'][1]} in")
    if ni and di and "crash" not in nous and "crash" not in da:
        lignes.append("")
        lignes.append("per pièce (files → MB, s)              rdvrefere            docassemble")
        taille_d = {p["numero"]: p["octets"] for p in di["pieces"]}
        for piece, p_n in zip(r["plan"]["pieces"], ni["pieces"]):
            n = piece["numero"]
            lignes.append(f"  {n:>2} {piece['nom'][3:33]:<30} {len(piece['fichiers']):>2} f.  "
                          f"{p_n['octets'] / MB:6.1f} MB {nous['temps_par_piece'].get(str(n), 0):5.1f} s   "
                          f"{taille_d.get(n, 0) / MB:6.1f} MB {da['temps_par_piece'].get(str(n), 0):5.1f} s")
    erreurs_da = [x for x in da.get("resultats", []) if x["erreur"]]
    perdues = [p for p in di.get("pieces", []) if p.get("pages_perdues") or p.get("manquante")]
    if erreurs_da or perdues:
        lignes.append("docassemble failures:")
        lignes += [f"  pièce {x['numero']}: {x['erreur']}" for x in erreurs_da]
        lignes += [f"  pièce {p['numero']}: " + ("missing" if p.get("manquante") else f"{p['pages_perdues']} page(s) lost")
                   for p in perdues]
    lignes.append("")
    lignes.append("second section: one pièce of the 30 photos, conversion.convertir_en_pdf (fresh process)")
    if "crash" in ph:
        lignes.append(f"!! crashed ({ph['crash']}):\n{ph['stderr']}")
    else:
        lignes.append(f"  {ph['photos']} photos → {ph['pages']} pages, {_f((ph['octets'] or 0) / MB)} MB, "
                      f"{ph['wall_s']:.1f} s, peak RSS {ph['rss_peak_mb']:.0f} MB "
                      f"(after imports {ph['rss_base_mb']:.0f} MB)" + (f"; REFUSED: {ph['erreur']}" if ph["erreur"] else ""))
    lignes.append(f"\n(input generation {r['generation_s']:.1f} s, whole bench {r['bench_s']:.0f} s)")
    return "\n".join(lignes)


# ============================================================== main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (inputs and outputs)")
    parser.add_argument("--enfant", choices=sorted(ENFANTS), help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sortie", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--resultat", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.enfant:
        plan = json.loads(args.plan.read_text())
        resultat = ENFANTS[args.enfant](plan, args.sortie)
        args.resultat.write_text(json.dumps(resultat, default=str))
        return 0

    debut_bench = time.perf_counter()
    travail = Path(tempfile.mkdtemp(prefix="rdvrefere-bench-"))
    try:
        entrees = travail / "entrees"
        t = time.perf_counter()
        _, faits = generer(entrees)
        generation = time.perf_counter() - t
        plan = plan_du_dossier(entrees, faits["photos"])
        plan_json = travail / "plan.json"
        plan_json.write_text(json.dumps(plan))
        octets_entrees = sum(f.stat().st_size for f in entrees.rglob("*") if f.is_file())
        photos = faits["photos"]
        resultats = {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{platform.node()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
            "imagemagick": subprocess.run([IMAGEMAGICK, "-version"], capture_output=True, text=True).stdout.split()[2]
            if Path(IMAGEMAGICK).exists() else None,
            "entrees": {"octets": octets_entrees, "resume": (
                f"30 photos 12 MP ({min(p['octets'] for p in photos) / MB:.1f}–{max(p['octets'] for p in photos) / MB:.1f} MB, "
                f"{sum(p['orientation'] not in (None, 1) for p in photos)} EXIF-rotated), 10 screenshots 1170×2532, "
                f"3 PDFs × 10 p., 1 DOCX = {octets_entrees / MB:.0f} MB")},
            "generation_s": generation, "plan": plan,
            "plan_photos_tournees": [p for p in photos if p["orientation"] not in (None, 1)],
        }
        env = dict(os.environ)
        sorties = {nom: travail / f"sortie-{nom}" for nom in ENFANTS}
        resultats["rdvrefere"] = lancer_enfant("rdvrefere", plan_json, sorties["rdvrefere"], travail, env)
        resultats["docassemble"] = lancer_enfant("docassemble", plan_json, sorties["docassemble"], travail,
                                                 environnement_docassemble(travail))
        resultats["photos"] = lancer_enfant("photos", plan_json, sorties["photos"], travail, env)

        if "crash" not in resultats["rdvrefere"]:
            noms = {f["numero"]: f["fichier"] for f in
                    [dict(f, numero=p["numero"]) for p in plan["pieces"] for f in resultats["rdvrefere"]["fichiers"]
                     if f["fichier"] == p["nom"]]}
            resultats["inspection_rdvrefere"] = inspecter(sorties["rdvrefere"], plan, noms)
        if "crash" not in resultats["docassemble"]:
            noms = {x["numero"]: x["fichier"] for x in resultats["docassemble"]["resultats"] if not x["erreur"]}
            resultats["inspection_docassemble"] = inspecter(sorties["docassemble"], plan, noms)
        resultats["bench_s"] = time.perf_counter() - debut_bench
        texte = rapport(resultats)
        print(texte)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(resultats, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
            print(f"JSON: {args.json}")
        crashes = [nom for nom in ENFANTS if "crash" in resultats[nom]]
    finally:
        if args.keep:
            print(f"kept: {travail}")
        else:
            shutil.rmtree(travail, ignore_errors=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
