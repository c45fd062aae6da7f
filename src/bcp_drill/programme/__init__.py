"""The year's drill programme (訓練計画): what the city planned to drill and brief in a 年度,
matched against the drill records to say what was done, what is overdue and what comes next."""

PROGRAMME_FOLDER = "programmes"  # beside scenarios/ and checklists/ in the working folder
ROSTER_FILE = "roster.yaml"  # in the programmes/ folder, where `roster import` writes it
