#!/bin/sh
# Publishes the CLI self-contained for linux-x64 into OUTPUT_FOLDER: the tree the Dockerfile copies
# into its image, and the tree the Slow test PublishedTreeTests runs without the .NET SDK.
#   sh build/publish.sh OUTPUT_FOLDER [more dotnet publish arguments, e.g. -p:TorchBackend=cuda]
# The libstdc++ fix-up of libLibTorchSharp.so (AdaptSeg.Geo.Build) is forced, so the tree also runs
# on Debian 12 (libstdc++ up to GLIBCXX_3.4.30) when it is published on a newer system.
set -eu
out=${1:?usage: sh build/publish.sh OUTPUT_FOLDER [dotnet publish arguments]}
shift
exec dotnet publish "$(dirname "$0")/../AdaptSeg.Geo.Cli/AdaptSeg.Geo.Cli.csproj" -c Release \
  -r linux-x64 --self-contained -p:ForceTorchSharpPatch=true -o "$out" --nologo "$@"
