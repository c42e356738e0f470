"""Reminders by e-mail (issue 11 point 5): the week's attempt, the registered letter to send, the
day from which filing is possible, sent on the weekday the client chose.

Plain Python over SQLAlchemy (no docassemble import). Client sessions are private (encrypted):
a reminder keeps outside the session only what it needs, in the package's own table
`rdvrefere_rappel` (created when missing), one row per client session:

- `proprietaire`, `session`   the owner (docassemble user id and session key), as in registre.py;
- `courriel`                   where to send;
- `jour_semaine`               0 (lundi) … 6 (dimanche);
- `echeances`                  JSON list of {type: tentative|lettre|depot, date, envoi, envoye};
  `date` is the échéance, `envoi` the day the mail goes out (the chosen weekday on or after
  `date`), `envoye` the day it went out (None before);
- `lien`                       the client's interview; `lien_arret` the stop page, to which the
  token is appended; `jeton`  a random stop token (secrets.token_urlsafe(32));
- `langue`                     the language of the client's screens when they asked (issue 13), a
  code of langues.LANGUES: the mails and the stop page are written in it (a table made before
  this column gets it, "fr", from `creer_tables`);
- `actif`, `dernier_envoi`, `version` (raised by every write: two runs never send one reminder twice).

Sending (`envoyer_rappels_dus`) is a server-side job (`rdvrefere rappels --envoyer`, daily):
it claims each row's due reminders with a conditional update before sending, so that running it
twice the same day, or twice at once, sends nothing twice; a reminder whose mail failed is given
back (sent by the next run). A reminder more than `RETARD_MAX_JOURS` days late is dropped, never
sent: « la tentative de cette semaine » three weeks later would mislead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import smtplib
import ssl as ssl_module
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from sqlalchemy import (Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        and_, create_engine, delete, insert, inspect, select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .langues import LANGUE_DES_DOCUMENTS, date_dans, langue_valide, traduction_installee
from .mots import JOURS, Texte, traduire
from .plan import Etape, Plan
from .tentatives import lundi
from .traductions import FichierIllisible

__all__ = ["TYPES", "Echeance", "Programme", "ReglagesSmtp", "Courriel", "programmer", "arreter", "arreter_pour",
           "programme_du_client", "rappels_dus", "composer", "envoyer_rappels_dus", "echeances_du_plan",
           "jeton_valide", "courriel_valide", "lire_config_docassemble", "ConfigInvalide", "creer_tables",
           "RETARD_MAX_JOURS"]

TYPES = ("tentative", "lettre", "depot", "execution")   # execution: the préfet's délai is over (issue 12)
RETARD_MAX_JOURS = 6          # a reminder not sent within its week is dropped
_JETON = re.compile(r"[A-Za-z0-9_-]{43}")
_COURRIEL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")

_meta = MetaData()
_rappels = Table(
    "rdvrefere_rappel", _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proprietaire", Integer, nullable=False, index=True),   # docassemble user id
    Column("session", String(100), nullable=False),               # the client's session key
    Column("courriel", String(254), nullable=False),
    Column("jour_semaine", Integer, nullable=False),
    Column("echeances", Text, nullable=False),
    Column("lien", Text, nullable=False),
    Column("lien_arret", Text, nullable=False),
    Column("jeton", String(64), nullable=False, unique=True),
    Column("actif", Boolean, nullable=False),
    Column("dernier_envoi", Date),
    Column("version", Integer, nullable=False),
    Column("modifie_le", DateTime, nullable=False),
    Column("langue", String(8), nullable=False, server_default=LANGUE_DES_DOCUMENTS),   # issue 13
    UniqueConstraint("proprietaire", "session", name="rdvrefere_rappel_session_unique"),
)
# the engines whose tables exist, held weakly: keyed by id(), a new engine given a disposed one's
# address (CPython reuses it) was taken for it and never got its tables
_tables_creees: "weakref.WeakSet[Engine]" = weakref.WeakSet()


# Columns added after the table's first version, with their SQL: a table created earlier gets
# them with their default (every reminder scheduled before issue 13 was written in French).
_COLONNES_AJOUTEES = (("langue", f"VARCHAR(8) NOT NULL DEFAULT '{LANGUE_DES_DOCUMENTS}'"),)


def _colonnes(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(_rappels.name)}


def _ajouter_les_colonnes(engine: Engine) -> None:
    """ALTER TABLE … ADD COLUMN for each column an older table lacks (SQLite and PostgreSQL)."""
    presentes = _colonnes(engine)
    for nom, definition in _COLONNES_AJOUTEES:
        if nom in presentes:
            continue
        # two processes may add it at once: PostgreSQL's IF NOT EXISTS makes the second a no-op;
        # SQLite has no such clause, so its error is ignored once the column is there
        si_absente = "IF NOT EXISTS " if engine.dialect.name == "postgresql" else ""
        try:
            with engine.begin() as cx:
                cx.execute(text(f"ALTER TABLE {_rappels.name} ADD COLUMN {si_absente}{nom} {definition}"))
        except DBAPIError:
            if nom not in _colonnes(engine):
                raise


def creer_tables(engine: Engine) -> None:
    """Create the table when missing, add the columns an older table lacks (once per engine and
    process)."""
    if engine not in _tables_creees:
        _meta.create_all(engine)
        _ajouter_les_colonnes(engine)
        _tables_creees.add(engine)


# --- values -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Echeance:
    """One dated reminder: `type` (tentative, lettre, depot) and its date."""

    type: str
    date: dt.date

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"type de rappel inconnu : {self.type!r}")


@dataclass
class Programme:
    """A client's schedule as stored."""

    id: int
    proprietaire: int
    session: str
    courriel: str
    jour_semaine: int
    echeances: list[dict]
    lien: str
    jeton: str
    actif: bool
    dernier_envoi: dt.date | None
    lien_arret: str = ""
    version: int = 1
    langue: str = LANGUE_DES_DOCUMENTS

    @property
    def lien_pour_arreter(self) -> str:
        """The stop page with the token and, but for French (the page's own), the language."""
        langue = langue_valide(self.langue)
        return self.lien_arret + self.jeton + ("" if langue == LANGUE_DES_DOCUMENTS else f"&lang={langue}")


