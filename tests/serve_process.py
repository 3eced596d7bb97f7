"""For the Python integration tests: a `leadroute serve` on a free port."""
import os
import re
import subprocess


def start_server(bin_path, root, data="none", extra=()):
    """Starts `leadroute serve` on 127.0.0.1, port chosen by the kernel, the
    demo rule set, HTTP off, data directory `data`, and `extra` flags.
    Returns (process, port) once it listens; raises SystemExit with its
    stderr if it stops first."""
    server = subprocess.Popen(
        [bin_path, "serve", "--listen", "127.0.0.1:0", "--http", "off",
         "--rules", os.path.join(root, "rules", "demo"), "--data", data, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("server did not start: " + server.stderr.read())
        found = re.search(r'"tcp":"127\.0\.0\.1:(\d+)"', line)
        if found:
            return server, int(found.group(1))
