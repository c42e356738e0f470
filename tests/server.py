"""pytest fixtures and helpers for end-to-end tests on the real local docassemble server.

The server is the one of ``scripts/server.sh`` (PostgreSQL, Redis, gunicorn, Celery on
127.0.0.1, state in var/server/).  Mark such tests ``@pytest.mark.server``; run only the
others with ``pytest -m "not server"``.

Fixtures (registered by tests/conftest.py):

``serveur`` (session)
    A :class:`Server`.  Starts the server with ``scripts/server.sh start`` unless it is
    already running (``make up``), and then stops it at the end of the session, even after
    a failure, Ctrl-C or SIGTERM; a server it did not start is left running (but restarted
    if ``make setup`` reinstalled the wheel since).  One server serves the whole session.
``navigateur`` (session)
    A Playwright ``Browser``: Debian's headless Chromium (/usr/bin/chromium, never
    ``playwright install``).
``onglet`` (function)
    A fresh ``Page`` in its own ``BrowserContext`` (own cookies: anonymous, or log it in
    with ``serveur.login(onglet, user)``), closed after the test; when the test fails a
    full-page screenshot goes to ``out/screenshots/<test>.png``.

Typical test::

    @pytest.mark.server
    def test_avocat_voit_ses_dossiers(serveur, onglet):
        avocat = serveur.create_user(privileges=['advocate'])
        serveur.login(onglet, avocat)
        onglet.goto(serveur.interview_url('rdvrefere.yml'))
        expect_question(onglet, 'Votre préfecture')

Users are created through docassemble's REST API (``/api/user/new``) with the admin API
key that ``scripts/server.sh`` registers at every start (var/server/admin.env): it is the
server's public interface, so it keeps working whatever docassemble changes inside.
"""
from __future__ import annotations

import atexit
import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
SERVER_SH = REPO / 'scripts' / 'server.sh'
VENV = Path(os.environ.get('RDV_VENV') or REPO / '.venv')
VAR = Path(os.environ.get('RDV_VAR') or REPO / 'var' / 'server')
if not VAR.is_absolute():
    VAR = REPO / VAR
PORT = int(os.environ.get('RDV_PORT', '8080'))
BASE_URL = f'http://127.0.0.1:{PORT}'
PACKAGE = 'docassemble.rdvrefere'
MAIN_INTERVIEW = f'{PACKAGE}:data/questions/rdvrefere.yml'
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
START_TIMEOUT = int(os.environ.get('RDV_START_TIMEOUT', '180'))
SCREENSHOTS = REPO / 'out' / 'screenshots'


@dataclass
class User:
    """An account on the test server."""
    email: str
    password: str
    id: int
    privileges: list[str] = field(default_factory=list)


class LoginFailed(AssertionError):
    pass


