"""The SQLite FTS5 backend against the shared search contract."""

import pytest

from pipeline.search.sqlite import SQLiteBackend
from search_contract import SearchContract


class TestSQLiteBackend(SearchContract):
    @pytest.fixture
    def backend(self, tmp_path):
        backend = SQLiteBackend(tmp_path / "search.sqlite")
        yield backend
        backend.close()

    def test_index_survives_reopening(self, loaded, tmp_path):
        reopened = SQLiteBackend(tmp_path / "search.sqlite")
        assert reopened.count() == loaded.count()
        assert self.run(reopened, query="Afrin").total == 1

    def test_a_second_connection_sees_new_documents(self, loaded, tmp_path):
        reader = SQLiteBackend(tmp_path / "search.sqlite")
        assert self.run(reader, query="graves").total == 0
        from search_contract import doc
        loaded.index([doc("new", "Mass graves", "Mass graves found near Raqqa.", governorate=["SY11"])])
        response = self.run(reader, query="graves")
        assert response.total == 1 and self.counts(response, "governorate") == {"SY11": 1}
