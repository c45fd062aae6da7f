from bcp_drill import main

raise SystemExit(main())
