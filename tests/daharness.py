"""Headless harness: run docassemble interviews under pytest with no web server.

No PostgreSQL, no Redis, no Flask: docassemble.base reaches every server-side service
through pluggy hooks (``docassemble.base.hookspecs``) that docassemble.webapp normally
implements.  This module implements the ones an interview needs (configuration, locale,
file numbers and storage, file lookups) and drives ``Interview.assemble`` the way the
web server does for each screen.

Quick start::

    import daharness as da
    s = da.start('rdvrefere.yml', user={'email': 'a@example.com'})  # this package's interview
    s.question_text, s.question_type          # the screen shown: title, 'fields'/'yesno'/...
    s.fields, s.sought, s.field_info          # variables it sets ('pieces[0]'), labels, choices
    s.answer('Ann')                           # answer like the user, then go to the next screen
    s.answer({'client.nom': 'Diallo', 'client.prenom': 'Awa'})   # by variable name
    s.set({'client.date_naissance': date(1990, 1, 2)})  # or set variables directly...
    s.run("pieces.clear()"); s.eval('pieces.number()')  # ...or run Python in the interview
    s.upload('pieces[i]', 'tests/data/passeport.pdf')   # a real file, as a DAFileList
    s.sign()                                  # a signature screen: a drawn PNG
    s.next(); s.next(action='some_event')     # -> InterviewStatus of the screen shown
    s.attachment_paths('pdf')                 # generated documents -> file paths

What it does NOT do (that is what the browser tests are for): the web form's validation
and type conversion (answers are Python values set straight into the interview's
variables), JavaScript (show if/ js show if, address autocomplete...), server-only
services (DAStore / DARedis / send_email / background tasks / users and privileges other
than the ``user=`` you give a session).  A hook docassemble needs that the harness lacks
fails with ``HarnessHookMissing`` naming it.

Environment (set up at import, before docassemble is imported):

* ``NLTK_DATA``: docassemble downloads NLTK corpora when imported; they are built offline
  by ``scripts/make_nltk_data.py`` into ``var/harness/nltk_data`` (cached).
* ``HOME`` -> ``var/harness/home`` holding a LibreOffice profile: docassemble converts
  DOCX to PDF with ``libreoffice macro:///Standard.Module1.ConvertToPdf`` and copies its
  macro into ``$HOME/.config/libreoffice/4/user/basic/Standard``.  (docassemble only
  enables LibreOffice when ``pandoc`` is on PATH too.)
* ``DA_CONFIG_FILE`` -> ``var/harness/config.yml`` (debug on, same language, locale and
  time zone as scripts/server.sh) unless already set.
* Python's locale and docassemble's defaults mirror the local server (scripts/server.sh):
  language 'fr', locale en_US.utf8, time zone Europe/Paris, country FR.  Code run outside a
  screen (``s.eval`` before any ``initial`` block set the client's language) speaks French, as
  on the server; the client interview's blocks are language-neutral and translated (issue 13).
* Stored files (uploads, generated documents) go to a temporary folder per process,
  removed at exit (``RDV_HARNESS_KEEP=1`` keeps it; ``FILES_DIR`` says where).
``RDV_HARNESS_WORK`` moves ``var/harness``.

Stored files are private to their session, as on the web server (docassemble.webapp's
``get_info_from_file_number``): each file remembers the session it was saved for, and
``file_number_finder`` (so ``DAFile.path()``) answers ``{}`` for a private file of another
session, unless the caller says ``privileged``, the signed-in user started that session, or the
user holds a role that reads every file (admin, developer, advocate, trainer).  Without
``uids`` the current session is used, as the server uses the browser's sessions.

Run the tests with plain ``pytest`` from the venv, against the installed wheel
(``make setup``): ``python -m pytest`` from the repository root would import the source
tree, whose data files are laid out differently.
"""
from __future__ import annotations

import atexit
import datetime
import importlib.resources
import importlib.util
import itertools
import mimetypes
import os
import pickle
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get('RDV_HARNESS_WORK') or REPO / 'var' / 'harness')
PACKAGE = 'docassemble.rdvrefere'
LANGUAGE, DIALECT, LOCALE, TIMEZONE, COUNTRY = 'fr', 'us', 'en_US.utf8', 'Europe/Paris', 'FR'


