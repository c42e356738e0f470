"""docassemble's own floor under load (issue 15): N clients at once, each re-asking the one
screen of docassemble.base's smallest example interview (yesno.yml: one yes/no question) as fast
as the server answers, with no pause between requests, as bench_charge.py's clients do.

What it shows: the response time that docassemble itself, with no rdvrefere code at all, gives
N clients on this machine. The plain-screen goal of bench_charge.py cannot be lower than this.
Prints median / p95 / max of the response times, requests per second, and, when the server's
pid files are found, the web processes' CPU per request (from /proc). Not a test: no assertion.

    .venv/bin/python benchmarks/bench_plancher.py [--clients 8] [--requetes 40]

Needs the server running (scripts/server.sh start; `allow demo: True` is in its configuration).
Plain HTTP (requests): a GET of the interview loads the session, asks the question, renders the
page and saves the session, as every screen of ours does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

import requests

from cpu_serveur import cpu_du_serveur

INTERVIEW = "docassemble.base:data/questions/examples/yesno.yml"


def client(base: str, requetes: int, durees: list[float], verrou: threading.Lock, erreurs: list[str]) -> None:
    session = requests.Session()
    url = f"{base}/interview?i={INTERVIEW}"
    reponse = session.get(url + "&new_session=1", timeout=120)
    if reponse.status_code != 200 or "18 years" not in reponse.text:
        erreurs.append(f"start: {reponse.status_code}")
        return
    for _ in range(requetes):
        debut = time.perf_counter()
        reponse = session.get(url, timeout=120)
        duree = time.perf_counter() - debut
        with verrou:
            durees.append(duree)
            if reponse.status_code != 200 or "18 years" not in reponse.text:
                erreurs.append(str(reponse.status_code))


def mesurer(base: str, clients: int, requetes: int, pids: Path) -> dict:
    durees: list[float] = []
    erreurs: list[str] = []
    verrou = threading.Lock()
    cpu_avant = cpu_du_serveur(pids).get("web")
    debut = time.perf_counter()
    fils = [threading.Thread(target=client, args=(base, requetes, durees, verrou, erreurs)) for _ in range(clients)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    mur = time.perf_counter() - debut
    cpu_apres = cpu_du_serveur(pids).get("web")
    durees.sort()
    return {
        "clients": clients, "n": len(durees), "erreurs": len(erreurs),
        "median": statistics.median(durees) if durees else None,
        "p95": durees[max(0, int(len(durees) * 0.95) - 1)] if durees else None,
        "max": durees[-1] if durees else None,
        "par_s": len(durees) / mur,
        "cpu_par_requete": ((cpu_apres - cpu_avant) / (len(durees) + clients)
                            if cpu_avant is not None and cpu_apres is not None else None),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requetes", type=int, default=40, help="requests per client after its first page")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{os.environ.get('RDV_PORT', '8080')}"
    pids = Path(os.environ.get("RDV_VAR", Path(__file__).resolve().parents[1] / "var" / "server")) / "pids"
    mesurer(base, 1, 5, pids)                                  # warm: the interview parsed in each worker
    print(f"docassemble's floor: {INTERVIEW}, no pause between requests ({base})")
    for n in sorted({1, args.clients}):
        r = mesurer(base, n, args.requetes, pids)
        cpu = f"  web CPU {r['cpu_par_requete']:.3f} s/request" if r["cpu_par_requete"] is not None else ""
        print(f"  {n} client(s): n={r['n']:4d}  median {r['median']:.2f} s  p95 {r['p95']:.2f} s  "
              f"max {r['max']:.2f} s  {r['par_s']:.1f} requests/s  errors {r['erreurs']}{cpu}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
