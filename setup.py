"""Packaging: top-level interviews/, templates/, static/ and sources/ become the package's data folders,
as docassemble expects them (docassemble.rdvrefere:data/questions/…, data/templates/…)."""
import re
from pathlib import Path

from setuptools import setup

VERSION = re.search(r'__version__ = "([^"]+)"',
                    Path("docassemble/rdvrefere/__init__.py").read_text()).group(1)

setup(
    name="docassemble.rdvrefere",
    version=VERSION,
    description="Référé « mesures utiles » pour obtenir un rendez-vous en préfecture (L. 521-3 CJA)",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.12",
    packages=[
        "docassemble.rdvrefere",
        "docassemble.rdvrefere.data.questions",
        "docassemble.rdvrefere.data.templates",
        "docassemble.rdvrefere.data.static",
        "docassemble.rdvrefere.data.sources",
    ],
    package_dir={
        "docassemble.rdvrefere": "docassemble/rdvrefere",
        "docassemble.rdvrefere.data.questions": "interviews",
        "docassemble.rdvrefere.data.templates": "templates",
        "docassemble.rdvrefere.data.static": "static",
        "docassemble.rdvrefere.data.sources": "sources",
    },
    package_data={
        "docassemble.rdvrefere": ["*.csv"],
        "docassemble.rdvrefere.data.questions": ["*.yml"],
        "docassemble.rdvrefere.data.templates": ["*.docx"],
        "docassemble.rdvrefere.data.static": ["*.css", "*.js"],
        "docassemble.rdvrefere.data.sources": ["*.yml", "*.xlf"],
    },
    install_requires=[
        "pydantic>=2.5",
        "PyYAML>=6",
        "pikepdf>=8",
        "img2pdf>=0.5",
        "pillow>=10",
        "pillow-heif>=0.16",
        "python-docx>=1.1",
        "docxtpl>=0.16",
    ],
    entry_points={"console_scripts": ["rdvrefere = docassemble.rdvrefere.cli:main"]},
    zip_safe=False,
)