def _server_sh(command: str, timeout: float) -> subprocess.CompletedProcess:
    # stdout/stderr to pipes: server.sh detaches every daemon from them, so this returns
    return subprocess.run(['bash', str(SERVER_SH), command], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def server_running() -> bool:
    """True when scripts/server.sh's web server answers (``server.sh status`` exit 0)."""
    return _server_sh('status', 30).returncode == 0


def read_admin_env() -> dict[str, str]:
    values = {}
    for line in (VAR / 'admin.env').read_text(encoding='utf-8').splitlines():
        if '=' in line and not line.lstrip().startswith('#'):
            key, value = line.split('=', 1)
            values[key.strip()] = value.strip()
    return values


class Server:
    """The running local server: URLs, admin REST API, users, browser log-in, logs."""

    def __init__(self, url: str = BASE_URL, started_here: bool = False, start_seconds: float | None = None):
        self.url = url
        self.started_here = started_here
        self.start_seconds = start_seconds
        admin = read_admin_env()
        self.admin_email = admin['RDV_ADMIN_EMAIL']
        self.admin_password = admin['RDV_ADMIN_PASSWORD']
        self.api_key = admin['RDV_ADMIN_API_KEY']
        self.http = requests.Session()
        self.http.headers['X-API-Key'] = self.api_key

    @property
    def admin(self) -> User:
        return User(self.admin_email, self.admin_password, 1, ['admin'])

    # ----- URLs
    def lien_action(self, yaml: str, action: str, **arguments) -> str:
        """An action URL as docassemble makes them: what an attacker forges or replays."""
        code = base64.b64encode(json.dumps({'action': action, 'arguments': arguments}).encode()).decode().replace('=', '')
        return f'{self.url}/interview?{urlencode({"i": yaml, "action": code})}'

    def interview_url(self, yaml: str = 'rdvrefere.yml', new_session: bool = True, **url_args) -> str:
        """URL starting ``yaml`` ('x.yml' = this package's, or a full 'pkg:data/questions/x.yml');
        ``url_args`` become ``&key=value`` (the interview's ``url_args``)."""
        name = yaml if ':' in yaml else f'{PACKAGE}:data/questions/{yaml}'
        args = {'i': name, **({'new_session': '1'} if new_session else {}), **url_args}
        return f'{self.url}/interview?{urlencode(args)}'

    # ----- the package's register (registre.py), in the server's PostgreSQL
    @staticmethod
    def url_du_registre() -> str:
        return (f"postgresql+psycopg2://docassemble:docassemble-local@127.0.0.1:"
                f"{os.environ.get('RDV_PG_PORT', '5433')}/docassemble")

    def registre(self):
        """The server's register, read directly as the staff screens read it."""
        from docassemble.rdvrefere.registre import Registre
        return Registre(self.url_du_registre())

    # ----- REST API as the admin
    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """``serveur.api('GET', '/api/user_list')``: docassemble's API with the admin key."""
        kwargs.setdefault('timeout', 60)
        return self.http.request(method, self.url + path, **kwargs)

    def privileges(self) -> list[str]:
        response = self.api('GET', '/api/privileges')
        response.raise_for_status()
        return response.json()

    def ensure_privileges(self, names) -> None:
        """Create the privileges (roles) in ``names`` that do not exist yet."""
        existing = set(self.privileges())
        for name in names:
            if name not in existing:
                self.api('POST', '/api/privileges', json={'privilege': name}).raise_for_status()

    def create_user(self, email: str | None = None, password: str | None = None,
                    privileges=('user',), **info) -> User:
        """A user with exactly these privileges (missing ones are created first).  Default
        e-mail unique per call; default password random.  When the e-mail already exists its
        password and privileges are reset, so a test can ask for the same account twice.
        ``info``: first_name, last_name, country, organization, timezone, language..."""
        email = email or f'user-{secrets.token_hex(5)}@example.com'
        password = password or 'Mdp-' + secrets.token_urlsafe(12)
        privileges = list(privileges) or ['user']
        self.ensure_privileges(privileges)
        response = self.api('POST', '/api/user/new',
                            json={'username': email, 'password': password, 'privileges': privileges, **info})
        if response.status_code == 200:
            return User(email, password, int(response.json()['user_id']), privileges)
        if 'already being used' not in response.text:
            raise AssertionError(f'/api/user/new: {response.status_code} {response.text}')
        found = self.api('GET', '/api/user_info', params={'username': email})
        found.raise_for_status()
        user_id = int(found.json()['id'])
        self.api('POST', f'/api/user/{user_id}', json={'password': password, **info}).raise_for_status()
        current = set(found.json().get('privileges', []))
        for name in set(privileges) - current:
            self.api('POST', f'/api/user/{user_id}/privileges', json={'privilege': name}).raise_for_status()
        for name in current - set(privileges):
            self.api('DELETE', f'/api/user/{user_id}/privileges', params={'privilege': name}).raise_for_status()
        return User(email, password, user_id, privileges)

    # ----- browser
    def login(self, page, user: User | str, password: str | None = None, next_url: str | None = None):
        """Log a Playwright page in (sign-in form).  ``user``: a User, or an e-mail with
        ``password``.  Raises LoginFailed with docassemble's message when refused.
        ``next_url``: where to go afterwards (default: docassemble's own landing page)."""
        email, password = (user.email, user.password) if isinstance(user, User) else (user, password)
        page.goto(f'{self.url}/user/sign-in')
        page.locator('#email').fill(email)
        page.locator('#password').fill(password)
        with page.expect_navigation():
            page.locator('button[name="submit"]').click()
        if '/user/sign-in' in page.url:
            alerts = page.locator('.alert, .invalid-feedback, .da-has-error').all_inner_texts()
            raise LoginFailed(f'login refused for {email}: {" | ".join(a.strip() for a in alerts if a.strip())}')
        if next_url:
            page.goto(next_url if next_url.startswith('http') else self.url + next_url)
        return page

    # ----- the server's environment
    def environment(self) -> dict[str, str]:
        """Environment variables of the server's processes (config, NLTK data, HOME)."""
        env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
        env.update({'DA_CONFIG_FILE': str(VAR / 'config.yml'), 'NLTK_DATA': str(VAR / 'nltk_data'),
                    'HOME': str(VAR / 'home'), 'LANG': 'en_US.UTF-8', 'LC_ALL': 'en_US.UTF-8',
                    'PATH': f'{VENV / "bin"}:{os.environ.get("PATH", "")}'})
        return env

    def python(self, code: str, timeout: float = 120) -> str:
        """Run Python in the server's environment (its venv, config and working folder);
        return stdout, raise AssertionError with stderr on failure."""
        done = subprocess.run([str(VENV / 'bin' / 'python'), '-c', code], capture_output=True, text=True,
                              timeout=timeout, cwd=VAR / 'run', env=self.environment(), stdin=subprocess.DEVNULL)
        if done.returncode:
            raise AssertionError(f'python in the server environment failed:\n{done.stderr[-3000:]}')
        return done.stdout

    def log_tail(self, name: str = 'docassemble.log', lines: int = 60) -> str:
        """Last lines of a log in var/server/log (docassemble.log, gunicorn.log, celery.log...)."""
        path = VAR / 'log' / name
        if not path.exists():
            return f'({path} does not exist)'
        return '\n'.join(path.read_text(encoding='utf-8', errors='replace').splitlines()[-lines:])

    def main_interview_installed(self) -> bool:
        try:
            return 'yes' in self.python(
                "import importlib.resources as r; print('yes' if r.files('docassemble.rdvrefere')"
                ".joinpath('data/questions/rdvrefere.yml').is_file() else 'no')")
        except AssertionError:
            return False


def safeid(nom: str) -> str:
    """docassemble's field-name encoding in forms (base64 without « = »): what a forged POST uses."""
    return base64.b64encode(nom.encode('utf-8')).decode().replace('=', '')


def expect_question(page, text: str | re.Pattern, timeout: float = 30_000):
    """Wait until the screen's main question (#daMainQuestion) contains ``text``."""
    from playwright.sync_api import expect
    expect(page.locator('#daMainQuestion')).to_contain_text(text, timeout=timeout)


def click_continue(page, label: str = 'Continue'):
    """Press the screen's submit button and wait for the next screen to load."""
    page.get_by_role('button', name=label).click()
    page.wait_for_load_state()


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope='session')
def serveur(request):
    """The local docassemble server (started here unless already running; see module doc)."""
    if not SERVER_SH.exists():
        pytest.fail(f'{SERVER_SH} missing')
    if server_running():
        # `start` is idempotent; it restarts gunicorn/Celery if the wheel was reinstalled
        done = _server_sh('start', START_TIMEOUT + 120)
        if done.returncode:
            pytest.fail(f'scripts/server.sh start failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}')
        yield Server(started_here=False)
        return

    stopped = False

    def stop():
        nonlocal stopped
        if stopped:
            return
        # a second Ctrl-C / SIGTERM must not cut the stop short (and leave daemons behind);
        # the ignored dispositions are inherited by server.sh, which then also finishes
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            _server_sh('stop', 120)
            stopped = True
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    previous_sigterm = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):  # let pytest unwind (and run this teardown) on SIGTERM
        raise KeyboardInterrupt('SIGTERM')

    signal.signal(signal.SIGTERM, on_sigterm)
    atexit.register(stop)  # last resort, e.g. when the interpreter is torn down early
    failed_before = request.session.testsfailed
    try:
        t0 = time.monotonic()
        done = _server_sh('start', START_TIMEOUT + 120)
        seconds = time.monotonic() - t0
        if done.returncode:
            pytest.fail(f'scripts/server.sh start failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}')
        server = Server(started_here=True, start_seconds=seconds)
        sys.stderr.write(f'\n[serveur] local docassemble server started in {seconds:.1f}s\n')
        yield server
        if request.session.testsfailed > failed_before:
            sys.stderr.write('\n[serveur] tests failed; last lines of var/server/log/docassemble.log:\n'
                             + server.log_tail() + '\n')
    finally:
        stop()
        signal.signal(signal.SIGTERM, previous_sigterm)
        atexit.unregister(stop)


@pytest.fixture(scope='session')
def navigateur():
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright
    if not os.path.exists(CHROMIUM):
        pytest.fail(f'{CHROMIUM} missing (apt-get install chromium: make system)')
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def onglet(request, navigateur):
    """A fresh page in its own context (own cookies); screenshot on failure."""
    context = navigateur.new_context(locale='fr-FR', timezone_id='Europe/Paris',
                                     viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, 'rep_call', None)
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r'[^\w.-]+', '_', request.node.nodeid)[-150:]
            try:
                page.screenshot(path=str(SCREENSHOTS / f'{name}.png'), full_page=True)
            except Exception:  # the page may be gone
                pass
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (rep_setup, rep_call...) for `onglet`."""
    report = yield
    setattr(item, 'rep_' + report.when, report)
    return report
