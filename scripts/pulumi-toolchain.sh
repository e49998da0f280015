#!/usr/bin/env bash
# Builds the pinned Pulumi CLI and this repository's Node.js language host from tools/pulumi
# (Go module, pinned by its go.mod and go.sum) into .toolchain/, once per version and source,
# with the dynamic-provider plugin of the installed @pulumi/pulumi beside them (where Pulumi's
# release archive puts it), and prints the environment that puts them on PATH:
#
#     eval "$(bash scripts/pulumi-toolchain.sh)"     # build if needed, then set PATH and friends
#     bash scripts/pulumi-toolchain.sh --bin-dir     # build if needed, print only the bin directory
#
# What it prints also turns off what would reach the network: the update check and plugin
# downloads. A stack's state, PULUMI_HOME and the passphrase are each test's own (docs/testing.md).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$repo/tools/pulumi"

mode="env"
case "${1:-}" in
"") ;;
--bin-dir) mode="bin-dir" ;;
*)
    echo "usage: $0 [--bin-dir]" >&2
    exit 2
    ;;
esac

log() { echo "pulumi-toolchain: $*" >&2; }

if ! command -v go >/dev/null; then
    log "go is not on PATH: the Pulumi CLI is built from its Go module (Go $(sed -n 's/^toolchain go//p' "$module/go.mod") or later)"
    exit 1
fi

# The CLI's version is the one go.mod requires; the key changes with anything that changes the
# binaries: the module's requirements and sums, the host's source, and this recipe.
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$module/go.mod")"
if [ -z "$version" ]; then
    log "tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3"
    exit 1
fi
key="$(cd "$module" && cat go.mod go.sum cmd/pulumi-language-nodejs/*.go "$repo/scripts/pulumi-toolchain.sh" | sha256sum | cut -c1-12)"
root="$repo/.toolchain"
dir="$root/pulumi-$version-$key"
bin="$dir/bin"

# The dynamic-provider plugin (pulumi-resource-pulumi-nodejs) ships inside @pulumi/pulumi.
sdk_dir="$(cd "$repo" && node -p 'require("path").dirname(require.resolve("@pulumi/pulumi/package.json"))' 2>/dev/null || true)"
if [ -z "$sdk_dir" ] || [ ! -x "$sdk_dir/pulumi-resource-pulumi-nodejs" ]; then
    log "@pulumi/pulumi is not installed in $repo (or has no pulumi-resource-pulumi-nodejs): run npm ci first"
    exit 1
fi

build() {
    local tmp
    rm -rf "$root"/.build-* # what an interrupted build left
    tmp="$(mktemp -d "$root/.build-XXXXXX")"
    log "building Pulumi $version and the language host into ${dir#"$repo/"} (the first build downloads the CLI's modules; see docs/testing.md)"
    local start=$SECONDS
    (
        cd "$module"
        CGO_ENABLED=0 go build -mod=readonly -buildvcs=false \
            -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
            -o "$tmp/bin/" \
            github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs
    )
    {
        echo "pulumi $version"
        echo "key $key"
        echo "$(go version)"
        echo "built in $((SECONDS - start)) s"
    } >"$tmp/toolchain.txt"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    log "built in $((SECONDS - start)) s"
}

if [ ! -f "$dir/toolchain.txt" ]; then
    mkdir -p "$root"
    # One build at a time: concurrent test runs wait for the first one and reuse its result.
    exec 9>"$root/.lock"
    flock 9
    if [ ! -f "$dir/toolchain.txt" ]; then
        build
    fi
    flock -u 9
    # Older builds are unreachable once the key changed.
    for old in "$root"/pulumi-*; do
        [ "$old" = "$dir" ] || rm -rf "$old"
    done
fi

# The plugin is a shell script that starts the dynamic-provider host of the @pulumi/pulumi it
# resolves from the program's directory. Beside the CLI it is "bundled": found without the
# warning the CLI prints for a plugin it finds elsewhere on PATH.
if ! cmp -s "$sdk_dir/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"; then
    cp "$sdk_dir/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs.tmp.$$"
    chmod +x "$bin/pulumi-resource-pulumi-nodejs.tmp.$$"
    mv "$bin/pulumi-resource-pulumi-nodejs.tmp.$$" "$bin/pulumi-resource-pulumi-nodejs"
fi

case "$mode" in
bin-dir) echo "$bin" ;;
env)
    printf 'export PATH=%q:"$PATH"\n' "$bin"
    echo "export PULUMI_SKIP_UPDATE_CHECK=true"
    echo "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
    ;;
esac
