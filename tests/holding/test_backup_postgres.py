"""On PostgreSQL the backup command refuses and gives the pg_dump recipe."""
import pytest

from tests.conftest import PG_URL


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
def test_backup_on_postgresql_gives_the_pg_dump_recipe(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code == 1 and "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "x").exists()