@dataclass(frozen=True)
class ReglagesSmtp:
    """The SMTP settings (docassemble's `mail:`: server, port, username, password, use tls,
    use ssl, default sender)."""

    serveur: str = "localhost"
    port: int = 25
    utilisateur: str | None = None
    mot_de_passe: str | None = None
    tls: bool = True
    ssl: bool = False
    expediteur: str | None = None
    delai_secondes: float = 30


@dataclass(frozen=True)
class Courriel:
    destinataire: str
    sujet: str
    texte: str
    langue: str = LANGUE_DES_DOCUMENTS


@dataclass
class Bilan:
    """What a sending run did."""

    envoyes: list[str] = field(default_factory=list)      # addresses
    echecs: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)


def jeton_valide(jeton: object) -> bool:
    """Whether `jeton` has the exact shape of a stop token (anything else is refused unread)."""
    return isinstance(jeton, str) and _JETON.fullmatch(jeton) is not None


def courriel_valide(courriel: object) -> bool:
    return isinstance(courriel, str) and len(courriel) <= 254 and _COURRIEL.fullmatch(courriel.strip()) is not None


def _maintenant() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def date_d_envoi(date: dt.date, jour_semaine: int) -> dt.date:
    """The chosen weekday on or after `date`."""
    return date + dt.timedelta(days=(jour_semaine - date.weekday()) % 7)


def _depuis_ligne(ligne) -> Programme:
    return Programme(id=ligne.id, proprietaire=ligne.proprietaire, session=ligne.session, courriel=ligne.courriel,
                     jour_semaine=ligne.jour_semaine, echeances=json.loads(ligne.echeances), lien=ligne.lien,
                     jeton=ligne.jeton, actif=bool(ligne.actif), dernier_envoi=ligne.dernier_envoi,
                     lien_arret=ligne.lien_arret, version=ligne.version, langue=langue_valide(ligne.langue))


# --- the client's schedule --------------------------------------------------------------------

