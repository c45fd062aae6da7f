from bcp_drill.entry import main

raise SystemExit(main())
