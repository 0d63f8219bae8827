#!/usr/bin/env bash
# Installs or updates a dash-devices executable on the device as a hardened systemd service:
#   sudo ./install-device.sh BINARY [--name N] [--port P] [--user U] [--i2c-bus N]... [--gpiochip N]...
#        [--health-timeout S] [--no-mdns] [--root DIR] [--no-systemctl] [--systemctl CMD] [-- APP-FLAGS...]
#   sudo ./install-device.sh --apply-staged NAME      (run by the update unit after an upload from /admin)
# First install: the binary goes to /opt/dash-devices/NAME/NAME, a system user in the groups i2c
# and gpio (created, with udev rules for /dev/i2c-* and /dev/gpiochip*, when missing), a data
# directory /var/lib/dash-devices/NAME, a unit dash-devices-NAME.service (Type=notify, watchdog,
# restart on failure, sandboxed; only the I2C buses and GPIO chips named may be opened), enabled.
# On an installed NAME it updates: the new binary is written as NAME.new, fsynced and renamed over
# NAME (the old one kept as NAME.prev), the service restarts, and if the new binary does not answer
# HTTP on its port within the health timeout (default 30 s) the previous one is put back.
# Options not given are kept from the last install (/opt/dash-devices/NAME/install.conf).
# --root installs into another root (an SD card mounted on a laptop, or a test directory); there
# systemctl is only run when --systemctl CMD names one. APP-FLAGS go to the app's command line.
# The service answers NAME.local by mDNS (the app's --mdns); --no-mdns leaves that off.
set -euo pipefail

die() { echo "install-device: $*" >&2; [ -n "${RESULT_WRITTEN:-}" ] || result false false "$*"; exit 1; }
# The outcome of --apply-staged, for the app's /admin (readUpdateResult in src/server/update.ts).
result() {
  [ -n "${STAGED:-}" ] && [ -n "${DATA_DIR:-}" ] && [ -d "$ROOT$DATA_DIR" ] || return 0
  local msg=${3//\\/\\\\}
  msg=${msg//\"/\\\"}
  printf '{"ok":%s,"rolledBack":%s,"message":"%s","time":"%s","sha256":"%s"}\n' "$1" "$2" "$msg" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${new_sha:-}" >"$ROOT$DATA_DIR/update.json.new"
  [ -z "${uid:-}" ] || chown "$uid:${gid:-$uid}" "$ROOT$DATA_DIR/update.json.new"
  mv -f "$ROOT$DATA_DIR/update.json.new" "$ROOT$DATA_DIR/update.json"
  RESULT_WRITTEN=1
}
say() { echo "==> $*"; }
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

BIN="" NAME="" PORT="" SVC_USER="" ROOT=/ SYSTEMCTL=systemctl SYSTEMCTL_MODE=auto HEALTH_SECS=30 STAGED=""
I2C=() GPIO=() APP_ARGS=() SET_I2C=0 SET_GPIO=0 SET_ARGS=0 MDNS=""
need() { [ -n "${2:-}" ] && [ "${2#--}" = "$2" ] || die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --name) need "$1" "${2:-}"; NAME="$2"; shift 2 ;;
    --port) need "$1" "${2:-}"; PORT="$2"; shift 2 ;;
    --user) need "$1" "${2:-}"; SVC_USER="$2"; shift 2 ;;
    --i2c-bus) need "$1" "${2:-}"; I2C+=("$2"); SET_I2C=1; shift 2 ;;
    --gpiochip) need "$1" "${2:-}"; GPIO+=("$2"); SET_GPIO=1; shift 2 ;;
    --health-timeout) need "$1" "${2:-}"; HEALTH_SECS="$2"; shift 2 ;;
    --root) need "$1" "${2:-}"; ROOT="$2"; shift 2 ;;
    --no-mdns) MDNS=0; shift ;;
    --no-systemctl) SYSTEMCTL_MODE=no; shift ;;
    --systemctl) need "$1" "${2:-}"; SYSTEMCTL="$2"; SYSTEMCTL_MODE=yes; shift 2 ;;
    --apply-staged) need "$1" "${2:-}"; STAGED="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; APP_ARGS=("$@"); SET_ARGS=1; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$BIN" ] || die "one binary only (got $BIN and $1)"; BIN="$1"; shift ;;
  esac
