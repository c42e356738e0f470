"""The register of dossiers transmis (issue 8): the package's own tables in the server's
PostgreSQL, never a client's session. Plain Python over SQLAlchemy (no docassemble import): the
interviews pass it docassemble's database URL (`registre_serveur.py`), the tests any database.

Tables (created when missing):
- `rdvrefere_dossier`  one row per dossier transmis: its owner (docassemble user id and the
  client's session), `version` (raised by every write), the staff-owned state (status, case
  number, corrections, the bundle built by staff, the approval);
- `rdvrefere_envoi`    every version the client sent, in the core's schema with file references;
- `rdvrefere_contenu`  file contents by sha256 (written once, shared by every version);
- `rdvrefere_journal`  who did what and when, client and staff;
- `rdvrefere_ordonnance` every version of the ordonnance and its follow-up sent after the filing
  (issue 12: ordonnance.py's schema with file references), beside the référé's versions: by the
  client, or entered by staff (`auteur`: the staff member, as in the journal; NULL: the client).

Every staff write is atomic and carries the version the staff member was shown: a write whose
version is no longer the row's is refused (`DossierModifie`), never applied over another change.
The client's new versions never touch staff state; they withdraw an approval, in the journal.
Nothing is kept in a process or on a local disk: several web servers and Celery workers can
share one database.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (Column, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint, and_, create_engine, insert, inspect, select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from .personnel import (APPROUVE, DEPOSE, EXECUTEE, EXECUTION_DEMANDEE, ORDONNANCE_RECUE, PRET_A_RELIRE, REJETEE,
                        ActionRefusee, entree_du_journal, est_depose, normaliser_numero_affaire,
                        statut_apres_modification, transition)
from .transmission import CORRECTIONS_VIDES, appliquer, empreinte, references

__all__ = ["Registre", "DossierTransmis", "Envoi", "DossierModifie", "CLIENT", "references_partout"]

CLIENT = "le client"  # the journal's « qui » for the client's own acts

_meta = MetaData()
_dossiers = Table(
    "rdvrefere_dossier", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proprietaire", Integer, nullable=False, index=True),   # docassemble user id
    Column("session", String(100), nullable=False),               # the client's session key
    Column("version", Integer, nullable=False),
    Column("statut", String(40), nullable=False),
    Column("numero_affaire", String(20)),
    Column("corrections", Text, nullable=False),
    Column("depot", Text),          # JSON: empreinte, manifeste, fichiers {nom: sha256}, zip, construit_le…
    Column("approbation", Text),    # JSON: version, empreinte, zip (sha256), quand, qui
    Column("cree_le", DateTime, nullable=False),
    Column("modifie_le", DateTime, nullable=False),
    # one dossier per client session, even when two first transmissions race (a double click)
    UniqueConstraint("proprietaire", "session", name="rdvrefere_dossier_session_unique"),
)
_envois = Table(
    "rdvrefere_envoi", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dossier_id", Integer, ForeignKey("rdvrefere_dossier.id"), nullable=False, index=True),
    Column("numero", Integer, nullable=False),
    Column("donnees", Text, nullable=False),
    Column("empreinte", String(64), nullable=False),
    Column("recu_le", DateTime, nullable=False),
)
_contenus = Table(
    "rdvrefere_contenu", _meta,
    Column("sha256", String(64), primary_key=True),
    Column("taille", Integer, nullable=False),
    Column("octets", LargeBinary, nullable=False),
)
_journal = Table(
    "rdvrefere_journal", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dossier_id", Integer, ForeignKey("rdvrefere_dossier.id"), nullable=False, index=True),
    Column("quand", String(32), nullable=False),
    Column("qui", Text, nullable=False),
    Column("quoi", Text, nullable=False),
    Column("code", String(40)),
)

# The ordonnance and its follow-up as the client sent them (issue 12), one row per version. The
# status stays staff's (`changer_statut`): a client's version is only read and journaled.
_ordonnances = Table(
    "rdvrefere_ordonnance", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dossier_id", Integer, ForeignKey("rdvrefere_dossier.id"), nullable=False, index=True),
    Column("numero", Integer, nullable=False),
    Column("donnees", Text, nullable=False),
    Column("empreinte", String(64), nullable=False),
    Column("recu_le", DateTime, nullable=False),
    # who entered this version: NULL for the client, the staff member (auteur(), as in the journal)
    # when staff entered the ordonnance themselves (`saisir_ordonnance`)
    Column("auteur", Text),
    UniqueConstraint("dossier_id", "numero", name="rdvrefere_ordonnance_numero_unique"),
)


class DossierModifie(ActionRefusee):
    """A staff write based on a version that is no longer the dossier's."""

    def __init__(self):
        super().__init__("Le dossier a changé depuis que vous l'avez ouvert (une nouvelle version du client ou "
                         "l'action d'un autre membre de l'équipe) : rien n'a été modifié. Rechargez le dossier, "
                         "vérifiez les changements, puis recommencez.")


