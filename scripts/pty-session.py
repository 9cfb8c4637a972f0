#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and answers it as a person would.

    python3 scripts/pty-session.py [--cols N] [--rows N] [--cast FILE] [--timeout S] \
        STEPS.json -- COMMAND ARGS...

STEPS.json is a list of [pattern, keys]: once the output since the last answer matches the
regular expression `pattern`, `keys` are typed (no Enter unless they hold one). Everything
the command prints goes to standard output as it came; with --cast, also to an asciinema v2
recording. The exit status is the command's, or 124 when a pattern never showed up in time.
"""
import argparse
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--cast")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--pace", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("steps")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with open(args.steps) as f:
        steps = json.load(f)

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.cols, 0, 0))

    start = time.monotonic()
    events = []
    pending = b""
    out = sys.stdout.buffer

    def take(deadline: float) -> bool:
        """Reads what the command printed until the deadline; False once it has ended."""
        nonlocal pending
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return True
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out.write(data)
            out.flush()
            events.append([round(time.monotonic() - start, 3), "o", data.decode("utf8", "replace")])
            pending += data
            return True

    status = 0
    alive = True
    for pattern, keys in steps:
        deadline = time.monotonic() + args.timeout
        regex = re.compile(pattern.encode("utf8"))
        while alive and not regex.search(pending):
            if time.monotonic() > deadline:
                sys.stderr.write(f"pty-session: no {pattern!r} in time\n")
                os.kill(pid, 9)
                status = 124
                alive = False
                break
            alive = take(deadline)
        if status:
            break
        if not regex.search(pending):
            sys.stderr.write(f"pty-session: the command ended before {pattern!r}\n")
            status = 124
            break
        pending = b""
        if args.pace:
            alive = take(time.monotonic() + args.pace)
        os.write(fd, keys.encode("utf8"))
    while alive:
        alive = take(time.monotonic() + args.timeout)
        if alive and time.monotonic() - start > args.timeout * (len(steps) + 1):
            break
    _, wait = os.waitpid(pid, 0)
    if status == 0:
        status = os.waitstatus_to_exitcode(wait)
        status = status if status >= 0 else 128 - status

    if args.cast:
        with open(args.cast, "w") as f:
            header = {"version": 2, "width": args.cols, "height": args.rows,
                      "env": {"TERM": "xterm-256color", "SHELL": "/bin/bash"}}
            f.write(json.dumps(header) + "\n")
            for event in events:
                f.write(json.dumps(event) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
