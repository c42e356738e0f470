"""Word-processing files (docx, odt, rtf, doc) to PDF with LibreOffice headless.

Plain Python, no docassemble import. Used by ``conversion`` and ``requete``.

Each process uses its own LibreOffice profile (``-env:UserInstallation``), so concurrent
workers do not clash; calls inside one process are serialised by a lock, since one profile
cannot serve two running instances. Inputs are copied into a private folder first: LibreOffice
then never writes lock files next to the user's file, and odd file names do not matter.

A new profile costs LibreOffice a slower first start. The first profile this user's processes
complete is kept as a template under the cache folder (``$XDG_CACHE_HOME/rdvrefere`` or
``~/.cache/rdvrefere``, one per LibreOffice installation); a later process starts from a copy
of it. The template itself is never used by a running LibreOffice. Without a writable cache
folder, each process simply starts from a new profile, as before.

Several documents are converted in one LibreOffice run (one start-up): ``convertir_documents``
for the documents of a pièce, ``convertir_plusieurs`` when one failed document must not stop
the others.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ConversionEchouee", "convertir_documents", "convertir_plusieurs", "DELAI"]

DELAI = 120.0          # seconds for one LibreOffice run (all the documents of a pièce)
_VERROU = threading.Lock()
_FICHIERS_VERROU = shutil.ignore_patterns(".lock", "*.lock", ".~lock*")


class ConversionEchouee(Exception):
    """LibreOffice could not convert a document. ``index`` is its position in the batch
    (None when the whole run failed), ``raison`` a short French explanation."""

    def __init__(self, raison: str, index: int | None = None):
        super().__init__(raison)
        self.raison, self.index = raison, index


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profil() -> Path:
    profil = Path(tempfile.gettempdir()) / f"rdvrefere-libreoffice-{os.getuid()}-{os.getpid()}"
    if profil not in _PROFILS:
        _PROFILS.add(profil)
        atexit.register(shutil.rmtree, profil, True)   # one profile per process, gone with it
    return profil


_PROFILS: set[Path] = set()


def _modele(programme: str) -> Path | None:
    """Where this user's profile template for this LibreOffice installation lives (or would)."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        reel = Path(programme).resolve()
        installation = f"{reel}:{reel.stat().st_mtime_ns}"
    except (OSError, RuntimeError):
        return None
    return base / "rdvrefere" / f"libreoffice-profile-{hashlib.sha256(installation.encode()).hexdigest()[:12]}"


def _preparer_profil(programme: str) -> None:
    """Before a run (lock held): start this process's profile from the template, if any."""
    profil = _profil()
    if profil.exists():
        return
    modele = _modele(programme)
    if modele is None or not (modele / ".complet").is_file():
        return
    try:
        shutil.copytree(modele, profil, ignore=_FICHIERS_VERROU, symlinks=True)
    except OSError:
        shutil.rmtree(profil, ignore_errors=True)      # LibreOffice makes a new one


def _garder_modele(programme: str) -> None:
    """After a successful run (lock held): keep this process's profile as the template, once.
    Written beside its place and renamed into it: readers never see half a template."""
    modele = _modele(programme)
    profil = _profil()
    if modele is None or modele.exists() or not (profil / "user").is_dir():
        return
    provisoire = None
    try:
        modele.parent.mkdir(parents=True, exist_ok=True)
        provisoire = Path(tempfile.mkdtemp(prefix=".profil-", dir=modele.parent))
        shutil.copytree(profil, provisoire, ignore=_FICHIERS_VERROU, symlinks=True, dirs_exist_ok=True)
        (provisoire / ".complet").touch()
        os.rename(provisoire, modele)        # fails if another process was first: keep theirs
        provisoire = None
    except OSError:
        pass
    finally:
        if provisoire is not None:
            shutil.rmtree(provisoire, ignore_errors=True)


def convertir_plusieurs(sources: Sequence[tuple[Path, str]], dossier: Path, *,
                        delai: float = DELAI) -> list[Path | None]:
    """Convert ``(path, genre)`` pairs in one LibreOffice run; returns, in order, each PDF
    (inside ``dossier``, a private working folder), or None for a document LibreOffice could
    not convert. Raises ``ConversionEchouee`` (index None) only when the run itself failed
    (no LibreOffice, time-out). Sources are only read."""
    if not sources:
        return []
    programme = _soffice()
    if programme is None:
        raise ConversionEchouee("la conversion des documents texte n'est pas disponible sur ce serveur")
    copies = []
    for i, (source, genre) in enumerate(sources):
        copie = dossier / f"document-{i:03d}.{genre}"
        shutil.copyfile(source, copie)
        copies.append(copie)
    sortie = dossier / "pdf"
    sortie.mkdir(exist_ok=True)
    commande = [programme, f"-env:UserInstallation={_profil().as_uri()}", "--headless", "--invisible",
                "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(sortie), *map(str, copies)]
    with _VERROU:
        _preparer_profil(programme)
        proc = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=dossier)
        try:
            proc.communicate(timeout=delai)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)      # soffice forks soffice.bin: kill the group
            proc.communicate()
            shutil.rmtree(_profil(), ignore_errors=True)   # may be half-written
            raise ConversionEchouee(f"la conversion a dépassé {int(delai)} secondes") from None
        resultats = []
        for copie in copies:
            pdf = sortie / (copie.stem + ".pdf")
            resultats.append(pdf if pdf.exists() and pdf.stat().st_size > 0 else None)
        if proc.returncode == 0 and all(resultats):
            _garder_modele(programme)
    return resultats


def convertir_documents(sources: Sequence[tuple[Path, str]], dossier: Path, *,
                        delai: float = DELAI) -> list[Path]:
    """Convert ``(path, genre)`` pairs in one LibreOffice run; returns the PDFs, in order,
    inside ``dossier`` (a private working folder). Sources are only read. Raises
    ``ConversionEchouee`` with the index of the first document not converted."""
    resultats = convertir_plusieurs(sources, dossier, delai=delai)
    for i, pdf in enumerate(resultats):
        if pdf is None:
            raise ConversionEchouee("le traitement de texte n'a pas su le lire (fichier endommagé "
                                    "ou d'un format inattendu)", index=i)
    return resultats