@dataclass(frozen=True)
class Envoi:
    """One version sent by the client (for the ordonnance: or entered by staff, see `auteur`)."""

    numero: int
    donnees: dict
    empreinte: str
    recu_le: dt.datetime
    auteur: str = CLIENT

    @property
    def par_l_equipe(self) -> bool:
        """Entered by a staff member (staff.yml « Saisir l'ordonnance »), not sent by the client."""
        return self.auteur != CLIENT


@dataclass
class DossierTransmis:
    """A dossier as staff and the client read it."""

    id: int
    proprietaire: int
    session: str
    version: int
    statut: str
    numero_affaire: str | None
    corrections: dict
    depot: dict | None
    approbation: dict | None
    cree_le: dt.datetime
    modifie_le: dt.datetime
    envois: list[Envoi] = field(default_factory=list)
    journal: list[dict] = field(default_factory=list)
    ordonnances: list[Envoi] = field(default_factory=list)   # the versions of the ordonnance (issue 12)

    @property
    def ordonnance(self) -> Envoi | None:
        """The latest version of the ordonnance and its follow-up (the client's or staff's), if any:
        the latest wins."""
        return self.ordonnances[-1] if self.ordonnances else None

    @property
    def envoi(self) -> Envoi:
        """The client's latest version."""
        return self.envois[-1]

    def donnees(self) -> dict:
        """The core's data (with file references): the latest version with staff corrections."""
        return appliquer(self.envoi.donnees, self.corrections)

    @property
    def empreinte_du_contenu(self) -> str:
        """What the bundle is built from: the client's version and staff corrections."""
        return empreinte({"envoi": self.envoi.empreinte, "corrections": self.corrections})

    @property
    def depot_a_jour(self) -> bool:
        return bool(self.depot) and self.depot.get("empreinte") == self.empreinte_du_contenu

    def shas(self) -> set[str]:
        """Every file content this dossier holds (all versions, staff additions, the bundles)."""
        trouves = {f["sha256"] for e in self.envois for f in references(e.donnees)}
        trouves |= {f["sha256"] for e in self.ordonnances for f in references_partout(e.donnees)}
        trouves |= {f["sha256"] for p in self.corrections.get("ajoutees") or [] for f in p.get("fichiers") or []}
        for depot in (self.depot, *(self.depot or {}).get("precedents", [])):
            if depot:
                trouves |= set((depot.get("fichiers") or {}).values())
                if depot.get("zip"):
                    trouves.add(depot["zip"])
        return trouves


def references_partout(donnees: object) -> list[dict]:
    """Every file reference {nom, sha256} under any « fichiers » of the data (the ordonnance's
    schema: ordonnance, suivi.courrier_prefet, suivi.constats[…], pieces[…])."""
    if isinstance(donnees, dict):
        trouves = []
        for cle, valeur in donnees.items():
            if cle == "fichiers" and isinstance(valeur, list):
                trouves += [f for f in valeur if isinstance(f, dict) and isinstance(f.get("sha256"), str)]
            else:
                trouves += references_partout(valeur)
        return trouves
    if isinstance(donnees, list):
        return [f for valeur in donnees for f in references_partout(valeur)]
    return []


def _maintenant() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def sha256_de(octets: bytes) -> str:
    return hashlib.sha256(octets).hexdigest()


