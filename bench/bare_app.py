"""The ceiling of bench/load.py: the barest Flask app, served by the same gunicorn settings as the register.

One route, a short text, no database, no session, no template. Whatever the register's pages cost beyond this is
the register's own work.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
