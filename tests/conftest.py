"""Shared pytest configuration.  Keep it small: fixtures live in their own modules.

tests/server.py: real-server fixtures `serveur`, `navigateur`, `onglet` (and the hook that
lets `onglet` screenshot failed tests); tests/accessibilite.py: `axe_a_chaque_ecran`.  tests/daharness.py is a plain module:
`import daharness` in engine tests.  Markers are declared in pytest.ini.
"""
from accessibilite import axe_a_chaque_ecran  # noqa: F401
from server import navigateur, onglet, pytest_runtest_makereport, serveur  # noqa: F401