class Registre:
    """The register over one database (an SQLAlchemy Engine or URL)."""

    def __init__(self, base: Engine | str):
        self.engine = create_engine(base, pool_pre_ping=True) if isinstance(base, str) else base
        _meta.create_all(self.engine)
        self._migrer()

    def _migrer(self) -> None:
        """Columns added after a table was created (create_all never alters a table): the
        ordonnance's `auteur`. Two processes may race: the loser finds the column there."""
        def colonnes() -> set[str]:
            return {c["name"] for c in inspect(self.engine).get_columns(_ordonnances.name)}
        if "auteur" in colonnes():
            return
        try:
            with self.engine.begin() as cx:
                cx.execute(text(f"ALTER TABLE {_ordonnances.name} ADD COLUMN auteur TEXT"))
        except DBAPIError:
            if "auteur" not in colonnes():
                raise

    # --- contents --------------------------------------------------------------------------

    def ajouter_contenu(self, octets: bytes) -> str:
        """Keep a file's bytes (once per content); return its sha256."""
        sha = sha256_de(octets)
        with self.engine.begin() as cx:
            if cx.execute(select(_contenus.c.sha256).where(_contenus.c.sha256 == sha)).first():
                return sha
        try:
            with self.engine.begin() as cx:
                cx.execute(insert(_contenus).values(sha256=sha, taille=len(octets), octets=octets))
        except IntegrityError:  # the same content, written meanwhile by another request
            pass
        return sha

    def ajouter_fichier(self, chemin: Path | str) -> str:
        return self.ajouter_contenu(Path(chemin).read_bytes())

    def contenu(self, sha: str) -> bytes:
        with self.engine.connect() as cx:
            ligne = cx.execute(select(_contenus.c.octets).where(_contenus.c.sha256 == sha)).first()
        if ligne is None:
            raise KeyError(sha)
        return bytes(ligne[0])

    def ecrire_contenu(self, sha: str, destination: Path) -> None:
        """Write a content to a file (transmission.materialiser's `lire`)."""
        Path(destination).write_bytes(self.contenu(sha))

    # --- reading ---------------------------------------------------------------------------

    def _depuis_ligne(self, cx, ligne, *, complet: bool = True) -> DossierTransmis:
        envois_q = select(_envois).where(_envois.c.dossier_id == ligne.id).order_by(_envois.c.numero)
        if not complet:
            envois_q = envois_q.order_by(None).order_by(_envois.c.numero.desc()).limit(1)
        envois = [Envoi(e.numero, json.loads(e.donnees), e.empreinte, e.recu_le) for e in cx.execute(envois_q)]
        envois.sort(key=lambda e: e.numero)
        journal = [{"quand": j.quand, "qui": j.qui, "quoi": j.quoi, **({"code": j.code} if j.code else {})}
                   for j in cx.execute(select(_journal).where(_journal.c.dossier_id == ligne.id).order_by(_journal.c.id))]
        ordonnances_q = select(_ordonnances).where(_ordonnances.c.dossier_id == ligne.id).order_by(_ordonnances.c.numero)
        if not complet:
            ordonnances_q = ordonnances_q.order_by(None).order_by(_ordonnances.c.numero.desc()).limit(1)
        ordonnances = sorted((Envoi(o.numero, json.loads(o.donnees), o.empreinte, o.recu_le, o.auteur or CLIENT)
                              for o in cx.execute(ordonnances_q)), key=lambda e: e.numero)
        return DossierTransmis(
            id=ligne.id, proprietaire=ligne.proprietaire, session=ligne.session, version=ligne.version,
            statut=ligne.statut, numero_affaire=ligne.numero_affaire,
            corrections={**copy.deepcopy(CORRECTIONS_VIDES), **json.loads(ligne.corrections)},
            depot=json.loads(ligne.depot) if ligne.depot else None,
            approbation=json.loads(ligne.approbation) if ligne.approbation else None,
            cree_le=ligne.cree_le, modifie_le=ligne.modifie_le, envois=envois, journal=journal,
            ordonnances=ordonnances)

    def lire(self, identifiant: int) -> DossierTransmis | None:
        with self.engine.connect() as cx:
            ligne = cx.execute(select(_dossiers).where(_dossiers.c.id == int(identifiant))).first()
            return self._depuis_ligne(cx, ligne) if ligne else None

    def du_client(self, proprietaire: int, session: str) -> DossierTransmis | None:
        """The dossier a client's session transmitted, if any."""
        with self.engine.connect() as cx:
            ligne = cx.execute(select(_dossiers).where(and_(_dossiers.c.proprietaire == int(proprietaire),
                                                            _dossiers.c.session == str(session)))).first()
            return self._depuis_ligne(cx, ligne) if ligne else None

    def dernier_du_proprietaire(self, proprietaire: int) -> DossierTransmis | None:
        """The user's most recently modified dossier, whichever session sent it (None if the user
        never transmitted one): what a new session offers to resume, e.g. after a password reset
        left the old, encrypted session unreadable."""
        with self.engine.connect() as cx:
            ligne = cx.execute(select(_dossiers).where(_dossiers.c.proprietaire == int(proprietaire))
                               .order_by(_dossiers.c.modifie_le.desc(), _dossiers.c.id.desc()).limit(1)).first()
            return self._depuis_ligne(cx, ligne) if ligne else None

    def tous(self) -> list[DossierTransmis]:
        """Every dossier, with its latest version only (the staff's list)."""
        with self.engine.connect() as cx:
            return [self._depuis_ligne(cx, ligne, complet=False)
                    for ligne in cx.execute(select(_dossiers).order_by(_dossiers.c.modifie_le.desc()))]

    # --- writing ---------------------------------------------------------------------------

    def _journaliser(self, cx, identifiant: int, qui: str, quoi: str, code: str | None) -> None:
        entree = entree_du_journal(qui, quoi, code=code)
        cx.execute(insert(_journal).values(dossier_id=identifiant, quand=entree["quand"], qui=entree["qui"],
                                           quoi=entree["quoi"], code=entree.get("code")))

    def transmettre(self, proprietaire: int, session: str, donnees: dict) -> tuple[DossierTransmis, bool]:
        """Record the client's version (file contents already added). Returns the dossier and
        whether this was a new version (an identical one is not recorded twice). A new version
        withdraws an approval; staff corrections stay."""
        try:
            return self._transmettre(proprietaire, session, donnees)
        except IntegrityError:  # the session's first version, recorded meanwhile by another request
            return self._transmettre(proprietaire, session, donnees)

    def _transmettre(self, proprietaire: int, session: str, donnees: dict) -> tuple[DossierTransmis, bool]:
        nouvelle = empreinte(donnees)
        maintenant = _maintenant()
        with self.engine.begin() as cx:
            ligne = cx.execute(select(_dossiers).where(and_(_dossiers.c.proprietaire == int(proprietaire),
                                                            _dossiers.c.session == str(session)))
                               .with_for_update()).first()
            if ligne is None:
                identifiant = cx.execute(insert(_dossiers).values(
                    proprietaire=int(proprietaire), session=str(session), version=1, statut=PRET_A_RELIRE,
                    corrections=json.dumps(CORRECTIONS_VIDES), cree_le=maintenant, modifie_le=maintenant)
                ).inserted_primary_key[0]
                numero = 1
                self._journaliser(cx, identifiant, CLIENT, "Dossier transmis par le client (version 1)", "envoi")
            else:
                identifiant = ligne.id
                dernier = cx.execute(select(_envois.c.numero, _envois.c.empreinte)
                                     .where(_envois.c.dossier_id == identifiant)
                                     .order_by(_envois.c.numero.desc()).limit(1)).first()
                if dernier is not None and dernier.empreinte == nouvelle:
                    return self._depuis_ligne(cx, ligne), False
                numero = (dernier.numero if dernier else 0) + 1
                quoi = f"Nouvelle version transmise par le client (version {numero})"
                valeurs = {"version": ligne.version + 1, "modifie_le": maintenant}
                if ligne.statut == APPROUVE:
                    valeurs.update(statut=PRET_A_RELIRE, approbation=None)
                    quoi += " : approbation retirée"
                elif est_depose(ligne.statut):
                    quoi += " après le dépôt au tribunal : à examiner (le dossier déposé ne change pas de statut)"
                cx.execute(update(_dossiers).where(_dossiers.c.id == identifiant).values(**valeurs))
                self._journaliser(cx, identifiant, CLIENT, quoi, "envoi")
            cx.execute(insert(_envois).values(dossier_id=identifiant, numero=numero,
                                              donnees=json.dumps(donnees, ensure_ascii=False),
                                              empreinte=nouvelle, recu_le=maintenant))
        return self.lire(identifiant), True

    def _ecrire(self, identifiant: int, version_vue: int | None, qui: str, quoi: str, code: str,
                changement: Callable[[DossierTransmis, dict], str | None], *, contenu: bool) -> DossierTransmis:
        """One atomic staff write: read the row (locked), refuse a stale version, let `changement`
        compute the new column values from the dossier (it may raise ActionRefusee or return
        extra words for the journal), withdraw an approval when the content changes, write."""
        maintenant = _maintenant()
        with self.engine.begin() as cx:
            ligne = cx.execute(select(_dossiers).where(_dossiers.c.id == int(identifiant)).with_for_update()).first()
            if ligne is None:
                raise ActionRefusee("Dossier introuvable.")
            if version_vue is not None and int(version_vue) != ligne.version:
                raise DossierModifie()
            dossier = self._depuis_ligne(cx, ligne)
            valeurs: dict = {}
            if contenu:
                statut = statut_apres_modification(dossier.statut)  # a filed dossier is frozen
                if statut != dossier.statut:
                    valeurs.update(statut=statut, approbation=None)
                    quoi += " (approbation retirée : le dossier a changé)"
            suite = changement(dossier, valeurs)
            if suite:
                quoi += suite
            valeurs.update(version=ligne.version + 1, modifie_le=maintenant)
            resultat = cx.execute(update(_dossiers).where(and_(_dossiers.c.id == ligne.id,
                                                                _dossiers.c.version == ligne.version))
                                  .values(**{k: (json.dumps(v, ensure_ascii=False) if k in ("corrections", "depot",
                                                                                            "approbation") and v is not None
                                                 else v) for k, v in valeurs.items()}))
            if resultat.rowcount != 1:
                raise DossierModifie()
            self._journaliser(cx, ligne.id, qui, quoi, code)
        return self.lire(identifiant)

    def corriger(self, identifiant: int, version_vue: int, qui: str, quoi: str, code: str,
                 modification: Callable[[dict, DossierTransmis], None]) -> DossierTransmis:
        """A staff correction: `modification(corrections, dossier)` changes a copy of the
        corrections (or raises ActionRefusee)."""
        def changement(dossier: DossierTransmis, valeurs: dict) -> None:
            corrections = copy.deepcopy(dossier.corrections)
            modification(corrections, dossier)
            valeurs["corrections"] = corrections
        return self._ecrire(identifiant, version_vue, qui, quoi, code, changement, contenu=True)

    def enregistrer_depot(self, identifiant: int, version_vue: int | None, qui: str, quoi: str, code: str,
                          depot: dict) -> DossierTransmis:
        """Keep a bundle built by staff (`depot`: empreinte it was built from, manifeste,
        fichiers {name: sha256}, zip sha256). A bundle built from content that changed meanwhile
        is kept but stays out of date (the approval needs an up-to-date one). An approval on
        another bundle is withdrawn."""
        def changement(dossier: DossierTransmis, valeurs: dict) -> str | None:
            if est_depose(dossier.statut):
                raise ActionRefusee("Le dossier a été déposé au tribunal : il ne peut plus être régénéré.")
            precedents = ([{k: v for k, v in dossier.depot.items() if k != "precedents"}]
                          + dossier.depot.get("precedents", [])[:4]) if dossier.depot else []
            valeurs["depot"] = {**depot, "precedents": precedents}
            suite = None
            if dossier.statut == APPROUVE:
                valeurs.update(statut=PRET_A_RELIRE, approbation=None)
                suite = " (approbation retirée)"
            if depot.get("empreinte") != dossier.empreinte_du_contenu:
                suite = (suite or "") + " ; le dossier a changé pendant la construction : régénérez-le de nouveau"
            return suite
        return self._ecrire(identifiant, version_vue, qui, quoi, code, changement, contenu=False)

    def changer_statut(self, identifiant: int, version_vue: int, qui: str, nouveau: str, *,
                       erreurs_bloquantes: int = 0, numero_affaire: str | None = None) -> DossierTransmis:
        """Approve (bound to the version shown and to the bundle's sha256), withdraw the approval,
        or mark as filed with the court's case number (rules: personnel.transition)."""
        quoi = {APPROUVE: "Dossier approuvé", PRET_A_RELIRE: "Approbation retirée",
                ORDONNANCE_RECUE: "Ordonnance reçue", EXECUTION_DEMANDEE: "Exécution demandée au tribunal",
                EXECUTEE: "Ordonnance exécutée (rendez-vous donné)", REJETEE: "Demande rejetée par le juge"}.get(nouveau, "")
        code = {APPROUVE: "approuve", PRET_A_RELIRE: "desapprouve", DEPOSE: "depose", ORDONNANCE_RECUE: "ordonnance",
                EXECUTION_DEMANDEE: "execution_demandee", EXECUTEE: "executee", REJETEE: "rejetee"}.get(nouveau, "statut")
        if nouveau == DEPOSE:
            quoi = f"Requête déposée au tribunal, numéro d'affaire {normaliser_numero_affaire(numero_affaire)}"

        def changement(dossier: DossierTransmis, valeurs: dict) -> str | None:
            statut = transition(dossier.statut, nouveau, erreurs_bloquantes=erreurs_bloquantes,
                                depot_a_jour=dossier.depot_a_jour, numero_affaire=numero_affaire)
            valeurs["statut"] = statut
            if statut == APPROUVE:
                valeurs["approbation"] = {"version": dossier.version + 1, "empreinte": dossier.empreinte_du_contenu,
                                          "zip": dossier.depot["zip"], "envoi": dossier.envoi.numero,
                                          "quand": _maintenant().isoformat(), "qui": qui}
                return f" (version {dossier.envoi.numero} du client, archive {dossier.depot['zip'][:12]}…)"
            if statut == PRET_A_RELIRE:
                valeurs["approbation"] = None
            if statut == DEPOSE:
                valeurs["numero_affaire"] = normaliser_numero_affaire(numero_affaire)
            return None
        return self._ecrire(identifiant, version_vue, qui, quoi, code, changement, contenu=False)

    # --- after the filing: the ordonnance sent by the client (issue 12) -------------------------

    def derniere_ordonnance(self, proprietaire: int, session: str) -> Envoi | None:
        """The latest version of the ordonnance (client's or staff's) of the client's dossier
        (found by owner AND référé session, as `transmettre_ordonnance`); None when there is none."""
        with self.engine.connect() as cx:
            o = cx.execute(select(_ordonnances).join(_dossiers, _dossiers.c.id == _ordonnances.c.dossier_id)
                           .where(and_(_dossiers.c.proprietaire == int(proprietaire), _dossiers.c.session == str(session)))
                           .order_by(_ordonnances.c.numero.desc()).limit(1)).first()
        return Envoi(o.numero, json.loads(o.donnees), o.empreinte, o.recu_le, o.auteur or CLIENT) if o else None

    def transmettre_ordonnance(self, proprietaire: int, session: str, donnees: dict,
                               connue: int | None = None) -> tuple[DossierTransmis, bool]:
        """Record the client's version of the ordonnance and its follow-up (file contents already
        added) on the dossier that the client's référé session `session` transmitted: the dossier
        is found by its owner AND that session, so a client reaches only a dossier of their own
        (ActionRefusee otherwise). An identical version is not recorded twice. Nothing of staff's
        changes (status, approval, corrections): the journal says a version arrived.

        The latest version wins, but a client never silently overwrites what staff entered:
        `connue` is the latest version the client's session knows (sent, or taken from the
        register). When the latest version is staff's and newer than that, the client's answers
        on the ordonnance itself (`ordonnance`) give way to staff's; the client's follow-up
        (`suivi`: appointment, letter, proofs) is kept."""
        donnees = dict(donnees)
        with self.engine.begin() as cx:
            ligne = cx.execute(select(_dossiers).where(and_(_dossiers.c.proprietaire == int(proprietaire),
                                                            _dossiers.c.session == str(session)))
                               .with_for_update()).first()
            if ligne is None:
                raise ActionRefusee("Aucun dossier transmis à l'équipe ne correspond à ce compte.")
            dernier = cx.execute(select(_ordonnances.c.numero, _ordonnances.c.empreinte, _ordonnances.c.auteur,
                                        _ordonnances.c.donnees)
                                 .where(_ordonnances.c.dossier_id == ligne.id)
                                 .order_by(_ordonnances.c.numero.desc()).limit(1)).first()
            garde = ""
            if dernier is not None and dernier.auteur and dernier.numero > int(connue or 0):
                de_l_equipe = json.loads(dernier.donnees).get("ordonnance")
                if de_l_equipe != donnees.get("ordonnance"):
                    donnees["ordonnance"] = de_l_equipe
                    garde = f" ; l'ordonnance saisie par l'équipe (version {dernier.numero}) est gardée"
            nouvelle = empreinte(donnees)
            if dernier is not None and dernier.empreinte == nouvelle:
                return self._depuis_ligne(cx, ligne), False
            numero = (dernier.numero if dernier else 0) + 1
            cx.execute(insert(_ordonnances).values(dossier_id=ligne.id, numero=numero,
                                                   donnees=json.dumps(donnees, ensure_ascii=False),
                                                   empreinte=nouvelle, recu_le=_maintenant()))
            cx.execute(update(_dossiers).where(_dossiers.c.id == ligne.id)
                       .values(version=ligne.version + 1, modifie_le=_maintenant()))
            self._journaliser(cx, ligne.id, CLIENT,
                              f"Ordonnance et suivi transmis par le client (version {numero}){garde}",
                              "ordonnance_client")
        return self.lire(ligne.id), True

    def saisir_ordonnance(self, identifiant: int, version_vue: int, qui: str, donnees: dict) -> DossierTransmis:
        """A version of the ordonnance entered by a staff member `qui` (file contents already
        added; the data already checked by the core): on a filed dossier only, with the version
        the staff member was shown (DossierModifie otherwise), recorded with its author and
        journaled under that author. The status stays as it is (the « Marquer : … » buttons)."""
        maintenant = _maintenant()
        with self.engine.begin() as cx:
            ligne = cx.execute(select(_dossiers).where(_dossiers.c.id == int(identifiant)).with_for_update()).first()
            if ligne is None:
                raise ActionRefusee("Dossier introuvable.")
            if int(version_vue) != ligne.version:
                raise DossierModifie()
            if not est_depose(ligne.statut):
                raise ActionRefusee("Seul un dossier déposé au tribunal peut recevoir son ordonnance.")
            nouvelle = empreinte(donnees)
            dernier = cx.execute(select(_ordonnances.c.numero, _ordonnances.c.empreinte)
                                 .where(_ordonnances.c.dossier_id == ligne.id)
                                 .order_by(_ordonnances.c.numero.desc()).limit(1)).first()
            if dernier is not None and dernier.empreinte == nouvelle:
                raise ActionRefusee("Ces réponses sont déjà celles de la dernière version : rien n'a été enregistré.")
            numero = (dernier.numero if dernier else 0) + 1
            cx.execute(insert(_ordonnances).values(dossier_id=ligne.id, numero=numero,
                                                   donnees=json.dumps(donnees, ensure_ascii=False),
                                                   empreinte=nouvelle, recu_le=maintenant, auteur=str(qui)))
            resultat = cx.execute(update(_dossiers).where(and_(_dossiers.c.id == ligne.id,
                                                                _dossiers.c.version == ligne.version))
                                  .values(version=ligne.version + 1, modifie_le=maintenant))
            if resultat.rowcount != 1:
                raise DossierModifie()
            self._journaliser(cx, ligne.id, str(qui), f"Ordonnance saisie par l'équipe (version {numero})",
                              "ordonnance_personnel")
        return self.lire(identifiant)
