#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu with Python 3.11: system packages (LibreOffice for PDF, CJK
# fonts, poppler for the PDF tests, python3-uno so `build --pdf` drives one long-lived LibreOffice), then a virtual environment with budgetdoc installed.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai fonts-liberation2 fontconfig python3-venv python3-uno)
missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: cannot install ${missing[*]} (no apt-get); PDF output and its tests need them" >&2
  fi
fi

# The browser test drives Debian's chromium through chromium-driver (selenium). Installed like LibreOffice,
# but a distribution without these packages only skips that test (it says why) instead of failing set-up.
BROWSER_PACKAGES=(chromium chromium-driver)
browser_missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in "${BROWSER_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || browser_missing+=("$p")
  done
fi
if [ ${#browser_missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing browser for the web tests: ${browser_missing[*]}"
  { [ ${#missing[@]} -gt 0 ] || $SUDO apt-get update -qq; } &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${browser_missing[@]}" >/dev/null ||
    echo "setup: warning: could not install ${browser_missing[*]}; the browser test will be skipped" >&2
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
echo "setup: ok ($(.venv/bin/python --version))"