def programmer(engine: Engine, proprietaire: tuple[int, str], courriel: str, jour_semaine: int,
               echeances: Iterable[Echeance], lien: str, *, lien_arret: str,
               langue: str = LANGUE_DES_DOCUMENTS) -> Programme:
    """Replace the schedule of the client's session `proprietaire` = (user id, session key):
    reminders on `jour_semaine` (0 lundi … 6 dimanche) for each échéance, active again.
    `lien`: the interview; `lien_arret`: the stop page's URL, to which the token is appended
    (e.g. « …/interview?i=docassemble.rdvrefere:data/questions/rdv_rappels.yml&jeton= »);
    `langue`: the mails' language (a code of langues.LANGUES, French otherwise).
    Idempotent: a replaced schedule keeps its stop token (the links of mails already sent go on
    working) and a reminder already sent (same type, same sending day) is not sent again."""
    utilisateur, session = int(proprietaire[0]), str(proprietaire[1])
    courriel = (courriel or "").strip()
    if not courriel_valide(courriel):
        raise ValueError("adresse électronique invalide")
    if not isinstance(jour_semaine, int) or not 0 <= jour_semaine <= 6:
        raise ValueError("jour de la semaine : 0 (lundi) à 6 (dimanche)")
    for lien_ in (lien, lien_arret):
        if not isinstance(lien_, str) or not re.fullmatch(r"https?://\S+", lien_):
            raise ValueError(f"lien invalide : {lien_!r}")
    liste = sorted({(e.date, TYPES.index(e.type), e.type) for e in echeances})
    lignes = [{"type": t, "date": d.isoformat(), "envoi": date_d_envoi(d, jour_semaine).isoformat(), "envoye": None}
              for d, _, t in liste]
    creer_tables(engine)
    valeurs = dict(courriel=courriel, jour_semaine=jour_semaine, lien=lien, lien_arret=lien_arret, actif=True,
                   langue=langue_valide(langue), modifie_le=_maintenant())
    with engine.begin() as cx:
        cle = and_(_rappels.c.proprietaire == utilisateur, _rappels.c.session == session)
        ancienne = cx.execute(select(_rappels).where(cle)).first()
        if ancienne:
            envoyes = {(e["type"], e["envoi"]): e["envoye"] for e in json.loads(ancienne.echeances) if e.get("envoye")}
            for ligne in lignes:
                ligne["envoye"] = envoyes.get((ligne["type"], ligne["envoi"]))
            cx.execute(update(_rappels).where(_rappels.c.id == ancienne.id)
                       .values(version=ancienne.version + 1, echeances=json.dumps(lignes), **valeurs))
        else:
            cx.execute(insert(_rappels).values(proprietaire=utilisateur, session=session, version=1,
                                               echeances=json.dumps(lignes), jeton=secrets.token_urlsafe(32),
                                               dernier_envoi=None, **valeurs))
        return _depuis_ligne(cx.execute(select(_rappels).where(cle)).one())


def programme_du_client(engine: Engine, proprietaire: tuple[int, str]) -> Programme | None:
    creer_tables(engine)
    with engine.connect() as cx:
        ligne = cx.execute(select(_rappels).where(and_(_rappels.c.proprietaire == int(proprietaire[0]),
                                                       _rappels.c.session == str(proprietaire[1])))).first()
    return _depuis_ligne(ligne) if ligne else None


def arreter(engine: Engine, jeton: object) -> bool:
    """Stop the reminders of the token (the link in every mail). False for a malformed or
    unknown token; True when a schedule was found (stopped now or already)."""
    if not jeton_valide(jeton):
        return False
    creer_tables(engine)
    with engine.begin() as cx:
        ligne = cx.execute(select(_rappels.c.id, _rappels.c.version).where(_rappels.c.jeton == jeton)).first()
        if ligne is None:
            return False
        cx.execute(update(_rappels).where(_rappels.c.id == ligne.id)
                   .values(actif=False, version=ligne.version + 1, modifie_le=_maintenant()))
    return True


def arreter_pour(engine: Engine, proprietaire: tuple[int, str], *, effacer: bool = True) -> bool:
    """The client stops from the interview: the row is deleted (nothing kept) unless `effacer` is False."""
    creer_tables(engine)
    cle = and_(_rappels.c.proprietaire == int(proprietaire[0]), _rappels.c.session == str(proprietaire[1]))
    with engine.begin() as cx:
        if effacer:
            return cx.execute(delete(_rappels).where(cle)).rowcount > 0
        return cx.execute(update(_rappels).where(cle).values(actif=False, modifie_le=_maintenant())).rowcount > 0


# --- what is due ------------------------------------------------------------------------------

def _dues(echeances: list[dict], aujourd_hui: dt.date) -> list[int]:
    return [i for i, e in enumerate(echeances)
            if not e.get("envoye")
            and 0 <= (aujourd_hui - dt.date.fromisoformat(e["envoi"])).days <= RETARD_MAX_JOURS]