done

[ "$(id -u)" = 0 ] || [ "$ROOT" != / ] || die "run as root (sudo) to install into /"
ROOT="${ROOT%/}"
if [ -n "$STAGED" ]; then
  [ -z "$BIN" ] || die "--apply-staged takes no binary (it applies /var/lib/dash-devices/$STAGED/update.bin)"
  NAME="$STAGED"
else
  [ -n "$BIN" ] || { usage; die "which binary? e.g. dist/demo-linux-arm64"; }
  [ -f "$BIN" ] || die "no such file: $BIN"
  [ -n "$NAME" ] || NAME="$(basename "$BIN" | sed -E 's/-linux-(x64|arm64)$//')"
fi
[[ "$NAME" =~ ^[A-Za-z0-9_.-]+$ ]] || die "--name must be letters, digits, . _ -; got $NAME"

APP_DIR="/opt/dash-devices/$NAME"
DATA_DIR="/var/lib/dash-devices/$NAME"
UNIT="dash-devices-$NAME.service"
UNIT_DIR="/etc/systemd/system"
CONF="$ROOT$APP_DIR/install.conf"

# ---- the last install's settings (plain KEY=value lines, never sourced)
INSTALLED=0
if [ -f "$CONF" ] && [ -e "$ROOT$APP_DIR/$NAME" ]; then
  INSTALLED=1
  while IFS='=' read -r key value; do
    case "$key" in
      PORT) [ -n "$PORT" ] || PORT="$value" ;;
      USER) [ -n "$SVC_USER" ] || SVC_USER="$value" ;;
      I2C_BUS) [ "$SET_I2C" = 1 ] || read -r -a I2C <<<"$value" ;;
      GPIOCHIP) [ "$SET_GPIO" = 1 ] || read -r -a GPIO <<<"$value" ;;
      APP_ARGS) [ "$SET_ARGS" = 1 ] || read -r -a APP_ARGS <<<"$value" ;;
      MDNS) [ -n "$MDNS" ] || MDNS="$value" ;;
    esac
  done <"$CONF"
