"""`python -m irtui` runs the same command as the `irtui` script (handy for profilers)."""

import sys

from irtui.cli.main import main

sys.exit(main())
