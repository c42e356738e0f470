"""Staff see the journey (issue 11 point 6): the dossiers « en préparation », what each still lacks and
since when, so that a volunteer can call the person who stopped coming back.

Client sessions are encrypted: staff cannot read them. Plain Python over SQLAlchemy (no docassemble
import), as rappels.py: a visit keeps outside the session only what this list needs, in the
package's own table `rdvrefere_suivi` of the register's database (created when missing), one row
per client session:

- `proprietaire`, `session`   the owner (docassemble user id, the signed-in user) and the session
  key, as in registre.py; the key is never shown to staff;
- `nom`, `departement`         the applicant's name and département when known;
- `courriel`                   the account's e-mail (the address the person signed in with);
  `telephone`                  the phone the person gave with their identity, if any;
- `premiere_visite`, `derniere_visite`;
- `manque`                     JSON list of the plan's « manque » (plan.py), in French;
- `transmis`                   the dossier was transmitted to staff (it is then in the staff's list
  of dossiers transmis, registre.py, and leaves this one).

Written by server code from the session's own values (suivi_serveur.py), at most once a day per
session unless something changed (`empreinte`). The owner and the session are never values a
client posts: a forged variable can only change what the client's own row says of themselves.
"""

from __future__ import annotations

import datetime as dt
import weakref
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint, and_, \
    column, exists, insert, select, table, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError

from .dates import date_longue

__all__ = ["JOURS_SANS_VISITE", "Visite", "Suivi", "noter_visite", "suivi_de", "en_preparation", "oublier",
           "empreinte", "depuis", "creer_tables"]

# « Stopped coming back »: no visit for this many days. Attempts are due every week (CE 10 juin 2020
# n° 435594: attempts on different weeks; tentatives.py), so ten days without a visit means at least
# one week's attempt missed: the moment a call helps.
JOURS_SANS_VISITE = 10

_meta = MetaData()
_suivis = Table(
    "rdvrefere_suivi", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proprietaire", Integer, nullable=False, index=True),   # docassemble user id
    Column("session", String(100), nullable=False),               # the client's session key (never shown)
    Column("nom", Text, nullable=False),
    Column("departement", String(10), nullable=False),
    Column("courriel", String(254), nullable=False),
    Column("telephone", String(40), nullable=False),
    Column("premiere_visite", DateTime, nullable=False),
    Column("derniere_visite", DateTime, nullable=False, index=True),
    Column("manque", Text, nullable=False),
    Column("transmis", Boolean, nullable=False),
    UniqueConstraint("proprietaire", "session", name="rdvrefere_suivi_session_unique"),
)
# the engines whose tables exist, held weakly: keyed by id(), a new engine given a disposed one's
# address (CPython reuses it) was taken for it and never got its tables
_tables_creees: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def creer_tables(engine: Engine) -> None:
    """Create the table when missing (once per engine and process). Two first visits at once (two
    processes, two threads) may both try: PostgreSQL refuses the second CREATE (« already exists »,
    or a unique violation in its catalogue); it then finds the table there."""
    if engine not in _tables_creees:
        try:
            _meta.create_all(engine)
        except (ProgrammingError, IntegrityError):
            _meta.create_all(engine)
        _tables_creees.add(engine)


def _maintenant() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _court(texte: object, longueur: int) -> str:
    return " ".join(str(texte or "").split())[:longueur]


@dataclass(frozen=True)
class Visite:
    """What a visit records, read from the session by server code. Texts are cut to the columns'
    sizes; `manque` is the plan's list (plan.Plan.manque texts)."""

    nom: str = ""
    departement: str = ""
    courriel: str = ""
    telephone: str = ""
    manque: tuple[str, ...] = ()
    transmis: bool = False

    def __post_init__(self):
        object.__setattr__(self, "nom", _court(self.nom, 200))
        object.__setattr__(self, "departement", _court(self.departement, 10))
        object.__setattr__(self, "courriel", _court(self.courriel, 254))
        object.__setattr__(self, "telephone", _court(self.telephone, 40))
        object.__setattr__(self, "manque", tuple(_court(m, 1000) for m in self.manque if str(m or "").strip()))


def empreinte(visite: Visite, jour: dt.date) -> str:
    """What the session remembers of its last write: the same visit the same day is not written again."""
    valeurs = [visite.nom, visite.departement, visite.courriel, visite.telephone, list(visite.manque),
               visite.transmis, jour.isoformat()]
    return hashlib.sha256(json.dumps(valeurs, ensure_ascii=False).encode()).hexdigest()


def depuis(instant: dt.datetime, maintenant: dt.datetime) -> str:
    """« aujourd'hui », « hier », « il y a 12 jours » (calendar days)."""
    jours = (maintenant.date() - instant.date()).days
    if jours <= 0:
        return "aujourd'hui"
    return "hier" if jours == 1 else f"il y a {jours} jours"


