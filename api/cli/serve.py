"""`yotassist serve`: the web app and HTTP API on 127.0.0.1 by default."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app, fail
from yotassist.one_line import one_line


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; 0.0.0.0 exposes the app to the network."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    index: Optional[Path] = typer.Option(None, "--index", help="Index folder (default: $YOTASSIST_HOME/index)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level: critical, error, warning, info, debug."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=32,
                                          help="Worker processes (default: YOTASSIST_WORKERS or 1); see README."),
) -> None:
    """Start the web app (chat, ratings grid, drafting, uploads) and the API (docs at /docs)."""
    import socket

    from yotassist.settings import Settings

    if index is not None and index.exists() and not index.is_dir():
        fail(f"--index {index} is not a folder")
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        fail(f"unknown --log-level {log_level!r}")
    try:
        settings = Settings(**({"index": index} if index is not None else {}), host=host, port=port,
                            **({"workers": workers} if workers is not None else {}))
    except Exception as exc:  # a bad YOTASSIST_* variable
        fail(f"invalid settings: {one_line(exc, 300)}")
    try:  # a taken port is the commonest start-up failure: say so in one line, before loading models
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")

    import uvicorn

    from api.app import BrokenInstall, create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_key:
        print(f"yotassist: warning: listening on {host} without YOTASSIST_API_KEY; anyone who can reach it can upload and delete")
    print(f"yotassist: index {settings.index_dir}; open http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/")
    if settings.workers > 1:
        # Several processes (the GIL serialises one process's Python work): each worker builds
        # its app from the environment, so the choices made here travel as YOTASSIST_* variables.
        import os

        try:
            import assistant.service  # noqa: F401 - a broken install stops here, not in every worker
        except ImportError as exc:
            fail(f"the assistant cannot be imported ({exc}); reinstall with `make install`")
        os.environ.update(YOTASSIST_INDEX=str(settings.index_dir), YOTASSIST_HOST=host, YOTASSIST_PORT=str(port),
                          YOTASSIST_WORKERS=str(settings.workers))
        uvicorn.run("api.app:app_from_environment", factory=True, workers=settings.workers, host=host, port=port,
                    log_level=log_level, proxy_headers=False, timeout_graceful_shutdown=5)
        return
    try:
        web = create_app(settings)
    except BrokenInstall as exc:
        fail(str(exc))
    uvicorn.run(web, host=host, port=port, log_level=log_level, proxy_headers=False,
                timeout_graceful_shutdown=5)
