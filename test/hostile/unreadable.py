#!/usr/bin/env python3
"""Makes an unreadable copy of a script, then runs check_cli.py on a vector naming it.

Usage: unreadable.py SOURCE.wasm TARGET.wasm CHECK_CLI_COMMAND...

TARGET is SOURCE with mode 000. When the file is still readable (root reads any file),
the case cannot be tested: exit 77, which ctest reports as skipped (SKIP_RETURN_CODE).
"""
import os
import shutil
import subprocess
import sys


def main() -> int:
    source, target, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    if os.path.exists(target):
        os.chmod(target, 0o600)
        os.unlink(target)
    shutil.copyfile(source, target)
    os.chmod(target, 0)
    try:
        if os.access(target, os.R_OK):
            print("skipped: a file with mode 000 is readable here (running as root)")
            return 77
        return subprocess.run(command).returncode
    finally:
        os.chmod(target, 0o600)
        os.unlink(target)


if __name__ == "__main__":
    sys.exit(main())
