"""Sign-in limits, in-process: repeated wrong tokens from one address are slowed down (429), and the
right token is refused too while the window lasts; the token never appears in a page."""

from __future__ import annotations

import re

from webapp.review import create_review_app
from webapp.review.auth import FAILURES_ALLOWED

TOKEN = "in-process-review-token-0123"


def test_repeated_failures_are_throttled(tmp_path):
    (tmp_path / "sources").mkdir()
    app = create_review_app({"DANVAN_REVIEW_TOKEN": TOKEN, "DANVAN_REVIEW_DIR": str(tmp_path / "folder"),
                             "DANVAN_SOURCES": str(tmp_path / "sources"), "DANVAN_STORE": str(tmp_path / "store")})
    client = app.test_client()
    origin = {"Origin": "http://localhost"}

    def sign_in(token: str):
        page = client.get("/review/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post("/review/login", data={"csrf_token": csrf, "name": "X", "token": token}, headers=origin)

    for _ in range(FAILURES_ALLOWED):
        r = sign_in("wrong-token-wrong-token")
        assert r.status_code == 403 and TOKEN not in r.get_data(as_text=True)
    assert sign_in("wrong-token-wrong-token").status_code == 429
    assert sign_in(TOKEN).status_code == 429
    assert client.get("/review/").status_code == 303
