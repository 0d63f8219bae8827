#!/usr/bin/env bash
# Installs a dash-devices executable on the device as a service:
#   sudo scripts/install-device.sh dist/demo-linux-arm64 [--name demo] [--port 5000] [--user dashdev]
#        [--root DIR] [--no-systemctl]
# It copies the binary to /opt/dash-devices/NAME/, creates a system user that may use I2C and GPIO
# (groups i2c and gpio, when they exist), gives it a data directory /var/lib/dash-devices/NAME,
# writes and enables a systemd unit that restarts on failure, and prints the URL to open.
# --root installs into another root (an SD card mounted on a laptop, or a test directory).
set -euo pipefail

die() { echo "install-device: $*" >&2; exit 1; }
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }

BIN="" NAME="" PORT=5000 SVC_USER=dashdev ROOT=/ SYSTEMCTL=1
while [ $# -gt 0 ]; do
  case "$1" in
    --name) NAME="${2:?--name needs a value}"; shift 2 ;;
    --port) PORT="${2:?--port needs a value}"; shift 2 ;;
    --user) SVC_USER="${2:?--user needs a value}"; shift 2 ;;
    --root) ROOT="${2:?--root needs a value}"; shift 2 ;;
    --no-systemctl) SYSTEMCTL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$BIN" ] || die "one binary only (got $BIN and $1)"; BIN="$1"; shift ;;
  esac
done
[ -n "$BIN" ] || { usage; die "which binary? e.g. dist/demo-linux-arm64"; }
[ -f "$BIN" ] || die "no such file: $BIN"
[ -x "$BIN" ] || die "$BIN is not executable (chmod +x it, or rebuild with bun run build)"
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "--port must be 1-65535, got $PORT"
[[ "$SVC_USER" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "--user must be a plain user name, got $SVC_USER"
[ -n "$NAME" ] || NAME="$(basename "$BIN" | sed -E 's/-linux-(x64|arm64)$//')"
[[ "$NAME" =~ ^[A-Za-z0-9_.-]+$ ]] || die "--name must be letters, digits, . _ -; got $NAME"
[ "$(id -u)" = 0 ] || [ "$ROOT" != / ] || die "run as root (sudo) to install into /"
ROOT="${ROOT%/}"

APP_DIR="/opt/dash-devices/$NAME"
DATA_DIR="/var/lib/dash-devices/$NAME"
UNIT="dash-devices-$NAME.service"

echo "==> installing $BIN as $NAME into ${ROOT:-/}"
install -d -m 0755 "$ROOT$APP_DIR"
install -m 0755 "$BIN" "$ROOT$APP_DIR/$NAME"

ROOTOPT=()
[ -z "$ROOT" ] || ROOTOPT=(--root "$ROOT")
if ! grep -q "^$SVC_USER:" "$ROOT/etc/passwd" 2>/dev/null; then
  echo "==> creating system user $SVC_USER"
  useradd "${ROOTOPT[@]}" --system --no-create-home --home-dir "$DATA_DIR" --shell /usr/sbin/nologin "$SVC_USER"
fi
for g in i2c gpio; do
  if grep -q "^$g:" "$ROOT/etc/group" 2>/dev/null; then
    usermod "${ROOTOPT[@]}" -a -G "$g" "$SVC_USER"
    echo "==> $SVC_USER may use $g devices"
  fi
done
install -d -m 0700 "$ROOT$DATA_DIR"
uid=$(awk -F: -v u="$SVC_USER" '$1==u{print $3}' "$ROOT/etc/passwd")
gid=$(awk -F: -v u="$SVC_USER" '$1==u{print $4}' "$ROOT/etc/passwd")
chown "$uid:$gid" "$ROOT$DATA_DIR"

CAPS=""
[ "$PORT" -ge 1024 ] || CAPS="AmbientCapabilities=CAP_NET_BIND_SERVICE"
install -d -m 0755 "$ROOT/etc/systemd/system"
cat > "$ROOT/etc/systemd/system/$UNIT" <<UNIT
[Unit]
Description=dash-devices app $NAME
Wants=network-online.target
After=network-online.target

[Service]
User=$SVC_USER
ExecStart=$APP_DIR/$NAME --port $PORT --data-dir $DATA_DIR
Restart=on-failure
RestartSec=2
$CAPS
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=$DATA_DIR
KillSignal=SIGTERM
TimeoutStopSec=10

[Install]
WantedBy=multi-user.target
UNIT
echo "==> wrote /etc/systemd/system/$UNIT"

if [ "$SYSTEMCTL" = 1 ] && [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  systemctl enable --now "$UNIT"
  echo "==> started $UNIT"
else
  echo "==> not starting it here; on the device run: sudo systemctl enable --now $UNIT"
fi

ADDR=$(hostname -I 2>/dev/null | awk '{print $1}')
echo
echo "Open http://${ADDR:-<device address>}:$PORT/ in a browser."
echo "The first start prints a one-time link to create the admin: journalctl -u $UNIT | grep setup"
