# patroni_state.py [MEMBER...]: what `patronictl list` and `show-config` print, read from Patroni's REST API in a member
# container (Patroni/PatroniCtl.cs runs it with docker exec): the container's own Patroni, else the first MEMBER that
# answers. A poll without a patronictl process, which costs most of a second of CPU. Prints one JSON object,
# {"cluster": /cluster, "config": /config as text}; when no member answers, says why on stderr and exits 1.
import json
import sys
import urllib.error
import urllib.request


def read(host, path):
    with urllib.request.urlopen(f"http://{host}:8008/{path}", timeout=3) as response:
        return response.read().decode()


errors = []
for host in ["127.0.0.1", *sys.argv[1:]]:
    try:
        # /cluster reloads the member's view from etcd; /config then answers from that view.
        cluster = json.loads(read(host, "cluster"))
        try:
            config = read(host, "config")
        except urllib.error.HTTPError as error:
            if error.code != 502:
                raise
            config = ""  # Patroni's answer while etcd holds no dynamic configuration yet
    except Exception as error:
        errors.append(f"{host}: {error}")
        continue
    print(json.dumps({"cluster": cluster, "config": config}))
    sys.exit(0)
print(f"no Patroni REST API answered ({'; '.join(errors)})", file=sys.stderr)
sys.exit(1)
