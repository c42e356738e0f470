"""N clients at once through the real server over HTTP, with 12 MP phone photos (issue 15).

Each client, from a new account and a new session to the download screen of its bundle: three
attempts each with a 12 MP photo of the screen, a registered letter (PDF), a 12 MP identity
photo, a proof of address (PDF) and another pièce of two 12 MP photos. Every HTTP request the
browser makes to the interview is timed, from the request leaving the browser to its response
fully received: « upload » screens are the form posts that carry files, « plain » screens all
the others (page loads and form posts). Prints median / p95 / max of each, the 5xx and failed
requests, the clients that did not finish, and the throughput. It is NOT a test: no assertion,
exit 0 (1 only when a client could not finish).

    .venv/bin/python benchmarks/bench_charge.py [--clients 8] [--json out.json]

Starts the server (scripts/server.sh, RDV_* variables honoured) when it is not running, and
stops it afterwards then.

How: one thread per client, each with its own Playwright and headless Chromium (Playwright's
sync API binds a browser to the thread that started it), driving the same screens as the
browser tests (tests/parcours_navigateur.py). The browsers share the server's CPU: on a 2-core
machine their own work inflates the figures a little; what is timed is the HTTP exchange, not
the browser's drawing. A hand-made HTTP client would have to rebuild docassemble's JavaScript
form encoding (hidden field lists, base64 names, file posts) screen by screen.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import fichiers  # noqa: E402  (tests/fichiers.py: real photos and PDFs)
import parcours_navigateur as nav  # noqa: E402
import server as serveur_local  # noqa: E402  (tests/server.py: the same server the tests use)
from playwright.sync_api import sync_playwright  # noqa: E402
from server import expect_question  # noqa: E402

from cpu_serveur import cpu_du_serveur  # noqa: E402

TELEPHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2}
PHOTO_12MP = (4000, 3000)
CONSTAT = "Aucun créneau disponible"


def preparer_fichiers(dossier: Path) -> dict[str, Path | list[Path]]:
    """The files every client uploads (12 MP JPEG photos, 3.5 to 5 MB each, and two PDFs)."""
    photo = lambda nom, orientation=None: fichiers.jpeg_photo(dossier / nom, size=PHOTO_12MP,  # noqa: E731
                                                              orientation=orientation)
    return {
        "captures": [photo("ecran-5-oct.jpg"), photo("ecran-14-oct.jpg", 6), photo("ecran-21-oct.jpg")],
        "lettre": fichiers.pdf(dossier / "lettre-recommandee.pdf", pages=2),
        "identite": photo("passeport.jpg", 6),
        "domicile": fichiers.pdf(dossier / "facture.pdf", pages=1),
        "autres": [photo("file-attente-1.jpg", 8), photo("file-attente-2.jpg")],
    }


class Mesures:
    """Every request to /interview, timed; shared by the clients' threads."""

    def __init__(self):
        self.verrou = threading.Lock()
        self.requetes: list[dict] = []
        self.echecs: list[str] = []

    def suivre(self, page) -> None:
        departs: dict = {}

        def depart(requete):
            if "/interview" in requete.url and requete.resource_type in ("document", "xhr", "fetch"):
                entete = requete.headers.get("content-type", "")
                departs[requete] = (time.perf_counter(), "multipart/form-data" in entete
                                    or b"filename=" in (requete.post_data_buffer or b"")[:200_000],
                                    ECRANS.get(id(page), ""))

        def fin(requete):
            if requete not in departs:
                return
            debut, televersement, ecran = departs.pop(requete)
            reponse = requete.response()
            with self.verrou:
                self.requetes.append({"s": time.perf_counter() - debut, "televersement": televersement,
                                      "methode": requete.method, "statut": reponse.status if reponse else 0,
                                      "ecran": ecran})

        def echec(requete):
            if departs.pop(requete, None) is not None:
                with self.verrou:
                    self.echecs.append(f"{requete.method} {requete.url}: {requete.failure}")

        page.on("request", depart)
        page.on("requestfinished", fin)
        page.on("requestfailed", echec)


