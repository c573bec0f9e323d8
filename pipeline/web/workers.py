"""Several server processes on one listening socket, for `coi serve --workers N` (searches are CPU-bound Python).

Uvicorn's own --workers binds a socket whose protocol number is 0, and asyncio only turns Nagle's algorithm off on
connections of sockets that say TCP: every response then waited about 40 ms for a delayed ACK. And with one shared
socket, the worker that wakes first accepts most of a burst of keep-alive connections and keeps them. Here each
worker gets its own socket (protocol TCP, SO_REUSEPORT on the same port), so the kernel spreads connections evenly.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket


def listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(2048)
    return sock


def _worker(settings, sock: socket.socket, log_level: str, access_log: bool) -> None:
    import uvicorn

    from . import create_app

    config = uvicorn.Config(create_app(settings), log_level=log_level, access_log=access_log)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(settings, host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
    """Fork `workers` uvicorn servers listening on one port; Ctrl-C or SIGTERM stops them all."""
    sockets = [listening_socket(host, port)]
    port = sockets[0].getsockname()[1]  # the same port for every worker, also when port 0 asked for a free one
    sockets += [listening_socket(host, port) for _ in range(workers - 1)]
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_worker, args=(settings, sock, log_level, access_log), daemon=True)
                 for sock in sockets]
    for process in processes:
        process.start()

    def stop(*_):
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn shuts down gracefully on SIGTERM

    signal.signal(signal.SIGTERM, stop)
    try:
        for process in processes:
            process.join()
    except KeyboardInterrupt:  # the workers got the same SIGINT and are shutting down
        for process in processes:
            process.join(timeout=30)
    finally:
        stop()
        for sock in sockets:
            sock.close()
