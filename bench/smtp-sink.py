#!/usr/bin/env python3
"""A tiny SMTP sink for bench/notifications.sh: accepts every message and throws it away.

    python3 bench/smtp-sink.py PORT COUNT_FILE

Speaks just enough ESMTP for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; answers 250 to
anything else), no TLS (`smtp://127.0.0.1:PORT`). Writes the number of messages received to
COUNT_FILE after each one arrives (cheaply: at most every 0.5 s, and at exit on SIGTERM).
Python's smtpd module is gone since 3.12 and aiosmtpd is not installed here, hence this.
"""
import asyncio
import signal
import sys
import time

received = 0
last_write = 0.0


def write_count(path, force=False):
    global last_write
    now = time.monotonic()
    if force or now - last_write >= 0.5:
        last_write = now
        with open(path, "w") as f:
            f.write(f"{received}\n")


async def session(reader, writer, path):
    global received
    writer.write(b"220 bench-sink ESMTP\r\n")
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250-bench-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                # The body ends with CRLF.CRLF (the CRLF before the dot ends its last line).
                await reader.readuntil(b"\r\n.\r\n")
                received += 1
                write_count(path)
                writer.write(b"250 2.0.0 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main(port, path):
    server = await asyncio.start_server(lambda r, w: session(r, w, path), "127.0.0.1", port, limit=64 << 20)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    write_count(path, force=True)
    async with server:
        await stop.wait()
    write_count(path, force=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp-sink.py PORT COUNT_FILE")
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
