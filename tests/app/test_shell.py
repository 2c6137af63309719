"""`supportbot shell` and `demo` with piped input, as a hurried user pastes a few lines."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_cli import supportbot


def test_a_slip_on_the_pick_list_says_what_to_type_and_keeps_the_list(tmp_path: Path) -> None:
    result = supportbot(
        "shell", "--demo", tmp_path=tmp_path, stdin="/merchant 0813-9876-5432\n3\n1\n2\n"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Type 1 or 2 to pick one." in out
    assert "supportbot> 3\nThere is no 3 in the list: type 1 or 2" in out
    assert "supportbot> 1\nToko Roti Manis · M-10006" in out
    assert "supportbot> 2\nWarung Makan Bu Rini · M-10007" in out  # the list outlived the pick
    assert "There is no command" not in out


def test_a_number_before_any_list_says_there_is_nothing_to_pick(tmp_path: Path) -> None:
    result = supportbot("shell", "--demo", tmp_path=tmp_path, stdin="4\n/done\n4\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("There is no list to pick 4 from") == 2  # /done had nothing to close
    assert "There is no command /4" not in out


def test_piped_input_reads_as_a_transcript_and_ends_without_a_prompt(tmp_path: Path) -> None:
    result = supportbot("shell", "--demo", tmp_path=tmp_path, stdin="/help\n")
    assert result.returncode == 0, result.stderr
    assert "supportbot> /help\nCommands\n" in result.stdout
    assert not result.stdout.rstrip().endswith("supportbot>")
    assert result.stdout.count("supportbot>") == 1


def test_the_shell_warns_at_start_about_a_service_that_cannot_be_reached(tmp_path: Path) -> None:
    result = supportbot("demo", "--down", "billing", tmp_path=tmp_path, stdin="")
    assert result.returncode == 0, result.stderr
    banner, warning, *_ = result.stdout.splitlines()
    assert banner.startswith("supportbot — ")
    assert warning.startswith("⚠ billing could not be reached")
    assert "merchants" not in result.stdout.split("Commands still run")[0]


def test_the_reference_an_error_shows_finds_its_record(tmp_path: Path) -> None:
    supportbot("exec", "--demo", "/merchant 0812", tmp_path=tmp_path)
    table = supportbot("audit", "--limit", "1", tmp_path=tmp_path).stdout
    ref = table.splitlines()[-1].split()[-1]
    found = supportbot("audit", "--ref", ref, tmp_path=tmp_path)
    assert found.returncode == 0, found.stderr
    assert f"ref         {ref}" in found.stdout
    assert 'error       ArgumentError: "0812" is not a valid phone number' in found.stdout
    missing = supportbot("audit", "--ref", "000000000000", tmp_path=tmp_path)
    assert missing.returncode == 1 and "no audit record has the reference" in missing.stderr


def test_a_csv_export_says_where_it_wrote(tmp_path: Path) -> None:
    supportbot("exec", "--demo", "/help", tmp_path=tmp_path)
    result = supportbot("audit", "--csv", "out.csv", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote 1 record to {(tmp_path / 'out.csv').resolve()}\n"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("at,request_id")


def test_the_database_and_the_log_are_private_to_their_user(tmp_path: Path) -> None:
    supportbot("exec", "--demo", "/merchant 0812-3456-7890", tmp_path=tmp_path, first_start=True)
    made = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert "supportbot.db" in made and "supportbot.log" in made
    for name in made:
        mode = (tmp_path / "data" / name).stat().st_mode & 0o777
        assert mode == 0o600, (name, oct(mode))


def test_refusing_a_suspended_merchant_is_a_failure_not_a_usage_error(tmp_path: Path) -> None:
    result = supportbot("exec", "--demo", "--as", "ani", "/reset-pin M-10002", tmp_path=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "is suspended" in result.stdout
