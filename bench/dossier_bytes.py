"""Every institution's page and API record on the demo data, as bytes: one digest a line, to compare two checkouts.

    python bench/dossier_bytes.py INSTANCE_FOLDER > digests.txt

Builds the demo database in INSTANCE_FOLDER once (reused after), then, as each of the demo's roles that can read
institutions, asks every institution's page (in Chinese and English) and its API record, and prints
`sha256 status path`. Run it from two checkouts (PYTHONPATH=<checkout>) on the same folder and the same day (the demo's
dates follow the calendar) and `diff` the outputs: a refactor that changes no byte prints the same lines. CSRF
checks are off, and the logout form's per-session token is left out of the digest.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys

# The logout form carries a CSRF token of the session whatever the settings: the one part of a page that differs
# between two runs.
CSRF = re.compile(rb'name="csrf_token" value="[^"]*"')


def main() -> None:
    instance = os.path.abspath(sys.argv[1])
    os.makedirs(instance, exist_ok=True)
    os.environ.update(REGISTRY_DATABASE_URL=f"sqlite:///{os.path.join(instance, 'registry.sqlite')}",
                      REGISTRY_ENV="development")
    from sqlalchemy import select

    from registry import create_app
    from registry.commands import DEMO_PASSWORD, demo_bounds, initialise, load_demo
    from registry.extensions import db
    from registry.register.models import Institution

    os.environ.setdefault("REGISTRY_BOUNDS", demo_bounds())
    app = create_app({"SECRET_KEY": "dossier-bytes", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        initialise()
        load_demo()
        ids = db.session.scalars(select(Institution.id).order_by(Institution.id)).all()
    for username in ("admin", "edu", "market", "grid"):
        client = app.test_client()
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        for language in ("zh_CN", "en"):
            with client.session_transaction() as session:
                session["locale"] = language
            for id_ in ids:
                for path in (f"/institutions/{id_}", f"/api/v1/institutions/{id_}"):
                    answer = client.get(path, headers={"Accept-Language": language})
                    digest = hashlib.sha256(CSRF.sub(b"", answer.data)).hexdigest()
                    print(digest, answer.status_code, username, language, path)


if __name__ == "__main__":
    main()
