"""CPU seconds used so far by the local server's processes (scripts/server.sh's pid files): each
tree's root and its live children, user + system, with the children they have reaped (Tesseract,
LibreOffice...). Read from /proc before and after a run, the difference is that run's CPU."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["cpu_du_serveur"]


def _cpu_de(pid: int) -> float:
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(c) for c in champs[11:15]) / os.sysconf("SC_CLK_TCK")   # utime stime cutime cstime


def cpu_du_serveur(dossier_pids: Path) -> dict[str, float]:
    """{"web": s, "celery": s} for the trees whose pid file exists (gunicorn.pid, celery.pid)."""
    cpu = {}
    for nom, fichier in (("web", "gunicorn.pid"), ("celery", "celery.pid")):
        try:
            racine = int((dossier_pids / fichier).read_text())
        except (OSError, ValueError):
            continue
        enfants = subprocess.run(["pgrep", "-P", str(racine)], capture_output=True, text=True).stdout.split()
        cpu[nom] = sum(_cpu_de(pid) for pid in [racine, *map(int, enfants)])
    return cpu