fi
[ -n "$STAGED" ] && [ "$INSTALLED" = 0 ] && die "$NAME is not installed here (no $APP_DIR/install.conf); install it first"
PORT="${PORT:-5000}" SVC_USER="${SVC_USER:-dashdev}" MDNS="${MDNS:-1}"
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "--port must be 1-65535, got $PORT"
[[ "$SVC_USER" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "--user must be a plain user name, got $SVC_USER"
[[ "$HEALTH_SECS" =~ ^[0-9]+$ ]] && [ "$HEALTH_SECS" -ge 1 ] || die "--health-timeout must be a number of seconds, got $HEALTH_SECS"
for n in ${I2C[@]+"${I2C[@]}"} ${GPIO[@]+"${GPIO[@]}"}; do [[ "$n" =~ ^[0-9]+$ ]] || die "--i2c-bus and --gpiochip take a number (the N of /dev/i2c-N, /dev/gpiochipN), got $n"; done
# App flags go into ExecStart unquoted: plain words only (no spaces, quotes, % or $).
for a in ${APP_ARGS[@]+"${APP_ARGS[@]}"}; do [[ "$a" =~ ^[A-Za-z0-9_./:=,@+-]+$ ]] || die "app flag \"$a\" has characters a unit's ExecStart would change; use letters, digits and _ . / : = , @ + -"; done

# systemctl runs on the live system, or on another root only when --systemctl names one (tests).
RUN_SYSTEMCTL=0
if [ "$SYSTEMCTL_MODE" = yes ] || { [ "$SYSTEMCTL_MODE" = auto ] && [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1; }; then RUN_SYSTEMCTL=1; fi

# ---- the binary: a 64-bit little-endian ELF; on an update, of the installed one's CPU
elf_machine() { # prints e_machine (62 x86-64, 183 aarch64) or nothing when $1 is not such an ELF
  local h
  h=$(od -An -tx1 -N20 -- "$1" 2>/dev/null | tr -d ' \n')
  [ "${h:0:8}" = 7f454c46 ] && [ "${h:8:4}" = 0201 ] || return 0
  echo $((16#${h:38:2}${h:36:2}))
}
machine_name() { case "$1" in 62) echo x64 ;; 183) echo arm64 ;; *) echo "e_machine $1" ;; esac; }
STAGE_SRC="$BIN"
if [ -n "$STAGED" ]; then
  STAGE_SRC="$ROOT$DATA_DIR/update.bin"
  trap 'rm -f "$STAGE_SRC"' EXIT # applied or refused, it is not tried again
  uid=$(awk -F: -v u="$SVC_USER" '$1==u{print $3}' "$ROOT/etc/passwd")
  gid=$(awk -F: -v u="$SVC_USER" '$1==u{print $4}' "$ROOT/etc/passwd")
  # Written by the (unprivileged) service: a regular file, not a link to something of root's.
  [ -f "$STAGE_SRC" ] && [ ! -L "$STAGE_SRC" ] || die "no staged update at $DATA_DIR/update.bin (or not a regular file)"
fi
new_machine=$(elf_machine "$STAGE_SRC")
[ -n "$new_machine" ] || die "$STAGE_SRC is not a 64-bit Linux executable (build it with: bun run build -- --target arm64)"
if [ "$INSTALLED" = 1 ]; then
  old_machine=$(elf_machine "$ROOT$APP_DIR/$NAME")
  [ -z "$old_machine" ] || [ "$new_machine" = "$old_machine" ] || die "$STAGE_SRC is for $(machine_name "$new_machine"), the installed $NAME for $(machine_name "$old_machine"); build it with --target $(machine_name "$old_machine")"
elif [ -z "$ROOT" ]; then
  case "$(uname -m)" in x86_64) host=62 ;; aarch64|arm64) host=183 ;; *) host="" ;; esac
  [ -z "$host" ] || [ "$new_machine" = "$host" ] || die "$BIN is for $(machine_name "$new_machine"), this device is $(uname -m); build it with --target $(machine_name "$host")"
fi
# The devices named must exist on a live system (on another root they are the card's business).
if [ -z "$ROOT" ]; then
  for n in ${I2C[@]+"${I2C[@]}"}; do [ -e "/dev/i2c-$n" ] || die "no /dev/i2c-$n: enable I2C (sudo raspi-config nonint do_i2c 0, or dtparam=i2c_arm=on in /boot/firmware/config.txt and i2c-dev in /etc/modules), reboot, and run this again"; done
  for n in ${GPIO[@]+"${GPIO[@]}"}; do [ -e "/dev/gpiochip$n" ] || die "no /dev/gpiochip$n: list the chips with ls /dev/gpiochip* (a Pi 5's header is gpiochip4 on older kernels, gpiochip0 on newer)"; done
fi

say "$([ "$INSTALLED" = 1 ] && echo updating || echo installing) $NAME from $STAGE_SRC into ${ROOT:-/}"

# ---- user, groups and udev rules: idempotent, every run
ROOTOPT=()
[ -z "$ROOT" ] || ROOTOPT=(--root "$ROOT")
for g in i2c gpio; do
  if ! grep -q "^$g:" "$ROOT/etc/group" 2>/dev/null; then
    command -v groupadd >/dev/null 2>&1 || die "group $g is missing and groupadd is not installed; create it (groupadd --system $g) and run this again"
    groupadd "${ROOTOPT[@]}" --system "$g" || die "could not create group $g (groupadd --system $g failed); create it and run this again"
    say "created group $g"
  fi
done
if ! grep -q "^$SVC_USER:" "$ROOT/etc/passwd" 2>/dev/null; then
  say "creating system user $SVC_USER"
  useradd "${ROOTOPT[@]}" --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SVC_USER"
