#!/bin/sh
# Install Jekyll from Debian/Ubuntu packages, for building the site in output/ and for
# tests/site/test_jekyll_site.py: `jekyll` (4.3 on Debian 12) and `ruby-jekyll-paginate`, the
# only plugin the site uses (GitHub Pages runs it too). Nothing is done when `jekyll` is
# already on PATH and Ruby can load jekyll-paginate; a `jekyll` without the plugin fails
# every build with a missing-dependency error, so the packages are installed then too.
# Runs as root, or through sudo when that exists.
set -eu

# The plugin needs Jekyll loaded first (it subclasses Jekyll::Generator).
plugin_loads() {
    ruby -e 'require "jekyll"; require "jekyll-paginate"' >/dev/null 2>&1
}

if command -v jekyll >/dev/null 2>&1; then
    if plugin_loads; then
        echo "install-jekyll: $(jekyll --version) and jekyll-paginate already installed"
        exit 0
    fi
    echo "install-jekyll: $(jekyll --version) is installed but the jekyll-paginate plugin is not; installing it"
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-jekyll: apt-get not found; install Jekyll 4 and jekyll-paginate yourself" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-jekyll: not root and no sudo; run as root: apt-get install jekyll ruby-jekyll-paginate" >&2
    exit 1
fi

# `env`, because sudo drops the caller's environment.
$as_root apt-get update
$as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends jekyll ruby-jekyll-paginate

jekyll --version
if ! plugin_loads; then
    echo "install-jekyll: jekyll-paginate still cannot be loaded by Ruby (ruby -e 'require \"jekyll\"; require \"jekyll-paginate\"')" >&2
    exit 1
fi
