# adaptseg in a container: the CLI published self-contained (the image holds no .NET runtime or
# SDK) on Debian 12 with its system GDAL 3.6, the platform the project is built and tested on.
#
#   docker build -t adaptseg .
#   docker run --rm -v "$PWD:/data" adaptseg predict --checkpoint /data/model.pth \
#       --input /data/scene.tif --output /data/mask.tif --device cpu
#
# CPU libtorch by default. A GPU variant (CUDA libtorch, where your NuGet feed serves
# TorchSharp-cuda-linux; run it with the NVIDIA container toolkit, docker run --gpus ...):
#   docker build --build-arg TORCH_BACKEND=cuda -t adaptseg:cuda .
# What CI checks and what it does not: docs/scale-out.md, "Container image".

ARG TORCH_BACKEND=cpu

# Build stage: Microsoft's .NET 10 SDK image (Ubuntu 24.04; Microsoft ships no Debian images for .NET 10).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TORCH_BACKEND
WORKDIR /src
COPY . .
# Self-contained linux-x64 into /app. The script forces the libstdc++ fix-up: this stage's
# libstdc++ has GLIBCXX_3.4.32, the Debian 12 runtime below stops at 3.4.30.
RUN sh build/publish.sh /app -p:TorchBackend=${TORCH_BACKEND}

# Runtime stage: Debian 12, its GDAL, and what a self-contained .NET app needs (the packages of
# Microsoft's runtime-deps images: ICU, OpenSSL, CA certificates, time zones) plus the plots' font.
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libicu72 libssl3 ca-certificates tzdata fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /opt/adaptseg
WORKDIR /work
ENTRYPOINT ["/opt/adaptseg/adaptseg"]
CMD ["--help"]
