"""Word-processing files (docx, odt, rtf, doc) to PDF with LibreOffice headless.

Plain Python, no docassemble import. Used by ``conversion``.

Each process uses its own LibreOffice profile (``-env:UserInstallation``), so concurrent
workers do not clash; calls inside one process are serialised by a lock, since one profile
cannot serve two running instances. Inputs are copied into a private folder first: LibreOffice
then never writes lock files next to the user's file, and odd file names do not matter.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ConversionEchouee", "convertir_documents", "DELAI"]

DELAI = 120.0          # seconds for one LibreOffice run (all the documents of a pièce)
_VERROU = threading.Lock()


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


def convertir_documents(sources: Sequence[tuple[Path, str]], dossier: Path, *,
                        delai: float = DELAI) -> list[Path]:
    """Convert ``(path, genre)`` pairs in one LibreOffice run; returns the PDFs, in order,
    inside ``dossier`` (a private working folder). Sources are only read."""
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
    for i, copie in enumerate(copies):
        pdf = sortie / (copie.stem + ".pdf")
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise ConversionEchouee("le traitement de texte n'a pas su le lire (fichier endommagé "
                                    "ou d'un format inattendu)", index=i)
        resultats.append(pdf)
    return resultats
