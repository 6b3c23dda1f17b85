# patroni_state.py [--wake] [MEMBER...]: what `patronictl list` and `show-config` print, read from Patroni's REST API in
# a member container (Patroni/PatroniCtl.cs runs it with docker exec): the container's own Patroni, else the first
# MEMBER that answers (host, or host:port; Patroni's port is 8008). A poll without a patronictl process, which costs
# most of a second of CPU. Prints one JSON object, {"cluster": /cluster, "config": /config as text}; when no member
# answers, says why on stderr and exits 1.
# The answer is the member's view of etcd, which Patroni keeps current with a watch: not a quorum read of its own.
# --wake: then each MEMBER runs its HA loop now instead of at its next loop_wait, so that the next poll sees what it did
# (a leader names a synchronous standby, a replica reports that it streams). Patroni wakes the loop on every PATCH of
# the dynamic configuration; this one removes a key that is not there, so the configuration stays as it is. A wake
# that fails is said on stderr and changes nothing else: the state read stands, and the member runs its loop in time.
import base64
import json
import sys
import threading
import time
import urllib.error
import urllib.request

CONFIG = "/etc/swarm-pg/patroni/member.yml"
PASSWORD = "/run/secrets/rest_api_password"

wake = sys.argv[1:2] == ["--wake"]
members = sys.argv[2:] if wake else sys.argv[1:]
# Straight to the members on the stack network, whatever proxy the container's environment names.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def address(host):
    return host if ":" in host else f"{host}:8008"


def read(host, path):
    with opener.open(f"http://{address(host)}/{path}", timeout=3) as response:
        return response.read().decode()


def state():
    errors = []
    for host in ["127.0.0.1", *members]:
        try:
            # /cluster reloads the member's view from etcd; /config then answers from that view.
            cluster = json.loads(read(host, "cluster"))
            try:
                config = read(host, "config")
            except urllib.error.HTTPError as error:
                if error.code != 502:
                    raise
                config = ""  # Patroni's answer while etcd holds no dynamic configuration yet
            return {"cluster": cluster, "config": config}
        except Exception as error:
            errors.append(f"{host}: {error}")
    print(f"no Patroni REST API answered ({'; '.join(errors)})", file=sys.stderr)
    sys.exit(1)


def wake_members():
    import yaml
    with open(CONFIG) as config:
        user = yaml.safe_load(config)["restapi"]["authentication"]["username"]
    with open(PASSWORD) as secret:
        credentials = base64.b64encode(f"{user}:{secret.read().rstrip(chr(10))}".encode()).decode()

    def wake_one(member):
        request = urllib.request.Request(f"http://{address(member)}/config", data=b'{"swarm_pg_wake": null}', method="PATCH",
                                         headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"})
        try:
            opener.open(request, timeout=1).close()
        except Exception as error:
            print(f"{member} could not be woken: {error}", file=sys.stderr)

    # Daemon threads given 2 s in all: a name that does not resolve is not bound by the request's timeout.
    wakers = [threading.Thread(target=wake_one, args=(member,), daemon=True) for member in members]
    for waker in wakers:
        waker.start()
    deadline = time.monotonic() + 2
    for waker in wakers:
        waker.join(timeout=max(0, deadline - time.monotonic()))


print(json.dumps(state()), flush=True)
if wake:
    try:
        wake_members()
    except Exception as error:
        print(f"the members could not be woken: {error}", file=sys.stderr)