_QUESTION = nav.question
ECRANS: dict[int, str] = {}   # id(page) → the screen last waited for: the request leaves from it


def question_ou_rappels(page, texte) -> None:
    """`nav.question`, answering « Non » on the e-mail reminders screen (« Recevoir des rappels
    par courriel ? ») whenever the interview asks it on the way (it asks it again when the
    attempts or the letter change)."""
    attendu = texte.replace("'", "’") if isinstance(texte, str) else None
    titre = page.locator("#daMainQuestion")
    fin = time.monotonic() + 120
    while time.monotonic() < fin:
        try:
            courant = titre.inner_text(timeout=1000) if titre.count() else ""
        except Exception:  # noqa: BLE001 - the page is being replaced
            courant = ""
        if attendu is None or attendu in courant:
            break
        if "Recevoir des rappels" in courant and attendu and "Recevoir des rappels" not in attendu:
            page.wait_for_load_state("networkidle")
            bouton = page.locator("#daform input[type=radio][value=False]").first
            page.locator(f"label[for='{bouton.get_attribute('id')}']").first.click()
            nav.continuer(page)
            page.wait_for_timeout(300)
            continue
        time.sleep(0.1)
    else:
        raise RuntimeError(f"screen « {texte} » never came (last: « {courant} »)")
    _QUESTION(page, texte)
    ECRANS[id(page)] = texte if isinstance(texte, str) else texte.pattern


nav.question = question_ou_rappels


def un_client(serveur, entrees: dict, mesures: Mesures, numero: int, resultats: list, depart: threading.Barrier):
    debut, page = None, None
    try:
        cliente = serveur.create_user(email=f"charge{numero}.{secrets.token_hex(4)}@example.org",
                                      password="Motdepasse-123!")
        with sync_playwright() as p:
            navigateur = p.chromium.launch(executable_path="/usr/bin/chromium", args=serveur_local.CHROMIUM_ARGS)
            contexte = navigateur.new_context(**TELEPHONE)
            page = contexte.new_page()
            page.set_default_timeout(180_000)
            serveur.login(page, cliente)
            depart.wait()
            debut = time.perf_counter()
            mesures.suivre(page)
            nav.identite(page, serveur, "Diallo", f"Awa {numero}")
            nav.jusqua_tentatives(page)
            dates = [("2026-10-05", "09:02"), ("2026-10-14", "10:00"), ("2026-10-21", "11:40")]
            for i, ((date, heure), capture) in enumerate(zip(dates, entrees["captures"]), start=1):
                nav.tentative(page, i, date, heure, capture, CONSTAT)
                nav.question(page, "Avez-vous fait une autre tentative ?")
                nav.oui_non(page, i < len(dates))
            nav.question(page, "Avez-vous écrit ou parlé à la préfecture pour demander un rendez-vous ?")
            nav.oui_non(page, True)
            nav.question(page, "Démarche n° 1")
            page.get_by_text("Lettre recommandée avec accusé de réception", exact=True).click()
            nav.champ(page, "Date").fill("2026-10-16")
            nav.champ(page, "Ce que vous avez demandé").fill("un rendez-vous pour le renouvellement")
            page.locator("input[type=file]").set_input_files(str(entrees["lettre"]))
            nav.continuer(page)
            nav.question(page, "Avez-vous fait une autre démarche ?")
            nav.oui_non(page, False)
            nav.question(page, "Pourquoi est-ce urgent pour vous ?")
            nav.oui_non(page, False)
            nav.question(page, "Votre pièce d'identité")
            page.locator("input[type=file]").set_input_files(str(entrees["identite"]))
            nav.continuer(page)
            nav.question(page, "Votre titre de séjour actuel")
            nav.continuer(page)
            nav.question(page, "Un justificatif de domicile")
            page.locator("input[type=file]").set_input_files(str(entrees["domicile"]))
            nav.continuer(page)
            nav.question(page, "Avez-vous d'autres pièces à joindre ?")
            nav.oui_non(page, True)
            nav.question(page, "Pièce supplémentaire n° 1")
            nav.champ(page, "Nom de la pièce (ce que le juge lira)").fill("Photos de la file d'attente")
            page.locator("input[type=file]").set_input_files([str(f) for f in entrees["autres"]])
            nav.continuer(page)
            nav.question(page, "Voulez-vous ajouter une autre pièce ?")
            nav.oui_non(page, False)
            nav.question(page, "Demandez-vous l'aide juridictionnelle ?")
            nav.oui_non(page, False)
            nav.question(page, "Ce que vous demandez au juge")
            nav.continuer(page)
            avant_revue = time.perf_counter()
            nav.question(page, "Vérifiez votre dossier")
            attente_revue = time.perf_counter() - avant_revue
            if "Bloquant" in page.locator("#daquestion").inner_text():
                raise RuntimeError("the review blocks: " + page.locator("#daquestion").inner_text()[:500])
            nav.continuer(page)
            avant_depot = time.perf_counter()
            # the download screen: the bundle ready (or, with a team's review, sent to the team)
            expect_question(page, re.compile("Votre dossier (est prêt|est en relecture|n’a pas pu)"), timeout=240_000)
            if "pas pu" in page.locator("#daMainQuestion").inner_text():
                raise RuntimeError("the bundle failed: " + page.locator("#daquestion").inner_text()[:500])
            fin = time.perf_counter()
            resultats.append({"client": numero, "ok": True, "s": fin - debut, "revue_s": attente_revue,
                              "depot_s": fin - avant_depot})
            contexte.close()
            navigateur.close()
    except Exception as exc:  # noqa: BLE001 - reported, the other clients go on
        try:
            (REPO / "out").mkdir(exist_ok=True)
            page.screenshot(path=str(REPO / "out" / f"bench-charge-{numero}.png"), full_page=True)
            (REPO / "out" / f"bench-charge-{numero}.html").write_text(page.content())
        except Exception:  # noqa: BLE001
            pass
        resultats.append({"client": numero, "ok": False, "erreur": f"{exc!r}"[:800],
                          "s": time.perf_counter() - debut if debut else None})
        traceback.print_exc()


