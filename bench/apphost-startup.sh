#!/usr/bin/env bash
# Time from `dotnet run --project AppHost` (already built) to the dashboard sample showing a count fetched through
# the mesh: three servers with a leader and the CA, both client agents joined, both sidecars configured, both apps up.
# Usage, from the repository root: dotnet build AppHost && bench/apphost-startup.sh
set -euo pipefail
root=$(pwd)
dashboard="$root/Samples.Dashboard/bin/.*/Samples.Dashboard$"
start=$(date +%s.%N)
dotnet run --project AppHost --no-build --launch-profile http >/dev/null 2>&1 &
apphost=$!
url=""
until [[ -n "$url" ]] && curl -sf -m 2 "$url/api/count" | grep -q '"error":null'; do
  pid=$(pgrep -f "$dashboard" | head -1 || true)
  if [[ -n "$pid" ]]; then
    url=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^ASPNETCORE_URLS=\([^;]*\).*/\1/p')
  fi
  sleep 0.2
done
end=$(date +%s.%N)
printf 'first count through the mesh %.1f s after dotnet run\n' "$(echo "$end - $start" | bc)"
kill -INT "$apphost"
wait "$apphost" || true
