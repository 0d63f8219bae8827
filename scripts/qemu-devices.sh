#!/usr/bin/env bash
# Run the I2C and GPIO contract tests against a real Linux kernel: boot Debian's kernel under
# qemu-system-x86_64 with a small initramfs (busybox, i2c-dev, i2c-stub, gpio-mockup and a
# `bun build --compile` binary of test/devices/kernel-runner.ts), load
#   modprobe i2c-dev; modprobe i2c-stub chip_addr=0x50; modprobe gpio-mockup gpio_mockup_ranges=-1,8
# and run the contract cases on /dev/i2c-N and /dev/gpiochipN. Prints the runner's PASS/FAIL/SKIP/
# MEASURE/RESULT lines.
#
# Usage: scripts/qemu-devices.sh [--check | --build-module]
#   --check         only check the prerequisites: exit 0 if the run can happen, 77 (with the reason) if not
#   --build-module  only build gpio-mockup into the cache (below), fetching its sources if needed
#                   (scripts/setup.sh --kernel runs this): exit 0 built or cached, 77 (why) if not
# Exit: 0 all passed, 1 a case failed or the VM did not finish, 77 prerequisites missing.
# Env:  DD_QEMU_TIMEOUT (seconds, default 300), DD_QEMU_WORK (work directory, default a temp dir),
#       DD_KERNEL_VERSION (default: the newest /lib/modules/* with a /boot/vmlinuz-*),
#       DD_CACHE_DIR (default ${XDG_CACHE_HOME:-~/.cache}/dash-devices): the built gpio-mockup.ko
#
# Prerequisites (Debian, as root): apt-get install qemu-system-x86 linux-image-amd64 busybox-static
# cpio kmod. Debian's kernel is built without gpio-mockup (CONFIG_GPIO_MOCKUP is not set: `modinfo
# gpio-mockup` finds nothing in linux-image-amd64's modules), so it is built out of tree with
# linux-headers-$(version) (apt-get install linux-headers-amd64 make gcc) from three source files
# (drivers/gpio/gpio-mockup.c, drivers/gpio/gpiolib.h and kernel/irq/irq_sim.c, bundled because
# CONFIG_IRQ_SIM is not set either), once per kernel version: the .ko is kept in the cache. The
# files come from /usr/src/linux-source-*.tar.* when it is installed; else --build-module takes
# them out of the linux-source package of the headers' version (apt-get download; the package is
# not installed and the download is deleted). Without the module, the GPIO half is skipped with a
# message and I2C still runs.
# KVM is not used: on these machines it hangs at boot; TCG software emulation boots in seconds.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHECK_ONLY=0 BUILD_ONLY=0
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=1
[[ "${1:-}" == "--build-module" ]] && BUILD_ONLY=1
TIMEOUT="${DD_QEMU_TIMEOUT:-300}"

skip() { echo "SKIP: $*"; exit 77; }

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
command -v bun >/dev/null || skip "bun not found"
[[ "$(uname -m)" == "x86_64" ]] || skip "the VM image is x86-64 and this host is $(uname -m)"

