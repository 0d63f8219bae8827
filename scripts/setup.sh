#!/usr/bin/env bash
# Installs what dash-devices needs on a fresh machine that has Node.js and npm:
#   bun (through npm), the project's packages, and with --browser Debian's Chromium for the
#   browser tests. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v bun >/dev/null 2>&1 || ! bun --version >/dev/null 2>&1; then
  step "installing bun with npm (npm install -g bun)"
  npm install -g --allow-scripts=bun bun >&2 2>/dev/null || npm install -g bun >&2
  if ! bun --version >/dev/null 2>&1; then
    # npm may have skipped bun's postinstall, which links the native binary
    node "$(npm root -g)/bun/install.js" >&2 || true
  fi
  bun --version >/dev/null || { echo "setup: bun could not be installed; see https://bun.sh" >&2; exit 1; }
fi

if [ ! -d node_modules/elysia ] || [ package.json -nt node_modules/.bun-install-stamp ]; then
  step "installing packages (bun install)"
  bun install --frozen-lockfile >&2 || bun install >&2
  touch node_modules/.bun-install-stamp
fi

# --kernel (CI): what scripts/qemu-devices.sh needs to run the device contract tests on a real
# kernel under qemu, and what the arm64 bun:ffi test needs (qemu-user-static, libc6-arm64-cross).
# Best effort: without them those tests are skipped with the reason.
if [ "${1:-}" = "--kernel" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || ! ls /boot/vmlinuz-* >/dev/null 2>&1 || ! ls -d /lib/modules/*/build >/dev/null 2>&1; then
      step "installing qemu, a Debian kernel with its headers and busybox for the kernel device tests"
      apt-get update -qq >&2 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod make gcc xz-utils >&2 \
        || echo "setup: could not install the kernel test packages; those tests will be skipped" >&2
    fi
    if ! command -v qemu-aarch64-static >/dev/null 2>&1 || [ ! -f /usr/aarch64-linux-gnu/lib/libc.so.6 ]; then
      step "installing qemu-user-static and libc6-arm64-cross for the arm64 bun:ffi test"
      apt-get update -qq >&2 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static libc6-arm64-cross >&2 \
        || echo "setup: could not install qemu-user-static/libc6-arm64-cross; the arm64 test will be skipped" >&2
    fi
  else
    echo "setup: kernel and arm64 device tests need root and apt-get; they will be skipped" >&2
  fi
  # gpio-mockup is not in Debian's kernel: built once per kernel version into a cache (its three
  # source files fetched from the linux-source package, which is not installed).
  if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    bash scripts/qemu-devices.sh --build-module >&2 || echo "setup: gpio-mockup could not be built; the kernel test's GPIO half will be skipped" >&2
  fi
  # The installer's tests score its unit with systemd-analyze and run the app under its system
  # call filter with libseccomp's python bindings (each skipped with the reason without them).
  if { ! command -v systemd-analyze >/dev/null 2>&1 || ! /usr/bin/python3 -c "import seccomp" 2>/dev/null; } && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "installing systemd and python3-seccomp (the installer's unit: security score, system call filter)"
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd passwd curl python3-seccomp >&2 \
      || echo "setup: could not install systemd/python3-seccomp; the unit's score and sandbox tests will be skipped" >&2
  fi
  # The mDNS test runs in network namespaces of its own (ip netns, veth): iproute2.
  if ! command -v ip >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "installing iproute2 (the mDNS test's network namespaces)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >&2 || echo "setup: could not install iproute2; the mDNS test will be skipped" >&2
  fi
  exit 0
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      step "installing Chromium for the browser tests (apt-get install chromium)"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    else
      echo "setup: Chromium is missing and cannot be installed here (need root and apt-get); browser tests will be skipped." >&2
      echo "       install it with: sudo apt-get install chromium   (or set CHROMIUM_PATH)" >&2
    fi
  fi
fi
