#!/usr/bin/env bash
# Builds the artifact that systemd/install.sh installs on a Pi: compiled dist/ plus the
# production node_modules, the example config, the systemd files, the docs and the broker
# set-up (deploy/), as
#   ./pos-agent-<version>-linux-<arch>-node<major>.tar.gz  (in the current directory)
# where <version> is package.json's version plus the git commit (0.1.0+g1a2b3c4d5e6f).
#
#   systemd/build-artifact.sh [--ref REF] [--out DIR]      (DIR defaults to the current directory)
#
# It builds what is COMMITTED at REF (default HEAD), in a scratch directory: a clean
# `npm ci`, `npm run build`, then `npm prune --omit=dev`. Your checkout is not touched.
#
# Native modules (better-sqlite3, serialport, onoff) are compiled for the machine and the
# Node major this runs on, so build on the same CPU architecture and Node major as the Pi:
# on a Pi itself (slow but simple), or in an arm64 container, e.g.
#   docker run --rm --platform linux/arm64 -v "$PWD":/src -w /src node:22-bookworm \
#     bash -c 'apt-get update && apt-get install -y python3 make g++ && systemd/build-artifact.sh'
# install.sh refuses an artifact whose architecture or Node ABI differs from the Pi's node.
#
# Needs: git, node and npm (Node 22 LTS or ≥ 20.19), python3, make and g++ for the native
# modules, GNU tar. Exit codes: 0 built, 64 usage, 69 missing tool, 70 build failed.
set -euo pipefail

REF=HEAD
REPO=$(cd "$(dirname "$0")/.." && pwd -P)
OUT=$PWD

while [ $# -gt 0 ]; do
  case "$1" in
    --ref) [ $# -ge 2 ] || exit 64; REF=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || exit 64; OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--ref REF] [--out DIR]" >&2; exit 64 ;;
  esac
done

for tool in git node npm tar; do
  command -v "$tool" >/dev/null || { echo "build-artifact.sh: $tool not found" >&2; exit 69; }
done

COMMIT=$(git -C "$REPO" rev-parse --verify --short=12 "$REF^{commit}") || { echo "build-artifact.sh: unknown ref $REF" >&2; exit 64; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/src"
git -C "$REPO" archive --format=tar "$COMMIT" | tar -x -C "$WORK/src"

VERSION="$(node -p 'require(process.argv[1]).version' "$WORK/src/package.json")+g$COMMIT"
read -r NODE_VERSION NODE_ABI ARCH PLATFORM <<<"$(node -p '[process.versions.node, process.versions.modules, process.arch, process.platform].join(" ")')"
echo "--- building pos-agent $VERSION for $PLATFORM-$ARCH, node $NODE_VERSION (ABI $NODE_ABI)"

(
  cd "$WORK/src"
  npm ci --no-audit --no-fund
  npm run -s build
  npm prune --omit=dev --no-audit --no-fund
) || { echo "build-artifact.sh: build failed" >&2; exit 70; }

NAME=pos-agent-$VERSION
DEST=$WORK/$NAME
mkdir -p "$DEST/config"
cp -a "$WORK/src/dist" "$WORK/src/node_modules" "$WORK/src/package.json" "$WORK/src/package-lock.json" "$DEST/"
# The simulator, the demo and the benchmark are development tools: not on a till (aedes, their
# embedded broker, is a dev dependency and pruned above).
rm -rf "$DEST/dist/sim" "$DEST/dist/demo" "$DEST/dist/bench"
cp -a "$WORK/src/config/pos-agent.example.yaml" "$DEST/config/"
cp -a "$WORK/src/systemd" "$DEST/"
[ ! -d "$WORK/src/docs" ] || cp -a "$WORK/src/docs" "$DEST/"
[ ! -d "$WORK/src/deploy" ] || cp -a "$WORK/src/deploy" "$DEST/"
for f in README.md LICENSE; do [ ! -f "$WORK/src/$f" ] || cp -a "$WORK/src/$f" "$DEST/"; done
cat >"$DEST/BUILD-INFO" <<EOF
version=$VERSION
git_commit=$(git -C "$REPO" rev-parse "$COMMIT")
node_version=$NODE_VERSION
node_abi=$NODE_ABI
arch=$ARCH
platform=$PLATFORM
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF

mkdir -p "$OUT"
TARBALL=$OUT/$NAME-$PLATFORM-$ARCH-node${NODE_VERSION%%.*}.tar.gz
tar -C "$WORK" --owner=0 --group=0 --numeric-owner --sort=name -czf "$TARBALL" "$NAME"
echo "--- $TARBALL ($(du -h "$TARBALL" | cut -f1))"
echo "    on the Pi: tar -xzf $(basename "$TARBALL") && sudo ./$NAME/systemd/install.sh ./$NAME"
