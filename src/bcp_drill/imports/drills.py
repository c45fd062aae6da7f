"""Import a drill-result file: validate it against the scenario, then write a normal journal."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from bcp_drill import __version__
from bcp_drill.content.checks import Finding, Loc, duplicate_ids, reference_finding
from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.content.models import Scenario, applies_under, as_played
from bcp_drill.content.outline import condition_outline
from bcp_drill.drill.pinned import pinned_register_fields
from bcp_drill.drill.session import condition_values
from bcp_drill.drill.setup import condition_value, parse_t0
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.values import UnreadableValue, read_measured
from bcp_drill.drill.wording import (
    deputy_order_text,
    inject_time_text,
    value_blank,
    variants_text,
    when_text,
)
from bcp_drill.imports.models import IMPORT_KINDS, DrillResultFile, StepEntry, SystemEntry
from bcp_drill.imports.paper import ImportResult, SettableClock, content_sha256, located, refused_as_duplicate
from bcp_drill.imports.reviews import import_review
from bcp_drill.records import events as ev
from bcp_drill.records.store import RecordStore
from bcp_drill.records.values import HSEEP_RATINGS
from bcp_drill.wallclock import local_now, zone

if TYPE_CHECKING:
    from bcp_drill.content.models import DecisionOption, Step
    from bcp_drill.i18n import Translator
    from bcp_drill.records.journal_writer import Journal


def _checks(result: DrillResultFile, scenario: Scenario) -> list[Finding]:
    """Everything a drill-result file says that the scenario cannot take, in the order reported."""
    findings = duplicate_ids(("steps",), [s.id for s in result.steps], "steps")
    findings += duplicate_ids(("injects",), [i.id for i in result.injects], "injects")
    if result.scenario_version and result.scenario_version != scenario.version:
        findings.append(Finding(("scenario_version",), "import_version", {
            "file_version": result.scenario_version, "version": scenario.version}, "import_version_hint"))
    for index, entry in enumerate(result.steps):
        findings += _step_entry_findings(("steps", index), entry, scenario)
    values = paper_conditions(result, scenario)
    findings += _named_condition_findings(result, scenario, values)
    findings += _missing_condition_findings(result, scenario)
    applies_under_paper = {**{c.id: c.fixed for c in scenario.conditions if c.fixed}, **values}
    findings += _inapplicable_step_findings(result, scenario, applies_under_paper)
    findings += _inject_findings(result, scenario, applies_under_paper)
    findings += duplicate_ids(("systems",), [s.id for s in result.systems], "systems")
    findings += _unknown_references("systems", "id", "system", [s.id for s in result.systems],
                                    [s.id for s in scenario.systems])
    findings += _unknown_references("problems", "step", "step", [p.step for p in result.problems],
                                    [s.id for s in scenario.steps])
    findings += _unknown_references("observations", "objective", "objective",
                                    [o.objective for o in result.observations], [o.id for o in scenario.objectives])
    if result.t0.strip() and parse_t0(result.t0, local_now()) is None:
        findings.append(Finding(("t0",), "import_bad_t0", {"value": result.t0}))
    return findings + _after_end_findings(result)


# What can be wrong with a step's outcome as written: (the mistake, the field it is reported at, message).
_OUTCOME_MISTAKES: tuple[tuple[Callable[[StepEntry], bool], str, str], ...] = (
    (lambda entry: entry.result in HSEEP_RATINGS and entry.actual is None, "result", "import_needs_actual"),
    (lambda entry: entry.result is None and entry.actual is not None, "actual", "import_needs_result"),
    (lambda entry: entry.result in ("not_done", "skipped") and not entry.reason.strip(), "result",
     "import_needs_reason"),
)


def _step_entry_findings(here: Loc, entry: StepEntry, scenario: Scenario) -> list[Finding]:
    """What one step line of the sheet gets wrong: its id, outcome, decision, deputy, values, checks."""
    step = scenario.step(entry.id)
    if step is None:
        return [reference_finding(here + ("id",), "step", entry.id, [s.id for s in scenario.steps])]
    findings = [Finding(here + (field,), code, {"step": entry.id})
                for mistake, field, code in _OUTCOME_MISTAKES if mistake(entry)]
    decision = _decision_finding(here, entry, step)
    deputy = _deputy_finding(here, entry, step, scenario)
    findings += [finding for finding in (decision, deputy) if finding is not None]
    return findings + _value_findings(here, entry, step) + _check_number_findings(here, entry, step)


def _decision_finding(here: Loc, entry: StepEntry, step: Step) -> Finding | None:
    has_decision = entry.decision is not None and str(entry.decision).strip() != ""
    if step.is_decision and entry.result in HSEEP_RATINGS and not has_decision:
        return Finding(here + ("result",), "import_needs_decision", {
            "step": entry.id, "options": ", ".join(o.id for o in step.options)})
    if not has_decision:
        return None
    if not step.is_decision:
        return Finding(here + ("decision",), "import_not_a_decision", {"step": entry.id})
    if entry.result not in HSEEP_RATINGS:
        return Finding(here + ("decision",), "import_decision_needs_rating", {"step": entry.id})
    if paper_option(step, entry.decision) is None:
        return reference_finding(here + ("decision",), "option", str(entry.decision), [o.id for o in step.options])
    return None


def _deputy_finding(here: Loc, entry: StepEntry, step: Step, scenario: Scenario) -> Finding | None:
    if entry.deputy is None:
        return None
    role_id = entry.deputy_role or step.role
    role = scenario.role(role_id)
    if role_id not in step.all_roles:
        return reference_finding(here + ("deputy_role",), "role", role_id, step.all_roles)
    if role is None or entry.deputy > role.deputy_count:
        return Finding(here + ("deputy",), "import_no_such_deputy", {
            "step": entry.id, "number": entry.deputy, "count": role.deputy_count if role else 0})
    if not entry.deputy_reason.strip():
        return Finding(here + ("deputy",), "import_deputy_needs_reason", {"step": entry.id})
    return None


def _value_findings(here: Loc, entry: StepEntry, step: Step) -> list[Finding]:
    """A value for a check that takes none, or one that cannot be read in its unit."""
    findings = []
    for number, typed in entry.values.items():
        spec = step.checks[number - 1].value if number <= len(step.checks) else None
        text_value = str(typed).strip()
        if spec is None:
            findings.append(Finding(here + ("values", number), "import_no_value_check",
                                    {"step": entry.id, "number": number}))
        elif spec.kind != "text" and text_value and _measured(text_value, spec) is None:
            findings.append(Finding(here + ("values", number), "import_bad_value",
                                    {"step": entry.id, "number": number, "value": text_value}))
    return findings


def _check_number_findings(here: Loc, entry: StepEntry, step: Step) -> list[Finding]:
    return [Finding(here + ("checks", check_index), "import_no_such_check",
                    {"step": entry.id, "number": number, "count": len(step.checks)})
            for check_index, number in enumerate(entry.checks) if number > len(step.checks)]


def _named_condition_findings(result: DrillResultFile, scenario: Scenario,
                              values: dict[str, str]) -> list[Finding]:
    """A condition the scenario lacks, a value it does not know, or one other than the value it fixes."""
    findings = []
    for condition_id, answer in result.conditions.items():
        condition = scenario.condition(condition_id)
        here: Loc = ("conditions", condition_id)
        if condition is None:
            findings.append(reference_finding(here, "condition", condition_id, [c.id for c in scenario.conditions]))
        elif not str(answer).strip():
            continue  # left blank: reported as missing
        elif condition_id not in values:
            findings.append(reference_finding(here, "condition_value", str(answer), [v.id for v in condition.values]))
        elif condition.fixed is not None and values[condition_id] != condition.fixed:
            findings.append(Finding(here, "import_condition_fixed", {"condition": condition_id,
                                                                     "value": condition.fixed}))
    return findings


def _missing_condition_findings(result: DrillResultFile, scenario: Scenario) -> list[Finding]:
    """A condition the scenario leaves open that the sheet does not answer."""
    findings = []
    for condition in scenario.conditions:
        if not str(result.conditions.get(condition.id, "")).strip() and condition.fixed is None:
            place = ("conditions", condition.id) if condition.id in result.conditions else (
                ("conditions",) if result.conditions else ("scenario",))
            findings.append(Finding(place, "import_needs_condition", {
                "condition": condition.id, "values": ", ".join(v.id for v in condition.values)}))
    return findings


def _inapplicable_step_findings(result: DrillResultFile, scenario: Scenario,
                                applies_under_paper: dict[str, str]) -> list[Finding]:
    """A step with an outcome or ticks that the drill's conditions or decisions leave out."""
    findings = []
    chosen = paper_decisions(result, scenario)
    steps_on_paper = {e.id: e for e in result.steps}
    for index, entry in enumerate(result.steps):
        step = scenario.step(entry.id)
        if step is None or (entry.result is None and not entry.checks):
            continue
        if not applies_under(step.when, applies_under_paper) or not _decided_in(step, scenario, chosen, steps_on_paper):
            findings.append(Finding(("steps", index, "id"), "import_step_not_applicable", {"step": entry.id}))
    return findings


