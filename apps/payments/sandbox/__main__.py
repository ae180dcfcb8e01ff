"""``python -m apps.payments.sandbox [--port 8090]``: the PG sandbox on its own, without Django."""

import argparse
import logging
import os
from pathlib import Path

from apps.payments.sandbox.server import SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET, PGSandbox


def main() -> None:
    parser = argparse.ArgumentParser(description="TriMarket PG sandbox (PortOne REST API v1)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--imp-key", default=os.environ.get("PORTONE_IMP_KEY") or SANDBOX_IMP_KEY)
    parser.add_argument("--imp-secret", default=os.environ.get("PORTONE_IMP_SECRET") or SANDBOX_IMP_SECRET)
    parser.add_argument("--webhook-url", action="append", default=[], help="the console's notification URL")
    parser.add_argument("--state-file", type=Path, help="keep payments across restarts in this JSON file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(args.host, args.port, args.imp_key, args.imp_secret, tuple(args.webhook_url), args.state_file)


def run(host, port, imp_key, imp_secret, webhook_urls, state_file) -> None:
    sandbox = PGSandbox(
        host=host,
        port=port,
        imp_key=imp_key,
        imp_secret=imp_secret,
        webhook_urls=webhook_urls,
        state_file=state_file,
    )
    print(f"PG 샌드박스 (PortOne REST API v1): {sandbox.url}  결제창: {sandbox.url}sandbox/pay", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.httpd.server_close()


if __name__ == "__main__":
    main()