fi
usermod "${ROOTOPT[@]}" -a -G i2c,gpio "$SVC_USER"
RULES="$ROOT/etc/udev/rules.d/99-dash-devices.rules"
has_rule() { grep -qsE "$1" "$ROOT"/etc/udev/rules.d/*.rules "$ROOT"/lib/udev/rules.d/*.rules "$ROOT"/usr/lib/udev/rules.d/*.rules; }
rules=()
has_rule 'SUBSYSTEM=="i2c-dev".*GROUP="i2c"' || rules+=('SUBSYSTEM=="i2c-dev", GROUP="i2c", MODE="0660"')
has_rule '(SUBSYSTEM=="gpio"|gpiochip).*GROUP="gpio"' || rules+=('SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"')
if [ ${#rules[@]} -gt 0 ]; then
  install -d -m 0755 "$ROOT/etc/udev/rules.d"
  { echo "# dash-devices: I2C buses and GPIO chips belong to the groups i2c and gpio"; printf '%s\n' "${rules[@]}"; } >>"$RULES"
  say "wrote ${RULES#"$ROOT"} (I2C and GPIO devices to the groups i2c and gpio)"
  if [ -z "$ROOT" ] && command -v udevadm >/dev/null 2>&1; then udevadm control --reload && udevadm trigger --subsystem-match=i2c-dev --subsystem-match=gpio || true; fi
fi
install -d -m 0755 "$ROOT/var/lib/dash-devices"
install -d -m 0700 "$ROOT$DATA_DIR"
uid=$(awk -F: -v u="$SVC_USER" '$1==u{print $3}' "$ROOT/etc/passwd")
gid=$(awk -F: -v u="$SVC_USER" '$1==u{print $4}' "$ROOT/etc/passwd")
chown "$uid:$gid" "$ROOT$DATA_DIR"

# ---- the units
exec_start="$APP_DIR/$NAME --port $PORT --data-dir $DATA_DIR"
devices="" groups=""
for n in ${I2C[@]+"${I2C[@]}"}; do exec_start+=" --i2c-bus $n"; devices+="DeviceAllow=/dev/i2c-$n rw"$'\n'; done
for n in ${GPIO[@]+"${GPIO[@]}"}; do exec_start+=" --gpiochip $n"; devices+="DeviceAllow=/dev/gpiochip$n rw"$'\n'; done
[ ${#I2C[@]} -eq 0 ] || groups+=" i2c"
[ ${#GPIO[@]} -eq 0 ] || groups+=" gpio"
# The installed service is found as NAME.local (multicast stays off when run from a repo or tests).
if [ "$MDNS" = 1 ] && [[ " ${APP_ARGS[*]-} " != *" --mdns "* ]]; then exec_start+=" --mdns"; fi
[ ${#APP_ARGS[@]} -eq 0 ] || exec_start+=" ${APP_ARGS[*]}"
# Ports below 1024 (the app's, or --http-redirect's under TLS) need CAP_NET_BIND_SERVICE, and only that.
low=0
[ "$PORT" -ge 1024 ] || low=1
prev=""
for a in ${APP_ARGS[@]+"${APP_ARGS[@]}"}; do
  case "$prev=$a" in --http-redirect=[0-9]*) [ "$a" -ge 1024 ] || low=1 ;; esac
  case "$a" in --http-redirect=[0-9]*) [ "${a#*=}" -ge 1024 ] || low=1 ;; esac
  prev="$a"
done
if [ "$low" = 1 ]; then caps=$'CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE'; else caps="CapabilityBoundingSet="; fi
# No device named: no /dev at all but the pseudo devices (/dev/null, /dev/urandom, ...).
if [ -z "$devices" ]; then devices="PrivateDevices=yes"$'\n'; fi

unit_text() {
  cat <<UNIT
# Written by install-device.sh; run it again to change it (it keeps the options of the last run).
[Unit]
Description=dash-devices app $NAME
Wants=network-online.target
After=network-online.target systemd-modules-load.service
# Restart=on-failure, but 5 failed starts within 5 minutes leave it failed (systemctl status).
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
# READY=1 once it listens; WATCHDOG=1 every 5 s from its event loop: a hang is a restart.
Type=notify
NotifyAccess=main
WatchdogSec=10
ExecStart=$exec_start
Environment=DD_UPDATE_FILE=$DATA_DIR/update.bin
Restart=on-failure
RestartSec=2
TimeoutStartSec=60
TimeoutStopSec=15
User=$SVC_USER
${groups:+SupplementaryGroups=${groups# }
}UMask=0077

# Sandbox: systemd-analyze security $UNIT. Not set, and why:
#   MemoryDenyWriteExecute: JavaScriptCore's JIT maps its code writable and executable; under it
#     Bun runs without the JIT (measured: JavaScript about 7x slower).
#   PrivateUsers: the device nodes are reached through the groups i2c and gpio, which a private
#     user namespace does not map.
#   PrivateNetwork, IPAddressDeny: it serves the network.
$caps
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
ProtectHome=yes
PrivateTmp=yes
PrivateMounts=yes
ProtectProc=invisible
ProcSubset=pid
DevicePolicy=closed
${devices}ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
RemoveIPC=yes
# AF_NETLINK: os.networkInterfaces() (the addresses it prints and answers to) asks the kernel by netlink.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
# @system-service has ioctl (I2C_RDWR, the GPIO uAPI) and what Bun needs; a call outside fails with EPERM.
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
UNIT
}

install -d -m 0755 "$ROOT$UNIT_DIR" "$ROOT$APP_DIR"
unit_file="$ROOT$UNIT_DIR/$UNIT"
unit_changed=0
if ! [ -f "$unit_file" ] || [ "$(unit_text)" != "$(cat "$unit_file")" ]; then
  unit_changed=1
  [ ! -f "$unit_file" ] || cp -p "$unit_file" "$ROOT$APP_DIR/unit.prev"
  unit_text >"$unit_file.new" && mv -f "$unit_file.new" "$unit_file"
  say "wrote $UNIT_DIR/$UNIT"
fi
# Updates uploaded from /admin: the app (which cannot write /opt or restart itself) stages the
# binary in its data dir; this path unit sees it and runs this script as root to apply it.
cat >"$ROOT$UNIT_DIR/dash-devices-$NAME-update.path" <<UNIT
[Unit]
Description=dash-devices app $NAME: apply an update uploaded from /admin

[Path]
PathExists=$DATA_DIR/update.bin
Unit=dash-devices-$NAME-update.service

[Install]
WantedBy=multi-user.target
UNIT
cat >"$ROOT$UNIT_DIR/dash-devices-$NAME-update.service" <<UNIT
[Unit]
Description=dash-devices app $NAME: apply an update uploaded from /admin

[Service]
Type=oneshot
ExecStart=$APP_DIR/install-device.sh --apply-staged $NAME
UNIT
if [ "$(readlink -f "$0")" != "$(readlink -f "$ROOT$APP_DIR/install-device.sh" 2>/dev/null || true)" ]; then
  install -m 0755 "$0" "$ROOT$APP_DIR/install-device.sh"
fi

# ---- the binary: NAME.new, fsync, rename over NAME; the old one stays as NAME.prev
dir="$ROOT$APP_DIR"
size=$(stat -c %s -- "$STAGE_SRC")
[ "$size" -le $((512 * 1024 * 1024)) ] || die "$STAGE_SRC is $size bytes; a dash-devices app is about 110 MB"
rm -f "$dir/$NAME.new"
# iflag=nofollow: a staged file swapped for a link between the check above and here is refused.
dd if="$STAGE_SRC" of="$dir/$NAME.new" bs=4M iflag=nofollow conv=fsync status=none || die "could not copy $STAGE_SRC to $APP_DIR/$NAME.new"
chmod 0755 "$dir/$NAME.new"
new_sha=$(sha256sum "$dir/$NAME.new" | cut -d' ' -f1)
had_prev=0
if [ -e "$dir/$NAME" ]; then
  ln -f "$dir/$NAME" "$dir/$NAME.prev" # a second name for the running binary: the swap below cannot lose it
  had_prev=1
fi
mv -f -T "$dir/$NAME.new" "$dir/$NAME" # rename(2): the old or the new binary, never half of one
sync "$dir" 2>/dev/null || sync
say "$([ "$had_prev" = 1 ] && echo "swapped in the new binary ($APP_DIR/$NAME; the previous one is $NAME.prev)" || echo "installed $APP_DIR/$NAME")"

write_conf() {
  { echo "PORT=$PORT"; echo "USER=$SVC_USER"; echo "I2C_BUS=${I2C[*]-}"; echo "GPIOCHIP=${GPIO[*]-}"; echo "APP_ARGS=${APP_ARGS[*]-}"; echo "MDNS=$MDNS"; } >"$CONF.new"
  mv -f "$CONF.new" "$CONF"
}
write_conf

# ---- restart, health check, rollback
# Healthy: the unit is active and its page answers HTTP (any status below 500; http or https) on
# 127.0.0.1:PORT, twice a second apart, within HEALTH_SECS. A failed check is tried again after
# 0.2 s (a restarted app usually answers within that), not a whole second.
http_ok() {
  local code
  if command -v curl >/dev/null 2>&1; then
    for scheme in http https; do
      code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 3 "$scheme://127.0.0.1:$PORT/" 2>/dev/null || true)
      [[ "$code" =~ ^[1-4][0-9][0-9]$ ]] && return 0
    done
    return 1
  fi
  local line=""
  exec 9<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || return 1
  printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&9
  IFS= read -r -t 3 line <&9 || true
  exec 9<&- 9>&-
  [[ "$line" =~ ^HTTP/1\.[01]\ [1-4][0-9][0-9] ]]
}
healthy() {
  local end=$((SECONDS + HEALTH_SECS)) good=0
  while [ "$SECONDS" -lt "$end" ]; do
    if "$SYSTEMCTL" is-active --quiet "$UNIT" && http_ok; then
      good=$((good + 1))
      [ "$good" -ge 2 ] && return 0
      sleep 1
    else
      good=0
      sleep 0.2
    fi
  done
  return 1
}

ADDR=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ "$RUN_SYSTEMCTL" = 0 ]; then
  say "not starting it here; on the device: sudo systemctl daemon-reload && sudo systemctl enable --now $UNIT dash-devices-$NAME-update.path"
  [ "$INSTALLED" = 0 ] || say "(an update: sudo systemctl restart $UNIT)"
else
  "$SYSTEMCTL" daemon-reload
  "$SYSTEMCTL" enable "$UNIT" "dash-devices-$NAME-update.path" >/dev/null 2>&1 || "$SYSTEMCTL" enable "$UNIT"
  "$SYSTEMCTL" start "dash-devices-$NAME-update.path" 2>/dev/null || true
  say "restarting $UNIT; health check: HTTP on port $PORT within ${HEALTH_SECS}s"
  "$SYSTEMCTL" restart "$UNIT" || true # a failed start shows in the health check
  if healthy; then
    say "$NAME serves on port $PORT"
    result true false "updated: the new binary serves on port $PORT"
  elif [ "$had_prev" = 0 ]; then
    result false false "the new binary did not answer on port $PORT within ${HEALTH_SECS}s"
    die "$NAME did not answer on port $PORT within ${HEALTH_SECS}s; see journalctl -u $UNIT"
  else
    say "the new binary did not answer on port $PORT within ${HEALTH_SECS}s: rolling back"
    ln -f "$dir/$NAME" "$dir/$NAME.failed"
    mv -f -T "$dir/$NAME.prev" "$dir/$NAME"
    sync "$dir" 2>/dev/null || sync
    if [ "$unit_changed" = 1 ] && [ -f "$dir/unit.prev" ]; then
      mv -f "$dir/unit.prev" "$unit_file"
      "$SYSTEMCTL" daemon-reload
    fi
    "$SYSTEMCTL" restart "$UNIT" || true
    if healthy; then
      result false true "the new binary did not answer on port $PORT within ${HEALTH_SECS}s; rolled back, the previous binary serves"
      die "the new binary did not answer on port $PORT within ${HEALTH_SECS}s; rolled back to the previous one, which serves (the new one is $APP_DIR/$NAME.failed; journalctl -u $UNIT)"
    fi
    result false true "the new binary did not answer; rolled back, but the previous binary does not answer either"
    die "the new binary did not answer on port $PORT, and after the rollback the previous one does not either; see journalctl -u $UNIT"
  fi
fi

echo
echo "Open http://${ADDR:-<device address>}:$PORT/ in a browser."
[ "$INSTALLED" = 1 ] || echo "The first start prints a one-time link to create the admin: journalctl -u $UNIT | grep setup"