def _inject_findings(result: DrillResultFile, scenario: Scenario,
                     applies_under_paper: dict[str, str]) -> list[Finding]:
    """An inject the scenario lacks, or one its conditions leave out."""
    findings = []
    inject_ids = [i.id for i in scenario.injects]
    for index, inject in enumerate(result.injects):
        planned = scenario.inject(inject.id)
        if inject.id not in inject_ids:
            findings.append(reference_finding(("injects", index, "id"), "inject", inject.id, inject_ids))
        elif planned is not None and planned.when and not applies_under(planned.when, applies_under_paper):
            findings.append(Finding(("injects", index, "id"), "import_inject_not_applicable", {"inject": inject.id}))
    return findings


def _unknown_references(section: str, field: str, kind: str, named: Sequence[str | None],
                        known: list[str]) -> list[Finding]:
    """An entry of SECTION whose FIELD names a KIND the scenario does not have (blank names none)."""
    return [reference_finding((section, index, field), kind, name, known)
            for index, name in enumerate(named) if name and name not in known]


def _after_end_findings(result: DrillResultFile) -> list[Finding]:
    """Nothing can have happened after the drill ended: a time past the end is a slip of the pen."""
    end = result.end
    if end is None:
        return []
    return [Finding(place, "import_after_end", {"what": what, "time": _hms(seconds), "end": _hms(end)})
            for place, what, seconds in _times_on_sheet(result) if seconds > end]


