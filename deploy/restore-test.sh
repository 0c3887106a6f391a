#!/bin/sh
# Restore the newest backup to a scratch file and compare it with the live workspace: counts and status.
# Exit 0 when the backup restores; anything else means the backups cannot be trusted (mail the cron output).
set -eu
dir="${ASSETMAP_BACKUP_DIR:-/var/backups/assetmap}"
newest=$(ls -1t "$dir"/assetmap-*.gpkg | head -n 1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
assetmap=/opt/assetmap/.venv/bin/assetmap
[ -x "$assetmap" ] || assetmap=assetmap
"$assetmap" restore "$newest" "$scratch/restored.gpkg"
"$assetmap" status "$scratch/restored.gpkg"
"$assetmap" list "$scratch/restored.gpkg" --json > "$scratch/list.json"
echo "restore test of $newest: ok; compare with: $assetmap status \"\$ASSETMAP_WORKSPACE\""
