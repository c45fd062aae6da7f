from bcp_drill.cli import main

raise SystemExit(main())
