#!/usr/bin/env bash
# Runs the ticket example against the embedded emulator (or the real API when OPENAI_API_KEY is set).
# Usage: examples/structured-tickets/run.sh [--calls N] [--sandbox]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
"$ROOT/bin/keel" --version >/dev/null        # builds keel on first use (about a minute)
. "$ROOT/bin/lib/common.sh"
JAVA_HOME=$(find_jdk)
exec "$JAVA_HOME/bin/java" -cp "$ROOT/cli/target/keel-cli.jar:$ROOT/cli/target/lib/*" \
  "$HERE/TicketExample.java" --dir "$HERE" "$@"
