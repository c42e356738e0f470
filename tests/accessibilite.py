"""axe-core (npm, installed by ``make axe`` into tests/node_modules) on a screen of the browser
tests: no serious or critical violation, no skipped heading level, and the page's ``lang`` is
the expected one (French unless told).  ``parcours_navigateur.A_CHAQUE_ECRAN`` runs it on every screen of a walk."""

from __future__ import annotations

from pathlib import Path

import pytest

import parcours_navigateur as nav

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
GRAVES = {"serious", "critical"}
# rules checked whatever axe's impact: the issue's own list (issue 10, point 13)
TOUJOURS = {"heading-order", "html-has-lang", "html-lang-valid", "valid-lang"}


def axe_disponible() -> Path:
    if not AXE.is_file():
        raise AssertionError(f"{AXE} missing: run `make axe` (npm install of tests/package.json)")
    return AXE


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (every rule axe runs by default)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_disponible()))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            cibles: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
    }""")


def verifier(page, ecran: str = "", langue_attendue: str = "fr") -> list[dict]:
    """Fail on a serious or critical violation (or one of TOUJOURS), or a page not in the expected
    language (French unless told: the client interview may be in English or Arabic, issue 13);
    return the other (minor, moderate) violations."""
    langue = page.evaluate("() => document.documentElement.lang")
    assert langue.split("-")[0].lower() == langue_attendue, f"{ecran}: <html lang={langue!r}>, not {langue_attendue}"
    trouvees = violations(page)
    graves = [v for v in trouvees if v["impact"] in GRAVES or v["id"] in TOUJOURS]
    assert not graves, f"axe on « {ecran} » ({page.url}):\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["cibles"]) for v in graves)
    return [v for v in trouvees if v not in graves]


@pytest.fixture
def axe_a_chaque_ecran():
    """axe-core on every screen of a browser walk (parcours_navigateur.A_CHAQUE_ECRAN): no serious
    or critical violation. A browser test module asks for it with
    `pytest.mark.usefixtures("axe_a_chaque_ecran")` (registered by conftest.py)."""
    axe_disponible()
    nav.A_CHAQUE_ECRAN.append(verifier)
    yield
    nav.A_CHAQUE_ECRAN.remove(verifier)
