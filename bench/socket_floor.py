"""The floor under any TCP fan-out on this machine: the CPU one process spends writing one access
unit to each of N loopback TCP clients, 25 times a second, and nothing else.

It is what an RTSP server that packetizes each access unit once (camvault's shared live fan-out,
video/rtsp/fanout.py) cannot go below per extra client: one `transport.write` (one send system call)
per client per access unit. bench/live.py measures camvault's real cost per extra client; compare
it with the "per client-AU" figure printed here.

How: a uvloop server accepts N connections from one reader process (this script with
`--reader PORT N`, uvloop, reading and discarding), then for `--seconds` writes `--au-bytes` bytes
(default 10,146: 253.6 kB/s at 25 fps, bench/live.py's source) to each client every 40 ms, with
the same checks camvault makes before a write (socket closing, write backlog). CPU: the server
process's user and system time (getrusage), per second (100 = one core), for N=1 and N=`--clients`.

Usage (from the repository root)
    .venv/bin/python bench/socket_floor.py
    .venv/bin/python bench/socket_floor.py --clients 100 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time

import uvloop

FPS = 25
BACKLOG_MAX_BYTES = 4 << 20


async def serve(clients: int, au_bytes: int, seconds: float) -> tuple[float, float]:
    """(user %, system %) of one core while writing to `clients` readers."""
    writers: list[asyncio.StreamWriter] = []
    server = await asyncio.start_server(lambda _r, w: writers.append(w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader = subprocess.Popen([sys.executable, __file__, "--reader", str(port), str(clients)])
    try:
        while len(writers) < clients:
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)
        payload = os.urandom(au_bytes)
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        for _ in range(round(seconds * FPS)):
            for writer in writers:
                transport = writer.transport
                if not transport.is_closing() and transport.get_write_buffer_size() <= BACKLOG_MAX_BYTES:
                    transport.write(payload)
            await asyncio.sleep(1 / FPS)
        after, elapsed = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - start
    finally:
        reader.kill()
        reader.wait()
        server.close()
    return (100 * (after.ru_utime - before.ru_utime) / elapsed, 100 * (after.ru_stime - before.ru_stime) / elapsed)


async def read_all(port: int, clients: int) -> None:
    async def one() -> None:
        reader, _writer = await asyncio.open_connection("127.0.0.1", port)
        while await reader.read(1 << 16):
            pass
    await asyncio.gather(*(one() for _ in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--au-bytes", type=int, default=10_146)
    parser.add_argument("--reader", nargs=2, type=int, metavar=("PORT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        uvloop.run(read_all(*args.reader))
        return
    rows = [(n, *uvloop.run(serve(n, args.au_bytes, args.seconds))) for n in (1, args.clients)]
    for n, user, system in rows:
        print(f"{n:4d} client(s): user {user:5.2f}  system {system:5.2f}  total {user + system:5.2f} % core")
    (_, u1, s1), (n, un, sn) = rows
    per_client_us = ((un + sn) - (u1 + s1)) / 100 / (n - 1) / FPS * 1e6
    print(f"per extra client: {((un + sn) - (u1 + s1)) / (n - 1):.3f} % core = {per_client_us:.1f} us per access "
          f"unit of {args.au_bytes} bytes (system share {(sn - s1) / ((un + sn) - (u1 + s1)):.0%})")


if __name__ == "__main__":
    main()
