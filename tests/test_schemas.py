from salient.schemas import CLAIMS, data_dictionary


def test_data_dictionary_documents_every_claim_column():
    text = data_dictionary()
    for column in CLAIMS.columns:
        assert f"`{column}`" in text


def test_committed_data_dictionary_is_up_to_date():
    from pathlib import Path

    from salient.schemas import DICTIONARY_HEADER

    committed = (Path(__file__).resolve().parents[1] / "docs" / "data_dictionary.md").read_text()
    assert committed == DICTIONARY_HEADER + data_dictionary()
