from salient.schemas import CLAIMS, data_dictionary


def test_data_dictionary_documents_every_claim_column():
    text = data_dictionary()
    for column in CLAIMS.columns:
        assert f"`{column}`" in text