KVER="${DD_KERNEL_VERSION:-}"
if [[ -z "$KVER" ]]; then
  for d in $(ls -1d /lib/modules/*/ 2>/dev/null | sort -rV); do
    v="$(basename "$d")"
    if [[ -f "/boot/vmlinuz-$v" ]]; then KVER="$v"; break; fi
  done
fi
[[ -n "$KVER" && -f "/boot/vmlinuz-$KVER" ]] || skip "no kernel image with modules (apt-get install linux-image-amd64)"
MODDIR="/lib/modules/$KVER"
find_mod() { find "$MODDIR/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" 2>/dev/null | head -1; }
I2C_DEV="$(find_mod i2c-dev)"; I2C_STUB="$(find_mod i2c-stub)"
[[ -n "$I2C_DEV" && -n "$I2C_STUB" ]] || skip "kernel $KVER lacks i2c-dev/i2c-stub modules"
BUSYBOX="$(command -v busybox || true)"
[[ -n "$BUSYBOX" ]] || skip "busybox not found (apt-get install busybox-static)"
ldd "$BUSYBOX" >/dev/null 2>&1 && skip "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
command -v cpio >/dev/null || skip "cpio not found (apt-get install cpio)"
command -v depmod >/dev/null || skip "depmod not found (apt-get install kmod)"

# gpio-mockup: in the kernel's modules, else in the cache, else built (from local sources only,
# except with --build-module)
CACHE="${DD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dash-devices}/gpio-mockup/$KVER-v1"
GPIO_MOCKUP="$(find_mod gpio-mockup)"
[[ -z "$GPIO_MOCKUP" && -f "$CACHE/gpio-mockup.ko" ]] && GPIO_MOCKUP="$CACHE/gpio-mockup.ko"
GPIO_NOTE=""
SRC_TAR="$(ls -1 /usr/src/linux-source-*.tar.* 2>/dev/null | sort -rV | head -1 || true)"
if [[ -z "$GPIO_MOCKUP" ]]; then
  if [[ ! -d "$MODDIR/build" ]]; then GPIO_NOTE="gpio-mockup is not in kernel $KVER and linux-headers-$KVER is missing to build it"
  elif ! command -v make >/dev/null || ! command -v gcc >/dev/null; then GPIO_NOTE="make/gcc missing to build gpio-mockup"
  elif [[ -z "$SRC_TAR" && $BUILD_ONLY == 0 ]]; then GPIO_NOTE="gpio-mockup is not in kernel $KVER nor in $CACHE (bash scripts/setup.sh --kernel builds it)"
  fi
fi
if [[ $CHECK_ONLY == 1 ]]; then
  echo "ready: kernel $KVER${GPIO_NOTE:+ (GPIO will be skipped: $GPIO_NOTE)}"
  exit 0
fi

# Builds $CACHE/gpio-mockup.ko from the three source files (from SRC_TAR, or the linux-source
# package of the headers' version); sets GPIO_MOCKUP, or GPIO_NOTE with the reason.
build_gpio_mockup() {
  local B; B="$(mktemp -d /tmp/dd-gpio-mockup.XXXXXX)"
  mkdir -p "$B/src"
  local files=('*/drivers/gpio/gpio-mockup.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c')
  if [[ -n "$SRC_TAR" ]]; then
    tar -xf "$SRC_TAR" -C "$B/src" --wildcards "${files[@]}"
  else
    local hdr ver series
    hdr="$(dpkg-query -W -f='${Version}' "linux-headers-$KVER" 2>/dev/null || true)"
    series="$(echo "$KVER" | cut -d. -f1-2)"
    [[ -n "$hdr" ]] || { GPIO_NOTE="linux-headers-$KVER is not a Debian package here: no linux-source to fetch gpio-mockup.c from"; rm -rf "$B"; return; }
    ver="linux-source-$series=$hdr"
    echo "fetching gpio-mockup's sources from $ver (apt-get download; not installed)" >&2
    if ! (cd "$B" && apt-get download -qq "$ver" >&2); then GPIO_NOTE="apt-get download $ver failed"; rm -rf "$B"; return; fi
    # The package holds one file, the kernel's tarball: stream the three files out of it.
    dpkg-deb --fsys-tarfile "$B"/linux-source-*.deb | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | xz -dc | tar -x -C "$B/src" --wildcards "${files[@]}"
    rm -f "$B"/linux-source-*.deb
  fi
  cp "$B"/src/*/drivers/gpio/gpio-mockup.c "$B/gpio-mockup-main.c"
  cp "$B"/src/*/drivers/gpio/gpiolib.h "$B/"
  cp "$B"/src/*/kernel/irq/irq_sim.c "$B/"
  # irq_to_desc is not exported to modules; generic_handle_irq runs the same handle_simple_irq.
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$B/irq_sim.c"
  printf 'obj-m := gpio-mockup.o\ngpio-mockup-objs := gpio-mockup-main.o irq_sim.o\n' > "$B/Kbuild"
  if make -s -C "$MODDIR/build" M="$B" modules >"$B/build.log" 2>&1; then
    strip --strip-debug "$B/gpio-mockup.ko"
    mkdir -p "$CACHE"
    mv "$B/gpio-mockup.ko" "$CACHE/gpio-mockup.ko.new" && mv -f "$CACHE/gpio-mockup.ko.new" "$CACHE/gpio-mockup.ko"
    GPIO_MOCKUP="$CACHE/gpio-mockup.ko"
    rm -rf "$B"
  else
    GPIO_NOTE="building gpio-mockup failed (see $B/build.log)"
  fi
}

if [[ $BUILD_ONLY == 1 ]]; then
  [[ -n "$GPIO_MOCKUP" ]] && { echo "gpio-mockup: $GPIO_MOCKUP"; exit 0; }
  [[ -z "$GPIO_NOTE" ]] && build_gpio_mockup
  [[ -n "$GPIO_MOCKUP" ]] || skip "$GPIO_NOTE"
  echo "gpio-mockup: built $GPIO_MOCKUP"
  exit 0
fi

AUTO_WORK=0
[[ -z "${DD_QEMU_WORK:-}" ]] && AUTO_WORK=1
WORK="${DD_QEMU_WORK:-$(mktemp -d /tmp/dd-qemu.XXXXXX)}"
mkdir -p "$WORK"
RD="$WORK/root"
rm -rf "$RD" && mkdir -p "$RD"/{bin,dev,proc,sys,tmp,lib64,lib/x86_64-linux-gnu,"lib/modules/$KVER/kernel/drivers/i2c","lib/modules/$KVER/extra"}
T0=$(date +%s.%N)

# 1. gpio-mockup, built out of tree (once: then from the cache) when the kernel lacks it
[[ -z "$GPIO_MOCKUP" && -z "$GPIO_NOTE" ]] && build_gpio_mockup

# 2. modules (decompressed: busybox modprobe loads plain .ko)
add_mod() { # src dest-dir
  local name; name="$(basename "$1")"
  case "$name" in
    *.xz) xz -dc "$1" > "$2/${name%.xz}" ;;
    *.zst) zstd -qdc "$1" > "$2/${name%.zst}" ;;
    *) cp "$1" "$2/" ;;
  esac
}
add_mod "$I2C_DEV" "$RD/lib/modules/$KVER/kernel/drivers/i2c"
add_mod "$I2C_STUB" "$RD/lib/modules/$KVER/kernel/drivers/i2c"
[[ -n "$GPIO_MOCKUP" ]] && add_mod "$GPIO_MOCKUP" "$RD/lib/modules/$KVER/extra"
touch "$RD/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo}
depmod -b "$RD" "$KVER"

# 3. busybox and the compiled contract runner with the glibc it links (and the device thread, a
#    Worker, as a second entry point: Bun embeds a Worker's code only so)
cp "$BUSYBOX" "$RD/bin/busybox"
for a in sh mount modprobe cat echo ls poweroff mkdir sleep basename; do ln -s busybox "$RD/bin/$a"; done
(cd "$ROOT_DIR" && bun build --compile test/devices/kernel-runner.ts src/devices/thread/device-thread.ts --outfile "$RD/bin/kernel-runner" >"$WORK/bun-build.log" 2>&1) || { cat "$WORK/bun-build.log"; echo "FAIL: bun build --compile"; exit 1; }
for lib in $(ldd "$RD/bin/kernel-runner" | grep -o '/[^ ]*'); do
  mkdir -p "$RD$(dirname "$lib")"
  cp -L "$lib" "$RD$lib"
done

# 4. /init: load the modules, find the devices, run the cases, power off
cat > "$RD/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmp /tmp
echo "DD-BOOTED"
modprobe i2c-dev && modprobe i2c-stub chip_addr=0x50 || echo "DD-ERROR modprobe i2c-dev/i2c-stub failed"
ARGS=""
for a in /sys/class/i2c-dev/i2c-*; do
  if [ "$(cat "$a/name" 2>/dev/null)" = "SMBus stub driver" ]; then ARGS="--i2c /dev/$(basename "$a") --chip 0x50 --absent 0x51"; fi
done
if modprobe gpio-mockup gpio_mockup_ranges=-1,8 2>/dev/null; then
  for c in /sys/kernel/debug/gpio-mockup/gpiochip*; do
    [ -d "$c" ] && ARGS="$ARGS --gpio /dev/$(basename "$c") --gpio-debugfs $c"
  done
else
  echo "SKIP gpio: gpio-mockup module not available"
fi
echo "DD-ARGS $ARGS"
/bin/kernel-runner $ARGS
echo "DD-EXIT $?"
poweroff -f
INIT
chmod +x "$RD/init"
(cd "$RD" && find . | cpio -o -H newc --quiet) > "$WORK/initramfs.cpio"
T1=$(date +%s.%N)
[[ -n "$GPIO_NOTE" ]] && echo "SKIP gpio: $GPIO_NOTE"
echo "MEASURE initramfs $(du -m "$WORK/initramfs.cpio" | cut -f1) MB, built in $(awk "BEGIN{printf \"%.1f\", $T1 - $T0}") s"

# 5. boot (TCG; -cpu max gives the AVX2 the bun binary wants)
LOG="$WORK/console.log"
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 -nographic -no-reboot \
  -kernel "/boot/vmlinuz-$KVER" -initrd "$WORK/initramfs.cpio" \
  -append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null >"$LOG" 2>&1
QRC=$?
set -e
T2=$(date +%s.%N)
tr -d '\r' <"$LOG" | grep -E '^(PASS|FAIL|SKIP|MEASURE|RESULT|DD-ERROR)' || true
echo "MEASURE VM boot + run: $(awk "BEGIN{printf \"%.1f\", $T2 - $T1}") s (TCG, kernel $KVER)"
if [[ $QRC == 124 ]]; then echo "FAIL: the VM did not finish within ${TIMEOUT}s (console log: $LOG)"; exit 1; fi
if ! grep -q "DD-BOOTED" "$LOG"; then echo "FAIL: the VM did not boot (console log: $LOG)"; tail -20 "$LOG"; exit 1; fi
if ! tr -d '\r' <"$LOG" | grep -q '^DD-EXIT 0$'; then echo "FAIL: the contract runner failed (console log: $LOG)"; tr -d '\r' <"$LOG" | grep -E 'DD-|Illegal|error' | tail -10; exit 1; fi
if [[ $AUTO_WORK == 1 ]]; then rm -rf "$WORK"; echo "OK: kernel contract tests passed"; else echo "OK: kernel contract tests passed (console log: $LOG)"; fi
