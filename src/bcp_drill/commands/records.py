"""The records folder (with its seal key), verify and seal-key: what proves a record."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from bcp_drill.commands import CommandContext
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore
from bcp_drill.settings import Settings


def store_of(ctx: CommandContext) -> RecordStore:
    return record_store(ctx.settings)


def record_store(settings: Settings) -> RecordStore:
    """The records folder of SETTINGS, with the seal key when there is one (records/seal.py);
    a key that cannot be used is a SealKeyError, said in words."""
    from bcp_drill.records.seal import load_seal_key

    return RecordStore(settings.records, settings.recorder, seal_key=load_seal_key(settings.seal_key, settings.records))


def _journals_of(store: RecordStore, record_ids: list[str]) -> Iterator[tuple[str, str, Path | None]]:
    """(record id, name shown, journal) of each journal to check: every record's (a team drill's
    consoles each their own) and the follow-ups journal; None for a record that is not there.
    One at a time, as they are checked: a large folder's paths are not all held at once."""
    from bcp_drill.records.store import FOLLOWUPS_JOURNAL
    from bcp_drill.records.team import console_paths

    if not record_ids:
        record_ids = [record_id for record_id, _ in store.journal_paths()]
        if store.exists(FOLLOWUPS_JOURNAL):
            record_ids.append(FOLLOWUPS_JOURNAL)
    for record_id in record_ids:
        if not store.exists(record_id):
            yield record_id, record_id, None
            continue
        yield record_id, record_id, store.path_of(record_id)
        yield from ((record_id, f"{record_id}/{path.stem}", path) for path in console_paths(store.root, record_id))


def verify(ctx: CommandContext, record_ids: list[str]) -> int:
    """Prove records (records/proof.py): chain, place and seal of each journal; exit 1 when any fails."""
    from bcp_drill.records.journal import read_journal
    from bcp_drill.records.proof import prove

    t = ctx.t
    store = store_of(ctx)
    failed = checked = 0
    for _, name, path in _journals_of(store, record_ids):
        checked += 1
        if path is None:
            ctx.print(t("verify.missing", record=name))
            failed += 1
            continue
        try:
            contents = read_journal(path, salvage=True)
        except JournalError as error:
            contents = None
            reasons = [error]
        except OSError as error:
            contents = None
            reasons = [JournalError(path, "unreadable", reason=error.strerror or str(error))]
        if contents is not None:
            reasons = [contents.damage] if contents.damage is not None else []
            proof = prove(path, contents, store.seal_key, with_seal=contents.damage is None)
            reasons += ([proof.failure] if proof.failure is not None else []) + proof.notices()
        if reasons:
            failed += 1
            for reason in reasons:
                ctx.print(t("verify.ng", record=name, reason=reason.render(t)))
            continue
        chain = t(f"verify.chain_{proof.chain}", line=proof.chained_from or "-")
        seal = t(f"verify.seal_{proof.seal}", key=store.seal_key.key_id if store.seal_key else "")
        strong = proof.chain in ("chained", "single") and proof.seal != "none"
        ctx.print(t("verify.ok" if strong else "verify.weak", record=name, events=proof.events, chain=chain,
                    seal=seal, hash=proof.final_hash))
    ctx.print(t("verify.summary", checked=checked, failed=failed))
    return 1 if failed else 0


def seal_key(ctx: CommandContext, action: str) -> int:
    """The seal key (records/seal.py): show it, make one, or sign the records that verify without it."""
    from bcp_drill.records.journal_writer import reseal
    from bcp_drill.records.seal import SealKeyError, load_seal_key, make_seal_key

    t = ctx.t
    path = ctx.settings.seal_key
    try:
        key = load_seal_key(path, ctx.settings.records)
        if action == "new":
            if key is not None:
                return ctx.fail(t("seal.key_exists", path=str(path), key_id=key.key_id))
            key = make_seal_key(path, ctx.settings.records)
            ctx.print(t("seal.key_made", path=str(path), key_id=key.key_id))
            return 0
    except SealKeyError as error:
        return ctx.fail(error.render(t))
    if action == "show":
        ctx.print(t("seal.key_shown", path=str(path), key_id=key.key_id) if key else t("seal.no_key", path=str(path)))
        return 0
    if key is None:
        return ctx.fail(t("seal.adopt_needs_key", path=str(path)))
    store = store_of(ctx)
    signed = skipped = 0
    for _record_id, name, journal in _journals_of(store, []):
        assert journal is not None
        try:
            events = reseal(journal, key)
        except JournalError as error:
            skipped += 1
            ctx.print(t("seal.adopt_skipped", record=name, reason=error.render(t)))
            continue
        signed += 1
        ctx.print(t("seal.adopted", record=name, events=events))
    ctx.print(t("seal.adopt_summary", signed=signed, skipped=skipped, key_id=key.key_id))
    return 1 if skipped else 0
