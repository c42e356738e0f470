"""A dossier transmis laid out as files, for the core to check, number and build (issue 8).

The register keeps file contents in the database; the core reads files. `ouvrir_chantier`
writes the dossier's files under a folder named after the content's fingerprint, from a
content-addressed copy (sha256 → bytes) on this machine's temporary disk. Both are only caches
of what the database holds: immutable, rebuilt from it on any machine that lacks them, so
several web servers and workers need no shared disk. The folder is private to the server's user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .bundle import Manifeste, construire
from .conversion import Limites
from .dossier import Dossier, DossierIllisible, DossierInvalide, dossier_depuis_donnees
from .numerotation import Piece, numeroter
from .problemes import Probleme
from .registre import DossierTransmis, Registre
from .transmission import empreinte, libelles_par_source, materialiser
from .verification import verifier

__all__ = ["Chantier", "ouvrir_chantier", "racine_des_chantiers"]


def racine_des_chantiers() -> Path:
    racine = Path(os.environ.get("RDV_CHANTIERS") or Path(tempfile.gettempdir()) / f"rdvrefere-chantiers-{os.getuid()}")
    racine.mkdir(mode=0o700, parents=True, exist_ok=True)
    return racine


def _copie_locale(registre: Registre, sha: str) -> Path:
    """The content `sha` on this machine's disk (written atomically once)."""
    chemin = racine_des_chantiers() / "contenus" / sha[:2] / sha
    if not chemin.exists():
        chemin.parent.mkdir(parents=True, exist_ok=True)
        provisoire = chemin.with_name(f".{sha}.{os.getpid()}.tmp")
        provisoire.write_bytes(registre.contenu(sha))
        provisoire.replace(chemin)
    return chemin


@dataclass
class Chantier:
    """The effective dossier (client's version + staff corrections) with its files on disk."""

    transmis: DossierTransmis
    donnees: dict                 # the core's data, file paths relative to `racine`
    racine: Path
    sha_du_chemin: dict[str, str]  # absolute path → sha256

    def dossier(self) -> Dossier:
        """The core's Dossier; DossierInvalide lists what is wrong."""
        return dossier_depuis_donnees(self.donnees, racine=self.racine)

    def problemes(self, aujourd_hui: dt.date | None = None, limites: Limites | None = None) -> list[Probleme]:
        try:
            return verifier(self.dossier(), aujourd_hui=aujourd_hui, limites=limites)
        except DossierInvalide as exc:
            return exc.problemes
        except DossierIllisible as exc:
            return [Probleme("", str(exc))]

    def libelles(self) -> dict[str, str]:
        """Staff labels as `numeroter(libelles=…)` takes them."""
        try:
            calculees = numeroter(self.dossier())
        except (DossierInvalide, DossierIllisible):
            return {}
        return libelles_par_source(calculees, self.sha_du_chemin, self.transmis.corrections)

    def pieces(self) -> list[Piece]:
        """The pièces in filing order, with staff labels ([] while the dossier is invalid)."""
        try:
            return numeroter(self.dossier(), libelles=self.libelles())
        except (DossierInvalide, DossierIllisible):
            return []

    def sha_de(self, chemin: Path | str) -> str | None:
        return self.sha_du_chemin.get(str(Path(chemin).resolve()))

    def construire(self, sortie: Path, *, limites: Limites | None = None,
                   aujourd_hui: dt.date | None = None) -> Manifeste:
        """The bundle, by the core (bundle.construire): DossierInvalide / DossierNonDeposable."""
        return construire(self.dossier(), sortie, limites=limites, aujourd_hui=aujourd_hui, libelles=self.libelles())


def ouvrir_chantier(registre: Registre, transmis: DossierTransmis) -> Chantier:
    """Lay out the dossier's effective data as files (reused while the content is the same)."""
    donnees = transmis.donnees()
    racine = racine_des_chantiers() / "dossiers" / f"{transmis.id}-{empreinte(donnees)[:20]}"
    racine.mkdir(parents=True, exist_ok=True)

    def lire(sha: str, cible: Path) -> None:
        source = _copie_locale(registre, sha)
        with contextlib.suppress(FileExistsError):
            try:
                os.link(source, cible)
            except OSError:
                cible.write_bytes(source.read_bytes())

    avec_chemins, sha_du_chemin = materialiser(donnees, racine, lire)
    return Chantier(transmis=transmis, donnees=avec_chemins, racine=racine, sha_du_chemin=sha_du_chemin)
