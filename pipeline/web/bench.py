"""`coi bench serve`: concurrent clients against /api/search of a running `coi serve` on synthetic documents."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from ..bench import GENERATOR_VERSION, _percentiles, bench_requests, build_index
from .params import query_pairs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(work_dir: Path, docs: int) -> Path:
    """A data dir whose SQLite index holds `docs` synthetic documents (a copy of `coi bench search`'s if there is one)."""
    data_dir = work_dir / f"serve-v{GENERATOR_VERSION}-{docs}"
    data_dir.mkdir(parents=True, exist_ok=True)
    index = data_dir / "search.sqlite"
    searched = work_dir / f"bench-v{GENERATOR_VERSION}-{docs}.sqlite"
    if not index.exists() and searched.exists():
        shutil.copyfile(searched, index)
    build_index(index, docs).close()
    return data_dir


def _wait_until_up(base_url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"coi serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/api/search", params={"per_page": 1}, timeout=30).status_code == 200:
                return  # the first search has loaded the facet bitsets
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"coi serve did not answer at {base_url} within {timeout:.0f} s")


def _client(base_url: str, requests: list, offset: int, stop_at: float, timings: list, errors: list,
            hits: list) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        n = offset
        while time.monotonic() < stop_at:
            params = query_pairs(requests[n % len(requests)])
            n += 1
            started = time.perf_counter()
            try:
                response = client.get("/api/search", params=params)
                elapsed = 1000 * (time.perf_counter() - started)
                if response.status_code != 200 or "facets" not in response.json():
                    errors.append(f"HTTP {response.status_code}")
                else:
                    timings.append(elapsed)
                    hits.append(response.headers.get("x-search-cache") == "hit")
            except httpx.HTTPError as error:
                errors.append(f"{type(error).__name__}: {error}")


def run_serve_bench(docs: int, clients: int, seconds: float, work_dir: str, workers: int = 2,
                    cache_seconds: int = 60, distinct: int = 500) -> dict:
    """Start `coi serve` on a synthetic index, run `clients` closed-loop clients for `seconds`, report latency."""
    print(f"{docs} synthetic documents; {clients} concurrent clients for {seconds:.0f} s against /api/search "
          f"served by {workers} worker process(es), search cache {cache_seconds} s, {distinct} distinct searches")
    data_dir = _prepare(Path(work_dir), docs)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_SEARCH_BACKEND": "sqlite", "COI_ELASTICSEARCH_URL": "",
           "COI_SEARCH_CACHE_SECONDS": str(cache_seconds)}
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port),
                               "--workers", str(workers), "--log-level", "warning"], env=env)
    try:
        _wait_until_up(base_url, server)
        requests = bench_requests(distinct)
        timings: list[float] = []
        errors: list[str] = []
        hits: list[bool] = []
        stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=_client, args=(base_url, requests, i * (distinct // clients), stop_at, timings, errors, hits))
                   for i in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    p50, p95 = _percentiles(timings) if timings else (0.0, 0.0)
    result = {"docs": docs, "clients": clients, "workers": workers, "seconds": round(elapsed, 1), "requests": len(timings) + len(errors),
              "errors": len(errors), "requests_per_second": round((len(timings) + len(errors)) / elapsed, 1),
              "cache_hits": round(sum(hits) / max(1, len(hits)), 2), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "max_ms": round(max(timings, default=0), 1)}
    print(f"  {result['requests']} requests in {result['seconds']} s ({result['requests_per_second']} per second), "
          f"{result['errors']} errors; latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"max {result['max_ms']} ms; {100 * result['cache_hits']:.0f}% answered from the cache")
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")
    return result
