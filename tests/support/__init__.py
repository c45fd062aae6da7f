"""Helpers the tests share: drills (stores, clocks, the small fixture content), reports (drills
recorded for report tests) and windows (the switch that runs the suite as on Windows).

Nothing here imports bcp_drill at package level: the Windows switch must be installed before it is."""