def _times_on_sheet(result: DrillResultFile) -> Iterator[tuple[Loc, str, int]]:
    """Every T+ written on the sheet, with where it is and what it times: steps, injects, systems."""
    for index, entry in enumerate(result.steps):
        if entry.actual is not None:
            yield ("steps", index, "actual"), entry.id, entry.actual
    for index, inject in enumerate(result.injects):
        yield ("injects", index, "delivered"), inject.id, inject.delivered
    for index, system in enumerate(result.systems):
        for state in SYSTEM_STATE_COLUMNS:
            seen = getattr(system, state)
            if seen is not None:
                yield ("systems", index, state), system.id, seen


SYSTEM_STATE_COLUMNS = ("down", "degraded", "alternate", "restored")  # the states a sheet has a column for


def paper_option(step: Step, answer: str | int | None) -> DecisionOption | None:
    """The option of a decision step that a sheet names (by id, number or title), if any."""
    text = str(answer).strip() if answer is not None else ""
    return next((o for n, o in enumerate(step.options, 1) if text in (str(n), o.id, o.title.ja, o.title.en)), None)


def paper_decisions(result: DrillResultFile, scenario: Scenario) -> dict[str, str]:
    """Decision step id → the option id the sheet chose."""
    chosen: dict[str, str] = {}
    for entry in result.steps:
        step = scenario.step(entry.id)
        if step is not None and step.is_decision and entry.result in HSEEP_RATINGS:
            option = paper_option(step, entry.decision)
            if option is not None:
                chosen[step.id] = option.id
    return chosen


