#!/bin/sh
# Installs what AdaptSeg.Geo needs on a fresh Debian 12+ / Ubuntu 22.04+ machine, as root or as a
# user with sudo:
#   - the system GDAL library (libgdalNN),
#   - a font for the plots (fonts-dejavu-core; ScottPlot draws through SkiaSharp),
#   - the .NET 10 SDK when `dotnet` has none, with Microsoft's dotnet-install.sh into
#     /usr/local/share/dotnet, linked as /usr/local/bin/dotnet.
# With --test-tools also python3-gdal, python3-torch, python3-torchvision, python3-qgis and python3-jsonschema, which some
# tests use to check the outputs in GDAL's COG validator, PyTorch, QGIS and the STAC JSON Schemas
# (they are skipped, with the reason, without).
# Everything present: it only checks (a fraction of a CPU-second; no apt, no network).
set -eu

test_tools=no
for argument in "$@"; do
  case "$argument" in
    --test-tools) test_tools=yes ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option '$argument' (use --test-tools or --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  as_root="missing"
fi

run_as_root() {
  if [ "$as_root" = "missing" ]; then
    echo "setup.sh: '$*' needs root, and sudo is not installed. Run this script as root (e.g. 'su -c \"sh build/setup.sh\"')." >&2
    exit 1
  fi
  $as_root env DEBIAN_FRONTEND=noninteractive "$@"
}

ldconfig_cmd=$(command -v ldconfig || echo /sbin/ldconfig)
packages=""
updated=no

apt_update_once() {
  if [ "$updated" = no ]; then
    run_as_root apt-get update -qq
    updated=yes
  fi
}

# The newest package named like libgdal32 / libgdal34t64 that the distribution offers.
newest_package() {
  apt-cache pkgnames "$1" | grep -E "^$1[0-9]+(t64)?\$" | sort -V | tail -n 1
}

if ! "$ldconfig_cmd" -p | grep -q 'libgdal\.so'; then
  apt_update_once
  gdal=$(newest_package libgdal)
  [ -n "$gdal" ] || { echo "setup.sh: no libgdalNN package found; install GDAL 3.4 or newer yourself." >&2; exit 1; }
  packages="$packages $gdal"
fi

if [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  packages="$packages fonts-dejavu-core"
fi

if [ "$test_tools" = yes ]; then
  for module in osgeo.gdal:python3-gdal torch:python3-torch qgis.core:python3-qgis jsonschema:python3-jsonschema torchvision:python3-torchvision; do
    if ! /usr/bin/python3 -c "import ${module%%:*}" >/dev/null 2>&1; then
      packages="$packages ${module#*:}"
    fi
  done
fi

has_sdk10() {
  command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'
}

if ! has_sdk10; then
  apt_update_once
  icu=$(newest_package libicu)
  packages="$packages curl ca-certificates ${icu}"
fi

if [ -n "$packages" ]; then
  apt_update_once
  echo "setup.sh: installing$packages"
  # shellcheck disable=SC2086
  run_as_root apt-get install -y -qq $packages >/dev/null
fi

if ! has_sdk10; then
  echo "setup.sh: installing the .NET 10 SDK (Microsoft's dotnet-install.sh) into /usr/local/share/dotnet"
  script=$(mktemp)
  curl -sSfL https://dot.net/v1/dotnet-install.sh -o "$script"
  run_as_root bash "$script" --channel 10.0 --install-dir /usr/local/share/dotnet --no-path
  rm -f "$script"
  run_as_root ln -sf /usr/local/share/dotnet/dotnet /usr/local/bin/dotnet
  hash -r 2>/dev/null || true
  if ! has_sdk10; then
    echo "setup.sh: the SDK is in /usr/local/share/dotnet but 'dotnet' on your PATH is another one ($(command -v dotnet)); put /usr/local/bin first on PATH." >&2
    exit 1
  fi
fi

echo "setup.sh: ready (GDAL library, fonts, .NET SDK $(dotnet --list-sdks 2>/dev/null | grep '^10\.' | tail -n 1 | cut -d' ' -f1))"
