#!/usr/bin/env python3
"""Build, offline, the NLTK corpora that docassemble needs when it is imported.

Why: importing docassemble.base (docassemble.base.pattern, docassemble_pattern) calls
``nltk.download()`` for ``wordnet``, ``wordnet_ic``, ``sentiwordnet`` and ``omw-1.4``
unless they are already present.  The download host is unreachable here (and in CI),
so we build them from Debian's WordNet 3.0 (packages ``wordnet-base`` and
``wordnet-sense-index``, files in /usr/share/wordnet):

* ``corpora/wordnet``       the Debian files plus the ``lexnames`` file NLTK reads
                            (the fixed list of 45 lexicographer files, lexnames(5WN));
* ``corpora/wordnet_ic``    a tiny ``ic-brown.dat`` (information content is only used
                            by similarity measures, which docassemble never calls);
* ``corpora/sentiwordnet``, ``corpora/omw-1.4``  empty placeholders.

Each corpus is written both as ``NAME.zip`` (docassemble.base.pattern tests for the
zip) and as the folder ``NAME/`` (docassemble_pattern calls ``nltk.data.find``), the
way ``nltk.download()`` leaves them.

Usage:  python scripts/make_nltk_data.py DEST      then  export NLTK_DATA=DEST
Idempotent: does nothing when DEST already holds a complete build (stamp file).
The build goes to a temporary sibling folder renamed into place, so an interrupted
run never leaves a half-built DEST.  Takes about a second.
"""
import os
import shutil
import sys
import tempfile
import zipfile

WORDNET_DIR = "/usr/share/wordnet"
STAMP = ".rdvrefere-nltk-data-v1"
CORPORA = ("wordnet", "wordnet_ic", "sentiwordnet", "omw-1.4")

# lexnames(5WN): file number, name, syntactic category (1 noun, 2 verb, 3 adj, 4 adv).
LEXNAMES = """
adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant
noun.possession noun.process noun.quantity noun.relation noun.shape noun.state
noun.substance noun.time verb.body verb.change verb.cognition verb.communication
verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion
verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl
""".split()
CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def lexnames_text():
    return "".join("%02d\t%s\t%d\n" % (i, name, CATEGORY[name.split(".")[0]])
                   for i, name in enumerate(LEXNAMES))


def build(dest, wordnet_dir=WORDNET_DIR):
    """Write the corpora into ``dest`` (created if needed); return ``dest``."""
    dest = os.path.abspath(dest)
    if os.path.isfile(os.path.join(dest, STAMP)):
        return dest
    if not os.path.isfile(os.path.join(wordnet_dir, "index.sense")):
        raise SystemExit("WordNet not found in %s: apt-get install wordnet-base "
                         "wordnet-sense-index (see scripts/install-system.sh)" % wordnet_dir)
    parent = os.path.dirname(dest)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".nltk-build-", dir=parent)
    try:
        corpora = os.path.join(tmp, "corpora")
        os.makedirs(corpora)
        with zipfile.ZipFile(os.path.join(corpora, "wordnet.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("wordnet/", "")
            for name in sorted(os.listdir(wordnet_dir)):
                path = os.path.join(wordnet_dir, name)
                if os.path.isfile(path):
                    z.write(path, "wordnet/" + name)
            z.writestr("wordnet/lexnames", lexnames_text())
        with zipfile.ZipFile(os.path.join(corpora, "wordnet_ic.zip"), "w") as z:
            z.writestr("wordnet_ic/", "")
            # header + one root synset per part of speech: enough for wn_ic.ic() to load
            z.writestr("wordnet_ic/ic-brown.dat", "wnver::offline-stub\n1740n 1.0 ROOT\n2367v 1.0 ROOT\n")
        for name in ("sentiwordnet", "omw-1.4"):
            with zipfile.ZipFile(os.path.join(corpora, name + ".zip"), "w") as z:
                z.writestr(name + "/", "")
                z.writestr(name + "/README", "offline placeholder (scripts/make_nltk_data.py)\n")
        for name in CORPORA:
            with zipfile.ZipFile(os.path.join(corpora, name + ".zip")) as z:
                z.extractall(corpora)
        with open(os.path.join(tmp, STAMP), "w", encoding="utf-8") as fp:
            fp.write("built from %s\n" % wordnet_dir)
        if os.path.exists(dest):
            shutil.rmtree(dest)  # an incomplete earlier build (no stamp)
        os.replace(tmp, dest)
        os.chmod(dest, 0o755)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[0])
        print("usage: %s DEST" % os.path.basename(argv[0]))
        return 2
    print("NLTK data in", build(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
