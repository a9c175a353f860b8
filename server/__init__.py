"""The one server that mounts the web app, the APIs and the routes serving indexed files (`asgi.py`)."""
