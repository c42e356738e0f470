#!/usr/bin/env bash
# Debian packages the project needs (run as root; installs only what is missing).
# Why each: see README « Paquets système ».
set -euo pipefail
PACKAGES=(
  postgresql redis-server locales            # the local docassemble server
  libzbar0 wordnet-base wordnet-sense-index  # docassemble.base imports pyzbar and NLTK's WordNet
  libldap2-dev libsasl2-dev                  # python-ldap builds from source for docassemble.webapp
  libreoffice-writer-nogui pandoc            # DOCX/ODT/RTF -> PDF (docassemble needs pandoc beside LibreOffice)
  fonts-dejavu-core fonts-liberation2        # fonts embedded in the PDFs
  poppler-utils qpdf                         # pdftotext / pdfinfo in tests
  tesseract-ocr tesseract-ocr-fra            # reading the date and message on an attempt's capture (issue 11)
  imagemagick ghostscript                    # docassemble's own image path, for the benchmark's comparison
  chromium                                   # the browser tests (Playwright drives /usr/bin/chromium)
  curl
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# docassemble calls setlocale(en_US.UTF-8) at start-up
if ! locale -a 2>/dev/null | grep -qi '^en_US.utf8$'; then
  sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen || echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
fi
# npm, for axe-core in the browser tests (make axe): Debian's nodejs has no npm of its own;
# a nodejs that brings npm (as NodeSource's does) is kept as it is
if ! command -v npm >/dev/null; then
  echo "Installing Debian packages: nodejs npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