def rappels_dus(engine: Engine, aujourd_hui: dt.date) -> list[tuple[Programme, list[dict]]]:
    """Each active schedule with its reminders due on `aujourd_hui` (not sent yet, sending day
    reached, at most RETARD_MAX_JOURS late)."""
    creer_tables(engine)
    with engine.connect() as cx:
        lignes = cx.execute(select(_rappels).where(_rappels.c.actif.is_(True)).order_by(_rappels.c.id)).all()
    dus = []
    for ligne in lignes:
        programme = _depuis_ligne(ligne)
        indices = _dues(programme.echeances, aujourd_hui)
        if indices:
            dus.append((programme, [programme.echeances[i] for i in indices]))
    return dus


# --- the mails --------------------------------------------------------------------------------
# Each sentence is a mots.Texte (its French is the mail as before); composer() writes it in the
# row's language with the package's translation file (scripts/phrases.py finds these templates).

_SUJETS = {
    "execution": Texte("Rendez-vous préfecture : le délai donné au préfet est fini"),
    "depot": Texte("Rendez-vous préfecture : vous pouvez déposer votre demande au tribunal"),
    "lettre": Texte("Rendez-vous préfecture : envoyez la lettre recommandée"),
    "tentative": Texte("Rendez-vous préfecture : votre essai de la semaine"),
}


def _traductions(langue: str) -> dict[str, str]:
    """The French phrases' translations in the installed package's file for `langue`; none for
    French, or when the file is missing (the source tree) or broken: the mail is then French."""
    if langue == LANGUE_DES_DOCUMENTS:
        return {}
    try:
        return traduction_installee(langue).cibles("fr")
    except (OSError, FichierIllisible):   # a broken file (scripts/phrases.py --check): French, not no mail
        return {}


def _phrase(echeance: dict, aujourd_hui: dt.date) -> Texte:
    jour = dt.date.fromisoformat(echeance["date"])
    if echeance["type"] == "tentative":
        dimanche = lundi(aujourd_hui) + dt.timedelta(days=6)
        return Texte("Essayez de prendre rendez-vous sur le site de la préfecture cette semaine, avant le "
                     "{jour} {date}. Faites une capture d'écran où l'on voit l'adresse du site, le "
                     "message et la date avec l'heure. Ajoutez-la ensuite dans votre dossier.",
                     jour=JOURS[dimanche.weekday()], date=dimanche)
    if echeance["type"] == "lettre":
        return Texte("Envoyez la lettre recommandée avec accusé de réception à la préfecture. Gardez la preuve "
                     "de dépôt et l'accusé de réception, puis ajoutez-les dans votre dossier.")
    if echeance["type"] == "execution":
        return Texte("Le délai donné au préfet par le juge est fini. Si vous n'avez pas de rendez-vous, vous pouvez "
                     "agir à partir du {date} : ouvrez votre dossier, écrivez au préfet, puis demandez au "
                     "tribunal de faire exécuter l'ordonnance. Si vous avez reçu un rendez-vous, notez-le dans "
                     "votre dossier.", date=jour)
    return Texte("Vous pouvez déposer votre demande au tribunal à partir du {date}. Ouvrez votre "
                 "dossier, vérifiez-le, puis téléchargez le dossier de dépôt.", date=jour)


def composer(programme: Programme, echeances: list[dict], aujourd_hui: dt.date) -> Courriel:
    """The mail for these due reminders, in the row's language (French when its code is not one
    of LANGUES, or a sentence is not translated): subject, plain text with both links."""
    langue = langue_valide(programme.langue)
    traductions, date = _traductions(langue), date_dans(langue)

    def ecrire(texte: Texte) -> str:
        return traduire(texte, lambda phrase: traductions.get(phrase) or phrase, date)

    types = {e["type"] for e in echeances}
    sujet = next(_SUJETS[t] for t in ("execution", "depot", "lettre", "tentative") if t in types)
    lignes = [ecrire(Texte("Bonjour,")), "",
              ecrire(Texte("Voici ce qu'il faut faire pour votre demande de rendez-vous en préfecture :")), ""]
    lignes += ["- " + ecrire(_phrase(e, aujourd_hui))
               for e in sorted(echeances, key=lambda e: TYPES.index(e["type"]))]
    if types == {"execution"}:
        pourquoi = Texte("Vous recevez ce rappel le jour où le délai du préfet finit.")
    else:
        pourquoi = Texte("Vous recevez ce rappel le {jour}, le jour que vous avez choisi.",
                         jour=JOURS[programme.jour_semaine])
    lignes += ["", ecrire(Texte("Votre dossier :")), programme.lien, "", ecrire(pourquoi),
               ecrire(Texte("Pour ne plus recevoir ces rappels, ouvrez ce lien :")), programme.lien_pour_arreter, "",
               ecrire(Texte("Ce message est envoyé automatiquement. N'y répondez pas."))]
    return Courriel(programme.courriel, ecrire(sujet), "\n".join(lignes) + "\n", langue)


