"""`supportbot doctor` on a database that cannot take writes, or with rows left in the spool:
the check fails (or warns) naming the problem and the rows waiting."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import make_url

from supportbot.app.doctor import check_database
from supportbot.core.settings import Settings, load_settings
from supportbot.storage import create_store, upgrade
from tests.storage.conftest import FAST, audit_entry
from tests.storage.faults import read_only


def settings_for(folder: Path, url: str | None = None) -> Settings:
    return load_settings(
        None, data_dir=str(folder), database_url=url or f"sqlite:///{folder / 'supportbot.db'}"
    )


def read_only_url(url: str) -> str:
    """The PostgreSQL URL whose sessions refuse every write (the schema stays readable)."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    assert isinstance(options, str)
    query = {"options": f"{options} -cdefault_transaction_read_only=on".strip()}
    return parsed.update_query_dict(query).render_as_string(hide_password=False)


async def test_a_database_that_refuses_writes_fails_the_doctor_naming_it(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url)
    assert (await check_database(settings_for(tmp_path, database_url))).status == "ok"
    if database_url.startswith("sqlite"):
        with read_only(Path(make_url(database_url).database or "")):
            check = await check_database(settings_for(tmp_path, database_url))
        assert check.status == "fail", check
        assert "supportbot.db" in check.detail and "write permission" in check.detail
        return
    # The schema reads as current: only the write finds it out.
    check = await check_database(settings_for(tmp_path, read_only_url(database_url)))
    assert check.status == "fail", check
    assert check.detail.startswith("the database is read-only (PostgreSQL: "), check.detail


async def test_rows_left_in_the_spool_are_a_warning_with_their_count(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    url = settings.effective_database_url
    upgrade(url)
    store = create_store(url, spool_dir=settings.data_dir, policy=FAST)
    await store.audit.record(audit_entry("before"))
    (tmp_path / "supportbot.db").unlink()
    await store.audit.record(audit_entry("during"))  # spooled: the file is gone
    await store.audit.record(audit_entry("during-2"))
    await store.close()  # the spool stays for the next start
    check = await check_database(settings)
    assert check.status == "warn", check
    assert "2 rows wait in the spool" in check.detail, check.detail
