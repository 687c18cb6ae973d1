import sys

from slack_app.cli import main

sys.exit(main())