def _message(courriel: Courriel, expediteur: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = expediteur
    message["To"] = courriel.destinataire
    message["Subject"] = courriel.sujet
    message["Message-ID"] = make_msgid(domain=expediteur.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    # plain text in UTF-8 whatever the language (the subject, non-ASCII, is encoded by the policy: RFC 2047)
    message.set_content(courriel.texte, charset="utf-8")
    message["Content-Language"] = courriel.langue   # after set_content, which clears the Content-* headers
    return message


def _smtp(reglages: ReglagesSmtp) -> smtplib.SMTP:
    if reglages.ssl:
        serveur = smtplib.SMTP_SSL(reglages.serveur, reglages.port, timeout=reglages.delai_secondes,
                                   context=ssl_module.create_default_context())
    else:
        serveur = smtplib.SMTP(reglages.serveur, reglages.port, timeout=reglages.delai_secondes)
        if reglages.tls:
            serveur.starttls(context=ssl_module.create_default_context())
    if reglages.utilisateur:
        serveur.login(reglages.utilisateur, reglages.mot_de_passe or "")
    return serveur


def _ecrire_echeances(engine: Engine, programme_id: int, version: int, echeances: list[dict],
                      dernier_envoi: dt.date | None) -> bool:
    """Conditional write: False when another run changed the row meanwhile."""
    valeurs = dict(echeances=json.dumps(echeances), version=version + 1, modifie_le=_maintenant(),
                   dernier_envoi=dernier_envoi)
    with engine.begin() as cx:
        return cx.execute(update(_rappels).where(and_(_rappels.c.id == programme_id, _rappels.c.version == version,
                                                      _rappels.c.actif.is_(True)))
                          .values(**valeurs)).rowcount == 1


def envoyer_rappels_dus(engine: Engine, aujourd_hui: dt.date, smtp: ReglagesSmtp) -> Bilan:
    """Send every reminder due on `aujourd_hui`, once: one mail per client (all its due
    reminders). Each row's reminders are claimed (conditional update) before the mail is sent;
    given back when the mail fails."""
    bilan = Bilan()
    expediteur = smtp.expediteur or formataddr(("Rendez-vous préfecture", "no-reply@localhost"))
    serveur = None
    try:
        for programme, _ in rappels_dus(engine, aujourd_hui):
            indices = _dues(programme.echeances, aujourd_hui)
            # written before the claim (it reads the translation file): a mail that cannot be
            # written loses no reminder
            courriel = composer(programme, [programme.echeances[i] for i in indices], aujourd_hui)
            reclamees = [dict(e) for e in programme.echeances]
            for i in indices:
                reclamees[i]["envoye"] = aujourd_hui.isoformat()
            if not _ecrire_echeances(engine, programme.id, programme.version, reclamees, aujourd_hui):
                continue  # another run (or the client) got there first
            try:
                if serveur is None:
                    serveur = _smtp(smtp)
                serveur.send_message(_message(courriel, expediteur))
            except (OSError, smtplib.SMTPException) as exc:
                bilan.echecs.append((programme.courriel, f"{type(exc).__name__}: {exc}"))
                # give the reminders back, for the next run
                _ecrire_echeances(engine, programme.id, programme.version + 1, programme.echeances,
                                  programme.dernier_envoi)
                if serveur is not None:
                    try:
                        serveur.close()
                    finally:
                        serveur = None
                continue
            bilan.envoyes.append(programme.courriel)
    finally:
        if serveur is not None:
            try:
                serveur.quit()
            except (OSError, smtplib.SMTPException):
                serveur.close()
    return bilan


# --- dates from the journey plan (plan.py: one rule for the plan, check and the reminders) ----

def _jour_choisi(etape: Etape, jour_semaine: int) -> dt.date | None:
    """The chosen weekday inside the step's window, or the window's start when it falls outside."""
    if etape.debut is None:
        return etape.fin
    jour = date_d_envoi(etape.debut, jour_semaine)
    return jour if etape.fin is None or jour <= etape.fin else etape.debut


def echeances_du_plan(plan: Plan, *, jour_semaine: int, aujourd_hui: dt.date) -> list[Echeance]:
    """The reminders of a journey plan (plan.plan()):
    - each attempt step not done (tentative_1…): the chosen weekday inside its window (its start
      when the weekday falls outside);
    - the registered letter when its step is not done: from the step's start;
    - filing: from `depot_conseille_a_partir_du` (the advised steps done too).
    No date before `aujourd_hui`."""
    echeances = []
    for etape in plan.etapes:
        if etape.statut == "fait":
            continue
        if etape.cle.startswith("tentative_"):
            jour = _jour_choisi(etape, jour_semaine)
            if jour is not None:
                echeances.append(Echeance("tentative", max(jour, aujourd_hui)))
        elif etape.cle == "lrar":
            echeances.append(Echeance("lettre", max(etape.debut or aujourd_hui, aujourd_hui)))
    echeances.append(Echeance("depot", max(plan.depot_conseille_a_partir_du, aujourd_hui)))
    return echeances


# --- docassemble's configuration file (for the server-side job) -------------------------------

class ConfigInvalide(Exception):
    """The docassemble configuration file cannot give the database or the mail settings."""


def _url_de_db(db: dict) -> str:
    """docassemble's `db:` as an SQLAlchemy URL (as docassemble.webapp.user_database.alchemy_url)."""
    from sqlalchemy.engine import URL  # noqa: PLC0415
    prefixe = str(db.get("prefix") or "postgresql+psycopg2://")
    hote = db.get("host") or ("localhost" if db.get("user") else None)
    return URL.create(prefixe.split("://")[0], username=db.get("user"), password=db.get("password"),
                      host=hote, port=int(db["port"]) if db.get("port") else None,
                      database=str(db["name"])).render_as_string(hide_password=False)


def lire_config_docassemble(chemin: Path | str) -> tuple[str, dict, ReglagesSmtp]:
    """(database URL, connect_args, SMTP settings) from docassemble's config.yml: `rdvrefere
    registre:` or `db:` (prefix, name, user, password, host, port, ssl mode), and `mail:` (a
    mapping or a list; the one named `default`, else the first)."""
    import yaml  # noqa: PLC0415
    try:
        config = yaml.safe_load(Path(chemin).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigInvalide(f"configuration illisible ({chemin}) : {exc}") from None
    if not isinstance(config, dict):
        raise ConfigInvalide(f"configuration illisible ({chemin})")
    arguments: dict = {}
    if config.get("rdvrefere registre"):
        url = str(config["rdvrefere registre"])
    else:
        db = config.get("db")
        if not isinstance(db, dict) or not db.get("name"):
            raise ConfigInvalide("la configuration n'a pas de section `db:` avec `name:`")
        url = _url_de_db(db)
        if str(db.get("prefix") or "postgres").startswith("postgres") and db.get("ssl mode") in (
                "disable", "allow", "prefer", "require", "verify-ca", "verify-full"):
            arguments["sslmode"] = db["ssl mode"]
    mail = config.get("mail") or {}
    if isinstance(mail, list):
        mail = next((m for m in mail if isinstance(m, dict) and m.get("name") == "default"),
                    mail[0] if mail else {})
    if not isinstance(mail, dict):
        raise ConfigInvalide("la section `mail:` de la configuration est illisible")
    reglages = ReglagesSmtp(serveur=str(mail.get("server") or "localhost"), port=int(mail.get("port") or 25),
                            utilisateur=mail.get("username"), mot_de_passe=mail.get("password"),
                            tls=bool(mail.get("use tls", True)), ssl=bool(mail.get("use ssl", False)),
                            expediteur=mail.get("default sender"))
    return url, arguments, reglages


def moteur(url: str, arguments: dict | None = None) -> Engine:
    return create_engine(url, connect_args=arguments or {}, pool_pre_ping=True)