def chiffres(valeurs: list[float]) -> dict:
    if not valeurs:
        return {"n": 0}
    ordonnees = sorted(valeurs)
    p95 = ordonnees[min(len(ordonnees) - 1, round(0.95 * (len(ordonnees) - 1)))]
    return {"n": len(valeurs), "mediane_s": round(statistics.median(valeurs), 3), "p95_s": round(p95, 3),
            "max_s": round(ordonnees[-1], 3)}


def ceder_le_processeur(nice: int) -> None:
    """Give the clients' browsers the CPU the server leaves. With the kernel's autogroups
    (sched_autogroup_enabled), `nice` only weighs inside a session: the bench runs in a session of
    its own (see main) and nices its autogroup as well as itself; its browsers inherit both."""
    if nice <= 0:
        return
    try:
        Path("/proc/self/autogroup").write_text(str(nice))
    except OSError:
        pass  # no autogroups on this kernel: the process's nice is enough
    os.nice(nice)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="clients at once (8)")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--nice", type=int, default=19,
                        help="niceness of the clients' browsers (19): on a real server the phones are elsewhere; "
                             "0 lets the 8 Chromiums compete with the server for this machine's CPU")
    args = parser.parse_args()

    if args.nice > 0 and os.getsid(0) != os.getpid():
        # a session of its own, whose autogroup can be niced without niceing the caller's
        os.execvp("setsid", ["setsid", "--wait", sys.executable, *sys.argv])
    demarre_ici = not serveur_local.server_running()
    if demarre_ici:
        serveur_local._server_sh("start", timeout=600).check_returncode()
    ceder_le_processeur(args.nice)  # after the server's start: only this process and its browsers
    try:
        serveur = serveur_local.Server(started_here=demarre_ici)
        with tempfile.TemporaryDirectory(prefix="rdv-charge-") as dossier:
            entrees = preparer_fichiers(Path(dossier))
            mesures, resultats = Mesures(), []
            depart = threading.Barrier(args.clients)
            fils = [threading.Thread(target=un_client, args=(serveur, entrees, mesures, n, resultats, depart))
                    for n in range(1, args.clients + 1)]
            cpu_avant = cpu_du_serveur(serveur_local.VAR / "pids")
            debut = time.perf_counter()
            for f in fils:
                f.start()
            for f in fils:
                f.join()
            duree = time.perf_counter() - debut
            cpu_apres = cpu_du_serveur(serveur_local.VAR / "pids")
    finally:
        if demarre_ici:
            serveur_local._server_sh("stop", timeout=120)

    simples = [r["s"] for r in mesures.requetes if not r["televersement"]]
    envois = [r["s"] for r in mesures.requetes if r["televersement"]]
    erreurs_5xx = [r for r in mesures.requetes if r["statut"] >= 500]
    finis = [r for r in resultats if r["ok"]]
    resultat = {
        "clients": args.clients, "finis": len(finis), "duree_s": round(duree, 1),
        "ecrans_simples": chiffres(simples), "televersements": chiffres(envois),
        "reponses_5xx": len(erreurs_5xx), "requetes_echouees": len(mesures.echecs),
        "requetes_par_s": round(len(mesures.requetes) / duree, 2),
        "clients_par_minute": round(60 * len(finis) / duree, 2),
        "client_s": chiffres([r["s"] for r in finis]),
        "revue_s": chiffres([r["revue_s"] for r in finis]),
        "depot_s": chiffres([r["depot_s"] for r in finis]),
        "nice_clients": args.nice,
        # the run's CPU by the server's processes (web includes Tesseract, Celery LibreOffice)
        "cpu_serveur_s": {nom: round(cpu_apres[nom] - cpu_avant[nom], 1) for nom in cpu_apres if nom in cpu_avant},
        "echecs_clients": [r for r in resultats if not r["ok"]],
    }
    print(f"Load: {args.clients} clients at once, new session to download screen, 12 MP photos "
          f"(server {serveur_local.BASE_URL}, clients at nice {args.nice})")
    for titre, cle in (("plain screens", "ecrans_simples"), ("upload screens", "televersements"),
                       ("whole client", "client_s"), ("to the review", "revue_s"), ("review to bundle", "depot_s")):
        c = resultat[cle]
        if c["n"]:
            print(f"  {titre:15} n={c['n']:4}  median {c['mediane_s']:.2f} s  p95 {c['p95_s']:.2f} s  "
                  f"max {c['max_s']:.2f} s")
    print(f"  finished {len(finis)}/{args.clients}; 5xx {len(erreurs_5xx)}; failed requests "
          f"{len(mesures.echecs)}; {resultat['requetes_par_s']} requests/s; "
          f"{resultat['clients_par_minute']} clients/min; wall {resultat['duree_s']} s")
    if resultat["cpu_serveur_s"]:
        cpu = resultat["cpu_serveur_s"]
        par_requete = (f" ({cpu['web'] / len(mesures.requetes):.3f} s per timed request)"
                       if "web" in cpu and mesures.requetes else "")
        print("  server CPU: " + "; ".join(f"{nom} {s} s" for nom, s in cpu.items()) + par_requete)
    par_ecran: dict[str, list[float]] = {}
    for r in mesures.requetes:
        par_ecran.setdefault(("upload from " if r["televersement"] else "from ") + (r["ecran"] or "(start)"),
                             []).append(r["s"])
    resultat["par_ecran"] = {e: chiffres(v) for e, v in par_ecran.items()}
    print("  slowest, by the screen the request left from (p95):")
    for ecran, c in sorted(resultat["par_ecran"].items(), key=lambda kv: -kv[1]["p95_s"])[:6]:
        print(f"    {c['p95_s']:6.2f} s  n={c['n']:3}  {ecran[:70]}")
    for r in resultat["echecs_clients"]:
        print(f"  client {r['client']} did not finish: {r['erreur']}")
    for e in mesures.echecs[:10]:
        print(f"  failed: {e}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(resultat, indent=2, ensure_ascii=False))
    return 0 if len(finis) == args.clients else 1


if __name__ == "__main__":
    sys.exit(main())
