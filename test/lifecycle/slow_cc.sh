#!/bin/bash
# A C compiler that never finishes, standing in for cc and the cc1 it starts: the
# driver (this script, its argv[0] renamed slow-cc-$SLOW_CC_MARK) starts a child
# (slow-cc1-$SLOW_CC_MARK, a sleep) and waits for it. check_lifecycle.py looks for
# both names in /proc to check that stopping scout stops the whole compiler.
if [ "$1" = "--version" ]; then
  echo "slow-cc 1 (scout's test/lifecycle)"
  exit 0
fi
if [ "$1" != "--marked" ]; then
  exec -a "slow-cc-$SLOW_CC_MARK" /bin/bash "$0" --marked "$@"
fi
touch "$SLOW_CC_LOG/started.$$"
bash -c "exec -a slow-cc1-$SLOW_CC_MARK sleep 600" &
wait
