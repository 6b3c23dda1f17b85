# relay.py HOST PORT: one TCP connection to HOST:PORT, relayed to this process's stdin and stdout. The pipeline runs
# it with docker exec in a container of the stack (Postgres/EndpointTunnel.cs), to reach what listens on the stack
# network only. Python is in the image for Patroni. A connection that fails says why on stderr and exits 1.
import os
import socket
import sys
import threading

host, port = sys.argv[1], int(sys.argv[2])
try:
    upstream = socket.create_connection((host, port), timeout=10)
except OSError as error:
    sys.stderr.write(f"{error.strerror or error}\n")
    sys.exit(1)
upstream.settimeout(None)


def forward_stdin():
    while data := os.read(0, 65536):
        upstream.sendall(data)
    try:
        upstream.shutdown(socket.SHUT_WR)
    except OSError:
        pass


threading.Thread(target=forward_stdin, daemon=True).start()
while data := upstream.recv(65536):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]