@dataclass(frozen=True)
class Suivi:
    """One client session in preparation, as staff see it."""

    proprietaire: int
    session: str
    nom: str
    departement: str
    courriel: str
    telephone: str
    premiere_visite: dt.datetime
    derniere_visite: dt.datetime
    manque: tuple[str, ...] = field(default=())
    transmis: bool = False

    def jours_sans_visite(self, maintenant: dt.datetime) -> int:
        return max(0, (maintenant.date() - self.derniere_visite.date()).days)

    def a_cesse_de_revenir(self, maintenant: dt.datetime) -> bool:
        """No visit for JOURS_SANS_VISITE days or more, and not transmitted."""
        return not self.transmis and self.jours_sans_visite(maintenant) >= JOURS_SANS_VISITE

    def premiere_visite_texte(self) -> str:
        return date_longue(self.premiere_visite.date())

    def derniere_visite_texte(self, maintenant: dt.datetime) -> str:
        return f"{date_longue(self.derniere_visite.date())} ({depuis(self.derniere_visite, maintenant)})"


def _depuis_ligne(ligne) -> Suivi:
    try:
        manque = tuple(str(m) for m in json.loads(ligne.manque or "[]"))
    except ValueError:
        manque = ()
    return Suivi(proprietaire=ligne.proprietaire, session=ligne.session, nom=ligne.nom, departement=ligne.departement,
                 courriel=ligne.courriel, telephone=ligne.telephone, premiere_visite=ligne.premiere_visite,
                 derniere_visite=ligne.derniere_visite, manque=manque, transmis=bool(ligne.transmis))


def _cle(proprietaire: tuple[int, str]):
    return and_(_suivis.c.proprietaire == int(proprietaire[0]), _suivis.c.session == str(proprietaire[1]))


def noter_visite(engine: Engine, proprietaire: tuple[int, str], visite: Visite,
                 quand: dt.datetime | None = None) -> Suivi:
    """Record a visit of the client session `proprietaire` = (user id, session key): the first one
    creates the row (first visit = last visit = `quand`), the others update the values and the last
    visit. One upsert; two visits at once (two tabs) end as one row (the loser of the insert updates)."""
    if not isinstance(proprietaire[0], int) or not str(proprietaire[1] or "").strip():
        raise ValueError("propriétaire invalide")
    quand = (quand or _maintenant()).replace(microsecond=0, tzinfo=None)
    creer_tables(engine)
    valeurs = dict(nom=visite.nom, departement=visite.departement, courriel=visite.courriel,
                   telephone=visite.telephone, manque=json.dumps(list(visite.manque), ensure_ascii=False),
                   transmis=visite.transmis, derniere_visite=quand)
    for _ in range(2):
        try:
            with engine.begin() as cx:
                if cx.execute(update(_suivis).where(_cle(proprietaire)).values(**valeurs)).rowcount == 0:
                    cx.execute(insert(_suivis).values(proprietaire=int(proprietaire[0]), session=str(proprietaire[1]),
                                                      premiere_visite=quand, **valeurs))
                return _depuis_ligne(cx.execute(select(_suivis).where(_cle(proprietaire))).one())
        except IntegrityError:   # the other visit inserted first: update it
            continue
    raise RuntimeError("suivi non enregistré")


def suivi_de(engine: Engine, proprietaire: tuple[int, str]) -> Suivi | None:
    creer_tables(engine)
    with engine.connect() as cx:
        ligne = cx.execute(select(_suivis).where(_cle(proprietaire))).first()
    return _depuis_ligne(ligne) if ligne else None


# the register's table of dossiers transmis (registre.py), only its owner columns: a session whose
# dossier is there is in the staff's other list, whatever its own row says
_dossiers_transmis = table("rdvrefere_dossier", column("proprietaire"), column("session"))


def en_preparation(engine: Engine, *, registre_present: bool = True,
                   transmis: Iterable[tuple[int, str]] = ()) -> list[Suivi]:
    """The sessions still in preparation: not transmitted (neither by the row's flag, nor in the
    register's table `rdvrefere_dossier` when `registre_present`, nor in `transmis`), longest without
    a visit first, so that those who stopped coming back (`a_cesse_de_revenir`) lead the list."""
    creer_tables(engine)
    deja = {(int(p), str(s)) for p, s in transmis}
    requete = select(_suivis).where(_suivis.c.transmis.is_(False))
    if registre_present:
        requete = requete.where(~exists().where(and_(_dossiers_transmis.c.proprietaire == _suivis.c.proprietaire,
                                                     _dossiers_transmis.c.session == _suivis.c.session)))
    with engine.connect() as cx:
        lignes = cx.execute(requete.order_by(_suivis.c.derniere_visite, _suivis.c.id)).all()
    return [s for s in (_depuis_ligne(l) for l in lignes) if (s.proprietaire, s.session) not in deja]


def oublier(engine: Engine, proprietaire: tuple[int, str]) -> bool:
    """Delete the row of a session (the client deleted the dossier)."""
    from sqlalchemy import delete  # noqa: PLC0415
    creer_tables(engine)
    with engine.begin() as cx:
        return cx.execute(delete(_suivis).where(_cle(proprietaire))).rowcount > 0
