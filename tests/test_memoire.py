"""memoire.MemoireBornee: the process's bounded memory (accepted examinations, uploads' paths)."""
from __future__ import annotations

from docassemble.rdvrefere.memoire import MemoireBornee


def test_la_plus_ancienne_entree_est_oubliee_la_premiere_et_une_lecture_la_rafraichit():
    memoire = MemoireBornee(2)
    memoire.garder("a", 1)
    memoire.garder("b", 2)
    assert memoire.get("a") == 1          # « a » is now the most recent
    memoire.garder("c", 3)
    assert (memoire.get("a"), memoire.get("b"), memoire.get("c")) == (1, None, 3)
    assert len(memoire) == 2
    memoire.clear()
    assert len(memoire) == 0 and memoire.get("a") is None
