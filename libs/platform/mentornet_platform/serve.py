"""``python -m mentornet_platform.serve run --config ... module`` is the
``nameko`` command with two known, harmless warnings silenced: eventlet's
deprecation notice and nameko's use of pkg_resources."""

import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
warnings.filterwarnings("ignore", message=r"pkg_resources is deprecated")

from nameko.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "nameko"
    sys.exit(main())