# --------------------------------------------------------------------------- environment
def _load_make_nltk_data():
    spec = importlib.util.spec_from_file_location('make_nltk_data', REPO / 'scripts' / 'make_nltk_data.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prepare_environment():
    WORK.mkdir(parents=True, exist_ok=True)
    if not os.environ.get('NLTK_DATA'):
        os.environ['NLTK_DATA'] = str(WORK / 'nltk_data')
    if not (Path(os.environ['NLTK_DATA']) / 'corpora' / 'wordnet').is_dir():
        _load_make_nltk_data().build(os.environ['NLTK_DATA'])
    home = WORK / 'home'
    home.mkdir(exist_ok=True)
    os.environ['HOME'] = str(home)
    macro = home / '.config/libreoffice/4/user/basic/Standard/Module1.xba'
    if shutil.which('libreoffice') and not macro.parent.is_dir():
        subprocess.run(['libreoffice', '--headless', '--terminate_after_init'], check=False, timeout=180,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files_dir = Path(tempfile.mkdtemp(prefix='files-', dir=WORK))
    if not os.environ.get('RDV_HARNESS_KEEP'):
        atexit.register(shutil.rmtree, files_dir, True)
    config = os.environ.get('DA_CONFIG_FILE')
    if not config:
        config = str(WORK / 'config.yml')
        text = ('# written by tests/daharness.py\n'
                'debug: True\n'
                'secretkey: rdvrefere-harness-not-secret\n'
                f'language: {LANGUAGE}\nlocale: {LOCALE}\ntimezone: {TIMEZONE}\ncountry: {COUNTRY}\n'
                f'uploads: {WORK / "uploads-unused"}\n'
                f'libreoffice macro file: {macro}\n'
                # the register of dossiers transmis (registre.py): SQLite, one per process
                f'rdvrefere registre: sqlite:///{files_dir}/registre.db\n')
        if not os.path.exists(config) or Path(config).read_text(encoding='utf-8') != text:
            Path(config).write_text(text, encoding='utf-8')
        os.environ['DA_CONFIG_FILE'] = config
    return files_dir, config


FILES_DIR, CONFIG_FILE = _prepare_environment()

import docassemble.base.config  # noqa: E402

if not docassemble.base.config.loaded:
    docassemble.base.config.load(filename=CONFIG_FILE)

import pluggy  # noqa: E402
from docassemble.base import hookspecs  # noqa: E402
from docassemble.base.config import daconfig  # noqa: E402
from docassemble.base.plugin_manager import pm  # noqa: E402
# the web server's own filename rules (light module: werkzeug + pluggy only)
from docassemble.webapp.utils import filenames as _webapp_filenames  # noqa: E402

hookimpl = pluggy.HookimplMarker('docassemble')


class HarnessHookMissing(NotImplementedError):
    """docassemble called a server service the headless harness does not provide."""


# --------------------------------------------------------------------------- file store
@dataclass
class StoredFile:
    number: int
    filename: str      # the user-facing name, e.g. 'passport.pdf'
    extension: str
    mimetype: str | None
    directory: Path
    uid: str | None = None   # the session it was saved for (the server's Uploads.key)
    private: bool = True     # the server's Uploads.private (DAFile.set_attributes(private=...))
    persistent: bool = False

    @property
    def path(self) -> Path:          # docassemble's SavedFile.path: DIR/file
        return self.directory / 'file'

    @property
    def fullpath(self) -> Path:      # what DAFile.path() returns: DIR/file.EXT
        return Path(f'{self.path}.{self.extension}')

    def write(self, source) -> None:
        """Store a copy of ``source``: content in DIR/file, DIR/file.EXT a symlink to it,
        as the server's SavedFile does (docassemble writes to either name)."""
        shutil.copyfile(source, self.path)
        _link_extension(str(self.path), self.extension)


def _link_extension(path: str, extension: str | None) -> None:
    if not extension:
        return
    link = f'{path}.{extension}'
    if os.path.lexists(link):
        os.remove(link)
    try:
        os.symlink(os.path.basename(path), link)
    except OSError:
        shutil.copyfile(path, link)


class FileStore:
    """Numbered files, laid out like the web server's SavedFile (NUMBER/file.EXT)."""

    def __init__(self, root: Path):
        self.root = root
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.files: dict[int, StoredFile] = {}

    def new_number(self, filename: str = 'file.txt', uid: str | None = None) -> StoredFile:
        """A new file number for session ``uid`` (None: the session being answered, if any)."""
        with self._lock:
            number = next(self._numbers)
        extension, mimetype = _webapp_filenames.get_ext_and_mimetype(filename or 'file.txt')
        entry = StoredFile(number, filename or 'file.txt', extension, mimetype, self.root / str(number),
                           uid=uid if uid is not None else _current_uid())
        entry.directory.mkdir(parents=True, exist_ok=True)
        self.files[number] = entry
        return entry

    def get(self, number) -> StoredFile | None:
        try:
            return self.files.get(int(number))
        except (TypeError, ValueError):
            return None

    def add(self, source_path, filename: str | None = None, uid: str | None = None) -> StoredFile:
        entry = self.new_number(filename or os.path.basename(source_path), uid)
        entry.write(source_path)
        return entry

    def info(self, number, filename: str | None = None) -> dict:
        """The dict docassemble's file_number_finder returns."""
        entry = self.get(number)
        if entry is None:
            return {}
        name = filename or entry.filename
        extension, mimetype = _webapp_filenames.get_ext_and_mimetype(name)
        fullpath = f'{entry.path}.{extension}'
        result = {'filename': name, 'extension': extension, 'mimetype': mimetype,
                  'path': str(entry.path), 'fullpath': fullpath,
                  'private': entry.private, 'persistent': entry.persistent}
        if os.path.isfile(fullpath):
            _add_file_details(fullpath, str(entry.path), result)
        return result


def _add_file_details(fullpath: str, basename: str, result: dict) -> None:
    """Pages of PDFs, size of images (as docassemble.webapp's add_info_about_file)."""
    pdf = fullpath if result['extension'] == 'pdf' else basename + '.pdf'
    if os.path.isfile(pdf):
        try:
            import pikepdf
            with pikepdf.Pdf.open(pdf) as reader:
                result['encrypted'] = reader.is_encrypted
                result['acroform'] = '/AcroForm' in reader.trailer['/Root']
                result['pages'] = len(reader.pages)
        except Exception:
            result['pages'] = 1
    elif result['extension'] in ('png', 'jpg', 'gif'):
        from PIL import Image
        with Image.open(fullpath) as im:
            result['width'], result['height'] = im.size


STORE = FileStore(FILES_DIR)

# --------------------------------------------------------------------------- who may read a file
# docassemble.webapp.files.file_access.get_info_from_file_number: these roles read every file.
PRIVILEGED_ROLES = frozenset({'admin', 'developer', 'advocate', 'trainer'})
# session uid -> id of the signed-in user who started it (the server's UserDictKeys table)
SESSION_OWNERS: dict[str, Any] = {}


def _current_info() -> dict:
    from docassemble.base.thread_context import this_thread  # noqa: PLC0415 (loaded after the hooks)
    return getattr(this_thread, 'current_info', None) or {}


def _current_uid() -> str | None:
    """The session being answered (docassemble.base.functions.get_uid), None outside any."""
    from docassemble.base.thread_context import this_thread  # noqa: PLC0415
    return getattr(this_thread, 'session_id', None) or _current_info().get('session') or None


def may_read(entry: StoredFile, uids=None, privileged: bool = False) -> bool:
    """The web server's rule for a stored file: a private file is readable only by its own
    session (``uids``, default the current one), by the signed-in user who started that session,
    by the privileged roles, or when the caller says ``privileged``."""
    user = _current_info().get('user') or {}
    signed_in = bool(user.get('is_authenticated'))
    if signed_in and PRIVILEGED_ROLES & set(user.get('roles') or ()):
        return True
    if privileged or not entry.private:
        return True
    if not uids:
        uid = _current_uid()
        uids = [uid] if uid else []
    if entry.uid is not None and entry.uid in uids:
        return True
    owner = SESSION_OWNERS.get(entry.uid) if entry.uid is not None else None
    return signed_in and owner is not None and owner == user.get('theid')


def readable_info(file_number, filename=None, uids=None, privileged=False) -> dict:
    """file_number_finder as the server answers it: {} for a file this session may not read."""
    entry = STORE.get(file_number)
    if entry is None or not may_read(entry, uids, privileged):
        return {}
    return STORE.info(file_number, filename)


class SavedFile:
    """Stand-in for docassemble.webapp.files.savedfile.SavedFile (get_saved_file_class)."""

    def __init__(self, file_number, extension=None, fix=False, section='files', filename='file',
                 subdir=None, should_not_exist=False, must_exist=False):  # noqa: ARG002
        self.file_number = int(file_number)
        self.section = section
        self.extension = extension
        self.filename = filename
        self.subdir = subdir
        entry = STORE.get(self.file_number)
        if section == 'files' and entry is not None:
            self.directory = str(entry.directory)
        else:
            self.directory = str(FILES_DIR / section / str(self.file_number))
        parts = [self.directory] + ([subdir] if subdir and subdir != 'default' else []) + [filename]
        self.path = os.path.join(*parts)
        if fix:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)

    def fix(self, must_exist=False):  # noqa: ARG002
        os.makedirs(os.path.dirname(self.path), exist_ok=True)

    def _target(self, filename=None):
        return os.path.join(self.directory, filename) if filename else self.path

    def copy_from(self, orig_path, **kwargs):
        self.fix()
        target = self._target(kwargs.get('filename'))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(orig_path, target)
        if 'filename' not in kwargs:
            self.save()

    def write_content(self, content, **kwargs):
        self.fix()
        binary = kwargs.get('binary') or isinstance(content, bytes)
        with open(self._target(kwargs.get('filename')), 'wb' if binary else 'w',
                  **({} if binary else {'encoding': 'utf-8'})) as fp:
            fp.write(content)
        if 'filename' not in kwargs:
            self.save()

    def size_in_bytes(self, **kwargs):
        return os.path.getsize(self._target(kwargs.get('filename')))

    def list_of_files(self):
        return sorted(os.listdir(self.directory)) if os.path.isdir(self.directory) else []

    def get_modtime(self, **kwargs):
        return os.path.getmtime(self._target(kwargs.get('filename')))

    def delete(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def delete_file(self, filename):
        try:
            os.remove(os.path.join(self.directory, filename))
        except FileNotFoundError:
            pass

    def save(self, finalize=False):  # noqa: ARG002
        """As the server: DIR/file.EXT becomes a symlink to DIR/file (the content)."""
        self.fix()
        _link_extension(self.path, self.extension)

    def finalize(self):
        pass

    def cloud_path(self, filename=None):
        return self._target(filename)

    def url_for(self, **kwargs):
        return f'/uploadedfile/{self.file_number}/{kwargs.get("display_filename", "file")}'

    temp_url_for = url_for

    def fetch_url(self, url, **kwargs):
        raise HarnessHookMissing('SavedFile.fetch_url (network access) is not available headless')


# --------------------------------------------------------------------------- the plugin
SQL_STORE: dict = {}  # DAStore's key-value table, in memory (server: the jsonstorage table)
# what set_user_info() wrote to a signed-in user's profile, by user id (server: the user table):
# every later session of that user starts with it, as after a new login on the server
USER_PROFILES: dict[int, dict] = {}


class HarnessPlugin:
    """The docassemble hooks an interview needs, served without a web server."""

    @hookimpl
    def server_sql_get(self, key, secret): return SQL_STORE.get(key)
    @hookimpl
    def server_sql_defined(self, key): return key in SQL_STORE
    @hookimpl
    def server_sql_set(self, key, val, encrypted, secret, the_user_id):
        SQL_STORE[key] = pickle.loads(pickle.dumps(val))  # stored as the server would: a copy
    @hookimpl
    def server_sql_delete(self, key): SQL_STORE.pop(key, None)
    @hookimpl
    def server_sql_keys(self, prefix): return [k for k in SQL_STORE if k.startswith(prefix)]

    @hookimpl
    def get_default_language(self): return daconfig.get('language', LANGUAGE)
    @hookimpl
    def server_set_user_info(self, kwargs):
        """The signed-in user's own profile only (the server also lets admins name another)."""
        user = _current_info().get('user') or {}
        if not user.get('is_authenticated') or kwargs.get('user_id') is not None or kwargs.get('email') is not None:
            raise HarnessHookMissing('set_user_info for another user: test it on the real server')
        USER_PROFILES.setdefault(user.get('theid'), {}).update(kwargs)
    @hookimpl
    def get_default_dialect(self): return daconfig.get('dialect', DIALECT)
    @hookimpl
    def get_default_locale(self): return daconfig.get('locale', LOCALE)
    @hookimpl
    def get_default_voice(self): return None
    @hookimpl
    def get_default_timezone(self): return daconfig.get('timezone', TIMEZONE)
    @hookimpl
    def get_default_country(self): return daconfig.get('country', COUNTRY)
    @hookimpl
    def get_configuration(self): return daconfig
    @hookimpl
    def get_hostname(self): return 'localhost'
    @hookimpl
    def get_debug_status(self): return bool(daconfig.get('debug', True))
    @hookimpl
    def get_main_page_parts(self): return {}
    @hookimpl
    def get_button_class_prefix(self): return 'btn-'
    @hookimpl
    def get_default_table_class(self): return 'table table-striped'
    @hookimpl
    def get_default_thead_class(self): return 'table-light'
    @hookimpl
    def get_referer(self): return None
    @hookimpl
    def applock(self, action, application, maxtime): return None
    @hookimpl
    def release_lock(self, user_code, filename): return None
    @hookimpl
    def generate_csrf(self, secret_key, token_key): return 'harness-csrf-token'

    @hookimpl
    def url_for(self, endpoint, kwargs):
        from urllib.parse import urlencode
        args = {k: v for k, v in (kwargs or {}).items() if not str(k).startswith('_')}
        return '/' + str(endpoint) + ('?' + urlencode(args, doseq=True) if args else '')

    @hookimpl
    def get_url(self): return 'http://localhost/interview'

    # filenames: exactly the web server's rules
    @hookimpl
    def secure_filename(self, filename): return _webapp_filenames.secure_filename(filename)
    @hookimpl
    def secure_filename_spaces_ok(self, filename): return _webapp_filenames.secure_filename_spaces_ok(filename)
    @hookimpl
    def secure_filename_unicode_ok(self, the_filename): return _webapp_filenames.secure_filename_unicode_ok(the_filename)
    @hookimpl
    def get_ext_and_mimetype(self, filename): return _webapp_filenames.get_ext_and_mimetype(filename)

    # numbered files (uploads, generated documents)
    @hookimpl
    def get_new_file_number(self, user_code, file_name, yaml_file_name):
        return STORE.new_number(file_name, uid=user_code).number

    @hookimpl
    def save_numbered_file(self, filename, orig_path, yaml_file_name, uid):
        entry = STORE.add(orig_path, filename, uid=uid)   # uid None: the current session's
        return entry.number, entry.extension, entry.mimetype

    @hookimpl
    def file_set_attributes(self, file_number, private, persistent, session, filename):
        entry = STORE.get(file_number)
        if entry is None:
            raise ValueError(f'file_set_attributes: file number {file_number} not found')
        if private in (True, False):
            entry.private = private
        if persistent in (True, False):
            entry.persistent = persistent
        if isinstance(session, str):
            entry.uid = session
        if isinstance(filename, str):
            entry.filename = filename

    @hookimpl
    def get_saved_file_class(self): return SavedFile

    @hookimpl
    def file_number_finder(self, file_number, filename, uids, privileged):
        return readable_info(file_number, filename, uids, privileged)

    @hookimpl
    def file_finder(self, file_reference, question, folder, package, filename, return_nonexistent, uids):
        return find_file(file_reference, question=question, folder=folder, package=package,
                         filename=filename, return_nonexistent=return_nonexistent, uids=uids)

    @hookimpl
    def path_from_reference(self, file_reference):
        return path_from_reference(file_reference)

    @hookimpl
    def url_finder(self, file_reference, kwargs):
        from docassemble.base.util import DAFile, DAFileCollection, DAFileList, DAStaticFile
        if isinstance(file_reference, DAFileList) and file_reference.elements:
            file_reference = file_reference.elements[0]
        elif isinstance(file_reference, DAFileCollection):
            file_reference = file_reference._first_file()
        if isinstance(file_reference, DAStaticFile):
            return file_reference.url_for(**kwargs)
        if isinstance(file_reference, DAFile) and hasattr(file_reference, 'number'):
            return f'/uploadedfile/{file_reference.number}/{getattr(file_reference, "filename", "file")}'
        reference = str(file_reference)
        if re.match(r'^(https?://|mailto:|/|\?)', reference):
            return reference
        return '/' + reference

    @hookimpl
    def make_png_for_pdf(self, doc, prefix, page):
        return None  # page images are a web-server (Celery) job

    @hookimpl
    def fg_make_png_for_pdf(self, doc, prefix, page):
        return None


def find_file(file_reference, question=None, folder=None, package=None, filename=None,
              return_nonexistent=False, uids=None) -> dict:
    """file_finder: a file number (the server's access rule applies), or a package file
    reference ('x.docx', 'data/templates/x.docx', 'docassemble.pkg:data/static/x.png')."""
    from docassemble.base.functions import get_current_package, static_filename_path
    reference = str(file_reference)
    if re.fullmatch(r'[0-9]+', reference):
        return readable_info(int(reference), filename, uids)
    if re.match(r'^https?://', reference):
        raise HarnessHookMissing('file_finder: URLs are not fetched headless: ' + reference)
    result: dict[str, Any] = {}
    if ':' not in reference:
        the_package = question.from_source.package if question is not None else package
        the_package = the_package or get_current_package()
        if folder is None:
            m = re.match(r'^data/(templates|sources|static)/(.*)', reference)
            if m:
                folder, reference = m.group(1), m.group(2)
        if folder is not None and '/' not in reference:
            reference = f'data/{folder}/{reference}'
        reference = f'{the_package or "docassemble.base"}:{reference}'
    result['package'] = reference.split(':')[0]
    fullpath = static_filename_path(reference, return_nonexistent=return_nonexistent)
    result['fullpath'] = fullpath
    if fullpath is not None:
        result['filename'] = os.path.basename(fullpath)
        result['mimetype'] = mimetypes.guess_type(fullpath)[0]
        base, ext = os.path.splitext(fullpath)
        result['path'] = base
        result['extension'] = ext.lstrip('.').lower()
        if os.path.isfile(fullpath):
            _add_file_details(fullpath, base, result)
    return result


def path_from_reference(file_reference):
    """As the web server: a DAFile(List/Collection) -> a path whose basename is the
    file's own name (a symlink in a temporary folder); a static file / reference -> its path."""
    from docassemble.base.util import DAFile, DAFileCollection, DAFileList, DAStaticFile
    if isinstance(file_reference, DAFileCollection):
        file_reference = file_reference._first_file()
    if isinstance(file_reference, DAFileList):
        file_reference = file_reference[0]
    if isinstance(file_reference, DAFile):
        info = readable_info(file_reference.number)
        if 'fullpath' not in info:
            raise FileNotFoundError(f'file number {file_reference.number} is not in the harness store '
                                    'or not readable by this session')
        friendly = os.path.join(tempfile.mkdtemp(prefix='SavedFile', dir=FILES_DIR), file_reference.filename)
        os.symlink(info['fullpath'], friendly)
        return friendly
    if isinstance(file_reference, DAStaticFile):
        return file_reference.path()
    if file_reference is None:
        return None
    info = find_file(file_reference)
    if not info.get('fullpath'):
        raise FileNotFoundError(str(file_reference))
    return info['fullpath']


def _missing_hooks_plugin():
    """One trylast implementation per hookspec the harness does not serve: it raises
    HarnessHookMissing naming the hook, instead of docassemble failing later on a None.
    (Hooks HarnessPlugin serves are left out: pluggy would fall through to these when a
    served hook legitimately returns None.)"""
    served = {name for name in dir(HarnessPlugin) if not name.startswith('_')}

    def make(hook_name):
        def impl(*args, **kwargs):  # pluggy passes nothing: no named parameters
            raise HarnessHookMissing(
                f'docassemble hook {hook_name!r} is not available in the headless harness '
                f'(tests/daharness.py); test this part on the real server (tests/server.py)')
        impl.__name__ = hook_name
        return staticmethod(hookimpl(trylast=True)(impl))

    namespace = {name: make(name) for name in dir(hookspecs)
                 if not name.startswith('_') and name not in served
                 and hasattr(getattr(hookspecs, name), 'docassemble_spec')}
    return type('HarnessMissingHooks', (), namespace)()


if pm.get_plugin('rdvrefere-harness') is None:
    pm.register(HarnessPlugin(), name='rdvrefere-harness')
    pm.register(_missing_hooks_plugin(), name='rdvrefere-harness-missing')

import docassemble.base.util  # noqa: E402,F401  (after the hooks: it calls some at import)
from docassemble.base.functions import pickleable_objects  # noqa: E402
from docassemble.base.interview_source import InterviewSourceString, interview_source_from_string  # noqa: E402
from docassemble.base.parse import Interview, InterviewStatus, from_safeid, get_initial_dict  # noqa: E402
from docassemble.base.thread_context import empty_globals, global_context, this_thread, user_dict_context  # noqa: E402
from docassemble.base.language.control import update_locale  # noqa: E402

with global_context(empty_globals()):
    update_locale()  # as the web server at start-up: Python's locale = the configured one


# docassemble's words, as the server's `words:` list (scripts/server.sh) gives them to
# docassemble.webapp's fix_words(): French from docassemble and the package. The other languages'
# words come from the package itself (langues_serveur.py loads its translation files when an
# interview imports it, issue 13), here as on the server. word() then answers as on the server.
WORDS = ('docassemble.base:data/sources/fr-words.yml', f'{PACKAGE}:data/sources/fr-words.yml')


def _load_words() -> None:
    import yaml  # noqa: PLC0415
    from docassemble.base.functions import package_data_filename, update_word_collection  # noqa: PLC0415
    for reference in WORDS:
        found = package_data_filename(reference)
        if found is None:
            raise FileNotFoundError(f"words file {reference} is not installed (make wheel)")
        for language, words in yaml.safe_load(Path(found).read_text(encoding='utf-8')).items():
            update_word_collection(language, words)


_load_words()


# --------------------------------------------------------------------------- sessions
def interview_name(name: str) -> str:
    """'rdvrefere.yml' -> 'docassemble.rdvrefere:data/questions/rdvrefere.yml';
    full references ('docassemble.base:data/questions/examples/x.yml') pass unchanged."""
    if ':' in name:
        return name
    return f'{PACKAGE}:data/questions/{name}'


@dataclass
class Attachment:
    """One document of the current screen: ``files`` maps a format ('pdf', 'docx'...) to a path."""
    name: str
    filename: str
    files: dict[str, str] = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)

    def path(self, fmt: str = 'pdf') -> str:
        return self.files[fmt]


_INDEX = re.compile(r'\[([ijklmn])\]')


class Session:
    """One interview session, driven screen by screen.

    ``Session(yaml, content=None, user=None, url_args=None, roundtrip=True)``

    * ``yaml``: 'docassemble.pkg:data/questions/x.yml' or a short 'x.yml' of this package.
    * ``content``: YAML text parsed as if it were the file ``yaml`` (its package resolves
      templates and ``include: [pkg:file.yml]``; relative includes do not work from text).
    * ``user``: dict merged into ``current_info['user']`` to act as a logged-in user, e.g.
      ``{'email': 'a@b.fr', 'roles': ['advocate'], 'theid': 7}``; default anonymous.
    * ``url_args``: what ``url_args`` holds, as if the session URL carried ``&key=value``.
    * ``roundtrip``: after each screen pickle and unpickle the answers the way the server
      stores them between requests (catches unpicklable variables; modules and functions
      are dropped and re-imported by docassemble, as on the server).
    """

    _ids = itertools.count(1)

    def __init__(self, yaml: str, content: str | None = None, user: dict | None = None,
                 url_args: dict | None = None, roundtrip: bool = True):
        self.yaml = interview_name(yaml)
        self.session_id = f'harness{next(self._ids)}'
        self.user = dict(user or {})
        if self.user:  # a signed-in user owns the sessions it starts (the server's UserDictKeys)
            SESSION_OWNERS[self.session_id] = self.user.get('theid', 1)
        self.roundtrip = roundtrip
        self.status: InterviewStatus | None = None
        self.interview = self._load(content)
        self.user_dict = get_initial_dict()
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        self.user_dict['_internal']['starttime'] = now
        self.user_dict['_internal']['modtime'] = now
        self.user_dict['url_args'] = dict(url_args or {})

    # ----- internals
    def _load(self, content):
        with global_context(empty_globals()):
            this_thread.current_info = self._info()
            if content is None:
                # interview_cache.get_interview() needs Redis: build the Interview directly
                source = interview_source_from_string(self.yaml)
                source.update()
            else:
                package = self.yaml.split(':')[0]
                qdir = str(importlib.resources.files(package).joinpath('data', 'questions'))
                source = InterviewSourceString(content=content, path=self.yaml, directory=qdir,
                                               package=package, testing=False)
            return Interview(source=source)

    def _info(self, action=None, arguments=None) -> dict:
        user = {'is_anonymous': True, 'is_authenticated': False, 'session_uid': self.session_id,
                'device_id': self.session_id, 'email': None, 'the_user_id': 't1', 'theid': 1,
                'roles': ['user'], 'firstname': None, 'lastname': None, 'nickname': None,
                'country': None, 'subdivisionfirst': None, 'subdivisionsecond': None,
                'subdivisionthird': None, 'organization': None, 'timezone': None,
                'language': None, 'location': None}
        if self.user:
            user.update({'is_anonymous': False, 'is_authenticated': True})
            user.update(self.user)
            user.update(USER_PROFILES.get(user.get('theid'), {}))
            if 'theid' in self.user and 'the_user_id' not in self.user:
                user['the_user_id'] = self.user['theid']
        info = {'session': self.session_id, 'secret': None, 'yaml_filename': self.yaml,
                'interface': 'web', 'url': 'http://localhost/interview',
                'url_root': 'http://localhost/', 'encrypted': False, 'user': user,
                'headers': {}, 'clientip': '127.0.0.1', 'method': 'GET', 'arguments': {}}
        if action is not None:  # process_action() treats any 'action' key as a pending action
            info.update({'action': action, 'arguments': arguments or {}})
        return info

    def _in_context(self, func, action=None, arguments=None, prepare=True):
        """Run ``func`` with docassemble's per-request context set up; with ``prepare``, as
        interview code would run: the interview's modules/imports and docassemble.base.util
        loaded into the namespace (the server drops them when it pickles the answers)."""
        with global_context(empty_globals()), user_dict_context(self.user_dict):
            this_thread.current_info = self._info(action, arguments)
            if prepare:
                this_thread.current_package = self.interview.source.package
                this_thread.interview = self.interview
                this_thread.internal = self.user_dict['_internal']
                self.interview.populate_non_pickleable(self.user_dict)
            return func()

    # ----- driving
    def next(self, action: str | None = None, arguments: dict | None = None) -> InterviewStatus:
        """Assemble the interview and return the screen docassemble would show
        (``action``/``arguments``: run an ``event`` as ``url_action`` would)."""
        def step():
            status = InterviewStatus(current_info=this_thread.current_info)
            self.interview.assemble(self.user_dict, status)
            return status
        self.status = self._in_context(step, action, arguments, prepare=False)
        if self.roundtrip:
            self.user_dict = pickle.loads(pickle.dumps(pickleable_objects(self.user_dict)))
        return self.status

    def set(self, variables: dict | None = None, /, **values) -> 'Session':
        """Set variables (Python values, no form conversion); does not advance.
        ``s.set(user_name='Ann')`` or ``s.set({'fruit[0]': 'apple', 'client.name.first': 'Ann'})``."""
        assignments = dict(variables or {})
        assignments.update(values)
        if assignments:
            self._in_context(lambda: self._assign(assignments))
        return self

    def _assign(self, assignments: dict):
        for target, value in assignments.items():
            if target.isidentifier():
                self.user_dict[target] = value
                continue
            self.user_dict['_harness_value'] = value
            try:
                exec(f'{target} = _harness_value', self.user_dict)
            finally:
                del self.user_dict['_harness_value']

    def run(self, code: str) -> 'Session':
        """Execute Python in the interview's namespace, e.g. ``s.run("fruit.append('pear')")``."""
        self._in_context(lambda: exec(code, self.user_dict))
        return self

    def eval(self, expression: str) -> Any:
        """Evaluate a Python expression in the interview's namespace."""
        return self._in_context(lambda: eval(expression, self.user_dict))

    def get(self, name: str, default: Any = None) -> Any:
        """A variable's value, or ``default`` when it is undefined."""
        try:
            return self.eval(name)
        except (NameError, AttributeError, KeyError, IndexError):
            return default
        except Exception as err:  # docassemble's DAAttributeError, DAIndexError...
            if type(err).__name__.startswith('DA') and 'Error' in type(err).__name__:
                return default
            raise

    def answer(self, *values, **by_name) -> InterviewStatus:
        """Answer the current question like the user would, then go to the next screen.

        ``s.answer(True)`` (yesno, or the single field), ``s.answer('Ann', 'Smith')`` (the
        fields in order), ``s.answer(first_name='Ann')`` or ``s.answer({'fruit[i]': 'apple'})``
        (by variable name, as written in the YAML or with indices filled in), ``s.answer()``
        (a question with only a Continue button: sets its variable to True), ``s.answer({})``
        (nothing to assign: the fields are already set, e.g. by ``upload()``).
        Marks a mandatory question as answered, as the server does."""
        if self.status is None:
            self.next()
        raw, actual = self.raw_fields, self.fields
        mapping = len(values) == 1 and isinstance(values[0], dict) and not by_name \
            and set(values[0]) <= set(raw) | set(actual)
        if mapping:  # by name ({} assigns nothing)
            by_name, values = values[0], ()
        assignments = {}
        if values:
            if len(values) > len(actual):
                raise ValueError(f'{len(values)} values for the fields {actual}')
            assignments.update(zip(actual, values))
        for name, value in by_name.items():
            if name in actual:
                assignments[name] = value
            elif name in raw:
                assignments[actual[raw.index(name)]] = value
            else:
                raise KeyError(f'{name!r} is not a field of the current question {actual}')
        if not values and not by_name and not mapping:
            if len(actual) != 1:
                raise ValueError(f'say which of {actual} to answer')
            assignments[actual[0]] = True
        question = self.status.question
        self.set(assignments)
        question.mark_as_answered(self.user_dict)
        return self.next()

    def upload(self, variable: str, *paths, filenames: Iterable[str] | None = None,
               make_pngs: bool = False) -> 'Session':
        """Put real files into ``variable`` the way the web server stores an upload: each
        file gets a file number, is stored as NUMBER/file.EXT (JPEG auto-oriented with
        ImageMagick as the server does), and the variable becomes
        ``DAFileList(variable, elements=[DAFile(variable + '[0]', filename=..., number=...,
        mimetype=..., extension=...), ...])``.  ``variable`` may be the current question's
        field as written in the YAML (``docs[i]``).  ``filenames`` overrides the names the
        user's browser would send.  Does not advance."""
        if not paths:
            raise ValueError('upload() needs at least one file')
        names = list(filenames) if filenames is not None else [os.path.basename(str(p)) for p in paths]
        target = self._actual_name(variable)
        elements = []
        for index, (path, name) in enumerate(zip(paths, names)):
            if not os.path.isfile(path):
                raise FileNotFoundError(path)
            filename = _webapp_filenames.secure_filename_unicode_ok(name)
            extension, mimetype = _webapp_filenames.get_ext_and_mimetype(filename)
            entry = STORE.new_number(_webapp_filenames.secure_filename(name), uid=self.session_id)
            entry.filename, entry.extension, entry.mimetype = filename, extension, mimetype
            _store_upload(str(path), entry)
            elements.append(
                f'docassemble.base.util.DAFile({target + "[" + str(index) + "]"!r}, filename={filename!r}, '
                f'number={entry.number}, make_pngs={make_pngs!r}, mimetype={mimetype!r}, extension={extension!r})')
        code = (f'import docassemble.base.util\n{target} = docassemble.base.util.DAFileList('
                f'{target!r}, elements=[{", ".join(elements)}])')
        return self.run(code)

    def sign(self, variable: str | None = None, image=None) -> 'Session':
        """Answer a ``signature`` question as the server stores a drawn signature: a
        ``DAFile`` named ``canvas.png`` (``image``: a PNG path; default a generated
        scribble).  ``variable`` defaults to the current question's.  Does not advance."""
        if variable is None:
            if len(self.fields) != 1:
                raise ValueError(f'say which of {self.fields} holds the signature')
            variable = self.fields[0]
        target = self._actual_name(variable)
        entry = STORE.new_number('canvas.png', uid=self.session_id)
        if image is None:
            from PIL import Image, ImageDraw
            with tempfile.NamedTemporaryFile(suffix='.png', dir=FILES_DIR) as tmp:
                canvas = Image.new('RGBA', (300, 100), (255, 255, 255, 0))
                ImageDraw.Draw(canvas).line([(10, 80), (80, 20), (150, 80), (220, 20), (290, 60)],
                                            fill=(0, 0, 0, 255), width=4)
                canvas.save(tmp.name)
                entry.write(tmp.name)
        else:
            entry.write(image)
        return self.run(f"import docassemble.base.util\n{target} = docassemble.base.util.DAFile({target!r}, "
                        f"filename='canvas.png', number={entry.number}, mimetype='image/png', "
                        f"make_pngs=True, extension='png')")

    # ----- the current screen
    @property
    def question(self):
        """The docassemble Question object of the current screen."""
        return self.status.question if self.status else None

    @property
    def question_type(self) -> str | None:
        """'fields', 'yesno', 'noyes', 'buttons', 'deadend', 'review', 'signature', ..."""
        return self.question.question_type if self.question else None

    @property
    def question_text(self) -> str:
        return self.status.question_text

    @property
    def subquestion_text(self) -> str | None:
        return self.status.subquestion_text

    @property
    def sought(self) -> str | None:
        """The variable whose definition made docassemble ask this question (e.g. 'fruit[1]')."""
        return self.status.orig_sought

    @property
    def raw_fields(self) -> list[str]:
        """Variables the question sets, as written in the YAML ('fruit[i]')."""
        if not self.question:
            return []
        return [from_safeid(f.saveas) for f in self.question.fields if hasattr(f, 'saveas')]

    @property
    def fields(self) -> list[str]:
        """Variables the question sets, with indices filled in ('fruit[0]'), as the form posts them."""
        return [self._actual_name(name) for name in self.raw_fields]

    @property
    def field_info(self) -> list[dict]:
        """Per field: variable, raw (YAML) name, label, datatype, required, choices (list of
        (value, label)) when the question offers choices."""
        out = []
        for fld in (self.question.fields if self.question else []):
            if not hasattr(fld, 'saveas'):
                continue
            number = getattr(fld, 'number', None)
            label = (self.status.labels or {}).get(number) if hasattr(self.status, 'labels') else None
            choices = None
            selectcompute = getattr(self.status, 'selectcompute', None) or {}
            if number in selectcompute:
                choices = [(c.get('key'), c.get('label')) for c in selectcompute[number] if isinstance(c, dict)]
            raw_name = from_safeid(fld.saveas)
            out.append({'variable': self._actual_name(raw_name), 'raw': raw_name, 'label': label,
                        'datatype': getattr(fld, 'datatype', 'text'),
                        'required': getattr(fld, 'required', True), 'choices': choices})
        return out

    @property
    def buttons(self) -> list:
        """Choices of a multiple-choice (buttons / field + choices) question as (value, label)."""
        info = self.field_info
        return info[0]['choices'] or [] if info else []

    def attachments(self) -> list[Attachment]:
        """Documents offered on the current screen, each format mapped to a file path."""
        result = []
        for att in (self.status.attachments or []) if self.status else []:
            files = {}
            for fmt, number in (att.get('file') or {}).items():
                info = STORE.info(number)
                if info.get('fullpath'):
                    files[fmt] = info['fullpath']
            result.append(Attachment(name=str(att.get('name', '')), filename=str(att.get('filename', '')),
                                     files=files, raw=att))
        return result

    def attachment_paths(self, fmt: str = 'pdf') -> list[str]:
        """Paths of the current screen's documents in format ``fmt``."""
        return [a.files[fmt] for a in self.attachments() if fmt in a.files]

    def screen(self) -> str:
        """A one-paragraph summary of the current screen, for assertion messages."""
        if not self.status:
            return '<not started>'
        return (f'[{self.question_type}] {self.question_text!r} fields={self.fields} '
                f'sought={self.sought!r} attachments={[a.filename for a in self.attachments()]}')

    def _actual_name(self, name: str) -> str:
        """x.attr / x[...] / [i] ... with the iterators' current values, as the server does."""
        d = self.user_dict
        x = d.get('x')
        if x is not None and hasattr(x, 'instanceName'):
            name = re.sub(r'^x(?=[.\[])', x.instanceName, name)
        return _INDEX.sub(lambda m: '[' + repr(d[m.group(1)]) + ']' if m.group(1) in d else m.group(0), name)


def _store_upload(source: str, entry: StoredFile) -> None:
    """As docassemble.webapp's process_file: JPEGs are auto-oriented by ImageMagick,
    GIFs get a PNG copy (DIR/file.png); the rest is stored as is."""
    convert = daconfig.get('imagemagick', 'convert')
    convert = shutil.which(convert) if convert else None
    if entry.extension == 'jpg' and convert:
        with tempfile.NamedTemporaryFile(prefix='datemp', suffix='.jpg', dir=FILES_DIR) as rotated:
            done = subprocess.run([convert, source, '-auto-orient', '-density', '300', 'jpeg:' + rotated.name],
                                  check=False, timeout=60, capture_output=True)
            if done.returncode == 0:
                entry.write(rotated.name)
                return
    entry.write(source)
    if entry.extension == 'gif' and convert:
        subprocess.run([convert, source, f'png:{entry.path}.png'], check=False, timeout=60, capture_output=True)


def start(yaml: str, **kwargs) -> Session:
    """A new session of ``yaml`` (short 'x.yml' = this package's interview) on its first screen."""
    session = Session(yaml, **kwargs)
    session.next()
    return session


def stored_path(file_number) -> str | None:
    """Path of a stored file by number (e.g. ``status.attachments[0]['file']['pdf']``)."""
    info = STORE.info(file_number)
    return info.get('fullpath')


__all__ = ['Session', 'start', 'Attachment', 'STORE', 'FILES_DIR', 'HarnessHookMissing',
           'interview_name', 'stored_path', 'path_from_reference', 'find_file', 'may_read']
