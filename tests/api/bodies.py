"""What every API error body must look like (shared/API.md)."""


def error_of(response):
    """The inner object of the API's error body, after checking its shape."""
    assert response.is_json, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) <= {"code", "message", "fields"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    for name, messages in body["error"].get("fields", {}).items():
        assert messages and all(isinstance(m, str) and m for m in messages), (name, messages)
    return body["error"]
