# syntax=docker/dockerfile:1
# Image of the kreveal Argo CD Config Management Plugin sidecar (CMP v2).
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/kreveal:0.1.0 --push .
#
# The sidecar runs /var/run/argocd/argocd-cmp-server, which the repo-server pod copies into a
# shared volume, so the Deployment sets the command and this image sets no ENTRYPOINT of its own.
# The node base image's ENTRYPOINT (docker-entrypoint.sh) is replaced by the Deployment's command.
# docs/argocd.md explains every step, the tool versions and how to bump them.

# The build and final stages must use the same Node image: `npm run build` stores V8 code cache
# that only the Node version and CPU architecture that wrote it can use. Pin a digest
# (node:24-bookworm-slim@sha256:...) for reproducible builds.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: compiles and bundles kreveal. The bundle in dist/ contains every dependency and loads
# only Node's built-in modules, so node_modules stays in this stage. It runs on the target
# platform (no --platform=$BUILDPLATFORM), so that the code cache matches the final image's
# architecture.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# tsconfig.json also compiles tests/ and bench/, so `npm run build` needs their sources.
COPY tsconfig.json ./
COPY scripts/ scripts/
COPY plugin/ plugin/
COPY tests/ tests/
COPY bench/ bench/
COPY generators/ generators/
RUN npm run build

# ---------------------------------------------------------------------------------------------
# tools: downloads kustomize and Helm and checks each archive against a pinned SHA-256.
FROM ${NODE_IMAGE} AS tools
# BuildKit sets TARGETARCH (amd64, arm64) from --platform.
ARG TARGETARCH

# kustomize v5.7.1, standalone linux tarball from the kubernetes-sigs/kustomize GitHub release
# "kustomize/v5.7.1". The sums are the lines for kustomize_v5.7.1_linux_amd64.tar.gz and
# kustomize_v5.7.1_linux_arm64.tar.gz in that release's checksums.txt, as copied into
# argoproj/argo-cd hack/installers/checksums/kustomize_5.7.1_linux_{amd64,arm64}.tar.gz.sha256.
ARG KUSTOMIZE_VERSION=5.7.1
ARG KUSTOMIZE_SHA256_AMD64=ea375e7372f9aa029129d4b2d16c66b7750b7f1213c4f66f910d981c895818d8
ARG KUSTOMIZE_SHA256_ARM64=4261a040217df3bd6896597c3986d1465925726e4f22a945304b5233a4dcdbda

# Helm v3.19.2 from get.helm.sh. The sums are the contents of
# https://get.helm.sh/helm-v3.19.2-linux-{amd64,arm64}.tar.gz.sha256sum, as copied into
# argoproj/argo-cd hack/installers/checksums/helm-v3.19.2-linux-{amd64,arm64}.tar.gz.sha256.
ARG HELM_VERSION=3.19.2
ARG HELM_SHA256_AMD64=2114c9dea2844dce6d0ee2d792a9aae846be8cf53d5b19dc2988b5a0e8fec26e
ARG HELM_SHA256_ARM64=566e9f3a5a83a81e4b03503ae37e368edd52d699619e8a9bb1fdf21561ae0e88

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /download
RUN set -eu; \
    case "${TARGETARCH:-}" in \
      amd64) kustomize_sha256="${KUSTOMIZE_SHA256_AMD64}"; helm_sha256="${HELM_SHA256_AMD64}" ;; \
      arm64) kustomize_sha256="${KUSTOMIZE_SHA256_ARM64}"; helm_sha256="${HELM_SHA256_ARM64}" ;; \
      *) echo "TARGETARCH '${TARGETARCH:-}' has no pinned checksums: build with docker buildx --platform linux/amd64 or linux/arm64" >&2; exit 1 ;; \
    esac; \
    if [ -z "${kustomize_sha256}" ] || [ -z "${helm_sha256}" ]; then \
      echo "a pinned SHA-256 for ${TARGETARCH} is empty: set KUSTOMIZE_SHA256_* and HELM_SHA256_* to the published checksums" >&2; \
      exit 1; \
    fi; \
    curl -fsSL -o kustomize.tar.gz \
      "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/kustomize_v${KUSTOMIZE_VERSION}_linux_${TARGETARCH}.tar.gz"; \
    echo "${kustomize_sha256}  kustomize.tar.gz" | sha256sum -c -; \
    tar -xzf kustomize.tar.gz kustomize; \
    curl -fsSL -o helm.tar.gz "https://get.helm.sh/helm-v${HELM_VERSION}-linux-${TARGETARCH}.tar.gz"; \
    echo "${helm_sha256}  helm.tar.gz" | sha256sum -c -; \
    tar -xzf helm.tar.gz --strip-components=1 "linux-${TARGETARCH}/helm"; \
    mkdir /out; \
    install -m 0755 kustomize helm /out/; \
    /out/kustomize version; \
    /out/helm version --short

# ---------------------------------------------------------------------------------------------
# final: Node 24, gpg (kreveal's PGP fallback runs the gpg binary), kustomize, Helm and kreveal.
FROM ${NODE_IMAGE}

# uid and gid 999 are the argocd user of Argo CD's own images; the sidecar must run as 999 so
# that it and the repo-server can share the plugin socket folder. The user is created before
# the packages are installed, so that no package can take the id first.
RUN groupadd --gid 999 argocd \
 && useradd --uid 999 --gid 999 --home-dir /home/argocd --create-home --shell /usr/sbin/nologin argocd \
 && apt-get update \
 && apt-get install -y --no-install-recommends gnupg \
 && rm -rf /var/lib/apt/lists/*

COPY --from=tools /out/kustomize /out/helm /usr/local/bin/

# kreveal needs only these three: the bundle, its kustomize plugins, and package.json, which marks
# the package root where kreveal looks for generators/ (plugin/render/plugin-home.ts).
COPY --from=build /src/package.json /opt/kreveal/package.json
COPY --from=build /src/dist /opt/kreveal/dist
COPY --from=build /src/generators /opt/kreveal/generators
# kreveal finds its kustomize plugins (/opt/kreveal/generators) from the real path of this link.
# ksops and SopsSecretGenerator are the other commands of package.json "bin": KSOPS manifests in
# the exec KRM function form (`exec: path: ksops`) find them on PATH when exec is enabled.
RUN ln -s /opt/kreveal/dist/kreveal.js /usr/local/bin/kreveal \
 && ln -s /opt/kreveal/generators/viaduct.ai/v1/ksops/ksops /usr/local/bin/ksops \
 && ln -s /opt/kreveal/generators/goabout.com/v1beta1/sopssecretgenerator/SopsSecretGenerator /usr/local/bin/SopsSecretGenerator

# argocd-cmp-server reads its configuration from this fixed path.
COPY cmp.yaml /home/argocd/cmp-server/config/plugin.yaml
RUN mkdir -p /home/argocd/cmp-server/plugins \
 && chown -R 999:999 /home/argocd

# The Deployment mounts the root file system read-only and a private emptyDir at /tmp, so Helm's
# cache, configuration and data folders (used by `helm dependency build`) live under /tmp.
ENV HELM_CACHE_HOME=/tmp/helm/cache \
    HELM_CONFIG_HOME=/tmp/helm/config \
    HELM_DATA_HOME=/tmp/helm/data

USER 999:999
WORKDIR /home/argocd
