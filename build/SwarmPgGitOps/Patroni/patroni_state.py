# patroni_state.py [--wake] [MEMBER...]: what `patronictl list` and `show-config` print, read from Patroni's REST API in
# a member container (Patroni/PatroniCtl.cs runs it with docker exec): the container's own Patroni, else the first
# MEMBER that answers. A poll without a patronictl process, which costs most of a second of CPU. Prints one JSON object,
# {"cluster": /cluster, "config": /config as text}; when no member answers, says why on stderr and exits 1.
# --wake: then each MEMBER runs its HA loop now instead of at its next loop_wait, so that the next poll sees what it did
# (a leader names a synchronous standby, a replica reports that it streams). Patroni wakes the loop on every PATCH of
# the dynamic configuration; this one removes a key that is not there, so the configuration stays as it is.
import base64
import json
import sys
import urllib.error
import urllib.request

CONFIG = "/etc/swarm-pg/patroni/member.yml"
PASSWORD = "/run/secrets/rest_api_password"

wake = sys.argv[1:2] == ["--wake"]
members = sys.argv[2:] if wake else sys.argv[1:]


def read(host, path):
    with urllib.request.urlopen(f"http://{host}:8008/{path}", timeout=3) as response:
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
    for member in members:
        request = urllib.request.Request(f"http://{member}:8008/config", data=b'{"swarm_pg_wake": null}', method="PATCH",
                                         headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=3).close()
        except Exception as error:
            print(f"{member} could not be woken: {error}", file=sys.stderr)


print(json.dumps(state()), flush=True)
if wake:
    wake_members()
