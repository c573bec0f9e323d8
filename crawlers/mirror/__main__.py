"""Run the offline mirror by hand: python -m crawlers.mirror --port 8089, then COI_MIRROR_URL=http://127.0.0.1:8089."""

from __future__ import annotations

import argparse
import logging
import time

from .server import SITES_DIR, Mirror


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawlers.mirror", description=__doc__)
    parser.add_argument("--port", type=int, default=8089, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--root", default=str(SITES_DIR), help="folder with one site tree per source id")
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    parser.add_argument("--traps", action="store_true", help="also serve the failing endpoints under /traps/")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(message)s")
    with Mirror(root=args.root, port=args.port, traps=args.traps, delay=args.delay) as mirror:
        print(f"Serving {args.root} at {mirror.url}; crawl it with COI_MIRROR_URL={mirror.url} (Ctrl-C stops)",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