def _decided_in(step: Step, scenario: Scenario, chosen: dict[str, str], on_paper: dict[str, Any]) -> bool:
    """Whether STEP applies given the decisions on the sheet (a decision left open leaves it applying)."""
    for decision in scenario.deciding(step.id):
        option_id = chosen.get(decision.id)
        entry = on_paper.get(decision.id)
        settled = option_id is not None or (entry is not None and entry.result is not None)
        if not settled:
            continue
        enabling = [o.id for o in decision.options if step.id in o.enables]
        if enabling and option_id not in enabling:
            return False
        option = decision.option(option_id) if option_id else None
        if option is not None and step.id in option.skips:
            return False
    return True


def paper_conditions(result: DrillResultFile, scenario: Scenario) -> dict[str, str]:
    """The condition values a sheet names that match a value of the scenario (by id, number or title)."""
    values: dict[str, str] = {}
    for condition_id, answer in result.conditions.items():
        condition = scenario.condition(condition_id)
        value = condition_value(condition_outline(condition), str(answer)) if condition is not None else None
        if value is not None:
            values[condition_id] = value
    return values


def _hms(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def import_file(store: RecordStore, library: ContentLibrary, path: Path, display: str) -> ImportResult:
    """Import a drill-result or review-result file, whichever it is."""
    loaded = FileLoader(kinds=IMPORT_KINDS).load(path, display)
    if loaded.problems or loaded.document is None:
        return ImportResult(loaded.problems)
    if isinstance(loaded.document, DrillResultFile):
        return import_drill(store, library, loaded)
    return import_review(store, library, loaded)


def import_drill(store: RecordStore, library: ContentLibrary, loaded: LoadedFile) -> ImportResult:
    result = loaded.document
    assert isinstance(result, DrillResultFile)
    source = library.scenarios.get(result.scenario)
    if source is None:
        return ImportResult(located(loaded, [reference_finding(("scenario",), "scenario", result.scenario,
                                                                sorted(library.scenarios))]))
    scenario = source.document
    assert isinstance(scenario, Scenario)
    scenario = as_played(scenario, paper_conditions(result, scenario))  # owners as played (by_condition)
    problems = located(loaded, _checks(result, scenario))
    if problems:
        return ImportResult(problems)
    duplicate = refused_as_duplicate(store, loaded)
    if duplicate is not None:
        return duplicate
    return ImportResult([], _write(store, source, loaded, result))


def _write(store: RecordStore, source: LoadedFile, loaded: LoadedFile, result: DrillResultFile) -> str:
    scenario = source.document
    assert isinstance(scenario, Scenario)
    local_zone = zone()
    base = datetime.combine(result.date, time.fromisoformat(result.start), tzinfo=local_zone)
    t0 = parse_t0(result.t0, base) or base  # "05:30" is that time on the day of the drill
    clock = SettableClock(base)
    recorder = result.recorder or store.recorder
    first_fields: dict[str, Any] = dict(
        scenario_id=scenario.id, scenario_version=scenario.version,
        scenario_sha256=source.sha256, scenario_file=source.display,
        scenario_yaml=source.raw.decode("utf-8-sig"), drill_type=result.drill_type.value, place=result.place,
        participants=[ev.Participant(name=p.name, role=p.role, organisation=p.organisation)
                      for p in result.participants],
        t0=t0, conditions=condition_values(scenario, paper_conditions(result, scenario)),
        **pinned_register_fields(source),
        tool_version=__version__, imported_from=loaded.display, import_sha256=content_sha256(loaded),
        imported_by=store.recorder)
    scenario = as_played(scenario, first_fields["conditions"])  # targets and owners as played (by_condition)
    timed = _timed_events(result, paper_end(result), scenario, first_fields["conditions"])

    def fill(journal: Journal) -> None:
        for elapsed, event_type, fields in sorted(timed, key=lambda e: e[0]):  # stable: ties keep sheet order
            clock.moment = base + timedelta(seconds=elapsed)
            journal.append(event_type, **fields)

    return store.as_recorder(recorder, clock).create_complete(scenario.id, ev.DrillStarted, first_fields, fill)


def paper_end(result: DrillResultFile) -> int:
    """T+ of the end: as written, else the latest time on the sheet."""
    latest = max((seconds for _, _, seconds in _times_on_sheet(result)), default=0)
    return result.end if result.end is not None else latest


# An event to write, at its T+ in seconds; events at the same T+ keep the order they are listed in.
TimedEvent = tuple[int, type[ev.EventBase], dict[str, Any]]


def _at(elapsed: int, event_type: type[ev.EventBase], **fields: Any) -> TimedEvent:
    return elapsed, event_type, fields


def _timed_events(result: DrillResultFile, end: int, scenario: Scenario,
                  conditions: dict[str, str]) -> list[TimedEvent]:
    """Every event the sheet records, in the order written on it (the journal sorts them by time)."""
    timed = [event for system in result.systems for event in _system_events(system)]
    timed += [_at(inject.delivered, ev.InjectDelivered, inject_id=inject.id, elapsed_seconds=inject.delivered,
                  manual=True) for inject in result.injects]
    on_sheet = {inject.id for inject in result.injects}
    for entry in result.steps:
        # A step with no time on paper (not done, skipped, only notes) is placed at the end.
        elapsed = entry.actual if entry.actual is not None else end
        timed += _step_events(entry, elapsed, scenario, on_sheet, conditions)
    return timed + _closing_events(result, end)


def _system_events(system: SystemEntry) -> list[TimedEvent]:
    """A system's states in the order they were seen; its note goes with the first."""
    noted = [(getattr(system, state), state) for state in SYSTEM_STATE_COLUMNS
             if getattr(system, state) is not None]
    return [_at(elapsed, ev.SystemStateRecorded, system_id=system.id, state=state,
                note=system.note.strip() if position == 0 else "", elapsed_seconds=elapsed)
            for position, (elapsed, state) in enumerate(sorted(noted))]


def _step_events(entry: StepEntry, elapsed: int, scenario: Scenario, on_sheet: set[str],
                 conditions: dict[str, str]) -> list[TimedEvent]:
    """One step line of the sheet: ticks, outcome, deputy, values and note, all at ELAPSED."""
    step = scenario.step(entry.id)
    timed = [_at(elapsed, ev.CheckToggled, step_id=entry.id, check_index=number - 1, checked=True)
             for number in entry.checks]
    timed += _outcome_events(entry, elapsed, step, scenario, on_sheet, conditions)
    if entry.deputy is not None and step is not None:
        timed.append(_at(elapsed, ev.DeputyActed, step_id=entry.id, role_id=entry.deputy_role or step.role,
                         deputy=entry.deputy, reason=entry.deputy_reason.strip(), elapsed_seconds=elapsed))
    timed += _value_events(entry, elapsed, step)
    if entry.notes.strip():
        timed.append(_at(elapsed, ev.NoteAdded, step_id=entry.id, text=entry.notes.strip(), elapsed_seconds=elapsed))
    return timed


def _outcome_events(entry: StepEntry, elapsed: int, step: Step | None, scenario: Scenario, on_sheet: set[str],
                    conditions: dict[str, str]) -> list[TimedEvent]:
    """The step's outcome: a decision (with the injects it triggers), a rating, or not done."""
    option = paper_option(step, entry.decision) if step is not None and step.is_decision else None
    if entry.result in HSEEP_RATINGS and option is not None:
        decided = _at(elapsed, ev.DecisionMade, step_id=entry.id, option_id=option.id, rating=entry.result,
                      decided_by=entry.decided_by.strip(), elapsed_seconds=elapsed)
        # given with the decision, unless the sheet says when
        triggered = [inject_id for inject_id in option.triggers if inject_id not in on_sheet
                     and (planned := scenario.inject(inject_id)) is not None
                     and applies_under(planned.when, conditions)]
        return [decided, *(_at(elapsed, ev.InjectDelivered, inject_id=inject_id, elapsed_seconds=elapsed)
                           for inject_id in triggered)]
    if entry.result in HSEEP_RATINGS:
        return [_at(elapsed, ev.StepCompleted, step_id=entry.id, rating=entry.result, elapsed_seconds=elapsed)]
    if entry.result in ("not_done", "skipped"):
        # Not done with no time on the sheet: no time is recorded (what waits on it does not
        # wait for the drill's end), though the event is placed at the end of the record.
        return [_at(elapsed, ev.StepNotDone, step_id=entry.id, reason=entry.reason,
                    skipped=entry.result == "skipped", elapsed_seconds=entry.actual)]
    return []


def _value_events(entry: StepEntry, elapsed: int, step: Step | None) -> list[TimedEvent]:
    """Each value written for a check, as typed and, for a measured check, as a number in its unit."""
    timed = []
    for number, typed in sorted(entry.values.items()):
        text_value = str(typed).strip()
        if text_value:
            spec = step.checks[number - 1].value if step is not None else None
            timed.append(_at(elapsed, ev.ValueRecorded, step_id=entry.id, check_index=number - 1, text=text_value,
                             number=_measured(text_value, spec) if spec is not None and spec.kind != "text" else None,
                             elapsed_seconds=elapsed))
    return timed


def _closing_events(result: DrillResultFile, end: int) -> list[TimedEvent]:
    """What the sheet records at the end: problems, the hotwash, observations, then the end itself."""
    timed = [_at(end, ev.ProblemRaised, problem_id=f"P{number:02d}", source_ref=problem.step, title=problem.title,
                 description=problem.description, category=problem.category, priority=problem.priority,
                 owner_organisation=problem.owner_organisation, owner_person=problem.owner_person,
                 start=result.date, due=problem.due, corrective_action=problem.corrective_action.strip(),
                 main_issue=problem.main_issue.strip())
             for number, problem in enumerate(result.problems, 1)]
    if result.hotwash is not None and (result.hotwash.strengths or result.hotwash.improvements):
        timed.append(_at(end, ev.HotwashRecorded, strengths=result.hotwash.strengths,
                         improvements=result.hotwash.improvements))
    timed += [_at(end, ev.ObservationRecorded, kind=observation.kind, objective_id=observation.objective,
                  capability=observation.capability, observation=observation.observation.strip(),
                  analysis=observation.analysis.strip(), recommendation=observation.recommendation.strip(),
                  elapsed_seconds=end)
              for observation in result.observations]
    return [*timed, _at(end, ev.DrillEnded, elapsed_seconds=end)]


def _condition_lines(scenario: Scenario, t: Translator) -> list[str]:
    if not scenario.conditions:
        return []
    lines = [f"# {t('template.conditions')}", "conditions:"]
    for condition in scenario.conditions:
        choices = ", ".join(f"{v.id} = {v.title.get(t.lang)}" for v in condition.values)
        value = condition.fixed or ""
        note = t("template.condition_fixed") if condition.fixed else choices
        lines.append(f'  {condition.id}: "{value}"   # {condition.title.get(t.lang)}: {note}')
    return lines


def _target_comment(step: Step, scenario: Scenario, t: Translator) -> str:
    """"目標 T+0:30", or each target of its `by_condition` entries; "目標なし" alone."""
    target = variants_text(step, scenario, t)
    if step.target_minutes is not None or step.target_after_minutes is not None or step.by_condition:
        return f"{t('report.target')} {target}"
    return target


def drill_template(scenario: Scenario, t: Translator) -> str:
    """A ready-to-fill drill-result file for SCENARIO, every step and inject listed with comments."""
    lang = t.lang

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def hm(minutes: int) -> str:
        return f"{minutes // 60}:{minutes % 60:02d}"

    lines = [
        f"# {scenario.title.get(lang)}",
        f"# {t('template.how')}",
        f"# {t('template.times')}",
        f"# {t('template.results')}",
        "kind: drill-result",
        f"scenario: {scenario.id}",
        f"scenario_version: {q(scenario.version)}",
        f"drill_type: {scenario.drill_types[0].value}   # {', '.join(d.value for d in scenario.drill_types)}",
        f'date: ""                # {t("template.date")}',  # no day that could be kept by mistake
        f'start: "10:00"          # {t("template.start")}',
        f't0: ""                  # {t("template.t0")}',
        *_condition_lines(scenario, t),
        'place: ""',
        f'recorder: ""            # {t("template.recorder")}',
        f"# {t('template.participants')}",
        '#   - {name: "山田 太郎", role: 統括, organisation: "情報政策課"}',
        "participants: []",
        "steps:",
    ]
    for step in scenario.steps:
        lines.append(f"  # {step.title.get(lang)} ({_target_comment(step, scenario, t)})")
        if step.when:
            lines.append(f"  #   {t('tui.applies_when')}: {when_text(step, scenario, t)}")
        for number, check in enumerate(step.checks, 1):
            lines.append(f"  #   {t('template.check', number=number)}: {check.get(lang)}{value_blank(check, t)}")
        if any(check.value is not None for check in step.checks):
            lines.append(f"  #   {t('template.values')}")
        orders = [f"{r}: {order}" for r in step.all_roles if (order := deputy_order_text(scenario, r, t))]
        if orders:
            lines.append(f"  #   {t('template.deputy', orders='; '.join(orders))}")
        if step.is_decision:
            options = ", ".join(f"{o.id} = {o.title.get(lang)}" for o in step.options)
            lines.append(f"  #   {t('template.decision', options=options)}")
            lines.append(f'  - {{id: {step.id}, result: , decision: "", decided_by: "", actual: "", reason: "", '
                         f'checks: [], notes: ""}}')
            continue
        lines.append(f'  - {{id: {step.id}, result: , actual: "", reason: "", checks: [], notes: ""}}')
    lines.append(f"# {t('template.injects')}")
    lines.append("injects:" if scenario.injects else "injects: []")
    for inject in scenario.injects:
        planned = inject_time_text(inject, scenario, t)
        lines.append(f"  # {inject.content.get(lang)} ({t('template.planned')} {planned})")
        due = DrillState(scenario).inject_due_seconds(inject)  # (a time of day waits for the sheet's T0)
        line = f'  - {{id: {inject.id}, delivered: "{hm(due // 60) if due is not None else ""}"}}'
        # given only under some conditions: the recorder uncomments it if it was
        if inject.when or due is None or inject.contingency:
            when = when_text(inject, scenario, t) if inject.when else planned
            lines.append(f"  #   {t('template.inject_when', when=when)}")
            line = "#" + line[1:]
        lines.append(line)
    if scenario.systems:
        lines.append(f"# {t('template.systems')}")
        lines.append("systems:")
        for system in scenario.systems:
            lines.append(f"  # {system.name.get(lang)} ({system.priority}, RTO {hm(system.rto_minutes)})")
            lines.append(f'  - {{id: {system.id}, down: "", degraded: "", alternate: "", restored: "", note: ""}}')
    lines += [
        f"# {t('template.problems')}",
        '#   - {title: "...", step: s01, description: "", category: planning, priority: medium,',
        '#      owner_organisation: "", owner_person: "", due: 2026-03-31, corrective_action: ""}',
        "problems: []",
        "hotwash:",
        '  strengths: ""',
        '  improvements: ""',
        f"# {t('template.observations')}",
        *(f"#   {o.id}: {o.title.get(lang)}" for o in scenario.objectives),
        '#   - {kind: improvement, objective: ' + (scenario.objectives[0].id if scenario.objectives else "")
        + ', capability: planning, observation: "...", analysis: "...", recommendation: "..."}',
        "observations: []",
        f'end: ""                 # {t("template.end")}',
    ]
    return "\n".join(lines) + "\n"


def _measured(typed: str, spec: Any) -> float | None:
    """The number a value written on paper stands for in its check's unit (None: unreadable)."""
    try:
        return read_measured(typed, spec).number
    except UnreadableValue:
        return None
